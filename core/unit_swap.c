/* Swap units (systemd.swap(5)) on the scheduler thread. A start runs
 * swapon(8) and a stop swapoff(8) as the unit's control process, as
 * systemd does. Whether a swap is on is what /proc/swaps says, read
 * through libmount's parser (mnt_table_parse_swaps); the kernel flags
 * /proc/swaps with POLLPRI when it changes, which an epoll fd of the
 * type's own turns into readability for the io thread. A swap switched
 * on by someone else shows up as an active unit, one switched off goes
 * dead. Tests never switch a swap on: swap is not per namespace. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/log.h"
#include "core/kernel_table.h"
#include "core/lib_mount.h"
#include "core/unit_type.h"
#include "parse/load.h"
#include "sockets/control_proto.h"

/* s->type_state[UNIT_SWAP] */
struct swap_watch {
        int proc_fd; /* /proc/swaps, kept open for its POLLPRI */
        int epoll_fd;
};

static const struct kernel_table swap_table;

static struct kernel_table_rt *srt(const struct unit *u)
{
        return kernel_table_rt(u);
}

static uint64_t swap_timeout(const struct unit *u)
{
        return u->swap ? u->swap->timeout_usec : USEC_INFINITY;
}

static void swap_start(struct sched *s, struct unit *u)
{
        const struct swap_config *c = u->swap;
        char *argv[8], prio[16];
        int n = 0;

        u->rt->result = RESULT_SUCCESS;
        if (srt(u)->in_table) {
                unit_set_sub(s, u, SUB_ACTIVE);
                return;
        }
        if (!c || !c->what.path) {
                kernel_table_enter_failed(s, u, RESULT_RESOURCES);
                return;
        }
        argv[n++] = (char *) "/sbin/swapon";
        if (c->options && *c->options) {
                argv[n++] = (char *) "-o";
                argv[n++] = c->options;
        }
        if (c->priority >= 0) {
                snprintf(prio, sizeof prio, "%d", c->priority);
                argv[n++] = (char *) "-p";
                argv[n++] = prio;
        }
        argv[n++] = c->what.path;
        argv[n] = NULL;
        if (kernel_table_run(s, u, argv) < 0) {
                kernel_table_enter_failed(s, u, RESULT_RESOURCES);
                return;
        }
        unit_set_sub(s, u, SUB_ACTIVATING);
        kernel_table_arm(s, &swap_table, u);
}

static void swap_stop(struct sched *s, struct unit *u)
{
        char *argv[3];
        switch (u->rt->sub) {
        case SUB_ACTIVATING:
        case SUB_ACTIVATING_DONE:
                kernel_table_enter_signal(s, &swap_table, u, SUB_DEACTIVATING_SIGTERM, SIGTERM);
                return;
        case SUB_ACTIVE:
                break;
        default:
                return;
        }
        /* At shutdown a swap nobody configured is left to the final sweep. */
        if (s->shutting_down && !u->fragment_dir) {
                unit_set_sub(s, u, SUB_DEAD);
                return;
        }
        argv[0] = (char *) "/sbin/swapoff";
        argv[1] = u->swap->what.path;
        argv[2] = NULL;
        u->rt->result = RESULT_SUCCESS;
        if (kernel_table_run(s, u, argv) < 0) {
                if (u->rt->job && u->rt->job->type == JOB_STOP)
                        job_finish(s, u->rt->job, JOB_FAILED);
                return;
        }
        unit_set_sub(s, u, SUB_DEACTIVATING);
        kernel_table_arm(s, &swap_table, u);
}

static void swap_spawned(struct sched *s, struct unit *u, pid_t pid, int error, uint64_t exec_usec, bool control)
{
        struct unit_runtime *rt = u->rt;
        if (pid > 0) {
                rt->control_pid = rt->control_pgid = pid;
                if (rt->sub == SUB_DEACTIVATING_SIGTERM || rt->sub == SUB_DEACTIVATING_SIGKILL)
                        kernel_table_signal(s, u, rt->sub == SUB_DEACTIVATING_SIGTERM ? SIGTERM : SIGKILL);
                return;
        }
        log_error("%s: cannot run its control process: %s", u->id, strerror(error));
        if (rt->sub == SUB_DEACTIVATING) {
                unit_disarm_timer(s, u);
                unit_set_sub(s, u, SUB_ACTIVE);
                if (rt->job && rt->job->type == JOB_STOP)
                        job_finish(s, rt->job, JOB_FAILED);
        } else
                kernel_table_enter_failed(s, u, RESULT_RESOURCES);
}

