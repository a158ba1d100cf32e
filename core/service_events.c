/* The service state machine's events as one table: for every sub-state a
 * service has and every event that can reach it, the action. Each cell is
 * written out, "ignore" included, so no pair is forgotten and a reader sees
 * the whole machine at once (the way s6-supervise keeps its action table).
 * The actions are small functions below; they move the unit through the
 * steps in service.c (start, reload) and service_stop.c (stop, kill,
 * Restart=). core/unit_service.c's row of the type table, and the notify
 * handler, feed the events in. Scheduler thread only. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "base/log.h"
#include "core/service_internal.h"

static const char *const event_names[_SERVICE_EVENT_MAX] = {
        [SEV_START_JOB] = "start job",
        [SEV_STOP_JOB] = "stop job",
        [SEV_MAIN_FORKED] = "main process forked",
        [SEV_MAIN_FORK_FAILED] = "main process fork failed",
        [SEV_MAIN_EXITED] = "main process exit",
        [SEV_CONTROL_EXITED] = "control process exit",
        [SEV_TIMEOUT] = "timeout",
        [SEV_WATCHDOG] = "watchdog timeout",
        [SEV_PROCESSES_GONE] = "processes gone",
        [SEV_READY] = "READY=1",
        [SEV_RELOADING] = "RELOADING=1",
        [SEV_STOPPING] = "STOPPING=1",
        [SEV_BUS_NAME_ACQUIRED] = "bus name acquired",
        [SEV_BUS_NAME_LOST] = "bus name lost",
};

const char *service_event_to_string(enum service_event e)
{
        return e < _SERVICE_EVENT_MAX ? event_names[e] : "?";
}

/* ---- the actions ---- */

static void ignore(struct sched *s, struct unit *u, const struct service_event_args *a, enum service_event e)
{
        log_debug("%s: %s in %s, ignoring", u->id, service_event_to_string(e), sub_state_to_string(u->rt->sub));
}

static void start_job(struct sched *s, struct unit *u, const struct service_event_args *a, enum service_event e)
{
        if (u->rt->sub == SUB_AUTO_RESTART) /* a start job cuts the wait short */
                unit_disarm_timer(s, u);
        (void) service_start(s, u); /* a refused start (start limit) finishes the job in job_run */
}

static void stop_job_restarting(struct sched *s, struct unit *u, const struct service_event_args *a,
                                enum service_event e)
{
        u->rt->forbid_restart = true;
        unit_disarm_timer(s, u);
        u->rt->result = RESULT_SUCCESS;
        service_enter_dead(s, u, RESULT_SUCCESS);
}

static void stop_job_starting(struct sched *s, struct unit *u, const struct service_event_args *a,
                              enum service_event e)
{
        u->rt->forbid_restart = true;
        service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_SUCCESS);
}

static void stop_job_running(struct sched *s, struct unit *u, const struct service_event_args *a,
                             enum service_event e)
{
        u->rt->forbid_restart = true;
        service_enter_stop(s, u, RESULT_SUCCESS);
}

/* Already stopping: the stop job finishes when it is dead, and no
 * Restart= follows. */
static void stop_job_stopping(struct sched *s, struct unit *u, const struct service_event_args *a,
                              enum service_event e)
{
        u->rt->forbid_restart = true;
}

/* Readiness by Type= once the main process is forked: simple and idle
 * are started once forked (even if exec then fails: its exit follows);
 * exec once execve succeeded; notify at READY=1; dbus when its BusName=
 * is acquired (at once if that happened since the start began); oneshot
 * and forking when the process exits. */
static void forked_starting(struct sched *s, struct unit *u, const struct service_event_args *a,
                            enum service_event e)
{
        switch (cfg(u)->type) {
        case SERVICE_SIMPLE:
        case SERVICE_IDLE:
                service_enter_start_post(s, u);
                break;
        case SERVICE_DBUS:
                if (u->rt->notify && u->rt->notify->bus_name_acquired)
                        service_enter_start_post(s, u);
                break;
        case SERVICE_EXEC:
                if (!a->error)
                        service_enter_start_post(s, u);
                break;
        default:
                break;
        }
}

