/* The scheduler's core: runtime state per unit, the one function through
 * which every state change goes (it logs, stamps and tells the job), event
 * dispatch, timers and spawning. See sched.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/macro.h"
#include "core/event_queue.h"
#include "core/sched_internal.h"
#include "base/strv.h"
#include "core/unit_type.h"
#include "parse/load_types.h"
#include "parse/tzfile.h"
#include "sockets/control_proto.h"
#include "workers/exec_context.h"

static const char *const active_state_table[_UNIT_ACTIVE_STATE_MAX] = {
        [UNIT_INACTIVE] = "inactive",     [UNIT_ACTIVATING] = "activating", [UNIT_ACTIVE] = "active",
        [UNIT_RELOADING] = "reloading",   [UNIT_DEACTIVATING] = "deactivating", [UNIT_FAILED] = "failed",
};

static const char *const sub_state_table[_SUB_STATE_MAX] = {
        [SUB_DEAD] = "dead",
        [SUB_START_PRE] = "start-pre",
        [SUB_START] = "start",
        [SUB_START_POST] = "start-post",
        [SUB_RUNNING] = "running",
        [SUB_EXITED] = "exited",
        [SUB_STOP] = "stop",
        [SUB_STOP_SIGTERM] = "stop-sigterm",
        [SUB_STOP_SIGKILL] = "stop-sigkill",
        [SUB_STOP_POST] = "stop-post",
        [SUB_FINAL_SIGTERM] = "final-sigterm",
        [SUB_FINAL_SIGKILL] = "final-sigkill",
        [SUB_FAILED] = "failed",
        [SUB_AUTO_RESTART] = "auto-restart",
        [SUB_ACTIVE] = "active",
        [SUB_LISTENING] = "listening",
        [SUB_RELOAD] = "reload",
        [SUB_WAITING] = "waiting",
        [SUB_ELAPSED] = "elapsed",
        [SUB_MOUNTING] = "mounting",
        [SUB_MOUNTING_DONE] = "mounting-done",
        [SUB_MOUNTED] = "mounted",
        [SUB_REMOUNTING] = "remounting",
        [SUB_UNMOUNTING] = "unmounting",
        [SUB_UNMOUNTING_SIGTERM] = "unmounting-sigterm",
        [SUB_UNMOUNTING_SIGKILL] = "unmounting-sigkill",
        [SUB_ACTIVATING] = "activating",
        [SUB_ACTIVATING_DONE] = "activating-done",
        [SUB_DEACTIVATING] = "deactivating",
        [SUB_DEACTIVATING_SIGTERM] = "deactivating-sigterm",
        [SUB_DEACTIVATING_SIGKILL] = "deactivating-sigkill",
        [SUB_TENTATIVE] = "tentative",
        [SUB_PLUGGED] = "plugged",
        [SUB_ABANDONED] = "abandoned",
};

static const char *const result_table[_UNIT_RESULT_MAX] = {
        [RESULT_SUCCESS] = "success",     [RESULT_RESOURCES] = "resources", [RESULT_TIMEOUT] = "timeout",
        [RESULT_EXIT_CODE] = "exit-code", [RESULT_SIGNAL] = "signal",       [RESULT_CORE_DUMP] = "core-dump",
        [RESULT_WATCHDOG] = "watchdog",   [RESULT_START_LIMIT_HIT] = "start-limit-hit",
        [RESULT_TRIGGER_LIMIT_HIT] = "trigger-limit-hit",
        [RESULT_SERVICE_START_LIMIT_HIT] = "service-start-limit-hit",
        [RESULT_UNIT_START_LIMIT_HIT] = "unit-start-limit-hit",
};

const char *unit_active_state_to_string(enum unit_active_state a)
{
        return active_state_table[a];
}

const char *sub_state_to_string(enum sub_state st)
{
        return sub_state_table[st];
}

const char *unit_result_to_string(enum unit_result r)
{
        return result_table[r];
}

struct unit_runtime *rt_of(struct sched *s, const struct unit *u)
{
        (void) s;
        return u->rt;
}

int sched_new(struct unit_table *units, const struct sched_ops *ops, void *userdata,
              const struct sched_config *config, struct sched **ret)
{
        struct sched *s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->units = units;
        s->ops = ops;
        s->userdata = userdata;
        s->config = *config;
        idmap_init(&s->by_pid);
        idmap_init(&s->by_request);
        idmap_init(&s->early_exits);
        idmap_init(&s->early_notify);
        s->notify_rl = (struct log_ratelimit) LOG_RATELIMIT_INIT(NOTIFY_LOG_INTERVAL_USEC, NOTIFY_LOG_BURST);
        s->bus_rl = (struct log_ratelimit) LOG_RATELIMIT_INIT(NOTIFY_LOG_INTERVAL_USEC, NOTIFY_LOG_BURST);
        timer_heap_init(&s->timers);
        sched_invocation_init(s);
        int r = sched_env_init(s);
        if (r >= 0)
                r = sched_adopt_units(s);
        if (r < 0) {
                sched_free(s);
                return r;
        }
        *ret = s;
        return 0;
}

struct unit *sched_next_dep(const struct unit *u, enum unit_dependency kind, size_t *i)
{
        const struct unit_edge *e;
        while ((e = sched_next_edge(u, i)))
                if (e->kind == kind)
                        return e->other;
        return NULL;
}

bool sched_has_dep(const struct unit *u, enum unit_dependency kind, const struct unit *other)
{
        size_t i = 0;
        struct unit *o;
        while ((o = sched_next_dep(u, kind, &i)))
                if (o == other)
                        return true;
        return false;
}

static int add_extra_edge(struct unit *u, enum unit_dependency kind, struct unit *other, bool refs, bool ref_by)
{
        struct extra_edges *x = u->rt->extra_edges;
        if (!x || x->n == x->cap) {
                uint32_t cap = x ? 2 * x->cap : 4;
                x = realloc(x, sizeof *x + cap * sizeof x->e[0]);
                if (!x)
                        return -ENOMEM;
                if (!u->rt->extra_edges)
                        x->n = 0;
                x->cap = cap;
                u->rt->extra_edges = x;
        }
        x->e[x->n++] = (struct unit_edge) { other, (uint8_t) kind, refs, ref_by };
        return 0;
}

int sched_link_units(struct unit *u, enum unit_dependency kind, struct unit *other, bool refs, bool ref_by)
{
        const struct unit_edge *e;
        struct unit *a[2] = { u, other };
        enum unit_dependency k[2] = { kind, unit_dependency_inverse(kind) };
        bool f[2][2] = { { refs, ref_by }, { ref_by, refs } };
        for (int side = 0; side < 2; side++) {
                bool there = false;
                for (size_t i = 0; !there && (e = sched_next_edge(a[side], &i));)
                        there = e->kind == k[side] && e->other == a[!side];
                int r = there ? 0 : add_extra_edge(a[side], k[side], a[!side], f[side][0], f[side][1]);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Units loaded after the table was sealed kept their edges to sealed units
 * on their side only (unit_add_dependency): give each sealed unit the
 * reverse edge here, at run time, then seal the new units too. Costs the
 * new units and their edges, never the table. */
