/* Slice units (systemd.slice(5)) on the scheduler thread. weft runs no
 * cgroups: a slice is active once the units it is ordered after are up,
 * which is what the units in it wait for (After=/Requires= on their
 * slice, parse/load.c). */
#include "core/unit_type.h"

static void slice_start(struct sched *s, struct unit *u)
{
        u->rt->result = RESULT_SUCCESS;
        unit_set_sub(s, u, SUB_ACTIVE);
}

static void slice_stop(struct sched *s, struct unit *u)
{
        unit_set_sub(s, u, SUB_DEAD);
}

const struct unit_type_ops slice_ops = {
        .active_of = {
                [SUB_DEAD] = SUB_IS(UNIT_INACTIVE),
                [SUB_ACTIVE] = SUB_IS(UNIT_ACTIVE),
        },
        .start = slice_start,
        .stop = slice_stop,
};