/* The stop came while the spawn was in flight (no pid to signal then):
 * the process gets the signal the others got as soon as it is known. */
static void forked_killing(struct sched *s, struct unit *u, const struct service_event_args *a,
                           enum service_event e)
{
        service_signal_late(s, u, u->rt->main_pid, false);
}

static void fork_failed(struct sched *s, struct unit *u, const struct service_event_args *a, enum service_event e)
{
        set_result(u->rt, RESULT_RESOURCES);
        service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_RESOURCES);
}

static void main_exited_starting(struct sched *s, struct unit *u, const struct service_event_args *a,
                                 enum service_event e)
{
        struct unit_runtime *rt = u->rt;
        struct service_config *c = cfg(u);
        bool oneshot = c->type == SERVICE_ONESHOT;

        if (!a->ok) {
                service_enter_signal(s, u, SUB_STOP_SIGTERM, service_result_of_exit(a->code));
        } else if (oneshot && service_main_cmd(u) && service_main_cmd(u)->next) {
                rt->main_cmd_pos++; /* the next ExecStart= */
                service_enter_start(s, u);
        } else if (c->type == SERVICE_FORKING) {
                if (service_extra(c)->pid_file)
                        rt->main_pid = service_read_pid_file(service_extra(c)->pid_file);
                if (rt->main_pid > 0 && s->ops->kill(s->userdata, rt->main_pid, 0) < 0)
                        rt->main_pid = 0;
                if (service_extra(c)->pid_file && rt->main_pid <= 0)
                        log_warning("%s: PID file %s not readable after start, tracking the process group", u->id,
                                    service_extra(c)->pid_file);
                if (rt->main_pid > 0)
                        sched_track_pid(s, u, rt->main_pid);
                service_enter_start_post(s, u);
        } else if (oneshot)
                service_enter_start_post(s, u);
        else if (c->type == SERVICE_DBUS)
                ; /* as systemd: a child may still take the name; the start timeout bounds the wait */
        else
                service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_EXIT_CODE);
}

/* The commands running finish first; then the main process is found gone. */
static void note_main_failure(struct sched *s, struct unit *u, const struct service_event_args *a,
                              enum service_event e)
{
        if (!a->ok)
                set_result(u->rt, service_result_of_exit(a->code));
}

static void main_exited_running(struct sched *s, struct unit *u, const struct service_event_args *a,
                                enum service_event e)
{
        unit_disarm_timer(s, u);
        if (a->ok && cfg(u)->remain_after_exit)
                unit_set_sub(s, u, SUB_EXITED);
        else
                service_enter_stop(s, u, a->ok ? RESULT_SUCCESS : service_result_of_exit(a->code));
}

static void processes_gone(struct sched *s, struct unit *u, const struct service_event_args *a,
                           enum service_event e)
{
        service_processes_gone(s, u);
}

static const struct exec_command *next_of(const struct service_event_args *a)
{
        return a->ok && a->cmd ? a->cmd->next : NULL;
}

static void control_exited_start_pre(struct sched *s, struct unit *u, const struct service_event_args *a,
                                     enum service_event e)
{
        if (a->ok)
                service_run_list(s, u, SERVICE_EXEC_START_PRE, next_of(a), service_start_pre_done);
        else
                service_enter_signal(s, u, SUB_STOP_SIGTERM, service_result_of_exit(a->code));
}

static void control_exited_start_post(struct sched *s, struct unit *u, const struct service_event_args *a,
                                      enum service_event e)
{
        if (a->ok)
                service_run_list(s, u, SERVICE_EXEC_START_POST, next_of(a), service_start_post_done);
        else
                service_enter_stop(s, u, service_result_of_exit(a->code));
}

static void control_exited_stop(struct sched *s, struct unit *u, const struct service_event_args *a,
                                enum service_event e)
{
        note_main_failure(s, u, a, e);
        service_run_list(s, u, SERVICE_EXEC_STOP, next_of(a), service_stop_done);
}

static void control_exited_stop_post(struct sched *s, struct unit *u, const struct service_event_args *a,
                                     enum service_event e)
{
        note_main_failure(s, u, a, e);
        service_run_list(s, u, SERVICE_EXEC_STOP_POST, next_of(a), service_stop_post_done);
}

