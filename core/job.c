/* Jobs: requests to start or stop one unit, released in order.
 *
 * Each job counts the unfinished jobs it is ordered after (Kahn's
 * algorithm). Installing a job looks once at its unit's ordering edges;
 * finishing one looks once at them again to release its successors and to
 * fail the jobs that required it. Ordering follows systemd: between two
 * start jobs the After= side waits; between two stop jobs the order is
 * reversed; a stop job always runs before a start job it is ordered with. */
#include <stdlib.h>

#include "base/log.h"
#include "core/sched_internal.h"
#include "core/unit_type.h"
#include "parse/load_types.h"

static const char *const job_result_table[_JOB_RESULT_MAX] = {
        [JOB_DONE] = "done",
        [JOB_CANCELED] = "canceled",
        [JOB_FAILED] = "failed",
        [JOB_DEPENDENCY] = "dependency",
        [JOB_SKIPPED] = "skipped",
        [JOB_TIMEOUT] = "timeout",
};

const char *job_result_to_string(enum job_result r)
{
        return job_result_table[r];
}

const char *job_type_to_string(enum job_type t)
{
        return t == JOB_START ? "start" : t == JOB_STOP ? "stop" : "reload";
}

/* Must job a wait for job b, given whether b's unit is ordered before a's? */
bool job_waits_for(const struct job *a, const struct job *b, bool b_before_a)
{
        bool a_stop = a->type == JOB_STOP, b_stop = b->type == JOB_STOP;
        if (!a_stop && !b_stop) /* start and reload jobs follow After= */
                return b_before_a;
        if (a_stop && b_stop)
                return !b_before_a;
        return !a_stop; /* stop jobs go first */
}

static bool is_ordering(uint8_t kind)
{
        return kind == UNIT_BEFORE || kind == UNIT_AFTER;
}

/* A ready start job of a service waits its turn, in order, while the spawn
 * window is full: a spawn request holds its stdio fds and its environment
 * until a worker takes it, and every clone copies weft's fd table. Run
 * unbounded, a boot of 100,000 units queued tens of thousands of requests,
 * made each clone cost O(queued fds) and ran out of fds. Stop jobs never
 * wait: a stop must not queue behind starts. */
static bool must_wait(const struct sched *s, const struct job *j)
{
        return j->type == JOB_START && unit_ops(j->unit)->start_spawns && s->config.spawn_window &&
               (s->queue[JOB_QUEUE_DEFERRED].head || s->spawns_in_flight >= s->config.spawn_window);
}

static void queue_push(struct sched *s, enum job_queue q, struct job *j)
{
        struct job_fifo *f = &s->queue[q];
        struct job_link *l = &j->link[q];
        if (j->on[q])
                return;
        *l = (struct job_link) { .prev = f->tail };
        j->on[q] = true;
        if (f->tail)
                f->tail->link[q].next = j;
        else
                f->head = j;
        f->tail = j;
}

static void queue_remove(struct sched *s, enum job_queue q, struct job *j)
{
        struct job_fifo *f = &s->queue[q];
        struct job_link *l = &j->link[q];
        if (!j->on[q])
                return;
        if (l->prev)
                l->prev->link[q].next = l->next;
        else
                f->head = l->next;
        if (l->next)
                l->next->link[q].prev = l->prev;
        else
                f->tail = l->prev;
        *l = (struct job_link) { 0 };
        j->on[q] = false;
}

/* now + t, or 0 (never) for no timeout (0 or infinity). */
static uint64_t deadline_after(uint64_t now, uint64_t t)
{
        return t && t != USEC_INFINITY ? now + t : 0;
}

/* Move j's deadline to when, if that is earlier (systemd's job_start_timer:
 * the running timeout only ever shortens the install's). */
static void job_arm_timeout(struct sched *s, struct job *j, uint64_t when)
{
        if (!when || (j->timeout_when && j->timeout_when <= when))
                return;
        j->timeout_when = when;
        unit_reschedule(s, j->unit);
}

