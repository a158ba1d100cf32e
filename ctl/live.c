/* weftctl's verbs that go through a running weft: list-units, the job
 * verbs (start, stop, restart...), kill, reset-failed, is-active and
 * is-failed, list-jobs, list-sockets, show (live, else offline), the power
 * verbs, daemon-reload, log-level and log-target, and the manager's
 * environment block. Each sends one request (ctl/client.c) and prints
 * the reply the way systemctl prints the same answer; the exit status is
 * the reply's code, which the manager sets to systemctl's. status lives in
 * ctl/status.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/macro.h"
#include "base/strv.h"
#include "ctl/commands.h"
#include "ctl/format.h"
#include "parse/install.h"
#include "ctl/live.h"
#include "parse/value.h"

int live_ask(const struct ctl_options *opts, const char *verb, char **units, int timeout_ms,
             struct control_reply *ret)
{
        struct control_request req = ctl_request(opts, verb, units);
        return ctl_call(opts, &req, timeout_ms, false, ret) < 0 ? 1 : 0;
}

const char *live_get(const struct control_unit *u, const char *key, const char *def)
{
        const char *v = control_unit_get(u, key);
        return v ? v : def;
}

/* The reply's error on stderr, and its code as the exit status. */
static int finish(const struct ctl_options *opts, struct control_reply *reply)
{
        int code = reply->code;
        if (reply->error && *reply->error)
                fprintf(stderr, "%s\n", reply->error);
        control_reply_done(reply);
        return code;
}

static bool need_units(const struct ctl_options *opts, char **args)
{
        if (args && *args)
                return true;
        fprintf(stderr, "%s: %s: name at least one unit.\n", opts->program, opts->verb);
        return false;
}

static bool want_json(const struct ctl_options *opts, const struct control_reply *reply)
{
        if (!opts->json)
                return false;
        ctl_json_units(stdout, reply, opts->json_pretty);
        return true;
}

int cmd_list_units(const struct ctl_options *opts, char **args)
{
        struct control_reply reply = { 0 };
        struct ctl_table t;
        bool jobs = false;
        int r = live_ask(opts, "list-units", args, CTL_TIMEOUT_MS, &reply);

        if (r)
                return r;
        if (want_json(opts, &reply))
                return finish(opts, &reply);
        for (size_t i = 0; i < reply.n_units; i++)
                jobs |= control_unit_get(&reply.units[i], "JobType") != NULL;
        ctl_table_init(&t, jobs ? 7 : 6);
        const char *head[] = { " ", "UNIT", "LOAD", "ACTIVE", "SUB", jobs ? "JOB" : "DESCRIPTION", "DESCRIPTION" };
        if (reply.n_units && !opts->no_legend)
                ctl_table_add(&t, head);
        for (size_t i = 0; i < reply.n_units; i++) {
                const struct control_unit *u = &reply.units[i];
                const char *load = live_get(u, "LoadState", ""), *active = live_get(u, "ActiveState", "");
                /* systemctl marks what needs a look: not loaded, or failed. */
                bool mark = strcmp(load, "loaded") != 0 || strcmp(active, "failed") == 0;
                const char *desc = live_get(u, "Description", live_get(u, "Id", ""));
                const char *row[] = { mark ? "●" : " ", live_get(u, "Id", ""), load, active,
                                      live_get(u, "SubState", ""), jobs ? live_get(u, "JobType", "") : desc, desc };
                ctl_table_add(&t, row);
        }
        ctl_table_print(&t, stdout);
        ctl_table_done(&t);
        if (!opts->no_legend) {
                if (reply.n_units)
                        printf("\nLOAD   = Reflects whether the unit definition was properly loaded.\n"
                               "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n"
                               "SUB    = The low-level unit activation state, values depend on unit type.\n%s",
                               jobs ? "JOB    = Pending job for the unit.\n\n" : "");
                if (opts->all || (opts->state && strstr(opts->state, "inactive")))
                        printf("%zu loaded units listed.\n", reply.n_units);
                else if (!opts->state)
                        printf("%zu loaded units listed. Pass --all to see loaded but inactive units, too.\n",
                               reply.n_units);
                else
                        printf("%zu loaded units listed.\n", reply.n_units);
        }
        return finish(opts, &reply);
}

