/* What sd_notify messages mean for a unit (sd_notify(3), SUBSET §2.10),
 * on the scheduler thread: attribution by pid under NotifyAccess=,
 * READY=1, RELOADING=1, STOPPING=1, STATUS=, ERRNO=, MAINPID=, the
 * watchdog keys, EXTEND_TIMEOUT_USEC=, BARRIER=1 and the fd store. The io
 * thread already dropped malformed datagrams. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/service_internal.h"
#include "core/unit_type.h"
#include "sockets/notify.h"

/* Messages whose sender is not known yet: its spawn report is still on the
 * way. Kept per pid, in order, while spawns are in flight. */
struct early {
        struct notify_message *m;
        struct early *next;
};

void fdstore_close_all(struct unit_runtime *rt)
{
        for (unsigned i = 0; i < rt->n_fdstore; i++) {
                close(rt->fdstore[i].fd);
                free(rt->fdstore[i].name);
        }
        free(rt->fdstore);
        rt->fdstore = NULL;
        rt->n_fdstore = 0;
}

static void fdstore_add(struct unit *u, struct notify_message *m)
{
        struct unit_runtime *rt = u->rt;
        unsigned max = u->service->fd_store_max;
        const char *name = m->fdname ? m->fdname : "stored";

        for (unsigned i = 0; i < m->n_fds; i++) {
                if (rt->n_fdstore >= max) {
                        log_warning("%s: fd store full (FileDescriptorStoreMax=%u), closing the rest", u->id, max);
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
        struct unit_runtime *rt = u->rt;
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
        struct unit_runtime *rt = u->rt;
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

void notify_apply(struct sched *s, struct unit *u, struct notify_message *m)
{
        struct unit_runtime *rt = u->rt;

        if (!allowed(u, m->pid, m->pgid)) {
                log_warning("%s: notification from pid %d refused by NotifyAccess=%s", u->id, (int) m->pid,
                            notify_access_to_string(u->service->notify_access));
                return;
        }
        if (m->main_pid > 0 && m->main_pid != rt->main_pid && kill(m->main_pid, 0) < 0 && errno == ESRCH) {
                log_warning("%s: MAINPID=%d names no running process, ignoring", u->id, (int) m->main_pid);
        } else if (m->main_pid > 0 && m->main_pid != rt->main_pid) {
                if (rt->main_pid > 0)
                        sched_forget_pid(s, rt->main_pid);
                rt->main_pid = m->main_pid;
                sched_track_pid(s, u, m->main_pid);
                log_debug("%s: main pid is now %d", u->id, (int) m->main_pid);
        }
        if (m->status) {
                free(rt->status_text);
                rt->status_text = m->status;
                m->status = NULL;
        }
        if (m->errno_value >= 0)
                rt->status_errno = m->errno_value;
        if (m->has_watchdog_usec) {
                rt->watchdog_usec = m->watchdog_usec;
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
                fdstore_add(u, m);
        if (m->fdstore_remove && m->fdname)
                fdstore_remove(u, m->fdname);
        if (m->stopping)
                service_event(s, u, SEV_STOPPING, NULL);
        if (m->reloading)
                service_event(s, u, SEV_RELOADING, NULL);
        if (m->ready)
                service_event(s, u, SEV_READY, NULL);
}

static void message_free(struct notify_message *m)
{
        notify_message_done(m);
        free(m);
}

void notify_handle(struct sched *s, struct notify_message *m)
{
        /* BARRIER=1: closing its fd, in order, is the whole answer. */
        if (m->barrier) {
                message_free(m);
                return;
        }
        struct unit *u = idmap_get(&s->by_pid, (uint64_t) m->pid);
        if (!u) {
                /* Another process of a unit (NotifyAccess=all): weft's
                 * children lead their own process group, so the group
                 * leader's pid names the unit. */
                pid_t g = m->pgid > 0 ? m->pgid : getpgid(m->pid);
                if (g > 0)
                        u = idmap_get(&s->by_pid, (uint64_t) g);
        }
        if (!u || !unit_ops(u)->notify) {
                if (s->spawns_in_flight > 0) {
                        struct early *e = malloc(sizeof *e);
                        if (e) {
                                e->m = m;
                                e->next = idmap_get(&s->early_notify, (uint64_t) m->pid);
                                if (idmap_put(&s->early_notify, (uint64_t) m->pid, e) >= 0)
                                        return;
                                free(e);
                        }
                }
                log_debug("notification from pid %d, which belongs to no unit; dropped", (int) m->pid);
                message_free(m);
                return;
        }
        unit_ops(u)->notify(s, u, m);
        message_free(m);
}

static void replay(struct sched *s, struct early *e)
{
        /* The list is newest first: replay the older ones first. */
        if (!e)
                return;
        replay(s, e->next);
        notify_handle(s, e->m);
        free(e);
}

void notify_replay_early(struct sched *s, pid_t pid)
{
        replay(s, idmap_remove(&s->early_notify, (uint64_t) pid));
}

static void drop_all(struct early *e)
{
        while (e) {
                struct early *next = e->next;
                log_debug("notification from pid %d, which belongs to no unit; dropped", (int) e->m->pid);
                message_free(e->m);
                free(e);
                e = next;
        }
}

void notify_drop_early(struct sched *s)
{
        for (size_t i = 0; i < s->early_notify.n_slots; i++)
                if (s->early_notify.slots[i].key)
                        drop_all(s->early_notify.slots[i].value);
        idmap_done(&s->early_notify);
        idmap_init(&s->early_notify);
}