static void job_run_now(struct sched *s, struct job *j)
{
        struct unit *u = j->unit;
        uint32_t id = j->id;

        /* Past the shutdown deadline nothing runs (sched_shutdown.c finishes
         * every job); during a shutdown nothing starts. */
        if (s->shutdown_expired)
                return;
        if (s->shutting_down && j->type != JOB_STOP) {
                job_finish(s, j, JOB_CANCELED);
                return;
        }
        j->state = JOB_RUNNING;
        log_debug("%s: job %s running", u->id, job_type_to_string(j->type));
        job_arm_timeout(s, j, deadline_after(s->now, unit_job_running_timeout_usec(u)));
        if (j->type == JOB_START) {
                u->rt->invocation = j->id;
                unit_start(s, u);
        } else if (j->type == JOB_STOP) {
                unit_stop(s, u);
        } else {
                unit_reload(s, u);
        }
        /* A start that was refused without a state change (failed stays
         * failed: the start limit, a socket that cannot listen again) has
         * nothing left to wait for. Left running, the job would block every
         * later start and shutdown forever. */
        struct job *still = u->rt->job;
        if (still && still->id == id && still->type == JOB_START && still->state == JOB_RUNNING &&
            unit_state_is_down(u->rt->active) && !unit_ops(u)->start_waits)
                job_finish(s, still, u->rt->result == RESULT_SUCCESS ? JOB_DONE : JOB_FAILED);
}

static void job_run(struct sched *s, struct job *j)
{
        if (j->on[JOB_QUEUE_DEFERRED])
                return; /* already in line */
        if (must_wait(s, j))
                queue_push(s, JOB_QUEUE_DEFERRED, j);
        else
                job_run_now(s, j);
}

/* Slots in the spawn window go to the oldest waiting start jobs first. */
static void job_run_deferred(struct sched *s)
{
        struct job *j;
        while ((j = s->queue[JOB_QUEUE_DEFERRED].head) && s->spawns_in_flight < s->config.spawn_window) {
                queue_remove(s, JOB_QUEUE_DEFERRED, j);
                /* A job installed since may have put it back to waiting. */
                if (j->state == JOB_WAITING && j->pending == 0)
                        job_run_now(s, j);
        }
}

uint32_t job_next_id(struct sched *s)
{
        if (++s->next_job_id == 0) /* 0 is "none" (start_job_id) */
                s->next_job_id = 1;
        return s->next_job_id;
}

struct job *job_install(struct sched *s, struct unit *u, enum job_type type, bool mandatory)
{
        struct unit_runtime *rt = rt_of(s, u);

        if (s->shutting_down && type != JOB_STOP) {
                log_debug("%s: shutting down, refusing a %s job", u->id, job_type_to_string(type));
                return NULL;
        }
        if (rt->job) {
                if (rt->job->type == type) {
                        rt->job->mandatory |= mandatory;
                        return rt->job;
                }
                /* One job per unit: the new request replaces the old one. */
                job_finish(s, rt->job, JOB_CANCELED);
        }
        /* A job is a use: a collected unit comes back first. */
        sched_gc_revive(s, u);
        struct job *j = &rt->job_slot;
        *j = (struct job) { .unit = u, .type = type, .state = JOB_WAITING, .mandatory = mandatory, .id = job_next_id(s) };

        const struct unit_edge *e;
        for (size_t i = 0; (e = sched_next_edge(u, &i));) {
                if (!is_ordering(e->kind) || !e->other->rt)
                        continue;
                struct job *o = e->other->rt->job;
                if (!o)
                        continue;
                bool other_before = e->kind == UNIT_AFTER;
                if (job_waits_for(j, o, other_before))
                        j->pending++;
                if (o->state == JOB_WAITING && job_waits_for(o, j, !other_before))
                        o->pending++;
        }
        rt->job = j;
        s->n_jobs++;
        sched_bus_signal(s, u);
        if (type == JOB_START && !rt->t_queued)
                rt->t_queued = s->now;
        /* The clock starts at install; a job merged into this one later
         * keeps it, as systemd's does. */
        job_arm_timeout(s, j, deadline_after(s->now, unit_extra(u)->job_timeout_usec));
        return j;
}