static void swap_scan(struct sched *s, bool coldplug);

static void swap_exited(struct sched *s, struct unit *u, pid_t pid, int code, int status)
{
        struct unit_runtime *rt = u->rt;
        if (pid != rt->control_pid)
                return;
        bool ok = kernel_table_control_exited(u, code, status);
        if (!ok)
                log_warning("%s: %s process exited, code=%s, status=%d", u->id,
                            rt->sub == SUB_ACTIVATING || rt->sub == SUB_ACTIVATING_DONE ? "Swap" : "Swapoff",
                            code == CLD_EXITED ? "exited" : "killed", status);
        swap_scan(s, false);
        unit_disarm_timer(s, u);
        bool on = srt(u)->in_table;

        switch (rt->sub) {
        case SUB_ACTIVATING:
        case SUB_ACTIVATING_DONE:
                if (ok && on)
                        unit_set_sub(s, u, SUB_ACTIVE);
                else
                        kernel_table_enter_failed(s, u, ok ? RESULT_RESOURCES : rt->result);
                break;
        case SUB_DEACTIVATING:
        case SUB_DEACTIVATING_SIGTERM:
        case SUB_DEACTIVATING_SIGKILL:
                if (!on) {
                        if (rt->result == RESULT_SUCCESS)
                                unit_set_sub(s, u, SUB_DEAD);
                        else
                                kernel_table_enter_failed(s, u, rt->result);
                } else {
                        unit_set_sub(s, u, SUB_ACTIVE);
                        if (rt->job && rt->job->type == JOB_STOP)
                                job_finish(s, rt->job, JOB_FAILED);
                }
                break;
        default:
                break;
        }
}

static void swap_timer(struct sched *s, struct unit *u)
{
        struct unit_runtime *rt = u->rt;
        switch (rt->sub) {
        case SUB_ACTIVATING:
        case SUB_ACTIVATING_DONE:
        case SUB_DEACTIVATING:
                log_warning("%s: %s timed out. Terminating.", u->id,
                            rt->sub == SUB_DEACTIVATING ? "Deactivation" : "Activation");
                rt->result = RESULT_TIMEOUT;
                kernel_table_enter_signal(s, &swap_table, u, SUB_DEACTIVATING_SIGTERM, SIGTERM);
                break;
        case SUB_DEACTIVATING_SIGTERM:
                log_warning("%s: Swap process timed out. Killing.", u->id);
                kernel_table_enter_signal(s, &swap_table, u, SUB_DEACTIVATING_SIGKILL, SIGKILL);
                break;
        case SUB_DEACTIVATING_SIGKILL:
                log_warning("%s: Swap process still around after SIGKILL. Ignoring.", u->id);
                sched_forget_pid(s, rt->control_pid);
                rt->control_pid = rt->control_pgid = 0;
                kernel_table_enter_failed(s, u, RESULT_TIMEOUT);
                break;
        default:
                break;
        }
}

static int fill_from_table(struct unit *u, struct libmnt_fs *fs, const char *what)
{
        u->swap->priority = mnt_fs_get_priority(fs);
        return (u->swap->what.path = strdup(what)) ? 0 : -ENOMEM;
}

static int parse_swaps(struct libmnt_table *tb)
{
        return mnt_table_parse_swaps(tb, NULL);
}

/* A function, not the loaded library's pointer: the table is constant. */
static const char *source_of(struct libmnt_fs *fs)
{
        return mnt_fs_get_source(fs);
}

