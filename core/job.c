/* Jobs: requests to start or stop one unit, released in order.
 *
 * Each job counts the unfinished jobs it is ordered after (Kahn's
 * algorithm). Installing a job looks once at its unit's ordering edges;
 * finishing one looks once at them again to release its successors and to
 * fail the jobs that required it. Ordering follows systemd: between two
 * start jobs the After= side waits; between two stop jobs the order is
 * reversed; a stop job always runs before a start job it is ordered with. */
#include <stdlib.h>

#include "core/log.h"
#include "core/sched_internal.h"

static const char *const job_result_table[_JOB_RESULT_MAX] = {
        [JOB_DONE] = "done",
        [JOB_CANCELED] = "canceled",
        [JOB_FAILED] = "failed",
        [JOB_DEPENDENCY] = "dependency",
        [JOB_SKIPPED] = "skipped",
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
static bool waits_for(const struct job *a, const struct job *b, bool b_before_a)
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

static void job_run(struct sched *s, struct job *j)
{
        j->state = JOB_RUNNING;
        log_debug("%s: job %s running", j->unit->id, job_type_to_string(j->type));
        if (j->type == JOB_START)
                unit_start(s, j->unit);
        else if (j->type == JOB_STOP)
                unit_stop(s, j->unit);
        else
                unit_reload(s, j->unit);
}

struct job *job_install(struct sched *s, struct unit *u, enum job_type type, bool mandatory)
{
        struct unit_runtime *rt = rt_of(s, u);

        if (rt->job) {
                if (rt->job->type == type) {
                        rt->job->mandatory |= mandatory;
                        return rt->job;
                }
                /* One job per unit: the new request replaces the old one. */
                job_finish(s, rt->job, JOB_CANCELED);
        }
        struct job *j = calloc(1, sizeof *j);
        if (!j) {
                log_error("%s: out of memory queueing a %s job", u->id, job_type_to_string(type));
                return NULL;
        }
        *j = (struct job) { .unit = u, .type = type, .state = JOB_WAITING, .mandatory = mandatory, .id = ++s->next_job_id };

        for (uint32_t i = 0; i < u->n_edges; i++) {
                const struct unit_edge *e = &u->edges[i];
                if (!is_ordering(e->kind) || !e->other->rt)
                        continue;
                struct job *o = e->other->rt->job;
                if (!o)
                        continue;
                bool other_before = e->kind == UNIT_AFTER;
                if (waits_for(j, o, other_before))
                        j->pending++;
                if (o->state == JOB_WAITING && waits_for(o, j, !other_before))
                        o->pending++;
        }
        rt->job = j;
        s->n_jobs++;
        if (type == JOB_START && !rt->t_queued)
                rt->t_queued = s->now;
        return j;
}

void job_run_if_ready(struct sched *s, struct job *j)
{
        if (j && j->state == JOB_WAITING && j->pending == 0)
                job_run(s, j);
}

static bool has_edge(const struct unit *u, enum unit_dependency kind, const struct unit *other)
{
        for (uint32_t i = 0; i < u->n_edges; i++)
                if (u->edges[i].kind == kind && u->edges[i].other == other)
                        return true;
        return false;
}

/* A start job of u did not succeed: start jobs that require u and are
 * ordered after it fail with "dependency" (systemd's Requires= rule). */
static void fail_dependents(struct sched *s, struct unit *u)
{
        static const enum unit_dependency kinds[] = { UNIT_REQUIRED_BY, UNIT_BOUND_BY, UNIT_REQUISITE_OF };
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
                size_t it = 0;
                struct unit *o;
                while ((o = unit_next_dep(u, kinds[k], &it))) {
                        struct job *oj = o->rt ? o->rt->job : NULL;
                        if (oj && oj->type == JOB_START && oj->state == JOB_WAITING && has_edge(o, UNIT_AFTER, u))
                                job_finish(s, oj, JOB_DEPENDENCY);
                }
        }
}

void job_finish(struct sched *s, struct job *j, enum job_result result)
{
        struct unit *u = j->unit;
        struct unit_runtime *rt = rt_of(s, u);

        rt->job = NULL;
        s->n_jobs--;
        /* Jobs queued from here on (a restart's start, what running a job
         * starts) never counted j, so releasing below must skip them. */
        uint64_t last_id = s->next_job_id;
        if (result == JOB_DONE)
                log_debug("%s: job %s done", u->id, job_type_to_string(j->type));
        else if (result != JOB_CANCELED || !s->shutting_down)
                log_full(result == JOB_CANCELED ? LOG_LEVEL_INFO : LOG_LEVEL_WARNING, 0,
                         "%s: job %s finished with result '%s'", u->id, job_type_to_string(j->type),
                         job_result_to_string(result));
        if (j->type == JOB_START && result != JOB_DONE && result != JOB_SKIPPED) {
                if (result == JOB_DEPENDENCY && rt->active == UNIT_INACTIVE && !rt->t_inactive)
                        rt->t_inactive = s->now;
                fail_dependents(s, u);
        }

        /* A restart queues its start first, so that what is ordered after
         * the unit waits for the start too, not only for the stop. */
        if (j->n_waits || j->restart)
                control_job_finished(s, j, result);
        /* Release the jobs ordered after this one. Running them may finish
         * more jobs, but never changes u's edges. */
        for (uint32_t i = 0; i < u->n_edges; i++) {
                const struct unit_edge *e = &u->edges[i];
                if (!is_ordering(e->kind) || !e->other->rt)
                        continue;
                struct job *o = e->other->rt->job;
                if (!o || o->state != JOB_WAITING || o == j || o->id > last_id)
                        continue;
                if (waits_for(o, j, e->kind == UNIT_BEFORE) && o->pending > 0 && --o->pending == 0)
                        job_run(s, o);
        }

        if (j->anchor && u == s->boot_target && !s->boot_reported) {
                s->boot_reported = true;
                if (s->ops->boot_done)
                        s->ops->boot_done(s->userdata, result == JOB_DONE);
        }
        free(j->waits);
        free(j);
        if (s->shutting_down && s->n_jobs == 0 && !s->shutdown_reported) {
                s->shutdown_reported = true;
                if (s->ops->shutdown_done)
                        s->ops->shutdown_done(s->userdata);
        }
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
        } else if (rt->active == UNIT_INACTIVE || rt->active == UNIT_FAILED)
                job_finish(s, j, JOB_DONE);
}
