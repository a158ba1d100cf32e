/* What starting and stopping means for each unit type, and the service
 * state machine (systemd.service(5)): ExecStartPre -> ExecStart (readiness
 * by Type=) -> ExecStartPost -> running -> ExecStop -> KillSignal, SIGCONT
 * -> (TimeoutStopSec) -> SIGKILL -> ExecStopPost -> dead or failed, then
 * Restart= decides. Every transition goes through unit_set_state(). This
 * file has the start, reload and event half and the per-type start and stop
 * jobs; the stop, kill and Restart= half is in service_stop.c.
 *
 * The handlers below switch on the sub-state for each event; a sub-state a
 * handler does not name ignores that event (logged at debug). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/condition.h"
#include "core/log.h"
#include "core/service_internal.h"
#include "core/strv.h"

static enum unit_result result_of_exit(int code)
{
        return code == CLD_EXITED ? RESULT_EXIT_CODE : code == CLD_DUMPED ? RESULT_CORE_DUMP : RESULT_SIGNAL;
}

/* systemd's is_clean_exit: exit 0, SuccessExitStatus=, and for daemons the
 * signals a daemon is expected to die of. */
static bool clean_exit(struct unit *u, int code, int status, bool daemon)
{
        const struct exit_status_set *ok = &cfg(u)->success_status;
        if (code == CLD_EXITED)
                return status == 0 || exit_status_set_test(ok, status, false);
        if (daemon && (status == SIGHUP || status == SIGINT || status == SIGTERM || status == SIGPIPE))
                return true;
        return exit_status_set_test(ok, status, true);
}

static void enter_start(struct sched *s, struct unit *u);
static void enter_start_post(struct sched *s, struct unit *u);
static void enter_running(struct sched *s, struct unit *u, enum unit_result f);

static char *env_entry(const char *key, long v)
{
        char *e = NULL;
        return asprintf(&e, "%s=%ld", key, v) < 0 ? NULL : e;
}

/* The variables the manager adds to a control command of this list. */
static char **control_env(struct sched *s, struct unit *u, enum service_exec list)
{
        struct unit_runtime *rt = rt_of(s, u);
        char **env = NULL;

        if ((list == SERVICE_EXEC_STOP || list == SERVICE_EXEC_RELOAD) && rt->main_pid > 0)
                strv_consume(&env, env_entry("MAINPID", rt->main_pid));
        if (list == SERVICE_EXEC_STOP_POST) {
                char buf[64];
                snprintf(buf, sizeof buf, "SERVICE_RESULT=%s", unit_result_to_string(rt->result));
                strv_extend(&env, buf);
                if (rt->main_exit_code) {
                        const char *code = rt->main_exit_code == CLD_EXITED   ? "exited"
                                           : rt->main_exit_code == CLD_DUMPED ? "dumped"
                                                                              : "killed";
                        snprintf(buf, sizeof buf, "EXIT_CODE=%s", code);
                        strv_extend(&env, buf);
                        if (rt->main_exit_code == CLD_EXITED)
                                snprintf(buf, sizeof buf, "EXIT_STATUS=%d", rt->main_exit_status);
                        else {
                                const char *sig = signal_to_string(rt->main_exit_status);
                                snprintf(buf, sizeof buf, "EXIT_STATUS=%s", strncmp(sig, "SIG", 3) ? sig : sig + 3);
                        }
                        strv_extend(&env, buf);
                }
        }
        return env;
}

/* Run cmd of list as the control process. Returns false when it could not
 * be started (the caller treats that as the command failing). */
static bool run_control(struct sched *s, struct unit *u, enum service_exec list, const struct exec_command *cmd)
{
        struct unit_runtime *rt = rt_of(s, u);
        char **env = control_env(s, u, list);
        rt->control_list = list;
        rt->control_cmd = cmd;
        int r = sched_spawn(s, u, cmd, true, env);
        strv_free(env);
        return r >= 0;
}

/* Run the commands of list from cmd on, then call next. A command that
 * cannot even be spawned counts as failing. */