static int link_new_units(struct sched *s)
{
        for (; s->n_linked < s->n_rt; s->n_linked++) {
                struct unit *u = s->units->units[s->n_linked];
                for (uint32_t k = 0; k < u->n_edges; k++) {
                        const struct unit_edge *e = &u->edges[k];
                        if (!e->other->sealed)
                                continue;
                        int r = add_extra_edge(e->other, unit_dependency_inverse(e->kind), u, e->ref_by, e->refs);
                        if (r < 0)
                                return r;
                        /* Referenced again: a collected unit comes back. */
                        if (e->refs)
                                sched_gc_revive(s, e->other);
                }
        }
        unit_table_seal(s->units);
        return 0;
}

/* The transaction's scratch arrays hold one entry per unit; grown to an
 * eighth more than needed (at least 64), so loading units one at a time
 * at run time stays O(1) each, and the boot's table (adopted at once)
 * does not pay for a power of two: at 10,000 units doubling left 6,384
 * entries of ~29 bytes unused. */
static int grow_scratch(struct sched *s)
{
        size_t n = s->units->n_units, cap = s->txn_cap;
        if (n <= cap)
                return 0;
        cap = n + n / 8 + 64;
        struct unit **q = realloc(s->txn_queue, cap * sizeof *q);
        if (q)
                s->txn_queue = q;
        struct txn_frame *f = realloc(s->txn_stack, cap * sizeof *f);
        if (f)
                s->txn_stack = f;
        uint8_t *seen = realloc(s->txn_seen, cap * sizeof *seen);
        if (seen)
                s->txn_seen = seen;
        uint32_t *color = realloc(s->txn_color, cap * sizeof *color);
        if (color)
                s->txn_color = color;
        if (!q || !f || !seen || !color)
                return -ENOMEM;
        memset(s->txn_seen + s->txn_cap, 0, (cap - s->txn_cap) * sizeof *seen);
        memset(s->txn_color + s->txn_cap, 0, (cap - s->txn_cap) * sizeof *color);
        s->txn_cap = cap;
        return 0;
}

int sched_adopt_units(struct sched *s)
{
        size_t first = s->n_rt;
        int r = grow_scratch(s);
        if (r < 0)
                return r;
        for (; s->n_rt < s->units->n_units; s->n_rt++) {
                struct unit *u = s->units->units[s->n_rt];
                if (!u->rt) {
                        u->rt = calloc(1, sizeof *u->rt);
                        if (!u->rt)
                                return -ENOMEM;
                }
                /* Here, not at start: starting a unit allocates nothing. */
                if (unit_ops(u)->adopt && (r = unit_ops(u)->adopt(s, u)) < 0)
                        return r;
                u->rt->index = s->n_rt;
                /* Carried over by a daemon-reload: the new table's units
                 * hold every edge among themselves. */
                if (u->rt->extra_edges)
                        u->rt->extra_edges->n = 0;
                /* Loaded, or loaded again: as systemd's unit_load, the
                 * next sweep looks at whether anything needs it (it is at
                 * or past s->gc_unswept_from). A unit a daemon-reload
                 * loaded again is no longer collected. */
                u->rt->collected = false;
                u->rt->in_gc_queue = false;
        }
        (void) sched_load_batch(s, first); /* out of memory: they count as read earlier */
        return link_new_units(s);
}

void unit_conn_close(struct unit_runtime *rt)
{
        if (!rt->conn)
                return;
        close(rt->conn->fd);
        free(rt->conn);
        rt->conn = NULL;
}

static void runtime_free(struct unit *u)
{
        struct unit_runtime *rt = u->rt;
        if (!rt)
                return;
        if (rt->notify) {
                free(rt->notify->status_text);
                fdstore_close_all(rt);
                free(rt->notify);
        }
        unit_conn_close(rt);
        if (u->type == UNIT_SOCKET && rt->sock) {
                if (rt->sock->fds.n)
                        socket_close_all(u, &rt->sock->fds);
                free(rt->sock);
        } else if (u->type == UNIT_TIMER && rt->timer) {
                free(rt->timer->disabled);
                free(rt->timer);
        } else if (u->type == UNIT_PATH)
                path_runtime_free(rt->path);
        else if (u->type == UNIT_SCOPE)
                scope_runtime_free(rt->scope);
        else
                free(rt->type_rt);
        free(rt->extra_edges);
        free(rt);
        u->rt = NULL;
}

static bool runtime_busy(const struct unit *u)
{
        const struct unit_runtime *rt = u->rt;
        return rt->active != UNIT_INACTIVE || rt->main_pid > 0 || rt->control_pid > 0 ||
               (u->type == UNIT_SOCKET && rt->sock && rt->sock->fds.n) || (rt->notify && rt->notify->n_fdstore) || rt->conn || rt->timer_when ||
               rt_watchdog_when(rt);
}

/* The unit of new that old stands for now. */
static struct unit *counterpart(struct unit_table *new, struct unit *old)
{
        return old ? unit_table_get(new, unit_follow(old)->id) : NULL;
}

static void remap_idmap(struct idmap *m, struct unit_table *new)
{
        for (size_t i = 0; i < m->n_slots; i++)
                if (m->slots[i].key)
                        m->slots[i].value = counterpart(new, m->slots[i].value);
}

/* Each type that mirrors the system looks at it (unit_type_ops.enumerate). */
static void sched_enumerate(struct sched *s)
{
        if (!s->config.watch_system)
                return;
        for (int t = 0; t < _UNIT_TYPE_MAX; t++)
                if (unit_type_ops(t)->enumerate)
                        unit_type_ops(t)->enumerate(s);
}

static uint64_t rt_job_when(const struct unit_runtime *rt)
{
        return rt->job ? rt->job->timeout_when : 0;
}

