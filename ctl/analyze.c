/* `weftctl analyze VERB`: reads a boot record, builds the model of
 * analyze.h and runs one verb. This file has the model, the verb table and
 * the short verbs: time, blame and dot. Called from weftctl.c's verb table. */
#include "ctl/analyze.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/macro.h"
#include "base/strv.h"
#include "ctl/boot_record_read.h"
#include "ctl/commands.h"

#define ANALYZE_DEFAULT_RECORD "/run/weft/boot.yaml"

static uint64_t since_start(const struct boot_record *r, uint64_t stamp)
{
        return stamp > r->manager_start ? stamp - r->manager_start : 0;
}

static uint64_t max_u64(uint64_t x, uint64_t y)
{
        return x > y ? x : y;
}

int analyze_init(struct analyze *a, const struct boot_record *r)
{
        int k = -ENOMEM;

        *a = (struct analyze) { .record = r, .n_units = r->n_units };
        hashmap_init(&a->by_id);
        a->units = calloc(r->n_units ? r->n_units : 1, sizeof *a->units);
        if (!a->units)
                goto fail;
        a->reached = r->target_reached != 0;
        a->target_reached = since_start(r, r->target_reached);
        a->end = a->target_reached;
        for (size_t i = 0; i < r->n_units; i++) {
                const struct boot_record_unit *ru = &r->units[i];
                const uint64_t stamps[] = { ru->queued,  ru->activating, ru->forked,       ru->execed,
                                            ru->active,  ru->exited,     ru->deactivating, ru->inactive };
                for (size_t s = 0; s < ELEMENTSOF(stamps); s++)
                        if (stamps[s])
                                a->end = max_u64(a->end, since_start(r, stamps[s]));
                a->units[i].rec = ru;
                k = hashmap_put(&a->by_id, ru->id, &a->units[i]);
                if (k < 0) {
                        if (k == -EEXIST)
                                log_error("boot record: unit %s is listed twice", ru->id);
                        goto fail;
                }
        }
        for (size_t i = 0; i < r->n_units; i++) {
                struct analyze_unit *u = &a->units[i];
                const struct boot_record_unit *ru = u->rec;

                u->started = ru->activating != 0;
                u->start = since_start(r, ru->activating);
                /* systemd-analyze's rule: ActiveEnter - InactiveExit, or for a
                 * unit that never became active, InactiveEnter - InactiveExit. */
                if (u->started && ru->active >= ru->activating) {
                        u->finished = true;
                        u->done = since_start(r, ru->active);
                } else if (u->started && ru->inactive >= ru->activating) {
                        u->finished = true;
                        u->done = since_start(r, ru->inactive);
                } else
                        u->done = u->started ? a->end : 0;
                u->time = u->finished ? u->done - u->start : 0;

                size_t n = strv_length(ru->after);
                u->after = calloc(n ? n : 1, sizeof *u->after);
                if (!u->after) {
                        k = -ENOMEM;
                        goto fail;
                }
                STRV_FOREACH(s, ru->after) {
                        struct analyze_unit *p = hashmap_get(&a->by_id, *s);
                        if (p && p != u)
                                u->after[u->n_after++] = (size_t) (p - a->units);
                }
        }
        return 0;
fail:
        analyze_done(a);
        return log_error_errno(k, "analyze: %s", strerror(-k));
}

void analyze_done(struct analyze *a)
{
        for (size_t i = 0; a->units && i < a->n_units; i++)
                free(a->units[i].after);
        free(a->units);
        hashmap_done(&a->by_id);
        *a = (struct analyze) { 0 };
}

struct analyze_unit *analyze_find(const struct analyze *a, const char *id)
{
        return hashmap_get(&a->by_id, id);
}

bool analyze_unit_is_simple(const struct analyze_unit *u)
{
        return streq_ptr(u->rec->type, "service") && streq_ptr(u->rec->service_type, "simple");
}

/* A transcription of systemd's format_timespan(): the largest units first,
 * and below a minute the last one in dot notation, cut (not rounded) to
 * the accuracy, here 1 ms. */
