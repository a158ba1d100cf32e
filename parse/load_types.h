/* What loading means for each unit type: the configuration it allocates
 * and frees, the [Section] of unit files that is its own, and its finish
 * (systemd's *_add_extras and *_verify: implicit and default dependencies,
 * and the refusals). parse/load.c and parse/directives.c reach a type only
 * through unit_load_ops(type); a type without a row loads with the
 * [Unit] section only. core/unit_type.h is the run-time counterpart.
 * Loading thread only (weftctl, or the scheduler thread). */
#pragma once
#include "parse/unit.h"

struct load_context;

struct unit_load_ops {
        const char *section; /* its own section name, e.g. "Service"; NULL: none */
        int (*alloc)(struct unit *u, uint64_t timeout_start_usec, uint64_t timeout_stop_usec);
        void (*free)(struct unit *u); /* what the config points to; the caller frees u->config */
        int (*finish)(struct load_context *ctx, struct unit *u);
        /* The type runs processes: its config (u->config) holds their
         * settings and how they are killed at these offsets (systemd's
         * exec_context_offset and kill_context_offset). */
        bool runs_processes;
        size_t exec_context_offset;
        size_t kill_context_offset;
        /* It stops processes it did not start (a scope's): a kill context
         * at kill_context_offset, no exec context. */
        bool kills_processes;
        /* How long a stop may take (TimeoutStopSec=); NULL: a stop is immediate. */
        uint64_t (*timeout_stop_usec)(const struct unit *u);
        /* A unit of the type loads without a file (systemd's slices and
         * devices): it is then loaded with its defaults, not not-found. */
        bool fragment_optional;
        /* IgnoreOnIsolate='s default: systemd keeps devices, mounts, swaps,
         * automounts, slices and scopes when isolating. */
        bool ignore_on_isolate;
        /* JobRunningTimeoutSec= when the unit sets neither job timeout: a
         * device's (nothing else ends a wait for hardware); 0: none. */
        uint64_t job_running_timeout_usec;
};
/* The settings above for any unit: NULL, and 0, when its type has none. */
const struct exec_context *unit_exec_context(const struct unit *u);
/* The same, to be written while the unit loads (parse/directives.c). */
struct exec_context *unit_exec_context_mut(struct unit *u);
struct kill_context *unit_kill_context(struct unit *u);
uint64_t unit_timeout_stop_usec(const struct unit *u);
/* JobRunningTimeoutSec= in force: the unit's, else its type's default
 * (USEC_INFINITY: none). */
uint64_t unit_job_running_timeout_usec(const struct unit *u);

const struct unit_load_ops *unit_load_ops(enum unit_type type);
/* weft loads units of type t: it has a row. */
bool unit_type_supported(enum unit_type t);

extern const struct unit_load_ops service_load_ops; /* parse/load_service.c */
extern const struct unit_load_ops socket_load_ops;  /* parse/load_socket.c */
extern const struct unit_load_ops target_load_ops;  /* parse/load_target.c */
extern const struct unit_load_ops timer_load_ops;   /* parse/load_timer.c */
extern const struct unit_load_ops slice_load_ops;     /* parse/load_slice.c */
extern const struct unit_load_ops scope_load_ops;     /* parse/load_scope.c */
extern const struct unit_load_ops automount_load_ops; /* parse/load_automount.c */
extern const struct unit_load_ops mount_load_ops;     /* parse/load_mount.c */
extern const struct unit_load_ops swap_load_ops;      /* parse/load_swap.c */
extern const struct unit_load_ops device_load_ops;    /* parse/load_device.c */
extern const struct unit_load_ops path_load_ops;    /* parse/load_path.c */
