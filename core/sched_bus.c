/* What the bus thread's events mean for units (scheduler thread only).
 * The bus thread reports facts (a name got or lost its owner, its
 * connection came or went); the service state table decides what they do
 * (SEV_BUS_NAME_ACQUIRED / SEV_BUS_NAME_LOST in core/service_events.c).
 * And the other way: the unit that provides the bus coming up tells the
 * bus thread to connect, and a unit's changes become its PropertiesChanged.
 * The bus thread also holds clients' references to units (Ref, AddRef):
 * a referenced unit is not collected until the client lets go. */
#include <string.h>

#include "base/log.h"
#include "base/strv.h"
#include "core/service_internal.h"

/* The unit whose being active means the system bus answers (systemd's
 * manager_dbus_is_running looks at dbus.service the same way). */
#define BUS_SERVICE "dbus.service"

void sched_bus_name(struct sched *s, const char *name, bool owned)
{
        bool found = false;

        /* Few units have a BusName=, and names change seldom: a scan of
         * the table per change costs less than keeping an index in step
         * with daemon-reloads. */
        for (size_t i = 0; i < s->n_rt; i++) {
                struct unit *u = s->units->units[i];
                if (u->type != UNIT_SERVICE || !u->service || !service_extra(u->service)->bus_name ||
                    u->load_state != UNIT_LOADED || strcmp(service_extra(u->service)->bus_name, name) != 0)
                        continue;
                found = true;
                /* A BusName= gets its notify state at adoption. */
                struct notify_runtime *nt = u->rt->notify;
                if (!nt || nt->bus_name_good == owned)
                        continue;
                nt->bus_name_good = owned;
                nt->bus_name_acquired = owned;
                if (owned)
                        nt->t_bus_name = s->now;
                log_debug("%s: bus name %s now %s", u->id, name, owned ? "owned" : "not owned by anyone");
                service_event(s, u, owned ? SEV_BUS_NAME_ACQUIRED : SEV_BUS_NAME_LOST, NULL);
        }
        if (!found)
                log_full_ratelimited(&s->bus_rl, LOG_LEVEL_DEBUG, 0, "bus name %s belongs to no unit", name);
}

/* A lost connection does not touch the units: their names are asked
 * again on the next one, and only a name reported gone then stops one. */
void sched_bus_state(struct sched *s, bool connected)
{
        if (s->bus_connected != connected)
                log_info("%s the system bus", connected ? "Connected to" : "Disconnected from");
        s->bus_connected = connected;
}

void sched_bus_unit_changed(struct sched *s, struct unit *u, enum unit_active_state old)
{
        enum unit_active_state now = u->rt->active;

        if (!s->ops->bus_up || strcmp(u->id, BUS_SERVICE) != 0)
                return;
        if (now == UNIT_ACTIVE && old != UNIT_RELOADING)
                s->ops->bus_up(s->userdata, true);
        else if (unit_state_is_down(now) || now == UNIT_DEACTIVATING)
                s->ops->bus_up(s->userdata, false);
}

void sched_bus_signal(struct sched *s, const struct unit *u)
{
        const struct unit_runtime *rt = u->rt;
        if (s->ops->unit_changed)
                s->ops->unit_changed(s->userdata, u->id, unit_active_state_to_string(rt->active),
                                     sub_state_to_string(rt->sub), rt->job ? rt->job->id : 0);
}

bool sched_bus_referenced(const struct sched *s, const struct unit *u)
{
        return s->bus_refs && strv_contains(s->bus_refs, u->id);
}

/* One entry per hold the bus thread reports (one per unit name its
 * clients hold: an alias and the unit's own name are two); few are held
 * at once, one per waiting client. */
int sched_bus_ref(struct sched *s, const char *name, bool ref)
{
        size_t i = 0, n = strv_length(s->bus_refs);

        if (ref)
                return strv_extend(&s->bus_refs, name);
        while (i < n && strcmp(s->bus_refs[i], name) != 0)
                i++;
        if (i == n)
                return 0;
        free(s->bus_refs[i]);
        memmove(s->bus_refs + i, s->bus_refs + i + 1, (n - i) * sizeof *s->bus_refs);
        /* The last hold gone: collectable again, as any unit after its last use. */
        struct unit *u = unit_table_get(s->units, name);
        if (u && u->rt && !strv_contains(s->bus_refs, name))
                sched_gc_queue(s, u);
        return 0;
}