void job_propagate_stop(struct sched *s, struct unit *u)
{
        static const enum unit_dependency kinds[] = { UNIT_REQUIRED_BY, UNIT_BOUND_BY, UNIT_CONSISTS_OF };
        /* The worklist is the transaction's scratch stack, one frame per
         * unit: a unit is pushed when it gets its stop job, so at most
         * once. Iterative: a long Requires= chain must not use up the
         * stack of PID 1. */
        struct txn_frame *stack = s->txn_stack;
        size_t depth = 0;
        stack[depth++].index = (uint32_t) u->rt->index;
        while (depth > 0) {
                struct unit *x = s->units->units[stack[--depth].index];
                for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
                        size_t it = 0;
                        struct unit *o;
                        while ((o = sched_next_dep(x, kinds[k], &it)))
                                if (o->rt && !unit_state_is_down(o->rt->active) &&
                                    !(o->rt->job && o->rt->job->type == JOB_STOP) &&
                                    job_install(s, o, JOB_STOP, false))
                                        stack[depth++].index = (uint32_t) o->rt->index;
                }
        }
}

/* What j waits for, counted from its unit's ordering edges now. */
static unsigned count_pending(const struct job *j)
{
        const struct unit_edge *e;
        unsigned n = 0;
        for (size_t i = 0; (e = sched_next_edge(j->unit, &i));) {
                const struct job *o = is_ordering(e->kind) && e->other->rt ? e->other->rt->job : NULL;
                if (o && o != j && job_waits_for(j, o, e->kind == UNIT_AFTER))
                        n++;
        }
        return n;
}

void job_recount_all(struct sched *s)
{
        for (size_t i = 0; i < s->n_rt; i++) {
                struct job *j = s->units->units[i]->rt->job;
                if (j && j->state == JOB_WAITING) {
                        j->pending = count_pending(j);
                        j->broken = 0;
                }
        }
}

struct unit *job_blocker(const struct job *j)
{
        const struct unit *u = j->unit;
        const struct unit_edge *e;
        for (size_t i = 0; (e = sched_next_edge(u, &i));) {
                struct job *o = is_ordering(e->kind) && e->other->rt ? e->other->rt->job : NULL;
                if (o && o != j && job_waits_for(j, o, e->kind == UNIT_AFTER))
                        return e->other;
        }
        return NULL;
}

void job_run_if_ready(struct sched *s, struct job *j)
{
        if (j && j->state == JOB_WAITING && j->pending == 0)
                queue_push(s, JOB_QUEUE_READY, j);
}

void sched_run_ready(struct sched *s)
{
        struct job *j;
        for (;;) {
                /* A spawn report, or a refused spawn, may have freed a slot. */
                job_run_deferred(s);
                if (!(j = s->queue[JOB_QUEUE_READY].head))
                        break;
                queue_remove(s, JOB_QUEUE_READY, j);
                if (j->fail_dependency)
                        job_finish(s, j, JOB_DEPENDENCY);
                else if (j->state == JOB_WAITING && j->pending == 0)
                        job_run(s, j);
        }
}

/* A start job of u did not succeed: start jobs that require u and are
 * ordered after it fail with "dependency" (systemd's Requires= rule). */
