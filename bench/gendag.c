/* gendag: writes a boot-benchmark workload as systemd unit files.
 *
 *   gendag --shape chain|fanout|random --units N --work-ms W --out DIR
 *          [--seed S] [--edges-per-unit K] [--payload PATH] [--stamps FILE]
 *          [--busy]
 *
 * DIR receives N oneshot services uNNNN.service (DefaultDependencies=no,
 * ExecStart=PAYLOAD NAME W STAMPS), ordered by After= and pulled by Wants=:
 *   chain   u_i after u_{i-1};
 *   fanout  one root, N-1 leaves after it;
 *   random  each u_i after up to K distinct earlier units (seeded, so a seed
 *           names one DAG on every machine).
 * bench.target Wants= every unit and bench-done.service, which is ordered
 * after every sink, saves the init's /proc/1/status (its peak RSS) to
 * DIR/init-status.txt and sends SIGTERM to PID 1: inside a PID namespace
 * that is the init under test. DIR/dag.txt has one line per unit,
 * "name dep1 dep2 ...", for bench/ideal.c. Used by bench/boot-bench.sh and
 * test/integration/bench-smoke.sh. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum shape { SHAPE_CHAIN, SHAPE_FANOUT, SHAPE_RANDOM, _SHAPE_MAX };
static const char *const shape_names[_SHAPE_MAX] = { "chain", "fanout", "random" };

/* Names per After=/Wants= line: keeps lines short for any parser. */
#define NAMES_PER_LINE 32

struct dag {
        int n, width;
        int *ndeps;     /* ndeps[i] dependencies of unit i ... */
        int **deps;     /* ... all earlier than i */
        char *has_child;
};

static uint64_t rng_next(uint64_t *s)
{
        /* xorshift64*: tiny and the same everywhere. */
        *s ^= *s >> 12;
        *s ^= *s << 25;
        *s ^= *s >> 27;
        return *s * 2685821657736338717ULL;
}

static int dag_build(struct dag *d, enum shape shape, int n, int k, uint64_t seed)
{
        uint64_t s = seed ? seed : 0x9e3779b97f4a7c15ULL;

        d->n = n;
        d->width = snprintf(NULL, 0, "%d", n);
        if (d->width < 4)
                d->width = 4;
        d->ndeps = calloc(n, sizeof(*d->ndeps));
        d->deps = calloc(n, sizeof(*d->deps));
        d->has_child = calloc(n, 1);
        if (!d->ndeps || !d->deps || !d->has_child)
                return -ENOMEM;
        for (int i = 1; i < n; i++) {
                int want = shape == SHAPE_RANDOM ? (int)(rng_next(&s) % (uint64_t)(k + 1)) : 1;
                if (want > i)
                        want = i;
                if (want == 0)
                        continue;
                d->deps[i] = calloc(want, sizeof(int));
                if (!d->deps[i])
                        return -ENOMEM;
                while (d->ndeps[i] < want) {
                        int p = shape == SHAPE_CHAIN ? i - 1 :
                                shape == SHAPE_FANOUT ? 0 : (int)(rng_next(&s) % (uint64_t)i);
                        int dup = 0;
                        for (int j = 0; j < d->ndeps[i]; j++)
                                dup |= d->deps[i][j] == p;
                        if (dup)
                                continue;
                        d->deps[i][d->ndeps[i]++] = p;
                        d->has_child[p] = 1;
                }
        }
        return 0;
}

static void dag_free(struct dag *d)
{
        for (int i = 0; d->deps && i < d->n; i++)
                free(d->deps[i]);
        free(d->deps);
        free(d->ndeps);
        free(d->has_child);
}

