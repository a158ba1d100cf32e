/* `weftctl list-timers` and the "Trigger:" line of `weftctl status X.timer`,
 * as systemctl prints them:
 *
 *   NEXT                        LEFT       LAST                        PASSED  UNIT    ACTIVATES
 *   Thu 2024-05-23 00:00:00 UTC 13h left   Wed 2024-05-22 00:00:03 UTC 10h ago a.timer a.service
 *
 *   1 timers listed.
 *   Pass --all to see loaded but inactive timers, too.
 *
 * sorted by the next elapse, "n/a" (none) last. The next elapse is the
 * earlier of the calendar one and the monotonic one shown on the wall clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/macro.h"
#include "ctl/commands.h"
#include "ctl/format.h"
#include "ctl/live.h"

static uint64_t get_u64(const struct control_unit *u, const char *key)
{
        const char *v = control_unit_get(u, key);
        return v ? strtoull(v, NULL, 10) : 0;
}

static uint64_t realtime_now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return timespec_usec(ts);
}

/* The next elapse on the wall clock, 0: none (systemctl's get_next_elapse). */
static uint64_t next_elapse(const struct control_unit *u)
{
        uint64_t real = get_u64(u, "NextElapseUSecRealtime"), mono = get_u64(u, "NextElapseUSecMonotonic");
        uint64_t m = mono ? ctl_monotonic_to_realtime(mono) : 0;
        if (!real || (m && m < real))
                return m;
        return real;
}

void ctl_print_timer_trigger(const struct control_unit *u)
{
        char when[128], left[64];
        if (!control_unit_get(u, "NextElapseUSecRealtime"))
                return; /* not a timer */
        uint64_t next = next_elapse(u), now = realtime_now();
        if (!next) {
                printf("%11s: n/a\n", "Trigger");
                return;
        }
        printf("%11s: %s; %s\n", "Trigger", ctl_format_timestamp(when, sizeof when, next),
               ctl_format_left(left, sizeof left, next > now ? next - now : 0));
}

struct row {
        const struct control_unit *u;
        uint64_t next;
};

static int by_next(const void *a, const void *b)
{
        const struct row *x = a, *y = b;
        uint64_t nx = x->next ? x->next : UINT64_MAX, ny = y->next ? y->next : UINT64_MAX;
        if (nx != ny)
                return nx < ny ? -1 : 1;
        return strcmp(live_get(x->u, "Id", ""), live_get(y->u, "Id", ""));
}

int cmd_list_timers(const struct ctl_options *opts, char **args)
{
        struct control_reply reply = { 0 };
        struct ctl_table t;
        int r = live_ask(opts, "list-timers", args, CTL_TIMEOUT_MS, &reply);

        if (r)
                return r;
        if (opts->json) {
                ctl_json_units(stdout, &reply, opts->json_pretty);
                goto out;
        }
        struct row *rows = calloc(reply.n_units ? reply.n_units : 1, sizeof *rows);
        if (!rows) {
                fprintf(stderr, "%s: out of memory\n", opts->program);
                control_reply_done(&reply);
                return 1;
        }
        for (size_t i = 0; i < reply.n_units; i++)
                rows[i] = (struct row) { &reply.units[i], next_elapse(&reply.units[i]) };
        qsort(rows, reply.n_units, sizeof *rows, by_next);
        ctl_table_init(&t, 6);
        const char *head[] = { "NEXT", "LEFT", "LAST", "PASSED", "UNIT", "ACTIVATES" };
        if (reply.n_units && !opts->no_legend)
                ctl_table_add(&t, head);
        uint64_t now = realtime_now();
        for (size_t i = 0; i < reply.n_units; i++) {
                char next[128] = "n/a", left[64] = "n/a", last[128] = "n/a", passed[64] = "n/a";
                uint64_t lt = get_u64(rows[i].u, "LastTriggerUSec");
                if (rows[i].next) {
                        ctl_format_timestamp(next, sizeof next, rows[i].next);
                        ctl_format_left(left, sizeof left, rows[i].next > now ? rows[i].next - now : 0);
                }
                if (lt) {
                        ctl_format_timestamp(last, sizeof last, lt);
                        ctl_format_relative(passed, sizeof passed, now > lt ? now - lt : 0);
                }
                const char *row[] = { next, left, last, passed, live_get(rows[i].u, "Id", ""),
                                      live_get(rows[i].u, "Activates", "") };
                ctl_table_add(&t, row);
        }
        ctl_table_print(&t, stdout);
        ctl_table_done(&t);
        free(rows);
        if (!opts->no_legend) {
                printf("%s%zu timers listed.\n", reply.n_units ? "\n" : "", reply.n_units);
                if (!opts->all)
                        printf("Pass --all to see loaded but inactive timers, too.\n");
        }
out:;
        int code = reply.code;
        if (reply.error && *reply.error)
                fprintf(stderr, "%s\n", reply.error);
        control_reply_done(&reply);
        return code;
}