/* A failed reload fails the reload job, not the service (as systemd). */
static void control_exited_reload(struct sched *s, struct unit *u, const struct service_event_args *a,
                                  enum service_event e)
{
        if (!a->ok)
                u->rt->reload_failed = true;
        service_run_list(s, u, SERVICE_EXEC_RELOAD, next_of(a), service_reload_done);
}

static void timeout_starting(struct sched *s, struct unit *u, const struct service_event_args *a,
                             enum service_event e)
{
        log_error("%s: start operation timed out. Terminating.", u->id);
        service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_TIMEOUT);
}

static void timeout_start_post(struct sched *s, struct unit *u, const struct service_event_args *a,
                               enum service_event e)
{
        log_error("%s: start-post operation timed out. Stopping.", u->id);
        service_enter_stop(s, u, RESULT_TIMEOUT);
}

static void timeout_runtime(struct sched *s, struct unit *u, const struct service_event_args *a,
                            enum service_event e)
{
        log_warning("%s: Service reached runtime time limit. Stopping.", u->id);
        service_enter_stop(s, u, RESULT_TIMEOUT);
}

static void timeout_reload(struct sched *s, struct unit *u, const struct service_event_args *a,
                           enum service_event e)
{
        struct unit_runtime *rt = u->rt;
        log_warning("%s: Reload operation timed out. Killing reload process.", u->id);
        rt->reload_failed = true;
        if (rt->control_pid > 0)
                s->ops->kill(s->userdata, rt->control_pid, SIGKILL); /* its exit finishes the reload */
        else if (!rt->control_request)
                service_reload_done(s, u); /* a RELOADING=1 that never said READY=1 */
}

static void timeout_stop(struct sched *s, struct unit *u, const struct service_event_args *a, enum service_event e)
{
        log_warning("%s: Stopping timed out. Terminating.", u->id);
        service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_TIMEOUT);
}

static void timeout_stop_sigterm(struct sched *s, struct unit *u, const struct service_event_args *a,
                                 enum service_event e)
{
        if (cfg(u)->kill.send_sigkill) {
                log_warning("%s: State 'stop-sigterm' timed out. Killing.", u->id);
                service_enter_signal(s, u, SUB_STOP_SIGKILL, RESULT_TIMEOUT);
        } else
                service_enter_stop_post(s, u, RESULT_TIMEOUT);
}

static void timeout_stop_sigkill(struct sched *s, struct unit *u, const struct service_event_args *a,
                                 enum service_event e)
{
        log_warning("%s: Processes still around after SIGKILL. Ignoring.", u->id);
        u->rt->kill_waiting = false;
        service_enter_stop_post(s, u, RESULT_TIMEOUT);
}

static void timeout_stop_post(struct sched *s, struct unit *u, const struct service_event_args *a,
                              enum service_event e)
{
        log_warning("%s: State 'stop-post' timed out. Terminating.", u->id);
        service_enter_signal(s, u, SUB_FINAL_SIGTERM, RESULT_TIMEOUT);
}

static void timeout_final_sigterm(struct sched *s, struct unit *u, const struct service_event_args *a,
                                  enum service_event e)
{
        if (cfg(u)->kill.send_sigkill) {
                log_warning("%s: State 'final-sigterm' timed out. Killing.", u->id);
                service_enter_signal(s, u, SUB_FINAL_SIGKILL, RESULT_TIMEOUT);
        } else
                service_enter_dead(s, u, RESULT_TIMEOUT);
}

static void timeout_final_sigkill(struct sched *s, struct unit *u, const struct service_event_args *a,
                                  enum service_event e)
{
        log_warning("%s: Processes still around after final SIGKILL. Entering failed mode.", u->id);
        u->rt->kill_waiting = false;
        service_enter_dead(s, u, RESULT_TIMEOUT);
}

static void restart_now(struct sched *s, struct unit *u, const struct service_event_args *a, enum service_event e)
{
        /* A new start, so a new InvocationID: the number systemd's restart
         * job would have had. */
        u->rt->invocation = job_next_id(s);
        (void) service_start(s, u);
}

