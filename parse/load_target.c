/* Loading target units (systemd.target(5)): no section and no
 * configuration of their own; the finish adds the default dependencies. */
#include <string.h>

#include "parse/load_internal.h"

static int target_finish(struct load_context *ctx, struct unit *u)
{
        if (!u->default_dependencies || strcmp(u->id, "shutdown.target") == 0)
                return 0;
        /* The After= on what the target pulls in is added by unit_load_all
         * once every unit is loaded. */
        return load_add_two_dependencies_by_name(ctx, u, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
}

const struct unit_load_ops target_load_ops = {
        .finish = target_finish,
};
