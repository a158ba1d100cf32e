/* libFuzzer target for the transaction builder and the job engine: the
 * input describes a graph of up to 12 units (types, Restart=, missing
 * files, Wants/Requires/Requisite/BindsTo/PartOf/After/Before/Conflicts/
 * OnFailure edges), written as unit files to a scratch folder and loaded
 * through parse/load.c; then a boot of t.target and a script of control
 * requests (start/stop/restart of one to three units in one request, some
 * named as the bus asks them; cancel of a job or of all, job-after and
 * job-before), daemon-reloads after a unit file changed (removed or back,
 * edges dropped or an After= added, which can close a cycle among waiting
 * jobs), or the change alone (a unit not found is loaded when named),
 * spawn reports, exits and clock steps against a fake spawner (as
 * test/unit/sched_fake.c does, without CUnit); then a shutdown played to
 * its end. Units outside the boot are loaded on request, which is how
 * issue 8's B1 was reached.
 *
 * After every step the job engine's invariants are checked and a broken
 * one aborts: each waiting job's pending count equals the unfinished jobs
 * it is ordered after, no waiting job waits for nothing (a lost release),
 * the job count matches. At the end the shutdown must finish and every
 * client that waited must have been answered. Seeds:
 * test/fuzz/corpus/transaction/. Deterministic: fake pids and clock. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/control.h"
#include "base/log.h"
#include "core/sched.h"
#include "core/sched_internal.h"
#include "parse/load.h"
#include "workers/spawn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool debug;

#define MAX_UNITS 12
#define MAX_SPAWNS 512
#define MAX_ACTIONS 64

struct input {
        const uint8_t *p;
        size_t n;
};

static uint8_t next(struct input *in)
{
        if (in->n == 0)
                return 0;
        in->n--;
        return *in->p++;
}

static struct world {
        struct sched *s;
        uint64_t now;
        struct {
                struct spawn_request *req;
                pid_t pid; /* 0: not yet reported */
        } spawns[MAX_SPAWNS];
        int n_spawns;
        pid_t alive[MAX_SPAWNS];
        int n_alive;
        pid_t next_pid;
        int requests; /* control requests that wait for an answer */
        int replies;
        bool shutdown_done;
        /* The unit files as last written, and what the scheduler runs on
         * (a daemon-reload replaces both table and index). */
        const char *dir;
        int n_units;
        uint8_t flags[MAX_UNITS];
        char edges[MAX_UNITS][2048];
        struct unit_table *table;
        struct unit_path_index *index;
        struct load_context load;
} W;

static int w_spawn(void *userdata, struct spawn_request *req)
{
        if (W.n_spawns == MAX_SPAWNS) {
                spawn_request_free(req);
                return -EAGAIN;
        }
        W.spawns[W.n_spawns].req = req;
        W.spawns[W.n_spawns++].pid = 0;
        return 0;
}

static int w_kill(void *userdata, pid_t pid, int sig)
{
        pid = pid < 0 ? -pid : pid;
        for (int i = 0; i < W.n_alive; i++)
                if (W.alive[i] == pid)
                        return 0;
        return -ESRCH;
}

static void w_shutdown_done(void *userdata)
{
        W.shutdown_done = true;
}

static void w_reply(void *userdata, uint64_t conn_id, const struct control_reply *reply)
{
        if (reply->interim) { /* a bus request's job named: its answer still comes */
                if (reply->n_units != 1 || !control_unit_get(&reply->units[0], "JobId"))
                        abort();
                return;
        }
        W.replies++;
}

static void w_job_finished(void *userdata, struct job *j, enum job_result result)
{
        control_job_finished(W.s, j, result);
}

static const struct sched_ops ops = {
        .job_finished = w_job_finished,
        .spawn = w_spawn,
        .kill = w_kill,
        .shutdown_done = w_shutdown_done,
        .control_reply = w_reply,
};

