/* The bus thread: weft's one connection to the system bus (sd-bus from
 * libsystemd). It never touches a unit. It tells the scheduler what it
 * sees through the event queue, and takes the scheduler's word through
 * its own small command queue (mutex + eventfd, like the io thread's), so
 * a slow or hostile bus peer can delay only this thread.
 *
 * What it does on the bus:
 *   - watches the bus names services declare (BusName=): a match on
 *     NameOwnerChanged for the name, then GetNameOwner, so a name taken
 *     before weft looked is not missed; each change becomes EVENT_BUS_NAME;
 *   - owns org.freedesktop.systemd1 and answers dbus-daemon's
 *     Activator.ActivationRequest by asking the scheduler to start the
 *     unit, emitting ActivationFailure when that fails;
 *   - serves a part of org.freedesktop.systemd1.Manager and of the unit
 *     objects (core/bus_manager.c); anything else is answered with
 *     sd-bus's standard error;
 *   - tracks the clients that subscribed or hold a reference to a unit
 *     (Ref, StartTransientUnit's AddRef) and sends them the units'
 *     PropertiesChanged (core/bus_track.c).
 *
 * The same objects are served to root on systemd's private socket
 * (core/bus_private.c), independently of the system bus.
 *
 * What needs unit data becomes an ordinary control request (EVENT_CONTROL,
 * core/control.c answers it) whose connection id carries BUS_CONN_FLAG;
 * the manager hands such replies back with bus_thread_reply(), and the
 * bus thread answers the waiting D-Bus call then. Nothing waits. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "core/event_queue.h"

/* Set in EVENT_CONTROL's conn_id for a request the bus thread made. */
#define BUS_CONN_FLAG (UINT64_C(1) << 62)

struct bus_thread;
struct control_reply;

struct bus_thread_config {
        const char *address;              /* sd-bus address; NULL: the system bus socket */
        const char *private_path;         /* systemd's private bus socket to serve; NULL: none */
        uint64_t userspace_realtime;      /* CLOCK_REALTIME µs when weft started */
        uint64_t userspace_monotonic;     /* CLOCK_MONOTONIC µs likewise */
        char *const *unit_paths;          /* where GetUnitFileState looks (the manager's; outlives the thread) */
        const char *transient_dir;        /* where StartTransientUnit writes units (first on unit_paths); NULL: refused */
};

int bus_thread_start(struct event_queue *q, const struct bus_thread_config *c, struct bus_thread **ret);
/* Stop and join; pending calls are dropped with the connection. */
void bus_thread_stop(struct bus_thread *t);

/* The unit providing the bus is up (connect now, and again whenever the
 * connection is lost) or down (connect no more). Any thread. */
int bus_thread_set_up(struct bus_thread *t, bool up);
/* Watch name (copied); watching it again is a no-op. Any thread. */
int bus_thread_watch_name(struct bus_thread *t, const char *name);
/* The scheduler's answer to request id (conn_id & ~BUS_CONN_FLAG); reply
 * stays the caller's. Any thread. */
int bus_thread_reply(struct bus_thread *t, uint64_t id, const struct control_reply *reply);
/* Start-up finished at when (CLOCK_MONOTONIC µs): Manager.StartupFinished
 * goes to every connection (systemctl is-system-running --wait). Any thread. */
int bus_thread_startup_finished(struct bus_thread *t, uint64_t when);
/* unit's ActiveState, SubState or job (id, 0: none) changed: its
 * PropertiesChanged goes to the system bus when a client there listens
 * (Subscribe, or a reference to a unit); otherwise this costs one atomic
 * load. Strings are copied. Any thread. */
int bus_thread_unit_changed(struct bus_thread *t, const char *unit, const char *active, const char *sub,
                            uint32_t job);
