/* ideal: the minimal DAG executor, the floor no init can beat.
 *
 *   ideal DAG PAYLOAD WORK_MS STAMPFILE [--busy]
 *
 * DAG is gendag's dag.txt ("name dep1 dep2 ..." per line). Every node whose
 * dependencies have all exited is spawned at once as
 * "PAYLOAD name WORK_MS STAMPFILE"; a single waitpid loop releases the
 * successors of each exit (Kahn's algorithm, success or not, like After=).
 * No unit files, no threads, no logging: only what ordering costs.
 * Every step is O(1) per node and edge, so it stays the floor at 100,000
 * nodes (bench/scale-bench.sh): an exit finds its node through a pid hash,
 * and at most MAX_RUNNING children live at once, so a DAG whose roots
 * number tens of thousands cannot exhaust the pids with unreaped zombies. */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

#define MAX_RUNNING 4096

struct node { char *name; int pending, nsucc, *succ; pid_t pid; };

static struct node *nodes;
static int n, *table, mask;     /* name -> node + 1, open addressing */
static int *ready, n_ready, ready_at; /* released, not yet spawned: a FIFO */
/* pid -> node + 1, linear probing; a slot is freed by backward shift. */
static int by_pid[4 * MAX_RUNNING];
#define PID_MASK (4 * MAX_RUNNING - 1)

static unsigned hash(const char *s)
{
        unsigned h = 2166136261u;
        while (*s)
                h = (h ^ (unsigned char)*s++) * 16777619u;
        return h;
}

static int *slot(const char *name)
{
        unsigned h = hash(name) & mask;
        while (table[h] && strcmp(nodes[table[h] - 1].name, name) != 0)
                h = (h + 1) & mask;
        return &table[h];
}

static void pid_put(pid_t pid, int i)
{
        unsigned h = (unsigned)pid & PID_MASK;
        while (by_pid[h])
                h = (h + 1) & PID_MASK;
        by_pid[h] = i + 1;
}

/* The node of pid, taken out of the hash; -1: not a child of ours. */
static int pid_take(pid_t pid)
{
        unsigned h = (unsigned)pid & PID_MASK, k;
        while (by_pid[h] && nodes[by_pid[h] - 1].pid != pid)
                h = (h + 1) & PID_MASK;
        if (!by_pid[h])
                return -1;
        int i = by_pid[h] - 1;
        /* Backward shift: pull later entries of the run into the hole. */
        for (k = (h + 1) & PID_MASK; by_pid[k]; k = (k + 1) & PID_MASK) {
                unsigned home = (unsigned)nodes[by_pid[k] - 1].pid & PID_MASK;
                if (((k - home) & PID_MASK) >= ((k - h) & PID_MASK)) {
                        by_pid[h] = by_pid[k];
                        h = k;
                }
        }
        by_pid[h] = 0;
        return i;
}

static int spawn(int i, char **argv)
{
        argv[1] = nodes[i].name;
        int r = posix_spawn(&nodes[i].pid, argv[0], NULL, NULL, argv, environ);
        if (r)
                fprintf(stderr, "ideal: unable to spawn %s: %s\n", nodes[i].name, strerror(r));
        else
                pid_put(nodes[i].pid, i);
        return r ? -r : 0;
}

int main(int argc, char **argv)
{
        static char buf[1 << 22];
        char *argv_child[] = { argc > 2 ? argv[2] : NULL, NULL, argc > 3 ? argv[3] : NULL,
                               argc > 4 ? argv[4] : NULL, argc > 5 ? argv[5] : NULL, NULL };
        char *line, *save, *tok, *s;
        int running = 0, done = 0, failed = 0, i, j;

        if (argc < 5 || argc > 6) {
                fprintf(stderr, "usage: ideal DAG PAYLOAD WORK_MS STAMPFILE [--busy]\n");
                return 2;
        }
        FILE *f = fopen(argv[1], "re");
        size_t len = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
        if (!f || ferror(f) || len == sizeof(buf) - 1) {
                fprintf(stderr, "ideal: unable to read %s\n", argv[1]);
                return 1;
        }
        fclose(f);
        for (s = buf; *s; s++)
                n += *s == '\n';
        nodes = calloc(n + 1, sizeof(*nodes));
        int (*edges)[2] = calloc(len / 2 + 1, sizeof(*edges));  /* (dep, node) pairs */
        int nedges = 0;
        if (!nodes || !edges)
                return 1;

        /* Each line: a node and the names it waits for. */
        n = 0;
        for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *wsave;
                if (!(tok = strtok_r(line, " \t", &wsave)))
                        continue;
                nodes[n].name = tok;
                while ((tok = strtok_r(NULL, " \t", &wsave))) {
                        /* Resolved after every node is known: stash the name's offset. */
                        edges[nedges][0] = (int)(tok - buf);
                        edges[nedges++][1] = n;
                }
                n++;
        }
        for (mask = 1; mask < 2 * n; mask <<= 1)
                ;
        if (!(table = calloc(mask--, sizeof(int))))
                return 1;
        for (i = 0; i < n; i++)
                *slot(nodes[i].name) = i + 1;
        for (i = 0; i < nedges; i++) {
                int dep = *slot(buf + edges[i][0]) - 1;
                if (dep < 0) {
                        fprintf(stderr, "ideal: %s: unknown dependency %s\n", nodes[edges[i][1]].name, buf + edges[i][0]);
                        return 1;
                }
                edges[i][0] = dep;
                nodes[dep].nsucc++;
                nodes[edges[i][1]].pending++;
        }
        for (i = 0; i < n; i++) {
                nodes[i].succ = malloc(sizeof(int) * (nodes[i].nsucc + 1));
                if (!nodes[i].succ)
                        return 1;
                nodes[i].nsucc = 0;
        }
        for (i = 0; i < nedges; i++)
                nodes[edges[i][0]].succ[nodes[edges[i][0]].nsucc++] = edges[i][1];

        if (!(ready = malloc(sizeof(int) * (n + 1))))
                return 1;
        for (i = 0; i < n; i++)
                if (nodes[i].pending == 0)
                        ready[n_ready++] = i;
        while (running > 0 || ready_at < n_ready) {
                int status;
                while (ready_at < n_ready && running < MAX_RUNNING) {
                        if (spawn(ready[ready_at++], argv_child) < 0)
                                return 1;
                        running++;
                }
                pid_t pid = waitpid(-1, &status, 0);
                if (pid < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("ideal: waitpid");
                        return 1;
                }
                if ((i = pid_take(pid)) < 0)
                        continue;
                running--;
                done++;
                failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
                nodes[i].pid = 0;
                for (j = 0; j < nodes[i].nsucc; j++) {
                        int k = nodes[i].succ[j];
                        if (--nodes[k].pending == 0)
                                ready[n_ready++] = k;
                }
        }
        if (done != n)
                fprintf(stderr, "ideal: %d of %d nodes never ran (a cycle?)\n", n - done, n);
        if (failed)
                fprintf(stderr, "ideal: %d payloads failed\n", failed);
        for (i = 0; i < n; i++)
                free(nodes[i].succ);
        free(table);
        free(ready);
        free(edges);
        free(nodes);
        return done == n && !failed ? 0 : 1;
}
