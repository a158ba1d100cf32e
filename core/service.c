/* What starting and stopping means for each unit type, and the service
 * state machine (systemd.service(5)): ExecStartPre -> ExecStart (readiness
 * by Type=) -> ExecStartPost -> running -> ExecStop -> KillSignal, SIGCONT
 * -> (TimeoutStopSec) -> SIGKILL -> ExecStopPost -> dead or failed, then
 * Restart= decides. Every transition goes through unit_set_sub(). This
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
#include "base/log.h"
#include "core/service_internal.h"
#include "base/strv.h"

enum unit_result service_result_of_exit(int code)
{
        return code == CLD_EXITED ? RESULT_EXIT_CODE : code == CLD_DUMPED ? RESULT_CORE_DUMP : RESULT_SIGNAL;
}

/* systemd's is_clean_exit: exit 0, SuccessExitStatus=, and for daemons the
 * signals a daemon is expected to die of. */
bool service_clean_exit(struct unit *u, int code, int status, bool daemon)
{
        const struct exit_status_set *ok = &service_exit_status(cfg(u))->success;
        if (code == CLD_EXITED)
                return status == 0 || exit_status_set_test(ok, status, false);
        if (daemon && (status == SIGHUP || status == SIGINT || status == SIGTERM || status == SIGPIPE))
                return true;
        return exit_status_set_test(ok, status, true);
}

void service_enter_start(struct sched *s, struct unit *u);
void service_enter_start_post(struct sched *s, struct unit *u);
void service_enter_running(struct sched *s, struct unit *u, enum unit_result f);

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

static const struct exec_command *nth_cmd(const struct exec_command *c, unsigned pos)
{
        for (; c && pos > 1; pos--)
                c = c->next;
        return pos ? c : NULL;
}

/* cmd's place in list, 1-based; 0 (none) past 65,535 commands, said. */
static uint16_t cmd_pos(const struct unit *u, const struct exec_command *list, const struct exec_command *cmd)
{
        unsigned pos = 1;
        for (; list && list != cmd; list = list->next)
                pos++;
        if (!list || pos > UINT16_MAX) {
                log_error("%s: command list too long, ending it here", u->id);
                return 0;
        }
        return (uint16_t) pos;
}

const struct exec_command *service_control_cmd(struct unit *u)
{
        return nth_cmd(service_exec(cfg(u), u->rt->control_list), u->rt->control_cmd_pos);
}

const struct exec_command *service_main_cmd(struct unit *u)
{
        return nth_cmd(service_exec(cfg(u), SERVICE_EXEC_START), u->rt->main_cmd_pos);
}

/* Run cmd of list as the control process. Returns false when it could not
 * be started (the caller treats that as the command failing). */
static bool run_control(struct sched *s, struct unit *u, enum service_exec list, const struct exec_command *cmd)
{
        struct unit_runtime *rt = rt_of(s, u);
        char **env = control_env(s, u, list);
        rt->control_list = list;
        rt->control_cmd_pos = cmd_pos(u, service_exec(cfg(u), list), cmd);
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

void service_start_pre_done(struct sched *s, struct unit *u)
{
        service_enter_start(s, u);
}

void service_enter_start(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        const struct exec_command *cmd = rt->main_cmd_pos ? service_main_cmd(u) : service_exec(cfg(u), SERVICE_EXEC_START);

        unit_set_sub(s, u, SUB_START);
        if (!cmd) {
                /* A oneshot without ExecStart= (ExecStop= only, or RemainAfterExit=). */
                service_enter_start_post(s, u);
                return;
        }
        rt->main_cmd_pos = cmd_pos(u, service_exec(cfg(u), SERVICE_EXEC_START), cmd);
        /* WatchdogSec= is the main process's to know, not its control processes'. */
        char env_buf[64], *watchdog_env[2] = { NULL, NULL };
        uint64_t wd = service_extra(cfg(u))->watchdog_usec;
        if (wd && wd != USEC_INFINITY) {
                snprintf(env_buf, sizeof env_buf, "WATCHDOG_USEC=%llu", (unsigned long long) wd);
                watchdog_env[0] = env_buf;
        }
        if (sched_spawn(s, u, cmd, false, watchdog_env) < 0) {
                set_result(rt, RESULT_RESOURCES);
                service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_RESOURCES);
        }
}

void service_start_post_done(struct sched *s, struct unit *u)
{
        service_enter_running(s, u, RESULT_SUCCESS);
}

