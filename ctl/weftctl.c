/* weftctl: the command-line client. This file parses the global options
 * and dispatches to a verb in ctl/. The verbs that need no running manager
 * (verify, show) work offline on the unit files themselves. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/macro.h"
#include "core/strv.h"
#include "ctl/commands.h"

static const struct {
        const char *verb;
        int (*run)(const struct ctl_options *opts, char **args);
        const char *help;
} verbs[] = {
        { "verify", cmd_verify, "verify [--unit-path DIR]... UNIT|FILE...   check unit files, like systemd-analyze verify" },
        { "analyze", cmd_analyze, "analyze [--from FILE] time|blame|critical-chain [UNIT...]|plot|dot [--order|--require]|concurrency   the boot, from a boot record" },
        { "show", cmd_show, "show [--unit-path DIR]... UNIT... [-p PROP,...] [--value] [--all]   print a unit's properties" },
};

static void usage(FILE *f)
{
        fprintf(f, "Usage: weftctl [OPTIONS] VERB [ARGS]\n\nVerbs:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                fprintf(f, "  %s\n", verbs[i].help);
        fprintf(f, "\nOptions:\n"
                   "  --unit-path DIR     search DIR for units (repeat for more; default: weft's path)\n"
                   "  -p, --property P    show only these properties (comma-separated, repeatable)\n"
                   "  -P P                like -p P --value\n"
                   "  --value             print values without the Key= part\n"
                   "  -a, --all           show empty properties too\n"
                   "  --from FILE         analyze: read this boot record (default /run/weft/boot.yaml)\n"
                   "  --order, --require  analyze dot: only ordering, or only requirement edges\n"
                   "  --log-level LEVEL   err, warning, notice, info or debug\n"
                   "  -h, --help          this help\n");
}

static int add_properties(struct ctl_options *o, const char *arg)
{
        char *copy = strdup(arg), *save = NULL;
        int r = copy ? 0 : -1;
        for (char *p = copy ? strtok_r(copy, ",", &save) : NULL; p && r >= 0; p = strtok_r(NULL, ",", &save))
                r = strv_extend(&o->properties, p);
        /* -p '' asks for no property at all, which still means "only these". */
        if (r >= 0 && !o->properties)
                r = strv_extend(&o->properties, "");
        free(copy);
        return r;
}

int main(int argc, char **argv)
{
        enum { OPT_UNIT_PATH = 0x100, OPT_VALUE, OPT_LOG_LEVEL, OPT_FROM, OPT_ORDER, OPT_REQUIRE };
        static const struct option options[] = {
                { "unit-path", required_argument, NULL, OPT_UNIT_PATH },
                { "property", required_argument, NULL, 'p' },
                { "value", no_argument, NULL, OPT_VALUE },
                { "all", no_argument, NULL, 'a' },
                { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
                { "from", required_argument, NULL, OPT_FROM },
                { "order", no_argument, NULL, OPT_ORDER },
                { "require", no_argument, NULL, OPT_REQUIRE },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        struct ctl_options o = { 0 };
        int c, status = 2;

        log_set_level(LOG_LEVEL_NOTICE);
        /* GNU getopt permutes argv, so options may follow the verb, as with systemctl. */
        while ((c = getopt_long(argc, argv, "p:P:ah", options, NULL)) >= 0) {
                switch (c) {
                case OPT_UNIT_PATH:
                        if (strv_extend(&o.unit_paths, optarg) < 0)
                                goto out;
                        break;
                case 'P':
                        o.value_only = true;
                        /* fall through */
                case 'p':
                        if (add_properties(&o, optarg) < 0)
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
                                fprintf(stderr, "weftctl: unknown log level: %s\n", optarg);
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
                case 'h':
                        usage(stdout);
                        status = 0;
                        goto out;
                default:
                        usage(stderr);
                        goto out;
                }
        }
        if (optind >= argc) {
                usage(stderr);
                goto out;
        }
        const char *verb = argv[optind];
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (strcmp(verbs[i].verb, verb) == 0) {
                        status = verbs[i].run(&o, argv + optind + 1);
                        goto out;
                }
        fprintf(stderr, "weftctl: unknown verb: %s\n", verb);
out:
        strv_free(o.unit_paths);
        strv_free(o.properties);
        return status;
}
