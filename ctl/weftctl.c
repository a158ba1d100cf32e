/* weftctl: the command-line client. This file parses the global options
 * and dispatches to a verb in ctl/. Installed also as `systemctl`: called
 * by that name it answers the same verbs (they are systemctl's spellings,
 * with systemctl's aliases) and runs list-units when no verb is given.
 *
 * Live verbs talk to weft over RUNTIME_DIR/control (ctl/client.c); the
 * install verbs, cat, list-dependencies, logs and verify work on files. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/macro.h"
#include "base/strv.h"
#include "ctl/commands.h"
#include "parse/value.h"

static const struct verb {
        const char *verb;
        const char *wire; /* the verb sent to the manager, if not the same */
        int (*run)(const struct ctl_options *opts, char **args);
        const char *help; /* NULL: an alias, not listed */
} verbs[] = {
        { "list-units", NULL, cmd_list_units, "list-units [--all] [--state=S]   units in memory" },
        { "status", NULL, cmd_status, "status [UNIT...] [-n N]   state, main PID, status text, last log lines" },
        { "show", NULL, cmd_show_live, "show UNIT... [-p PROP,...] [-P PROP] [--value] [--all]   properties (offline if weft is not running)" },
        { "start", NULL, cmd_job, "start UNIT... [--no-block]   start units and wait for the jobs" },
        { "stop", NULL, cmd_job, "stop UNIT... [--no-block]" },
        { "restart", NULL, cmd_job, "restart UNIT... [--no-block]" },
        { "reload", NULL, cmd_job, "reload UNIT... [--no-block]" },
        { "try-restart", NULL, cmd_job, "try-restart UNIT...   restart units that are running" },
        { "isolate", NULL, cmd_job, "isolate UNIT   start it and stop every unit it does not need (AllowIsolate=yes)" },
        { "condrestart", "try-restart", cmd_job, NULL },
        { "reload-or-restart", NULL, cmd_job, "reload-or-restart UNIT..." },
        { "try-reload-or-restart", NULL, cmd_job, "try-reload-or-restart UNIT...   reload if it can, else restart; only if running" },
        { "force-reload", "try-reload-or-restart", cmd_job, NULL },
        { "reload-or-try-restart", "try-reload-or-restart", cmd_job, NULL },
        { "kill", NULL, cmd_kill, "kill UNIT... [--signal=S] [--kill-whom=main|control|all]" },
        { "reset-failed", NULL, cmd_simple, "reset-failed [UNIT...]" },
        { "is-active", NULL, cmd_is_state, "is-active UNIT...   exit 0 if all are active" },
        { "is-failed", NULL, cmd_is_state, "is-failed UNIT...   exit 0 if one has failed" },
        { "is-system-running", NULL, cmd_system_state, "is-system-running   initializing, starting, running, degraded, maintenance or stopping" },
        { "list-jobs", NULL, cmd_list_jobs, "list-jobs [--after] [--before]   the jobs, and which wait for which" },
        { "cancel", NULL, cmd_simple, "cancel [JOB...]   end those jobs (none: every job); their units stay as they are" },
        { "list-sockets", NULL, cmd_list_sockets, "list-sockets [--all]" },
        { "list-timers", NULL, cmd_list_timers, "list-timers [--all]" },
        { "list-paths", NULL, cmd_list_paths, "list-paths [--all]   the paths path units watch" },
        { "daemon-reload", NULL, cmd_simple, "daemon-reload" },
        { "daemon-reexec", NULL, cmd_simple, "daemon-reexec   a daemon-reload (weft does not re-execute itself)" },
        { "log-level", NULL, cmd_log_setting, "log-level [LEVEL]   weft's log level (emerg...debug), or set it" },
        { "log-target", NULL, cmd_log_setting, "log-target [TARGET]   weft's log target (console, auto, null), or set it" },
        { "show-environment", NULL, cmd_environment, "show-environment   the environment every command weft starts gets first" },
        { "set-environment", NULL, cmd_environment, "set-environment NAME=VALUE... | unset-environment NAME...   change it for commands started later" },
        { "unset-environment", NULL, cmd_environment, NULL },
        { "poweroff", NULL, cmd_simple, "poweroff | reboot | halt | exit [CODE]   shut weft down" },
        { "reboot", NULL, cmd_simple, NULL },
        { "halt", NULL, cmd_simple, NULL },
        { "exit", NULL, cmd_exit, NULL },
        { "cat", NULL, cmd_cat, "cat UNIT...   the unit file and its drop-ins" },
        { "list-dependencies", NULL, cmd_list_dependencies, "list-dependencies [--reverse] [--all] [UNIT]" },
        { "enable", NULL, cmd_enable, "enable | disable | reenable UNIT... [--root DIR] [--now]   links from [Install]" },
        { "disable", NULL, cmd_enable, NULL },
        { "reenable", NULL, cmd_enable, NULL },
        { "mask", NULL, cmd_mask, "mask | unmask UNIT... [--root DIR]" },
        { "unmask", NULL, cmd_mask, NULL },
        { "revert", NULL, cmd_mask, "revert UNIT... [--root DIR]   drop-ins and overrides of vendor units removed" },
        { "link", NULL, cmd_mask, "link PATH... [--root DIR] [--force]   a unit file outside the unit path linked into it" },
        { "is-enabled", NULL, cmd_is_enabled, "is-enabled UNIT... [--root DIR]" },
        { "list-unit-files", NULL, cmd_list_unit_files, "list-unit-files [PATTERN...] [--state S] [--root DIR]   unit files and their states" },
        { "preset", NULL, cmd_preset, "preset UNIT... [--root DIR]   enable or disable as systemd.preset(5) files say" },
        { "get-default", NULL, cmd_get_default, "get-default | set-default TARGET [--root DIR]" },
        { "set-default", NULL, cmd_set_default, NULL },
        { "logs", NULL, cmd_logs, "logs UNIT [-n N] [-f]   the unit's log file" },
        { "verify", NULL, cmd_verify, "verify [--unit-path DIR]... UNIT|FILE...   check unit files, like systemd-analyze verify" },
        { "analyze", NULL, cmd_analyze, "analyze [--from FILE] time|blame|critical-chain [UNIT...]|plot|dot [--order|--require]|concurrency   the boot, from a boot record;\n"
                                                "           analyze calendar EXPR... [--iterations=N] [--base-time=T] | timespan SPAN...   offline" },
};

