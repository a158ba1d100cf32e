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

/* Depth-first search over "waits for" between the jobs of units[]; on a
 * cycle, cancel one job of it and return true (the caller searches again).
 * The stack is the scheduler's scratch (sched_adopt_units), one frame per
 * unit: the search follows After= to jobs beyond units[], each unit once. */
static bool break_one_cycle(struct sched *s, struct unit **units, size_t n)
{
        struct txn_frame *stack = s->txn_stack;
        bool broke = false;

        if (++s->txn_epoch >= UINT32_MAX >> 1) {
                memset(s->txn_color, 0, s->txn_cap * sizeof *s->txn_color);
                s->txn_epoch = 1;
        }
        for (size_t root = 0; root < n && !broke; root++) {
                struct unit *r = units[root];
                size_t ri = r->rt->index;
                if (color_of(s, ri) != WHITE || !r->rt->job)
                        continue;
                size_t depth = 0;
                stack[depth++] = (struct txn_frame) { r, 0 };
                color_set(s, ri, ON_STACK);
                while (depth > 0 && !broke) {
                        struct txn_frame *f = &stack[depth - 1];
                        struct job *j = f->u->rt->job;
                        const struct unit_edge *e = j ? sched_next_edge(f->u, &f->edge) : NULL;
                        if (!e) {
                                color_set(s, f->u->rt->index, DONE);
                                depth--;
                                continue;
                        }
                        if (e->kind != UNIT_AFTER || !e->other->rt || !e->other->rt->job)
                                continue;
                        struct job *o = e->other->rt->job;
                        /* Start jobs wait along After=; only those can deadlock at boot. */
                        if (j->type != JOB_START || o->type != JOB_START)
                                continue;
                        size_t oi = e->other->rt->index;
                        if (color_of(s, oi) == DONE)
                                continue;
                        if (color_of(s, oi) == WHITE) {
                                color_set(s, oi, ON_STACK);
                                stack[depth++] = (struct txn_frame) { e->other, 0 };
                                continue;
                        }
                        /* A cycle: from e->other up to the top of the stack. */
                        size_t first = depth - 1;
                        while (stack[first].u != e->other)
                                first--;
                        char names[4096];
                        size_t len = 0;
                        struct job *victim = NULL;
                        for (size_t k = first; k < depth; k++) {
                                struct job *cj = stack[k].u->rt->job;
                                len += snprintf(names + len, len < sizeof names ? sizeof names - len : 0, "%s%s",
                                                k == first ? "" : " -> ", stack[k].u->id);
                                if (!victim && !cj->mandatory && !cj->anchor)
                                        victim = cj;
                        }
                        for (size_t k = first; !victim && k < depth; k++)
                                if (!stack[k].u->rt->job->anchor)
                                        victim = stack[k].u->rt->job;
                        if (!victim)
                                victim = stack[first].u->rt->job;
                        log_warning("Found ordering cycle: %s -> %s; deleting job %s/start to break it", names,
                                    e->other->id, victim->unit->id);
                        job_finish(s, victim, JOB_CANCELED);
                        broke = true;
                }
        }
        return broke;
}

int transaction_start(struct sched *s, struct unit *anchor, bool *ret_nothing_to_do)
{
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
        size_t n = 0, head = 0;
        struct unit **queue = s->txn_queue;
        uint8_t *seen = s->txn_seen; /* 1: pulled in, 2: mandatory */
        int r = 0;

        /* Everything the anchor pulls in, transitively. */
        queue[n++] = anchor;
        seen[anchor->rt->index] = 2;
        while (head < n) {
                struct unit *u = queue[head++];
                if (u->load_state != UNIT_LOADED)
                        continue;
                const struct unit_edge *e;
                for (size_t i = 0; (e = sched_next_edge(u, &i));) {
                        size_t oi = e->other->rt->index;
                        if (!pulls(e->kind) || seen[oi])
                                continue;
                        /* A wanted unit that does not exist is simply skipped. */
                        if (e->kind == UNIT_WANTS && e->other->load_state != UNIT_LOADED) {
                                log_debug("%s: wanted unit %s is %s, skipping", u->id, e->other->id,
                                          unit_load_state_to_string(e->other->load_state));
                                continue;
                        }
                        seen[oi] = 1;
                        queue[n++] = e->other;
                }
        }
        /* Mandatory: reached from the anchor through Requires=/BindsTo= only. */
        for (size_t i = 0; i < n; i++) {
                struct unit *u = queue[i];
                if (seen[u->rt->index] != 2)
                        continue;
                const struct unit_edge *e;
                for (size_t k = 0; (e = sched_next_edge(u, &k));)
                        if (requires(e->kind) && seen[e->other->rt->index] == 1)
                                seen[e->other->rt->index] = 2;
        }

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
                queue[n_jobs++] = u;
                /* Conflicts=: the other side is stopped first. */
                const struct unit_edge *e;
                for (size_t k = 0; (e = sched_next_edge(u, &k));) {
                        struct unit *o = e->other;
                        if ((e->kind == UNIT_CONFLICTS || e->kind == UNIT_CONFLICTED_BY) &&
                            o->rt && (o->rt->active != UNIT_INACTIVE && o->rt->active != UNIT_FAILED))
                                job_install(s, o, JOB_STOP, false);
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
        for (size_t i = 0; i < n_jobs; i++)
                job_run_if_ready(s, queue[i]->rt->job);
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if (u->rt->job && u->rt->job->type == JOB_STOP)
                        job_run_if_ready(s, u->rt->job);
        }
out:
        s->in_transaction = false;
        return r;
}
