/* The verbs that walk the After= graph of a boot record: critical-chain
 * (systemd-analyze's tree) and concurrency (how much of the parallelism the
 * ordering allowed was achieved). See analyze.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/macro.h"
#include "ctl/analyze.h"

struct chain {
        const struct analyze *a;
        FILE *out;
        bool *visited; /* expanded once per tree; later visits print "..." */
        bool *more;    /* more[level]: the unit printed at level has siblings below it */
        size_t *deps;  /* scratch, one level's chosen predecessors at a time */
};

/* systemd's times_in_range(): it became active before the boot finished. */
static bool chain_in_range(const struct analyze *a, const struct analyze_unit *u)
{
        return u->finished && (!a->reached || u->done <= a->target_reached);
}

/* As systemd-analyze: a unit that took time is shown from when it started
 * activating, "@start +time"; one that took none when it became active. */
static void chain_print_times(const struct chain *c, const char *name, const struct analyze_unit *u)
{
        char at[ANALYZE_TIMESPAN_MAX], took[ANALYZE_TIMESPAN_MAX];

        if (u && u->finished && u->time > 0)
                fprintf(c->out, "%s @%s +%s\n", name, analyze_format_timespan(at, sizeof at, u->start),
                        analyze_format_timespan(took, sizeof took, u->time));
        else if (u && u->finished && u->done > 0)
                fprintf(c->out, "%s @%s\n", name, analyze_format_timespan(at, sizeof at, u->done));
        else
                fprintf(c->out, "%s\n", name);
}

static void chain_print(const struct chain *c, const char *name, size_t level, bool last,
                        const struct analyze_unit *u)
{
        for (size_t i = 0; i < level; i++)
                fputs(c->more[i] ? "│ " : "  ", c->out);
        fputs(last ? "└─" : "├─", c->out);
        chain_print_times(c, name, u);
}

static int chain_id_compare(const void *x, const void *y, void *userdata)
{
        const struct analyze *a = userdata;
        return strcmp(a->units[*(const size_t *) x].rec->id, a->units[*(const size_t *) y].rec->id);
}

/* systemd's list_dependencies_one() with --fuzz=0: below a unit, the After=
 * predecessors that became active last (all of them on a tie), each
 * followed down in turn. */
static void chain_one(struct chain *c, size_t idx, size_t level)
{
        const struct analyze *a = c->a;
        const struct analyze_unit *u = &a->units[idx];
        uint64_t latest = 0;
        bool any = false;
        size_t n = 0;

        c->visited[idx] = true;
        for (size_t i = 0; i < u->n_after; i++) {
                const struct analyze_unit *p = &a->units[u->after[i]];
                if (chain_in_range(a, p) && (!any || p->done > latest)) {
                        latest = p->done;
                        any = true;
                }
        }
        if (!any)
                return;
        /* The scratch array is reused by the recursion, so copy this level's
         * choice onto the stack-like tail of deps: level + n never exceeds the
         * number of units, since a unit is expanded at most once. */
        size_t *mine = c->deps;
        for (size_t i = 0; i < u->n_after; i++) {
                const struct analyze_unit *p = &a->units[u->after[i]];
                if (chain_in_range(a, p) && p->done == latest)
                        mine[n++] = u->after[i];
        }
        qsort_r(mine, n, sizeof *mine, chain_id_compare, (void *) a);
        c->deps += n;
        for (size_t i = 0; i < n; i++) {
                size_t d = mine[i];
                bool last = i + 1 == n;

                chain_print(c, a->units[d].rec->id, level, last, &a->units[d]);
                c->more[level] = !last;
                if (c->visited[d])
                        chain_print(c, "...", level + 1, true, NULL);
                else
                        chain_one(c, d, level + 1);
        }
        c->deps -= n;
}

