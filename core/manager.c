/* The manager's threads and their wiring; see manager.h.
 *
 * Threads: the signal thread and the worker pool produce events into one
 * queue; the scheduler thread (started here) is the only consumer and the
 * only owner of units and jobs. This file's callbacks run on those threads
 * and touch nothing but the queue. */
#include "core/manager.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "parse/boot_record.h"
#include "core/bus_thread.h"
#include "core/container.h"
#include "core/control.h"
#include "core/event_queue.h"
#include "core/kernel_table.h"
#include "core/generators.h"
#include "core/io_thread.h"
#include "core/pid1.h"
#include "base/cpu_pin.h"
#include "base/log.h"
#include "base/macro.h"
#include "core/sched.h"
#include "core/signal_thread.h"
#include "base/strv.h"
#include "base/thread_start.h"
#include "parse/load.h"
#include "sockets/control_proto.h"
#include "sockets/notify.h"
#include "workers/pool.h"

struct manager {
        const struct weft_config *config;
        struct event_queue queue;
        struct worker_pool *pool;
        struct io_thread *io;
        struct bus_thread *bus;
        struct signal_thread *signals;
        struct sched *sched;
        struct unit_table *table;
        struct unit_path_index *index;
        const char *target;
        const char *anchor;        /* what the boot starts: target, or main.service */
        struct container container; /* `weft -- CMD`; container.o NULL otherwise */
        struct load_context load;   /* kept for units loaded at run time */
        struct timespec loaded_at;  /* see stamp_load */
        uint64_t loaded_mono_usec;
        char *log_dir;
        char *boot_record_path;
        char *notify_path;
        char *control_path;
        char *timer_stamp_dir;
        bool stop;                 /* scheduler thread: shutdown finished */
        /* Written by the scheduler thread, read by main after joining it. */
        int start_error;           /* sched_start failed: the loop never ran */
        struct manager_result result;
};

/* ---- callbacks from other threads: they only post events ---- */

static void on_spawned(void *userdata, uint64_t request_id, pid_t pid, int error, uint64_t exec_usec)
{
        struct manager *m = userdata;
        struct event ev = { .type = EVENT_SPAWNED, .stamp_usec = now_usec() };
        ev.spawned.request_id = request_id;
        ev.spawned.pid = pid;
        ev.spawned.error = error;
        ev.spawned.exec_usec = exec_usec;
        if (event_queue_push(&m->queue, &ev) < 0)
                log_error("lost the spawn report of pid %d: out of memory", (int) pid);
}

/* ---- scheduler ops: run on the scheduler thread ---- */

static int op_spawn(void *userdata, struct spawn_request *req)
{
        struct manager *m = userdata;
        return pool_submit(m->pool, req);
}

static int op_kill(void *userdata, pid_t pid, int sig)
{
        return kill(pid, sig) < 0 ? -errno : 0;
}

static void op_boot_done(void *userdata, bool success)
{
        struct manager *m = userdata;
        struct boot_record r;
        if (!m->boot_record_path || sched_boot_record_stream(m->sched, &r) < 0)
                return;
        int k = boot_record_write(m->boot_record_path, &r);
        if (k < 0)
                log_error("cannot write %s: %s", m->boot_record_path, strerror(-k));
        double t = r.target_reached ? (double) (r.target_reached - r.manager_start) / 1e6 : 0;
        if (m->container.o)
                ; /* a container's CMD said what went wrong, if anything */
        else if (success)
                log_info("Boot of %s finished in %.3fs; boot record in %s", r.target ? r.target : "(none)", t,
                         m->boot_record_path);
        else
                log_error("Boot of %s failed; boot record in %s", r.target ? r.target : "(none)",
                          m->boot_record_path);
        sched_boot_record_free(&r);
}

static void op_startup_finished(void *userdata, uint64_t now)
{
        struct manager *m = userdata;
        if (m->bus)
                (void) bus_thread_startup_finished(m->bus, now);
}

