/* Building a start transaction: from an anchor unit, pull in what it
 * Wants=, Requires=, Requisite= (checked, not started) and BindsTo=
 * (including .wants/ and .requires/ entries, already edges), queue stop jobs
 * for what they conflict with, break ordering cycles the way systemd does
 * (drop a job that is only wanted, and name every unit of the cycle), then
 * release every job that waits for nothing. O(units + edges). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "core/sched_internal.h"

static bool pulls(uint8_t kind)
{
        return kind == UNIT_WANTS || kind == UNIT_REQUIRES || kind == UNIT_BINDS_TO;
}

static bool requires(uint8_t kind)
{
        return kind == UNIT_REQUIRES || kind == UNIT_BINDS_TO;
}

static bool needs_start(struct sched *s, struct unit *u)
{
        enum unit_active_state a = rt_of(s, u)->active;
        return a != UNIT_ACTIVE && a != UNIT_RELOADING;
}

/* The cycle search's colours, in s->txn_color: white unless stamped with
 * this search's epoch, so no search clears the array. */
enum { WHITE, ON_STACK, DONE };

static int color_of(const struct sched *s, size_t i)
{
        uint32_t c = s->txn_color[i];
        return c >> 1 != s->txn_epoch ? WHITE : c & 1 ? DONE : ON_STACK;
}

static void color_set(struct sched *s, size_t i, int color)
{
        s->txn_color[i] = s->txn_epoch << 1 | (color == DONE);
}

/* Does j wait for another job? One that waits for nothing is ready (or
 * queued to run), so it ends a path like a running one. */
static bool is_waiting(const struct job *j)
{
        return j && j->state == JOB_WAITING && j->pending > 0;
}

static struct unit *root_at(struct sched *s, struct unit **units, size_t i)
{
        return units ? units[i] : s->units->units[i];
}

/* Depth-first search over "waits for" between waiting jobs, from the jobs
 * of units[] (every unit when units is NULL); on a cycle, break it and
 * return true (the caller searches again). The search follows waiting
 * jobs of earlier transactions too: a new job can close a cycle through
 * them (issue 8, B1). The stack is the scheduler's scratch
 * (sched_adopt_units), one frame per unit: each unit is pushed once.
 *
 * A cycle of start (and reload) jobs loses one job, as in systemd: one
 * only wanted if there is one, else one that is not an anchor. Stop jobs
 * wait only for stop jobs, so a cycle with one in it is all stops (a
 * shutdown through an After= cycle): there the job whose wait closes the
 * cycle stops without that wait, since dropping a stop would leave its
 * unit running. */
static bool break_one_cycle(struct sched *s, struct unit **units, size_t n)
{
        struct txn_frame *stack = s->txn_stack;
        struct unit *const *all = s->units->units;
        bool broke = false;

        if (++s->txn_epoch >= UINT32_MAX >> 1) {
                memset(s->txn_color, 0, s->txn_cap * sizeof *s->txn_color);
                s->txn_epoch = 1;
        }
        for (size_t root = 0; root < n && !broke; root++) {
                struct unit *r = root_at(s, units, root);
                size_t ri = r->rt->index;
                if (color_of(s, ri) != WHITE || !is_waiting(r->rt->job))
                        continue;
                size_t depth = 0;
                stack[depth++] = (struct txn_frame) { (uint32_t) ri, 0 };
                color_set(s, ri, ON_STACK);
                while (depth > 0 && !broke) {
                        struct txn_frame *f = &stack[depth - 1];
                        struct unit *fu = all[f->index];
                        struct job *j = fu->rt->job;
                        size_t cursor = f->edge;
                        const struct unit_edge *e = is_waiting(j) ? sched_next_edge(fu, &cursor) : NULL;
                        f->edge = (uint32_t) cursor;
                        if (!e) {
                                color_set(s, f->index, DONE);
                                depth--;
                                continue;
                        }
                        if ((e->kind != UNIT_AFTER && e->kind != UNIT_BEFORE) || !e->other->rt ||
                            !is_waiting(e->other->rt->job) || !job_waits_for(j, e->other->rt->job, e->kind == UNIT_AFTER))
                                continue;
                        size_t oi = e->other->rt->index;
                        if (color_of(s, oi) == DONE)
                                continue;
                        if (color_of(s, oi) == WHITE) {
                                color_set(s, oi, ON_STACK);
                                stack[depth++] = (struct txn_frame) { (uint32_t) oi, 0 };
                                continue;
                        }
                        /* A cycle: from e->other up to the top of the stack. */
                        size_t first = depth - 1;
                        while (stack[first].index != oi)
                                first--;
                        char names[4096];
                        size_t len = 0;
                        struct job *victim = NULL;
                        for (size_t k = first; k < depth; k++) {
                                struct job *cj = all[stack[k].index]->rt->job;
                                len += snprintf(names + len, len < sizeof names ? sizeof names - len : 0, "%s%s",
                                                k == first ? "" : " -> ", all[stack[k].index]->id);
                                if (!victim && !cj->mandatory && !cj->anchor)
                                        victim = cj;
                        }
                        broke = true;
                        if (j->type == JOB_STOP) {
                                log_warning("Found ordering cycle: %s -> %s; stopping %s without waiting for %s to break it",
                                            names, e->other->id, fu->id, e->other->id);
                                j->pending--;
                                j->broken++;
                                job_run_if_ready(s, j);
                                continue;
                        }
                        for (size_t k = first; !victim && k < depth; k++)
                                if (!all[stack[k].index]->rt->job->anchor)
                                        victim = all[stack[k].index]->rt->job;
                        if (!victim)
                                victim = all[stack[first].index]->rt->job;
                        log_warning("Found ordering cycle: %s -> %s; deleting job %s/%s to break it", names,
                                    e->other->id, victim->unit->id, job_type_to_string(victim->type));
                        job_finish(s, victim, JOB_CANCELED);
                }
        }
        return broke;
}

