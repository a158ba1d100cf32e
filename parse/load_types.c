/* The table of unit types for loading; see load_types.h. */
#include "parse/load_types.h"

static const struct unit_load_ops *const rows[_UNIT_TYPE_MAX] = {
        [UNIT_SERVICE] = &service_load_ops,
        [UNIT_SOCKET] = &socket_load_ops,
        [UNIT_TARGET] = &target_load_ops,
        [UNIT_TIMER] = &timer_load_ops,
        [UNIT_SLICE] = &slice_load_ops,
        [UNIT_SCOPE] = &scope_load_ops,
        [UNIT_AUTOMOUNT] = &automount_load_ops,
        [UNIT_MOUNT] = &mount_load_ops,
        [UNIT_SWAP] = &swap_load_ops,
        [UNIT_DEVICE] = &device_load_ops,
        [UNIT_PATH] = &path_load_ops,
};

const struct unit_load_ops *unit_load_ops(enum unit_type type)
{
        return type >= 0 && type < _UNIT_TYPE_MAX ? rows[type] : NULL;
}

/* The context at one of the row's offsets into the unit's config; NULL
 * when the type runs no processes. */
static void *context_at(const struct unit *u, bool kill)
{
        const struct unit_load_ops *ops = unit_load_ops(u->type);

        if (!ops || !(ops->runs_processes || (kill && ops->kills_processes)) || !u->config)
                return NULL;
        return (char *) u->config + (kill ? ops->kill_context_offset : ops->exec_context_offset);
}

const struct exec_context *unit_exec_context(const struct unit *u)
{
        return context_at(u, false);
}

struct exec_context *unit_exec_context_mut(struct unit *u)
{
        return context_at(u, false);
}

struct kill_context *unit_kill_context(struct unit *u)
{
        return context_at(u, true);
}

uint64_t unit_timeout_stop_usec(const struct unit *u)
{
        const struct unit_load_ops *ops = unit_load_ops(u->type);
        return ops && ops->timeout_stop_usec && u->config ? ops->timeout_stop_usec(u) : 0;
}

uint64_t unit_job_running_timeout_usec(const struct unit *u)
{
        const struct unit_extra *x = unit_extra(u);
        const struct unit_load_ops *ops = unit_load_ops(u->type);
        if (x->job_timeouts_set || !ops || !ops->job_running_timeout_usec)
                return x->job_running_timeout_usec;
        return ops->job_running_timeout_usec;
}

bool unit_type_supported(enum unit_type t)
{
        return unit_load_ops(t) != NULL;
}
