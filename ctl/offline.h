/* Loading units without a running manager, for weftctl's offline verbs
 * (verify, show): a unit path, an index over it, a table, a load context. */
#pragma once
#include "parse/load.h"

struct offline {
        char **unit_paths; /* strv, highest precedence first */
        struct unit_path_index *index;
        struct unit_table table;
        struct load_context load;
};

/* The search path: the --unit-path list if one was given, else weft's
 * default (DESIGN.md "Configuration"). */
int offline_unit_paths(char *const *given, char ***ret);

/* root: weftctl --root's image (NULL: /), under which links are read. */
int offline_open(struct offline *o, char *const *unit_paths, const char *root);
void offline_close(struct offline *o);

/* Turn a command-line argument into a unit name. A path to a file (it
 * contains '/') adds the file's directory to the front of the search path,
 * as systemd-analyze verify does, and names the unit by its file name.
 * Must be called for every argument before offline_open(). */
int offline_argument(char ***unit_paths, const char *arg, char **ret_name);

/* Load the units named by command-line arguments (unit names, or unit files
 * whose directories join the front of the search path); with
 * instantiate_templates, a template is loaded through the instance
 * "test_instance", as systemd-analyze verify does. On success o is open
 * (offline_close it) and *ret_names holds the names in argument order.
 * Returns how many arguments could not be used (each logged, prefixed with
 * verb), or a negative errno (logged) when nothing could be loaded. */
int offline_load_arguments(const char *verb, char *const *given_paths, const char *root, char *const *args,
                           bool instantiate_templates, struct offline *o, char ***ret_names);

struct ctl_options;
/* The search path for opts: --unit-path, else the default one under
 * --root, else weft's (ctl/offline_paths.c). */
int offline_paths_for(const struct ctl_options *opts, char ***ret);
/* --root when that search path is the one under it (links are read
 * under it too), else NULL. */
const char *offline_root_for(const struct ctl_options *opts);