static const struct kernel_table swap_table = {
        .type = UNIT_SWAP,
        .suffix = ".swap",
        .noun = "swaps",
        .parse = parse_swaps,
        .key = source_of,
        .fill = fill_from_table,
        .up = SUB_ACTIVE,
        .starting = SUB_ACTIVATING,
        .started = SUB_ACTIVATING_DONE,
        .timeout = swap_timeout,
};

/* Bring every swap unit to /proc/swaps. */
static void swap_scan(struct sched *s, bool coldplug)
{
        kernel_table_sync(s, &swap_table, coldplug);
}

static void swap_enumerate(struct sched *s)
{
        struct swap_watch *w = s->type_state[UNIT_SWAP];
        bool first = !w;
        if (mount_lib_load() < 0)
                return;
        if (first) {
                if (!(w = malloc(sizeof *w)))
                        return;
                s->type_state[UNIT_SWAP] = w;
                w->proc_fd = open("/proc/swaps", O_RDONLY | O_CLOEXEC);
                w->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
                struct epoll_event ev = { .events = EPOLLPRI | EPOLLERR };
                if (w->proc_fd < 0 || w->epoll_fd < 0 || epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, w->proc_fd, &ev) < 0 ||
                    !s->ops->watch || s->ops->watch(s->userdata, w->epoll_fd, SCHED_TYPE_COOKIE(UNIT_SWAP)) < 0)
                        log_debug("cannot watch /proc/swaps; swaps switched by others are not seen");
        }
        swap_scan(s, first);
}

static void swap_fd_ready(struct sched *s, int fd)
{
        struct swap_watch *w = s->type_state[UNIT_SWAP];
        struct epoll_event ev;
        if (!w || fd != w->epoll_fd)
                return;
        /* Polling /proc/swaps again is what clears its flag. */
        while (epoll_wait(w->epoll_fd, &ev, 1, 0) > 0)
                ;
        swap_scan(s, false);
        if (s->ops->watch)
                s->ops->watch(s->userdata, w->epoll_fd, SCHED_TYPE_COOKIE(UNIT_SWAP));
}

static void swap_type_done(struct sched *s)
{
        struct swap_watch *w = s->type_state[UNIT_SWAP];
        if (w->epoll_fd >= 0 && s->ops->unwatch)
                s->ops->unwatch(s->userdata, w->epoll_fd);
        if (w->epoll_fd >= 0)
                close(w->epoll_fd);
        if (w->proc_fd >= 0)
                close(w->proc_fd);
        free(w);
        s->type_state[UNIT_SWAP] = NULL;
}

static int swap_show(struct sched *s, struct unit *u, struct control_unit *cu)
{
        char prio[16];
        if (!u->swap || !u->swap->what.path)
                return 0;
        snprintf(prio, sizeof prio, "%d", u->swap->priority);
        int r = control_unit_add(cu, "What", u->swap->what.path);
        return r < 0 ? r : control_unit_add(cu, "Priority", prio);
}

const struct unit_type_ops swap_ops = {
        .active_of = {
                [SUB_DEAD] = SUB_IS(UNIT_INACTIVE),
                [SUB_ACTIVATING] = SUB_IS(UNIT_ACTIVATING),
                [SUB_ACTIVATING_DONE] = SUB_IS(UNIT_ACTIVATING),
                [SUB_ACTIVE] = SUB_IS(UNIT_ACTIVE),
                [SUB_DEACTIVATING] = SUB_IS(UNIT_DEACTIVATING),
                [SUB_DEACTIVATING_SIGTERM] = SUB_IS(UNIT_DEACTIVATING),
                [SUB_DEACTIVATING_SIGKILL] = SUB_IS(UNIT_DEACTIVATING),
                [SUB_FAILED] = SUB_IS(UNIT_FAILED),
        },
        .start_spawns = true,
        .adopt = kernel_table_adopt,
        .may_gc = kernel_table_may_gc,
        .start = swap_start,
        .stop = swap_stop,
        .spawned = swap_spawned,
        .exited = swap_exited,
        .timer = swap_timer,
        .kill_remaining = kernel_table_kill_remaining,
        .show = swap_show,
        .enumerate = swap_enumerate,
        .type_fd_ready = swap_fd_ready,
        .type_done = swap_type_done,
};