/* core/job.c's rule: must job a wait for job b, b's unit ordered before a's? */
static bool waits_for(const struct job *a, const struct job *b, bool b_before_a)
{
        bool a_stop = a->type == JOB_STOP, b_stop = b->type == JOB_STOP;
        if (!a_stop && !b_stop)
                return b_before_a;
        if (a_stop && b_stop)
                return !b_before_a;
        return !a_stop;
}

static void check_jobs(void)
{
        struct sched *s = W.s;
        unsigned n_jobs = 0;
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                struct job *j = u->rt->job;
                if (!j)
                        continue;
                n_jobs++;
                if (j->state != JOB_WAITING)
                        continue;
                unsigned pending = 0;
                const struct unit_edge *e;
                for (size_t k = 0; (e = sched_next_edge(u, &k));) {
                        if ((e->kind != UNIT_AFTER && e->kind != UNIT_BEFORE) || !e->other->rt || !e->other->rt->job)
                                continue;
                        pending += waits_for(j, e->other->rt->job, e->kind == UNIT_AFTER);
                }
                /* A stop job whose wait closed a cycle runs without it. */
                if (pending != j->pending + j->broken || pending == 0) {
                        fprintf(stderr, "fuzz_transaction: %s: waiting %s job counts %u pending (%u dropped), really %u\n",
                                u->id, job_type_to_string(j->type), j->pending, j->broken, pending);
                        abort();
                }
        }
        if (n_jobs != s->n_jobs) {
                fprintf(stderr, "fuzz_transaction: %u jobs installed, n_jobs says %u\n", n_jobs, s->n_jobs);
                abort();
        }
}

static void report(int i, bool ok)
{
        struct event ev = { .type = EVENT_SPAWNED, .stamp_usec = ++W.now };
        ev.spawned.request_id = W.spawns[i].req->id;
        if (ok) {
                W.spawns[i].pid = W.next_pid++;
                W.alive[W.n_alive++] = W.spawns[i].pid;
                ev.spawned.pid = W.spawns[i].pid;
                ev.spawned.exec_usec = W.now;
        } else {
                W.spawns[i].pid = -1;
                ev.spawned.error = -ENOENT;
        }
        sched_handle_event(W.s, &ev);
}

static void exit_pid(int i, int code, int status)
{
        pid_t pid = W.alive[i];
        W.alive[i] = W.alive[--W.n_alive];
        struct event ev = { .type = EVENT_EXITED, .stamp_usec = ++W.now };
        ev.exited.pid = pid;
        ev.exited.code = code;
        ev.exited.status = status;
        sched_handle_event(W.s, &ev);
}

static int first_unreported(int from)
{
        for (int k = 0; k < W.n_spawns; k++) {
                int i = (from + k) % W.n_spawns;
                if (W.spawns[i].pid == 0)
                        return i;
        }
        return -1;
}

static const char *const verbs[] = { "start", "start", "stop", "restart", "try-restart", "reload-or-restart",
                                     "try-reload-or-restart",
                                     "cancel", "job-after", "job-before" };

/* cancel, job-after, job-before: of the job of the unit arg names (an id
 * that is no job when it has none), or for cancel with bit 3 every job. */
static void job_request(const char *verb, uint8_t arg, int n_units)
{
        char id[16], name[32], *units[2] = { id, NULL };
        int u = arg % n_units;
        if (u == 0)
                snprintf(name, sizeof name, "t.target");
        else
                snprintf(name, sizeof name, "u%d.service", u);
        const struct unit *unit = unit_table_get(W.s->units, name);
        const struct job *j = unit && unit->rt ? unit->rt->job : NULL;
        snprintf(id, sizeof id, "%u", j ? j->id : 4242u + arg);
        struct control_request q = { .version = 1, .verb = (char *) verb,
                                     .units = !strcmp(verb, "cancel") && (arg & 8) ? NULL : units };
        W.now++;
        control_handle(W.s, 1, 0, &q);
}