/* Would starting u undo a job that a replace-irreversibly start installed
 * (systemd's "transaction is destructive")? Its own stop job, or the start
 * of a unit it conflicts with: the unit whose job it is, else NULL. A
 * socket that gets traffic while poweroff.target stops everything would
 * otherwise cancel shutdown.target's start, and the poweroff with it. */
static struct unit *undoes_irreversible(struct unit *u)
{
        const struct job *j = u->rt->job;
        if (j && j->irreversible && j->type == JOB_STOP)
                return u;
        const struct unit_edge *e;
        for (size_t k = 0; (e = sched_next_edge(u, &k));) {
                struct unit *o = e->other;
                if ((e->kind == UNIT_CONFLICTS || e->kind == UNIT_CONFLICTED_BY) && o->rt && o->rt->job &&
                    o->rt->job->irreversible && o->rt->job->type != JOB_STOP)
                        return o;
        }
        return NULL;
}

/* Is u kept by an isolate (systemd's !shall_stop_on_isolate)? It says
 * IgnoreOnIsolate=, or it is part of the transaction (txn_seen). */
static bool isolate_keeps(const struct sched *s, const struct unit *u)
{
        return u->ignore_on_isolate || (u->rt && s->txn_seen[u->rt->index]);
}

/* Isolate (systemd's transaction_add_isolate_jobs): every unit that is up
 * or has a job and is not kept is stopped, with what requires it, unless
 * a unit that is kept triggers it (a socket that stays keeps its
 * service); the job of such a unit is canceled, as isolate cancels every
 * job outside the transaction. Runs while txn_seen marks the transaction. */
static void add_isolate_stops(struct sched *s)
{
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                struct job *j = u->rt->job;
                if ((unit_state_is_down(u->rt->active) && !j) || isolate_keeps(s, u))
                        continue;
                bool triggered_by_kept = false;
                struct unit *o;
                for (size_t k = 0; !triggered_by_kept && (o = sched_next_dep(u, UNIT_TRIGGERED_BY, &k));)
                        triggered_by_kept = isolate_keeps(s, o);
                if (triggered_by_kept) {
                        if (j)
                                job_finish(s, j, JOB_CANCELED);
                } else if (job_install(s, u, JOB_STOP, false)) {
                        job_propagate_stop(s, u);
                }
        }
}

/* Build anchor's transaction; with run, release the jobs that wait for
 * nothing (else the caller does, once it has built all it asked for). */
