/* RuntimeDirectory=, StateDirectory=, CacheDirectory=, LogsDirectory= and
 * ConfigurationDirectory= (systemd.exec(5)): directories below /run,
 * /var/lib, /var/cache, /var/log and /etc that every process of a unit
 * finds made, with their *DirectoryMode= and owned by its User=/Group=
 * (with what they hold, when they had another owner),
 * and whose absolute paths it gets in $RUNTIME_DIRECTORY... (":"-joined).
 *
 * The scheduler builds the paths into the spawn request
 * (workers/exec_context.c); the child makes them between clone and execve
 * (workers/spawn.c), as systemd's exec_child does, so a failure fails that
 * command with systemd's exit status (233 RUNTIME_DIRECTORY, 238 STATE_,
 * 239 CACHE_, 240 LOGS_, 241 CONFIGURATION_DIRECTORY). RuntimeDirectory=
 * is removed when the unit stops (RuntimeDirectoryPreserve=). */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "parse/env.h"
#include "parse/unit.h"
#include "workers/spawn.h"

/* Add $RUNTIME_DIRECTORY... for each kind c lists. 0 or -ENOMEM. */
int exec_dirs_environment(const struct exec_context *c, struct env_builder *env);

/* Fill req->dirs (and dirs_uid, dirs_gid) from c: every kind in the order
 * above, each item in its order. Returns 0, or a negative errno after
 * logging "ID: ..." (-ENAMETOOLONG, -EINVAL for an item that leaves its
 * root, -ENOMEM). */
int exec_dirs_build(const char *id, const struct exec_context *c, uid_t uid, gid_t gid,
                    struct spawn_request *req);

/* Child side, async-signal-safe: make req's directories. Returns 0, or
 * -errno with *ret_status the failing directory's exit status. */
int exec_dirs_make(const struct spawn_request *req, int *ret_status);

/* The unit went down: remove its RuntimeDirectory= items (and everything
 * in them) unless RuntimeDirectoryPreserve= keeps them; restarting: the
 * unit is about to start again (an automatic or a manual restart), which
 * RuntimeDirectoryPreserve=restart keeps them for. Runs on the caller's
 * thread (the scheduler): these are small trees on tmpfs. */
void exec_dirs_remove_runtime(const char *id, const struct exec_context *c, bool restarting);