static void request(uint8_t op, uint8_t arg, int n_units)
{
        char names[3][32];
        char *units[4] = { 0 };
        int count = 1 + (arg >> 4) % 3;
        for (int k = 0; k < count; k++) {
                int u = (arg + k * 5) % n_units;
                if (u == 0)
                        snprintf(names[k], sizeof names[k], "t.target");
                else
                        snprintf(names[k], sizeof names[k], "u%d.service", u);
                units[k] = names[k];
        }
        const char *verb = verbs[op % (sizeof verbs / sizeof verbs[0])];
        if (!strncmp(verb, "cancel", 6) || !strncmp(verb, "job-", 4)) {
                job_request(verb, arg, n_units);
                return;
        }
        struct control_request q = {
                .version = 1,
                .verb = (char *) verb,
                .units = units,
                .no_block = (op >> 4) & 1,
                .announce_job = count == 1 && ((op >> 3) & 1), /* as the bus asks: its job named first */
        };
        if (!q.no_block)
                W.requests++;
        W.now++;
        control_handle(W.s, 1, 0, &q);
}

static const char *const edge_keys[] = { "Wants",  "Requires",  "Requisite", "BindsTo", "PartOf",
                                         "After",  "Before",    "Conflicts", "OnFailure" };

/* Unit i's file from its flag byte and the edges that start at it. */
static void write_unit(const char *dir, int i, uint8_t f, const char *edges)
{
        char path[256], text[4096];
        if (i == 0)
                snprintf(path, sizeof path, "%s/t.target", dir);
        else
                snprintf(path, sizeof path, "%s/u%d.service", dir, i);
        if (i > 0 && (f & 0x20))
                return; /* missing: not-found */
        int len = snprintf(text, sizeof text, "[Unit]\nDefaultDependencies=%s\n%s", (f & 0x80) ? "yes" : "no", edges);
        if (i > 0) {
                static const char *const types[] = { "simple", "oneshot", "oneshot\nRemainAfterExit=yes", "exec" };
                len += snprintf(text + len, sizeof text - len,
                                "[Service]\nType=%s\nExecStart=/bin/true %d\nStandardOutput=null\nStandardError=null\n%s%s%s%s",
                                types[f & 3], i, (f & 4) ? "Restart=on-failure\nRestartSec=1\n" : "",
                                (f & 8) ? "ExecStartPre=/bin/true pre\n" : "", (f & 16) ? "ExecStop=/bin/true stop\n" : "",
                                (f & 64) ? "TimeoutStartSec=2\nTimeoutStopSec=3\n" : "");
        }
        if (debug)
                fprintf(stderr, "--- %s\n%s", path, text);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                abort();
        if (write(fd, text, len) != len)
                abort();
        close(fd);
}

static void remove_units(const char *dir, int n)
{
        char path[256];
        snprintf(path, sizeof path, "%s/t.target", dir);
        unlink(path);
        for (int i = 1; i < n; i++) {
                snprintf(path, sizeof path, "%s/u%d.service", dir, i);
                unlink(path);
        }
}

static void write_unit(const char *dir, int i, uint8_t f, const char *edges);

/* daemon-reload as the manager's: every unit not collected, then what they pull
 * in, into a new table; kept if the scheduler takes it, else dropped. */
static void reload(void)
{
        struct unit_table *table = malloc(sizeof *table), *old = NULL;
        struct unit_path_index *index = NULL;
        char *dirs[] = { (char *) W.dir, NULL };
        struct unit *u;
        if (!table || unit_path_index_build(dirs, &index) < 0)
                abort();
        unit_table_init(table);
        struct load_context load = { .table = table, .index = index };
        if (unit_table_intern(table, "t.target", &u) < 0 || sched_intern_known(W.s, table) < 0 ||
            unit_load_all(&load) < 0)
                abort();
        W.now++;
        int r = sched_swap_units(W.s, table, &old);
        if (debug)
                fprintf(stderr, "=== daemon-reload with %u jobs: %s\n", W.s->n_jobs, r < 0 ? strerror(-r) : "taken");
        if (r < 0) {
                unit_table_done(table);
                free(table);
                unit_path_index_free(index);
                return;
        }
        unit_table_done(old);
        free(old);
        unit_path_index_free(W.index);
        W.table = table;
        W.index = index;
        W.load = load;
        sched_run_ready(W.s); /* as the end of the control request does */
}

