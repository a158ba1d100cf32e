/* The table of unit types (see unit_type.h), and what a start, stop or
 * reload job does for any unit before its type's operation: refuse a unit
 * that cannot load, check requisites, conditions and asserts, and finish a
 * job that has nothing to do. Called by core/job.c when a job runs. */
#include <stdlib.h>

#include "core/condition.h"
#include "base/log.h"
#include "core/unit_type.h"

/* Types weft loads but cannot run yet: a start fails, saying why. */
static void unsupported_start(struct sched *s, struct unit *u)
{
        log_error("%s: %s units are not supported yet", u->id, unit_type_to_string(u->type));
        u->rt->result = RESULT_RESOURCES;
        unit_set_sub(s, u, SUB_FAILED);
}

static const struct unit_type_ops unsupported_ops = {
        .active_of = {
                [SUB_DEAD] = SUB_IS(UNIT_INACTIVE),
                [SUB_FAILED] = SUB_IS(UNIT_FAILED),
        },
        .start = unsupported_start,
};

static const struct unit_type_ops *const rows[_UNIT_TYPE_MAX] = {
        [UNIT_SERVICE] = &service_ops,
        [UNIT_SOCKET] = &socket_ops,
        [UNIT_TARGET] = &target_ops,
        [UNIT_TIMER] = &timer_ops,
        [UNIT_SLICE] = &slice_ops,
        [UNIT_SCOPE] = &scope_ops,
        [UNIT_AUTOMOUNT] = &automount_ops,
        [UNIT_MOUNT] = &mount_ops,
        [UNIT_SWAP] = &swap_ops,
        [UNIT_DEVICE] = &device_ops,
        [UNIT_PATH] = &path_ops,
};

const struct unit_type_ops *unit_type_ops(enum unit_type t)
{
        const struct unit_type_ops *ops = t >= 0 && t < _UNIT_TYPE_MAX ? rows[t] : NULL;
        return ops ? ops : &unsupported_ops;
}

const struct unit_type_ops *unit_ops(const struct unit *u)
{
        return unit_type_ops(u->type);
}

bool unit_sub_active_state(const struct unit *u, enum sub_state sub, enum unit_active_state *ret)
{
        uint8_t a = sub < _SUB_STATE_MAX ? unit_ops(u)->active_of[sub] : 0;
        if (!a)
                return false;
        *ret = (enum unit_active_state) (a - 1);
        return true;
}

static struct unit *inactive_requisite(struct sched *s, struct unit *u)
{
        size_t it = 0;
        struct unit *o;
        while ((o = sched_next_dep(u, UNIT_REQUISITE, &it)))
                if (!o->rt || o->rt->active != UNIT_ACTIVE) {
                        log_warning("%s: requisite %s is not active", u->id, o->id);
                        return o;
                }
        return NULL;
}

/* Condition*=: an unmet one skips the unit, which is not a failure
 * (dependents still start); Assert*=: an unmet one fails the job. Returns
 * false when the job is over. */
static bool conditions_hold(struct sched *s, struct unit *u)
{
        const struct condition_env env = { 0 };
        char *failed = NULL;
        if (u->conditions && condition_test_list(u->conditions, &env, &failed) == 0) {
                log_info("%s: Condition check resulted in the unit being skipped (%s).", u->id,
                         failed ? failed : "a condition");
                sched_conditions_record(s, u, false, failed ? failed : "a condition");
                free(failed);
                job_finish(s, u->rt->job, JOB_SKIPPED);
                return false;
        }
        free(failed);
        failed = NULL;
        sched_conditions_record(s, u, false, NULL);
        if (unit_extra(u)->asserts && condition_test_list(unit_extra(u)->asserts, &env, &failed) == 0) {
                log_error("%s: Assertion failed (%s).", u->id, failed ? failed : "an assertion");
                sched_conditions_record(s, u, true, failed ? failed : "an assertion");
                free(failed);
                job_finish(s, u->rt->job, JOB_FAILED);
                return false;
        }
        free(failed);
        sched_conditions_record(s, u, true, NULL);
        return true;
}

void unit_start(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);

        if (u->load_state != UNIT_LOADED) {
                log_error("%s: cannot start: unit is %s", u->id, unit_load_state_to_string(u->load_state));
                job_finish(s, rt->job, JOB_FAILED);
                return;
        }
        struct unit *requisite = inactive_requisite(s, u);
        if (requisite) {
                job_fail_dependency(s, rt->job, requisite);
                return;
        }
        if (!conditions_hold(s, u))
                return;
        if (rt->active == UNIT_ACTIVE || rt->active == UNIT_RELOADING) {
                job_finish(s, rt->job, JOB_DONE);
                return;
        }
        unit_ops(u)->start(s, u);
}

void unit_stop(struct sched *s, struct unit *u)
{
        const struct unit_type_ops *ops = unit_ops(u);

        if (unit_state_is_down(u->rt->active))
                job_unit_changed(s, u); /* nothing to stop: the job is done */
        else if (ops->stop)
                ops->stop(s, u);
        else
                unit_set_sub(s, u, SUB_DEAD);
}

void unit_reload(struct sched *s, struct unit *u)
{
        const struct unit_type_ops *ops = unit_ops(u);

        if (ops->reload && ops->can_reload(s, u)) {
                ops->reload(s, u);
                return;
        }
        log_warning("%s: Job type reload is not applicable (%s).", u->id,
                    unit_active_state_to_string(u->rt->active));
        job_finish(s, u->rt->job, JOB_FAILED);
}