/* The earliest of a unit's deadlines (state timeout, watchdog, its job's
 * timeout), 0: none. */
static uint64_t rt_next_when(const struct unit_runtime *rt)
{
        uint64_t when = 0, all[] = { rt->timer_when, rt_watchdog_when(rt), rt_job_when(rt) };
        for (size_t i = 0; i < ELEMENTSOF(all); i++)
                if (all[i] && (!when || all[i] < when))
                        when = all[i];
        return when;
}

int sched_intern_known(struct sched *s, struct unit_table *new)
{
        struct unit *n;
        for (size_t i = 0; i < s->n_rt; i++) {
                const struct unit *u = s->units->units[i];
                if (u->load_state == UNIT_MERGED || unit_collected(u))
                        continue;
                int r = unit_table_intern(new, u->id, &n);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Marks a unit of the new table as taken while carry_targets runs. */
static struct unit_runtime claimed;

/* The unit of new that takes over the runtime of each unit of the old
 * table (NULL: none, its state goes), in *ret. A unit that is up or has a
 * job gets one even if no file names it now. Two old units the new files
 * made one (a new alias) cannot both be carried: the first is. If one
 * that loses has a job, -EBUSY: that job has nowhere to go, so the reload
 * waits until it is done, and nothing has changed yet. */
static int carry_targets(struct sched *s, struct unit_table *new, struct unit ***ret)
{
        struct unit **target = calloc(s->n_rt ? s->n_rt : 1, sizeof *target);
        int r = target ? 0 : -ENOMEM;

        for (size_t i = 0; r == 0 && i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                struct unit *n = u->load_state == UNIT_MERGED ? NULL : unit_table_get(new, u->id);
                if (!n && u->rt && (runtime_busy(u) || u->rt->job) && unit_table_intern(new, u->id, &n) < 0)
                        n = NULL;
                if (n && n->rt == &claimed)
                        n = NULL;
                if (!n && u->rt && u->rt->job) {
                        log_warning("daemon-reload: %s has a job and cannot be carried over", u->id);
                        r = -EBUSY;
                }
                if (n)
                        n->rt = &claimed;
                target[i] = n;
        }
        for (size_t i = 0; target && i < s->n_rt; i++)
                if (target[i])
                        target[i]->rt = NULL;
        if (r < 0) {
                free(target);
                target = NULL;
        }
        *ret = target;
        return r;
}

int sched_swap_units(struct sched *s, struct unit_table *new, struct unit_table **ret_old)
{
        struct unit_table *old = s->units;
        struct unit **target;
        /* The shutdown's stop jobs stay as they are. */
        int r = s->shutting_down ? -ESHUTDOWN : carry_targets(s, new, &target);

        if (r < 0)
                return r;
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = old->units[i], *n = target[i];
                bool busy = u->rt && runtime_busy(u);
                if (!n) {
                        if (busy)
                                log_warning("%s: its state cannot be carried over by daemon-reload", u->id);
                        runtime_free(u);
                        continue;
                }
                if (busy && n->load_state != UNIT_LOADED && u->load_state == UNIT_LOADED) {
                        log_warning("%s: its unit file is gone or broken; it keeps running with the old one",
                                    u->id);
                        if (unit_swap_config(n, u) < 0) {
                                /* Out of memory copying it out of the old table's arena. */
                                log_warning("%s: its state cannot be carried over by daemon-reload", u->id);
                                runtime_free(u);
                                continue;
                        }
                }
                n->rt = u->rt;
                u->rt = NULL;
                if (n->rt->job) /* a job moves with its unit */
                        n->rt->job->unit = n;
        }
        free(target);
        /* Everything that points at units points into new from here on. */
        remap_idmap(&s->by_pid, new);
        remap_idmap(&s->by_request, new);
        for (size_t i = 0; i < new->n_units; i++) {
                struct unit_runtime *rt = new->units[i]->rt;
                if (rt && rt->conn)
                        rt->conn->socket = counterpart(new, rt->conn->socket);
                if (rt && rt->failed_dependency)
                        rt->failed_dependency = counterpart(new, rt->failed_dependency);
                if (rt && rt->job && rt->job->cause)
                        rt->job->cause = counterpart(new, rt->job->cause);
        }
        size_t n = 0;
        for (size_t i = 0; i < s->n_kill_waiters; i++)
                if ((s->kill_waiters[n] = counterpart(new, s->kill_waiters[i])))
                        n++;
        s->n_kill_waiters = n;
        s->boot_target = counterpart(new, s->boot_target);
        /* The queue names old units; every unit of new is a candidate
         * again as it is taken over (the range from gc_unswept_from). */
        s->n_gc_queue = 0;
        s->gc_unswept_from = 0;
        s->n_collected = s->compact_at = 0; /* the new table holds none */
        s->n_load_batches = 0;
        s->units = new;
        s->n_rt = s->n_linked = 0;
        r = sched_adopt_units(s);
        /* The timer heap and the io thread's cookies name units: renew both. */
        timer_heap_done(&s->timers);
        timer_heap_init(&s->timers);
        for (size_t i = 0; i < new->n_units; i++) {
                struct unit *u = new->units[i];
                if (!u->rt)
                        continue;
                if (rt_next_when(u->rt))
                        unit_reschedule(s, u);
                if (unit_ops(u)->rewatch)
                        unit_ops(u)->rewatch(s, u);
        }
        sched_enumerate(s);
        /* The jobs wait by the new files' ordering from here on. */
        job_recount_all(s);
        transaction_run_ready(s);
        *ret_old = old;
        return r;
}

const char *sched_swap_error(int r)
{
        if (r == -EBUSY)
                return "a unit with a job would become an alias of another; try again when its job is done";
        if (r == -ESHUTDOWN)
                return "the system is shutting down";
        return strerror(-r);
}

void sched_free(struct sched *s)
{
        if (!s)
                return;
        for (int t = 0; t < _UNIT_TYPE_MAX; t++)
                if (s->type_state[t] && unit_type_ops(t)->type_done)
                        unit_type_ops(t)->type_done(s);
        notify_drop_early(s);
        /* Clients still waiting for a job: tell them, and close their connections. */
        for (size_t i = 0; i < s->n_rt; i++) {
                struct job *j = s->units->units[i]->rt->job;
                if (j && j->n_waits) {
                        j->restart = false;
                        if (s->ops->job_finished)
                                s->ops->job_finished(s->userdata, j, JOB_CANCELED);
                }
        }
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                struct unit_runtime *rt = u->rt;
                if (rt->job)
                        free(rt->job->waits);
                runtime_free(u);
        }
        idmap_done(&s->by_pid);
        idmap_done(&s->by_request);
        idmap_done(&s->early_exits);
        timer_heap_done(&s->timers);
        free(s->kill_waiters);
        free(s->gc_queue);
        free(s->load_batches);
        strv_free(s->bus_refs);
        sched_conditions_free(s);
        sched_stdio_free(s);
        free(s->txn_queue);
        free(s->txn_stack);
        free(s->txn_seen);
        free(s->txn_color);
        sched_env_done(s);
        free(s);
}

