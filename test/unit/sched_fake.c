/* The scheduler's fake world; see sched_fake.h. */
#include "test/unit/sched_fake.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "base/log.h"
#include "base/strv.h"
#include "core/control.h"
#include "core/sched_internal.h"
#include "sockets/notify.h"
#include "test/unit/test.h"

struct fake F;
static unsigned setup_spawn_window; /* for the next fake_setup_with */
static bool setup_collect;
static unsigned setup_collected_max;
static const char *setup_stamp_dir;
static uint64_t setup_perturb, setup_seed;

/* 2023-11-14 22:13:20 UTC at F.now = 1 s: a fixed, whole-minute epoch. */
#define FAKE_REALTIME_START (UINT64_C(1700000000) * 1000000)

void fake_timer_config(const char *stamp_dir, uint64_t perturb_usec, uint64_t machine_seed)
{
        setup_stamp_dir = stamp_dir;
        setup_perturb = perturb_usec;
        setup_seed = machine_seed;
}

uint64_t fake_realtime(void)
{
        return F.now + F.realtime_offset;
}

static uint64_t fake_realtime_op(void *userdata)
{
        return fake_realtime();
}

void fake_timezone_change(void)
{
        struct event ev = { .type = EVENT_TIMEZONE_CHANGE, .stamp_usec = F.now };
        sched_handle_event(F.s, &ev);
}

void fake_set_clock(uint64_t realtime_usec)
{
        F.realtime_offset = realtime_usec - F.now;
        struct event ev = { .type = EVENT_TIME_CHANGE, .stamp_usec = F.now };
        sched_handle_event(F.s, &ev);
}

static int fake_spawn(void *userdata, struct spawn_request *req)
{
        if (F.spawn_error) {
                spawn_request_free(req);
                return F.spawn_error;
        }
        CU_ASSERT_FATAL(F.n_spawns < MAX_SPAWNS);
        F.spawns[F.n_spawns++] = req;
        return 0;
}

static bool is_alive(pid_t pid)
{
        for (int i = 0; i < F.n_alive; i++)
                if (F.alive[i] == pid)
                        return true;
        return false;
}

static int fake_kill(void *userdata, pid_t pid, int sig)
{
        if (sig != 0 && F.n_kills < MAX_KILLS) {
                F.kills[F.n_kills].pid = pid;
                F.kills[F.n_kills].sig = sig;
                F.n_kills++;
        }
        /* Each fake process leads its own group, as weft's children do. */
        return is_alive(pid < 0 ? -pid : pid) ? 0 : -ESRCH;
}

static void fake_boot_done(void *userdata, bool success)
{
        F.boot_done = success ? 1 : -1;
}

static void fake_shutdown_done(void *userdata)
{
        F.shutdown_done = 1;
}

static void fake_unwatch(void *userdata, int fd);

/* As the io thread: watching a watched fd again re-arms it, with the new cookie. */
static int fake_watch(void *userdata, int fd, uint64_t cookie)
{
        fake_unwatch(userdata, fd);
        CU_ASSERT_FATAL(F.n_watches < MAX_WATCHES);
        F.watches[F.n_watches].fd = fd;
        F.watches[F.n_watches].cookie = cookie;
        F.n_watches++;
        return 0;
}

static void fake_unwatch(void *userdata, int fd)
{
        for (int i = 0; i < F.n_watches; i++)
                if (F.watches[i].fd == fd)
                        F.watches[i--] = F.watches[--F.n_watches];
}

static void fake_control_reply(void *userdata, uint64_t conn_id, const struct control_reply *reply)
{
        if (reply->interim) {
                const char *id = reply->n_units ? control_unit_get(&reply->units[0], "JobId") : NULL;
                F.interims++;
                F.last_job_id = id ? (uint32_t) strtoul(id, NULL, 10) : 0;
                return;
        }
        F.replies++;
        F.last_code = reply->code;
        snprintf(F.last_error, sizeof F.last_error, "%s", reply->error ? reply->error : "");
        snprintf(F.last_text, sizeof F.last_text, "%s", reply->text ? reply->text : "");
}