void service_run_list(struct sched *s, struct unit *u, enum service_exec list, const struct exec_command *cmd,
                      void (*next)(struct sched *, struct unit *))
{
        if (!cmd) {
                next(s, u);
                return;
        }
        if (run_control(s, u, list, cmd))
                return;
        struct unit_runtime *rt = rt_of(s, u);
        if (cmd->flags & EXEC_IGNORE_FAILURE) {
                service_run_list(s, u, list, cmd->next, next);
                return;
        }
        set_result(rt, RESULT_RESOURCES);
        switch (list) {
        case SERVICE_EXEC_START_PRE:
        case SERVICE_EXEC_CONDITION:
                service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_RESOURCES);
                break;
        case SERVICE_EXEC_START_POST:
                service_enter_stop(s, u, RESULT_RESOURCES);
                break;
        case SERVICE_EXEC_STOP:
                service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_RESOURCES);
                break;
        case SERVICE_EXEC_RELOAD:
                rt->result = RESULT_SUCCESS; /* a failed reload does not fail the service */
                rt->reload_failed = true;
                next(s, u);
                break;
        case SERVICE_EXEC_STOP_POST:
        default:
                service_enter_dead(s, u, RESULT_RESOURCES);
        }
}

/* ---- start ---- */

static void start_pre_done(struct sched *s, struct unit *u)
{
        enter_start(s, u);
}

static void enter_start(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        const struct exec_command *cmd = rt->main_cmd ? rt->main_cmd : cfg(u)->exec[SERVICE_EXEC_START];

        unit_set_state(s, u, UNIT_ACTIVATING, SUB_START);
        if (!cmd) {
                /* A oneshot without ExecStart= (ExecStop= only, or RemainAfterExit=). */
                enter_start_post(s, u);
                return;
        }
        rt->main_cmd = cmd;
        if (sched_spawn(s, u, cmd, false, NULL) < 0) {
                set_result(rt, RESULT_RESOURCES);
                service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_RESOURCES);
        }
}

static void start_post_done(struct sched *s, struct unit *u)
{
        enter_running(s, u, RESULT_SUCCESS);
}

static void enter_start_post(struct sched *s, struct unit *u)
{
        unit_set_state(s, u, UNIT_ACTIVATING, SUB_START_POST);
        service_run_list(s, u, SERVICE_EXEC_START_POST, cfg(u)->exec[SERVICE_EXEC_START_POST], start_post_done);
}

static void enter_running(struct sched *s, struct unit *u, enum unit_result f)
{
        struct unit_runtime *rt = rt_of(s, u);
        set_result(rt, f);
        if (rt->result != RESULT_SUCCESS) {
                service_enter_stop(s, u, rt->result);
                return;
        }
        unit_disarm_timer(s, u);
        if (rt->main_pid > 0 || (cfg(u)->type == SERVICE_FORKING && rt->main_pgid > 0)) {
                unit_set_state(s, u, UNIT_ACTIVE, SUB_RUNNING);
                if (cfg(u)->runtime_max_usec != USEC_INFINITY && cfg(u)->runtime_max_usec)
                        unit_arm_timer(s, u, s->now + cfg(u)->runtime_max_usec);
        } else if (cfg(u)->remain_after_exit)
                unit_set_state(s, u, UNIT_ACTIVE, SUB_EXITED);
        else
                service_enter_stop(s, u, RESULT_SUCCESS);
}

/* StartLimitIntervalSec=/StartLimitBurst= count every start, refused
 * ones included (systemd's ratelimit_below). */
static bool start_limit_hit(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        if (!u->start_limit_interval_usec || !u->start_limit_burst)
                return false;
        if (!rt->ratelimit_begin || s->now - rt->ratelimit_begin > u->start_limit_interval_usec) {
                rt->ratelimit_begin = s->now;
                rt->ratelimit_count = 0;
        }
        return ++rt->ratelimit_count > u->start_limit_burst;
}

/* Returns -ECANCELED when the start limit refused the start: the unit is
 * failed with Result=start-limit-hit (as systemd's service_start). */
