/* The table of unit types for loading; see load_types.h. */
#include "parse/load_types.h"

static const struct unit_load_ops *const rows[_UNIT_TYPE_MAX] = {
        [UNIT_SERVICE] = &service_load_ops,
        [UNIT_SOCKET] = &socket_load_ops,
        [UNIT_TARGET] = &target_load_ops,
        [UNIT_TIMER] = &timer_load_ops,
};

const struct unit_load_ops *unit_load_ops(enum unit_type type)
{
        return type >= 0 && type < _UNIT_TYPE_MAX ? rows[type] : NULL;
}

bool unit_type_supported(enum unit_type t)
{
        return unit_load_ops(t) != NULL;
}