/* A console line's stamp is the clock when it is made, not s->now: one
 * event (a shutdown, an exit that finishes a chain of jobs) changes many
 * units, and every line stamped with that event's time misled a reader
 * about when each happened (issue 13). The boot record keeps s->now. */
static double since_start(struct sched *s)
{
        uint64_t now = now_usec();

        return now > s->config.manager_start ? (double) (now - s->config.manager_start) / 1e6 : 0;
}

static const char *describe(const struct unit *u)
{
        return u->description ? u->description : u->id;
}

/* Console lines in systemd's words, with weft's stamps. */
static void announce(struct sched *s, struct unit *u, enum unit_active_state old, enum unit_active_state new)
{
        struct unit_runtime *rt = u->rt;
        if (!s->config.console || old == new)
                return;
        if (new == UNIT_ACTIVE && old == UNIT_ACTIVATING)
                log_info("[%9.6f] Started %s (%s, +%.3fs).", since_start(s), describe(u), u->id,
                         (double) (s->now - rt->t_activating) / 1e6);
        else if (new == UNIT_ACTIVE)
                log_info("[%9.6f] Reached %s (%s).", since_start(s), describe(u), u->id);
        else if (new == UNIT_ACTIVATING && rt->sub != SUB_AUTO_RESTART)
                log_info("[%9.6f] Starting %s (%s)...", since_start(s), describe(u), u->id);
        else if (new == UNIT_FAILED)
                log_warning("[%9.6f] %s: Failed with result '%s'.", since_start(s), u->id,
                            unit_result_to_string(rt->result));
        else if (new == UNIT_INACTIVE && rt->t_active < rt->t_activating)
                /* A oneshot that ran to completion without ever being active. */
                log_info("[%9.6f] Finished %s (%s, +%.3fs).", since_start(s), describe(u), u->id,
                         (double) (s->now - rt->t_activating) / 1e6);
        else if (new == UNIT_INACTIVE)
                log_info("[%9.6f] Stopped %s (%s).", since_start(s), describe(u), u->id);
        else if (new == UNIT_DEACTIVATING && old == UNIT_ACTIVE)
                log_info("[%9.6f] Stopping %s (%s)...", since_start(s), describe(u), u->id);
}

/* The status a unit's end gives the container when SuccessAction= or
 * FailureAction= ends it without an ...ExitStatus=: its main process's
 * exit status, or 128+N after death by signal N (as a shell reports it;
 * systemd has no status for a signal), else 0 for a success, 1 for a
 * failure. */
static int unit_exit_status(const struct unit *u, bool failed)
{
        const struct unit_runtime *rt = u->rt;
        if (rt->main_exit_code == CLD_EXITED)
                return rt->main_exit_status & 0xff;
        if (rt->main_exit_code == CLD_KILLED || rt->main_exit_code == CLD_DUMPED)
                return 128 + rt->main_exit_status;
        return failed ? 1 : 0;
}

/* The shutdown each reboot, poweroff or halt action asks for. weft's own
 * shutdown (every unit stopped in reverse order, each bounded, then the
 * final kill and unmount) serves the -force and -immediate variants too:
 * it is what systemd does for -force, and safe for -immediate. reboot(2)
 * itself only ever happens as PID 1 of a machine (pid1_finish). */
static const enum shutdown_kind action_shutdown[_EMERGENCY_ACTION_MAX] = {
        [EMERGENCY_ACTION_REBOOT] = SHUTDOWN_REBOOT,
        [EMERGENCY_ACTION_REBOOT_FORCE] = SHUTDOWN_REBOOT,
        [EMERGENCY_ACTION_REBOOT_IMMEDIATE] = SHUTDOWN_REBOOT,
        [EMERGENCY_ACTION_POWEROFF] = SHUTDOWN_POWEROFF,
        [EMERGENCY_ACTION_POWEROFF_FORCE] = SHUTDOWN_POWEROFF,
        [EMERGENCY_ACTION_POWEROFF_IMMEDIATE] = SHUTDOWN_POWEROFF,
        [EMERGENCY_ACTION_HALT] = SHUTDOWN_HALT,
        [EMERGENCY_ACTION_HALT_FORCE] = SHUTDOWN_HALT,
        [EMERGENCY_ACTION_HALT_IMMEDIATE] = SHUTDOWN_HALT,
};

void unit_action(struct sched *s, struct unit *u, const char *why, const char *setting, enum emergency_action a,
                 int status)
{
        if (a == EMERGENCY_ACTION_NONE)
                return;
        if (a != EMERGENCY_ACTION_EXIT && a != EMERGENCY_ACTION_EXIT_FORCE) {
                log_notice("%s: %s; %s=%s", u->id, why, setting, emergency_action_to_string(a));
                if (s->ops->shutdown_request)
                        s->ops->shutdown_request(s->userdata, action_shutdown[a], 0);
                return;
        }
        log_info("%s: %s; %s=%s, exiting with status %d", u->id, why, setting, emergency_action_to_string(a), status);
        if (s->ops->exit_request)
                s->ops->exit_request(s->userdata, status, a == EMERGENCY_ACTION_EXIT_FORCE);
}

/* SuccessAction=/FailureAction= (systemd's unit_notify): an active unit
 * that goes inactive succeeded, one that goes failed failed. Debian's
 * systemd-poweroff.service, which poweroff.target pulls in, is nothing but
 * SuccessAction=poweroff-force. */
static void emergency_action(struct sched *s, struct unit *u, enum unit_active_state old,
                             enum unit_active_state new)
{
        bool failed = new == UNIT_FAILED;
        const struct unit_extra *x = unit_extra(u);
        enum emergency_action a = failed ? x->failure_action : x->success_action;
        int status = failed ? x->failure_action_exit_status : x->success_action_exit_status;

