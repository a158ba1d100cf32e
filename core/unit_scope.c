/* Scope units (systemd.scope(5)) on the scheduler thread: a group of
 * processes someone else started, handed over by PID with
 * StartTransientUnit (systemd-run --scope, logind's session scopes).
 * Without cgroups weft knows the processes it was given, not their
 * children: each is watched through a pidfd, which the io thread reports
 * readable when the process exits. The scope runs while one of them lives
 * and is dead once all have exited; a stop sends them KillSignal=
 * (SIGTERM), SIGHUP with SendSIGHUP=yes, and SIGCONT, then SIGKILL
 * (SendSIGKILL=) after TimeoutStopSec=; KillMode=none lets them be. A scope without
 * processes (a file's, init.scope) is a point to order against: running
 * once started, dead once stopped (systemd's sub-state names). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/log.h"
#include "core/unit_type.h"
#include "parse/load_types.h"

struct scope_runtime {
        pid_t *pids;
        int *pidfds; /* -1 once that process exited */
        size_t n, alive;
};

static int scope_adopt(struct sched *s, struct unit *u)
{
        if (!u->rt->scope && !(u->rt->scope = calloc(1, sizeof *u->rt->scope)))
                return -ENOMEM;
        return 0;
}

/* Let go of process i: its pidfd is closed, and unwatched first when s is
 * there (NULL: the scheduler is going, the close takes it out of epoll). */
static void forget_pid(struct sched *s, struct scope_runtime *sc, size_t i)
{
        if (sc->pidfds[i] < 0)
                return;
        if (s && s->ops->unwatch)
                s->ops->unwatch(s->userdata, sc->pidfds[i]);
        close(sc->pidfds[i]);
        sc->pidfds[i] = -1;
        sc->alive--;
}

static void forget_all(struct sched *s, struct scope_runtime *sc)
{
        for (size_t i = 0; sc && i < sc->n; i++)
                forget_pid(s, sc, i);
        if (sc) {
                free(sc->pids);
                free(sc->pidfds);
                *sc = (struct scope_runtime) { 0 };
        }
}

void scope_runtime_free(struct scope_runtime *sc)
{
        forget_all(NULL, sc);
        free(sc);
}

int scope_add_pids(struct sched *s, struct unit *u, const pid_t *pids, size_t n)
{
        struct scope_runtime *sc = u->type == UNIT_SCOPE && u->rt ? u->rt->scope : NULL;
        if (!sc)
                return -EINVAL;
        if (!unit_state_is_down(u->rt->active))
                return -EBUSY;
        forget_all(s, sc); /* a new start of a dead scope: its own processes only */
        if (!(sc->pids = calloc(n, sizeof *sc->pids)) || !(sc->pidfds = calloc(n, sizeof *sc->pidfds)))
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                int fd = pids[i] > 1 ? (int) syscall(SYS_pidfd_open, pids[i], 0) : -1;
                if (fd < 0) {
                        int r = pids[i] > 1 ? -errno : -EINVAL;
                        forget_all(s, sc);
                        return r;
                }
                sc->pids[sc->n] = pids[i];
                sc->pidfds[sc->n++] = fd;
                sc->alive++;
                if (s->ops->watch && s->ops->watch(s->userdata, fd, u->rt->index) < 0)
                        log_warning("%s: cannot watch process %d; the scope ends only when stopped", u->id,
                                    (int) pids[i]);
        }
        return 0;
}

/* sig to each process alive; for the stop's own signal (term) SIGHUP as
 * well with SendSIGHUP=yes, then SIGCONT, as systemd's unit_kill_context. */
static void signal_alive(struct sched *s, struct unit *u, int sig, bool term)
{
        const struct kill_context *k = unit_kill_context(u);
        struct scope_runtime *sc = u->rt->scope;
        for (size_t i = 0; i < sc->n; i++)
                if (sc->pidfds[i] >= 0 && s->ops->kill) {
                        s->ops->kill(s->userdata, sc->pids[i], sig);
                        if (term && k && k->send_sighup)
                                s->ops->kill(s->userdata, sc->pids[i], SIGHUP);
                        if (term)
                                s->ops->kill(s->userdata, sc->pids[i], SIGCONT);
                }
}

static void arm_stop_timeout(struct sched *s, struct unit *u)
{
        uint64_t t = unit_timeout_stop_usec(u);
        t = t ? t : s->config.default_timeout_stop_usec;
        if (t && t != USEC_INFINITY)
                unit_arm_timer(s, u, s->now + t);
        else
                unit_disarm_timer(s, u);
}

