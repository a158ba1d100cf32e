/* Garbage collection of units nothing needs (systemd's unit_may_gc and
 * unit_gc_sweep). A unit is collectable when it has no job, is inactive
 * (or failed, with CollectMode=inactive-or-failed), has no process, no
 * spawn in flight, no timer and no connection, and its type allows it (a
 * device that is not plugged, a mount the kernel does not have...:
 * unit_type_ops.may_gc). It is collected when, besides, no unit that is
 * not collectable references it through a chain of references: an edge
 * the referencing unit named (struct unit_edge's refs and ref_by bits),
 * as systemd follows References=/ReferencedBy=.
 *
 * What collected means here: a unit's configuration and edges are
 * immutable and shared (edges, jobs, the pid and request maps, the timer
 * heap, the io thread's cookies and the worker requests all hold its
 * pointer), so its memory is never freed while the manager runs. Instead
 * the unit is hidden: lookups by name, listings and the boot record skip
 * it, and its runtime is reset to what a fresh load has (its index and the
 * run-time reverse edges stay, as does its timer generation, so a stale
 * heap entry never fires). When the name comes back (a device plugged
 * again, a mount made again, a control request naming it, a unit loaded
 * later referencing it, a job for it) the same unit is revived, fresh, as
 * systemd would load it fresh, with the configuration it was loaded with
 * (a daemon-reload leaves collected units behind: named again, they load
 * from their files), except a transient unit defined again under its name
 * (core/sched_transient.c).
 *
 * Units become candidates after the transition that may have made them
 * collectable (unit_set_sub into a down state, a finished job: the queue)
 * or once taken over by a load or a daemon-reload (the range from
 * s->gc_unswept_from); the sweep is deferred to the end of the scheduler's entry
 * point (an event, the timers, the boot's start), never inside a
 * transition. Its cost is the candidates and the units that reference
 * them, not the table. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "core/sched_internal.h"
#include "core/unit_type.h"

/* s->txn_seen marks during a sweep (all zero between sweeps and
 * transactions, as transaction.c expects). */
enum {
        GC_UNSEEN,
        GC_ROOT, /* not collectable: keeps what it references */
        GC_CAND, /* collectable, unless a root reaches it */
        GC_LIVE, /* collectable, but a root reaches it */
};

static int queue_push(struct sched *s, struct unit *u)
{
        int r = unit_list_push(&s->gc_queue, &s->n_gc_queue, &s->cap_gc_queue, u);
        if (r == 0)
                u->rt->in_gc_queue = true;
        return r;
}

void sched_gc_queue(struct sched *s, struct unit *u)
{
        if (!s->config.collect || !u->rt || u->rt->in_gc_queue)
                return;
        /* Out of memory: the unit stays, which is always safe. */
        (void) queue_push(s, u);
}

void sched_gc_revive(struct sched *s, struct unit *u)
{
        if (!u->rt || !u->rt->collected)
                return;
        /* u and, transitively, what it references come back together, as
         * systemd loads a unit's dependencies with it. The queue is the
         * work list (it may grow, so walk it by index); each unit is
         * pushed once, when its flag flips. */
        size_t start = s->n_gc_queue;
        u->rt->collected = false;
        s->n_collected--;
        if (queue_push(s, u) < 0)
                goto oom;
        for (size_t i = start; i < s->n_gc_queue; i++) {
                const struct unit_edge *e;
                for (size_t it = 0; (e = sched_next_edge(s->gc_queue[i], &it));) {
                        struct unit *o = e->other;
                        if (!e->refs || !o->rt || !o->rt->collected)
                                continue;
                        o->rt->collected = false;
                        s->n_collected--;
                        if (queue_push(s, o) < 0)
                                goto oom;
                }
        }
        log_debug("%s: comes back after being collected", u->id);
        return;
oom:
        log_error("%s: out of memory bringing back what it references", u->id);
}

static bool may_gc(struct sched *s, struct unit *u)
{
        const struct unit_runtime *rt = u->rt;

        if (!rt || u->load_state == UNIT_MERGED || u == s->boot_target || rt->job || sched_bus_referenced(s, u))
                return false;
        if (rt->active == UNIT_FAILED ? unit_extra(u)->collect_mode != COLLECT_INACTIVE_OR_FAILED
                                      : rt->active != UNIT_INACTIVE)
                return false;
        /* Something of it still runs or is on its way, or points at it. */
        if (rt->main_pid > 0 || rt->control_pid > 0 || rt->main_request || rt->control_request ||
            rt->kill_waiting || rt->conn || rt->timer_when || rt_watchdog_when(rt))
                return false;
        return !unit_ops(u)->may_gc || unit_ops(u)->may_gc(s, u);
}

/* What a fresh load has: everything but the unit's place (index), the
 * edges units loaded later gave it, the timer generation (a stale heap
 * entry must stay stale) and the type's allocations, which the type
 * resets (unit_type_ops.collected). */