char *analyze_format_timespan(char *buf, size_t size, uint64_t t)
{
        static const struct {
                const char *suffix;
                uint64_t usec;
        } table[] = {
                { "y", 31557600ULL * USEC_PER_SEC },
                { "month", 2629800ULL * USEC_PER_SEC },
                { "w", 7ULL * 24 * 3600 * USEC_PER_SEC },
                { "d", 24ULL * 3600 * USEC_PER_SEC },
                { "h", 3600ULL * USEC_PER_SEC },
                { "min", 60ULL * USEC_PER_SEC },
                { "s", USEC_PER_SEC },
                { "ms", USEC_PER_MSEC },
                { "us", 1 },
        };
        const uint64_t accuracy = USEC_PER_MSEC;
        size_t len = 0;
        bool something = false;

        if (t == 0) {
                snprintf(buf, size, "0");
                return buf;
        }
        buf[0] = 0;
        for (size_t i = 0; i < ELEMENTSOF(table) && t > 0 && len + 1 < size; i++) {
                uint64_t unit = table[i].usec, whole, rest;
                int n;

                if (t < accuracy && something)
                        break;
                if (t < unit)
                        continue;
                whole = t / unit;
                rest = t % unit;
                n = -1;
                if (t < 60 * USEC_PER_SEC && rest > 0) {
                        int digits = 0;
                        for (uint64_t c = unit; c > 1; c /= 10)
                                digits++;
                        for (uint64_t c = accuracy; c > 1; c /= 10) {
                                rest /= 10;
                                digits--;
                        }
                        if (digits > 0) {
                                n = snprintf(buf + len, size - len, "%s%llu.%0*llu%s", len ? " " : "",
                                             (unsigned long long) whole, digits, (unsigned long long) rest,
                                             table[i].suffix);
                                t = 0;
                        }
                }
                if (n < 0) {
                        n = snprintf(buf + len, size - len, "%s%llu%s", len ? " " : "", (unsigned long long) whole,
                                     table[i].suffix);
                        t = rest;
                }
                len += (size_t) n < size - len ? (size_t) n : size - len - 1;
                something = true;
        }
        return buf;
}

int analyze_time(const struct analyze *a, FILE *out)
{
        const char *target = a->record->target && *a->record->target ? a->record->target : NULL;
        char t[ANALYZE_TIMESPAN_MAX];

        if (!a->reached)
                return log_error_errno(ENODATA, "Bootup is not finished: %s was never reached.",
                                       target ? target : "the target");
        analyze_format_timespan(t, sizeof t, a->target_reached);
        fprintf(out, "Startup finished in %s (userspace)\n", t);
        if (target)
                fprintf(out, "%s reached after %s in userspace.\n", target, t);
        return 0;
}

static int blame_compare(const void *x, const void *y)
{
        const struct analyze_unit *a = *(const struct analyze_unit *const *) x;
        const struct analyze_unit *b = *(const struct analyze_unit *const *) y;

        if (a->time != b->time)
                return a->time < b->time ? 1 : -1;
        return strcmp(a->rec->id, b->rec->id);
}

/* Like systemd-analyze blame: the time column right-aligned to the widest. */
int analyze_blame(const struct analyze *a, FILE *out)
{
        const struct analyze_unit **list = calloc(a->n_units ? a->n_units : 1, sizeof *list);
        size_t n = 0;
        int width = 0;

        if (!list)
                return log_error_errno(ENOMEM, "blame: out of memory");
        for (size_t i = 0; i < a->n_units; i++) {
                const struct analyze_unit *u = &a->units[i];
                if (u->finished && u->time > 0 && !analyze_unit_is_simple(u))
                        list[n++] = u;
        }
        qsort(list, n, sizeof *list, blame_compare);
        for (size_t i = 0; i < n; i++) {
                char t[ANALYZE_TIMESPAN_MAX];
                int w = (int) strlen(analyze_format_timespan(t, sizeof t, list[i]->time));
                width = w > width ? w : width;
        }
        for (size_t i = 0; i < n; i++) {
                char t[ANALYZE_TIMESPAN_MAX], w[ANALYZE_TIMESPAN_MAX];
                const struct boot_record_unit *ru = list[i]->rec;
                uint64_t from = ru->execed ? ru->execed : ru->forked;
                fprintf(out, "%*s %s", width, analyze_format_timespan(t, sizeof t, list[i]->time), ru->id);
                /* A Type=dbus service: how much of it was the wait for its name. */
                if (ru->bus_name && from && ru->bus_name >= from)
                        fprintf(out, " (bus name after %s)", analyze_format_timespan(w, sizeof w, ru->bus_name - from));
                fputc('\n', out);
        }
        free(list);
        return 0;
}

/* A graphviz quoted string: only '"' and '\' need a backslash. */
static void dot_quoted(FILE *out, const char *s)
{
        fputc('"', out);
        for (; *s; s++) {
                if (*s == '"' || *s == '\\')
                        fputc('\\', out);
                fputc(*s, out);
        }
        fputc('"', out);
}