static int start_service(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        struct service_config *c = cfg(u);

        if (start_limit_hit(s, u)) {
                bool was_failed = rt->active == UNIT_FAILED;
                log_error("%s: Start request repeated too quickly.", u->id);
                rt->result = RESULT_START_LIMIT_HIT;
                unit_disarm_timer(s, u);
                unit_set_state(s, u, UNIT_FAILED, SUB_FAILED);
                /* failed -> failed is no transition, so nothing told the
                 * sockets that trigger it: they must stop accepting. */
                if (was_failed)
                        socket_service_down(s, u);
                return -ECANCELED;
        }
        rt->result = RESULT_SUCCESS;
        rt->main_exit_code = rt->main_exit_status = 0;
        rt->main_cmd = NULL;
        rt->forbid_restart = false;
        unit_set_state(s, u, UNIT_ACTIVATING, SUB_START_PRE);
        arm_timeout(s, u, c->timeout_start_usec);
        service_run_list(s, u, SERVICE_EXEC_START_PRE, c->exec[SERVICE_EXEC_START_PRE], start_pre_done);
        return 0;
}

/* ---- reload ---- */

static void reload_done(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        unit_disarm_timer(s, u);
        if (rt->main_pid <= 0 && rt->reload_from == SUB_RUNNING && cfg(u)->type != SERVICE_FORKING) {
                /* The main process died while reloading. */
                service_enter_stop(s, u, rt->result);
                return;
        }
        unit_set_state(s, u, UNIT_ACTIVE, rt->reload_from);
}

void unit_reload(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        bool can = u->type == UNIT_SERVICE && rt->active == UNIT_ACTIVE &&
                   (rt->sub == SUB_RUNNING || rt->sub == SUB_EXITED) && cfg(u)->exec[SERVICE_EXEC_RELOAD];
        if (!can) {
                log_warning("%s: Job type reload is not applicable (%s, %s ExecReload=).", u->id,
                            unit_active_state_to_string(rt->active),
                            u->type == UNIT_SERVICE && cfg(u)->exec[SERVICE_EXEC_RELOAD] ? "with" : "no");
                job_finish(s, rt->job, JOB_FAILED);
                return;
        }
        rt->reload_failed = false;
        rt->reload_from = rt->sub;
        unit_set_state(s, u, UNIT_RELOADING, SUB_RELOAD);
        arm_timeout(s, u, cfg(u)->timeout_start_usec);
        service_run_list(s, u, SERVICE_EXEC_RELOAD, cfg(u)->exec[SERVICE_EXEC_RELOAD], reload_done);
}

/* ---- events ---- */

void service_spawned(struct sched *s, struct unit *u, pid_t pid, int error, uint64_t exec_usec, bool control)
{
        struct unit_runtime *rt = rt_of(s, u);

        if (control) {
                if (pid <= 0) {
                        /* fork itself failed: the command failed. */
                        log_error("%s: cannot fork %s: %s", u->id, service_exec_to_string(rt->control_list),
                                  strerror(-error));
                        service_exited(s, u, -1, CLD_EXITED, 255);
                        return;
                }
                if (error)
                        log_error("%s: cannot run %s %s: %s", u->id, service_exec_to_string(rt->control_list),
                                  rt->control_cmd ? rt->control_cmd->path : "", strerror(-error));
                rt->control_pid = pid;
                rt->control_pgid = pid;
                return;
        }
        if (pid <= 0) {
                log_error("%s: cannot fork the main process: %s", u->id, strerror(-error));
                set_result(rt, RESULT_RESOURCES);
                service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_RESOURCES);
                return;
        }
        rt->main_pid = pid;
        rt->main_pgid = pid;
        rt->watchdog_usec = cfg(u)->watchdog_usec;
        watchdog_arm(s, u);
        if (exec_usec && !rt->t_execed)
                rt->t_execed = exec_usec;
        if (error)
                log_error("%s: cannot run %s: %s", u->id, rt->main_cmd ? rt->main_cmd->path : "ExecStart",
                          strerror(-error));
        if (rt->sub != SUB_START)
                return;
        switch (cfg(u)->type) {
        case SERVICE_SIMPLE:
        case SERVICE_IDLE:
        case SERVICE_DBUS:
                /* Started once forked, even if exec then fails (its exit follows). */
                enter_start_post(s, u);
                break;
        case SERVICE_EXEC:
                if (!error)
                        enter_start_post(s, u);
                break; /* on error, the exit that follows fails the start */
        case SERVICE_NOTIFY:
                break; /* ready at READY=1 (service_ready) */
        case SERVICE_ONESHOT:
        case SERVICE_FORKING:
        default:
                break; /* ready when the process exits */
        }
}

static pid_t read_pid_file(const char *path)
{
        FILE *f = fopen(path, "re");
        long pid = 0;
        if (!f)
                return 0;
        if (fscanf(f, "%ld", &pid) != 1 || pid <= 1)
                pid = 0;
        fclose(f);
        return (pid_t) pid;
}