        if (!failed && unit_state_is_down(old))
                return;
        if (status < 0)
                status = unit_exit_status(u, failed);
        unit_action(s, u, failed ? "failed" : "finished", failed ? "FailureAction" : "SuccessAction", a, status);
}

void unit_start_on_failure(struct sched *s, struct unit *u)
{
        size_t it = 0;
        struct unit *o;
        if (s->shutting_down)
                return;
        while ((o = sched_next_dep(u, UNIT_ON_FAILURE, &it))) {
                bool nothing;
                log_info("%s: failed; starting %s (OnFailure=).", u->id, o->id);
                transaction_start(s, o, &nothing);
        }
}

/* What follows from u entering inactive or failed: BindsTo= units stop,
 * OnFailure= units start, SuccessAction=/FailureAction= act. */
static void propagate(struct sched *s, struct unit *u, enum unit_active_state old, enum unit_active_state new)
{
        size_t it = 0;
        struct unit *o;

        emergency_action(s, u, old, new);

        if (unit_ops(u)->went_down)
                unit_ops(u)->went_down(s, u);

        while ((o = sched_next_dep(u, UNIT_BOUND_BY, &it))) {
                struct unit_runtime *ort = o->rt;
                if (!unit_state_is_down(ort->active) &&
                    !(ort->job && ort->job->type == JOB_STOP)) {
                        log_info("%s: bound to %s, which stopped; stopping.", o->id, u->id);
                        job_run_if_ready(s, job_install(s, o, JOB_STOP, false));
                }
        }
        if (new == UNIT_FAILED)
                unit_start_on_failure(s, u);
}

uint64_t sched_realtime(struct sched *s)
{
        if (s->ops->realtime)
                return s->ops->realtime(s->userdata);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return timespec_usec(ts);
}

/* The wall clock was set, or the time zone changed: every unit that
 * counts on it recomputes. */
static void time_changed(struct sched *s, bool zone_changed)
{
        if (zone_changed)
                tz_local_changed(); /* calendar specs without a zone use the new one */
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if (u->load_state == UNIT_LOADED && unit_ops(u)->time_change)
                        unit_ops(u)->time_change(s, u, zone_changed);
        }
}

void unit_set_sub(struct sched *s, struct unit *u, enum sub_state sub)
{
        struct unit_runtime *rt = u->rt;
        enum unit_active_state old = rt->active, active;

        if (!unit_sub_active_state(u, sub, &active)) {
                log_error("%s: BUG: a %s unit has no sub-state '%s' (from %s/%s); refusing the transition", u->id,
                          unit_type_to_string(u->type), sub < _SUB_STATE_MAX ? sub_state_to_string(sub) : "?",
                          unit_active_state_to_string(old), sub_state_to_string(rt->sub));
                if (s->config.abort_on_illegal)
                        abort();
                return;
        }
        if (old == active && rt->sub == sub)
                return;
        /* Something moves it: it is in use again. */
        if (rt->collected)
                sched_gc_revive(s, u);
        log_debug("%s: %s/%s -> %s/%s", u->id, unit_active_state_to_string(old), sub_state_to_string(rt->sub),
                  unit_active_state_to_string(active), sub_state_to_string(sub));
        rt->sub = sub;
        rt->active = active;
        if (active != old) {
                bool was_down = unit_state_is_down(old);
                if (was_down && !unit_state_is_down(active))
                        rt->t_activating = s->now;
                if (active == UNIT_ACTIVE && old != UNIT_RELOADING)
                        rt->t_active = s->now;
                if (active == UNIT_DEACTIVATING)
                        rt->t_deactivating = s->now;
                if (unit_state_is_down(active))
                        rt->t_inactive = s->now;
        }
        announce(s, u, old, active);
        sched_bus_signal(s, u);
        if (active != old)
                sched_bus_unit_changed(s, u, old);
        job_unit_changed(s, u);
        if (unit_state_is_down(active) && old != active) {
                propagate(s, u, old, active);
                sched_gc_queue(s, u);
        }
        if (active != old)
                unit_trigger_notify(s, u);
}

void unit_trigger_notify(struct sched *s, struct unit *u)
{
        size_t it = 0;
        struct unit *o;
        while ((o = sched_next_dep(u, UNIT_TRIGGERED_BY, &it)))
                if (o->rt && unit_ops(o)->trigger_notify)
                        unit_ops(o)->trigger_notify(s, o, u);
}

/* A unit has one entry in the heap, at the earliest of its deadlines;
 * re-arming bumps the generation so the old entry is skipped when it
 * surfaces. */
static void reschedule(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = u->rt;
        uint64_t when = rt_next_when(rt);
        rt->timer_generation++;
        if (when && timer_heap_push(&s->timers, when, u, rt->timer_generation) < 0)
                log_error("%s: out of memory arming a timer", u->id);
}

void unit_arm_timer(struct sched *s, struct unit *u, uint64_t when)
{
        u->rt->timer_when = when;
        reschedule(s, u);
}

void unit_disarm_timer(struct sched *s, struct unit *u)
{
        u->rt->timer_when = 0;
        reschedule(s, u);
}

void unit_reschedule(struct sched *s, struct unit *u)
{
        reschedule(s, u);
}

static bool timer_live(const struct timer_entry *e)
{
        const struct unit *u = e->owner;
        return u->rt->timer_generation == e->generation && rt_next_when(u->rt);
}

uint64_t sched_next_deadline(struct sched *s)
{
        const struct timer_entry *e;
        while ((e = timer_heap_peek(&s->timers)) && !timer_live(e))
                timer_heap_pop(&s->timers);
        uint64_t when = e ? e->when : UINT64_MAX, shutdown = sched_shutdown_next_deadline(s);
        return shutdown < when ? shutdown : when;
}

void sched_run_timers(struct sched *s, uint64_t now)
{
        const struct timer_entry *e;
        s->now = now;
        while ((e = timer_heap_peek(&s->timers)) && e->when <= now) {
                struct timer_entry t = *e;
                timer_heap_pop(&s->timers);
                if (!timer_live(&t))
                        continue;
                struct unit *u = t.owner;
                struct unit_runtime *rt = u->rt;
                uint64_t wd = rt_watchdog_when(rt);
                if (wd && wd <= now) {
                        rt->notify->watchdog_when = 0;
                        reschedule(s, u);
                        if (unit_ops(u)->watchdog)
                                unit_ops(u)->watchdog(s, u);
                } else if (rt->timer_when && rt->timer_when <= now) {
                        rt->timer_when = 0;
                        reschedule(s, u);
                        if (unit_ops(u)->timer)
                                unit_ops(u)->timer(s, u);
                } else if (rt_job_when(rt) && rt_job_when(rt) <= now)
                        job_timed_out(s, u); /* job_finish reschedules */
                else
                        reschedule(s, u);
        }
        sched_run_ready(s);
        /* After the units' own timers: a stop that ends at the deadline ends in time. */
        sched_shutdown_run_timers(s, now);
        sched_run_ready(s);
        sched_entry_done(s);
}