static void fail_dependents(struct sched *s, struct unit *u)
{
        static const enum unit_dependency kinds[] = { UNIT_REQUIRED_BY, UNIT_BOUND_BY, UNIT_REQUISITE_OF };
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
                size_t it = 0;
                struct unit *o;
                while ((o = sched_next_dep(u, kinds[k], &it))) {
                        struct job *oj = o->rt ? o->rt->job : NULL;
                        if (oj && oj->type == JOB_START && oj->state == JOB_WAITING && sched_has_dep(o, UNIT_AFTER, u)) {
                                /* Finished from the ready list: a chain of requirements fails in a loop. */
                                oj->cause = u;
                                oj->fail_dependency = true;
                                queue_push(s, JOB_QUEUE_READY, oj);
                        }
                }
        }
}

void job_finish(struct sched *s, struct job *slot, enum job_result result)
{
        struct unit *u = slot->unit;
        struct unit_runtime *rt = rt_of(s, u);

        queue_remove(s, JOB_QUEUE_READY, slot);
        queue_remove(s, JOB_QUEUE_DEFERRED, slot);
        /* The unit's slot is free from here: what follows (a restart's
         * callback) may queue the unit's next job in it. */
        struct job done = *slot, *j = &done;
        rt->job = NULL;
        s->n_jobs--;
        sched_bus_signal(s, u);
        if (j->timeout_when) /* its deadline leaves the heap with it */
                unit_reschedule(s, u);
        if (j->type == JOB_START) {
                rt->start_job_id = j->id;
                rt->start_job_result = result;
                rt->failed_dependency = result == JOB_DEPENDENCY ? j->cause : NULL;
        }
        if (result == JOB_DONE)
                log_debug("%s: job %s done", u->id, job_type_to_string(j->type));
        else if (result == JOB_DEPENDENCY && j->cause)
                log_warning("%s: Dependency failed: %s did not start; job %s finished with result 'dependency'",
                            u->id, j->cause->id, job_type_to_string(j->type));
        else if (result != JOB_CANCELED || !s->shutting_down)
                log_full(result == JOB_CANCELED ? LOG_LEVEL_INFO : LOG_LEVEL_WARNING, 0,
                         "%s: job %s finished with result '%s'", u->id, job_type_to_string(j->type),
                         job_result_to_string(result));
        /* A shutdown cancels every start job anyway: no "dependency" noise. */
        bool shutdown_cancel = s->shutting_down && (result == JOB_CANCELED || result == JOB_TIMEOUT);
        if (j->type == JOB_START && result != JOB_DONE && result != JOB_SKIPPED && !shutdown_cancel) {
                if (result == JOB_DEPENDENCY && rt->active == UNIT_INACTIVE && !rt->t_inactive)
                        rt->t_inactive = s->now;
                fail_dependents(s, u);
        }

        /* Release the jobs ordered after this one. They only go on the
         * ready list: nothing runs (or loads units) inside this loop. */
        const struct unit_edge *e;
        for (size_t i = 0; (e = sched_next_edge(u, &i));) {
                if (!is_ordering(e->kind) || !e->other->rt)
                        continue;
                struct job *o = e->other->rt->job;
                if (!o || o->state != JOB_WAITING || o == j)
                        continue;
                if (job_waits_for(o, j, e->kind == UNIT_BEFORE) && o->pending > 0 && --o->pending == 0)
                        queue_push(s, JOB_QUEUE_READY, o);
        }

        if (j->n_waits || j->restart)
                if (s->ops->job_finished)
                        s->ops->job_finished(s->userdata, j, result);
        if (j->anchor && u == s->boot_target && !s->boot_reported) {
                s->boot_reported = s->boot_pending = true;
                s->boot_ok = result == JOB_DONE;
        }
        free(j->waits);
        unit_trigger_notify(s, u);
        sched_gc_queue(s, u);
        sched_shutdown_check_done(s);
}

struct job *job_find(struct sched *s, uint32_t id)
{
        for (size_t i = 0; i < s->n_rt && id; i++) {
                struct job *j = s->units->units[i]->rt->job;
                if (j && j->id == id)
                        return j;
        }
        return NULL;
}