static void main_exited(struct sched *s, struct unit *u, int code, int status)
{
        struct unit_runtime *rt = rt_of(s, u);
        struct service_config *c = cfg(u);
        bool oneshot = c->type == SERVICE_ONESHOT;
        bool ok = clean_exit(u, code, status, !oneshot) ||
                  (rt->main_cmd && (rt->main_cmd->flags & EXEC_IGNORE_FAILURE));

        rt->main_pid = 0;
        rt->main_exit_code = code;
        rt->main_exit_status = status;
        if (!rt->t_exited)
                rt->t_exited = s->now;
        if (!ok)
                log_warning("%s: Main process exited, code=%s, status=%d%s%s", u->id,
                            code == CLD_EXITED ? "exited" : code == CLD_DUMPED ? "dumped" : "killed", status,
                            code == CLD_EXITED ? "" : "/", code == CLD_EXITED ? "" : signal_to_string(status));

        switch (rt->sub) {
        case SUB_START:
                if (!ok) {
                        service_enter_signal(s, u, SUB_STOP_SIGTERM, result_of_exit(code));
                } else if (oneshot && rt->main_cmd && rt->main_cmd->next) {
                        rt->main_cmd = rt->main_cmd->next;
                        enter_start(s, u);
                } else if (c->type == SERVICE_FORKING) {
                        if (c->pid_file)
                                rt->main_pid = read_pid_file(c->pid_file);
                        if (rt->main_pid > 0 && s->ops->kill(s->userdata, rt->main_pid, 0) < 0)
                                rt->main_pid = 0;
                        if (c->pid_file && rt->main_pid <= 0)
                                log_warning("%s: PID file %s not readable after start, tracking the process group",
                                            u->id, c->pid_file);
                        if (rt->main_pid > 0)
                                sched_track_pid(s, u, rt->main_pid);
                        enter_start_post(s, u);
                } else if (oneshot)
                        enter_start_post(s, u);
                else
                        service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_EXIT_CODE);
                break;
        case SUB_START_POST:
        case SUB_RELOAD:
                if (!ok)
                        set_result(rt, result_of_exit(code));
                break; /* the running commands finish first, then the main process is found gone */
        case SUB_RUNNING:
                unit_disarm_timer(s, u);
                if (ok && c->remain_after_exit)
                        unit_set_state(s, u, UNIT_ACTIVE, SUB_EXITED);
                else
                        service_enter_stop(s, u, ok ? RESULT_SUCCESS : result_of_exit(code));
                break;
        case SUB_STOP_SIGTERM:
        case SUB_STOP_SIGKILL:
        case SUB_FINAL_SIGTERM:
        case SUB_FINAL_SIGKILL:
                service_group_gone(s, u);
                break;
        default:
                log_debug("%s: main process exit in %s, ignoring", u->id, sub_state_to_string(rt->sub));
        }
}

static void control_exited(struct sched *s, struct unit *u, int code, int status)
{
        struct unit_runtime *rt = rt_of(s, u);
        const struct exec_command *cmd = rt->control_cmd;
        bool ok = (code == CLD_EXITED && status == 0) || (cmd && (cmd->flags & EXEC_IGNORE_FAILURE));

        rt->control_pid = 0;
        rt->control_cmd = NULL;
        if (!ok)
                log_warning("%s: %s process exited, code=%s, status=%d", u->id,
                            service_exec_to_string(rt->control_list), code == CLD_EXITED ? "exited" : "killed",
                            status);
        switch (rt->sub) {
        case SUB_START_PRE:
                if (ok)
                        service_run_list(s, u, SERVICE_EXEC_START_PRE, cmd ? cmd->next : NULL, start_pre_done);
                else
                        service_enter_signal(s, u, SUB_STOP_SIGTERM, result_of_exit(code));
                break;
        case SUB_START_POST:
                if (ok)
                        service_run_list(s, u, SERVICE_EXEC_START_POST, cmd ? cmd->next : NULL, start_post_done);
                else
                        service_enter_stop(s, u, result_of_exit(code));
                break;
        case SUB_STOP:
                if (!ok)
                        set_result(rt, result_of_exit(code));
                service_run_list(s, u, SERVICE_EXEC_STOP, ok && cmd ? cmd->next : NULL, service_stop_done);
                break;
        case SUB_STOP_POST:
                if (!ok)
                        set_result(rt, result_of_exit(code));
                service_run_list(s, u, SERVICE_EXEC_STOP_POST, ok && cmd ? cmd->next : NULL, service_stop_post_done);
                break;
        case SUB_RELOAD:
                /* A failed reload fails the reload job, not the service (as systemd). */
                if (!ok)
                        rt->reload_failed = true;
                service_run_list(s, u, SERVICE_EXEC_RELOAD, ok && cmd ? cmd->next : NULL, reload_done);
                break;
        case SUB_STOP_SIGTERM:
        case SUB_STOP_SIGKILL:
        case SUB_FINAL_SIGTERM:
        case SUB_FINAL_SIGKILL:
                service_group_gone(s, u);
                break;
        default:
                log_debug("%s: control process exit in %s, ignoring", u->id, sub_state_to_string(rt->sub));
        }
}

