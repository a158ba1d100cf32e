/* weft's own configuration, a YAML file read with libyaml (DESIGN.md,
 * "Configuration"):
 *
 *   unit_paths: [/etc/weft/system, /etc/systemd/system, /lib/systemd/system]
 *   default_target: default.target
 *   workers: 8
 *   manager_cpu: auto        # weft's own threads' CPU: auto, none or N (base/cpu_pin.h);
 *                            # auto is none in a bare `weft -- CMD`
 *   runtime_dir: /run/weft
 *   log: { level: info, console: true }
 *   timeouts: { start: 90s, stop: 90s }
 *   collected_units_max: 4096 # collected units kept before the unit table is
 *                            # compacted (core/sched.h); 0: never
 *
 * Every key has a default. An unknown key, a wrong YAML shape or a bad value
 * is an error naming file:line:column (1-based), logged once and returned.
 *
 * Also errors: a duplicate key, a second YAML document, an empty unit_paths
 * list, a relative path, a default_target not ending in ".target", a value
 * holding a NUL byte. An empty or comments-only document sets nothing.
 * Values are read as text, so `workers: "8"` is 8 and `console: off` false
 * (parse_boolean); time spans as systemd reads them, bare numbers in seconds
 * (parse_timespan). Called by the main thread only, before other threads. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "base/log.h"

struct weft_config {
        char **unit_paths;        /* strv, highest precedence first */
        char *default_target;
        unsigned workers;         /* 1..1024 */
        int manager_cpu;          /* CPU_PIN_AUTO, CPU_PIN_NONE or a CPU number */
        char *runtime_dir;
        enum log_level log_level;
        bool log_console;
        uint64_t timeout_start_usec;
        uint64_t timeout_stop_usec;
        unsigned collected_units_max;
        /* Generators (core/generators.h): the directories to run them from,
         * NULL for none, and the base of their output directories. Set by
         * weft's command line or as PID 1, not by the YAML file. */
        char **generator_dirs;
        char *generator_output;
        uint64_t generator_timeout_usec; /* 0: GENERATOR_TIMEOUT_USEC */
        /* --state-dir: the root of persistent state (timer stamps go to
         * STATE_DIR/timers); not owned, not in weft.yaml. NULL: /var/lib/systemd. */
        const char *state_dir;
        /* --private-bus: where weft serves systemd's peer-to-peer bus for
         * root (systemctl, systemd-update-utmp); not owned, not in
         * weft.yaml. NULL: nowhere (as PID 1 of a real system:
         * /run/systemd/private). */
        const char *private_bus;
        /* --transient-dir: where StartTransientUnit writes unit files, first
         * on unit_paths; not owned, not in weft.yaml. NULL: nowhere (as
         * PID 1 of a system: /run/systemd/transient). */
        const char *transient_dir;
        /* PID 1 booting a system (a real one or a container's image):
         * systemd's perpetual init.scope, PID 1's own, is there and
         * running from the start. Set by main, not in weft.yaml. */
        bool init_scope;
        /* CLOCK_MONOTONIC µs: the start of weft's main(), where systemd
         * takes its userspace timestamp (0: when the manager starts), and
         * when the boot's generators ran (0: none). Set by main. */
        uint64_t start_usec;
        uint64_t generators_start_usec, generators_finish_usec;
};

/* Fill with the built-in defaults (-ENOMEM possible). */
int config_init(struct weft_config *c);
void config_done(struct weft_config *c);

/* Apply a YAML document on top of c (keys not given keep their values).
 * name is used in diagnostics. On error c is left unchanged. */
int config_load_string(struct weft_config *c, const char *name, const char *text, size_t len);
/* Reads path whole (at most 1 MiB) and loads it as above. A missing file is
 * -ENOENT with nothing logged, so a caller can treat an optional file as
 * "all defaults" and log itself when the file was asked for. */
int config_load_file(struct weft_config *c, const char *path);