/* What the manager adds to every command's environment, then extra. */
static int manager_env(struct sched *s, struct unit *u, bool control, char *const *extra, char ***ret)
{
        struct unit_runtime *rt = u->rt;
        char **env = NULL, buf[128];
        int r = 0;

        if (s->config.notify_socket && unit_ops(u)->wants_notify_socket &&
            unit_ops(u)->wants_notify_socket(u, control)) {
                snprintf(buf, sizeof buf, "NOTIFY_SOCKET=%s", s->config.notify_socket);
                r = strv_extend(&env, buf);
        }
        if (r >= 0 && rt->conn && rt->conn->remote_addr[0]) {
                snprintf(buf, sizeof buf, "REMOTE_ADDR=%s", rt->conn->remote_addr);
                r = strv_extend(&env, buf);
                snprintf(buf, sizeof buf, "REMOTE_PORT=%s", rt->conn->remote_port);
                if (r >= 0)
                        r = strv_extend(&env, buf);
        }
        STRV_FOREACH(e, extra)
                if (r >= 0)
                        r = strv_extend(&env, *e);
        if (r < 0) {
                strv_free(env);
                return r;
        }
        *ret = env;
        return 0;
}

int sched_spawn(struct sched *s, struct unit *u, const struct exec_command *cmd, bool control, char **extra_env)
{
        struct unit_runtime *rt = u->rt;
        struct spawn_request *req = NULL;
        const struct exec_context *c = unit_exec_context(u);
        char **env = NULL, *names = NULL;
        int *fds = NULL;
        unsigned n_fds = 0, n_sockets = 0;
        if (!c) {
                log_error("%s: %s units run no processes", u->id, unit_type_to_string(u->type));
                return -EOPNOTSUPP;
        }
        bool stdin_socket = c->std_input == EXEC_INPUT_SOCKET || c->std_output == EXEC_OUTPUT_SOCKET;
        int r = manager_env(s, u, control, extra_env, &env);

        /* The main process gets the sockets (LISTEN_FDS), control processes not. */
        if (r >= 0 && !control)
                r = socket_collect_fds(s, u, !stdin_socket, &fds, &n_fds, &n_sockets, &names);
        if (r < 0) {
                log_error("%s: out of memory preparing a command", u->id);
                goto out;
        }
        char invocation[33];
        const struct exec_params p = {
                .unit_id = u->id,
                .invocation_id = sched_invocation_id(s, u, invocation) ? invocation : NULL,
                .log_dir = s->config.log_dir,
                .manager_environment = s->env_effective,
                .extra_env = env,
                .control = control,
                .listen_fds = fds,
                .n_listen_fds = n_fds,
                .n_socket_fds = n_sockets,
                .listen_fdnames = names,
                .listen_pid = n_fds > 0,
                .has_socket = rt->conn && stdin_socket,
                .socket_fd = rt->conn ? rt->conn->fd : -1,
                .container_main = !control && s->config.container_main && strcmp(u->id, s->config.container_main) == 0,
                .stdio_fds = sched_stdio_get(s, u),
        };
        r = exec_build_request(u, c, cmd, &p, &req);
        if (r < 0)
                goto out;
        if (++s->next_request_id == 0)
                s->next_request_id = 1;
        req->id = s->next_request_id;
        r = idmap_put(&s->by_request, req->id, u);
        if (r < 0) {
                spawn_request_free(req);
                log_error("%s: out of memory", u->id);
                goto out;
        }
        if (control)
                rt->control_request = req->id;
        else {
                rt->main_request = req->id;
                if (!rt->t_forked)
                        rt->t_forked = s->now;
        }
        s->spawns_in_flight++;
        uint64_t id = req->id;
        r = s->ops->spawn(s->userdata, req);
        if (r < 0) {
                /* Never queued, so no report will come: a stop must not
                 * wait for this spawn (with TimeoutStopSec=infinity, forever). */
                idmap_remove(&s->by_request, id);
                if (control)
                        rt->control_request = 0;
                else
                        rt->main_request = 0;
                s->spawns_in_flight--;
                log_error("%s: cannot queue the spawn: %s", u->id, strerror(-r));
        }
out:
        strv_free(env);
        free(fds);
        free(names);
        return r;
}

void sched_track_pid(struct sched *s, struct unit *u, pid_t pid)
{
        if (idmap_put(&s->by_pid, (uint64_t) pid, u) < 0)
                log_error("%s: out of memory tracking pid %d", u->id, (int) pid);
}

void sched_forget_pid(struct sched *s, pid_t pid)
{
        idmap_remove(&s->by_pid, (uint64_t) pid);
}

int unit_list_push(struct unit ***v, size_t *n, size_t *cap, struct unit *u)
{
        if (*n == *cap) {
                size_t c = *cap ? 2 * *cap : 16;
                struct unit **w = realloc(*v, c * sizeof *w);
                if (!w)
                        return -ENOMEM;
                *v = w;
                *cap = c;
        }
        (*v)[(*n)++] = u;
        return 0;
}

int sched_add_kill_waiter(struct sched *s, struct unit *u)
{
        for (size_t i = 0; i < s->n_kill_waiters; i++)
                if (s->kill_waiters[i] == u)
                        return 0;
        return unit_list_push(&s->kill_waiters, &s->n_kill_waiters, &s->cap_kill_waiters, u);
}

/* An exit we could not attribute may have emptied a process group that a
 * stopping unit waits for. */
static void recheck_kill_waiters(struct sched *s)
{
        size_t n = 0;
        for (size_t i = 0; i < s->n_kill_waiters; i++) {
                struct unit *u = s->kill_waiters[i];
                if (u->rt->kill_waiting && unit_ops(u)->group_gone)
                        unit_ops(u)->group_gone(s, u);
                if (u->rt->kill_waiting)
                        s->kill_waiters[n++] = u;
        }
        s->n_kill_waiters = n;
}