/* start, stop, restart, reload, try-restart, reload-or-restart: the reply
 * comes when the job finishes (at once with --no-block). */
int cmd_job(const struct ctl_options *opts, char **args)
{
        struct control_reply reply = { 0 };
        int r;

        if (!need_units(opts, args))
                return 1;
        r = live_ask(opts, opts->verb, args, opts->no_block ? CTL_TIMEOUT_MS : CTL_JOB_TIMEOUT_MS, &reply);
        if (r)
                return r;
        if (want_json(opts, &reply))
                return finish(opts, &reply);
        if (reply.code != 0 && reply.error && strncmp(reply.error, "Job for ", 8) == 0) {
                /* Name the unit to look at, as systemctl does. */
                const char *unit = reply.error + 8, *end = strchr(unit, ' ');
                int n = end ? (int) (end - unit) : (int) strlen(unit);
                fprintf(stderr, "%s\nSee \"%s status %.*s\" and \"%s logs %.*s\" for details.\n", reply.error,
                        opts->program, n, unit, opts->program[0] == 's' ? "weftctl" : opts->program, n, unit);
                freep_clear(&reply.error);
        }
        return finish(opts, &reply);
}

int cmd_kill(const struct ctl_options *opts, char **args)
{
        struct control_reply reply = { 0 };

        if (!need_units(opts, args))
                return 1;
        int r = live_ask(opts, "kill", args, CTL_TIMEOUT_MS, &reply);
        return r ? r : finish(opts, &reply);
}

/* reset-failed [UNIT...], cancel [JOB...], daemon-reload, poweroff, reboot, halt. */
int cmd_simple(const struct ctl_options *opts, char **args)
{
        struct control_reply reply = { 0 };
        int r = live_ask(opts, opts->verb, args, CTL_TIMEOUT_MS, &reply);
        return r ? r : finish(opts, &reply);
}

/* A variable's value as systemctl show-environment prints it (systemd's
 * shell_maybe_quote, POSIX mode): as it is when a shell would read it
 * back unchanged, else in $'...' with escapes from the first character
 * that needs them. */
static void print_env_value(const char *v)
{
        const unsigned char *p = (const unsigned char *) v;

        while (*p && *p >= ' ' && *p < 127 && !ctl_shell_special((char) *p))
                p++;
        if (!*p) {
                fputs(v, stdout);
                return;
        }
        printf("$'%.*s", (int) ((const char *) p - v), v);
        for (; *p; p++) {
                static const char cc[] = "\a\b\t\n\v\f\r", letters[] = "abtnvfr";
                const char *c = *p ? strchr(cc, *p) : NULL;
                if (c)
                        printf("\\%c", letters[c - cc]);
                else if (*p < ' ' || *p == 127)
                        printf("\\x%02x", *p);
                else if (*p == '\\' || *p == '\'')
                        printf("\\%c", *p);
                else
                        putchar(*p); /* UTF-8 bytes too: the manager took only valid UTF-8 */
        }
        putchar('\'');
}

/* show-environment: the manager's environment block, one NAME=VALUE a
 * line; set-environment NAME=VALUE..., unset-environment NAME...: change
 * it for the commands weft starts from now on. */
int cmd_environment(const struct ctl_options *opts, char **args)
{
        struct control_reply reply = { 0 };
        bool show = !strcmp(opts->verb, "show-environment");

        if (!show && !(args && *args)) {
                fprintf(stderr, "%s: %s: name at least one %s.\n", opts->program, opts->verb,
                        !strcmp(opts->verb, "set-environment") ? "NAME=VALUE" : "NAME");
                return 1;
        }
        int r = live_ask(opts, opts->verb, show ? NULL : args, CTL_TIMEOUT_MS, &reply);
        if (r)
                return r;
        if (show && !want_json(opts, &reply))
                for (size_t i = 0; i < reply.n_units; i++) {
                        const char *e = live_get(&reply.units[i], "Environment", ""), *eq = strchr(e, '=');
                        if (!eq)
                                continue;
                        printf("%.*s=", (int) (eq - e), e);
                        print_env_value(eq + 1);
                        putchar('\n');
                }
        if (!show && reply.error && *reply.error) {
                fprintf(stderr, "Failed to %s environment: %s\n", opts->verb[0] == 's' ? "set" : "unset", reply.error);
                freep_clear(&reply.error);
        }
        return finish(opts, &reply);
}

