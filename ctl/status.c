/* `weftctl status UNIT...`: systemctl status's block for each unit, from
 * the manager's status reply, then the last lines of the unit's log file:
 *
 *   ● foo.service - Foo
 *        Loaded: loaded (/etc/systemd/system/foo.service; enabled; preset: enabled)
 *       Drop-In: /etc/systemd/system/foo.service.d
 *                └─override.conf
 *        Active: active (running) since Tue 2024-05-21 10:00:00 UTC; 5s ago
 *      Main PID: 1234 (foo)
 *        Status: "Ready"
 *
 *   <log lines>
 *
 * A unit skipped because a unit it requires did not start has, under
 * Active: inactive (dead), the line
 *    Dependency: a.service did not start, so this unit was not started (job result: dependency)
 *
 * Exit status: the manager's (0 all active, 3 one is not, 4 one is unknown). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/macro.h"
#include "base/strv.h"
#include "ctl/commands.h"
#include "ctl/format.h"
#include "parse/install.h"
#include "ctl/live.h"
#include "sockets/notify.h"
#include "ctl/logs.h"

#define LABEL "%11s: "
#define STATUS_LINES_DEFAULT 10

static uint64_t get_u64(const struct control_unit *u, const char *key)
{
        const char *v = control_unit_get(u, key);
        return v ? strtoull(v, NULL, 10) : 0;
}

/* ● active or reloading, × failed, ○ anything else (systemctl 252). */
static const char *bullet(const char *active)
{
        if (strcmp(active, "active") == 0 || strcmp(active, "reloading") == 0 ||
            strcmp(active, "activating") == 0 || strcmp(active, "deactivating") == 0)
                return "●";
        if (strcmp(active, "failed") == 0)
                return "×";
        return "○";
}

/* systemctl hides the preset where it would only confuse (show_preset_for_state). */
static bool preset_shown(const char *state)
{
        static const char *const hidden[] = { "alias", "static", "generated", "transient" };
        for (size_t i = 0; i < sizeof hidden / sizeof *hidden; i++)
                if (strcmp(state, hidden[i]) == 0)
                        return false;
        return true;
}

/* "Loaded: loaded (PATH; STATE; preset: PRESET)": the state and preset of
 * the fragment's file name, as the unit object's UnitFileState and
 * UnitFilePreset say them (install_unit_file_info). */
static void print_loaded(const struct control_unit *u)
{
        const char *load = live_get(u, "LoadState", "not-found"), *path = live_get(u, "FragmentPath", "");
        const char *state = control_unit_get(u, "UnitFileState"), *preset = control_unit_get(u, "UnitFilePreset");
        const char *slash = strrchr(path, '/');

        if (strcmp(load, "not-found") == 0) {
                printf(LABEL "%s (Reason: Unit %s not found.)\n", "Loaded", load, live_get(u, "Id", ""));
                return;
        }
        if (!state && slash && slash[1])
                (void) install_unit_file_info("weftctl", NULL, NULL, slash + 1, &state, &preset);
        if (*path && state && *state && preset && *preset && preset_shown(state))
                printf(LABEL "%s (%s; %s; preset: %s)\n", "Loaded", load, path, state, preset);
        else if (*path && state && *state)
                printf(LABEL "%s (%s; %s)\n", "Loaded", load, path, state);
        else if (*path)
                printf(LABEL "%s (%s)\n", "Loaded", load, path);
        else
                printf(LABEL "%s\n", "Loaded", load);
}

/* One line per drop-in directory, its files after "└─", comma-separated. */
static void print_dropins(const struct control_unit *u)
{
        const char *v = control_unit_get(u, "DropInPaths");
        char *copy = v ? strdup(v) : NULL, *save = NULL, *dir = NULL;
        bool first = true;

        for (char *p = copy ? strtok_r(copy, " ", &save) : NULL; p; p = strtok_r(NULL, " ", &save)) {
                char *slash = strrchr(p, '/');
                if (!slash)
                        continue;
                *slash = 0;
                if (!dir || strcmp(dir, p) != 0) {
                        printf("%s" LABEL "%s\n%13s└─%s", first ? "" : "\n", first ? "Drop-In" : "", p, "",
                               slash + 1);
                        first = false;
                        dir = p;
                } else
                        printf(", %s", slash + 1);
        }
        if (!first)
                printf("\n");
        free(copy);
}

/* "DATE; AGO" for a CLOCK_MONOTONIC µs stamp of the manager's. */
static const char *when_and_ago(uint64_t mono, char *buf, size_t size)
{
        char date[96], ago[32];
        uint64_t real = ctl_monotonic_to_realtime(mono);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t now = timespec_usec(ts);
        snprintf(buf, size, "%s; %s", ctl_format_timestamp(date, sizeof date, real),
                 ctl_format_relative(ago, sizeof ago, now > real ? now - real : 0));
        return buf;
}

