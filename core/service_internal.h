/* What the service state machine's two files share (core/service.c, the
 * start, reload and event half; core/service_stop.c, the stop, kill and
 * restart half). Scheduler thread only, like everything in
 * sched_internal.h. */
#pragma once
#include "core/sched_internal.h"

static inline struct service_config *cfg(struct unit *u)
{
        return u->service;
}

static inline void set_result(struct unit_runtime *rt, enum unit_result r)
{
        /* The first failure is the one reported. */
        if (rt->result == RESULT_SUCCESS)
                rt->result = r;
}

static inline void arm_timeout(struct sched *s, struct unit *u, uint64_t usec)
{
        if (usec == USEC_INFINITY || usec == 0)
                unit_disarm_timer(s, u);
        else
                unit_arm_timer(s, u, s->now + usec);
}

/* Run the commands of list from cmd on, then call next (service.c). */
void service_run_list(struct sched *s, struct unit *u, enum service_exec list, const struct exec_command *cmd,
                      void (*next)(struct sched *, struct unit *));

/* service_stop.c: ExecStop -> KillSignal -> ExecStopPost -> dead, and Restart= */
void service_enter_stop(struct sched *s, struct unit *u, enum unit_result f);
void service_stop_done(struct sched *s, struct unit *u);
void service_enter_stop_post(struct sched *s, struct unit *u, enum unit_result f);
void service_stop_post_done(struct sched *s, struct unit *u);
void service_enter_signal(struct sched *s, struct unit *u, enum sub_state sub, enum unit_result f);
void service_enter_dead(struct sched *s, struct unit *u, enum unit_result f);
