/* Scope units (systemd.scope(5)) on the scheduler thread. A scope groups
 * processes someone else started; weft, without cgroups or a bus to be
 * handed them, has none to adopt, so a scope is a point to order against:
 * running once started, dead once stopped (systemd's sub-state names). */
#include "base/log.h"
#include "core/unit_type.h"

static void scope_start(struct sched *s, struct unit *u)
{
        log_debug("%s: no processes to adopt (weft keeps no cgroups)", u->id);
        u->rt->result = RESULT_SUCCESS;
        unit_set_sub(s, u, SUB_RUNNING);
}

static void scope_stop(struct sched *s, struct unit *u)
{
        unit_set_sub(s, u, SUB_DEAD);
}

const struct unit_type_ops scope_ops = {
        .active_of = {
                [SUB_DEAD] = SUB_IS(UNIT_INACTIVE),
                [SUB_RUNNING] = SUB_IS(UNIT_ACTIVE),
                [SUB_FAILED] = SUB_IS(UNIT_FAILED),
        },
        .start = scope_start,
        .stop = scope_stop,
};