static void watchdog_fire(struct sched *s, struct unit *u, const struct service_event_args *a,
                          enum service_event e)
{
        struct unit_runtime *rt = u->rt;
        log_error("%s: Watchdog timeout (limit %llus)!", u->id,
                  (unsigned long long) ((rt->notify ? rt->notify->watchdog_usec : 0) / USEC_PER_SEC));
        if (rt->main_pid > 0)
                s->ops->kill(s->userdata, rt->main_pid, cfg(u)->kill.watchdog_signal);
        service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_WATCHDOG);
}

static void ready_starting(struct sched *s, struct unit *u, const struct service_event_args *a,
                           enum service_event e)
{
        if (cfg(u)->type == SERVICE_NOTIFY)
                service_enter_start_post(s, u);
}

/* The end of a reload the service announced itself (RELOADING=1); an
 * ExecReload= still running ends the reload when it exits instead. */
static void ready_reloading(struct sched *s, struct unit *u, const struct service_event_args *a,
                            enum service_event e)
{
        if (u->rt->control_pid <= 0 && !u->rt->control_request)
                service_reload_done(s, u);
}

/* RELOADING=1: the service reloads by itself; READY=1 ends it (systemd's
 * service_enter_reload_by_notify). */
static void reload_by_notify(struct sched *s, struct unit *u, const struct service_event_args *a,
                             enum service_event e)
{
        struct unit_runtime *rt = u->rt;
        rt->reload_failed = false;
        rt->reload_from = rt->sub;
        unit_set_sub(s, u, SUB_RELOAD);
        arm_timeout(s, u, cfg(u)->timeout_start_usec);
}

/* STOPPING=1: the service stops by itself, as if it had been sent SIGTERM
 * (systemd's service_enter_stop_by_notify): wait for its processes to go,
 * within TimeoutStopSec=. */
static void stop_by_notify(struct sched *s, struct unit *u, const struct service_event_args *a,
                           enum service_event e)
{
        unit_set_sub(s, u, SUB_STOP_SIGTERM);
        arm_timeout(s, u, cfg(u)->timeout_stop_usec);
        u->rt->kill_waiting = true;
        sched_add_kill_waiter(s, u);
}

/* Type=dbus: the name is what makes the service started (systemd's
 * service_bus_name_owner_change). Other types only note it. */
static void bus_name_acquired_starting(struct sched *s, struct unit *u, const struct service_event_args *a,
                                       enum service_event e)
{
        /* Before the fork is reported there is no main process yet:
         * forked_starting finds the name owned then. */
        if (cfg(u)->type == SERVICE_DBUS && u->rt->main_pid > 0)
                service_enter_start_post(s, u);
}

/* Losing the name while running: service_enter_running decides (stop, or
 * exited with RemainAfterExit=), as systemd does. */
static void bus_name_lost_running(struct sched *s, struct unit *u, const struct service_event_args *a,
                                  enum service_event e)
{
        if (cfg(u)->type == SERVICE_DBUS) {
                log_notice("%s: bus name %s lost while running", u->id, service_extra(cfg(u))->bus_name);
                service_enter_running(s, u, RESULT_SUCCESS);
        }
}

/* ---- the table ---- */

typedef void service_action(struct sched *s, struct unit *u, const struct service_event_args *a,
                            enum service_event e);

#define IGN ignore

/* Columns, in enum service_event order:
 * START_JOB, STOP_JOB, MAIN_FORKED, MAIN_FORK_FAILED, MAIN_EXITED, CONTROL_EXITED,
 * TIMEOUT, WATCHDOG, PROCESSES_GONE, READY, RELOADING, STOPPING,
 * BUS_NAME_ACQUIRED, BUS_NAME_LOST */
