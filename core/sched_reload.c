/* systemd's NeedDaemonReload: has a unit's file, or a drop-in it read,
 * changed on disk since weft read it? Each unit is read in a batch (the
 * boot's load, a daemon-reload, or one unit named at run time), and the
 * scheduler keeps when each batch was read, by ranges of the table:
 * a few bytes per batch, never per unit. A compaction or reload starts
 * the list again. Scheduler thread only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
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

/* The last batch that begins at or before i (there is one: the first
 * begins at 0). */
static size_t batch_of(const struct sched *s, size_t i)
{
        size_t lo = 0, hi = s->n_load_batches;
        while (hi - lo > 1) {
                size_t mid = lo + (hi - lo) / 2;
                if (s->load_batches[mid].first <= i)
                        lo = mid;
                else
                        hi = mid;
        }
        return lo;
}

static int insert_at(struct sched *s, size_t pos, struct load_batch b)
{
        if (push(s, 0, b.at) < 0) /* one more slot at the end, then shift */
                return -ENOMEM;
        memmove(&s->load_batches[pos + 1], &s->load_batches[pos],
                (s->n_load_batches - 1 - pos) * sizeof *s->load_batches);
        s->load_batches[pos] = b;
        return 0;
}

/* Unit i alone read now: its own batch, and the units after it keep
 * theirs. Rare (a unit whose file appeared), so shifting the list is fine. */
int sched_load_reread(struct sched *s, size_t i)
{
        struct timespec now;
        if (!s->n_load_batches)
                return 0;
        clock_gettime(CLOCK_REALTIME, &now);
        size_t b = batch_of(s, i);
        struct load_batch after = { i + 1, s->load_batches[b].at };
        bool ends_at_i = i + 1 >= s->n_rt ||
                         (b + 1 < s->n_load_batches && s->load_batches[b + 1].first == i + 1);
        int r = 0;
        if (s->load_batches[b].first == i)
                s->load_batches[b].at = now;
        else
                r = insert_at(s, ++b, (struct load_batch) { i, now });
        if (r >= 0 && !ends_at_i)
                r = insert_at(s, b + 1, after);
        return r;
}

void sched_loaded_since(struct sched *s, struct timespec at)
{
        s->n_load_batches = 0;
        (void) push(s, 0, at); /* the array has room once it was used */
}

bool sched_need_daemon_reload(struct sched *s, const struct unit *u)
{
        const struct load_context *load = s->config.load;
        if (!load || !s->n_load_batches || sched_transient_unit(s, u))
                return false; /* a transient unit's file is weft's own */
        return unit_files_changed_since(u, load->index, s->load_batches[batch_of(s, u->rt ? u->rt->index : 0)].at);
}
