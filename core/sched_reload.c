/* systemd's NeedDaemonReload: has a unit's file, or a drop-in it read,
 * changed on disk since weft read it? Each unit is read in a batch (the
 * boot's load, a daemon-reload, or one unit named at run time), and the
 * scheduler keeps when each batch was read, by ranges of the table:
 * a few bytes per batch, never per unit. A compaction or reload starts
 * the list again. Scheduler thread only. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "core/sched_internal.h"
#include "parse/load.h"
#include "parse/unit_path.h"

static int push(struct sched *s, size_t first, struct timespec at)
{
        if (s->n_load_batches == s->cap_load_batches) {
                size_t cap = s->cap_load_batches ? 2 * s->cap_load_batches : 8;
                struct load_batch *b = realloc(s->load_batches, cap * sizeof *b);
                if (!b)
                        return -ENOMEM;
                s->load_batches = b;
                s->cap_load_batches = cap;
        }
        s->load_batches[s->n_load_batches++] = (struct load_batch) { first, at };
        return 0;
}

int sched_load_batch(struct sched *s, size_t first)
{
        struct timespec now;
        if (first >= s->n_rt)
                return 0;
        /* Stamped after the read (the manager's loads are stamped before):
         * a script that writes a unit and starts it at once is not told to
         * reload (parse/unit_path_changed.c says why this clock). */
        clock_gettime(CLOCK_REALTIME, &now);
        return push(s, first, now);
}

void sched_loaded_since(struct sched *s, struct timespec at)
{
        s->n_load_batches = 0;
        (void) push(s, 0, at); /* the array has room once it was used */
}

bool sched_need_daemon_reload(struct sched *s, const struct unit *u)
{
        const struct load_context *load = s->config.load;
        size_t i = u->rt ? u->rt->index : 0, lo = 0, hi = s->n_load_batches;
        if (!load || !hi || sched_transient_unit(s, u))
                return false; /* a transient unit's file is weft's own */
        /* The last batch that begins at or before i. */
        while (hi - lo > 1) {
                size_t mid = lo + (hi - lo) / 2;
                if (s->load_batches[mid].first <= i)
                        lo = mid;
                else
                        hi = mid;
        }
        return unit_files_changed_since(u, load->index, s->load_batches[lo].at);
}