/* is-system-running: the manager's state on stdout (systemctl's words);
 * exit 0 only when it is "running". */
int cmd_system_state(const struct ctl_options *opts, char **args)
{
        struct control_reply reply = { 0 };
        int r = live_ask(opts, "is-system-running", NULL, CTL_TIMEOUT_MS, &reply);
        if (r)
                return r;
        if (want_json(opts, &reply))
                return finish(opts, &reply);
        if (reply.text)
                printf("%s\n", reply.text);
        return finish(opts, &reply);
}

/* log-level [LEVEL], log-target [TARGET]: print the current one, or set
 * it (the manager judges the name, as it does for the bus). */
int cmd_log_setting(const struct ctl_options *opts, char **args)
{
        struct control_reply reply = { 0 };
        int r;

        if (args && args[0] && args[1]) {
                fprintf(stderr, "%s: %s: takes one value at most.\n", opts->program, opts->verb);
                return 1;
        }
        r = live_ask(opts, opts->verb, args && args[0] ? args : NULL, CTL_TIMEOUT_MS, &reply);
        if (r)
                return r;
        if (reply.text && reply.code == 0)
                printf("%s\n", reply.text);
        return finish(opts, &reply);
}

int cmd_exit(const struct ctl_options *opts, char **args)
{
        struct ctl_options o = *opts;
        struct control_reply reply = { 0 };
        struct control_request req;
        char *end;

        req = ctl_request(&o, "exit", NULL);
        if (args && *args) {
                errno = 0;
                long code = strtol(*args, &end, 10);
                if (errno || *end || end == *args || code < 0 || code > 255 || args[1]) {
                        fprintf(stderr, "%s: exit: invalid exit code: %s\n", opts->program, *args);
                        return 1;
                }
                req.exit_code = (int) code;
        }
        if (ctl_call(opts, &req, CTL_TIMEOUT_MS, false, &reply) < 0)
                return 1;
        return finish(opts, &reply);
}

/* is-active, is-failed: one state per line; the manager's code. */
int cmd_is_state(const struct ctl_options *opts, char **args)
{
        struct control_reply reply = { 0 };

        if (!need_units(opts, args))
                return 1;
        int r = live_ask(opts, opts->verb, args, CTL_TIMEOUT_MS, &reply);
        if (r)
                return r;
        if (!want_json(opts, &reply) && !opts->quiet)
                for (size_t i = 0; i < reply.n_units; i++)
                        printf("%s\n", live_get(&reply.units[i], "ActiveState", "unknown"));
        freep_clear(&reply.error); /* systemctl says nothing more */
        return finish(opts, &reply);
}

/* list-jobs --after/--before: under job row, a row per job that waits for
 * it (verb job-after) or that it waits for (job-before), as systemctl
 * prints them (GetJobAfter, GetJobBefore). */
static void add_waiting_rows(const struct ctl_options *opts, struct ctl_table *t, const char *id, const char *verb,
                             const char *prefix)
{
        struct control_reply reply = { 0 };
        char *args[] = { (char *) id, NULL };
        if (live_ask(opts, verb, args, CTL_TIMEOUT_MS, &reply) != 0)
                return;
        for (size_t i = 0; reply.code == 0 && i < reply.n_units; i++) {
                const struct control_unit *u = &reply.units[i];
                char *row = NULL;
                if (asprintf(&row, "%s %s (%s/%s)", prefix, live_get(u, "JobId", ""), live_get(u, "Id", ""),
                             live_get(u, "JobType", "")) < 0)
                        break;
                const char *cells[] = { "└─", row, "-", "-" };
                ctl_table_add(t, cells);
                free(row);
        }
        control_reply_done(&reply);
}