static int transaction_build(struct sched *s, struct unit *anchor, enum job_mode mode, bool run,
                             bool *ret_nothing_to_do)
{
        bool irreversible = mode == JOB_MODE_REPLACE_IRREVERSIBLY;
        /* Nothing starts once shutdown began (OnFailure=, sockets, control). */
        if (s->shutting_down) {
                *ret_nothing_to_do = true;
                return log_full(LOG_LEVEL_DEBUG, -ESHUTDOWN, "%s: shutting down, not starting it", anchor->id);
        }

        /* The scheduler's scratch, sized for every unit when units are
         * adopted: a start allocates none of it. seen is all zero between
         * transactions (each one clears what it marked), and no callback
         * run from here starts another transaction. */
        if (s->in_transaction)
                return log_error_errno(-EBUSY, "%s: BUG: a transaction started inside another", anchor->id);
        s->in_transaction = true;
        size_t n = 0;
        struct unit **queue = s->txn_queue;
        uint8_t *seen = s->txn_seen; /* 1: pulled in, 2: mandatory */
        int r = 0;

        /* Everything the anchor pulls in, transitively, in two sweeps of one
         * queue: first what it reaches through Requires=/BindsTo= alone (the
         * mandatory jobs, however deep), then what Wants= adds from any of
         * them. Each unit is queued once, its edges read at most twice. */
        queue[n++] = anchor;
        seen[anchor->rt->index] = 2;
        for (int sweep = 2; sweep >= 1; sweep--)
                for (size_t head = 0; head < n; head++) {
                        struct unit *u = queue[head];
                        if (u->load_state != UNIT_LOADED)
                                continue;
                        const struct unit_edge *e;
                        for (size_t i = 0; (e = sched_next_edge(u, &i));) {
                                size_t oi = e->other->rt->index;
                                if (seen[oi] || !(sweep == 2 ? requires(e->kind) : pulls(e->kind)))
                                        continue;
                                /* A wanted unit that does not exist is simply skipped. */
                                if (e->kind == UNIT_WANTS && e->other->load_state != UNIT_LOADED) {
                                        log_debug("%s: wanted unit %s is %s, skipping", u->id, e->other->id,
                                                  unit_load_state_to_string(e->other->load_state));
                                        continue;
                                }
                                seen[oi] = sweep;
                                queue[n++] = e->other;
                        }
                }

        /* Only after a replace-irreversibly start (a shutdown) is there
         * anything to undo: a boot's transactions skip the check. */
        s->had_irreversible |= irreversible;
        for (size_t i = 0; s->had_irreversible && i < n; i++) {
                struct unit *victim = needs_start(s, queue[i]) ? undoes_irreversible(queue[i]) : NULL;
                if (!victim)
                        continue;
                log_warning("%s: not starting it: %s would undo the irreversible %s job of %s", anchor->id,
                            queue[i]->id, job_type_to_string(victim->rt->job->type), victim->id);
                for (size_t k = 0; k < n; k++)
                        seen[queue[k]->rt->index] = 0;
                *ret_nothing_to_do = true;
                r = -EPERM;
                goto out;
        }
        if (mode == JOB_MODE_ISOLATE)
                add_isolate_stops(s);

        size_t n_jobs = 0;
        for (size_t i = 0; i < n; i++) {
                struct unit *u = queue[i];
                bool mandatory = seen[u->rt->index] == 2;
                seen[u->rt->index] = 0;
                if (!needs_start(s, u))
                        continue;
                struct job *j = job_install(s, u, JOB_START, mandatory);
                if (!j) {
                        for (size_t k = i + 1; k < n; k++)
                                seen[queue[k]->rt->index] = 0;
                        r = -ENOMEM;
                        goto out;
                }
                if (u == anchor)
                        j->anchor = true;
                j->irreversible |= irreversible;
                queue[n_jobs++] = u;
                /* Conflicts=: the other side is stopped first, and a start
                 * it has queued (not yet running) is canceled. */
                const struct unit_edge *e;
                for (size_t k = 0; (e = sched_next_edge(u, &k));) {
                        struct unit *o = e->other;
                        if ((e->kind != UNIT_CONFLICTS && e->kind != UNIT_CONFLICTED_BY) || !o->rt)
                                continue;
                        if (!unit_state_is_down(o->rt->active)) {
                                struct job *stop = job_install(s, o, JOB_STOP, false);
                                if (stop)
                                        stop->irreversible |= irreversible;
                        } else if (o->rt->job && o->rt->job->type != JOB_STOP)
                                job_finish(s, o->rt->job, JOB_CANCELED);
                }
        }
        *ret_nothing_to_do = n_jobs == 0;

        while (break_one_cycle(s, queue, n_jobs))
                ;
        /* Requiring a unit that cannot load fails at once, as in systemd. */
        for (size_t i = 0; i < n_jobs; i++) {
                struct unit *u = queue[i];
                struct job *j = u->rt->job;
                const struct unit_edge *e;
                for (size_t k = 0; j && j->state == JOB_WAITING && (e = sched_next_edge(u, &k));) {
                        struct unit *o = e->other;
                        if (requires(e->kind) && o->load_state != UNIT_LOADED) {
                                log_warning("%s: requires %s, which is %s", u->id, o->id,
                                            unit_load_state_to_string(o->load_state));
                                job_fail_dependency(s, j, o);
                                j = NULL;
                        }
                }
        }
        for (size_t i = 0; run && i < n_jobs; i++)
                job_run_if_ready(s, queue[i]->rt->job);
        for (size_t i = 0; run && i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if (u->rt->job && u->rt->job->type == JOB_STOP)
                        job_run_if_ready(s, u->rt->job);
        }
out:
        s->in_transaction = false;
        return r;
}

int transaction_start(struct sched *s, struct unit *anchor, bool *ret_nothing_to_do)
{
        return transaction_build(s, anchor, JOB_MODE_REPLACE, true, ret_nothing_to_do);
}

int transaction_add(struct sched *s, struct unit *anchor, enum job_mode mode, bool *ret_nothing_to_do)
{
        return transaction_build(s, anchor, mode, false, ret_nothing_to_do);
}

void transaction_run_ready(struct sched *s)
{
        while (break_one_cycle(s, NULL, s->n_rt))
                ;
        for (size_t i = 0; i < s->n_rt; i++)
                job_run_if_ready(s, s->units->units[i]->rt->job);
}
