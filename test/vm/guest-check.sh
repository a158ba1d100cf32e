#!/bin/sh
# Runs inside the VM after multi-user.target, under weft or under systemd
# (the reference), as weft-vm-check.service. Writes to the second serial
# port (/dev/ttyS1, a file on the host): one verdict line per item of
# issue 13's list, the unit table, weft's boot record, then powers off.
# Line formats the host reads (test/vm/run.sh):
#   VERDICT ok|FAIL ITEM DETAIL
#   UNIT NAME ACTIVE SUB
#   BOOTRECORD LINE
out=/dev/ttyS1
# One line on this unit's own stdout first (StandardOutput= by default: the
# journal), looked for below with journalctl -u.
jtag="weft-vm-check-stdout-$$"
echo "$jtag"
exec >"$out" 2>&1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

case $(cat /proc/1/comm) in
weft) MGR=weft CTL=weftctl ;;
*) MGR=systemd CTL=systemctl ;;
esac
echo "MANAGER $MGR"

verdict() { # ITEM CONDITION-RESULT DETAIL
        if [ "$2" = 0 ]; then echo "VERDICT ok $1 $3"; else echo "VERDICT FAIL $1 $3"; fi
}
is_mounted() { mountpoint -q "$1"; }
lo_up() { [ $(( $(cat /sys/class/net/lo/flags) & 1 )) = 1 ]; }
sshd_listens() { ss -Hltn 'sport = :22' | grep -q .; }

UNITS="systemd-journald systemd-udevd systemd-remount-fs systemd-tmpfiles-setup dbus cron rsyslog ssh nginx networking ifup@enp0s2 systemd-timesyncd getty@tty1 serial-getty@ttyS0 systemd-random-seed"
uptime_s() { cut -d. -f1 /proc/uptime; }