int analyze_critical_chain(const struct analyze *a, char *const *units, FILE *out)
{
        const char *target = a->record->target && *a->record->target ? a->record->target : NULL;
        char *const default_units[] = { (char *) target, NULL };
        struct chain c = { .a = a, .out = out };
        size_t n_edges = 0;
        int k = 0;

        if (!units || !units[0]) {
                if (!target)
                        return log_error_errno(EINVAL, "critical-chain: the boot record names no target; "
                                                       "name a unit");
                units = default_units;
        }
        for (char *const *s = units; *s; s++)
                if (!analyze_find(a, *s))
                        return log_error_errno(ENOENT, "critical-chain: unit %s is not in the boot record", *s);
        for (size_t i = 0; i < a->n_units; i++)
                n_edges += a->units[i].n_after;
        c.visited = calloc(a->n_units + 1, sizeof *c.visited);
        c.more = calloc(a->n_units + 2, sizeof *c.more);
        /* Each unit is expanded once and lists each edge once: n_edges bounds
         * every level's choices together. */
        c.deps = calloc(n_edges + 1, sizeof *c.deps);
        if (!c.visited || !c.more || !c.deps) {
                k = log_error_errno(ENOMEM, "critical-chain: out of memory");
                goto out;
        }
        fputs("The time when unit became active or started is printed after the \"@\" character.\n"
              "The time the unit took to start is printed after the \"+\" character.\n\n",
              out);
        for (char *const *s = units; *s; s++) {
                const struct analyze_unit *u = analyze_find(a, *s);
                memset(c.visited, 0, a->n_units * sizeof *c.visited);
                chain_print_times(&c, u->rec->id, u);
                chain_one(&c, (size_t) (u - a->units), 0);
        }
out:
        free(c.visited);
        free(c.more);
        free(c.deps);
        return k;
}

struct concurrency_event {
        uint64_t at;
        int delta;
};

static int event_compare(const void *x, const void *y)
{
        const struct concurrency_event *a = x, *b = y;
        if (a->at != b->at)
                return a->at < b->at ? -1 : 1;
        return 0;
}

/* The longest After= chain of activation spans, by Kahn's algorithm over
 * the started units; units on a cycle never reach in-degree 0 and are
 * counted in n_cycle instead. */
static int concurrency_critical_path(const struct analyze *a, struct analyze_concurrency *c)
{
        size_t n = a->n_units, *indeg = calloc(n + 1, sizeof *indeg), *queue = calloc(n + 1, sizeof *queue);
        size_t *succ_start = calloc(n + 2, sizeof *succ_start), *succ = NULL;
        uint64_t *path = calloc(n + 1, sizeof *path);
        size_t head = 0, tail = 0, n_edges = 0, n_started = 0;
        int k = -ENOMEM;

        if (!indeg || !queue || !succ_start || !path)
                goto out;
        /* Successor lists in one array (CSR): succ[succ_start[p]...] = units after p. */
        for (size_t v = 0; v < n; v++) {
                if (!a->units[v].started)
                        continue;
                for (size_t i = 0; i < a->units[v].n_after; i++)
                        if (a->units[a->units[v].after[i]].started) {
                                succ_start[a->units[v].after[i] + 1]++;
                                indeg[v]++;
                                n_edges++;
                        }
        }
        for (size_t v = 0; v < n; v++)
                succ_start[v + 1] += succ_start[v];
        succ = calloc(n_edges + 1, sizeof *succ);
        if (!succ)
                goto out;
        for (size_t v = 0; v < n; v++) {
                if (!a->units[v].started)
                        continue;
                for (size_t i = 0; i < a->units[v].n_after; i++) {
                        size_t p = a->units[v].after[i];
                        if (a->units[p].started)
                                succ[succ_start[p] + queue[p]++] = v; /* queue[] as a fill count for now */
                }
        }
        memset(queue, 0, (n + 1) * sizeof *queue);
        for (size_t v = 0; v < n; v++)
                if (a->units[v].started) {
                        n_started++;
                        if (indeg[v] == 0)
                                queue[tail++] = v;
                }
        while (head < tail) {
                size_t v = queue[head++];
                path[v] += a->units[v].done - a->units[v].start;
                if (path[v] > c->critical_path)
                        c->critical_path = path[v];
                for (size_t i = succ_start[v]; i < succ_start[v + 1]; i++) {
                        size_t s = succ[i];
                        if (path[v] > path[s])
                                path[s] = path[v];
                        if (--indeg[s] == 0)
                                queue[tail++] = s;
                }
        }
        c->n_cycle = n_started - tail;
        k = 0;
out:
        free(indeg);
        free(queue);
        free(succ_start);
        free(succ);
        free(path);
        return k;
}

