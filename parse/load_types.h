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
        /* The settings of the processes the type runs (systemd's
         * exec_context_offset); NULL: it runs none. */
        const struct exec_context *(*exec_context)(const struct unit *u);
        /* How long a stop may take (TimeoutStopSec=); NULL: a stop is immediate. */
        uint64_t (*timeout_stop_usec)(const struct unit *u);
};
/* The two above for any unit: NULL, and 0, when its type has none. */
const struct exec_context *unit_exec_context(const struct unit *u);
uint64_t unit_timeout_stop_usec(const struct unit *u);

const struct unit_load_ops *unit_load_ops(enum unit_type type);
/* weft loads units of type t: it has a row. */
bool unit_type_supported(enum unit_type t);

extern const struct unit_load_ops service_load_ops; /* parse/load_service.c */
extern const struct unit_load_ops socket_load_ops;  /* parse/load_socket.c */
extern const struct unit_load_ops target_load_ops;  /* parse/load_target.c */
extern const struct unit_load_ops timer_load_ops;   /* parse/load_timer.c */
extern const struct unit_load_ops path_load_ops;    /* parse/load_path.c */
