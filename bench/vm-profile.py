#!/usr/bin/env python3
"""Where a profiled boot's guest CPU went (bench/vm-bench.sh with
BENCH_VM_PROFILE=1): DIR/acct is the guest's BSD process accounting file
(version 3, one 64-byte record per exited process, started by
bench/vmstamp.c at PID 1's exec), DIR/procs.txt the check's PROC lines (every
live process when the check started, just after multi-user.target) and its
PROFSTAT line (/proc/stat's cpu line). Prints CPU seconds per command name,
exited and live summed, busiest first, and the kernel's share. With
DIR/samples (BENCH_VM_SAMPLE=1), where PID 1's first thread was when the
sampler found it runnable: user mode, or the kernel function it was in
(the frames of the interrupt or preemption that stopped it left out), and
when (per second of the guest's CLOCK_MONOTONIC)."""
import struct
import sys
from collections import defaultdict

HZ = 100  # the guest's USER_HZ and the accounting's AHZ


# Command names (15 characters, as the kernel keeps them) by what they are
# part of: the manager, its generators, udev's coldplug, the profile's own
# tools and the check (which run after multi-user.target), the rest.
GROUPS = {
    "manager": ("weft", "systemd", "(sd-executor)", "(spawn)"),
    "udev coldplug": ("(udev-worker)", "systemd-udevd", "udevadm", "modprobe", "kmod", "ata_id", "cdrom_id",
                      "dmi_memory_id", "cryptomgr_test", "cryptomgr_probe", "scsi_id", "v4l_id", "mtd_probe"),
    "journald": ("systemd-journal",),
    "check+profiler (after the target)": ("guest-check.sh", "awk", "tr", "grep", "cut", "basename", "pidof", "sed",
                                          "cat", "head", "getconf", "vmstamp", "strace", "sleep", "gzip", "base64",
                                          "weftctl", "systemctl", "systemd-analyze", "ss", "mountpoint", "sh"),
}


def group_of(comm):
    for g, names in GROUPS.items():
        if comm in names:
            return g
    if comm.startswith("systemd-") and comm.endswith(("-g", "-ge", "-gen", "-generator")) or comm in (
            "systemd-gpt-aut", "systemd-cryptse", "systemd-hiberna", "systemd-integri", "systemd-rc-loca",
            "systemd-veritys", "systemd-system-", "systemd-fstab-g", "systemd-debug-g", "systemd-getty-g",
            "systemd-sysv-ge", "systemd-run-gen"):
        return "generators"
    return "services and oneshots"


def comp(v):
    """comp_t: 13-bit mantissa, 3-bit base-8 exponent."""
    return (v & 0x1fff) << (3 * (v >> 13))


def main(d):
    tot = defaultdict(lambda: [0, 0.0, 0.0])  # comm -> [count, user, sys]
    exited = 0
    try:
        data = open(d + "/acct", "rb").read()
    except OSError:
        data = b""
    for off in range(0, len(data) - 63, 64):
        r = data[off:off + 64]
        if r[1] & 0x0f != 3:
            continue
        (_flag, _ver, _tty, _exit, _uid, _gid, _pid, _ppid, _btime, _etime,
         ut, st) = struct.unpack_from("<BBHIIIIIIfHH", r)
        comm = r[48:64].split(b"\0")[0].decode(errors="replace").replace(" ", "_")
        t = tot[comm]
        t[0] += 1
        t[1] += comp(ut) / HZ
        t[2] += comp(st) / HZ
        exited += 1
    live = 0
    kthreads = [0, 0.0, 0.0]
    cpu = None
    pid1_children = 0.0
    for line in open(d + "/procs.txt"):
        f = line.split()
        if f[0] == "PROFSTAT":
            cpu = [int(x) for x in f[2:]]
            continue
        if f[0] != "PROC":
            continue
        pid, ppid, ut, st, cut, cst = (int(x) for x in f[1:7])
        comm = f[8] if len(f) > 8 else "?"
        if pid == 1:
            pid1_children = (cut + cst) / HZ
        if pid == 2 or ppid == 2:
            t = kthreads
        else:
            t = tot[comm]
            live += 1
        t[0] += 1
        t[1] += ut / HZ
        t[2] += st / HZ
    groups = defaultdict(float)
    for comm, (_n, u, s_) in tot.items():
        groups[group_of(comm)] += u + s_
    groups["kernel threads"] += kthreads[1] + kthreads[2]
    rows = sorted(tot.items(), key=lambda kv: -(kv[1][1] + kv[1][2]))
    procs = sum(v[1] + v[2] for v in tot.values())
    print(f"{exited} exited processes (accounting), {live} live; "
          f"PID 1's reaped children (cutime+cstime) {pid1_children:.2f} s")
    print(f"{'command':<18} {'n':>4} {'user_s':>7} {'sys_s':>7} {'total_s':>8}")
    for comm, (n, u, s) in rows:
        if u + s < 0.05 and n < 5:
            continue
        print(f"{comm:<18} {n:>4} {u:7.2f} {s:7.2f} {u + s:8.2f}")
    print(f"{'(all processes)':<18} {'':>4} {'':>7} {'':>7} {procs:8.2f}")
    print(f"{'(kernel threads)':<18} {kthreads[0]:>4} {kthreads[1]:7.2f} "
          f"{kthreads[2]:7.2f} {kthreads[1] + kthreads[2]:8.2f}")
    print("by group (CPU s):", ", ".join(f"{g} {v:.2f}" for g, v in sorted(groups.items(), key=lambda kv: -kv[1])))
    if cpu:
        names = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]
        v = dict(zip(names, (x / HZ for x in cpu)))
        print("since boot (/proc/stat): " +
              ", ".join(f"{k} {v[k]:.2f}" for k in names if k in v))


# Frames of how the thread was stopped, not of what it was doing.
STOP_FRAMES = ("asm_sysvec_apic_timer_interrupt", "asm_common_interrupt", "preempt_schedule_thunk",
               "exit_to_user_mode_prepare", "irqentry_exit_to_user_mode", "irqentry_exit",
               "preempt_schedule_irq", "__schedule", "schedule", "preempt_schedule_common",
               "__cond_resched", "sysvec_apic_timer_interrupt")


def samples(d):
    try:
        lines = open(d + "/samples").read().split("\n")
    except OSError:
        return
    where = defaultdict(int)
    per_s = defaultdict(lambda: [0, 0])
    n = 0
    for line in lines:
        f = line.split(" ", 1)
        if len(f) < 2:
            continue
        frames = [x for x in f[1].split("|")[1:] if x]
        useful = [x for x in frames if x not in STOP_FRAMES]
        key = "(user mode)" if not useful else "|".join(useful[:3])
        where[key] += 1
        sec = int(float(f[0]))
        per_s[sec][0 if not useful else 1] += 1
        n += 1
    if not n:
        return
    print(f"\nPID 1's first thread, {n} samples when runnable: where")
    for k, v in sorted(where.items(), key=lambda kv: -kv[1])[:25]:
        print(f"{v:5d} {100 * v / n:5.1f}%  {k}")
    print("per second of CLOCK_MONOTONIC: user-mode samples, kernel samples")
    print("  ".join(f"{s_}:{u}/{k}" for s_, (u, k) in sorted(per_s.items())))


if __name__ == "__main__":
    main(sys.argv[1])
    samples(sys.argv[1])
