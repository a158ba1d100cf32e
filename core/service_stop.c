/* The stopping half of the service state machine (see service.c): ExecStop
 * -> KillSignal, SIGCONT -> (TimeoutStopSec) -> SIGKILL -> ExecStopPost ->
 * dead or failed, then the Restart= decision. The event table
 * (service_events.c) enters it, and calls service_processes_gone() when a
 * process group a killing sub-state waits on may have emptied. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

#include "base/log.h"
#include "core/service_internal.h"
#include "workers/exec_credentials.h"
#include "workers/exec_dirs.h"
#include "workers/exec_sandbox.h"

/* ---- stop ---- */

void service_stop_done(struct sched *s, struct unit *u)
{
        service_enter_signal(s, u, SUB_STOP_SIGTERM, RESULT_SUCCESS);
}

void service_enter_stop(struct sched *s, struct unit *u, enum unit_result f)
{
        struct unit_runtime *rt = rt_of(s, u);
        set_result(rt, f);
        unit_set_sub(s, u, SUB_STOP);
        arm_timeout(s, u, cfg(u)->timeout_stop_usec);
        service_run_list(s, u, SERVICE_EXEC_STOP, service_exec(cfg(u), SERVICE_EXEC_STOP), service_stop_done);
}

void service_stop_post_done(struct sched *s, struct unit *u)
{
        service_enter_dead(s, u, RESULT_SUCCESS);
}

void service_enter_stop_post(struct sched *s, struct unit *u, enum unit_result f)
{
        struct unit_runtime *rt = rt_of(s, u);
        set_result(rt, f);
        unit_set_sub(s, u, SUB_STOP_POST);
        arm_timeout(s, u, cfg(u)->timeout_stop_usec);
        service_run_list(s, u, SERVICE_EXEC_STOP_POST, service_exec(cfg(u), SERVICE_EXEC_STOP_POST), service_stop_post_done);
}

/* Is any process of the unit left? Main and control pids, and their
 * process groups (each process weft starts leads its own). */
static bool anything_left(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        /* A main pid set by MAINPID= need not be weft's child: when it is
         * gone no exit event will say so. */
        if (rt->main_pid > 0 && s->ops->kill(s->userdata, rt->main_pid, 0) == -ESRCH) {
                sched_forget_pid(s, rt->main_pid);
                rt->main_pid = 0;
        }
        if (rt->main_pid > 0 || rt->control_pid > 0 || rt->main_request || rt->control_request)
                return true;
        if (cfg(u)->kill.kill_mode == KILL_CONTROL_GROUP || cfg(u)->kill.kill_mode == KILL_MIXED) {
                if (rt->main_pgid > 0 && s->ops->kill(s->userdata, -rt->main_pgid, 0) == 0)
                        return true;
                if (rt->control_pgid > 0 && s->ops->kill(s->userdata, -rt->control_pgid, 0) == 0)
                        return true;
        }
        return false;
}

/* sig to one process or group, with SIGCONT so a stopped one can act on it
 * (and SIGHUP after it with SendSIGHUP=). ESRCH means nothing is there to
 * continue or hang up on: a finished oneshot's stop is on a chain's
 * critical path, so it pays one kill(2), not three. */
static int signal_one(struct sched *s, struct unit *u, pid_t target, int sig)
{
        int r = s->ops->kill(s->userdata, target, sig);
        if (r == -ESRCH)
                return r;
        if (sig != SIGKILL && sig != SIGCONT) {
                s->ops->kill(s->userdata, target, SIGCONT);
                if (cfg(u)->kill.send_sighup)
                        s->ops->kill(s->userdata, target, SIGHUP);
        }
        return r;
}

/* A process group without members is gone for good (setpgid(2) joins only
 * an existing group), so forgetting it spares anything_left() asking again. */
static void signal_group(struct sched *s, struct unit *u, pid_t *pgid, int sig)
{
        if (signal_one(s, u, -*pgid, sig) == -ESRCH)
                *pgid = 0;
}

static void send_signal(struct sched *s, struct unit *u, int sig, bool whole_group)
{
        struct unit_runtime *rt = rt_of(s, u);

        if (whole_group && rt->main_pgid > 0)
                signal_group(s, u, &rt->main_pgid, sig);
        else if (rt->main_pid > 0)
                signal_one(s, u, rt->main_pid, sig);
        if (whole_group && rt->control_pgid > 0)
                signal_group(s, u, &rt->control_pgid, sig);
        else if (rt->control_pid > 0)
                signal_one(s, u, rt->control_pid, sig);
}

static bool is_kill_state(enum sub_state sub)
{
        return sub == SUB_STOP_SIGTERM || sub == SUB_STOP_SIGKILL || sub == SUB_FINAL_SIGTERM ||
               sub == SUB_FINAL_SIGKILL;
}

/* Which signal the kill state sends, to the group or to the process. */
static int kill_state_signal(struct unit *u, enum sub_state sub, bool *ret_group)
{
        const struct kill_context *k = &cfg(u)->kill;
        bool sigkill = sub == SUB_STOP_SIGKILL || sub == SUB_FINAL_SIGKILL;
        *ret_group = k->kill_mode == KILL_CONTROL_GROUP || (k->kill_mode == KILL_MIXED && sigkill);
        return sigkill ? k->final_kill_signal : k->kill_signal;
}