static void print_active(const struct control_unit *u)
{
        const char *active = live_get(u, "ActiveState", "inactive"), *sub = control_unit_get(u, "SubState");
        const char *result = control_unit_get(u, "Result");
        const char *stamp_key;
        char when[160];

        printf(LABEL "%s", "Active", active);
        if (sub && *sub)
                printf(" (%s)", sub);
        if (result && *result && strcmp(result, "success") != 0)
                printf(" (Result: %s)", result);
        if (strcmp(active, "active") == 0 || strcmp(active, "reloading") == 0)
                stamp_key = "ActiveEnterTimestampMonotonic";
        else if (strcmp(active, "inactive") == 0 || strcmp(active, "failed") == 0)
                stamp_key = "InactiveEnterTimestampMonotonic";
        else if (strcmp(active, "activating") == 0)
                stamp_key = "InactiveExitTimestampMonotonic";
        else
                stamp_key = "ActiveExitTimestampMonotonic";
        uint64_t mono = get_u64(u, stamp_key);
        if (mono > 0)
                printf(" since %s", when_and_ago(mono, when, sizeof when));
        printf("\n");
}

/* A unit that never ran because a unit it requires did not start keeps
 * Result=success (as in systemd); say which unit it waited for. */
static void print_dependency(const struct control_unit *u)
{
        const char *job = control_unit_get(u, "JobResult"), *dep = control_unit_get(u, "FailedDependency");
        const char *active = live_get(u, "ActiveState", "inactive");

        if (!job || strcmp(job, "dependency") != 0 || strcmp(active, "inactive") != 0)
                return;
        if (dep && *dep)
                printf(LABEL "%s did not start, so this unit was not started (job result: dependency)\n",
                       "Dependency", dep);
        else
                printf(LABEL "a required unit did not start, so this unit was not started (job result: dependency)\n",
                       "Dependency");
}

/* A failed Condition*= or Assert*= (the last check), as systemctl:
 * "start condition failed at DATE; AGO", then what was not met (a tree
 * branch before a condition, none before an assertion, as systemctl 252). */
static void print_check(const struct control_unit *u, const char *prefix, const char *what, const char *branch)
{
        char result[32], stamp[64], failed[32], when[160];
        snprintf(result, sizeof result, "%sResult", prefix);
        snprintf(stamp, sizeof stamp, "%sTimestampMonotonic", prefix);
        snprintf(failed, sizeof failed, "%sFailed", prefix);
        const char *v = control_unit_get(u, result), *f = control_unit_get(u, failed);
        uint64_t mono = get_u64(u, stamp);

        if (!v || strcmp(v, "no") != 0 || mono == 0)
                return;
        printf(LABEL "start %s failed at %s\n", prefix, what, when_and_ago(mono, when, sizeof when));
        if (f && *f)
                printf("%13s%s%s was not met\n", "", branch, f);
}

/* One line of a list under label: the label on the first only. */
static void print_item(const char *label, bool first, const char *prefix, const char *text)
{
        if (first)
                printf(LABEL "%s%s\n", label, prefix, text);
        else
                printf("%13s%s%s\n", "", prefix, text);
}

/* The words of the space-separated list, one a line, after prefix. */
static void print_words(const char *label, const char *prefix, const char *list)
{
        char *copy = list ? strdup(list) : NULL, *save = NULL;
        bool first = true;

        for (char *p = copy ? strtok_r(copy, " ", &save) : NULL; p; p = strtok_r(NULL, " ", &save)) {
                print_item(label, first, prefix, p);
                first = false;
        }
        free(copy);
}

/* A socket's addresses, one Listen value each, and its Accept=yes counters. */
static void print_listen(const struct control_unit *u)
{
        bool first = true;
        for (size_t k = 0; u->keys && u->keys[k]; k++) /* decoded: NULL-ended, n unset */
                if (!strcmp(u->keys[k], "Listen")) {
                        print_item("Listen", first, "", u->values[k]);
                        first = false;
                }
        if (live_get(u, "Accept", "no")[0] == 'y')
                printf(LABEL "%llu; Connected: %llu;\n", "Accepted", (unsigned long long) get_u64(u, "NAccepted"),
                       (unsigned long long) get_u64(u, "NConnections"));
}

/* "1234 (sleep)": the name from /proc when it can be read. */
static void print_pid(const char *label, uint64_t pid)
{
        char path[64], comm[64] = "";
        snprintf(path, sizeof path, "/proc/%llu/comm", (unsigned long long) pid);
        FILE *f = fopen(path, "re");
        if (f) {
                if (fgets(comm, sizeof comm, f))
                        comm[strcspn(comm, "\n")] = 0;
                fclose(f);
        }
        if (*comm)
                printf(LABEL "%llu (%s)\n", label, (unsigned long long) pid, comm);
        else
                printf(LABEL "%llu\n", label, (unsigned long long) pid);
}