static void handle_exit(struct sched *s, pid_t pid, int code, int status)
{
        struct unit *u = idmap_remove(&s->by_pid, (uint64_t) pid);
        if (u) {
                if (unit_ops(u)->exited)
                        unit_ops(u)->exited(s, u, pid, code, status);
        } else if (s->spawns_in_flight > 0) {
                /* It may belong to a spawn whose report is still on its way. */
                uint64_t packed = ((uint64_t) (uint32_t) code << 32) | (uint32_t) status;
                if (idmap_put(&s->early_exits, (uint64_t) pid, (void *) (uintptr_t) (packed | 1ULL << 63)) < 0)
                        log_error("out of memory remembering the exit of pid %d", (int) pid);
        }
        recheck_kill_waiters(s);
}

static void handle_spawned(struct sched *s, const struct event *ev)
{
        struct unit *u = idmap_remove(&s->by_request, ev->spawned.request_id);
        pid_t pid = ev->spawned.pid;

        s->spawns_in_flight--;
        if (!u) {
                log_error("spawn report for unknown request %llu, ignoring",
                          (unsigned long long) ev->spawned.request_id);
                return;
        }
        bool control = u->rt->control_request == ev->spawned.request_id;
        if (control)
                u->rt->control_request = 0;
        else
                u->rt->main_request = 0;
        if (pid > 0)
                sched_track_pid(s, u, pid);
        if (unit_ops(u)->spawned)
                unit_ops(u)->spawned(s, u, pid, ev->spawned.error, ev->spawned.exec_usec, control);

        if (pid > 0) {
                notify_replay_early(s, pid);
                void *early = idmap_remove(&s->early_exits, (uint64_t) pid);
                if (early) {
                        uint64_t packed = (uint64_t) (uintptr_t) early & ~(1ULL << 63);
                        handle_exit(s, pid, (int) (packed >> 32), (int) (uint32_t) packed);
                }
        }
        if (s->spawns_in_flight == 0 && s->early_exits.n_items) {
                /* No report can claim them any more: they were orphans. */
                idmap_done(&s->early_exits);
                idmap_init(&s->early_exits);
        }
        if (s->spawns_in_flight == 0 && s->early_notify.n_items)
                notify_drop_early(s);
}

void sched_handle_event(struct sched *s, const struct event *ev)
{
        /* Console lines (a unit finished, the next one starts) are written
         * after the event is handled, so after the next spawn is submitted:
         * in a chain they would otherwise lie between one unit's exit and
         * the next one's exec. */
        log_hold();
        s->now = ev->stamp_usec;
        switch (ev->type) {
        case EVENT_SPAWNED:
                handle_spawned(s, ev);
                break;
        case EVENT_EXITED:
                handle_exit(s, ev->exited.pid, ev->exited.code, ev->exited.status);
                break;
        case EVENT_SHUTDOWN:
                sched_shutdown(s, ev->stamp_usec);
                break;
        case EVENT_FD_READY:
                if (ev->fd_ready.cookie >= SCHED_TYPE_COOKIE(0)) {
                        uint64_t t = ev->fd_ready.cookie - SCHED_TYPE_COOKIE(0);
                        if (t < _UNIT_TYPE_MAX && unit_type_ops((enum unit_type) t)->type_fd_ready)
                                unit_type_ops((enum unit_type) t)->type_fd_ready(s, ev->fd_ready.fd);
                } else if (ev->fd_ready.cookie < s->n_rt && unit_ops(s->units->units[ev->fd_ready.cookie])->fd_ready) {
                        struct unit *u = s->units->units[ev->fd_ready.cookie];
                        unit_ops(u)->fd_ready(s, u, ev->fd_ready.fd);
                }
                break;
        case EVENT_NOTIFY:
                notify_handle(s, ev->notify);
                break;
        case EVENT_CONTROL:
                if (s->ops->control)
                        s->ops->control(s->userdata, ev->control.conn_id, ev->control.uid, ev->control.request);
                control_request_done(ev->control.request);
                free(ev->control.request);
                break;
        case EVENT_BUS_NAME:
                sched_bus_name(s, ev->bus_name.name, ev->bus_name.owned);
                free(ev->bus_name.name);
                break;
        case EVENT_BUS_STATE:
                sched_bus_state(s, ev->bus_state.connected);
                break;
        case EVENT_TIME_CHANGE:
                log_info("Time has been changed");
                time_changed(s, false);
                break;
        case EVENT_TIMEZONE_CHANGE:
                log_info("Timezone change detected.");
                time_changed(s, true);
                break;
        default:
                break; /* EVENT_RELOAD and EVENT_STOP_LOOP are the thread's business */
        }
        sched_run_ready(s);
        sched_entry_done(s);
        log_release();
}

void sched_entry_done(struct sched *s)
{
        sched_gc_run(s);
        /* Writing the boot record took ~1.5 ms at 1,000 units, and a
         * chain's first unit waited for it (bench/chain-latency.sh). */
        if (s->boot_pending) {
                s->boot_pending = false;
                if (s->ops->boot_done)
                        s->ops->boot_done(s->userdata, s->boot_ok);
        }
        sched_startup_check(s);
        if (s->ops->compact && sched_wants_compaction(s)) {
                s->ops->compact(s->userdata);
                sched_run_ready(s);
        }
}

int sched_start(struct sched *s, const char *name, uint64_t now, bool is_boot)
{
        struct unit *u = unit_table_get(s->units, name);
        bool nothing;

        s->now = now;
        if (!u || !u->rt)
                return log_error_errno(-ENOENT, "Unit %s not found.", name);
        if (is_boot) {
                s->boot_target = u;
                /* What is mounted or plugged already is up before the boot's jobs. */
                sched_enumerate(s);
        }
        int r = transaction_start(s, u, &nothing);
        sched_run_ready(s);
        if (r >= 0 && nothing && is_boot && !s->boot_reported)
                s->boot_reported = s->boot_pending = s->boot_ok = true;
        /* From the boot's transaction on, what no job and no live unit
         * needs can go; before it, nothing has a job yet. */
        if (is_boot)
                s->gc_armed = true;
        sched_entry_done(s);
        return r;
}

unsigned sched_n_jobs(struct sched *s)
{
        return s->n_jobs;
}

static struct unit_runtime *rt_by_name(struct sched *s, const char *name)
{
        struct unit *u = unit_table_get(s->units, name);
        return u && !unit_collected(u) ? u->rt : NULL;
}