void service_enter_start_post(struct sched *s, struct unit *u)
{
        unit_set_sub(s, u, SUB_START_POST);
        service_run_list(s, u, SERVICE_EXEC_START_POST, service_exec(cfg(u), SERVICE_EXEC_START_POST), service_start_post_done);
}

void service_enter_running(struct sched *s, struct unit *u, enum unit_result f)
{
        struct unit_runtime *rt = rt_of(s, u);
        set_result(rt, f);
        if (rt->result != RESULT_SUCCESS) {
                service_enter_stop(s, u, rt->result);
                return;
        }
        unit_disarm_timer(s, u);
        /* Type=dbus runs only while its name is owned (systemd's service_enter_running). */
        if ((rt->main_pid > 0 || (cfg(u)->type == SERVICE_FORKING && rt->main_pgid > 0)) &&
            (cfg(u)->type != SERVICE_DBUS || (rt->notify && rt->notify->bus_name_good))) {
                unit_set_sub(s, u, SUB_RUNNING);
                if (service_extra(cfg(u))->runtime_max_usec != USEC_INFINITY && service_extra(cfg(u))->runtime_max_usec)
                        unit_arm_timer(s, u, s->now + service_extra(cfg(u))->runtime_max_usec);
        } else if (cfg(u)->remain_after_exit)
                unit_set_sub(s, u, SUB_EXITED);
        else
                service_enter_stop(s, u, RESULT_SUCCESS);
}

/* StartLimitIntervalSec=/StartLimitBurst= count every start, refused
 * ones included (systemd's ratelimit_below). */
static bool start_limit_hit(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        const struct unit_extra *x = unit_extra(u);
        if (!x->start_limit_interval_usec || !x->start_limit_burst)
                return false;
        if (!rt->ratelimit_begin || s->now - rt->ratelimit_begin > x->start_limit_interval_usec) {
                rt->ratelimit_begin = s->now;
                rt->ratelimit_count = 0;
        }
        return ++rt->ratelimit_count > x->start_limit_burst;
}

/* Returns -ECANCELED when the start limit refused the start: the unit is
 * failed with Result=start-limit-hit (as systemd's service_start). */
int service_start(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        struct service_config *c = cfg(u);

        if (start_limit_hit(s, u)) {
                bool was_failed = rt->active == UNIT_FAILED;
                log_error("%s: Start request repeated too quickly.", u->id);
                rt->result = RESULT_START_LIMIT_HIT;
                unit_disarm_timer(s, u);
                unit_set_sub(s, u, SUB_FAILED);
                /* failed -> failed is no transition, so nothing told the
                 * sockets that trigger it: they must stop accepting. */
                if (was_failed)
                        socket_service_down(s, u);
                return -ECANCELED;
        }
        rt->result = RESULT_SUCCESS;
        rt->main_exit_code = rt->main_exit_status = 0;
        rt->main_cmd_pos = 0;
        rt->forbid_restart = false;
        if (rt->notify)
                rt->notify->bus_name_acquired = false;
        /* The bus thread watches the name from now on (again: a no-op). */
        if (service_extra(c)->bus_name && s->ops->bus_watch)
                s->ops->bus_watch(s->userdata, service_extra(c)->bus_name);
        unit_set_sub(s, u, SUB_START_PRE);
        arm_timeout(s, u, c->timeout_start_usec);
        service_run_list(s, u, SERVICE_EXEC_START_PRE, service_exec(c, SERVICE_EXEC_START_PRE), service_start_pre_done);
        return 0;
}

/* ---- reload ---- */

void service_reload_done(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        unit_disarm_timer(s, u);
        if (rt->main_pid <= 0 && rt->reload_from == SUB_RUNNING && cfg(u)->type != SERVICE_FORKING) {
                /* The main process died while reloading. */
                service_enter_stop(s, u, rt->result);
                return;
        }
        unit_set_sub(s, u, rt->reload_from);
}

void service_reload(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        rt->reload_failed = false;
        rt->reload_from = rt->sub;
        unit_set_sub(s, u, SUB_RELOAD);
        arm_timeout(s, u, cfg(u)->timeout_start_usec);
        service_run_list(s, u, SERVICE_EXEC_RELOAD, service_exec(cfg(u), SERVICE_EXEC_RELOAD), service_reload_done);
}



pid_t service_read_pid_file(const char *path)
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