static service_action *const table[_SUB_STATE_MAX][_SERVICE_EVENT_MAX] = {
        [SUB_DEAD] = {
                start_job, IGN, IGN, IGN, IGN, IGN,
                IGN, IGN, IGN, IGN, IGN, IGN,
                IGN, IGN },
        [SUB_START_PRE] = {
                IGN, stop_job_starting, IGN, IGN, IGN, control_exited_start_pre,
                timeout_starting, IGN, IGN, IGN, IGN, IGN,
                IGN, IGN },
        [SUB_START] = {
                IGN, stop_job_starting, forked_starting, fork_failed, main_exited_starting, IGN,
                timeout_starting, watchdog_fire, IGN, ready_starting, IGN, IGN,
                bus_name_acquired_starting, IGN },
        [SUB_START_POST] = {
                IGN, stop_job_starting, IGN, IGN, note_main_failure, control_exited_start_post,
                timeout_start_post, watchdog_fire, IGN, IGN, IGN, stop_by_notify,
                IGN, IGN },
        [SUB_RUNNING] = {
                IGN, stop_job_running, IGN, IGN, main_exited_running, IGN,
                timeout_runtime, watchdog_fire, IGN, IGN, reload_by_notify, stop_by_notify,
                IGN, bus_name_lost_running },
        [SUB_EXITED] = {
                IGN, stop_job_running, IGN, IGN, IGN, IGN,
                IGN, IGN, IGN, IGN, IGN, IGN,
                IGN, IGN },
        [SUB_RELOAD] = {
                IGN, stop_job_running, IGN, IGN, note_main_failure, control_exited_reload,
                timeout_reload, watchdog_fire, IGN, ready_reloading, IGN, stop_by_notify,
                IGN, IGN },
        [SUB_STOP] = {
                IGN, stop_job_stopping, IGN, IGN, IGN, control_exited_stop,
                timeout_stop, IGN, IGN, IGN, IGN, IGN,
                IGN, IGN },
        [SUB_STOP_SIGTERM] = {
                IGN, stop_job_stopping, forked_killing, processes_gone, processes_gone, processes_gone,
                timeout_stop_sigterm, IGN, processes_gone, IGN, IGN, IGN,
                IGN, IGN },
        [SUB_STOP_SIGKILL] = {
                IGN, stop_job_stopping, forked_killing, processes_gone, processes_gone, processes_gone,
                timeout_stop_sigkill, IGN, processes_gone, IGN, IGN, IGN,
                IGN, IGN },
        [SUB_STOP_POST] = {
                IGN, stop_job_stopping, IGN, IGN, IGN, control_exited_stop_post,
                timeout_stop_post, IGN, IGN, IGN, IGN, IGN,
                IGN, IGN },
        [SUB_FINAL_SIGTERM] = {
                IGN, stop_job_stopping, forked_killing, processes_gone, processes_gone, processes_gone,
                timeout_final_sigterm, IGN, processes_gone, IGN, IGN, IGN,
                IGN, IGN },
        [SUB_FINAL_SIGKILL] = {
                IGN, stop_job_stopping, forked_killing, processes_gone, processes_gone, processes_gone,
                timeout_final_sigkill, IGN, processes_gone, IGN, IGN, IGN,
                IGN, IGN },
        [SUB_FAILED] = {
                start_job, IGN, IGN, IGN, IGN, IGN,
                IGN, IGN, IGN, IGN, IGN, IGN,
                IGN, IGN },
        [SUB_AUTO_RESTART] = {
                start_job, stop_job_restarting, IGN, IGN, IGN, IGN,
                restart_now, IGN, IGN, IGN, IGN, IGN,
                IGN, IGN },
};

bool service_event_has_action(enum sub_state sub, enum service_event e)
{
        return sub < _SUB_STATE_MAX && e < _SERVICE_EVENT_MAX && table[sub][e];
}

bool service_event_ignored(enum sub_state sub, enum service_event e)
{
        return service_event_has_action(sub, e) && table[sub][e] == ignore;
}

void service_event(struct sched *s, struct unit *u, enum service_event e, const struct service_event_args *a)
{
        static const struct service_event_args none = { .ok = true };
        enum sub_state sub = u->rt->sub;

        if (!service_event_has_action(sub, e)) {
                /* Only a sub-state services do not have gets here. */
                log_error("%s: BUG: %s in sub-state %s, which services do not have; ignoring", u->id,
                          service_event_to_string(e), sub_state_to_string(sub));
                if (s->config.abort_on_illegal)
                        abort();
                return;
        }
        table[sub][e](s, u, a ? a : &none, e);
}

/* ---- what feeds the table ---- */