int cmd_list_jobs(const struct ctl_options *opts, char **args)
{
        struct control_reply reply = { 0 };
        struct ctl_table t;
        bool ids = false;
        int r = live_ask(opts, "list-jobs", args, CTL_TIMEOUT_MS, &reply);

        if (r)
                return r;
        if (want_json(opts, &reply))
                return finish(opts, &reply);
        if (reply.n_units == 0) {
                if (!opts->no_legend)
                        printf("No jobs running.\n");
                return finish(opts, &reply);
        }
        for (size_t i = 0; i < reply.n_units; i++)
                ids |= control_unit_get(&reply.units[i], "JobId") != NULL;
        ctl_table_init(&t, ids ? 4 : 3);
        const char *head[] = { "JOB", "UNIT", "TYPE", "STATE" };
        if (!opts->no_legend)
                ctl_table_add(&t, ids ? head : head + 1);
        for (size_t i = 0; i < reply.n_units; i++) {
                const struct control_unit *u = &reply.units[i];
                const char *row[] = { live_get(u, "JobId", ""), live_get(u, "Id", ""), live_get(u, "JobType", ""),
                                      live_get(u, "JobState", "") };
                ctl_table_add(&t, ids ? row : row + 1);
                /* systemctl 252's words: this job blocks job X, waits for job X. */
                if (ids && opts->jobs_after)
                        add_waiting_rows(opts, &t, row[0], "job-after", "\tblocking job");
                if (ids && opts->jobs_before)
                        add_waiting_rows(opts, &t, row[0], "job-before", "\twaiting for job");
        }
        ctl_table_print(&t, stdout);
        ctl_table_done(&t);
        if (!opts->no_legend)
                printf("\n%zu jobs listed.\n", reply.n_units);
        return finish(opts, &reply);
}

int cmd_list_sockets(const struct ctl_options *opts, char **args)
{
        struct control_reply reply = { 0 };
        struct ctl_table t;
        int r = live_ask(opts, "list-sockets", args, CTL_TIMEOUT_MS, &reply);

        if (r)
                return r;
        if (want_json(opts, &reply))
                return finish(opts, &reply);
        ctl_table_init(&t, 3);
        const char *head[] = { "LISTEN", "UNIT", "ACTIVATES" };
        if (reply.n_units && !opts->no_legend)
                ctl_table_add(&t, head);
        for (size_t i = 0; i < reply.n_units; i++) {
                const struct control_unit *u = &reply.units[i];
                const char *row[] = { live_get(u, "Listen", ""), live_get(u, "Unit", ""), live_get(u, "Activates", "") };
                ctl_table_add(&t, row);
        }
        ctl_table_print(&t, stdout);
        ctl_table_done(&t);
        if (!opts->no_legend) {
                printf("%s%zu sockets listed.\n", reply.n_units ? "\n" : "", reply.n_units);
                if (!opts->all)
                        printf("Pass --all to see loaded but inactive sockets, too.\n");
        }
        return finish(opts, &reply);
}

/* systemctl's order: by path, then condition, then unit. */
static int compare_path_rows(const void *a, const void *b)
{
        const struct control_unit *x = a, *y = b;
        static const char *const keys[] = { "Path", "Condition", "Unit" };
        for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
                int c = strcmp(live_get(x, keys[i], ""), live_get(y, keys[i], ""));
                if (c)
                        return c;
        }
        return 0;
}

int cmd_list_paths(const struct ctl_options *opts, char **args)
{
        struct control_reply reply = { 0 };
        struct ctl_table t;
        int r = live_ask(opts, "list-paths", args, CTL_TIMEOUT_MS, &reply);

        if (r)
                return r;
        if (want_json(opts, &reply))
                return finish(opts, &reply);
        if (reply.n_units > 1)
                qsort(reply.units, reply.n_units, sizeof *reply.units, compare_path_rows);
        ctl_table_init(&t, 4);
        const char *head[] = { "PATH", "CONDITION", "UNIT", "ACTIVATES" };
        if (reply.n_units && !opts->no_legend)
                ctl_table_add(&t, head);
        for (size_t i = 0; i < reply.n_units; i++) {
                const struct control_unit *u = &reply.units[i];
                const char *row[] = { live_get(u, "Path", ""), live_get(u, "Condition", ""), live_get(u, "Unit", ""),
                                      live_get(u, "Activates", "") };
                ctl_table_add(&t, row);
        }
        ctl_table_print(&t, stdout);
        ctl_table_done(&t);
        if (!opts->no_legend) {
                printf("%s%zu paths listed.\n", reply.n_units ? "\n" : "", reply.n_units);
                if (!opts->all)
                        printf("Pass --all to see loaded but inactive paths, too.\n");
        }
        return finish(opts, &reply);
}