static void op_shutdown_done(void *userdata)
{
        struct manager *m = userdata;
        m->stop = true;
}

static int op_watch(void *userdata, int fd, uint64_t cookie)
{
        struct manager *m = userdata;
        return m->io ? io_watch(m->io, fd, cookie) : -ENOTCONN;
}

static void op_unwatch(void *userdata, int fd)
{
        struct manager *m = userdata;
        if (m->io)
                io_unwatch(m->io, fd);
}

/* Answer on the connection itself, never blocking: what the socket does not
 * take at once goes to the io thread with the connection. */
static void op_control_reply(void *userdata, uint64_t conn_id, const struct control_reply *reply)
{
        struct manager *m = userdata;
        int fd = (int) conn_id;
        char *buf = NULL;
        size_t len = 0, off = 0;
        int r;

        if (conn_id & BUS_CONN_FLAG) {
                /* A request the bus thread made for a D-Bus caller. */
                if (m->bus && bus_thread_reply(m->bus, conn_id & ~BUS_CONN_FLAG, reply) < 0)
                        log_error("bus: cannot pass a reply to the bus thread: out of memory");
                return;
        }
        r = control_reply_encode(reply, &buf, &len);
        if (r < 0) {
                /* Only memory can fail a reply (control_proto.h); the client
                 * still gets an answer saying so, small enough to encode. */
                struct control_reply e = { .version = CONTROL_PROTOCOL_VERSION, .code = 1,
                                           .error = (char *) "weft cannot encode the reply: out of memory" };
                log_error_errno(r, "control: cannot encode a reply: %s", strerror(-r));
                if (control_reply_encode(&e, &buf, &len) < 0) {
                        close(fd);
                        return;
                }
        }
        while (off < len) {
                ssize_t n = send(fd, buf + off, len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        break;
                off += n;
        }
        if (off < len && errno == EAGAIN && m->io) {
                memmove(buf, buf + off, len - off);
                io_reply(m->io, fd, buf, len - off);
                return;
        }
        close(fd); /* done, or the client left */
        free(buf);
}

static void op_shutdown_request(void *userdata, enum shutdown_kind kind, int exit_code)
{
        struct manager *m = userdata;
        struct event ev = { .type = EVENT_SHUTDOWN, .stamp_usec = now_usec() };
        ev.shutdown.kind = kind;
        ev.shutdown.exit_code = exit_code;
        if (event_queue_push(&m->queue, &ev) < 0)
                log_error("cannot queue the shutdown request");
}

static void op_exit_request(void *userdata, int exit_code, bool force)
{
        struct manager *m = userdata;
        struct event ev = { .type = EVENT_SHUTDOWN, .stamp_usec = now_usec() };
        ev.shutdown.kind = SHUTDOWN_EXIT;
        ev.shutdown.exit_code = exit_code;
        ev.shutdown.force = force;
        if (event_queue_push(&m->queue, &ev) < 0)
                log_error("cannot queue the exit request");
}

/* RUNTIME_DIR/control: root's (0600); a stale socket from an earlier run is replaced. */
static int control_socket_open(const char *path)
{
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        if (strlen(path) >= sizeof sa.sun_path)
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        (void) unlink(path);
        mode_t old = umask(0077);
        int r = bind(fd, (struct sockaddr *) &sa, sizeof sa);
        umask(old);
        if (r < 0 || chmod(path, 0600) < 0 || listen(fd, SOMAXCONN) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        return fd;
}

/* When the unit files were last read: CLOCK_REALTIME (see
 * parse/unit_path_changed.c), and CLOCK_MONOTONIC, to tell a clock set
 * back since. */
static void stamp_load(struct manager *m)
{
        clock_gettime(CLOCK_REALTIME, &m->loaded_at);
        m->loaded_mono_usec = now_usec();
}

/* Load the unit files again into a new table and let the scheduler carry
 * every unit's state over, on the scheduler thread: a daemon-reload (the
 * generators first, as systemd runs them) or a compaction (without). */
static int reload_units(struct manager *m, bool generators)
{
        const char *what = generators ? "daemon-reload" : "compaction";
        struct unit_table *table = malloc(sizeof *table), *old = NULL;
        struct unit_path_index *index = NULL;
        struct unit *u;
        int r;

        if (!table)
                return log_error_errno(-ENOMEM, "%s: out of memory", what);
        unit_table_init(table);
        /* On this thread, as systemd's manager blocks for them; the signal
         * thread reaps none of them meanwhile, so their statuses are seen. */
        if (generators && m->config->generator_dirs) {
                signal_thread_hold_reaping(m->signals, true);
                (void) generators_run((const char *const *) m->config->generator_dirs,
                                      m->config->generator_output,
                                      m->config->generator_timeout_usec ? m->config->generator_timeout_usec
                                                                        : GENERATOR_TIMEOUT_USEC);
                signal_thread_hold_reaping(m->signals, false);
        }
        struct timespec at = m->loaded_at;
        uint64_t mono = m->loaded_mono_usec;
        stamp_load(m);
        r = unit_path_index_build(m->config->unit_paths, &index);
        if (r < 0) {
                log_error("%s: cannot read the unit path: %s", what, strerror(-r));
                goto fail;
        }
        struct load_context load = m->load;
        load.table = table;
        load.index = index;
        load.n_warnings = load.n_errors = 0;
        /* Every unit weft has a use for, then what they pull in. */
        r = unit_table_intern(table, m->target, &u);
        if (r >= 0)
                r = sched_intern_known(m->sched, table);
        if (r >= 0) {
                /* Mounts and swaps without a file load from the kernel's
                 * tables again, with their dependencies. */
                struct kernel_table_scan scan;
                kernel_table_hook(&load, &scan);
                r = unit_load_all(&load);
                kernel_table_unhook(&load, &scan);
        }
        if (r < 0) {
                log_error("%s: loading units: %s", what, strerror(-r));
                goto fail;
        }
        r = sched_swap_units(m->sched, table, &old);
        if (r < 0) {
                log_error("%s: %s", what, sched_swap_error(r));
                goto fail;
        }
        size_t before = old->n_units;
        sched_loaded_since(m->sched, m->loaded_at);
        unit_table_done(old);
        free(old);
        unit_path_index_free(m->index);
        m->table = table;
        m->index = index;
        m->load = load;
        if (generators)
                log_info("Reloaded: %zu units (%u warnings, %u errors).", table->n_units, load.n_warnings,
                         load.n_errors);
        else
                log_info("Compacted the unit table: %zu units, %zu before.", table->n_units, before);
        return 0;
fail:
        m->loaded_at = at; /* what is loaded is still the old files */
        m->loaded_mono_usec = mono;
        unit_table_done(table);
        free(table);
        unit_path_index_free(index);
        return r;
}

static int op_reload(void *userdata)
{
        return reload_units(userdata, true);
}

/* Has the wall clock gone back since the load (file times then mislead)? */
static bool clock_went_back(const struct manager *m)
{
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        /* A second of slack for the two clocks' reads. */
        return timespec_usec(now) + USEC_PER_SEC < timespec_usec(m->loaded_at) + (now_usec() - m->loaded_mono_usec);
}

/* Many collected units (sched_wants_compaction): reading the unit files
 * again leaves them behind and changes nothing else, unless a file
 * changed since they were read; then it waits for a daemon-reload. */
static void op_compact(void *userdata)
{
        struct manager *m = userdata;
        if (clock_went_back(m) || unit_path_changed_since(m->index, m->loaded_at, m->config->transient_dir)) {
                log_info("Not compacting the unit table: the unit path changed since it was read (a daemon-reload "
                         "will).");
                sched_compaction_refused(m->sched);
                return;
        }
        /* Failed (out of memory): not again at once, at every event. */
        if (reload_units(m, false) < 0)
                sched_compaction_refused(m->sched);
}

static void op_control(void *userdata, uint64_t conn_id, uid_t uid, const struct control_request *request)
{
        struct manager *m = userdata;
        control_handle(m->sched, conn_id, uid, request);
}

static void op_job_finished(void *userdata, struct job *j, enum job_result result)
{
        struct manager *m = userdata;
        control_job_finished(m->sched, j, result);
}

static void op_bus_watch(void *userdata, const char *name)
{
        struct manager *m = userdata;
        if (m->bus && bus_thread_watch_name(m->bus, name) < 0)
                log_error("bus: cannot watch %s: out of memory", name);
}

static void op_bus_up(void *userdata, bool up)
{
        struct manager *m = userdata;
        if (m->bus)
                (void) bus_thread_set_up(m->bus, up);
}

static void op_unit_changed(void *userdata, const char *unit, const char *active, const char *sub, uint32_t job)
{
        struct manager *m = userdata;
        if (m->bus && bus_thread_unit_changed(m->bus, unit, active, sub, job) < 0)
                log_debug("bus: no PropertiesChanged for %s: out of memory", unit);
}

static const struct sched_ops ops = {
        .spawn = op_spawn,
        .kill = op_kill,
        .boot_done = op_boot_done,
        .shutdown_done = op_shutdown_done,
        .startup_finished = op_startup_finished,
        .watch = op_watch,
        .unwatch = op_unwatch,
        .control_reply = op_control_reply,
        .shutdown_request = op_shutdown_request,
        .exit_request = op_exit_request,
        .reload = op_reload,
        .compact = op_compact,
        .control = op_control,
        .job_finished = op_job_finished,
        .bus_watch = op_bus_watch,
        .bus_up = op_bus_up,
        .unit_changed = op_unit_changed,
};

/* Events left in the queue once every producer stopped may own memory. */
static void drain_queue(struct event_queue *q)
{
        struct event ev;
        while (event_queue_pop(q, 0, &ev) > 0)
                if (ev.type == EVENT_NOTIFY) {
                        notify_message_done(ev.notify);
                        free(ev.notify);
                } else if (ev.type == EVENT_BUS_NAME) {
                        free(ev.bus_name.name);
                } else if (ev.type == EVENT_CONTROL) {
                        if (!(ev.control.conn_id & BUS_CONN_FLAG))
                                close((int) ev.control.conn_id);
                        control_request_done(ev.control.request);
                        free(ev.control.request);
                }
}

/* The scheduler thread: drain events, fire timers, sleep on the queue's
 * condition variable until the next event or deadline. Never polls. */
static void *scheduler_main(void *userdata)
{
        struct manager *m = userdata;
        /* The boot transaction is built here, not by main, so that every
         * thread exists before its first spawn forks (manager_run). */
        struct container *c = m->container.o ? &m->container : NULL;
        /* PID 1's own scope is up before anything else, as systemd's. */
        if (m->config->init_scope)
                (void) sched_start(m->sched, INIT_SCOPE, now_usec(), false);
        int r = sched_start(m->sched, m->anchor, now_usec(), true);
        if (r < 0) {
                m->start_error = r;
                return NULL;
        }
        while (!m->stop) {
                struct event ev;
                uint64_t deadline = sched_next_deadline(m->sched);
                if (c && container_next_deadline(c) < deadline)
                        deadline = container_next_deadline(c);
                if (event_queue_pop(&m->queue, deadline, &ev) > 0) {
                        if (ev.type == EVENT_SHUTDOWN && m->result.kind == SHUTDOWN_NONE) {
                                m->result.kind = ev.shutdown.kind;
                                m->result.exit_code = ev.shutdown.exit_code;
                        }
                        if (ev.type == EVENT_SHUTDOWN && c)
                                c->ended = true;
                        if (ev.type == EVENT_SHUTDOWN && ev.shutdown.force) {
                                /* exit-force: the final sweep ends what runs. */
                                m->stop = true;
                                break;
                        }
                        if (ev.type == EVENT_RELOAD)
                                op_reload(m);
                        if (ev.type == EVENT_FORWARD && c)
                                container_forward(c, m->sched, ev.forward.signal, ev.stamp_usec);
                        sched_handle_event(m->sched, &ev);
                        if (c)
                                container_flush(c, m->sched);
                }
                sched_run_timers(m->sched, now_usec());
                if (c && container_run_timer(c, m->sched, now_usec()))
                        op_exit_request(m, 128 + SIGTERM, false);
        }
        return NULL;
}

/* A 128-bit id file (boot_id with dashes, machine-id without) as its 16
 * bytes; false (and zeros) when there is none. One read(2), no stdio: it
 * runs before CMD's exec in `weft -- CMD`, where a FILE's buffer and code
 * are resident memory for the container's life (bench-container). */
static bool read_id(const char *path, uint8_t id[16])
{
        char buf[64];
        unsigned n = 0;
        ssize_t len;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        memset(id, 0, 16);
        if (fd < 0)
                return false;
        do
                len = read(fd, buf, sizeof buf - 1);
        while (len < 0 && errno == EINTR);
        close(fd);
        buf[len > 0 ? len : 0] = 0;
        if (len > 0)
                for (const char *p = buf; *p && *p != '\n' && n < 32; p++) {
                        int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
                        if (d < 0)
                                continue; /* the dashes of boot_id */
                        id[n / 2] |= (uint8_t) (n % 2 ? d : d << 4);
                        n++;
                }
        if (n != 32)
                memset(id, 0, 16);
        return n == 32;
}

/* sd-event's perturbation: the boot id's two halves (as the machine
 * stores them) xor'ed, within a minute. */
static uint64_t boot_perturb(void)
{
        uint8_t id[16];
        uint64_t a, b;
        read_id("/proc/sys/kernel/random/boot_id", id);
        memcpy(&a, id, 8);
        memcpy(&b, id + 8, 8);
        return (a ^ b) % (60 * USEC_PER_SEC);
}

static int make_dir(const char *path)
{
        char buf[4096];
        snprintf(buf, sizeof buf, "%s", path);
        for (char *p = buf + 1; *p; p++)
                if (*p == '/') {
                        *p = 0;
                        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
                                return -errno;
                        *p = '/';
                }
        return mkdir(buf, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

static int load_units(struct manager *m, const char *target, struct unit_table *table)
{
        const struct weft_config *c = m->config;
        struct unit *u;
        stamp_load(m);
        int r = unit_path_index_build(c->unit_paths, &m->index);
        if (r < 0)
                return log_error_errno(r, "cannot read the unit path: %s", strerror(-r));
        m->load = (struct load_context) {
                .table = table,
                .index = m->index,
                .default_timeout_start_usec = c->timeout_start_usec,
                .default_timeout_stop_usec = c->timeout_stop_usec,
        };
        if (target && (r = unit_table_intern(table, target, &u)) < 0)
                return log_error_errno(r, "invalid target name: %s", target);
        if (c->init_scope && (r = unit_table_intern(table, INIT_SCOPE, &u)) < 0)
                return r;
        if (m->container.o && (r = container_add_main(&m->load, m->container.o, target)) < 0)
                return log_error_errno(r, "cannot set up %s: %s", CONTAINER_MAIN_UNIT,
                                       r == -EEXIST ? "the name is taken" : strerror(-r));
        r = unit_load_all(&m->load);
        if (r < 0)
                return log_error_errno(r, "loading units: %s", strerror(-r));
        log_info("Loaded %zu units for %s (%u warnings, %u errors).", table->n_units, m->anchor, m->load.n_warnings,
                 m->load.n_errors);
        return 0;
}

int manager_run(const struct weft_config *config, const char *target, const struct container_options *container,
                struct manager_result *ret)
{
        struct manager m = { .config = config, .container = { .o = container } };
        int notify_fd = -1, control_fd = -1;
        bool queue_ready = false, scheduler_started = false;
        /* `weft -- CMD` without sidecars: no unit that could bring a bus,
         * mount, swap or device, and its start-up is what it is measured by. */
        bool bare_container = container && !config->unit_paths;
        uint64_t start = config->start_usec ? config->start_usec : now_usec(), load_start, load_finish;
        int r;

        m.target = target;
        m.anchor = container ? CONTAINER_MAIN_UNIT : target;
        m.table = malloc(sizeof *m.table);
        if (!m.table)
                return -ENOMEM;
        unit_table_init(m.table);
        if (asprintf(&m.log_dir, "%s/log", config->runtime_dir) < 0 ||
            asprintf(&m.boot_record_path, "%s/boot.yaml", config->runtime_dir) < 0 ||
            asprintf(&m.notify_path, "%s/notify", config->runtime_dir) < 0 ||
            asprintf(&m.control_path, "%s/control", config->runtime_dir) < 0 ||
            (config->state_dir && asprintf(&m.timer_stamp_dir, "%s/timers", config->state_dir) < 0)) {
                r = -ENOMEM;
                goto out;
        }
        r = make_dir(m.log_dir);
        if (r == 0 && container && access(m.log_dir, W_OK) < 0)
                r = -errno; /* there, but read-only */
        if (r < 0 && container) {
                /* A read-only root without /run: CMD still runs. */
                log_warning("cannot use %s: %s; running without the control and notify sockets, unit logs "
                            "(to weft's stderr instead) and boot record",
                            m.log_dir, strerror(-r));
                free(m.log_dir);
                free(m.boot_record_path);
                free(m.notify_path);
                free(m.control_path);
                m.log_dir = m.boot_record_path = m.notify_path = m.control_path = NULL;
                r = 0;
        } else if (r < 0) {
                log_error("cannot create %s: %s", m.log_dir, strerror(-r));
                goto out;
        }
        load_start = now_usec();
        r = load_units(&m, target, m.table);
        if (r < 0)
                goto out;
        load_finish = now_usec();
        notify_fd = m.notify_path ? notify_socket_open(m.notify_path) : -EROFS;
        if (notify_fd < 0 && m.notify_path)
                log_warning("no notify socket: Type=notify services will time out");
        r = event_queue_init(&m.queue);
        if (r < 0)
                goto out;
        queue_ready = true;
        struct sched_config sc = {
                .log_dir = m.log_dir,
                .notify_socket = notify_fd >= 0 ? m.notify_path : NULL,
                .default_target = m.anchor,
                .load = &m.load,
                .console = config->log_console,
                .manager_start = start,
                .generators_start = config->generators_start_usec,
                .generators_finish = config->generators_finish_usec,
                .units_load_start = load_start,
                .units_load_finish = load_finish,
                .default_timeout_stop_usec = config->timeout_stop_usec,
                .transient_dir = config->transient_dir,
                /* Enough for every worker to find the next request waiting. */
                .spawn_window = 4 * config->workers,
                .watch_system = !bare_container,
                .container_main = container ? CONTAINER_MAIN_UNIT : NULL,
                .timer_stamp_dir = m.timer_stamp_dir,
                /* sd-event's: one spot per boot in each minute where
                 * timers with an accuracy wake together. */
                .timer_perturb_usec = boot_perturb(),
                .in_container = pid1_in_container(),
                .collect = true,
                .collected_max = config->collected_units_max,
        };
        read_id("/etc/machine-id", sc.machine_id);
        r = sched_new(m.table, &ops, &m, &sc, &m.sched);
        if (r < 0)
                goto out;
        sched_loaded_since(m.sched, m.loaded_at);
        /* Before the first thread: every one of weft's threads inherits it.
         * A bare `weft -- CMD` hands one unit over once: pinning did not
         * change its exec latency and cost 40 KiB of peak RSS
         * (bench-container), so there auto means none. */
        int cpu = config->manager_cpu;
        r = cpu_pin_threads(bare_container && cpu == CPU_PIN_AUTO ? CPU_PIN_NONE : cpu);
        if (r < 0)
                log_warning("manager_cpu: cannot pin weft's threads: %s", strerror(-r));
        r = signal_thread_start(&m.queue, &m.signals);
        if (r < 0) {
                log_error("cannot start the signal thread: %s", strerror(-r));
                goto out;
        }
        r = pool_start(config->workers, THREAD_WAIT_FOREVER, on_spawned, &m, &m.pool);
        if (r < 0) {
                log_error("cannot start the worker pool: %s", strerror(-r));
                goto out;
        }
        r = io_thread_start(&m.queue, notify_fd, &m.io);
        if (r < 0) {
                log_error("cannot start the io thread: %s", strerror(-r));
                goto out;
        }
        /* The bus thread connects only once the scheduler says dbus.service
         * is up; a bare container has none. */
        struct timespec rt_now;
        clock_gettime(CLOCK_REALTIME, &rt_now);
        const struct bus_thread_config bc = {
                .address = getenv("WEFT_BUS_ADDRESS"),
                .private_path = config->private_bus,
                .unit_paths = config->unit_paths,
                .transient_dir = config->transient_dir,
                .userspace_monotonic = start,
                .userspace_realtime = timespec_usec(rt_now) - (now_usec() - start),
        };
        r = bare_container ? 0 : bus_thread_start(&m.queue, &bc, &m.bus);
        if (r < 0) {
                log_error("cannot start the bus thread: %s", strerror(-r));
                goto out;
        }
        control_fd = m.control_path ? control_socket_open(m.control_path) : -EROFS;
        if (control_fd < 0 && m.control_path)
                log_warning("no control socket at %s: %s; weftctl cannot reach this manager", m.control_path,
                            strerror(-control_fd));
        else if (control_fd >= 0)
                io_control_listen_fd(m.io, control_fd);
        /* Every thread weft needs exists before the first fork: the main
         * thread becomes the scheduler thread now, and builds the boot
         * transaction (the first spawns) itself, so only one thread ever
         * touches the scheduler. Under pids.max a fork that finds no task
         * left then fails that unit's start (Result=resources), never
         * weft. (A thread of its own for the scheduler, with main waiting
         * to join it, cost a thread start and a hand-off before the first
         * spawn: `weft -- CMD`'s exec-to-exec latency, bench-container.) */
        scheduler_main(&m);
        scheduler_started = m.start_error == 0;
        r = m.start_error;
out:
        if (r < 0 && m.sched && !scheduler_started) {
                /* Nothing ran yet, or the boot could not start: stop what did. */
                sched_shutdown(m.sched, now_usec());
        }
        if (m.pool)
                pool_stop(m.pool);
        if (m.io)
                io_thread_stop(m.io);
        m.io = NULL;
        bus_thread_stop(m.bus);
        m.bus = NULL; /* replies from here on are written directly or dropped */
        if (m.signals)
                signal_thread_stop(m.signals);
        sched_free(m.sched);
        if (queue_ready) {
                drain_queue(&m.queue);
                event_queue_destroy(&m.queue);
        }
        if (notify_fd >= 0)
                close(notify_fd);
        if (control_fd >= 0) {
                close(control_fd);
                unlink(m.control_path);
        }
        unit_table_done(m.table);
        free(m.table);
        unit_path_index_free(m.index);
        free(m.log_dir);
        free(m.boot_record_path);
        free(m.notify_path);
        free(m.control_path);
        free(m.timer_stamp_dir);
        *ret = m.result;
        if (ret->kind == SHUTDOWN_NONE)
                ret->kind = SHUTDOWN_EXIT;
        return r;
}
