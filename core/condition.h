/* Evaluating a unit's Condition*= and Assert*= lists (systemd.unit(5),
 * "Conditions and Asserts"), as systemd 252 does. The scheduler calls
 * condition_test_list() when a start job runs: a failed condition skips the
 * unit, a failed assert fails the job; which of the two is the caller's
 * business, this module only answers "pass" or "which one failed".
 *
 * Every check reads small files (blocking, but /proc, /sys and /etc are
 * never slow), so it may run on any thread; it keeps no state.
 *
 * Implemented (the suffix after "Condition"/"Assert"):
 *   PathExists PathExistsGlob PathIsDirectory PathIsSymbolicLink
 *   PathIsMountPoint PathIsReadWrite PathIsEncrypted DirectoryNotEmpty
 *   FileNotEmpty FileIsExecutable KernelCommandLine KernelVersion
 *   Virtualization Host Architecture Environment User Group Security
 *   Capability ACPower FirstBoot NeedsUpdate ControlGroupController
 *   Memory CPUs OSRelease Credential Null
 * Unsupported, each passes with a debug log: Firmware, CPUFeature,
 *   MemoryPressure, CPUPressure, IOPressure (and any name weft does not
 *   know).
 *
 * Where weft cannot tell, it says so here rather than guess:
 *   - PathIsEncrypted is true only when the path's block device, or one it
 *     sits on (its "slaves" in sysfs, for LVM on LUKS), is a dm-crypt device
 *     (dm/uuid starts with "CRYPT-"); anything else, e.g. fscrypt, is false.
 *   - Virtualization: a container is recognised by the manager's own
 *     "container" environment variable (when weft is PID 1 that is what the
 *     container manager passed; /proc/1/environ is not readable in general),
 *     then ROOT/run/systemd/container, /.dockerenv (docker),
 *     /run/.containerenv (podman), /proc/vz without /proc/bc (openvz), and
 *     "Microsoft"/"WSL" in the kernel release (wsl). A VM by the DMI strings
 *     in /sys/class/dmi/id (vendor names as systemd's table), then
 *     /sys/hypervisor/type, then the "hypervisor" cpuinfo flag ("vm-other").
 *     No cpuid instruction, so a fake root gives a fixed answer.
 *   - Credential is always false: weft passes no credentials.
 *   - User=/Group= names are looked up in ROOT/etc/passwd and ROOT/etc/group
 *     only, never through NSS (PID 1 must not block on a directory server).
 *   - Security=audit opens a NETLINK_AUDIT socket, which no root fakes.
 *   - NeedsUpdate compares mtimes in full (seconds and nanoseconds); it does
 *     not read the TIMESTAMP_NSEC= line systemd writes into .updated. */
#pragma once
#include <stdbool.h>

#include "parse/unit.h"

struct condition_env {
        /* Prefix for every file read, /proc and /sys included (a prefix,
         * not a chroot: absolute symlinks still point outside). NULL or ""
         * is the real root. */
        const char *root;
        /* Where the kernel command line is read from; NULL is
         * ROOT/proc/cmdline. */
        const char *proc_cmdline;
        /* The manager's environment ("K=V"), for Environment= and the
         * container variable; NULL is the process's environ. */
        char *const *environ;
};

/* 1 when the list passes: every non-triggering condition holds and, if
 * there are triggering ('|') ones, at least one of them holds. An empty list
 * passes. 0 when it fails, with *ret_failed (if ret_failed is non-NULL) a
 * malloc'd "ConditionPathExists=|!/x" naming the condition that decided:
 * the first non-triggering one that failed, or else the last triggering
 * one. A condition that cannot be evaluated (bad parameter, I/O error)
 * counts as failed, negated or not, with a warning. -ENOMEM. */
int condition_test_list(const struct unit_condition *list, const struct condition_env *env, char **ret_failed);

/* One condition with its '!' applied: 1 holds, 0 does not, or a negative
 * errno when it cannot be evaluated ('!' does not turn that into a pass). */
int condition_test(const struct unit_condition *c, const struct condition_env *env);

/* Does weft evaluate this condition (name with or without its
 * "Condition"/"Assert" prefix)? False for the ones that always pass. */
bool condition_is_supported(const char *name);
