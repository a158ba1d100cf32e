/* Transient units (systemd-run's services and scopes, logind's sessions)
 * once collected. weft keeps a collected unit's memory (core/sched_gc.c),
 * so its name stays in the table until a daemon-reload; systemd frees the
 * unit, and a client may then define one of that name again (systemd-run
 * --unit=NAME, run every day). Here such a unit is defined again in
 * place: its new file is read into a scratch table and the configuration
 * swapped into the collected unit (unit_swap_config), which keeps its
 * identity, runtime and edges. Other units hold the reverse halves of
 * those edges, so the new file must name the same dependencies as the old
 * one; one that names others is refused, and its file goes, until a
 * daemon-reload leaves the old unit behind. Named without a new file, the
 * collected unit is not found, as systemd's would not be. Scheduler
 * thread only. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "core/sched_internal.h"
#include "core/unit_type.h"
#include "parse/load.h"

bool sched_transient_unit(const struct sched *s, const struct unit *u)
{
        return s->config.transient_dir && u->fragment_dir && strcmp(u->fragment_dir, s->config.transient_dir) == 0;
}

void sched_transient_forget_file(struct sched *s, const struct unit *u)
{
        char buf[PATH_MAX];
        const char *path;
        if (!sched_transient_unit(s, u) || !(path = unit_fragment_path(u, buf, sizeof buf)))
                return;
        if (unlink(path) < 0 && errno != ENOENT)
                log_warning("%s: cannot remove its transient file %s: %s", u->id, path, strerror(errno));
        else
                log_debug("%s: transient file %s removed", u->id, path);
}

/* Does n name the same dependencies as u? The edges a unit named itself
 * (refs), in the order the table keeps them (kind, then name). */
static bool same_named_edges(const struct unit *u, const struct unit *n)
{
        uint32_t i = 0, j = 0;
        for (;; i++, j++) {
                while (i < u->n_edges && !u->edges[i].refs)
                        i++;
                while (j < n->n_edges && !n->edges[j].refs)
                        j++;
                if (i == u->n_edges || j == n->n_edges)
                        return i == u->n_edges && j == n->n_edges;
                if (u->edges[i].kind != n->edges[j].kind ||
                    strcmp(unit_follow(u->edges[i].other)->id, unit_follow(n->edges[j].other)->id) != 0)
                        return false;
        }
}

int sched_transient_redefine(struct sched *s, struct unit *u)
{
        struct load_context *live = s->config.load;
        char buf[PATH_MAX];
        const char *path = unit_collected(u) && sched_transient_unit(s, u) ? unit_fragment_path(u, buf, sizeof buf) : NULL;

        if (!path || !live)
                return 0; /* not a transient unit: it comes back as it was */
        if (access(path, F_OK) < 0)
                return -ENOENT; /* gone, as systemd's would be */
        struct unit_table t;
        struct unit *n = NULL;
        int r = sched_read_again(s, u, &t, &n);
        if (r >= 0 && !same_named_edges(u, n))
                r = -EEXIST;
        if (r >= 0)
                r = unit_swap_config(u, n);
        if (r >= 0 && unit_ops(u)->adopt)
                r = unit_ops(u)->adopt(s, u);
        unit_table_done(&t);
        if (r == -EEXIST)
                log_warning("%s: defined again with other dependencies than the collected unit of that name; "
                            "a daemon-reload frees the name", u->id);
        else if (r < 0)
                log_warning("%s: cannot define it again: %s", u->id, strerror(-r));
        else
                log_info("%s: transient unit defined again", u->id);
        if (r < 0)
                sched_transient_forget_file(s, u);
        return r;
}
