/* Who on the system bus listens to units, and who holds them (systemd's
 * subscribed clients and units' bus_track): Manager.Subscribe, Unit.Ref
 * and Unref, and StartTransientUnit's AddRef=yes. sd-bus's track objects
 * watch the clients' names, so a client that exits lets go of all it had.
 * While anyone listens or holds a unit, the scheduler sends every unit
 * change (CMD_UNIT_CHANGED) and it goes out as PropertiesChanged of the
 * Unit interface: what systemctl start --wait and systemd-run --wait wait
 * for. A held unit is not collected (the scheduler's bus-ref), so the
 * client can still read how it ended. Private-bus peers subscribe to
 * nothing more than StartupFinished, which every peer gets, and cannot
 * hold units: the tools that wait use the system bus. Bus thread only, but
 * for want_changes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus_internal.h"

static void update_want(struct bus_thread *t)
{
        bool want = (t->subscribers && sd_bus_track_count(t->subscribers) > 0) || t->n_refs > 0;
        atomic_store(&t->want_changes, want);
}

/* bus-ref or bus-unref with no call to answer. */
static void tell_scheduler(struct bus_thread *t, const char *verb, const char *unit)
{
        int r = bus_ask(t, NULL, &(struct bus_question) { .call = CALL_QUIET, .unit = unit, .verb = verb, .uid = 0 });
        if (r < 0)
                log_warning("bus: cannot tell the scheduler %s %s: %s", verb, unit, strerror(-r));
}

static bool on_system_bus(struct bus_thread *t, sd_bus_message *m)
{
        return t->bus && sd_bus_message_get_bus(m) == t->bus;
}

/* ---- subscribers ---- */

/* Track handlers return 1: sd-bus queues a handler that returns 0 again
 * while its track stays empty, and would call it forever. */
static int on_subscribers_gone(sd_bus_track *track, void *userdata)
{
        update_want(userdata);
        return 1;
}

int bus_track_subscribe(struct bus_thread *t, sd_bus_message *m, bool on, sd_bus_error *ret_error)
{
        int r = 0;

        if (!on_system_bus(t, m))
                return sd_bus_reply_method_return(m, NULL);
        if (!t->subscribers)
                r = sd_bus_track_new(t->bus, &t->subscribers, on_subscribers_gone, t);
        if (r >= 0)
                r = on ? sd_bus_track_add_sender(t->subscribers, m) : sd_bus_track_remove_sender(t->subscribers, m);
        update_want(t);
        if (r < 0)
                return r;
        if (r == 0)
                return on ? sd_bus_error_setf(ret_error, "org.freedesktop.systemd1.AlreadySubscribed",
                                              "Client is already subscribed.")
                          : sd_bus_error_setf(ret_error, "org.freedesktop.systemd1.NotSubscribed",
                                              "Client is not subscribed.");
        return sd_bus_reply_method_return(m, NULL);
}

/* ---- references ---- */

static struct bus_unit_ref *ref_find(struct bus_thread *t, const char *unit)
{
        for (size_t i = 0; i < t->n_refs; i++)
                if (!strcmp(t->refs[i]->unit, unit))
                        return t->refs[i];
        return NULL;
}

static void ref_free(struct bus_thread *t, struct bus_unit_ref *ref)
{
        for (size_t i = 0; i < t->n_refs; i++)
                if (t->refs[i] == ref) {
                        t->refs[i] = t->refs[--t->n_refs];
                        break;
                }
        sd_bus_track_unref(ref->track);
        free(ref->unit);
        free(ref);
        update_want(t);
}

/* The last holder let go (Unref, or its name left the bus). */
static int on_ref_gone(sd_bus_track *track, void *userdata)
{
        struct bus_unit_ref *ref = userdata;
        struct bus_thread *t = ref->t;

        tell_scheduler(t, "bus-unref", ref->unit);
        ref_free(t, ref); /* sd-bus holds the track until we return */
        return 1;
}

/* Add m's sender to unit's holders (counted: two Refs need two Unrefs).
 * 1 when unit had none: the scheduler is to hold it (one bus-ref per
 * track, one bus-unref when it empties). */