const char *sched_unit_active_state(struct sched *s, const char *name)
{
        struct unit_runtime *rt = rt_by_name(s, name);
        return rt ? unit_active_state_to_string(rt->active) : NULL;
}

const char *sched_unit_sub_state(struct sched *s, const char *name)
{
        struct unit_runtime *rt = rt_by_name(s, name);
        return rt ? sub_state_to_string(rt->sub) : NULL;
}

const char *sched_unit_result(struct sched *s, const char *name)
{
        struct unit_runtime *rt = rt_by_name(s, name);
        return rt ? unit_result_to_string(rt->result) : NULL;
}

pid_t sched_unit_main_pid(struct sched *s, const char *name)
{
        struct unit_runtime *rt = rt_by_name(s, name);
        return rt ? rt->main_pid : 0;
}

/* The number of units of kind in u's edges, and, with names, the
 * NULL-terminated list of their ids there (borrowed: the units outlive the
 * record, which is written and freed on the scheduler thread). */
static size_t dep_names(const struct unit *u, enum unit_dependency kind, char **names)
{
        size_t n = 0, it = 0;
        struct unit *o;
        while ((o = sched_next_dep(u, kind, &it))) {
                if (names)
                        names[n] = o->id;
                n++;
        }
        if (names)
                names[n] = NULL;
        return n + 1;
}

static bool boot_record_has(const struct unit *u)
{
        return u->load_state != UNIT_MERGED && !u->rt->collected && (u->rt->t_queued || u->rt->t_activating);
}

static struct boot_record_unit record_unit(const struct unit *u, char *const *lists[3])
{
        const struct unit_runtime *rt = u->rt;
        return (struct boot_record_unit) {
                .id = u->id,
                .type = unit_type_to_string(u->type),
                .service_type = unit_ops(u)->record_kind ? unit_ops(u)->record_kind(u) : NULL,
                .active_state = unit_active_state_to_string(rt->active),
                .result = job_record_result(rt),
                .queued = rt->t_queued,
                .activating = rt->t_activating,
                .forked = rt->t_forked,
                .execed = rt->t_execed,
                .active = rt->t_active,
                .exited = rt->t_exited,
                .deactivating = rt->t_deactivating,
                .inactive = rt->t_inactive,
                .bus_name = rt->notify ? rt->notify->t_bus_name : 0,
                .after = lists[0],
                .requires = lists[1],
                .wants = lists[2],
        };
}

/* What the record says besides its units: the boot's phases and target. */
static struct boot_record record_header(const struct sched *s)
{
        return (struct boot_record) {
                .manager_start = s->config.manager_start,
                .generators_start = s->config.generators_start,
                .generators_finish = s->config.generators_finish,
                .units_load_start = s->config.units_load_start,
                .units_load_finish = s->config.units_load_finish,
                .target_reached = s->boot_target && s->boot_target->rt->active == UNIT_ACTIVE
                                          ? s->boot_target->rt->t_active
                                          : 0,
                .target = s->boot_target ? s->boot_target->id : NULL,
        };
}

int sched_boot_record(struct sched *s, struct boot_record *r)
{
        /* The record is built when the peak of a boot is reached, so it
         * copies nothing it can point at: one array of unit records and
         * one array of borrowed names that every unit's three lists point
         * into (a strv of copies per list was ~250 B a unit at 10,000). */
        static const enum unit_dependency kinds[3] = { UNIT_AFTER, UNIT_REQUIRES, UNIT_WANTS };
        size_t n_names = 0;
        for (size_t i = 0; i < s->n_rt; i++)
                if (boot_record_has(s->units->units[i]))
                        for (size_t k = 0; k < 3; k++)
                                n_names += dep_names(s->units->units[i], kinds[k], NULL);
        struct boot_record_unit *units = calloc(s->n_rt ? s->n_rt : 1, sizeof *units);
        char **names = calloc(n_names ? n_names : 1, sizeof *names);
        size_t n = 0, used = 0;
        if (!units || !names) {
                free(units);
                free(names);
                return -ENOMEM;
        }
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if (!boot_record_has(u))
                        continue;
                char *const *lists[3];
                for (size_t k = 0; k < 3; k++) {
                        lists[k] = names + used;
                        used += dep_names(u, kinds[k], names + used);
                }
                units[n++] = record_unit(u, lists);
        }
        *r = record_header(s);
        r->units = units;
        r->n_units = n;
        r->storage = names;
        return 0;
}

/* sched_boot_record_stream's cursor: the next unit to look at, and one
 * list of borrowed names reused for every unit's three lists. */
struct boot_record_cursor {
        struct sched *s;
        size_t i;
        char **names;
        size_t cap;
};

static int boot_record_next(void *ctx, struct boot_record_unit *ret)
{
        static const enum unit_dependency kinds[3] = { UNIT_AFTER, UNIT_REQUIRES, UNIT_WANTS };
        struct boot_record_cursor *c = ctx;
        struct sched *s = c->s;
        while (c->i < s->n_rt && !boot_record_has(s->units->units[c->i]))
                c->i++;
        if (c->i >= s->n_rt)
                return 0;
        struct unit *u = s->units->units[c->i++];
        size_t need = 0, used = 0;
        for (size_t k = 0; k < 3; k++)
                need += dep_names(u, kinds[k], NULL);
        if (need > c->cap) {
                char **n = realloc(c->names, need * sizeof *n);
                if (!n)
                        return -ENOMEM;
                c->names = n;
                c->cap = need;
        }
        char *const *lists[3];
        for (size_t k = 0; k < 3; k++) {
                lists[k] = c->names + used;
                used += dep_names(u, kinds[k], c->names + used);
        }
        *ret = record_unit(u, lists);
        return 1;
}

int sched_boot_record_stream(struct sched *s, struct boot_record *r)
{
        /* Built at the peak of a boot: the writer pulls one unit at a time,
         * so nothing per unit is allocated (an array of records was ~200 B
         * a unit at 10,000 units). */
        struct boot_record_cursor *c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        c->s = s;
        *r = record_header(s);
        r->next_unit = boot_record_next;
        r->next_ctx = c;
        return 0;
}

void sched_boot_record_free(struct boot_record *r)
{
        free((void *) r->units);
        free(r->storage);
        if (r->next_unit) {
                struct boot_record_cursor *c = r->next_ctx;
                free(c->names);
                free(c);
        }
        *r = (struct boot_record) { 0 };
}
