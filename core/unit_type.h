/* A unit type's row of operations, like systemd's UnitVTable. The
 * scheduler, the jobs and the control verbs reach what a type does only
 * through unit_ops(u); none of them switches on the type. Adding a type is
 * adding a file core/unit_TYPE.c that defines one row, and naming the row
 * in core/unit_type.c. A NULL operation means the type has no such event:
 * the caller does nothing, by design.
 *
 * Every operation runs on the scheduler thread. */
#pragma once
#include "core/sched_internal.h"

struct control_unit;
struct notify_message;

struct unit_type_ops {
        /* The active state of each sub-state the type uses, as
         * SUB_IS(active); 0 for the sub-states it does not use, which
         * unit_set_sub() refuses. */
        uint8_t active_of[_SUB_STATE_MAX];

        /* Its start spawns processes, so a ready start job waits its turn
         * for the scheduler's spawn window (see core/job.c). */
        bool start_spawns;
        /* Its start may leave the unit down with the job still running:
         * the job waits for something outside weft (a device for the
         * hardware) and the type finishes it. */
        bool start_waits;
        /* The scheduler took the unit over (at load, or after a
         * daemon-reload): allocate what its runtime needs beyond the common
         * part, so that starting it allocates nothing. NULL: nothing. */
        int (*adopt)(struct sched *s, struct unit *u);

        /* A start job runs: the unit is loaded, down or on its way, its
         * conditions, asserts and requisites hold. */
        void (*start)(struct sched *s, struct unit *u);
        /* A stop job runs and the unit is not down. */
        void (*stop)(struct sched *s, struct unit *u);
        /* A reload job runs; NULL: reloading is not applicable. */
        void (*reload)(struct sched *s, struct unit *u);
        /* Could a reload job do anything now (reload-or-restart asks)? */
        bool (*can_reload)(struct sched *s, struct unit *u);

        /* A spawn request of the unit's was answered: pid, or the errno. */
        void (*spawned)(struct sched *s, struct unit *u, pid_t pid, int error, uint64_t exec_usec, bool control);
        /* One of the unit's processes exited. */
        void (*exited)(struct sched *s, struct unit *u, pid_t pid, int code, int status);
        /* The unit's state timer fired (timer_when). */
        void (*timer)(struct sched *s, struct unit *u);
        /* The watchdog deadline passed. */
        void (*watchdog)(struct sched *s, struct unit *u);
        /* A process group the unit waits on may have emptied. */
        void (*group_gone)(struct sched *s, struct unit *u);
        /* The shutdown deadline passed: SIGKILL whatever is left of the unit. */
        void (*kill_remaining)(struct sched *s, struct unit *u);
        /* One of the unit's watched fds is readable. */
        void (*fd_ready)(struct sched *s, struct unit *u, int fd);
        /* An sd_notify message attributed to the unit; the callee takes m. */
        void (*notify)(struct sched *s, struct unit *u, struct notify_message *m);
        /* The unit just went down (inactive or failed): let go of what it holds. */
        void (*went_down)(struct sched *s, struct unit *u);
        /* other, a unit u triggers (UNIT_TRIGGERS), changed its active state or
         * finished a job (systemd's trigger_notify). */
        void (*trigger_notify)(struct sched *s, struct unit *u, struct unit *other);
        /* After a daemon-reload swapped the unit table: watch again what the unit watched. */
        void (*rewatch)(struct sched *s, struct unit *u);
        /* The wall clock was set, or (timezone) the local time zone
         * changed: recompute what depends on it. */
        void (*time_change)(struct sched *s, struct unit *u, bool zone_changed);
        /* Is pid one of the processes the type itself was given (a
         * scope's)? NULL: none; main and control processes are common. */
        bool (*has_pid)(const struct unit *u, pid_t pid);
        /* Type-specific properties for status and show. */
        int (*show)(struct sched *s, struct unit *u, struct control_unit *cu);
        /* Does a process of the unit get NOTIFY_SOCKET=? NULL: never (as
         * systemd gives it only to services that may be heard). */
        bool (*wants_notify_socket)(const struct unit *u, bool control);
        /* Garbage collection (core/sched_gc.c): may u, inactive with no
         * job and no process, be collected as far as the type is
         * concerned (a device not plugged, a mount the kernel does not
         * have)? NULL: yes. */
        bool (*may_gc)(struct sched *s, struct unit *u);
        /* u was collected: reset what the type keeps in its runtime to
         * what a fresh load has (the allocations stay). NULL: nothing. */
        void (*collected)(struct sched *s, struct unit *u);
        /* The type's own word for the boot record (a service's Type=), or NULL. */
        const char *(*record_kind)(const struct unit *u);

        /* Type-wide, not per unit (systemd's enumerate), for the types that
         * mirror the system (mounts, swaps, devices); only when the
         * scheduler's config says watch_system. The scheduler took its
         * units over (at boot, or after a daemon-reload): start watching
         * the system (once; its state lives in s->type_state[type]) and
         * bring the type's units to what the system has now. */
        void (*enumerate)(struct sched *s);
        /* A type-wide fd, watched with cookie SCHED_TYPE_COOKIE(type), is readable. */
        void (*type_fd_ready)(struct sched *s, int fd);
        /* The scheduler is freed: let go of s->type_state[type]. */
        void (*type_done)(struct sched *s);
};

#define SUB_IS(active) ((uint8_t) ((active) + 1))

const struct unit_type_ops *unit_ops(const struct unit *u);
/* The row of type t (a row that fails starts for a type without one). */
const struct unit_type_ops *unit_type_ops(enum unit_type t);
/* The active state sub stands for in u's type; false: the type has no such sub-state. */
bool unit_sub_active_state(const struct unit *u, enum sub_state sub, enum unit_active_state *ret);

/* The rows, one per file. */
extern const struct unit_type_ops service_ops; /* core/unit_service.c */
extern const struct unit_type_ops socket_ops;  /* core/unit_socket.c */
extern const struct unit_type_ops target_ops;  /* core/unit_target.c */
extern const struct unit_type_ops timer_ops;   /* core/unit_timer.c */
extern const struct unit_type_ops slice_ops;     /* core/unit_slice.c */
extern const struct unit_type_ops scope_ops;     /* core/unit_scope.c */
extern const struct unit_type_ops automount_ops; /* core/unit_automount.c */
extern const struct unit_type_ops mount_ops;     /* core/unit_mount.c */
extern const struct unit_type_ops swap_ops;      /* core/unit_swap.c */
extern const struct unit_type_ops device_ops;    /* core/unit_device.c */
extern const struct unit_type_ops path_ops;    /* core/unit_path.c */

/* core/unit_scope.c: the processes a scope is given (StartTransientUnit's
 * PIDs), before its start job runs: 0, -ESRCH for one that does not
 * exist, -EINVAL for PID 0 or 1 or a unit that is no scope, -EBUSY for a
 * scope that is up. */
int scope_add_pids(struct sched *s, struct unit *u, const pid_t *pids, size_t n);
/* Scope.Abandon: its creator lets go; it runs on until its processes
 * exit. -ESRCH: u is no running scope. */
int scope_abandon(struct sched *s, struct unit *u);
/* Close what the runtime holds and free it (the unit runtime goes). */
void scope_runtime_free(struct scope_runtime *sc);

/* What every type's start and stop share (core/unit_type.c): the job ran
 * for a unit that cannot load, whose requisite is down, or whose condition
 * or assert does not hold; or it is already where the job wants it. */
void unit_start(struct sched *s, struct unit *u);
void unit_stop(struct sched *s, struct unit *u);
void unit_reload(struct sched *s, struct unit *u);