void service_signal_late(struct sched *s, struct unit *u, pid_t pid, bool control)
{
        struct unit_runtime *rt = rt_of(s, u);
        bool group;

        if (!is_kill_state(rt->sub) || !rt->kill_waiting || pid <= 0 || cfg(u)->kill.kill_mode == KILL_NONE)
                return;
        int sig = kill_state_signal(u, rt->sub, &group);
        log_debug("%s: %s process %d reported while stopping, sending %s", u->id, control ? "control" : "main",
                  (int) pid, signal_to_string(sig));
        /* Each process weft starts leads its own group. */
        signal_one(s, u, group ? -pid : pid, sig);
}

void service_kill_remaining(struct sched *s, struct unit *u)
{
        send_signal(s, u, SIGKILL, true);
}

static void after_signal(struct sched *s, struct unit *u, enum sub_state sub, enum unit_result f)
{
        if (sub == SUB_STOP_SIGTERM || sub == SUB_STOP_SIGKILL)
                service_enter_stop_post(s, u, f);
        else
                service_enter_dead(s, u, f);
}

void service_enter_signal(struct sched *s, struct unit *u, enum sub_state sub, enum unit_result f)
{
        struct unit_runtime *rt = rt_of(s, u);
        const struct kill_context *k = &cfg(u)->kill;

        set_result(rt, f);
        if (k->kill_mode != KILL_NONE) {
                bool group;
                int sig = kill_state_signal(u, sub, &group);
                send_signal(s, u, sig, group);
        }
        if (k->kill_mode == KILL_NONE || !anything_left(s, u)) {
                after_signal(s, u, sub, rt->result);
                return;
        }
        unit_set_sub(s, u, sub);
        arm_timeout(s, u, cfg(u)->timeout_stop_usec);
        rt->kill_waiting = true;
        sched_add_kill_waiter(s, u);
}

/* In a killing sub-state: once nothing of the unit is left, go on. */
void service_processes_gone(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        if (!rt->kill_waiting || anything_left(s, u))
                return;
        rt->kill_waiting = false;
        after_signal(s, u, rt->sub, rt->result);
}

static bool should_restart(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = rt_of(s, u);
        const struct service_config *c = cfg(u);
        bool is_signal = rt->main_exit_code == CLD_KILLED || rt->main_exit_code == CLD_DUMPED;

        if (rt->forbid_restart || s->shutting_down || rt->result == RESULT_START_LIMIT_HIT)
                return false;
        if (rt->main_exit_code && exit_status_set_test(&service_exit_status(c)->restart_force, rt->main_exit_status, is_signal))
                return true;
        if (rt->main_exit_code && exit_status_set_test(&service_exit_status(c)->restart_prevent, rt->main_exit_status, is_signal))
                return false;
        /* SUBSET §2.6: which causes restart for each Restart= value. */
        static const uint8_t table[_UNIT_RESULT_MAX] = {
#define R(x) (1u << SERVICE_RESTART_##x)
                [RESULT_SUCCESS] = R(ALWAYS) | R(ON_SUCCESS),
                [RESULT_EXIT_CODE] = R(ALWAYS) | R(ON_FAILURE),
                [RESULT_RESOURCES] = R(ALWAYS) | R(ON_FAILURE),
                [RESULT_SIGNAL] = R(ALWAYS) | R(ON_FAILURE) | R(ON_ABNORMAL) | R(ON_ABORT),
                [RESULT_CORE_DUMP] = R(ALWAYS) | R(ON_FAILURE) | R(ON_ABNORMAL) | R(ON_ABORT),
                [RESULT_TIMEOUT] = R(ALWAYS) | R(ON_FAILURE) | R(ON_ABNORMAL),
                [RESULT_WATCHDOG] = R(ALWAYS) | R(ON_FAILURE) | R(ON_ABNORMAL) | R(ON_WATCHDOG),
#undef R
        };
        return table[rt->result] & (1u << c->restart);
}

void service_enter_dead(struct sched *s, struct unit *u, enum unit_result f)
{
        struct unit_runtime *rt = rt_of(s, u);
        set_result(rt, f);
        rt->main_cmd_pos = 0;
        rt->main_pgid = rt->control_pgid = 0;
        rt->kill_waiting = false;
        if (should_restart(s, u)) {
                rt->n_restarts++;
                log_info("%s: Scheduled restart job, restart counter is at %u.", u->id, rt->n_restarts);
                unit_set_sub(s, u, SUB_AUTO_RESTART);
                unit_arm_timer(s, u, s->now + cfg(u)->restart_usec);
                /* The unit does not go down on its way to a restart, but
                 * its RuntimeDirectory= goes unless preserved for it. */
                exec_dirs_remove_runtime(u->id, &cfg(u)->exec_ctx, true);
                exec_credentials_remove(u->id, &cfg(u)->exec_ctx);
                /* A fresh /tmp for the next run, as systemd's service_enter_dead. */
                exec_sandbox_remove_tmp(u->id, &cfg(u)->exec_ctx);
                return;
        }
        unit_disarm_timer(s, u);
        if (rt->result == RESULT_SUCCESS)
                unit_set_sub(s, u, SUB_DEAD);
        else
                unit_set_sub(s, u, SUB_FAILED);
}
