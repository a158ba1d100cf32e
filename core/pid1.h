/* Duties of weft as PID 1, and their safe equivalents when it is not:
 * mounting the API file systems, becoming a child subreaper, the final
 * kill sweep, and the last step of a shutdown (reboot(2) only when weft is
 * PID 1 of the initial PID namespace, i.e. of a VM; exit otherwise).
 * main calls pid1_setup() before any thread exists, and pid1_final_sweep()
 * then pid1_finish() after the other threads stopped. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "core/event.h"

bool pid1_is_pid1(void);
/* PID 1 in a PID namespace other than the initial one (a container).
 * Heuristic, first answer wins: not PID 1 -> false; $container non-empty
 * -> true; the inode of /proc/self/ns/pid against the initial namespace's
 * fixed one; else whether PID 2 is the kernel's kthreadd (parent 0); no
 * /proc at all -> false (a VM before pid1_setup() mounted it). */
bool pid1_in_container(void);

/* PID 1 and not in a container: a real system (a VM or a machine). */
bool pid1_is_real_system(void);

/* As PID 1: mount /proc, /sys, /dev (devtmpfs) and /run (tmpfs) where
 * nothing is mounted yet (a mount root per statx, or the right statfs
 * magic), creating the directory if missing; a failure is logged and the
 * other mounts still tried. As PID 1 of a real system also securityfs,
 * /dev/shm, /dev/pts, /run/lock, cgroup2, pstore and bpf with systemd's
 * options, and / made shared. As PID 1 either way, /run/systemd/system
 * (what sd_booted(3) looks for). Otherwise: PR_SET_CHILD_SUBREAPER, so
 * orphans of services come to weft. */
int pid1_setup(void);

/* The rest of PID 1's start-up on a real system (core/pid1_boot.c), after
 * pid1_setup() and before any thread: /dev's symlinks, lo up, the hostname
 * from /etc/hostname, the machine ID (a transient one from /run when
 * /etc/machine-id is empty), umask 022, a clean environment with PATH, and
 * RLIMIT_NOFILE's hard limit raised to fs.nr_open (the soft one kept).
 * Each step logs its own failure and the others still run; returns the
 * first error. */
int pid1_boot_setup(void);

/* As PID 1 of a container booting its image's units (before
 * pid1_boot_setup() clears the environment): /run/systemd/container holds
 * $container (or "container-other"), as systemd writes it, because that
 * file is how the processes of a container tell they are in one
 * (systemd-detect-virt, ConditionVirtualization=, generators). */
int pid1_container_setup(void);

/* After every unit stopped, with the signal thread already stopped (this
 * reaps by itself): SIGTERM and SIGCONT to every remaining process (kill(-1)
 * as PID 1; otherwise to each remaining child, found in
 * /proc/self/task/<tid>/children, never by name; orphans that reach us
 * during the wait get it too), wait up to timeout_usec for them to exit
 * (sigtimedwait on SIGCHLD, no polling), then SIGKILL and reap the rest,
 * waiting up to timeout_usec again. Returns the number of processes that
 * needed SIGKILL (reaped dead of it), or a negative errno. SIGCHLD must be
 * blocked in every thread (signal_block_handled() does it). */
int pid1_final_sweep(uint64_t timeout_usec);

/* sync(), then reboot(2) with the kind's command when weft is PID 1 of the
 * initial PID namespace (SHUTDOWN_EXIT powers off there: PID 1 must not
 * exit in a VM; if reboot(2) fails it logs and freezes). As PID 1 of a
 * container: never reboot(2); poweroff and halt exit 0, reboot exits 133
 * (what systemd-nspawn reads as "reboot the container"), exit exits with
 * exit_code. Not PID 1: exit(exit_code). Never returns. */
_Noreturn void pid1_finish(enum shutdown_kind kind, int exit_code);