static void fake_job_finished(void *userdata, struct job *j, enum job_result result)
{
        control_job_finished(F.s, j, result);
}

static void fake_exit_request(void *userdata, int exit_code, bool force)
{
        F.n_exit_requests++;
        F.exit_code = exit_code;
        F.exit_force = force;
}

static void fake_shutdown_request(void *userdata, enum shutdown_kind kind, int exit_code)
{
        F.n_shutdown_requests++;
        F.shutdown_kind = kind;
}

static void fake_unit_changed(void *userdata, const char *unit, const char *active, const char *sub, uint32_t job)
{
        size_t n = strlen(F.changes);
        snprintf(F.changes + n, sizeof F.changes - n, "%s %s %s %u|", unit, active, sub, (unsigned) job);
}

static const struct sched_ops fake_ops = {
        .unit_changed = fake_unit_changed,
        .exit_request = fake_exit_request,
        .shutdown_request = fake_shutdown_request,
        .job_finished = fake_job_finished,
        .control_reply = fake_control_reply,
        .spawn = fake_spawn,
        .kill = fake_kill,
        .boot_done = fake_boot_done,
        .shutdown_done = fake_shutdown_done,
        .watch = fake_watch,
        .unwatch = fake_unwatch,
        .realtime = fake_realtime_op,
};

void fake_setup_with(const char *dir, const char *target, const char *extra, const char *notify_socket)
{
        fake_setup_built(dir, target, extra, notify_socket, NULL);
}

void fake_setup_built(const char *dir, const char *target, const char *extra, const char *notify_socket,
                      void (*build)(struct unit_table *t))
{
        char *dirs[] = { (char *) dir, NULL };
        memset(&F, 0, sizeof F);
        F.next_pid = 1000;
        F.now = 1000000;
        F.realtime_offset = FAKE_REALTIME_START - F.now;
        unit_table_init(&F.table);
        CU_ASSERT_FATAL(unit_path_index_build(dirs, &F.index) == 0);
        F.load = (struct load_context) { .table = &F.table, .index = F.index };
        struct unit *u;
        CU_ASSERT_FATAL(unit_table_intern(&F.table, target, &u) == 0);
        if (extra)
                CU_ASSERT_FATAL(unit_table_intern(&F.table, extra, &u) == 0);
        log_set_level(LOG_LEVEL_ERROR - 1);
        CU_ASSERT_FATAL(unit_load_all(&F.load) == 0);
        if (build) {
                build(&F.table);
                CU_ASSERT_FATAL(unit_table_finalize_edges(&F.table) == 0);
        }
        struct sched_config config = {
                .log_dir = dir,
                .notify_socket = notify_socket,
                .load = &F.load,
                .manager_start = F.now,
                .abort_on_illegal = true,
                .spawn_window = setup_spawn_window,
                .collect = setup_collect,
                .collected_max = setup_collected_max,
                .timer_stamp_dir = setup_stamp_dir,
                .timer_perturb_usec = setup_perturb,
        };
        memcpy(config.machine_id, &setup_seed, sizeof setup_seed);
        setup_spawn_window = 0;
        setup_collect = false;
        setup_collected_max = 0;
        setup_stamp_dir = NULL;
        setup_perturb = setup_seed = 0;
        CU_ASSERT_FATAL(sched_new(&F.table, &fake_ops, NULL, &config, &F.s) == 0);
        CU_ASSERT_FATAL(sched_start(F.s, target, F.now, true) == 0);
}

void fake_setup(const char *dir, const char *target)
{
        fake_setup_with(dir, target, NULL, NULL);
}

void fake_setup_window(const char *dir, const char *target, unsigned spawn_window)
{
        setup_spawn_window = spawn_window;
        fake_setup_with(dir, target, NULL, NULL);
}