static void dot_edges(FILE *out, const char *from, char *const *to, const char *color)
{
        STRV_FOREACH(s, to) {
                fputc('\t', out);
                dot_quoted(out, from);
                fputs("->", out);
                dot_quoted(out, *s);
                fprintf(out, " [color=\"%s\"];\n", color);
        }
}

/* systemd-analyze dot's colours: After green, Requires black, Wants grey66. */
int analyze_dot(const struct analyze *a, bool order, bool require, FILE *out)
{
        if (!order && !require)
                order = require = true;
        fputs("digraph weft {\n", out);
        for (size_t i = 0; i < a->n_units; i++) {
                const struct boot_record_unit *u = a->units[i].rec;
                if (order)
                        dot_edges(out, u->id, u->after, "green");
                if (require) {
                        dot_edges(out, u->id, u->requires, "black");
                        dot_edges(out, u->id, u->wants, "grey66");
                }
        }
        fputs("}\n", out);
        return 0;
}

static int verb_time(const struct analyze *a, const struct ctl_options *o, char **args)
{
        return analyze_time(a, stdout);
}

static int verb_blame(const struct analyze *a, const struct ctl_options *o, char **args)
{
        return analyze_blame(a, stdout);
}

static int verb_critical_chain(const struct analyze *a, const struct ctl_options *o, char **args)
{
        return analyze_critical_chain(a, args, stdout);
}

static int verb_plot(const struct analyze *a, const struct ctl_options *o, char **args)
{
        return analyze_plot(a, stdout);
}

static int verb_dot(const struct analyze *a, const struct ctl_options *o, char **args)
{
        /* As systemd-analyze: the legend on stderr, the graph alone on stdout. */
        fprintf(stderr, "   Color legend: black     = Requires\n"
                        "                 dark grey = Wants\n"
                        "                 green     = After\n");
        return analyze_dot(a, o->dot_order, o->dot_require, stdout);
}

static int verb_concurrency(const struct analyze *a, const struct ctl_options *o, char **args)
{
        return analyze_concurrency(a, stdout);
}

static const struct {
        const char *verb;
        int (*run)(const struct analyze *a, const struct ctl_options *o, char **args);
        bool takes_units;
} analyze_verbs[] = {
        { "time", verb_time, false },
        { "blame", verb_blame, false },
        { "critical-chain", verb_critical_chain, true },
        { "plot", verb_plot, false },
        { "dot", verb_dot, false },
        { "concurrency", verb_concurrency, false },
};

int cmd_analyze(const struct ctl_options *opts, char **args)
{
        const char *path = opts->analyze_from ? opts->analyze_from : ANALYZE_DEFAULT_RECORD;
        const char *verb = args ? args[0] : NULL;
        struct boot_record r;
        struct analyze a;
        size_t i;
        int k;

        if (!verb) {
                fprintf(stderr, "weftctl: analyze needs a verb: time, blame, critical-chain, plot, dot, "
                                "concurrency, calendar or timespan\n");
                return 1;
        }
        /* The offline verbs need no boot record. */
        if (strcmp(verb, "calendar") == 0 || strcmp(verb, "timespan") == 0) {
                k = verb[0] == 'c' ? analyze_calendar(opts, args + 1) : analyze_timespan(opts, args + 1);
                if (fflush(stdout) != 0 || ferror(stdout))
                        return 1;
                return k;
        }
        for (i = 0; i < ELEMENTSOF(analyze_verbs); i++)
                if (strcmp(analyze_verbs[i].verb, verb) == 0)
                        break;
        if (i == ELEMENTSOF(analyze_verbs)) {
                fprintf(stderr, "weftctl: analyze: unknown verb: %s\n", verb);
                return 1;
        }
        if (!analyze_verbs[i].takes_units && args[1]) {
                fprintf(stderr, "weftctl: analyze %s: unexpected argument: %s\n", verb, args[1]);
                return 1;
        }
        if (boot_record_read(path, &r) < 0)
                return 1;
        k = analyze_init(&a, &r);
        if (k >= 0) {
                k = analyze_verbs[i].run(&a, opts, args + 1);
                analyze_done(&a);
        }
        boot_record_read_free(&r);
        if (fflush(stdout) != 0 || ferror(stdout)) {
                fprintf(stderr, "weftctl: analyze %s: cannot write the output: %s\n", verb, strerror(errno));
                return 1;
        }
        return k < 0 ? 1 : 0;
}
