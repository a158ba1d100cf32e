/* Target units (systemd.target(5)): a name for a point in the boot. A
 * target has no processes; starting it makes it active at once, once the
 * jobs it is ordered after are done, and stopping it makes it dead. */
#include "core/unit_type.h"

static void target_start(struct sched *s, struct unit *u)
{
        u->rt->result = RESULT_SUCCESS;
        unit_set_sub(s, u, SUB_ACTIVE);
}

static void target_stop(struct sched *s, struct unit *u)
{
        unit_set_sub(s, u, SUB_DEAD);
}

const struct unit_type_ops target_ops = {
        .active_of = {
                [SUB_DEAD] = SUB_IS(UNIT_INACTIVE),
                [SUB_ACTIVE] = SUB_IS(UNIT_ACTIVE),
        },
        .start = target_start,
        .stop = target_stop,
};
