/* A unit's file read again in place, without a daemon-reload. The file is
 * read into a scratch table and the configuration swapped into the live
 * unit (unit_swap_config), which keeps its identity, runtime and edges:
 * other units may hold pointers to it and the reverse halves of its edges.
 *
 * One user here: systemd's retry of a unit it did not find
 * (manager_unit_cache_should_retry_load). A unit that was not found when
 * weft read the unit path (named by another unit, or asked for by a
 * client, e.g. `systemctl status foo` before foo.service was written) is
 * read again when a request names it and its file is there now, so
 * `systemctl start foo` works as under systemd. It had no edges of its
 * own, so the new file's edges are added at run time on both sides
 * (rt->extra_edges), as link_new_units adds them for units loaded later.
 * core/sched_transient.c uses the same read for a collected transient
 * unit defined again. Scheduler thread only. */
#include <errno.h>
#include <stdlib.h>

#include "base/log.h"
#include "core/sched_internal.h"
#include "core/unit_type.h"
#include "parse/load.h"
#include "parse/unit_path.h"

int sched_read_again(struct sched *s, const struct unit *u, struct unit_table *t, struct unit **ret)
{
        struct load_context *live = s->config.load;
        /* The file may be newer than the unit path as last read. */
        int r = live->index ? unit_path_index_refresh(live->index) : 0;
        struct load_context ctx = { .table = t, .index = live->index, .root = live->root,
                                    .default_timeout_start_usec = live->default_timeout_start_usec,
                                    .default_timeout_stop_usec = live->default_timeout_stop_usec };
        unit_table_init(t);
        if (r >= 0)
                r = unit_table_intern(t, u->id, ret);
        if (r >= 0)
                r = unit_load(&ctx, *ret);
        if (r >= 0)
                r = unit_table_finalize_edges(t);
        return r;
}

/* The pulls a target orders itself after (parse/load.c's add_target_orderings). */
static bool pulls(enum unit_dependency kind)
{
        return kind == UNIT_REQUIRES || kind == UNIT_REQUISITE || kind == UNIT_WANTS || kind == UNIT_BINDS_TO;
}

/* systemd's unit_add_default_target_dependency, both ways round for u:
 * a target that pulls u, or that u (a target) pulls, is ordered after
 * what it pulls, unless ordered before it. */
static int add_target_orderings(struct unit *u)
{
        const struct unit_edge *e;
        int r = 0;
        for (size_t i = 0; r >= 0 && (e = sched_next_edge(u, &i));) {
                bool u_pulls = pulls(e->kind), pulled = pulls(unit_dependency_inverse(e->kind));
                struct unit *target = u_pulls ? u : e->other, *other = u_pulls ? e->other : u;
                if ((!u_pulls && !pulled) || target->type != UNIT_TARGET || target->load_state != UNIT_LOADED ||
                    other->load_state != UNIT_LOADED || !target->default_dependencies ||
                    !other->default_dependencies || sched_has_dep(target, UNIT_BEFORE, other) ||
                    sched_has_dep(target, UNIT_AFTER, other))
                        continue;
                r = sched_link_units(target, UNIT_AFTER, other, true, false);
        }
        return r;
}

struct named_edge {
        enum unit_dependency kind;
        bool refs, ref_by;
        struct unit *other; /* in the live table */
};

/* n's edges (those it named, and those its type's implicit ones gave the
 * other side), their units interned in the live table, new ones as stubs. */
static int intern_edges(struct sched *s, const struct unit *n, struct named_edge **ret, uint32_t *ret_n)
{
        struct named_edge *v = n->n_edges ? calloc(n->n_edges, sizeof *v) : NULL;
        uint32_t k = 0;
        int r = n->n_edges && !v ? -ENOMEM : 0;
        for (; r >= 0 && k < n->n_edges; k++) {
                const struct unit_edge *e = &n->edges[k];
                v[k] = (struct named_edge) { .kind = e->kind, .refs = e->refs, .ref_by = e->ref_by };
                r = unit_table_intern(s->units, unit_follow(e->other)->id, &v[k].other);
        }
        *ret = v;
        *ret_n = k;
        return r;
}

int sched_retry_load(struct sched *s, struct unit *u)
{
        struct unit_table t;
        struct unit *n = NULL;
        struct named_edge *edges = NULL;
        uint32_t n_edges = 0;
        if (u->load_state != UNIT_NOT_FOUND || u->load_error != -ENOENT || !s->config.load ||
            !s->config.load->index)
                return 0;
        int r = sched_read_again(s, u, &t, &n);
        /* A file that did not load (still not found, or a bad setting) is
         * what its state says, not a failure to read it again. */
        if (r != -ENOMEM && n && n->load_state != UNIT_STUB)
                r = 0;
        if (r >= 0 && n->load_state == UNIT_NOT_FOUND)
                goto out; /* still not there: nothing to say */
        /* An alias now, or names of its own: the table would have to merge
         * units that others point at. */
        if (r >= 0 && (n->merged_into || n->names))
                r = -EEXIST;
        bool loaded = r >= 0 && n->load_state == UNIT_LOADED;
        if (loaded)
                r = intern_edges(s, n, &edges, &n_edges);
        if (r >= 0)
                r = unit_swap_config(u, n);
        if (r >= 0 && unit_ops(u)->adopt)
                r = unit_ops(u)->adopt(s, u);
        /* The units it names that weft had not seen, as a request's load. */
        if (r >= 0 && s->units->n_sealed < s->units->n_units &&
            (r = unit_load_all(s->config.load)) >= 0)
                r = sched_adopt_units(s);
        for (uint32_t i = 0; r >= 0 && i < n_edges; i++)
                r = sched_link_units(u, edges[i].kind, edges[i].other, edges[i].refs, edges[i].ref_by);
        if (r >= 0 && loaded)
                r = add_target_orderings(u);
        if (r >= 0)
                r = sched_load_reread(s, u->rt->index);
        if (r >= 0)
                log_info("%s: its file appeared since weft read the unit path: loaded it (%s)", u->id,
                         unit_load_state_to_string(u->load_state));
        else if (r == -EEXIST)
                log_warning("%s: its file appeared as an alias or with aliases since weft read the unit path; "
                            "a daemon-reload loads it",
                            u->id);
        else
                log_warning("%s: its file appeared since weft read the unit path, but cannot be loaded now: %s",
                            u->id, strerror(-r));
out:
        free(edges);
        unit_table_done(&t);
        return r;
}