void service_exited(struct sched *s, struct unit *u, pid_t pid, int code, int status)
{
        struct unit_runtime *rt = rt_of(s, u);
        if (pid == rt->main_pid && pid > 0)
                main_exited(s, u, code, status);
        else if (pid == rt->control_pid || pid == -1)
                control_exited(s, u, code, status);
}

void service_timer(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        switch (rt->sub) {
        case SUB_START_PRE:
        case SUB_START:
                log_error("%s: start operation timed out. Terminating.", u->id);
                service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_TIMEOUT);
                break;
        case SUB_START_POST:
                log_error("%s: start-post operation timed out. Stopping.", u->id);
                service_enter_stop(s, u, RESULT_TIMEOUT);
                break;
        case SUB_RUNNING:
                log_warning("%s: Service reached runtime time limit. Stopping.", u->id);
                service_enter_stop(s, u, RESULT_TIMEOUT);
                break;
        case SUB_RELOAD:
                log_warning("%s: Reload operation timed out. Killing reload process.", u->id);
                if (rt->control_pid > 0)
                        s->ops->kill(s->userdata, rt->control_pid, SIGKILL);
                rt->reload_failed = true;
                break; /* its exit finishes the reload */
        case SUB_STOP:
                log_warning("%s: Stopping timed out. Terminating.", u->id);
                service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_TIMEOUT);
                break;
        case SUB_STOP_SIGTERM:
                if (cfg(u)->kill.send_sigkill) {
                        log_warning("%s: State 'stop-sigterm' timed out. Killing.", u->id);
                        service_enter_signal(s, u, SUB_STOP_SIGKILL, RESULT_TIMEOUT);
                } else
                        service_enter_stop_post(s, u, RESULT_TIMEOUT);
                break;
        case SUB_STOP_SIGKILL:
                log_warning("%s: Processes still around after SIGKILL. Ignoring.", u->id);
                rt->kill_waiting = false;
                service_enter_stop_post(s, u, RESULT_TIMEOUT);
                break;
        case SUB_STOP_POST:
                log_warning("%s: State 'stop-post' timed out. Terminating.", u->id);
                service_enter_signal(s, u, SUB_FINAL_SIGTERM, RESULT_TIMEOUT);
                break;
        case SUB_FINAL_SIGTERM:
                if (cfg(u)->kill.send_sigkill) {
                        log_warning("%s: State 'final-sigterm' timed out. Killing.", u->id);
                        service_enter_signal(s, u, SUB_FINAL_SIGKILL, RESULT_TIMEOUT);
                } else
                        service_enter_dead(s, u, RESULT_TIMEOUT);
                break;
        case SUB_FINAL_SIGKILL:
                log_warning("%s: Processes still around after final SIGKILL. Entering failed mode.", u->id);
                rt->kill_waiting = false;
                service_enter_dead(s, u, RESULT_TIMEOUT);
                break;
        case SUB_AUTO_RESTART:
                (void) start_service(s, u);
                break;
        default:
                log_debug("%s: timer in %s, ignoring", u->id, sub_state_to_string(rt->sub));
        }
}

void service_ready(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        if (rt->sub == SUB_START && cfg(u)->type == SERVICE_NOTIFY)
                enter_start_post(s, u);
        else if (rt->active == UNIT_RELOADING)
                unit_set_state(s, u, UNIT_ACTIVE, rt->sub);
}

