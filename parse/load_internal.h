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

/* systemd's RequiresMountsFor= for path (parse/load_mount.c): for every
 * prefix of path, path itself included, After= on its .mount unit, and
 * Requires= too when that unit has a file. Prefixes whose mount unit has
 * no file and is not known yet are skipped, so no stub is made per path. */
int load_add_mounts_for(struct load_context *ctx, struct unit *u, const char *path);
/* The implicit dependencies of an exec context's settings (parse/load_service.c),
 * as systemd 252's unit_add_exec_dependencies for the system manager:
 * PrivateTmp= orders after the mounts of /tmp and /var/tmp and after
 * systemd-tmpfiles-setup.service. */
int load_add_exec_dependencies(struct load_context *ctx, struct unit *u, const struct exec_context *ec);
/* The unit's name must be its path's (Where= of a mount or automount, What=
 * of a swap): refuse it otherwise, as systemd's *_verify does, naming the
 * file:line that set the path. */
int load_verify_name_matches(struct load_context *ctx, struct unit *u, const struct located_path *p, const char *key);
