/* The search path of weftctl's offline verbs (cat, list-dependencies,
 * show): --unit-path if given, else with --root the default directories
 * under the root, else weft's configured path. */
#include "ctl/offline.h"

#include "ctl/commands.h"
#include "parse/install.h"

const char *offline_root_for(const struct ctl_options *opts)
{
        return opts->root && !opts->unit_paths ? opts->root : NULL;
}

int offline_paths_for(const struct ctl_options *opts, char ***ret)
{
        if (opts->root && !opts->unit_paths)
                return install_search_path(opts->root, ret);
        return offline_unit_paths(opts->unit_paths, ret);
}
