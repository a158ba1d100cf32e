/* The manager's state as a whole, as systemd's SystemState names it
 * (`systemctl is-system-running`), and the moment start-up finished:
 * the boot's target was reached and no job is left, when systemd says
 * "Startup finished" and sends StartupFinished. */
#include <string.h>

#include "core/sched.h"
#include "core/sched_internal.h"

/* Is the unit called name up, or on its way up (systemd's
 * unit_active_or_pending)? */
static bool active_or_pending(struct sched *s, const char *name)
{
        struct unit *u = unit_table_get(s->units, name);
        if (!u || !u->rt || unit_collected(u))
                return false;
        return !unit_state_is_down(u->rt->active) || (u->rt->job && u->rt->job->type != JOB_STOP);
}

const char *sched_system_state(struct sched *s)
{
        if (s->shutting_down || active_or_pending(s, "shutdown.target"))
                return "stopping";
        if (!s->startup_finished) {
                struct unit *basic = unit_table_get(s->units, "basic.target");
                return basic && basic->rt && basic->rt->active == UNIT_ACTIVE ? "starting" : "initializing";
        }
        if (active_or_pending(s, "rescue.target") || active_or_pending(s, "emergency.target"))
                return "maintenance";
        return sched_n_failed_units(s) > 0 ? "degraded" : "running";
}

unsigned sched_n_failed_units(struct sched *s)
{
        unsigned n = 0;
        for (size_t i = 0; i < s->n_rt; i++) {
                const struct unit *u = s->units->units[i];
                n += u->rt->active == UNIT_FAILED && !u->rt->collected;
        }
        return n;
}

void sched_startup_check(struct sched *s)
{
        if (s->startup_finished || !s->boot_reported || s->n_jobs > 0)
                return;
        s->startup_finished = true;
        s->t_startup_finished = s->now;
        if (s->ops->startup_finished)
                s->ops->startup_finished(s->userdata, s->now);
}