void service_watchdog(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        if (rt->active != UNIT_ACTIVE && rt->active != UNIT_ACTIVATING && rt->active != UNIT_RELOADING)
                return;
        log_error("%s: Watchdog timeout (limit %llus)!", u->id,
                  (unsigned long long) (rt->watchdog_usec / USEC_PER_SEC));
        if (rt->main_pid > 0)
                s->ops->kill(s->userdata, rt->main_pid, cfg(u)->kill.watchdog_signal);
        service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_WATCHDOG);
}

/* ---- per type: what a start or stop job does ---- */

/* The first Requisite= unit that is not active, or NULL. */
static struct unit *inactive_requisite(struct sched *s, struct unit *u)
{
        size_t it = 0;
        struct unit *o;
        while ((o = unit_next_dep(u, UNIT_REQUISITE, &it)))
                if (!o->rt || o->rt->active != UNIT_ACTIVE) {
                        log_warning("%s: requisite %s is not active", u->id, o->id);
                        return o;
                }
        return NULL;
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
        /* Condition*=: an unmet one skips the unit, which is not a failure
         * (dependents still start); Assert*=: an unmet one fails the job. */
        const struct condition_env env = { 0 };
        char *failed = NULL;
        if (u->conditions && condition_test_list(u->conditions, &env, &failed) == 0) {
                log_info("%s: Condition check resulted in the unit being skipped (%s).", u->id,
                         failed ? failed : "a condition");
                free(failed);
                job_finish(s, rt->job, JOB_SKIPPED);
                return;
        }
        free(failed);
        failed = NULL;
        if (u->asserts && condition_test_list(u->asserts, &env, &failed) == 0) {
                log_error("%s: Assertion failed (%s).", u->id, failed ? failed : "an assertion");
                free(failed);
                job_finish(s, rt->job, JOB_FAILED);
                return;
        }
        free(failed);
        if (rt->active == UNIT_ACTIVE || rt->active == UNIT_RELOADING) {
                job_finish(s, rt->job, JOB_DONE);
                return;
        }
        switch (u->type) {
        case UNIT_SERVICE:
                if (rt->sub == SUB_AUTO_RESTART) /* a start job cuts the wait short */
                        unit_disarm_timer(s, u);
                /* A refused start (start limit) finishes the job in job_run. */
                if (rt->active == UNIT_INACTIVE || rt->active == UNIT_FAILED || rt->sub == SUB_AUTO_RESTART)
                        (void) start_service(s, u);
                break; /* otherwise already on its way */
        case UNIT_TARGET:
                rt->result = RESULT_SUCCESS;
                unit_set_state(s, u, UNIT_ACTIVE, SUB_ACTIVE);
                break;
        case UNIT_SOCKET:
                socket_start(s, u);
                break;
        default:
                log_error("%s: %s units are not supported yet", u->id, unit_type_to_string(u->type));
                rt->result = RESULT_RESOURCES;
                unit_set_state(s, u, UNIT_FAILED, SUB_FAILED);
        }
}

void unit_stop(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);

        if (u->type == UNIT_SOCKET && rt->active != UNIT_INACTIVE && rt->active != UNIT_FAILED) {
                socket_stop(s, u);
                return;
        }
        if (u->type != UNIT_SERVICE || rt->active == UNIT_INACTIVE || rt->active == UNIT_FAILED) {
                if (rt->active != UNIT_INACTIVE && rt->active != UNIT_FAILED)
                        unit_set_state(s, u, UNIT_INACTIVE, SUB_DEAD);
                else
                        job_unit_changed(s, u);
                return;
        }
        rt->forbid_restart = true;
        switch (rt->sub) {
        case SUB_AUTO_RESTART:
                unit_disarm_timer(s, u);
                rt->result = RESULT_SUCCESS;
                service_enter_dead(s, u, RESULT_SUCCESS);
                break;
        case SUB_START_PRE:
        case SUB_START:
        case SUB_START_POST:
                service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_SUCCESS);
                break;
        case SUB_RUNNING:
        case SUB_EXITED:
        case SUB_RELOAD:
                service_enter_stop(s, u, RESULT_SUCCESS);
                break;
        default:
                break; /* already stopping: the stop job finishes when it is dead */
        }
}