static void print_property(const struct ctl_options *opts, const char *key, const char *value)
{
        /* Like systemctl: empty values only when asked for by name or
         * --all; the same for Job, a job's id, when there is none. */
        bool empty = !*value || (!strcmp(key, "Job") && !strcmp(value, "0"));
        if (empty && !opts->all && !opts->properties)
                return;
        if (opts->value_only)
                printf("%s\n", value);
        else
                printf("%s=%s\n", key, value);
}

/* Documentation=, a space-separated list from the manager, as systemctl
 * shows it (ctl_print_word). NULL when out of memory. */
static char *quote_words(const char *value)
{
        char *q = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&q, &n);
        if (!f)
                return NULL;
        bool first = true;
        for (const char *w = value + strspn(value, " "); *w; w += strspn(w, " ")) {
                size_t len = strcspn(w, " ");
                if (!first)
                        fputc(' ', f);
                ctl_print_word(f, w, len);
                first = false;
                w += len;
        }
        if (fclose(f) != 0) {
                free(q);
                return NULL;
        }
        return q;
}

/* Timer properties the manager sends as µs and systemctl shows as a date
 * (0: "n/a") or a time span (0: "infinity", as systemd keeps "none"). */
static const char *show_value(const char *key, const char *value, char *buf, size_t size)
{
        static const char *const dates[] = { "NextElapseUSecRealtime", "LastTriggerUSec" };
        static const char *const spans[] = { "NextElapseUSecMonotonic", "AccuracyUSec", "RandomizedDelayUSec" };
        uint64_t v = strtoull(value, NULL, 10);
        for (size_t i = 0; i < ELEMENTSOF(dates); i++)
                if (strcmp(key, dates[i]) == 0)
                        return v ? ctl_format_timestamp(buf, size, v) : "n/a";
        for (size_t i = 0; i < ELEMENTSOF(spans); i++)
                if (strcmp(key, spans[i]) == 0)
                        return format_timespan(buf, size, v || i > 0 ? v : USEC_INFINITY);
        return value;
}

/* show: the manager's live values; the unit files when no manager runs. */
int cmd_show_live(const struct ctl_options *opts, char **args)
{
        struct control_reply reply = { 0 };
        struct control_request req;
        int r;

        if (opts->root)
                return cmd_show(opts, args);
        req = ctl_request(opts, "show", args);
        r = ctl_call(opts, &req, CTL_TIMEOUT_MS, true, &reply);
        if (ctl_unreachable(r)) {
                fprintf(stderr, "%s: weft is not running at %s; showing the unit files\n", opts->program,
                        ctl_runtime_dir(opts));
                return cmd_show(opts, args);
        }
        if (r < 0)
                return 1;
        if (want_json(opts, &reply))
                return finish(opts, &reply);
        for (size_t i = 0; i < reply.n_units; i++) {
                const struct control_unit *u = &reply.units[i];
                if (i)
                        printf("\n");
                /* In the manager's order, which is systemctl's, whatever
                 * the order of -p. */
                char buf[128];
                for (size_t k = 0; u->keys && u->keys[k]; k++) {
                        if (opts->properties && !strv_contains(opts->properties, u->keys[k]))
                                continue;
                        char *quoted = strcmp(u->keys[k], "Documentation") ? NULL : quote_words(u->values[k]);
                        print_property(opts, u->keys[k],
                                       quoted ? quoted : show_value(u->keys[k], u->values[k], buf, sizeof buf));
                        free(quoted);
                }
        }
        return finish(opts, &reply);
}
