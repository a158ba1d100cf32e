/* Loading scope units (systemd.scope(5)): a group of processes someone
 * else started. systemd makes them only over its bus (transient) or for
 * itself (init.scope); weft accepts one from a file so that units naming
 * it load and order. Of [Scope] weft reads how its processes are stopped
 * (KillMode=, KillSignal=, SendSIGHUP=, SendSIGKILL=, TimeoutStopSec=);
 * Slice= is handled for every type in load.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse/load_internal.h"

static int scope_alloc(struct unit *u, uint64_t timeout_start_usec, uint64_t timeout_stop_usec)
{
        struct scope_config *c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        kill_context_init(&c->kill);
        c->timeout_stop_usec = timeout_stop_usec;
        u->scope = c;
        return 0;
}

static uint64_t scope_timeout_stop_usec(const struct unit *u)
{
        return u->scope->timeout_stop_usec;
}

static int scope_finish(struct load_context *ctx, struct unit *u)
{
        if (!u->default_dependencies || strcmp(u->id, "init.scope") == 0)
                return 0;
        return load_add_two_dependencies_by_name(ctx, u, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
}

const struct unit_load_ops scope_load_ops = {
        .ignore_on_isolate = true,
        .section = "Scope",
        .alloc = scope_alloc,
        .finish = scope_finish,
        .kills_processes = true,
        .kill_context_offset = offsetof(struct scope_config, kill),
        .timeout_stop_usec = scope_timeout_stop_usec,
};