# make bench-vm (bench/vm-bench.sh, whose injected disk carries the flag
# file): no checks, the same measurements under both managers.
#   BENCH exec_usec N     PID 1's exec (bench/vmstamp.c), CLOCK_MONOTONIC µs
#   BENCH target_usec N   multi-user.target's ActiveEnterTimestampMonotonic
#   BENCH self_usec N     the manager's own idea of its start
#   BENCH generators_usec N   systemd's generators (weft logs its own)
#   BENCH pid1_cpu_s S    PID 1's CPU time when the check starts
#   BENCH manager_cpu_s S the part of it since the manager's exec
#   PID1TASK TID S        the same per thread
#   BENCH cpu_busy_pct P  the CPU's busy share since the kernel started
#   BENCH settled S       seconds waited for the job queue to drain
#   ANALYZE VERB LINE     blame and critical-chain of this boot
#   FILE NAME / B64 LINE / ENDFILE   a file, gzip and base64 (the plot)
bench() {
        # (no local: dash has it, POSIX sh does not; the script ends here)
        # Where a boot on one vCPU goes, first, before this script asks PID 1
        # anything: PID 1's own CPU time (and per thread, by thread ID), and
        # how busy the CPU has been since the kernel started.
        hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
        echo "BENCH pid1_cpu_s $(awk -v hz="$hz" '{ printf "%.2f", ($14 + $15) / hz }' /proc/1/stat)"
        # The manager's own share: PID 1's threads' run time (the
        # scheduler's count, in ns) less what PID 1 had used at the
        # manager's exec (the kernel's start-up and the initramfs ran as
        # PID 1 first; bench/vmstamp.c). A thread that has ended is missed.
        v=$(tr '\0' '\n' </proc/1/environ | sed -n 's/^WEFTVM_EXEC_CPU_NSEC=//p')
        echo "BENCH manager_cpu_s $(cat /proc/1/task/*/schedstat 2>/dev/null |
                awk -v e="${v:-x}" '{ t += $1 } END { if (NR && e ~ /^[0-9]+$/) printf "%.2f", (t - e) / 1e9; else print "-" }')"
        echo "BENCH cpu_busy_pct $(awk '$1 == "cpu" { b = $2 + $3 + $4 + $7 + $8; i = $5 + $6; printf "%.0f", 100 * b / (b + i) }' /proc/stat)"
        for t in /proc/1/task/*/stat; do
                awk -v hz="$hz" '{ printf "PID1TASK %s %.2f\n", $1, ($14 + $15) / hz }' "$t"
        done
        # Profile mode (BENCH_VM_PROFILE=1): every live process's CPU
        # (exited children are in their parents' cutime+cstime and, one by
        # one, in the accounting file that bench/vmstamp.c started), the
        # CPU split since boot, then that file.
        if [ -e /usr/local/lib/weft-vm/profile ]; then
                head -1 /proc/stat | sed 's/^/PROFSTAT /'
                # PROC PID PPID UTIME STIME CUTIME CSTIME STARTTIME COMM (ticks)
                cat /proc/[0-9]*/stat 2>/dev/null | awk '{ i = length($0); while (substr($0, i, 1) != ")") i--
                        c = substr($0, index($0, "(") + 1, i - index($0, "(") - 1); gsub(/ /, "_", c)
                        n = split(substr($0, i + 2), f, " ")
                        print "PROC", $1, f[2], f[12], f[13], f[14], f[15], f[20], c }'
                for t in /proc/1/task/*; do
                        echo "PID1IO $(basename $t) $(cut -d')' -f2 $t/stat | awk '{ print "minflt", $8, "majflt", $10 }')" \
                                "$(grep ctxt $t/status | tr -d '\t' | tr '\n' ' ')"
                done
                tr '\n' ' ' </proc/1/io | sed 's/^/PID1IO io /'; echo
                if [ -e /mnt/strace ] || pidof strace >/dev/null; then
                        kill -INT $(pidof strace) 2>/dev/null
                        i=0; while pidof strace >/dev/null && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
                        sed 's/^/STRACE /' /mnt/strace
                fi
                if [ -e /mnt/samples ]; then
                        : >/mnt/stop
                        sleep 0.1
                        echo "FILE samples"
                        gzip -c /mnt/samples | base64 | sed 's/^/B64 /'
                        echo "ENDFILE"
                fi
                echo "FILE acct"
                gzip -c /mnt/acct 2>/dev/null | base64 | sed 's/^/B64 /'
                echo "ENDFILE"
        fi
        t0=$(uptime_s)
        # Power off from the same state under both: no job left (60 s at most).
        while [ $(($(uptime_s) - t0)) -lt 60 ]; do
                $CTL list-jobs --no-legend 2>/dev/null | grep -v '^No jobs' | grep -q . || break
                sleep 0.5
        done
        echo "BENCH settled $(($(uptime_s) - t0))"
        v=$(tr '\0' '\n' </proc/1/environ | sed -n 's/^WEFTVM_EXEC_USEC=//p')
        echo "BENCH exec_usec ${v:-?}"
        echo "BENCH target_usec $($CTL show -P ActiveEnterTimestampMonotonic multi-user.target 2>/dev/null)"
        if [ $MGR = weft ]; then
                v=$(sed -n 's/^manager_start_usec: *//p' /run/weft/boot.yaml 2>/dev/null)
                $CTL analyze blame 2>&1 | sed 's/^/ANALYZE blame /'
                $CTL analyze critical-chain 2>&1 | sed 's/^/ANALYZE critical-chain /'
                plot() { $CTL analyze plot; }
        else
                v=$(systemctl show -P UserspaceTimestampMonotonic)
                systemd-analyze blame 2>&1 | sed 's/^/ANALYZE blame /'
                systemd-analyze critical-chain multi-user.target 2>&1 | sed 's/^/ANALYZE critical-chain /'
                plot() { systemd-analyze plot; }
        fi
        echo "BENCH self_usec ${v:-?}"
        if [ $MGR = systemd ]; then
                systemctl show -p GeneratorsStartTimestampMonotonic -p GeneratorsFinishTimestampMonotonic 2>/dev/null |
                        awk -F= '{ t[$1] = $2 } END { print "BENCH generators_usec", t["GeneratorsFinishTimestampMonotonic"] - t["GeneratorsStartTimestampMonotonic"] }'
        fi
        echo "FILE plot.svg"
        plot 2>/dev/null | gzip -c | base64 | sed 's/^/B64 /'
        echo "ENDFILE"
        sync
        echo "POWEROFF $(cat /proc/uptime)"
        $CTL poweroff
        exit 0
}
[ -e /usr/local/lib/weft-vm/bench ] && bench
# Let the boot settle: at most 30 s (of the guest's clock: under emulation
# each round of checks takes a while) for every listed unit and sshd.
t0=$(uptime_s)
while [ $(($(uptime_s) - t0)) -lt 30 ]; do
        all=1
        for u in $UNITS; do $CTL is-active -q "$u.service" 2>/dev/null || { all=0; break; }; done
        [ $all = 1 ] && sshd_listens && break
        sleep 0.5
done
echo "SETTLED after $(($(uptime_s) - t0)) s, at uptime $(cat /proc/uptime)"

rootopts=$(awk '$2 == "/" { o = $4 } END { print o }' /proc/self/mounts)
case ",$rootopts," in *,rw,*) r=0 ;; *) r=1 ;; esac
verdict root-rw $r "($rootopts)"
for m in /dev/pts /dev/shm /sys/fs/cgroup /run/lock; do
        is_mounted "$m"; verdict "mounted:$m" $? ""
