/* weftctl's verbs. Each takes the parsed global options and its own
 * arguments and returns the process exit status. */
#pragma once
#include <stdbool.h>

struct ctl_options {
        char **unit_paths;  /* --unit-path, in the order given; NULL: default */
        char **properties;  /* -p/--property, split at commas */
        bool value_only;    /* --value, or -P */
        bool all;           /* --all */
        const char *analyze_from; /* analyze --from FILE: a saved boot record */
        bool dot_order;     /* analyze dot --order */
        bool dot_require;   /* analyze dot --require */
};

int cmd_verify(const struct ctl_options *opts, char **args);
int cmd_show(const struct ctl_options *opts, char **args);
int cmd_analyze(const struct ctl_options *opts, char **args);