static void print_unit(const struct ctl_options *opts, const struct control_unit *u)
{
        const char *id = live_get(u, "Id", "");
        const char *desc = control_unit_get(u, "Description");
        const char *status = control_unit_get(u, "StatusText");
        uint64_t errno_value = get_u64(u, "StatusErrno");

        printf("%s %s", bullet(live_get(u, "ActiveState", "inactive")), id);
        if (desc && *desc && strcmp(desc, id) != 0)
                printf(" - %s", desc);
        printf("\n");
        print_loaded(u);
        print_dropins(u);
        print_active(u);
        print_dependency(u);
        print_check(u, "Condition", "condition", "└─ ");
        print_check(u, "Assert", "assertion", "");
        ctl_print_timer_trigger(u);
        print_words("TriggeredBy", "● ", control_unit_get(u, "TriggeredBy"));
        print_words("Triggers", "● ", control_unit_get(u, "Triggers"));
        print_words("Docs", "", control_unit_get(u, "Documentation"));
        print_listen(u);
        if (control_unit_get(u, "BusName"))
                printf(LABEL "%s (%s)\n", "Bus name", control_unit_get(u, "BusName"),
                       live_get(u, "BusNameOwned", "no")[0] == 'y' ? "owned" : "not owned");
        if (get_u64(u, "MainPID") > 0)
                print_pid("Main PID", get_u64(u, "MainPID"));
        if (get_u64(u, "ControlPID") > 0)
                print_pid("Cntrl PID", get_u64(u, "ControlPID"));
        if (status && *status)
                printf(LABEL "\"%s\"\n", "Status", status);
        if (errno_value > 0)
                printf(LABEL "%llu (%s)\n", "Error", (unsigned long long) errno_value, strerror((int) errno_value));

        const char *log = control_unit_get(u, "LogPath");
        int lines = opts->lines >= 0 ? opts->lines : STATUS_LINES_DEFAULT;
        if (log && *log && lines > 0) {
                char *tail = NULL;
                if (logs_tail_file(log, (unsigned) lines, &tail) >= 0 && tail && *tail)
                        printf("\n%s%s", tail, tail[strlen(tail) - 1] == '\n' ? "" : "\n");
                free(tail);
        }
}

/* name, or for a PID (all digits) the unit it belongs to, as systemctl
 * status PID has it: the process's groups and ancestors read here, the
 * unit asked of weft (unit-of-pid). NULL, said why, when there is none. */
static char *unit_of(const struct ctl_options *opts, const char *name)
{
        struct control_reply reply = { 0 };
        char **args = NULL, *id = NULL;
        char *end;
        long pid = strtol(name, &end, 10);

        if (*end || !*name || name[0] == '-')
                return strdup(name);
        int r = pid > 0 && pid <= INT_MAX ? notify_pid_info_args((pid_t) pid, &args) : -ESRCH;
        if (r < 0)
                fprintf(stderr, "PID %s does not belong to any loaded unit.\n", name);
        else if (live_ask(opts, "unit-of-pid", args, CTL_TIMEOUT_MS, &reply) == 0) {
                const char *v = reply.n_units ? control_unit_get(&reply.units[0], "Id") : NULL;
                if (v)
                        id = strdup(v);
                else
                        fprintf(stderr, "%s\n", reply.error ? reply.error : "no unit");
        }
        control_reply_done(&reply);
        strv_free(args);
        return id;
}

int cmd_status(const struct ctl_options *opts, char **args)
{
        struct control_reply reply = { 0 };
        char **names = NULL;
        bool first = true;
        int r, code;

        STRV_FOREACH(a, args) {
                char *n = unit_of(opts, *a);
                if (!n || strv_consume(&names, n) < 0) {
                        strv_free(names);
                        return 4; /* systemctl's "no such unit" */
                }
        }
        r = live_ask(opts, "status", names, CTL_TIMEOUT_MS, &reply);
        strv_free(names);
        if (r)
                return r;
        if (opts->json) {
                ctl_json_units(stdout, &reply, opts->json_pretty);
        } else
                for (size_t i = 0; i < reply.n_units; i++) {
                        const struct control_unit *u = &reply.units[i];
                        if (strcmp(live_get(u, "LoadState", ""), "not-found") == 0 &&
                            !*live_get(u, "FragmentPath", "")) {
                                fprintf(stderr, "Unit %s could not be found.\n", live_get(u, "Id", ""));
                                continue;
                        }
                        if (!first)
                                printf("\n");
                        first = false;
                        print_unit(opts, u);
                        /* As systemctl: after the unit, on stderr. */
                        if (live_get(u, "NeedDaemonReload", "no")[0] == 'y') {
                                fflush(stdout);
                                fprintf(stderr,
                                        "Warning: The unit file, source configuration file or drop-ins of %s changed on "
                                        "disk. Run 'weftctl daemon-reload' to reload units.\n",
                                        live_get(u, "Id", ""));
                        }
                }
        code = reply.code;
        if (reply.error && *reply.error && reply.n_units == 0)
                fprintf(stderr, "%s\n", reply.error);
        control_reply_done(&reply);
        return code;
}