static void scope_start(struct sched *s, struct unit *u)
{
        struct scope_runtime *sc = u->rt->scope;
        u->rt->result = RESULT_SUCCESS;
        if (sc->n && !sc->alive) { /* while its start waited for an After= */
                log_warning("%s: its processes exited before it could start", u->id);
                job_finish(s, u->rt->job, JOB_FAILED);
                return;
        }
        unit_set_sub(s, u, SUB_RUNNING);
}

static void scope_stop(struct sched *s, struct unit *u)
{
        const struct kill_context *k = unit_kill_context(u);
        if (!u->rt->scope->alive || (k && k->kill_mode == KILL_NONE)) { /* none: its processes are let be */
                unit_set_sub(s, u, SUB_DEAD);
                return;
        }
        signal_alive(s, u, k && k->kill_signal ? k->kill_signal : SIGTERM, true);
        unit_set_sub(s, u, SUB_STOP_SIGTERM);
        arm_stop_timeout(s, u);
}

static void scope_timer(struct sched *s, struct unit *u)
{
        const struct kill_context *k = unit_kill_context(u);
        if (u->rt->sub == SUB_STOP_SIGTERM && k && !k->send_sigkill) {
                log_warning("%s: Stopping timed out. Skipping SIGKILL.", u->id);
                u->rt->result = RESULT_TIMEOUT;
                unit_set_sub(s, u, SUB_FAILED);
        } else if (u->rt->sub == SUB_STOP_SIGTERM) {
                log_warning("%s: Stopping timed out. Killing.", u->id);
                signal_alive(s, u, SIGKILL, false);
                unit_set_sub(s, u, SUB_STOP_SIGKILL);
                arm_stop_timeout(s, u);
        } else if (u->rt->sub == SUB_STOP_SIGKILL) {
                log_warning("%s: Processes still around after SIGKILL. Ignoring.", u->id);
                u->rt->result = RESULT_TIMEOUT;
                unit_set_sub(s, u, SUB_FAILED);
        }
}

/* One of the processes exited: the scope ends with the last. */
static void scope_fd_ready(struct sched *s, struct unit *u, int fd)
{
        struct scope_runtime *sc = u->rt->scope;
        for (size_t i = 0; i < sc->n; i++)
                if (sc->pidfds[i] == fd)
                        forget_pid(s, sc, i);
        if (sc->alive || unit_state_is_down(u->rt->active))
                return;
        unit_disarm_timer(s, u);
        unit_set_sub(s, u, SUB_DEAD);
}

int scope_abandon(struct sched *s, struct unit *u)
{
        if (u->type != UNIT_SCOPE || !u->rt || (u->rt->sub != SUB_RUNNING && u->rt->sub != SUB_ABANDONED))
                return -ESRCH;
        unit_set_sub(s, u, SUB_ABANDONED);
        return 0;
}

static bool scope_has_pid(const struct unit *u, pid_t pid)
{
        const struct scope_runtime *sc = u->rt->scope;
        for (size_t i = 0; sc && i < sc->n; i++)
                if (sc->pids[i] == pid && sc->pidfds[i] >= 0)
                        return true;
        return false;
}

static void scope_kill_remaining(struct sched *s, struct unit *u)
{
        signal_alive(s, u, SIGKILL, false);
}

static void scope_went_down(struct sched *s, struct unit *u)
{
        unit_disarm_timer(s, u);
        forget_all(s, u->rt->scope);
}

/* After a daemon-reload the io thread's cookie is the unit's new index. */
static void scope_rewatch(struct sched *s, struct unit *u)
{
        struct scope_runtime *sc = u->rt->scope;
        for (size_t i = 0; sc && i < sc->n; i++)
                if (sc->pidfds[i] >= 0 && s->ops->watch)
                        (void) s->ops->watch(s->userdata, sc->pidfds[i], u->rt->index);
}

static void scope_collected(struct sched *s, struct unit *u)
{
        forget_all(s, u->rt->scope);
}

const struct unit_type_ops scope_ops = {
        .active_of = {
                [SUB_DEAD] = SUB_IS(UNIT_INACTIVE),
                [SUB_RUNNING] = SUB_IS(UNIT_ACTIVE),
                [SUB_ABANDONED] = SUB_IS(UNIT_ACTIVE),
                [SUB_STOP_SIGTERM] = SUB_IS(UNIT_DEACTIVATING),
                [SUB_STOP_SIGKILL] = SUB_IS(UNIT_DEACTIVATING),
                [SUB_FAILED] = SUB_IS(UNIT_FAILED),
        },
        .adopt = scope_adopt,
        .start = scope_start,
        .stop = scope_stop,
        .timer = scope_timer,
        .fd_ready = scope_fd_ready,
        .kill_remaining = scope_kill_remaining,
        .went_down = scope_went_down,
        .rewatch = scope_rewatch,
        .collected = scope_collected,
        .has_pid = scope_has_pid,
};