/* Writes "KEY=a b c" lines, NAMES_PER_LINE names each. */
static void put_list(FILE *f, const char *key, const struct dag *d, const int *idx, int count)
{
        for (int i = 0; i < count; i++) {
                if (i % NAMES_PER_LINE == 0)
                        fprintf(f, "%s%s=", i ? "\n" : "", key);
                else
                        fputc(' ', f);
                fprintf(f, "u%0*d.service", d->width, idx[i] + 1);
        }
        if (count)
                fputc('\n', f);
}

static FILE *open_in(const char *dir, const char *name, char *path, size_t size)
{
        if ((size_t)snprintf(path, size, "%s/%s", dir, name) >= size) {
                errno = ENAMETOOLONG;
                return NULL;
        }
        return fopen(path, "we");
}

static int close_checked(FILE *f, const char *path)
{
        int bad = ferror(f);
        if (fclose(f) != 0 || bad) {
                fprintf(stderr, "gendag: unable to write %s\n", path);
                return -EIO;
        }
        return 0;
}

static int write_units(const struct dag *d, const char *dir, const char *payload,
                       long work_ms, const char *stamps, int busy)
{
        char path[PATH_MAX], name[64];
        int *idx = malloc(sizeof(int) * (d->n ? d->n : 1));
        int r = 0, count;
        FILE *f;

        if (!idx)
                return -ENOMEM;
        for (int i = 0; i < d->n; i++) {
                snprintf(name, sizeof(name), "u%0*d.service", d->width, i + 1);
                f = open_in(dir, name, path, sizeof(path));
                if (!f)
                        goto fail_open;
                fprintf(f, "[Unit]\nDescription=bench unit %d\nDefaultDependencies=no\n", i + 1);
                put_list(f, "After", d, d->deps[i], d->ndeps[i]);
                put_list(f, "Wants", d, d->deps[i], d->ndeps[i]);
                fprintf(f, "\n[Service]\nType=oneshot\nExecStart=%s u%0*d %ld %s%s\n",
                        payload, d->width, i + 1, work_ms, stamps, busy ? " --busy" : "");
                if ((r = close_checked(f, path)) < 0)
                        goto out;
        }

        f = open_in(dir, "bench.target", path, sizeof(path));
        if (!f)
                goto fail_open;
        for (int i = 0; i < d->n; i++)
                idx[i] = i;
        fprintf(f, "[Unit]\nDescription=boot benchmark, %d units\nDefaultDependencies=no\n", d->n);
        put_list(f, "Wants", d, idx, d->n);
        fprintf(f, "Wants=bench-done.service\n");
        if ((r = close_checked(f, path)) < 0)
                goto out;

        f = open_in(dir, "bench-done.service", path, sizeof(path));
        if (!f)
                goto fail_open;
        count = 0;
        for (int i = 0; i < d->n; i++)
                if (!d->has_child[i])
                        idx[count++] = i;
        fprintf(f, "[Unit]\nDescription=every bench unit has finished: stop the init\n"
                   "DefaultDependencies=no\n");
        put_list(f, "After", d, idx, count);
        /* PID 1 of the namespace is the init under test; its peak RSS is read
         * before it is asked to stop. */
        fprintf(f, "\n[Service]\nType=oneshot\n"
                   "ExecStart=/bin/sh -c 'cat /proc/1/status >%s/init-status.txt; exec /bin/kill -TERM 1'\n",
                dir);
        if ((r = close_checked(f, path)) < 0)
                goto out;

        f = open_in(dir, "dag.txt", path, sizeof(path));
        if (!f)
                goto fail_open;
        for (int i = 0; i < d->n; i++) {
                fprintf(f, "u%0*d", d->width, i + 1);
                for (int j = 0; j < d->ndeps[i]; j++)
                        fprintf(f, " u%0*d", d->width, d->deps[i][j] + 1);
                fputc('\n', f);
        }
        r = close_checked(f, path);
        goto out;
fail_open:
        r = -errno;
        fprintf(stderr, "gendag: unable to create %s: %s\n", path, strerror(errno));
out:
        free(idx);
        return r;
}