static int ref_add(struct bus_thread *t, sd_bus_message *m, const char *unit)
{
        struct bus_unit_ref *ref = ref_find(t, unit);
        bool created = !ref;
        int r;

        if (!ref) {
                if (t->n_refs == t->cap_refs) {
                        size_t ncap = t->cap_refs ? 2 * t->cap_refs : 8;
                        struct bus_unit_ref **n = realloc(t->refs, ncap * sizeof *n);
                        if (!n)
                                return -ENOMEM;
                        t->refs = n;
                        t->cap_refs = ncap;
                }
                ref = calloc(1, sizeof *ref);
                if (!ref || !(ref->unit = strdup(unit))) {
                        free(ref);
                        return -ENOMEM;
                }
                ref->t = t;
                r = sd_bus_track_new(t->bus, &ref->track, on_ref_gone, ref);
                if (r >= 0)
                        r = sd_bus_track_set_recursive(ref->track, 1);
                t->refs[t->n_refs++] = ref;
                if (r < 0) {
                        ref_free(t, ref);
                        return r;
                }
        }
        r = sd_bus_track_add_sender(ref->track, m);
        if (r < 0 && sd_bus_track_count(ref->track) == 0)
                ref_free(t, ref); /* never held: no handler will come */
        update_want(t);
        return r < 0 ? r : created;
}

void bus_track_forget(struct bus_thread *t, const char *unit)
{
        struct bus_unit_ref *ref = ref_find(t, unit);
        if (ref)
                ref_free(t, ref);
}

int bus_track_method(struct bus_thread *t, sd_bus_message *m, const char *unit, bool ref, sd_bus_error *ret_error)
{
        int r = bus_check_root(m, ret_error);

        if (r < 0)
                return r;
        if (!on_system_bus(t, m))
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_NOT_SUPPORTED,
                                         "weft keeps references to units for clients of the system bus only.");
        if (!ref) {
                struct bus_unit_ref *h = ref_find(t, unit);
                r = h ? sd_bus_track_remove_sender(h->track, m) : 0;
                if (r < 0)
                        return r;
                if (r == 0)
                        return sd_bus_error_setf(ret_error, "org.freedesktop.systemd1.NotReferenced",
                                                 "Unit has not been referenced yet.");
                return sd_bus_reply_method_return(m, NULL); /* the last one: on_ref_gone follows */
        }
        r = ref_add(t, m, unit);
        if (r < 0)
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_FAILED, "Cannot reference %s: %s", unit,
                                         strerror(-r));
        if (r == 0)
                return sd_bus_reply_method_return(m, NULL); /* held already */
        /* Answered once the scheduler holds it (and has loaded it);
         * refused, the hold goes (bus_answer_run). */
        r = bus_ask(t, t->bus, &(struct bus_question) { .call = CALL_REF, .m = m, .unit = unit, .verb = "bus-ref" });
        if (r < 0) {
                bus_track_forget(t, unit);
                return sd_bus_error_setf(ret_error, SD_BUS_ERROR_LIMITS_EXCEEDED, "weft is busy: %s", strerror(-r));
        }
        return 1;
}

int bus_track_add_ref(struct bus_thread *t, sd_bus_message *m, const char *unit)
{
        int r;

        if (!on_system_bus(t, m))
                return 0; /* systemd-run waits on the system bus only */
        r = ref_add(t, m, unit);
        if (r > 0)
                tell_scheduler(t, "bus-ref", unit);
        return r < 0 ? r : 0;
}

void bus_track_drop_all(struct bus_thread *t, bool tell)
{
        while (t->n_refs > 0) {
                struct bus_unit_ref *ref = t->refs[t->n_refs - 1];
                if (tell)
                        tell_scheduler(t, "bus-unref", ref->unit);
                ref_free(t, ref);
        }
        free(t->refs);
        t->refs = NULL;
        t->cap_refs = 0;
        t->subscribers = sd_bus_track_unref(t->subscribers);
        update_want(t);
}

/* ---- the signal ---- */

void bus_track_emit(struct bus_thread *t, const struct bus_command *c)
{
        sd_bus_message *m = NULL;
        char *path = NULL, job[64] = "/";
        int r;

        if (!t->bus || !atomic_load(&t->want_changes))
                return;
        if (c->job)
                job_path(job, sizeof job, c->job);
        r = sd_bus_path_encode(SD1_UNIT_PREFIX, c->name, &path);
        if (r >= 0)
                r = sd_bus_message_new_signal(t->bus, &m, path, "org.freedesktop.DBus.Properties", "PropertiesChanged");
        if (r >= 0)
                r = sd_bus_message_append(m, "sa{sv}as", SD1_UNIT, 3, "ActiveState", "s", c->active, "SubState", "s",
                                          c->sub, "Job", "(uo)", c->job, job, 0);
        if (r >= 0)
                r = sd_bus_send(t->bus, m, NULL);
        if (r < 0)
                log_debug("bus: cannot emit PropertiesChanged for %s: %s", c->name, strerror(-r));
        sd_bus_message_unref(m);
        free(path);
}