void fake_teardown(void)
{
        sched_free(F.s);
        for (int i = 0; i < F.n_spawns; i++)
                spawn_request_free(F.spawns[i]);
        unit_table_done(&F.table);
        unit_path_index_free(F.index);
        log_set_level(LOG_LEVEL_INFO);
}

int fake_try_reload(const char *dir, const char *target)
{
        char *dirs[] = { (char *) dir, NULL };
        struct unit_path_index *idx;
        struct unit_table *new = malloc(sizeof *new), *old = NULL;
        struct unit *u;
        CU_ASSERT_FATAL(new != NULL);
        unit_table_init(new);
        CU_ASSERT_FATAL(unit_path_index_build(dirs, &idx) == 0);
        struct load_context load = { .table = new, .index = idx };
        CU_ASSERT_FATAL(unit_table_intern(new, target, &u) == 0);
        CU_ASSERT_FATAL(sched_intern_known(F.s, new) == 0);
        CU_ASSERT_FATAL(unit_load_all(&load) == 0);
        int r = sched_swap_units(F.s, new, &old);
        if (r < 0) {
                unit_table_done(new);
                free(new);
                unit_path_index_free(idx);
                return r;
        }
        CU_ASSERT_PTR_EQUAL(old, &F.table);
        /* The fake owns its table by value: move the new one in. */
        unit_table_done(&F.table);
        F.table = *new;
        F.s->units = &F.table;
        free(new);
        unit_path_index_free(F.index);
        F.index = idx;
        F.load.table = &F.table;
        F.load.index = idx;
        /* What a control request's end runs (control_handle). */
        sched_run_ready(F.s);
        return 0;
}

void fake_reload(const char *dir, const char *target)
{
        CU_ASSERT_FATAL(fake_try_reload(dir, target) == 0);
}

/* The index of the latest spawn whose argv contains tag, or -1. */
int fake_find_spawn(const char *tag)
{
        for (int i = F.n_spawns - 1; i >= 0; i--)
                for (char **a = F.spawns[i]->argv; a && *a; a++)
                        if (strstr(*a, tag))
                                return i;
        return -1;
}

int fake_count_spawns(const char *tag)
{
        int n = 0;
        for (int i = 0; i < F.n_spawns; i++)
                for (char **a = F.spawns[i]->argv; a && *a; a++)
                        if (strstr(*a, tag)) {
                                n++;
                                break;
                        }
        return n;
}

/* The worker reports spawn i: forked and exec'd. Returns the pid. */
pid_t fake_report(int i)
{
        CU_ASSERT_FATAL(i >= 0 && i < F.n_spawns);
        pid_t pid = F.next_pid++;
        F.alive[F.n_alive++] = pid;
        struct event ev = { .type = EVENT_SPAWNED, .stamp_usec = ++F.now };
        ev.spawned.request_id = F.spawns[i]->id;
        ev.spawned.pid = pid;
        ev.spawned.exec_usec = F.now;
        sched_handle_event(F.s, &ev);
        return pid;
}

void fake_exit(pid_t pid, int code, int status)
{
        for (int i = 0; i < F.n_alive; i++)
                if (F.alive[i] == pid)
                        F.alive[i] = F.alive[--F.n_alive];
        struct event ev = { .type = EVENT_EXITED, .stamp_usec = ++F.now };
        ev.exited.pid = pid;
        ev.exited.code = code;
        ev.exited.status = status;
        sched_handle_event(F.s, &ev);
}

/* Spawn by tag, then exit with status: a oneshot command runs to the end. */
void fake_run_to_exit(const char *tag, int status)
{
        int i = fake_find_spawn(tag);
        CU_ASSERT_FATAL(i >= 0);
        fake_exit(fake_report(i), CLD_EXITED, status);
}

bool fake_killed(pid_t pid, int sig)
{
        for (int i = 0; i < F.n_kills; i++)
                if (F.kills[i].pid == pid && F.kills[i].sig == sig)
                        return true;
        return false;
}

