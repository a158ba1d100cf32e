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

/* What reaches a service: the columns of the event table in service_events.c. */
enum service_event {
        SEV_START_JOB,        /* a start job runs */
        SEV_STOP_JOB,         /* a stop job runs */
        SEV_MAIN_FORKED,      /* the main process was forked (error: its exec failed) */
        SEV_MAIN_FORK_FAILED, /* the main process could not be forked */
        SEV_MAIN_EXITED,
        SEV_CONTROL_EXITED,   /* an Exec*= command other than ExecStart= exited */
        SEV_TIMEOUT,          /* the sub-state's timer fired */
        SEV_WATCHDOG,
        SEV_PROCESSES_GONE,   /* a process group the unit waits on may be empty */
        SEV_READY,            /* READY=1 */
        SEV_RELOADING,        /* RELOADING=1 */
        SEV_STOPPING,         /* STOPPING=1 */
        SEV_BUS_NAME_ACQUIRED, /* BusName= got an owner on the bus (Type=dbus) */
        SEV_BUS_NAME_LOST,    /* BusName= lost its owner (Type=dbus) */
        _SERVICE_EVENT_MAX,
};

struct service_event_args {
        int code, status;                /* exits: CLD_* and the status */
        bool ok;                         /* exits: clean, or '-' ignored */
        int error;                       /* MAIN_FORKED: exec's errno, 0: exec'd */
        const struct exec_command *cmd;  /* CONTROL_EXITED: the command that exited */
};

/* Run the action of (u's sub-state, e); a NULL a means no details. */
void service_event(struct sched *s, struct unit *u, enum service_event e, const struct service_event_args *a);
const char *service_event_to_string(enum service_event e);
/* For tests: does the table have a cell for (sub, e), and is it "ignore"? */
bool service_event_has_action(enum sub_state sub, enum service_event e);
bool service_event_ignored(enum sub_state sub, enum service_event e);

/* service.c: the start and reload steps the table's actions take */
enum unit_result service_result_of_exit(int code);
bool service_clean_exit(struct unit *u, int code, int status, bool daemon);
void service_start_pre_done(struct sched *s, struct unit *u);
void service_enter_start(struct sched *s, struct unit *u);
void service_enter_start_post(struct sched *s, struct unit *u);
void service_start_post_done(struct sched *s, struct unit *u);
void service_enter_running(struct sched *s, struct unit *u, enum unit_result f);
void service_reload_done(struct sched *s, struct unit *u);
pid_t service_read_pid_file(const char *path);

/* The command the control process runs (of rt->control_list) and the
 * ExecStart= a oneshot's main process runs; NULL: none (service.c). */
const struct exec_command *service_control_cmd(struct unit *u);
const struct exec_command *service_main_cmd(struct unit *u);

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
void service_processes_gone(struct sched *s, struct unit *u);