static void usage(void)
{
        fprintf(stderr, "usage: gendag --shape chain|fanout|random --units N --work-ms W --out DIR\n"
                        "              [--seed S] [--edges-per-unit K] [--payload PATH] [--stamps FILE] [--busy]\n");
}

int main(int argc, char **argv)
{
        static const struct option opts[] = {
                { "shape", required_argument, NULL, 's' },
                { "units", required_argument, NULL, 'n' },
                { "work-ms", required_argument, NULL, 'w' },
                { "seed", required_argument, NULL, 'S' },
                { "edges-per-unit", required_argument, NULL, 'k' },
                { "out", required_argument, NULL, 'o' },
                { "payload", required_argument, NULL, 'p' },
                { "stamps", required_argument, NULL, 't' },
                { "busy", no_argument, NULL, 'b' },
                { 0 }
        };
        const char *out = NULL, *payload_arg = NULL, *stamps_arg = NULL;
        char dir[PATH_MAX], self[PATH_MAX], payload[PATH_MAX + 16], stamps[PATH_MAX + 16];
        int shape = -1, n = -1, k = 3, busy = 0, c, r;
        long work_ms = -1;
        uint64_t seed = 1;
        struct dag d = { 0 };

        while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (c) {
                case 's':
                        for (int i = 0; i < _SHAPE_MAX; i++)
                                if (strcmp(optarg, shape_names[i]) == 0)
                                        shape = i;
                        break;
                case 'n': n = atoi(optarg); break;
                case 'w': work_ms = atol(optarg); break;
                case 'S': seed = strtoull(optarg, NULL, 0); break;
                case 'k': k = atoi(optarg); break;
                case 'o': out = optarg; break;
                case 'p': payload_arg = optarg; break;
                case 't': stamps_arg = optarg; break;
                case 'b': busy = 1; break;
                default: usage(); return 2;
                }
        }
        if (shape < 0 || n < 1 || work_ms < 0 || k < 0 || !out || optind != argc) {
                usage();
                return 2;
        }
        if (mkdir(out, 0755) < 0 && errno != EEXIST) {
                fprintf(stderr, "gendag: unable to create %s: %s\n", out, strerror(errno));
                return 1;
        }
        if (!realpath(out, dir)) {
                fprintf(stderr, "gendag: unable to resolve %s: %s\n", out, strerror(errno));
                return 1;
        }
        /* Unit files need absolute paths; the payload defaults to the one
         * built next to gendag. */
        if (!payload_arg) {
                if (!realpath("/proc/self/exe", self)) {
                        fprintf(stderr, "gendag: unable to find myself: %s\n", strerror(errno));
                        return 1;
                }
                *strrchr(self, '/') = '\0';
                snprintf(payload, sizeof(payload), "%s/payload", self);
        } else if (!realpath(payload_arg, payload)) {
                fprintf(stderr, "gendag: unable to resolve payload %s: %s\n", payload_arg, strerror(errno));
                return 1;
        }
        if (!stamps_arg)
                snprintf(stamps, sizeof(stamps), "%s/stamps.txt", dir);
        else if (stamps_arg[0] != '/') {
                fprintf(stderr, "gendag: --stamps needs an absolute path: %s\n", stamps_arg);
                return 2;
        } else
                snprintf(stamps, sizeof(stamps), "%s", stamps_arg);
        if (strpbrk(dir, " '\"\\%$") || strpbrk(payload, " '\"\\%$") || strpbrk(stamps, " '\"\\%$")) {
                fprintf(stderr, "gendag: paths with spaces, quotes, %% or $ are not supported\n");
                return 2;
        }

        r = dag_build(&d, shape, n, k, seed);
        if (r == 0)
                r = write_units(&d, dir, payload, work_ms, stamps, busy);
        if (r == -ENOMEM)
                fprintf(stderr, "gendag: out of memory\n");
        dag_free(&d);
        return r < 0 ? 1 : 0;
}
