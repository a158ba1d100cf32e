/* envbench [N...]: a unit with N Environment= lines (distinct names, and
 * every 100th line reassigning one repeated name), loaded the way weft
 * loads it and turned into a spawn request the way weft starts it, then
 * spawned (/bin/true with that environment). Prints, per N, the best of 3
 * wall times of each phase and its cost per line, so linearity shows as a
 * flat ns/line column (issue 8, B7: quadratic before). A benchmark: it
 * measures and fails on nothing but errors. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strv.h"
#include "parse/load.h"
#include "workers/exec_context.h"
#include "workers/spawn.h"

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void write_unit(const char *dir, unsigned n)
{
        char path[4096];
        snprintf(path, sizeof path, "%s/big.service", dir);
        FILE *f = fopen(path, "w");
        if (!f) {
                perror(path);
                exit(1);
        }
        fprintf(f, "[Service]\nExecStart=/bin/true\n");
        for (unsigned i = 1; i <= n; i++)
                if (i % 100 == 0)
                        fprintf(f, "Environment=R=%u\n", i);
                else
                        fprintf(f, "Environment=V%u=x\n", i);
        if (fclose(f) != 0) {
                perror(path);
                exit(1);
        }
}

struct times {
        double load, build, spawn;
};

static void run_once(char *dir, struct times *t)
{
        char *dirs[] = { dir, NULL };
        struct unit_table table;
        struct unit_path_index *index = NULL;
        struct spawn_request *req = NULL;
        struct unit *u;
        pid_t pid;
        int status;

        double t0 = now();
        unit_table_init(&table);
        if (unit_path_index_build(dirs, &index) < 0 || unit_table_intern(&table, "big.service", &u) < 0)
                exit(1);
        struct load_context ctx = { .table = &table, .index = index };
        if (unit_load_all(&ctx) < 0 || !(u = unit_table_get(&table, "big.service")) ||
            u->load_state != UNIT_LOADED)
                exit(1);
        double t1 = now();

        struct exec_params p = { .unit_id = u->id };
        if (exec_build_request(u, &u->service->exec_ctx, service_exec(u->service, SERVICE_EXEC_START), &p, &req) < 0)
                exit(1);
        double t2 = now();

        int r = spawn_process(req, &pid, NULL);
        if (r < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                fprintf(stderr, "envbench: spawning /bin/true failed: %s\n", strerror(r < 0 ? -r : EIO));
                exit(1);
        }
        double t3 = now();

        spawn_request_free(req);
        unit_table_done(&table);
        unit_path_index_free(index);
        *t = (struct times) { t1 - t0, t2 - t1, t3 - t2 };
}

int main(int argc, char **argv)
{
        static const unsigned defaults[] = { 1000, 10000, 100000 };
        unsigned sizes[16], n_sizes = 0;
        char dir[] = "/tmp/weft-envbench.XXXXXX";
        double first_ns = 0, last_ns = 0;

        for (int i = 1; i < argc && n_sizes < 16; i++)
                sizes[n_sizes++] = (unsigned) strtoul(argv[i], NULL, 10);
        if (n_sizes == 0)
                for (; n_sizes < 3; n_sizes++)
                        sizes[n_sizes] = defaults[n_sizes];
        if (!mkdtemp(dir)) {
                perror("mkdtemp");
                return 1;
        }
        log_set_level(LOG_LEVEL_WARNING);
        printf("%8s %10s %8s %10s %8s %10s %8s\n", "lines", "load_ms", "ns/line", "request_ms", "ns/line",
               "spawn_ms", "ns/line");
        for (unsigned s = 0; s < n_sizes; s++) {
                struct times best = { 1e9, 1e9, 1e9 }, t;
                unsigned n = sizes[s];

                write_unit(dir, n);
                for (int round = 0; round < 3; round++) {
                        run_once(dir, &t);
                        best.load = t.load < best.load ? t.load : best.load;
                        best.build = t.build < best.build ? t.build : best.build;
                        best.spawn = t.spawn < best.spawn ? t.spawn : best.spawn;
                }
                double per = (best.load + best.build) * 1e9 / n;
                printf("%8u %10.2f %8.0f %10.2f %8.0f %10.2f %8.0f\n", n, best.load * 1e3, best.load * 1e9 / n,
                       best.build * 1e3, best.build * 1e9 / n, best.spawn * 1e3, best.spawn * 1e9 / n);
                if (s == 0)
                        first_ns = per;
                last_ns = per;
        }
        printf("load+request cost per line, largest N over smallest N: %.2fx (1x is linear; quadratic grows with N)\n",
               first_ns > 0 ? last_ns / first_ns : 0.0);
        char path[4096];
        snprintf(path, sizeof path, "%s/big.service", dir);
        unlink(path);
        rmdir(dir);
        return 0;
}