void fake_collect_next(void)
{
        setup_collect = true;
}

void fake_collected_max_next(unsigned n)
{
        setup_collected_max = n;
}

pid_t fake_spawn_sleeper(void)
{
        pid_t pid = fork();
        CU_ASSERT_FATAL(pid >= 0);
        if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlives a failed test */
                pause();
                _exit(0);
        }
        return pid;
}

void fake_reap(pid_t pid)
{
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
}

void fake_advance(uint64_t usec)
{
        F.now += usec;
        sched_run_timers(F.s, F.now);
}

const char *fake_state(const char *unit)
{
        return sched_unit_active_state(F.s, unit);
}

/* What the io thread would read from /proc about pid: a fake process leads
 * its own group and session, as weft's children do; a real one is read. */
static void fake_pid_info(pid_t pid, struct notify_pid_info *ret)
{
        if (is_alive(pid))
                *ret = (struct notify_pid_info) { .alive = true, .tgid = pid, .pgid = pid, .sid = pid };
        else
                notify_pid_info_read(pid, ret);
}

void fake_notify(pid_t pid, const char *text, const int *fds, unsigned n_fds)
{
        struct notify_message *m = calloc(1, sizeof *m);
        CU_ASSERT_FATAL(m != NULL);
        m->pid = pid;
        m->errno_value = -1;
        char *copy = strdup(text), *save = NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *v = strchr(line, '=');
                CU_ASSERT_FATAL(v != NULL);
                *v++ = 0;
                if (!strcmp(line, "READY"))
                        m->ready = true;
                else if (!strcmp(line, "STATUS"))
                        m->status = strdup(v);
                else if (!strcmp(line, "MAINPID"))
                        m->main_pid = atoi(v);
                else if (!strcmp(line, "WATCHDOG") && !strcmp(v, "1"))
                        m->watchdog = true;
                else if (!strcmp(line, "WATCHDOG") && !strcmp(v, "trigger"))
                        m->watchdog_trigger = true;
                else if (!strcmp(line, "EXTEND_TIMEOUT_USEC"))
                        m->extend_timeout_usec = strtoull(v, NULL, 10);
                else if (!strcmp(line, "FDSTORE"))
                        m->fdstore = true;
                else if (!strcmp(line, "FDNAME"))
                        m->fdname = strdup(v);
                else if (!strcmp(line, "STOPPING"))
                        m->stopping = true;
        }
        free(copy);
        m->uid = F.notify_uid;
        if (m->main_pid > 0)
                fake_pid_info(m->main_pid, &m->main_pid_info);
        if (n_fds) {
                m->fds = malloc(n_fds * sizeof *m->fds);
                memcpy(m->fds, fds, n_fds * sizeof *fds);
                m->n_fds = n_fds;
        }
        struct event ev = { .type = EVENT_NOTIFY, .stamp_usec = ++F.now };
        ev.notify = m;
        sched_handle_event(F.s, &ev);
}

bool fake_watched(int fd)
{
        for (int i = 0; i < F.n_watches; i++)
                if (F.watches[i].fd == fd)
                        return true;
        return false;
}

bool fake_fd_ready(int fd)
{
        for (int i = 0; i < F.n_watches; i++)
                if (F.watches[i].fd == fd) {
                        struct event ev = { .type = EVENT_FD_READY, .stamp_usec = ++F.now };
                        ev.fd_ready.fd = fd;
                        ev.fd_ready.cookie = F.watches[i].cookie;
                        F.watches[i] = F.watches[--F.n_watches]; /* one shot */
                        sched_handle_event(F.s, &ev);
                        return true;
                }
        return false;
}

void fake_control(const char *verb, const char *unit)
{
        char *units[] = { (char *) unit, NULL };
        struct control_request q = { .version = 1, .verb = (char *) verb, .units = units };
        F.now++;
        control_handle(F.s, 1, 0, &q);
        /* The end of the event, as sched_handle_event ends it. */
        sched_gc_run(F.s);
}
