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

UNITS="systemd-journald systemd-udevd systemd-remount-fs systemd-tmpfiles-setup dbus cron rsyslog ssh getty@tty1 serial-getty@ttyS0 systemd-random-seed"
uptime_s() { cut -d. -f1 /proc/uptime; }
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
failed=$($CTL list-units --all --no-legend --state=failed 2>/dev/null | awk '{ print $1 == "●" ? $2 : $1 }' | tr '\n' ' ')
[ -z "$failed" ]; verdict no-failed-units $? "($failed)"

$CTL list-units --all --no-legend 2>/dev/null | awk '{ if ($1 == "●") $1 = ""; $0 = $0; print "UNIT", $1, $3, $4 }'
if [ $MGR = weft ] && [ -r /run/weft/boot.yaml ]; then
        sed 's/^/BOOTRECORD /' /run/weft/boot.yaml
fi
echo "POWEROFF $(cat /proc/uptime)"
sync
$CTL poweroff