done
h=$(cat /proc/sys/kernel/hostname); want=$(cat /etc/hostname 2>/dev/null)
[ "$h" = "$want" ]; verdict hostname $? "($h, /etc/hostname: $want)"
id=$(cat /etc/machine-id 2>/dev/null)
echo "$id" | grep -Eqx '[0-9a-f]{32}' && [ "$id" != 00000000000000000000000000000000 ]
verdict machine-id $? "($id)"
lo_up; verdict lo-up $? ""
for u in $UNITS systemd-logind; do
        s=$($CTL is-active "$u.service" 2>/dev/null)
        [ "$s" = active ]; verdict "active:$u" $? "($s)"
done
s=$($CTL is-active apt-daily.timer 2>/dev/null)
[ "$s" = active ]; verdict "active:apt-daily.timer" $? "($s)"
sshd_listens; verdict sshd-port-22 $? ""
# nginx serves its default page on lo (busybox's wget: the image has no curl).
timeout 10 busybox wget -q -O - http://127.0.0.1/ 2>/dev/null | grep -q "Welcome to nginx"
verdict nginx-http-lo $? ""
n=$(journalctl -b -q --no-pager 2>/dev/null | wc -l)
[ "$n" -gt 0 ]; verdict journal-this-boot $? "($n lines)"
# `journalctl -u UNIT` shows a unit's stdout: this check's own line, and
# e2fsck's "/dev/vda: clean, ..." that systemd-fsck-root.service printed
# while / was still read-only (journald took the unit from the stream).
journal_has() { journalctl -b -q --no-pager -o cat -u "$1" 2>/dev/null | grep -q -- "$2"; }
i=0; r=1
while [ $i -lt 10 ]; do journal_has weft-vm-check.service "^$jtag\$" && { r=0; break; }; sleep 0.5; i=$((i + 1)); done
verdict journal-unit-stdout:weft-vm-check $r ""
journal_has systemd-fsck-root.service ': clean,'
verdict journal-unit-stdout:systemd-fsck-root $? "($(journalctl -b -q --no-pager -o cat -u systemd-fsck-root.service 2>/dev/null | head -1))"
tag="weft-vm-check-$$-$(cat /proc/sys/kernel/random/uuid)"
logger -t weft-vm-check "$tag" 2>/dev/null
i=0; r=1
while [ $i -lt 10 ]; do grep -q "$tag" /var/log/syslog 2>/dev/null && { r=0; break; }; sleep 0.5; i=$((i + 1)); done
verdict logger-syslog $r ""
udevadm info -q property -n /dev/vda 2>/dev/null | grep -q '^USEC_INITIALIZED='
verdict udev-knows-vda $? ""
# 99-systemd.rules gives every network card SYSTEMD_ALIAS=/sys/subsystem/net/devices/NAME.
nics=0
for n in $(ls /sys/class/net); do
        [ "$n" = lo ] && continue
        nics=$((nics + 1))
        s=$($CTL is-active "sys-subsystem-net-devices-$n.device" 2>/dev/null)
        [ "$s" = active ]; verdict "device-alias:$n" $? "($s)"