static void usage(FILE *f, const char *program)
{
        fprintf(f, "Usage: %s [OPTIONS] VERB [ARGS]\n\nVerbs:\n", program);
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (verbs[i].help)
                        fprintf(f, "  %s\n", verbs[i].help);
        fprintf(f, "\nOptions:\n"
                   "  --runtime-dir DIR   weft's runtime directory (default $WEFT_RUNTIME_DIR or /run/weft)\n"
                   "  --root DIR          install verbs, cat, show, list-dependencies: the tree under DIR\n"
                   "  --unit-path DIR     search DIR for units (repeat for more; default: weft's path)\n"
                   "  -p, --property P    show only these properties (comma-separated, repeatable)\n"
                   "  -P P                like -p P --value\n"
                   "  --value             print values without the Key= part\n"
                   "  -a, --all           all units, all properties\n"
                   "  --state S           list-units, list-unit-files: only units in these states (comma-separated)\n"
                   "  --no-block          do not wait for start/stop jobs to finish\n"
                   "  -s, --signal S      kill: the signal (name or number)\n"
                   "  --kill-whom=WHOM    kill: main, control or all (the default) processes; -fail: fail if none\n"
                   "  --reverse           list-dependencies: what pulls the unit in\n"
                   "  -n, --lines N       status, logs: this many log lines\n"
                   "  -f, --follow        logs: keep printing new lines\n"
                   "  --json[=MODE]       live verbs: JSON (short or pretty)\n"
                   "  -q, --quiet         no output from is-* and the install verbs\n"
                   "  --no-legend         tables without headers and footers\n"
                   "  --now               enable/disable: start/stop the units too\n"
                   "  --from FILE         analyze: read this boot record (default /run/weft/boot.yaml)\n"
                   "  --order, --require  analyze dot: only ordering, or only requirement edges\n"
                   "  --iterations N      analyze calendar: show this many elapses (default 1)\n"
                   "  --base-time T       analyze calendar: elapses after T instead of now\n"
                   "  --log-level LEVEL   err, warning, notice, info or debug\n"
                   "  -h, --help          this help\n");
}