void service_spawned(struct sched *s, struct unit *u, pid_t pid, int error, uint64_t exec_usec, bool control)
{
        struct unit_runtime *rt = u->rt;
        struct service_event_args a = { .error = error };

        if (control) {
                if (pid <= 0) {
                        /* fork itself failed: the command failed. */
                        log_error("%s: cannot fork %s: %s", u->id, service_exec_to_string(rt->control_list),
                                  strerror(-error));
                        service_exited(s, u, -1, CLD_EXITED, 255);
                        return;
                }
                /* A failed setup step or exec was logged by the worker, naming the step. */
                rt->control_pid = pid;
                rt->control_pgid = pid;
                service_signal_late(s, u, pid, true); /* a stop came while it was being spawned */
                return;
        }
        if (pid <= 0) {
                log_error("%s: cannot fork the main process: %s", u->id, strerror(-error));
                service_event(s, u, SEV_MAIN_FORK_FAILED, &a);
                return;
        }
        rt->main_pid = pid;
        rt->main_pgid = pid;
        if (rt->notify)
                rt->notify->watchdog_usec = service_extra(cfg(u))->watchdog_usec;
        watchdog_arm(s, u);
        if (exec_usec && !rt->t_execed)
                rt->t_execed = exec_usec;
        /* A failed setup step or exec was logged by the worker, naming the step. */
        service_event(s, u, SEV_MAIN_FORKED, &a);
}

static void main_exited(struct sched *s, struct unit *u, int code, int status)
{
        struct unit_runtime *rt = u->rt;
        bool daemon = cfg(u)->type != SERVICE_ONESHOT;
        struct service_event_args a = {
                .code = code,
                .status = status,
                .ok = service_clean_exit(u, code, status, daemon) ||
                      (service_main_cmd(u) && (service_main_cmd(u)->flags & EXEC_IGNORE_FAILURE)),
        };

        rt->main_pid = 0;
        rt->main_exit_code = code;
        rt->main_exit_status = status;
        if (!rt->t_exited)
                rt->t_exited = s->now;
        /* A container's CMD exiting non-zero is no warning: its status is
         * weft's exit status, and tini says nothing either. */
        bool container_main = s->config.container_main && strcmp(u->id, s->config.container_main) == 0;
        if (!a.ok)
                log_full(container_main ? LOG_LEVEL_INFO : LOG_LEVEL_WARNING, 0,
                         "%s: Main process exited, code=%s, status=%d%s%s", u->id,
                            code == CLD_EXITED ? "exited" : code == CLD_DUMPED ? "dumped" : "killed", status,
                            code == CLD_EXITED ? "" : "/", code == CLD_EXITED ? "" : signal_to_string(status));
        service_event(s, u, SEV_MAIN_EXITED, &a);
}

static void control_exited(struct sched *s, struct unit *u, int code, int status)
{
        struct unit_runtime *rt = u->rt;
        const struct exec_command *cmd = service_control_cmd(u);
        struct service_event_args a = {
                .code = code,
                .status = status,
                .ok = (code == CLD_EXITED && status == 0) || (cmd && (cmd->flags & EXEC_IGNORE_FAILURE)),
                .cmd = cmd,
        };

        rt->control_pid = 0;
        rt->control_cmd_pos = 0;
        if (!a.ok)
                log_warning("%s: %s process exited, code=%s, status=%d", u->id,
                            service_exec_to_string(rt->control_list), code == CLD_EXITED ? "exited" : "killed",
                            status);
        service_event(s, u, SEV_CONTROL_EXITED, &a);
}

void service_exited(struct sched *s, struct unit *u, pid_t pid, int code, int status)
{
        struct unit_runtime *rt = u->rt;
        if (pid == rt->main_pid && pid > 0)
                main_exited(s, u, code, status);
        else if (pid == rt->control_pid || pid == -1)
                control_exited(s, u, code, status);
}

void service_timer(struct sched *s, struct unit *u)
{
        service_event(s, u, SEV_TIMEOUT, NULL);
}

void service_watchdog(struct sched *s, struct unit *u)
{
        service_event(s, u, SEV_WATCHDOG, NULL);
}

void service_group_gone(struct sched *s, struct unit *u)
{
        service_event(s, u, SEV_PROCESSES_GONE, NULL);
}