done
[ $nics -gt 0 ]; verdict network-card $? "($nics)"
# ifupdown (/etc/network/interfaces from test/vm/build-image.sh) raised it.
ip -4 -o addr show dev enp0s2 2>/dev/null | grep -q ' 10\.0\.2\.15/24 '
verdict "ifup-address:enp0s2" $? "($($CTL is-active ifup@enp0s2.service 2>/dev/null))"
# fstab's swap file (test/vm/build-image.sh), through swapfile.swap.
swapon --show=NAME --noheadings 2>/dev/null | grep -qx /swapfile
verdict swap-on:/swapfile $? "($($CTL is-active swapfile.swap 2>/dev/null))"
# fstab names the root by UUID: its by-uuid link is a device unit.
s=$($CTL is-active "$(systemd-escape --path --suffix=device "/dev/disk/by-uuid/$(findmnt -no UUID /)")" 2>/dev/null)
[ "$s" = active ]; verdict root-by-uuid-device $? "($s)"
# An admin's tools, which talk to PID 1 on its bus (under weft too, since
# it makes /run/systemd/system): systemctl restart, service(8),
# is-enabled, is-system-running, list-timers, cat, list-unit-files,
# systemd-run (a transient service, --wait and --scope) and the bus-activated
# hostnamectl and timedatectl.
p0=$($CTL show -P MainPID cron.service 2>/dev/null)
out=$(systemctl restart cron.service 2>&1)
p1=$($CTL show -P MainPID cron.service 2>/dev/null)
[ "${p1:-0}" != 0 ] && [ "$p1" != "$p0" ]; verdict systemctl-restart:cron $? "($p0 -> $p1 $out)"
p0=$p1
out=$(service cron restart 2>&1)
p1=$($CTL show -P MainPID cron.service 2>/dev/null)
[ "${p1:-0}" != 0 ] && [ "$p1" != "$p0" ]; verdict service-restart:cron $? "($p0 -> $p1 $out)"
s=$(systemctl is-enabled ssh.service 2>&1)
[ "$s" = enabled ]; verdict systemctl-is-enabled:ssh $? "($s)"
s=$(systemctl list-units --failed --no-legend --plain 2>&1)
[ -z "$s" ]; verdict systemctl-no-failed $? "($s)"
# What scripts and admins ask next: is the boot over (waiting for it, as
# Ansible and CI do), the timers, a unit's file.
s=$(timeout 90 systemctl is-system-running --wait 2>&1)
[ "$s" = running ]; verdict systemctl-is-system-running $? "($s)"
s=$(systemctl list-timers --no-legend 2>&1)
case $s in *apt-daily.timer*apt-daily.service*) true ;; *) false ;; esac
verdict systemctl-list-timers:apt-daily $? "($(echo "$s" | grep apt-daily.timer))"
s=$(systemctl cat ssh.service 2>&1 | head -1)
[ "$s" = "# /lib/systemd/system/ssh.service" ]; verdict systemctl-cat:ssh $? "($s)"
s=$(systemctl list-unit-files --no-legend ssh.service 2>&1)
case $s in "ssh.service "*enabled*) true ;; *) false ;; esac; verdict systemctl-list-unit-files:ssh $? "($s)"
out=$(systemd-run --unit=weft-vm-run -p RemainAfterExit=yes /bin/true 2>&1)
s=$(systemctl is-active weft-vm-run.service 2>&1)
[ "$s" = active ]; verdict systemd-run $? "($s $out)"
# systemd-run --wait, on the system bus: the command's exit status; the
# failed unit goes once systemd-run lets go of it (--collect).
out=$(timeout 60 systemd-run --wait --collect --unit=weft-vm-wait /bin/sh -c 'sleep 1; exit 4' 2>&1)
[ $? = 4 ]; verdict systemd-run-wait $? "($(echo "$out" | tr '\n' ' '))"
# systemd-run --scope: the command runs in a scope of its own, active
# while it runs, with the scope's invocation ID; the scope ends with it.
out=$(timeout 60 systemd-run --scope --unit=weft-vm-scope sh -c \
        'echo "state=$(systemctl is-active weft-vm-scope.scope) inv=$INVOCATION_ID"' 2>&1)
case $out in *"state=active inv="[0-9a-f]*) true ;; *) false ;; esac
verdict systemd-run-scope $? "($(echo "$out" | tr '\n' ' '))"
# The bus-activated daemons behind hostnamectl and timedatectl
# (dbus-org.freedesktop.hostname1.service, an alias of systemd-hostnamed).
s=$(timeout 60 hostnamectl --static 2>&1)
[ "$s" = "$(cat /etc/hostname)" ]; verdict hostnamectl $? "($s)"
s=$(timeout 60 timedatectl show -p Timezone --value 2>&1)
[ -n "$s" ] && [ "${s#Failed}" = "$s" ]; verdict timedatectl $? "($s)"
# What Debian's libc6 upgrade runs (its postinst, under set -e): systemd
# re-executes itself; weft reloads and says it does not (its states stay).
out=$(timeout 120 sh -ec 'systemctl daemon-reexec' 2>&1)
verdict systemctl-daemon-reexec $? "($out)"
failed=$($CTL list-units --all --no-legend --state=failed 2>/dev/null | awk '{ print $1 == "●" ? $2 : $1 }' | tr '\n' ' ')
[ -z "$failed" ]; verdict no-failed-units $? "($failed)"

$CTL list-units --all --no-legend 2>/dev/null | awk '{ if ($1 == "●") $1 = ""; $0 = $0; print "UNIT", $1, $3, $4 }'
if [ $MGR = weft ] && [ -r /run/weft/boot.yaml ]; then
        sed 's/^/BOOTRECORD /' /run/weft/boot.yaml
fi
echo "POWEROFF $(cat /proc/uptime)"
sync
# As an admin types it, under either manager: systemctl asks logind, which
# starts poweroff.target (replace-irreversibly); its
# systemd-poweroff.service is SuccessAction=poweroff-force.
systemctl poweroff