static int add_list(char ***l, const char *arg, bool empty_means_none)
{
        char *copy = strdup(arg), *save = NULL;
        int r = copy ? 0 : -1;
        for (char *p = copy ? strtok_r(copy, ",", &save) : NULL; p && r >= 0; p = strtok_r(NULL, ",", &save))
                r = strv_extend(l, p);
        /* -p '' asks for no property at all, which still means "only these". */
        if (r >= 0 && !*l && empty_means_none)
                r = strv_extend(l, "");
        free(copy);
        return r;
}

static const char *program_name(const char *argv0)
{
        const char *b = strrchr(argv0, '/');
        b = b ? b + 1 : argv0;
        return strcmp(b, "systemctl") == 0 ? "systemctl" : "weftctl";
}

int main(int argc, char **argv)
{
        enum {
                OPT_UNIT_PATH = 0x100, OPT_VALUE, OPT_LOG_LEVEL, OPT_FROM, OPT_ORDER, OPT_REQUIRE,
                OPT_RUNTIME_DIR, OPT_ROOT, OPT_STATE, OPT_NO_BLOCK, OPT_JSON, OPT_REVERSE, OPT_NO_LEGEND,
                OPT_NOW, OPT_IGNORED, OPT_ITERATIONS, OPT_BASE_TIME, OPT_KILL_WHOM, OPT_FORCE, OPT_AFTER, OPT_BEFORE,
        };
        static const struct option options[] = {
                { "unit-path", required_argument, NULL, OPT_UNIT_PATH },
                { "property", required_argument, NULL, 'p' },
                { "value", no_argument, NULL, OPT_VALUE },
                { "all", no_argument, NULL, 'a' },
                { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
                { "from", required_argument, NULL, OPT_FROM },
                { "order", no_argument, NULL, OPT_ORDER },
                { "require", no_argument, NULL, OPT_REQUIRE },
                { "runtime-dir", required_argument, NULL, OPT_RUNTIME_DIR },
                { "root", required_argument, NULL, OPT_ROOT },
                { "state", required_argument, NULL, OPT_STATE },
                { "type", required_argument, NULL, 't' },
                { "no-block", no_argument, NULL, OPT_NO_BLOCK },
                { "signal", required_argument, NULL, 's' },
                { "kill-whom", required_argument, NULL, OPT_KILL_WHOM },
                { "kill-who", required_argument, NULL, OPT_KILL_WHOM },
                { "reverse", no_argument, NULL, OPT_REVERSE },
                { "after", no_argument, NULL, OPT_AFTER },
                { "before", no_argument, NULL, OPT_BEFORE },
                { "lines", required_argument, NULL, 'n' },
                { "follow", no_argument, NULL, 'f' },
                { "json", optional_argument, NULL, OPT_JSON },
                { "quiet", no_argument, NULL, 'q' },
                { "no-legend", no_argument, NULL, OPT_NO_LEGEND },
                { "now", no_argument, NULL, OPT_NOW },
                { "iterations", required_argument, NULL, OPT_ITERATIONS },
                { "base-time", required_argument, NULL, OPT_BASE_TIME },
                /* systemctl options that scripts pass and that change nothing here */
                { "no-pager", no_argument, NULL, OPT_IGNORED },
                { "system", no_argument, NULL, OPT_IGNORED },
                { "full", no_argument, NULL, 'l' },
                { "plain", no_argument, NULL, OPT_IGNORED },
                { "no-reload", no_argument, NULL, OPT_IGNORED },
                { "no-ask-password", no_argument, NULL, OPT_IGNORED },
                { "force", no_argument, NULL, OPT_FORCE },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        struct ctl_options o = { .program = program_name(argv[0]), .lines = -1 };
        char **states = NULL, *state = NULL;
        int c, status = 2;

        log_set_level(LOG_LEVEL_NOTICE);
        /* GNU getopt permutes argv, so options may follow the verb, as with systemctl. */
        while ((c = getopt_long(argc, argv, "p:P:ahs:n:fqlt:", options, NULL)) >= 0) {
                switch (c) {
                case OPT_UNIT_PATH:
                        if (strv_extend(&o.unit_paths, optarg) < 0)
                                goto out;
                        break;
                case 'P':
                        o.value_only = true;
                        /* fall through */
                case 'p':
                        if (add_list(&o.properties, optarg, true) < 0)
                                goto out;
                        break;
                case OPT_VALUE:
                        o.value_only = true;
                        break;
                case 'a':
                        o.all = true;
                        break;
                case OPT_LOG_LEVEL: {
                        enum log_level l = log_level_from_string(optarg);
                        if (l < 0) {
                                fprintf(stderr, "%s: unknown log level: %s\n", o.program, optarg);
                                goto out;
                        }
                        log_set_level(l);
                        break;
                }
                case OPT_FROM:
                        o.analyze_from = optarg;
                        break;
                case OPT_ORDER:
                        o.dot_order = true;
                        break;
                case OPT_REQUIRE:
                        o.dot_require = true;
                        break;
                case OPT_RUNTIME_DIR:
                        o.runtime_dir = optarg;
                        break;
                case OPT_ROOT:
                        o.root = optarg;
                        break;
                case OPT_KILL_WHOM:
                        o.kill_whom = optarg;
                        break;
                case OPT_STATE:
                        if (add_list(&states, optarg, false) < 0)
                                goto out;
                        break;
                case 't': /* --type=service is a state filter to list-units; pass it along as one */
                        if (add_list(&states, optarg, false) < 0)
                                goto out;
                        break;
                case OPT_NO_BLOCK:
                        o.no_block = true;
                        break;
                case 's':
                        o.signal = signal_from_string(optarg);
                        if (o.signal <= 0) {
                                fprintf(stderr, "Failed to parse signal string %s.\n", optarg);
                                status = 1;
                                goto out;
                        }
                        break;
                case OPT_REVERSE:
                        o.reverse = true;
                        break;
                case OPT_FORCE:
                        o.force = true;
                        break;
                case OPT_AFTER:
                        o.jobs_after = true;
                        break;
                case OPT_BEFORE:
                        o.jobs_before = true;
                        break;
                case 'n': {
                        char *end;
                        long n = strtol(optarg, &end, 10);
                        if (*end || end == optarg || n < 0 || n > 1000000) {
                                fprintf(stderr, "Failed to parse lines '%s'\n", optarg);
                                status = 1;
                                goto out;
                        }
                        o.lines = (int) n;
                        break;
                }
                case 'f':
                        o.follow = true;
                        break;
                case OPT_JSON:
                        if (!optarg || strcmp(optarg, "short") == 0)
                                o.json = true;
                        else if (strcmp(optarg, "pretty") == 0)
                                o.json = o.json_pretty = true;
                        else if (strcmp(optarg, "off") == 0)
                                o.json = false;
                        else {
                                fprintf(stderr, "%s: unknown JSON mode: %s (short, pretty or off)\n", o.program, optarg);
                                goto out;
                        }
                        break;
                case 'q':
                        o.quiet = true;
                        break;
                case OPT_NO_LEGEND:
                        o.no_legend = true;
                        break;
                case OPT_NOW:
                        o.now = true;
                        break;
                case OPT_ITERATIONS:
                        o.iterations = optarg;
                        break;
                case OPT_BASE_TIME:
                        o.base_time = optarg;
                        break;
                case 'l':
                case OPT_IGNORED:
                        break;
                case 'h':
                        usage(stdout, o.program);
                        status = 0;
                        goto out;
                default:
                        usage(stderr, o.program);
                        goto out;
                }
        }
        if (states) {
                state = strv_join(states, ",");
                if (!state)
                        goto out;
                o.state = state;
                o.states = states;
        }
        const char *verb = optind < argc ? argv[optind] : NULL;
        if (!verb && strcmp(o.program, "systemctl") == 0)
                verb = "list-units";
        if (!verb) {
                usage(stderr, o.program);
                goto out;
        }
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (strcmp(verbs[i].verb, verb) == 0) {
                        o.verb = verbs[i].wire ? verbs[i].wire : verbs[i].verb;
                        status = verbs[i].run(&o, optind < argc ? argv + optind + 1 : argv + argc);
                        goto out;
                }
        fprintf(stderr, "Unknown command verb '%s'.\n", verb);
        status = 1;
out:
        strv_free(o.unit_paths);
        strv_free(o.properties);
        strv_free(states);
        free(state);
        return status;
}
