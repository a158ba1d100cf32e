/* What the loader shares with the per-type files (parse/load_*.c). */
#pragma once
#include "parse/load.h"
#include "parse/load_types.h"

int load_add_dependency_by_name(struct load_context *ctx, struct unit *u, enum unit_dependency kind,
                                const char *name);
int load_add_two_dependencies_by_name(struct load_context *ctx, struct unit *u, enum unit_dependency a,
                                      enum unit_dependency b, const char *name);
/* u cannot be used: set its load state, count and log "u: what" (file:line
 * were said by whoever found it); returns err. */
int load_fail(struct load_context *ctx, struct unit *u, enum unit_load_state state, int err, const char *fmt,
              const char *what);
