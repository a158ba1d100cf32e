/* What sd_notify messages mean for a service (sd_notify(3), SUBSET
 * §2.10), on the scheduler thread: NotifyAccess=, READY=1, RELOADING=1,
 * STOPPING=1, STATUS=, ERRNO=, MAINPID=, the watchdog keys,
 * EXTEND_TIMEOUT_USEC= and the fd store. core/notify_route.c found the
 * unit; whatever a sender may not do is refused here, logged at a bounded
 * rate, and its fds closed at once. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "core/service_internal.h"
#include "core/unit_type.h"
#include "sockets/notify.h"

void fdstore_close_all(struct unit_runtime *rt)
{
        struct notify_runtime *nt = rt->notify;
        if (!nt)
                return;
        for (unsigned i = 0; i < nt->n_fdstore; i++) {
                close(nt->fdstore[i].fd);
                free(nt->fdstore[i].name);
        }
        free(nt->fdstore);
        nt->fdstore = NULL;
        nt->n_fdstore = 0;
}

static void fdstore_add(struct sched *s, struct unit *u, struct notify_message *m)
{
        struct notify_runtime *rt = u->rt->notify;
        unsigned max = service_extra(u->service)->fd_store_max;
        const char *name = m->fdname ? m->fdname : "stored";

        for (unsigned i = 0; i < m->n_fds; i++) {
                if (rt->n_fdstore >= max) {
                        /* The rest stay in m, closed with it. */
                        notify_log_refused(s, "%s: fd store full (FileDescriptorStoreMax=%u), closing %u fds", u->id, max,
                                    m->n_fds - i);
                        break;
                }
                struct fdstore_entry *e = realloc(rt->fdstore, (rt->n_fdstore + 1) * sizeof *e);
                char *n = strdup(name);
                if (!e || !n) {
                        if (e)
                                rt->fdstore = e;
                        free(n);
                        log_error("%s: out of memory storing an fd", u->id);
                        break;
                }
                rt->fdstore = e;
                e[rt->n_fdstore++] = (struct fdstore_entry) { m->fds[i], n };
                m->fds[i] = -1; /* the store owns it now */
        }
}

static void fdstore_remove(struct unit *u, const char *name)
{
        struct notify_runtime *rt = u->rt->notify;
        unsigned n = 0;
        for (unsigned i = 0; i < rt->n_fdstore; i++) {
                if (strcmp(rt->fdstore[i].name, name) == 0) {
                        close(rt->fdstore[i].fd);
                        free(rt->fdstore[i].name);
                } else
                        rt->fdstore[n++] = rt->fdstore[i];
        }
        rt->n_fdstore = n;
}

void watchdog_arm(struct sched *s, struct unit *u)
{
        struct notify_runtime *rt = u->rt->notify;
        if (!rt) {
                /* No WatchdogSec= and no notifications: nothing to arm. */
                unit_reschedule(s, u);
                return;
        }
        if (!rt->watchdog_usec || rt->watchdog_usec == USEC_INFINITY) {
                rt->watchdog_when = 0;
                unit_reschedule(s, u);
                return;
        }
        rt->watchdog_when = s->now + rt->watchdog_usec;
        unit_reschedule(s, u);
}

/* NotifyAccess=: may pid speak for u? */
static bool allowed(struct unit *u, pid_t pid, pid_t pgid)
{
        struct unit_runtime *rt = u->rt;
        switch (u->service->notify_access) {
        case NOTIFY_MAIN:
                return pid == rt->main_pid;
        case NOTIFY_EXEC:
                return pid == rt->main_pid || pid == rt->control_pid;
        case NOTIFY_ALL: {
                /* No cgroups: "the unit's processes" are its process groups. */
                pid_t g = pgid > 0 ? pgid : getpgid(pid);
                return pid == rt->main_pid || pid == rt->control_pid ||
                       (g > 0 && (g == rt->main_pgid || g == rt->control_pgid));
        }
        default:
                return false;
        }
}

/* The sub-states in which MAINPID= is heard (systemd's list): a process
 * is running, or being stopped. */
static const bool mainpid_state[_SUB_STATE_MAX] = {
        [SUB_START] = true,        [SUB_START_POST] = true,   [SUB_RUNNING] = true,
        [SUB_RELOAD] = true,       [SUB_STOP] = true,         [SUB_STOP_SIGTERM] = true,
        [SUB_STOP_SIGKILL] = true, [SUB_STOP_POST] = true,    [SUB_FINAL_SIGTERM] = true,
        [SUB_FINAL_SIGKILL] = true,
};

static bool pid_is_one_of(pid_t pid, pid_t a, pid_t b, pid_t c)
{
        return pid > 0 && (pid == a || pid == b || pid == c);
}

/* Is the process m names in MAINPID= one of u's? Without cgroups, "u's
 * processes" are its process groups and sessions (weft's children lead
 * both), and whatever descends from its main or control process or from
 * the sender (which NotifyAccess= already found to be u's). */
