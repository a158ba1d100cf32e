/* LoadCredential= and SetCredential= (systemd.exec(5) "Credentials"): the
 * unit's credentials in /run/credentials/UNIT, a ramfs (tmpfs where ramfs
 * cannot be mounted) that the first process of the unit mounts in the
 * manager's mount namespace, fills and remounts read-only, as systemd 252's
 * exec_setup_credentials. The directory is 0500 and each file 0400, owned
 * by User=/Group=; every process of the unit gets $CREDENTIALS_DIRECTORY.
 *
 * LoadCredential=ID:/abs/file loads the file; ID:/abs/dir loads every
 * regular file below dir as ID_SUB_PATH ("/" becoming "_", symlinks
 * skipped); ID:NAME (or ID alone) loads the system credential NAME from
 * /run/credentials/@system. A missing absolute source fails the command
 * with 243 CREDENTIALS unless a SetCredential= of that ID is its fallback;
 * a missing system credential is skipped. SetCredential= writes only IDs
 * nothing loaded. The mount is made even when nothing was loaded, as
 * systemd 252 does (Debian's units whose system credentials are absent
 * still show an active run-credentials-UNIT.mount).
 * Limits as systemd's: 1 MiB per credential and in all.
 *
 * Not done: the *Encrypted= variants (accepted and ignored, as the other
 * unsupported directives), AF_UNIX socket sources, and rewriting an
 * existing mount for ExecStart= after ExecStartPre= (the first process's
 * credentials stay until the unit is down). */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "parse/env.h"
#include "parse/unit.h"
#include "workers/spawn.h"

#define EXEC_CREDENTIALS_ROOT "/run/credentials"

/* Add $CREDENTIALS_DIRECTORY when c has credentials. 0 or -ENOMEM. */
int exec_credentials_environment(const char *id, const struct exec_context *c, struct env_builder *env);

/* Fill req->cred_dir and req->creds from c (owner: req->dirs_uid/gid,
 * which the caller sets). 0, or -ENOMEM/-ENAMETOOLONG after logging. */
int exec_credentials_build(const char *id, const struct exec_context *c, uid_t uid, gid_t gid,
                           struct spawn_request *req);

/* Child side, async-signal-safe: set up req->cred_dir unless it is a mount
 * already. 0, or -errno with *ret_status 243. */
int exec_credentials_make(const struct spawn_request *req, int *ret_status);

/* The unit is down: unmount and remove its credentials directory. Runs on
 * the scheduler thread (an unmount of a small memory file system). */
void exec_credentials_remove(const char *id, const struct exec_context *c);