/* Change unit i's file (arg's low bits: its file goes or comes back, its
 * edges go, or it gains After= another), then daemon-reload, or not: a
 * later request that names a unit not found then loads its new file
 * (core/sched_reread.c). */
static void edit_and_reload(uint8_t arg, int n_units, bool and_reload)
{
        int i = (arg >> 2) % n_units, other = (arg >> 5) % n_units;
        switch (arg & 3) {
        case 1:
                if (i > 0)
                        W.flags[i] ^= 0x20;
                break;
        case 2:
                W.edges[i][0] = 0;
                break;
        case 3: {
                size_t len = strlen(W.edges[i]);
                char name[24];
                if (other == 0)
                        snprintf(name, sizeof name, "t.target");
                else
                        snprintf(name, sizeof name, "u%d.service", other);
                snprintf(W.edges[i] + len, sizeof W.edges[i] - len, "After=%s\n", name);
                break;
        }
        }
        char path[256];
        if (i == 0)
                snprintf(path, sizeof path, "%s/t.target", W.dir);
        else
                snprintf(path, sizeof path, "%s/u%d.service", W.dir, i);
        unlink(path);
        write_unit(W.dir, i, W.flags[i], W.edges[i]);
        if (!and_reload)
                return;
        if (debug)
                fprintf(stderr, "=== daemon-reload\n");
        reload();
}

static void step(uint8_t op, uint8_t arg, int n_units)
{
        int i;
        if (debug)
                fprintf(stderr, "=== step op %u (%u) arg %u\n", op % 8, op, arg);
        switch (op % 8) {
        case 0:
        case 1:
                request(op >> 3, arg, n_units);
                break;
        case 2:
        case 3:
                if ((i = first_unreported(arg)) >= 0)
                        report(i, op % 8 == 2 || (arg & 0x80) == 0);
                break;
        case 4:
        case 5:
                if (W.n_alive > 0) {
                        int code = (arg & 0x40) ? CLD_KILLED : CLD_EXITED;
                        int status = code == CLD_KILLED ? SIGTERM : (arg >> 7);
                        exit_pid(arg % W.n_alive, code, status);
                }
                break;
        case 6:
                W.now += (uint64_t) (arg + 1) * 100000;
                sched_run_timers(W.s, W.now);
                break;
        case 7:
                if (op & 0x80) {
                        edit_and_reload(arg, n_units, !(op & 0x40));
                        break;
                }
                W.now++;
                sched_start(W.s, arg % n_units == 0 ? "t.target" : "u1.service", W.now, false);
                break;
        }
        check_jobs();
}

/* Play the shutdown to its end: every spawn reports, every process exits
 * when asked, the clock runs past every timeout. */
static void dump_jobs(void)
{
        for (size_t i = 0; i < W.s->n_rt; i++) {
                struct unit *u = W.s->units->units[i];
                if (u->rt->job)
                        fprintf(stderr, "fuzz_transaction: %s: %s job %s, pending %u; unit %s/%s\n", u->id,
                                job_type_to_string(u->rt->job->type),
                                u->rt->job->state == JOB_WAITING ? "waiting" : "running", u->rt->job->pending,
                                unit_active_state_to_string(u->rt->active), sub_state_to_string(u->rt->sub));
        }
}

