/* Automount units (systemd.automount(5)) on the scheduler thread. weft
 * does not speak the autofs protocol yet: a start makes the automount
 * active ("waiting", systemd's word for an armed automount) without
 * mounting anything, and says so, so that units ordered after it or
 * requiring it go on; the mount unit it triggers can be started on its
 * own. */
#include "base/log.h"
#include "core/unit_type.h"

static void automount_start(struct sched *s, struct unit *u)
{
        log_warning("%s: automounting is not supported yet; %s is not mounted on access", u->id,
                    u->automount->where.path);
        u->rt->result = RESULT_SUCCESS;
        unit_set_sub(s, u, SUB_WAITING);
}

static void automount_stop(struct sched *s, struct unit *u)
{
        unit_set_sub(s, u, SUB_DEAD);
}

const struct unit_type_ops automount_ops = {
        .active_of = {
                [SUB_DEAD] = SUB_IS(UNIT_INACTIVE),
                [SUB_WAITING] = SUB_IS(UNIT_ACTIVE),
                [SUB_FAILED] = SUB_IS(UNIT_FAILED),
        },
        .start = automount_start,
        .stop = automount_stop,
};
