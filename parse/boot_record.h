/* The boot record: what happened to each unit during boot, written as
 * boot.yaml into the runtime directory when the default
 * target is reached. weftctl analyze (blame, critical-chain, plot) reads it.
 *
 * Stamps are CLOCK_MONOTONIC µs; 0 means "did not happen".
 *
 * The file is one mapping:
 *   manager_start_usec: 1200        # main() began (systemd's userspace stamp)
 *   generators_start_usec: 1300     # the generators ran (left out when 0; so
 *   generators_finish_usec: 1900    # are the unit loading stamps; files
 *   units_load_start_usec: 1950     # from an older weft have none of the four)
 *   units_load_finish_usec: 2300
 *   target: default.target          # "" when target is NULL
 *   target_reached_usec: 98000      # always written; 0: not reached
 *   units:
 *     - id: a.service
 *       type: service
 *       service_type: oneshot       # only when not NULL (also type, active_state, result)
 *       active_state: active
 *       result: success
 *       queued_usec: 1300           # queued, activating, forked, execed, active,
 *       forked_usec: 1500           # exited, deactivating, inactive: each
 *       active_usec: 2100           # <name>_usec, and left out when 0
 *       bus_name_usec: 2050         # BusName= owned (services with one)
 *       after: [b.service]          # after, requires, wants: always, [] when empty
 *       requires: []
 *       wants: []
 * Zero unit stamps are left out rather than written as 0: most units have
 * only a few, and a reader treats a missing stamp as 0 anyway. */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct boot_record_unit {
        const char *id;
        const char *type;         /* "service", "target"... */
        const char *service_type; /* "simple", "oneshot"...; NULL for other types */
        const char *active_state; /* at the time of writing: "active", "failed"... */
        const char *result;       /* "success", "exit-code", "dependency"... */
        uint64_t queued;          /* the start job was created */
        uint64_t activating;      /* left inactive (InactiveExit) */
        uint64_t forked;          /* main process forked */
        uint64_t execed;          /* main process exec'd */
        uint64_t active;          /* became active (ActiveEnter) */
        uint64_t exited;          /* main process exited */
        uint64_t deactivating;    /* left active (ActiveExit) */
        uint64_t inactive;        /* became inactive or failed again (InactiveEnter) */
        uint64_t bus_name;        /* its BusName= got an owner (services with one) */
        char *const *after;       /* strv: ordering edges (After=) */
        char *const *requires;    /* strv */
        char *const *wants;       /* strv */
};

struct boot_record {
        uint64_t manager_start;   /* weft started: the start of its main() */
        /* systemd's GeneratorsStart/Finish and UnitsLoadStart/Finish
         * timestamps (systemd-analyze plot's "Generators" and "Loading unit
         * files"); 0: not known (no generators, or an older record). */
        uint64_t generators_start, generators_finish;
        uint64_t units_load_start, units_load_finish;
        uint64_t target_reached;  /* the default target became active (0: not) */
        const char *target;
        const struct boot_record_unit *units;
        size_t n_units;
        /* What the writer's free function releases besides units (the one
         * array sched_boot_record() points every unit's three lists into);
         * boot_record_write() does not look at it. */
        void *storage;
        /* Or, with units NULL: the writer takes the units one at a time,
         * in order, from next_unit(next_ctx, &u), which returns 1 (u filled
         * in; its lists stay valid until the next call), 0 (no more) or a
         * negative errno (the write fails). So a producer never holds a
         * record of every unit at once (sched_boot_record_stream). */
        int (*next_unit)(void *ctx, struct boot_record_unit *ret);
        void *next_ctx;
};

/* Write atomically (a temp file in the same folder, fsync'ed, renamed over
 * path; mode 0644). Returns 0 or a negative errno (logged); on failure path
 * is untouched and no temp file is left. -EINVAL if a unit has no id. */
int boot_record_write(const char *path, const struct boot_record *r);
