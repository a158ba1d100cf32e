/* Which unit an sd_notify message is for, on the scheduler thread: by
 * the sender's pid or process group, or held until the spawn report that
 * names its sender; then the unit type's notify operation. BARRIER=1 is
 * answered here. The io thread already dropped malformed datagrams and
 * closed fds sent without FDSTORE=1. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/log.h"
#include "core/sched_internal.h"
#include "core/unit_type.h"
#include "sockets/notify.h"

/* Messages whose sender is not known yet: its spawn report is still on the
 * way. Kept per pid, in order, while spawns are in flight. A real one comes
 * within the moment between fork and report, so a few suffice; more is a
 * flood from processes of no unit, which must not pile up in weft. */
#define EARLY_MSGS_MAX 64
#define EARLY_FDS_MAX 64

struct early {
        struct notify_message *m;
        struct early *next;
};

/* One warning line, unless the scheduler's notify lines are over their
 * rate (a sender controls how often this is reached). */
void notify_log_refused(struct sched *s, const char *fmt, ...)
{
        char line[512];
        unsigned suppressed;
        va_list ap;

        if (!log_ratelimit_allow(&s->notify_rl, s->now, &suppressed))
                return;
        va_start(ap, fmt);
        vsnprintf(line, sizeof line, fmt, ap);
        va_end(ap);
        if (suppressed > 0)
                log_warning("%s (%u more refused, not logged)", line, suppressed);
        else
                log_warning("%s", line);
}

static void message_free(struct notify_message *m)
{
        notify_message_done(m);
        free(m);
}

/* Keep m until its sender's spawn report: bounded, since any process can
 * send while spawns are in flight. Returns false when it was not kept. */
static bool stash_early(struct sched *s, struct notify_message *m)
{
        if (s->n_early_msgs >= EARLY_MSGS_MAX || s->n_early_fds + m->n_fds > EARLY_FDS_MAX)
                return false;
        struct early *e = malloc(sizeof *e);
        if (!e)
                return false;
        e->m = m;
        e->next = idmap_get(&s->early_notify, (uint64_t) m->pid);
        if (idmap_put(&s->early_notify, (uint64_t) m->pid, e) < 0) {
                free(e);
                return false;
        }
        s->n_early_msgs++;
        s->n_early_fds += m->n_fds;
        return true;
}

void notify_handle(struct sched *s, struct notify_message *m)
{
        /* Out of the io thread's queue: whatever happens to m now is
         * bounded here (the stash, the fd store) or m is freed. */
        notify_message_release(m);
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
                if (s->spawns_in_flight > 0 && stash_early(s, m))
                        return;
                if (s->spawns_in_flight > 0)
                        notify_log_refused(s, "notification from pid %d, which belongs to no unit yet: too many waiting "
                                    "(%u messages, %u fds), dropped", (int) m->pid, s->n_early_msgs, s->n_early_fds);
                else
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
        s->n_early_msgs--;
        s->n_early_fds -= e->m->n_fds;
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
        s->n_early_msgs = s->n_early_fds = 0;
}