static bool main_pid_belongs(struct unit *u, const struct notify_message *m)
{
        const struct unit_runtime *rt = u->rt;
        const struct notify_pid_info *in = &m->main_pid_info;

        if (pid_is_one_of(in->pgid, rt->main_pgid, rt->control_pgid, 0) ||
            pid_is_one_of(in->sid, rt->main_pgid, rt->control_pgid, 0))
                return true;
        for (unsigned i = 0; i < in->n_ancestors && i < NOTIFY_ANCESTORS_MAX; i++)
                if (pid_is_one_of(in->ancestors[i], rt->main_pid, rt->control_pid, m->pid))
                        return true;
        return false;
}

/* systemd's service_is_suitable_main_pid() and the MAINPID= rule of
 * service_notify_message(), with process groups for the control group:
 * never the manager, one of its threads, a zombie, the control process or
 * another unit's process; a process of the unit from anyone NotifyAccess=
 * lets speak; any other process only from root. Returns true to take it. */
static bool main_pid_acceptable(struct sched *s, struct unit *u, const struct notify_message *m)
{
        const struct unit_runtime *rt = u->rt;
        const struct notify_pid_info *in = &m->main_pid_info;
        pid_t pid = m->main_pid, self = getpid();
        struct unit *owner;

        if (!mainpid_state[rt->sub]) {
                log_debug("%s: MAINPID=%d while %s, ignoring", u->id, (int) pid, sub_state_to_string(rt->sub));
                return false;
        }
        if (pid == 1 || pid == self || in->tgid == self) {
                notify_log_refused(s, "%s: new main PID %d is the manager, refusing", u->id, (int) pid);
                return false;
        }
        if (!in->alive) {
                notify_log_refused(s, "%s: new main PID %d does not exist or is a zombie, ignoring", u->id, (int) pid);
                return false;
        }
        if (in->tgid != pid) {
                notify_log_refused(s, "%s: new main PID %d is a thread, not a process, refusing", u->id, (int) pid);
                return false;
        }
        if (pid == rt->control_pid) {
                notify_log_refused(s, "%s: new main PID %d is the control process, refusing", u->id, (int) pid);
                return false;
        }
        owner = idmap_get(&s->by_pid, (uint64_t) pid);
        if (owner && owner != u) {
                notify_log_refused(s, "%s: new main PID %d belongs to %s, refusing", u->id, (int) pid, owner->id);
                return false;
        }
        if (owner == u || main_pid_belongs(u, m))
                return true;
        if (m->uid == 0) {
                log_debug("%s: new main PID %d does not belong to the service, but the sender is root: accepted",
                          u->id, (int) pid);
                return true;
        }
        notify_log_refused(s, "%s: new main PID %d does not belong to the service, and the sender (pid %d, uid %u) is "
                    "not root, refusing", u->id, (int) pid, (int) m->pid, (unsigned) m->uid);
        return false;
}

void notify_apply(struct sched *s, struct unit *u, struct notify_message *m)
{
        struct unit_runtime *rt = u->rt;

        if (!allowed(u, m->pid, m->pgid)) {
                notify_log_refused(s, "%s: notification from pid %d refused by NotifyAccess=%s%s", u->id, (int) m->pid,
                            notify_access_to_string(u->service->notify_access),
                            m->n_fds ? ", its fds closed" : "");
                return;
        }
        /* Whoever may notify got notify state at adoption (service_adopt). */
        struct notify_runtime *nt = rt->notify;
        if (!nt) {
                log_error("%s: notification dropped: the unit has no notify state", u->id);
                return;
        }
        if (m->main_pid > 0 && m->main_pid != rt->main_pid && main_pid_acceptable(s, u, m)) {
                if (rt->main_pid > 0)
                        sched_forget_pid(s, rt->main_pid);
                rt->main_pid = m->main_pid;
                sched_track_pid(s, u, m->main_pid);
                log_debug("%s: main pid is now %d", u->id, (int) m->main_pid);
        }
        if (m->status) {
                free(nt->status_text);
                nt->status_text = m->status;
                m->status = NULL;
        }
        if (m->errno_value >= 0)
                nt->status_errno = m->errno_value;
        if (m->has_watchdog_usec) {
                nt->watchdog_usec = m->watchdog_usec;
                watchdog_arm(s, u);
        }
        if (m->watchdog)
                watchdog_arm(s, u);
        if (m->watchdog_trigger)
                service_watchdog(s, u);
        if (m->extend_timeout_usec && rt->timer_when) {
                uint64_t when = s->now + m->extend_timeout_usec;
                if (when > rt->timer_when)
                        unit_arm_timer(s, u, when);
        }
        if (m->fdstore)
                fdstore_add(s, u, m);
        if (m->fdstore_remove && m->fdname)
                fdstore_remove(u, m->fdname);
        if (m->stopping)
                service_event(s, u, SEV_STOPPING, NULL);
        if (m->reloading)
                service_event(s, u, SEV_RELOADING, NULL);
        if (m->ready)
                service_event(s, u, SEV_READY, NULL);
}
