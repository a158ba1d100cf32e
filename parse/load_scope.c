/* Loading scope units (systemd.scope(5)): a group of processes someone
 * else started. systemd makes them only over its bus (transient) or for
 * itself (init.scope); weft accepts one from a file so that units naming
 * it load and order. Slice= is handled for every type in load.c. */
#include <string.h>

#include "parse/load_internal.h"

static int scope_finish(struct load_context *ctx, struct unit *u)
{
        if (!u->default_dependencies || strcmp(u->id, "init.scope") == 0)
                return 0;
        return load_add_two_dependencies_by_name(ctx, u, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
}

const struct unit_load_ops scope_load_ops = {
        .ignore_on_isolate = true,
        .section = "Scope",
        .finish = scope_finish,
};
