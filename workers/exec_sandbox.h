/* The sandboxing settings of systemd.exec(5) that weft applies in the child
 * between clone and execve: PrivateTmp=, PrivateDevices=, ProtectSystem=,
 * ProtectHome=,
 * ReadWritePaths= and ReadOnlyPaths=, then
 * CapabilityBoundingSet=, AmbientCapabilities= (kept across the switch to
 * User= with PR_SET_KEEPCAPS, raised after it) and NoNewPrivileges=.
 *
 * The scheduler prepares everything into the spawn request
 * (exec_sandbox_build: paths, masks, the directories to keep writable);
 * the child makes only system calls (mkdir, unshare, mount, mknod,
 * symlink, prctl, capset). The order is systemd's exec_child's: the mount
 * namespace before chdir and the user switch, the bounding set before the
 * user switch, ambient capabilities and no_new_privs after it. A step that
 * fails fails the command with systemd's exit status: 226 NAMESPACE, 218
 * CAPABILITIES, 217 USER (keep-caps), 227 NO_NEW_PRIVILEGES.
 *
 * PrivateTmp='s directories, /tmp/systemd-private-TOKEN-UNIT/tmp and the
 * same below /var/tmp (TOKEN: random, one per weft process), are shared
 * by every command of the unit, made by the first command that needs them
 * and removed when the unit goes down (exec_sandbox_remove_tmp). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "parse/unit.h"
#include "workers/spawn.h"

struct spawn_sandbox {
        char *tmp_base;      /* PrivateTmp: /tmp/systemd-private-TOKEN-UNIT (0700), NULL: none */
        char *tmp_dir;       /*   its tmp (01777), bound on /tmp */
        char *var_tmp_base;  /*   the same below /var/tmp */
        char *var_tmp_dir;
        char **keep_writable; /* left writable by the read-only settings (with what is below):
                                 the private tmp, the exec directories, ReadWritePaths= */
        char **read_write;   /* ReadWritePaths= as written ("-" prefix: may be missing) */
        char **read_only;    /* ReadOnlyPaths=, likewise */
        bool read_only_walk; /* something is made read-only: the kept paths are bound on themselves first */
        bool mount_ns;       /* any of the mount settings: unshare(CLONE_NEWNS) */
        bool private_devices;
        int protect_system;  /* enum protect_system */
        int protect_home;    /* enum protect_home */
        bool drop_bounding;  /* the bounding set is not every capability */
        uint64_t bounding_set;
        uint64_t ambient_set;
        int last_cap;        /* /proc/sys/kernel/cap_last_cap */
        bool no_new_privileges;
};

/* Fill req->sandbox from c for a command of unit id (full_privileges: a
 * "+" command, which runs without any of it). Call after req->dirs and
 * the credentials are set. 0, or -ENOMEM after logging. */
int exec_sandbox_build(const char *id, const struct exec_context *c, bool full_privileges,
                       struct spawn_request *req);

void exec_sandbox_free(struct spawn_sandbox *sb);

/* Child side, async-signal-safe. Each returns 0, or -errno with *ret_status
 * the exit status of the step that failed. */
int exec_sandbox_mounts(const struct spawn_request *req, int *ret_status);      /* before chdir */
int exec_sandbox_before_user(const struct spawn_request *req, int *ret_status); /* before setresuid */
int exec_sandbox_after_user(const struct spawn_request *req, int *ret_status);  /* after it */

/* The unit went down: remove its PrivateTmp= directories, if any. Runs on
 * the scheduler thread, as exec_dirs_remove_runtime (small trees). */
void exec_sandbox_remove_tmp(const char *id, const struct exec_context *c);
