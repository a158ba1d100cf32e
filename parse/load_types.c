/* The table of unit types for loading; see load_types.h. */
#include "parse/load_types.h"

static const struct unit_load_ops *const rows[_UNIT_TYPE_MAX] = {
        [UNIT_SERVICE] = &service_load_ops,
        [UNIT_SOCKET] = &socket_load_ops,
        [UNIT_TARGET] = &target_load_ops,
        [UNIT_TIMER] = &timer_load_ops,
        [UNIT_PATH] = &path_load_ops,
};

const struct unit_load_ops *unit_load_ops(enum unit_type type)
{
        return type >= 0 && type < _UNIT_TYPE_MAX ? rows[type] : NULL;
}

const struct exec_context *unit_exec_context(const struct unit *u)
{
        const struct unit_load_ops *ops = unit_load_ops(u->type);
        return ops && ops->exec_context && u->config ? ops->exec_context(u) : NULL;
}

uint64_t unit_timeout_stop_usec(const struct unit *u)
{
        const struct unit_load_ops *ops = unit_load_ops(u->type);
        return ops && ops->timeout_stop_usec && u->config ? ops->timeout_stop_usec(u) : 0;
}

bool unit_type_supported(enum unit_type t)
{
        return unit_load_ops(t) != NULL;
}