int analyze_concurrency_compute(const struct analyze *a, struct analyze_concurrency *ret)
{
        struct analyze_concurrency c = { .finish = a->reached ? a->target_reached : a->end };
        struct concurrency_event *ev = calloc(2 * a->n_units + 1, sizeof *ev);
        size_t n_ev = 0;
        unsigned now = 0;
        int k = -ENOMEM;

        if (!ev)
                goto fail;
        for (size_t i = 0; i < a->n_units; i++) {
                const struct analyze_unit *u = &a->units[i];
                if (!u->started)
                        continue;
                if (c.n_started == 0 || u->start < c.first_start)
                        c.first_start = u->start;
                c.n_started++;
                c.sum += u->done - u->start;
                ev[n_ev++] = (struct concurrency_event) { u->start, +1 };
                ev[n_ev++] = (struct concurrency_event) { u->done, -1 };
        }
        qsort(ev, n_ev, sizeof *ev, event_compare);
        c.steps = calloc(n_ev + 1, sizeof *c.steps);
        if (!c.steps)
                goto fail;
        for (size_t i = 0; i < n_ev;) {
                uint64_t at = ev[i].at;
                /* Everything that happens at one moment is one step: a target
                 * that starts and finishes at once is never "activating". */
                for (; i < n_ev && ev[i].at == at; i++)
                        now = (unsigned) ((int) now + ev[i].delta);
                if (c.n_steps == 0 || c.steps[c.n_steps - 1].n != now)
                        c.steps[c.n_steps++] = (struct analyze_step) { at, now };
                if (now > c.peak)
                        c.peak = now;
        }
        k = concurrency_critical_path(a, &c);
        if (k < 0)
                goto fail;
        free(ev);
        *ret = c;
        return 0;
fail:
        free(ev);
        analyze_concurrency_free(&c);
        return log_error_errno(k, "concurrency: %s", strerror(-k));
}

void analyze_concurrency_free(struct analyze_concurrency *c)
{
        free(c->steps);
        *c = (struct analyze_concurrency) { 0 };
}

int analyze_concurrency(const struct analyze *a, FILE *out)
{
        const char *target = a->record->target && *a->record->target ? a->record->target : "the target";
        char t1[ANALYZE_TIMESPAN_MAX], t2[ANALYZE_TIMESPAN_MAX], t3[ANALYZE_TIMESPAN_MAX];
        struct analyze_concurrency c;
        int k = analyze_concurrency_compute(a, &c);

        if (k < 0)
                return k;
        uint64_t window = c.finish > c.first_start ? c.finish - c.first_start : 0;

        fprintf(out, "%12s %10s\n", "TIME(ms)", "ACTIVATING");
        for (size_t i = 0; i < c.n_steps; i++)
                fprintf(out, "%12.3f %10u\n", (double) c.steps[i].at / 1000.0, c.steps[i].n);
        fprintf(out, "\n");
        fprintf(out, "Total time:               %s (manager start to %s %s)\n",
                analyze_format_timespan(t1, sizeof t1, c.finish), target,
                a->reached ? "reached" : "not reached, record ends");
        fprintf(out, "Units started:            %zu\n", c.n_started);
        fprintf(out, "Peak concurrency:         %u\n", c.peak);
        fprintf(out, "Boot window:              %s (first activation @%s to %s %s @%s)\n",
                analyze_format_timespan(t1, sizeof t1, window), analyze_format_timespan(t2, sizeof t2, c.first_start),
                target, a->reached ? "reached" : "not reached, record ends",
                analyze_format_timespan(t3, sizeof t3, c.finish));
        fprintf(out, "Sum of activation times:  %s\n", analyze_format_timespan(t1, sizeof t1, c.sum));
        if (window > 0)
                fprintf(out, "Achieved parallelism:     %.2f (sum of activation times / boot window)\n",
                        (double) c.sum / (double) window);
        else
                fprintf(out, "Achieved parallelism:     n/a (empty boot window)\n");
        fprintf(out, "Critical path:            %s (longest After= chain of activation times)\n",
                analyze_format_timespan(t1, sizeof t1, c.critical_path));
        if (c.finish > 0)
                fprintf(out, "Critical path / total:    %.2f\n", (double) c.critical_path / (double) c.finish);
        if (window > 0)
                fprintf(out, "Critical path / window:   %.2f (1.00: the boot took only as long as its ordering forces)\n",
                        (double) c.critical_path / (double) window);
        if (c.critical_path > 0)
                fprintf(out, "Parallelism allowed:      %.2f (sum of activation times / critical path)\n",
                        (double) c.sum / (double) c.critical_path);
        if (c.n_cycle > 0)
                fprintf(out, "Left out of the path:     %zu units on an After= cycle\n", c.n_cycle);
        analyze_concurrency_free(&c);
        return 0;
}