static void finish(void)
{
        W.now++;
        if (debug)
                fprintf(stderr, "=== shutdown\n");
        sched_shutdown(W.s, W.now);
        check_jobs();
        /* Every process exits as soon as it is asked, so the shutdown never
         * needs its deadline: if it does, a job waited for nothing. */
        for (int round = 0; round < 2000 && !W.shutdown_done; round++) {
                int i;
                while ((i = first_unreported(0)) >= 0) {
                        report(i, true);
                        check_jobs();
                }
                while (W.n_alive > 0) {
                        exit_pid(0, CLD_KILLED, SIGTERM);
                        check_jobs();
                }
                W.now += 100000;
                sched_run_timers(W.s, W.now);
                check_jobs();
        }
        if (W.s->shutdown_expired || (!W.shutdown_done && W.s->n_jobs > 0)) {
                fprintf(stderr, "fuzz_transaction: the shutdown %s (%u jobs left)\n",
                        W.s->shutdown_expired ? "needed its deadline" : "never finished", W.s->n_jobs);
                dump_jobs();
                abort();
        }
        if (W.replies < W.requests && W.s->n_jobs == 0) {
                fprintf(stderr, "fuzz_transaction: %d of %d waiting clients never answered\n",
                        W.requests - W.replies, W.requests);
                abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static char dir[4096];
        static bool ready;
        struct input in = { data, size };

        if (!ready) {
                /* Under $TMPDIR: run-fuzz.sh points it at its scratch
                 * directory, which it removes; libFuzzer never returns to
                 * let a target clean up. */
                const char *tmp = getenv("TMPDIR");
                snprintf(dir, sizeof dir, "%s/weft-fuzz-txn-XXXXXX", tmp && *tmp ? tmp : "/tmp");
                if (!mkdtemp(dir))
                        abort();
                /* WEFT_FUZZ_DEBUG=1 shows the files and every step of one
                 * input, for triage. */
                debug = getenv("WEFT_FUZZ_DEBUG") != NULL;
                log_set_sink(debug ? stderr : fopen("/dev/null", "w"));
                log_set_level(debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_ERROR);
                ready = true;
        }
        memset(&W, 0, sizeof W);
        W.dir = dir;
        int n = W.n_units = 2 + next(&in) % (MAX_UNITS - 1);
        for (int i = 0; i < n; i++)
                W.flags[i] = next(&in);
        int n_edges = next(&in) % 48;
        for (int k = 0; k < n_edges; k++) {
                uint8_t a = next(&in), b = next(&in);
                int from = (a / 9) % n, to = b % n;
                char other[24];
                if (to == 0)
                        snprintf(other, sizeof other, "t.target");
                else
                        snprintf(other, sizeof other, "u%d.service", to);
                size_t len = strlen(W.edges[from]);
                snprintf(W.edges[from] + len, sizeof W.edges[from] - len, "%s=%s\n", edge_keys[a % 9], other);
        }
        for (int i = 0; i < n; i++)
                write_unit(dir, i, W.flags[i], W.edges[i]);

        char *dirs[] = { dir, NULL };
        W.table = malloc(sizeof *W.table);
        if (!W.table)
                abort();
        unit_table_init(W.table);
        if (unit_path_index_build(dirs, &W.index) < 0)
                abort();
        W.load = (struct load_context) { .table = W.table, .index = W.index };
        struct unit *t;
        if (unit_table_intern(W.table, "t.target", &t) < 0 || unit_load_all(&W.load) < 0)
                abort();
        W.now = 1000000;
        W.next_pid = 1000;
        const struct sched_config config = { .log_dir = dir, .load = &W.load, .manager_start = W.now };
        if (sched_new(W.table, &ops, NULL, &config, &W.s) < 0)
                abort();
        sched_start(W.s, "t.target", W.now, true);
        check_jobs();
        for (int k = 0; k < MAX_ACTIONS && in.n >= 2; k++) {
                uint8_t op = next(&in), arg = next(&in);
                step(op, arg, n);
        }
        finish();

        sched_free(W.s);
        for (int i = 0; i < W.n_spawns; i++)
                spawn_request_free(W.spawns[i].req);
        unit_table_done(W.table);
        free(W.table);
        unit_path_index_free(W.index);
        remove_units(dir, n);
        return 0;
}