static void collect(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = u->rt;
        struct notify_runtime *nt = rt->notify;

        log_debug("%s: collected", u->id);
        /* Its file goes, so that a daemon-reload does not bring it back,
         * as systemd removes it (core/sched_transient.c). */
        sched_transient_forget_file(s, u);
        sched_conditions_forget(s, u);
        sched_stdio_forget(s, u);
        if (nt) {
                free(nt->status_text);
                fdstore_close_all(rt);
                /* Whether the bus name is owned is the bus's state, not the unit's. */
                *nt = (struct notify_runtime) { .bus_name_good = nt->bus_name_good };
        }
        *rt = (struct unit_runtime) {
                .index = rt->index,
                .extra_edges = rt->extra_edges,
                .notify = nt,
                .type_rt = rt->type_rt,
                .timer_generation = rt->timer_generation,
                .collected = true,
        };
        if (unit_ops(u)->collected)
                unit_ops(u)->collected(s, u);
        s->n_collected++;
}

bool sched_wants_compaction(const struct sched *s)
{
        size_t at = s->compact_at ? s->compact_at : s->config.collected_max;
        return s->config.collected_max && !s->shutting_down && s->n_collected >= at &&
               s->n_collected >= s->n_rt - s->n_collected;
}

void sched_compaction_refused(struct sched *s)
{
        s->compact_at = s->n_collected + s->config.collected_max;
}

static void mark(struct sched *s, struct unit *u, size_t *n)
{
        uint8_t *seen = s->txn_seen;
        if (seen[u->rt->index] != GC_UNSEEN)
                return;
        seen[u->rt->index] = may_gc(s, u) ? GC_CAND : GC_ROOT;
        s->txn_queue[(*n)++] = u;
}

/* One sweep over what is queued; returns the number of units collected. */
static size_t sweep(struct sched *s)
{
        uint8_t *seen = s->txn_seen;
        struct unit **list = s->txn_queue;
        struct txn_frame *stack = s->txn_stack;
        size_t n = 0, depth = 0, collected = 0;
        const struct unit_edge *e;

        /* 1. From each candidate, back through whoever references it: the
         * candidates found, and the roots where that stops. */
        for (size_t i = 0; i < s->n_gc_queue; i++) {
                struct unit *u = s->gc_queue[i];
                u->rt->in_gc_queue = false;
                if (!u->rt->collected)
                        mark(s, u, &n);
        }
        s->n_gc_queue = 0;
        for (size_t i = s->gc_unswept_from; i < s->n_rt; i++)
                if (!s->units->units[i]->rt->collected)
                        mark(s, s->units->units[i], &n);
        s->gc_unswept_from = s->n_rt;
        for (size_t i = 0; i < n; i++) {
                if (seen[list[i]->rt->index] != GC_CAND)
                        continue;
                for (size_t it = 0; (e = sched_next_edge(list[i], &it));) {
                        struct unit *o = e->other;
                        /* A unit not taken over yet is kept, to be safe;
                         * a collected one references nothing. */
                        if (!e->ref_by || (o->rt && o->rt->collected))
                                continue;
                        if (!o->rt) {
                                seen[list[i]->rt->index] = GC_ROOT;
                                break;
                        }
                        mark(s, o, &n);
                }
        }
        /* 2. A candidate that a root or a live candidate references lives,
         * and so does what it references. Seen from the candidates' side:
         * a root may reference thousands of units (a target's Wants=),
         * and walking its edges at every sweep would make a boot of N
         * units cost N^2. Each candidate's edges are walked at most twice. */
        for (size_t i = 0; i < n; i++) {
                struct unit *u = list[i];
                if (seen[u->rt->index] != GC_CAND)
                        continue;
                for (size_t it = 0; (e = sched_next_edge(u, &it));) {
                        const struct unit *o = e->other;
                        if (e->ref_by && o->rt && !o->rt->collected &&
                            (seen[o->rt->index] == GC_ROOT || seen[o->rt->index] == GC_LIVE)) {
                                seen[u->rt->index] = GC_LIVE;
                                stack[depth++].index = u->rt->index;
                                break;
                        }
                }
        }
        while (depth > 0) {
                struct unit *u = s->units->units[stack[--depth].index];
                for (size_t it = 0; (e = sched_next_edge(u, &it));) {
                        struct unit *o = e->other;
                        if (e->refs && o->rt && seen[o->rt->index] == GC_CAND) {
                                seen[o->rt->index] = GC_LIVE;
                                stack[depth++].index = o->rt->index;
                        }
                }
        }
        /* 3. The rest goes; what it referenced may now be unreferenced. */
        for (size_t i = 0; i < n; i++) {
                struct unit *u = list[i];
                bool dead = seen[u->rt->index] == GC_CAND;
                seen[u->rt->index] = GC_UNSEEN;
                if (!dead)
                        continue;
                collect(s, u);
                collected++;
                for (size_t it = 0; (e = sched_next_edge(u, &it));)
                        if (e->refs && e->other->rt && !e->other->rt->collected)
                                sched_gc_queue(s, e->other);
        }
        return collected;
}

void sched_gc_run(struct sched *s)
{
        /* Not before the boot's transaction (every unit would be
         * unreferenced by a job), not inside a transaction (its scratch
         * is borrowed), not while shutting down (nothing is listed any
         * more, and the shutdown walks every unit). */
        if (!s->config.collect || !s->gc_armed || s->in_transaction || s->shutting_down)
                return;
        /* The scratch holds one entry per unit taken over; a unit loaded
         * but not yet taken over waits for the next run. */
        while ((s->n_gc_queue > 0 || s->gc_unswept_from < s->n_rt) && s->txn_cap >= s->n_rt)
                sweep(s);
}
