/* Who a command runs as: User=, Group= and SupplementaryGroups= resolved
 * through the user and group databases (getpwnam_r(3), getgrnam_r(3),
 * getgrouplist(3)) into ids, home and shell. Internal to the exec module:
 * called by workers/exec_context.c on the scheduler thread, each time it
 * builds a command's environment or spawn request. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "parse/unit.h"

/* Who a command runs as, resolved from User=, Group=, SupplementaryGroups=. */
struct exec_creds {
        bool has_user; /* User= set: name, home and shell are filled in */
        uid_t uid;
        gid_t gid;
        char *name;
        char *home;
        char *shell;
        gid_t *groups;
        unsigned n_groups;
};

void exec_creds_done(struct exec_creds *cr);

/* The manager's own pid, uid and gid, read once: they never change, and
 * asking the kernel on every spawn cost three system calls on a unit's
 * critical path. Likewise whether its working directory is "/" (weft
 * never changes it), so that a child need not move there again. */
struct exec_manager_ids {
        pid_t pid;
        uid_t uid;
        gid_t gid;
        bool cwd_is_root;
};
const struct exec_manager_ids *exec_manager_ids(void);

/* Resolve User=, Group= and SupplementaryGroups= of c into *cr. Without
 * User= the uid stays the manager's. Returns 0, or a negative errno after
 * logging "ID: what failed" (-ESRCH for an unknown user or group). */
int exec_creds_resolve(const char *id, const struct exec_context *c, struct exec_creds *cr);

/* getpwnam_r / getpwuid_r with a growing buffer (name NULL: by uid).
 * Returns 0 and fills name, uid, gid, home, shell; -ESRCH when there is no
 * such entry. Logs nothing. */
int exec_creds_passwd_lookup(const char *name, uid_t uid, struct exec_creds *cr);