size_t job_waits(struct sched *s, const struct job *j, bool before, const struct job **out, size_t max)
{
        const struct unit_edge *e;
        size_t n = 0;
        for (size_t i = 0; (e = sched_next_edge(j->unit, &i));) {
                const struct job *o = is_ordering(e->kind) && e->other->rt ? e->other->rt->job : NULL;
                bool other_before = e->kind == UNIT_AFTER;
                if (!o || o == j || !(before ? job_waits_for(j, o, other_before) : job_waits_for(o, j, !other_before)))
                        continue;
                bool seen = false; /* both an After= and a Before= edge: once */
                for (size_t k = 0; k < n && !seen; k++)
                        seen = out[k] == o;
                if (!seen && n < max)
                        out[n++] = o;
        }
        return n;
}

void job_cancel_all(struct sched *s)
{
        /* A finish may start others (a trigger's notice): those stay. */
        for (size_t i = 0; i < s->n_rt; i++) {
                struct job *j = s->units->units[i]->rt->job;
                if (j)
                        job_finish(s, j, JOB_CANCELED);
        }
}

/* systemd's job_dispatch_timer: the job ends, whatever its unit is doing
 * (a start keeps activating under its own TimeoutStartSec=); a start's
 * dependents fail with it, OnFailure= units start (the unit itself saw no
 * failure), and JobTimeoutAction= acts. */
void job_timed_out(struct sched *s, struct unit *u)
{
        struct job *j = u->rt->job;
        log_warning("%s: Job %s/%s timed out.", u->id, u->id, job_type_to_string(j->type));
        job_finish(s, j, JOB_TIMEOUT);
        unit_start_on_failure(s, u);
        /* systemd passes no exit status: the manager's own, 0 unless set. */
        unit_action(s, u, "job timed out", "JobTimeoutAction", unit_extra(u)->job_timeout_action, 0);
}

void job_fail_dependency(struct sched *s, struct job *j, struct unit *cause)
{
        j->cause = cause;
        job_finish(s, j, JOB_DEPENDENCY);
}

const char *job_record_result(const struct unit_runtime *rt)
{
        if (rt->result == RESULT_SUCCESS && rt->start_job_result == JOB_DEPENDENCY && rt->start_job_id &&
            rt->active == UNIT_INACTIVE)
                return job_result_to_string(JOB_DEPENDENCY);
        return unit_result_to_string(rt->result);
}

void job_unit_changed(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        struct job *j = rt->job;

        if (!j || j->state != JOB_RUNNING)
                return;
        if (j->type == JOB_RELOAD) {
                if (rt->active == UNIT_ACTIVE)
                        job_finish(s, j, rt->reload_failed ? JOB_FAILED : JOB_DONE);
                else if (rt->active != UNIT_RELOADING)
                        job_finish(s, j, JOB_FAILED);
        } else if (j->type == JOB_START) {
                if (rt->active == UNIT_ACTIVE || rt->active == UNIT_RELOADING)
                        job_finish(s, j, JOB_DONE);
                else if (rt->active == UNIT_FAILED || rt->sub == SUB_AUTO_RESTART)
                        job_finish(s, j, JOB_FAILED);
                else if (rt->active == UNIT_INACTIVE)
                        /* A oneshot without RemainAfterExit= ends here on success. */
                        job_finish(s, j, rt->result == RESULT_SUCCESS ? JOB_DONE : JOB_FAILED);
        } else if (unit_state_is_down(rt->active))
                job_finish(s, j, JOB_DONE);
}

const char *sched_unit_job_result(struct sched *s, const char *name)
{
        struct unit *u = unit_table_get(s->units, name);
        if (!u || !u->rt || u->rt->collected)
                return NULL;
        return u->rt->start_job_id ? job_result_to_string(u->rt->start_job_result) : "";
}

const char *sched_unit_failed_dependency(struct sched *s, const char *name)
{
        struct unit *u = unit_table_get(s->units, name);
        return u && u->rt && !u->rt->collected && u->rt->failed_dependency ? u->rt->failed_dependency->id : NULL;
}
