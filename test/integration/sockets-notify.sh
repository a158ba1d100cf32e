#!/bin/bash
# Socket activation and the notify protocol (issue 4, SYSTEMD-SUBSET
# §2.8-§2.10) with weft as PID 1 of a private PID namespace, checked with
# real clients: the libsystemd probe test/tools/sd_probe.c (built here with
# -lsystemd), systemd-notify and socat.
#  - probe.socket (FileDescriptorName=alpha: a unix path stream, a TCP
#    socket on 127.0.0.1:free port, an abstract @weft-test-RANDOM stream, a
#    unix datagram socket and a FIFO, in that order) and probe-extra.socket
#    (Service=probe.service, a second unix stream, default name): the
#    service starts only at the first connection; sd_listen_fds_with_names()
#    sees 6 fds, each unit's fds in configuration order with the right type
#    and name; every socket answers through socat (or records the datagram
#    and the FIFO line);
#  - net.service behind three socket units (net-seq.socket: a unix
#    seqpacket socket named seq; net-udp4.socket: UDP on 127.0.0.1, named
#    udp4; net-v6.socket: TCP and UDP on [::1], default name, left out with
#    a message when ::1 is not usable): started by the seqpacket connection;
#    sd_listen_fds_with_names() reports each unit's fds together, in
#    configuration order, with the right type, family and name; each socket
#    answers (seqpacket, TCP) or records the datagram (UDP);
#  - echo.socket (Accept=yes, TCP on 127.0.0.1) with echo@.service
#    (StandardInput=socket, /bin/sh then cat): three connections make three
#    instances, each with REMOTE_ADDR=127.0.0.1, a REMOTE_PORT and no
#    LISTEN_FDS; then a storm of 50 connections, after which weft's own fd
#    count (/proc/1/fd) is back where it was;
#  - notify-sh.service: Type=notify, a shell that runs `systemd-notify
#    --ready --status=up` (which waits for the barrier); after-notify.service
#    (After= it) starts only after that READY=1; the same with --no-block;
#    notify-pid.service (NotifyAccess=all): `systemd-notify --pid=self
#    --ready` run in the background makes that systemd-notify process the
#    main pid (MAINPID=, logged by weft) and the unit ready; at shutdown
#    that unit stops without waiting out its TimeoutStopSec=3s for the
#    exited non-child main pid;
#  - fdstore.service: Type=notify, FileDescriptorStoreMax=4, sd_probe stores
#    a memfd with FDSTORE=1 FDNAME=marker, exits 1, and after
#    Restart=on-failure gets it back from sd_listen_fds_with_names(), named
#    "marker", with its content;
#  - barrier.service: sd_notify_barrier() returns success after messages
#    carrying 160 fds that weft must close (no FDSTORE=1, or a store of 0);
#  - malformed datagrams sent with socat to RUNDIR/notify (oversized,
#    non-UTF-8, NUL bytes, bad keys, noise) from a unit's process group and
#    from outside any unit: dropped and logged; the unit becomes ready only
#    at its later valid READY=1; everything else goes on;
#  - NotifyAccess=all: READY=1 sent by a child of the main process counts;
#  - weft exits 0 and its stderr holds no sanitizer report.
# driver.service runs the clients inside the namespace, then sends SIGTERM
# to PID 1. weft runs fenced (test/lib/weft.sh), bounded by 60 s. Needs cc
# with libsystemd, socat and systemd-notify; exits 0 with a message when one
# is missing. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init sockets-notify
wt_need socat systemd-notify cc

PROBE=$TMP/sd_probe
if ! timeout 60 cc -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -o "$PROBE" test/tools/sd_probe.c -lsystemd \
        >"$TMP/cc.out" 2>&1; then
        if grep -q 'systemd/sd-daemon.h' "$TMP/cc.out"; then
                echo "$WT_NAME: libsystemd-dev not installed, skipping"
                exit 0
        fi
        wt_fail "cannot build test/tools/sd_probe.c: $(cat "$TMP/cc.out")"
        wt_finish ""
fi

OUT=$TMP/out   # what the services and the driver write
S=$TMP/sock
mkdir "$OUT" "$S"

# A TCP/UDP port that nothing listens on or uses right now (/proc/net/tcp{,6}
# and udp{,6} list local ports in hex), each handed out once; weft binds it a
# moment later.
USED_PORTS=""
free_port() {
        local p hex i
        for i in $(seq 50); do
                p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
                hex=$(printf ':%04X ' $p)
                grep -q "$hex" /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 2>/dev/null && continue
                case " $USED_PORTS " in *" $p "*) continue ;; esac
                echo $p
                return 0
        done
        return 1
}
for v in PORT1 PORT2 PORT3 PORT4 PORT5; do
        p=$(free_port) || { wt_fail "no free port found"; wt_finish ""; }
        printf -v $v %s "$p"
        USED_PORTS="$USED_PORTS $p"
done
# IPv6 on loopback: ::1 configured on lo and IPv6 not disabled there.
HAVE_V6=1
if ! grep -q '^00000000000000000000000000000001 ' /proc/net/if_inet6 2>/dev/null ||
        [ "$(cat /proc/sys/net/ipv6/conf/lo/disable_ipv6 2>/dev/null)" = 1 ]; then
        HAVE_V6=0
        echo "$WT_NAME: ::1 is not usable here, skipping the TCP and UDP sockets on [::1]"
fi
ABSTRACT=weft-test-$$-$RANDOM$RANDOM

wt_unit test.target <<EOF
[Unit]
Description=sockets and notify
DefaultDependencies=no
Wants=probe.socket probe-extra.socket echo.socket net-seq.socket net-udp4.socket $([ $HAVE_V6 = 1 ] && echo net-v6.socket)
Wants=notify-sh.service after-notify.service notify-nb.service after-nb.service
Wants=notify-pid.service after-pid.service
Wants=fdstore.service barrier.service malformed.service after-malformed.service
Wants=notify-all.service after-all.service
Wants=driver.service
EOF

# ---- Accept=no: one service, two socket units, six fds --------------------
wt_unit probe.socket <<EOF
[Unit]
Description=probe sockets, all named alpha
DefaultDependencies=no
[Socket]
ListenStream=$S/probe-1.sock
ListenStream=127.0.0.1:$PORT1
ListenStream=@$ABSTRACT
ListenDatagram=$S/probe-dgram.sock
ListenFIFO=$S/probe.fifo
FileDescriptorName=alpha
EOF

wt_unit probe-extra.socket <<EOF
[Unit]
Description=a second socket unit for probe.service, default name
DefaultDependencies=no
[Socket]
ListenStream=$S/probe-2.sock
Service=probe.service
EOF

wt_unit probe.service <<EOF
[Unit]
Description=libsystemd listen probe
DefaultDependencies=no
[Service]
ExecStart=$PROBE listen $OUT/probe
EOF

# ---- one service, three socket units: seqpacket, UDP v4, TCP+UDP v6 --------
wt_unit net-seq.socket <<EOF
[Unit]
Description=unix seqpacket for net.service
DefaultDependencies=no
[Socket]
ListenSequentialPacket=$S/net-seq.sock
FileDescriptorName=seq
Service=net.service
EOF

wt_unit net-udp4.socket <<EOF
[Unit]
Description=UDP on 127.0.0.1 for net.service
DefaultDependencies=no
[Socket]
ListenDatagram=127.0.0.1:$PORT3
FileDescriptorName=udp4
Service=net.service
EOF

wt_unit net-v6.socket <<EOF
[Unit]
Description=TCP and UDP on ::1 for net.service, default name
DefaultDependencies=no
[Socket]
ListenStream=[::1]:$PORT4
ListenDatagram=[::1]:$PORT5
Service=net.service
EOF

wt_unit net.service <<EOF
[Unit]
Description=libsystemd listen probe behind three socket units
DefaultDependencies=no
[Service]
ExecStart=$PROBE listen $OUT/net
EOF

# ---- Accept=yes --------------------------------------------------------------
wt_unit echo.socket <<EOF
[Unit]
Description=inetd-style echo
DefaultDependencies=no
[Socket]
ListenStream=127.0.0.1:$PORT2
Accept=yes
EOF

wt_unit echo@.service <<EOF
[Unit]
Description=echo instance %i
DefaultDependencies=no
[Service]
StandardInput=socket
ExecStart=/bin/sh -c 'echo "\$\$REMOTE_ADDR \$\$REMOTE_PORT \$\${LISTEN_FDS-unset}" >>$OUT/echo-env; echo "remote=\$\$REMOTE_ADDR"; exec cat'
EOF

# ---- Type=notify with systemd-notify in a shell -----------------------------
wt_unit notify-sh.service <<EOF
[Unit]
Description=Type=notify shell using systemd-notify
DefaultDependencies=no
[Service]
Type=notify
TimeoutStartSec=20s
ExecStart=/bin/sh -c 'sleep 0.5; date +%%s%%N >$OUT/notify-sh-ready; systemd-notify --ready --status=up; echo \$\$? >$OUT/notify-sh-rc; exec sleep 1000'
EOF

wt_unit after-notify.service <<EOF
[Unit]
Description=ordered after the notify shell's READY=1
DefaultDependencies=no
After=notify-sh.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'date +%%s%%N >$OUT/after-notify'
EOF

wt_unit notify-nb.service <<EOF
[Unit]
Description=Type=notify shell using systemd-notify --no-block
DefaultDependencies=no
[Service]
Type=notify
TimeoutStartSec=20s
ExecStart=/bin/sh -c 'sleep 0.5; date +%%s%%N >$OUT/notify-nb-ready; systemd-notify --no-block --ready --status=nb; exec sleep 1000'
EOF

wt_unit after-nb.service <<EOF
[Unit]
Description=ordered after the --no-block READY=1
DefaultDependencies=no
After=notify-nb.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'date +%%s%%N >$OUT/after-nb'
EOF

# systemd-notify --pid=self: MAINPID= is systemd-notify's own pid, and so is
# the credential pid (not the shell's), hence NotifyAccess=all. It runs in
# the background so that the shell knows its pid.
wt_unit notify-pid.service <<EOF
[Unit]
Description=Type=notify shell using systemd-notify --pid=self --ready
DefaultDependencies=no
[Service]
Type=notify
NotifyAccess=all
TimeoutStartSec=20s
TimeoutStopSec=3s
ExecStart=/bin/sh -c 'sleep 0.3; date +%%s%%N >$OUT/notify-pid-ready; systemd-notify --pid=self --ready --status=pid-self & echo \$\$! >$OUT/notify-pid-self; wait; exec sleep 1000'
EOF

wt_unit after-pid.service <<EOF
[Unit]
Description=ordered after notify-pid.service's READY=1
DefaultDependencies=no
After=notify-pid.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'date +%%s%%N >$OUT/after-pid'
EOF

# ---- the fd store across a restart, and the barrier, from C -------------------
wt_unit fdstore.service <<EOF
[Unit]
Description=stores an fd, fails, gets it back
DefaultDependencies=no
[Service]
Type=notify
FileDescriptorStoreMax=4
Restart=on-failure
RestartSec=100ms
ExecStart=$PROBE notify-fdstore $OUT/fdstore
EOF

wt_unit barrier.service <<EOF
[Unit]
Description=sd_notify_barrier after junk fds
DefaultDependencies=no
[Service]
Type=notify
ExecStart=$PROBE barrier $OUT/barrier
EOF

# ---- malformed datagrams from the unit's own process group -----------------
# NotifyAccess=all, so socat, a child of the main shell, may speak for the
# unit: its malformed datagrams must be dropped for what they are. The valid
# READY=1 comes last, from systemd-notify, which sends with the shell's pid.
cat >"$TMP/malformed.sh" <<'EOF'
out=$1 sock=$2
send() { socat -u -b 16384 - "UNIX-SENDTO:$sock"; }
printf 'READY=1\n%06000d' 0 | send                      # 6 KB: over 4096
printf 'STATUS=\377\376 not utf-8' | send               # non-UTF-8
printf 'READY=1\000garbage' | send                      # NUL byte
printf '=1\n==\n\001\002\003\nREADY=2\nX Y=1\n' | send  # bad keys, bad value
head -c 3000 /dev/urandom | tr -d '\n' | send           # noise
sleep 0.5
date +%s%N >"$out/malformed-sent"
systemd-notify --ready
exec sleep 1000
EOF
wt_unit malformed.service <<EOF
[Unit]
Description=sends malformed datagrams, then READY=1
DefaultDependencies=no
[Service]
Type=notify
NotifyAccess=all
TimeoutStartSec=20s
ExecStart=/bin/sh $TMP/malformed.sh $OUT $RUN/notify
EOF

wt_unit after-malformed.service <<EOF
[Unit]
Description=ordered after malformed.service's valid READY=1
DefaultDependencies=no
After=malformed.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'date +%%s%%N >$OUT/after-malformed'
EOF

# NotifyAccess=all: READY=1 from a child of the main process (socat, in the
# shell's process group; for systemd, any process of the unit's cgroup).
# The sender (socat, a child of the main process) stays alive a moment after
# sending: a message is attributed through its sender's process group, and
# a sender that has already exited cannot be attributed (sd_notify(3)).
wt_unit notify-all.service <<EOF
[Unit]
Description=READY=1 from a child under NotifyAccess=all
DefaultDependencies=no
[Service]
Type=notify
NotifyAccess=all
TimeoutStartSec=20s
ExecStart=/bin/sh -c 'sleep 0.2; (printf READY=1; sleep 2) | socat -u - UNIX-SENDTO:\$\$NOTIFY_SOCKET; exec sleep 1000'
EOF

wt_unit after-all.service <<EOF
[Unit]
Description=ordered after notify-all.service
DefaultDependencies=no
After=notify-all.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'date +%%s%%N >$OUT/after-all'
EOF

# ---- the driver: clients inside the namespace, then SIGTERM to PID 1 -------
cat >"$TMP/driver.sh" <<'EOF'
out=$1 s=$2 port1=$3 port2=$4 abstract=$5 run=$6 port3=$7 port4=$8 port5=$9 have_v6=${10}
log() { echo "$*" >>"$out/driver"; }
wait_for() { # TRIES COMMAND...: polls every 0.1 s
        local n=$1; shift
        while [ "$n" -gt 0 ]; do
                "$@" && return 0
                sleep 0.1
                n=$((n - 1))
        done
        return 1
}
ask() { # FILE ADDRESS LINE: one connection, the reply into FILE
        echo "$3" | timeout 10 socat -t 5 - "$2" >"$out/$1" 2>>"$out/socat-errors"
}
weft_fds() { ls /proc/1/fd | wc -l; }
count_cats() {
        n=0
        for f in /proc/[0-9]*/comm; do
                { read -r c <"$f"; } 2>/dev/null && [ "$c" = cat ] && n=$((n + 1))
        done
        echo $n
}

wait_for 100 test -S "$s/probe-2.sock" || log "sockets never appeared"
wait_for 100 test -e "$run/notify" || log "notify socket never appeared"
# Garbage from a pid that belongs to no unit, before anything else talks.
printf 'READY=1\n%06000d' 0 | socat -u -b 16384 - "UNIX-SENDTO:$run/notify"
printf 'MAINPID=1\nREADY=1\nSTATUS=\377' | socat -u - "UNIX-SENDTO:$run/notify"
printf 'READY=1' | socat -u - "UNIX-SENDTO:$run/notify"

# Accept=no: nothing started before the first connection.
sleep 0.5
if [ -e "$out/probe" ]; then log "probe-before-connect: started"; else log "probe-before-connect: absent"; fi
ask reply-unix "UNIX-CONNECT:$s/probe-1.sock" hello-unix
wait_for 50 grep -q '^ready$' "$out/probe"
ask reply-tcp "TCP:127.0.0.1:$port1" hello-tcp
ask reply-abstract "ABSTRACT-CONNECT:$abstract" hello-abstract
ask reply-unix2 "UNIX-CONNECT:$s/probe-2.sock" hello-unix2
echo hello-dgram | socat -u - "UNIX-SENDTO:$s/probe-dgram.sock"
echo hello-fifo | timeout 5 tee "$s/probe.fifo" >/dev/null
wait_for 50 grep -q 'data=hello-fifo' "$out/probe"
wait_for 50 grep -q 'data=hello-dgram' "$out/probe"

# net.service: started by the seqpacket connection, then every other socket.
if [ -e "$out/net" ]; then log "net-before-connect: started"; else log "net-before-connect: absent"; fi
ask reply-seq "UNIX-CONNECT:$s/net-seq.sock,type=5" hello-seq
wait_for 50 grep -q '^ready$' "$out/net"
echo hello-udp4 | socat -u - "UDP4-SENDTO:127.0.0.1:$port3"
wait_for 50 grep -q 'data=hello-udp4' "$out/net"
if [ "$have_v6" = 1 ]; then
        ask reply-tcp6 "TCP6:[::1]:$port4" hello-tcp6
        echo hello-udp6 | socat -u - "UDP6-SENDTO:[::1]:$port5"
        wait_for 50 grep -q 'data=hello-udp6' "$out/net"
fi

# Accept=yes: three instances.
for i in 1 2 3; do
        ask reply-echo-$i "TCP:127.0.0.1:$port2" "echo-$i"
done
wait_for 50 test "$(cat "$out/echo-env" 2>/dev/null | wc -l)" -ge 3
wait_for 50 grep -q '^barrier' "$out/barrier"
wait_for 50 test "$(count_cats)" -eq 0
sleep 0.5
before=$(weft_fds)
# The storm: 50 connections, 10 at a time.
for batch in 1 2 3 4 5; do
        for i in 1 2 3 4 5 6 7 8 9 10; do
                ask storm-$batch-$i "TCP:127.0.0.1:$port2" "storm-$batch-$i" &
        done
        wait
done
wait_for 100 test "$(count_cats)" -eq 0
sleep 0.5
after=$(weft_fds)
log "weft-fds before=$before after=$after"
ls -l /proc/1/fd >"$out/weft-fds" 2>&1

# The rest: fd store round trip, notify ordering.
wait_for 100 grep -q '^stored' "$out/fdstore"
wait_for 100 test -e "$out/after-notify"
wait_for 100 test -e "$out/after-nb"
wait_for 100 test -e "$out/after-pid"
wait_for 100 test -e "$out/after-malformed"
wait_for 30 test -e "$out/after-all"
log done
exec /bin/kill -TERM 1
EOF

wt_unit driver.service <<EOF
[Unit]
Description=runs the clients, then stops PID 1
DefaultDependencies=no
After=probe.socket probe-extra.socket echo.socket net-seq.socket net-udp4.socket
[Service]
ExecStart=/bin/sh $TMP/driver.sh $OUT $S $PORT1 $PORT2 $ABSTRACT $RUN $PORT3 $PORT4 $PORT5 $HAVE_V6
EOF

wt_run 60 --target test.target --log-level debug
wt_assert_exit 0

has() { # FILE PATTERN (grep -E, whole line)
        grep -qxE "$2" "$1" 2>/dev/null
}
has "$OUT/driver" "done" || wt_fail "driver.service did not reach its end (see $OUT/driver)"

# ---- Accept=no ---------------------------------------------------------------
has "$OUT/driver" 'probe-before-connect: absent' ||
        wt_fail "probe.service ran before the first connection to its sockets"
grep -q 'probe.*socket: incoming traffic, starting probe\.service' "$WT_LOG" ||
        wt_fail "no log line says probe.service was started by incoming traffic"
has "$OUT/probe" 'n=6' || wt_fail "sd_listen_fds_with_names() in probe.service: '$(head -1 "$OUT/probe" 2>/dev/null)', want n=6"
# Each unit's fds in configuration order; the order across units is
# unspecified (§2.8), so the two groups may come either way round.
got=$(grep '^fd=' "$OUT/probe" 2>/dev/null | sed 's/^fd=[0-9]* //' | tr '\n' ';')
alpha="name=alpha type=stream-listening access=rdwr family=unix;name=alpha type=stream-listening access=rdwr family=inet;name=alpha type=stream-listening access=rdwr family=unix;name=alpha type=dgram access=rdwr family=unix;name=alpha type=fifo access=rdwr family=none;"
extra="name=probe-extra.socket type=stream-listening access=rdwr family=unix;"
[ "$got" = "$alpha$extra" ] || [ "$got" = "$extra$alpha" ] ||
        wt_fail "LISTEN_FDS as libsystemd sees them: '$got', want '$alpha$extra' (or the two units swapped; a FIFO is opened O_RDWR as systemd does)"
for r in unix:hello-unix tcp:hello-tcp abstract:hello-abstract unix2:hello-unix2; do
        has "$OUT/reply-${r%%:*}" "probe:${r#*:}" ||
                wt_fail "reply through the ${r%%:*} socket: '$(cat "$OUT/reply-${r%%:*}" 2>/dev/null)', want 'probe:${r#*:}'"
done
has "$OUT/probe" 'got name=alpha data=hello-dgram ?' || wt_fail "probe.service did not receive the datagram"
has "$OUT/probe" 'got name=alpha data=hello-fifo ?' || wt_fail "probe.service did not read the FIFO line"
has "$OUT/probe" 'got name=probe-extra.socket data=hello-unix2 ?' ||
        wt_fail "the connection to probe-extra.socket did not reach probe.service as fd 'probe-extra.socket'"
[ "$(grep -c '^error' "$OUT/probe" 2>/dev/null)" = 0 ] || wt_fail "sd_probe listen: $(grep '^error' "$OUT/probe" | head -3)"

# ---- net.service: seqpacket, UDP v4, TCP+UDP v6, three units ------------------
has "$OUT/driver" 'net-before-connect: absent' ||
        wt_fail "net.service ran before the first connection to its sockets"
groups=("name=seq type=seqpacket-listening access=rdwr family=unix;"
        "name=udp4 type=dgram access=rdwr family=inet;")
[ $HAVE_V6 = 1 ] &&
        groups+=("name=net-v6.socket type=stream-listening access=rdwr family=inet6;name=net-v6.socket type=dgram access=rdwr family=inet6;")
want_n=$(printf '%s' "${groups[*]}" | grep -o 'name=' | wc -l)
has "$OUT/net" "n=$want_n" ||
        wt_fail "sd_listen_fds_with_names() in net.service: '$(head -1 "$OUT/net" 2>/dev/null)', want n=$want_n"
got=$(grep '^fd=' "$OUT/net" 2>/dev/null | sed 's/^fd=[0-9]* //' | tr '\n' ';')
# Each unit's fds together and in configuration order, the units in any order.
perm_ok=0
perms() { # PREFIX GROUP-INDEXES...: tries every order of the given groups
        local pre=$1 i j rest; shift
        if [ $# -eq 0 ]; then [ "$pre" = "$got" ] && perm_ok=1; return; fi
        for i in "$@"; do
                rest=()
                for j in "$@"; do [ "$j" != "$i" ] && rest+=("$j"); done
                perms "$pre${groups[$i]}" "${rest[@]}"
        done
}
perms "" "${!groups[@]}"
[ $perm_ok = 1 ] ||
        wt_fail "net.service's fds per libsystemd: '$got', want the groups $(printf "'%s' " "${groups[@]}")in some order"
has "$OUT/reply-seq" "probe:hello-seq" || wt_fail "reply through the seqpacket socket: '$(cat "$OUT/reply-seq" 2>/dev/null)', want 'probe:hello-seq'"
has "$OUT/net" 'got name=seq data=hello-seq ?' || wt_fail "the seqpacket message did not reach net.service as fd 'seq'"
has "$OUT/net" 'got name=udp4 data=hello-udp4 ?' || wt_fail "the UDP datagram to 127.0.0.1 did not reach net.service as fd 'udp4'"
if [ $HAVE_V6 = 1 ]; then
        has "$OUT/reply-tcp6" "probe:hello-tcp6" || wt_fail "reply through TCP on [::1]: '$(cat "$OUT/reply-tcp6" 2>/dev/null)', want 'probe:hello-tcp6'"
        has "$OUT/net" 'got name=net-v6.socket data=hello-udp6 ?' || wt_fail "the UDP datagram to [::1] did not reach net.service as fd 'net-v6.socket'"
fi
[ "$(grep -c '^error' "$OUT/net" 2>/dev/null)" = 0 ] || wt_fail "sd_probe listen (net): $(grep '^error' "$OUT/net" | head -3)"

# ---- Accept=yes --------------------------------------------------------------
for i in 1 2 3; do
        has "$OUT/reply-echo-$i" "remote=127\.0\.0\.1" && has "$OUT/reply-echo-$i" "echo-$i" ||
                wt_fail "Accept=yes connection $i got '$(tr '\n' '|' <"$OUT/reply-echo-$i" 2>/dev/null)', want 'remote=127.0.0.1|echo-$i|'"
done
n_env=$(wt_lines "$OUT/echo-env")
[ "$n_env" -eq 53 ] || wt_fail "echo@.service instances: $n_env, want 53 (3 + a storm of 50)"
bad_env=$(grep -cvE '^127\.0\.0\.1 [0-9]+ unset$' "$OUT/echo-env" 2>/dev/null)
[ "$bad_env" = 0 ] ||
        wt_fail "instance environment lines not '127.0.0.1 PORT unset' (REMOTE_ADDR REMOTE_PORT LISTEN_FDS): $(grep -vE '^127\.0\.0\.1 [0-9]+ unset$' "$OUT/echo-env" | head -3 | tr '\n' '|')"
ok_storm=0
for f in "$OUT"/storm-*; do
        [ -f "$f" ] || continue
        n=${f##*/storm-}
        has "$f" "storm-$n" && ok_storm=$((ok_storm + 1))
done
[ $ok_storm -eq 50 ] || wt_fail "$ok_storm of 50 storm connections were echoed"
fds=$(grep '^weft-fds' "$OUT/driver" 2>/dev/null)
if [ -z "$fds" ]; then
        wt_fail "the driver did not count weft's fds"
else
        b=${fds#*before=}; b=${b%% *}; a=${fds##*after=}
        [ "$a" -le $((b + 2)) ] ||
                wt_fail "weft's fds grew from $b to $a after 50 Accept=yes connections (leak)"
        # 11 listening fds, the notify socket, the stored memfd and about 17 of
        # weft's own (stdio and the spare /dev/null, the control socket, the
        # io and bus threads' epoll and eventfds, the clock-change timerfd,
        # the /etc inotify of timers, the mount, swap and device watches):
        # the 160 fds sent without FDSTORE=1 must all be closed.
        [ "$a" -le 32 ] || wt_fail "weft holds $a fds at the end, want at most 32 (see $OUT/weft-fds with KEEP=1)"
fi

# ---- notify ------------------------------------------------------------------
if [ -f "$OUT/after-notify" ] && [ -f "$OUT/notify-sh-ready" ]; then
        [ "$(cat "$OUT/after-notify")" -gt "$(cat "$OUT/notify-sh-ready")" ] ||
                wt_fail "after-notify.service started before notify-sh.service sent READY=1"
else
        wt_fail "notify-sh.service or after-notify.service did not run"
fi
has "$OUT/notify-sh-rc" 0 || wt_fail "systemd-notify --ready (waiting for the barrier) returned '$(cat "$OUT/notify-sh-rc" 2>/dev/null)', want 0"
if [ -f "$OUT/after-nb" ] && [ -f "$OUT/notify-nb-ready" ]; then
        [ "$(cat "$OUT/after-nb")" -gt "$(cat "$OUT/notify-nb-ready")" ] ||
                wt_fail "after-nb.service started before notify-nb.service sent READY=1"
else
        wt_fail "notify-nb.service (systemd-notify --no-block) or after-nb.service did not run"
fi

if [ -f "$OUT/after-pid" ] && [ -f "$OUT/notify-pid-ready" ]; then
        [ "$(cat "$OUT/after-pid")" -gt "$(cat "$OUT/notify-pid-ready")" ] ||
                wt_fail "after-pid.service started before notify-pid.service's systemd-notify --pid=self --ready ran"
else
        wt_fail "notify-pid.service (systemd-notify --pid=self --ready) never became ready, or after-pid.service did not run"
fi
# The new main pid (systemd-notify) is not weft's child and is gone long
# before the shutdown; the shell it came from still runs. systemd stops such
# a unit at once (it kills the unit's processes and waits for the cgroup to
# empty); weft must not wait out TimeoutStopSec=3s for a pid it cannot reap.
if grep -q "notify-pid\.service: State 'stop-sigterm' timed out" "$WT_LOG"; then
        wt_fail "stopping notify-pid.service (MAINPID= a non-child that already exited) timed out: $(grep 'notify-pid\.service: \(State\|Failed\|Processes\)' "$WT_LOG" | tr '\n' '|')"
fi
npid=$(cat "$OUT/notify-pid-self" 2>/dev/null)
grep -q "notify-pid\.service: main pid is now ${npid:-none}\$" "$WT_LOG" ||
        wt_fail "no 'notify-pid.service: main pid is now ${npid:-?}' log line: MAINPID= from systemd-notify --pid=self not applied ($(grep 'notify-pid.service: main pid' "$WT_LOG" | head -2 | tr '\n' '|'))"

has "$OUT/fdstore" 'first fdstore r=1' || wt_fail "sd_pid_notify_with_fds(FDSTORE=1) did not send: $(tr '\n' '|' <"$OUT/fdstore" 2>/dev/null)"
has "$OUT/fdstore" 'first barrier r=1' || wt_fail "sd_notify_barrier after FDSTORE=1 did not succeed: $(tr '\n' '|' <"$OUT/fdstore" 2>/dev/null)"
has "$OUT/fdstore" 'restart n=1' || wt_fail "after the restart, fdstore.service got '$(grep '^restart' "$OUT/fdstore" 2>/dev/null)', want 'restart n=1'"
has "$OUT/fdstore" 'stored name=marker content=weft-fdstore-marker' ||
        wt_fail "the stored fd did not come back named 'marker' with its content: '$(grep '^stored' "$OUT/fdstore" 2>/dev/null)'"

has "$OUT/barrier" 'barrier r=1' || wt_fail "sd_notify_barrier(): '$(grep '^barrier' "$OUT/barrier" 2>/dev/null)', want 'barrier r=1'"
has "$OUT/barrier" 'ready r=1' || wt_fail "sd_notify(READY=1) in barrier.service did not send"

if [ -f "$OUT/after-malformed" ] && [ -f "$OUT/malformed-sent" ]; then
        [ "$(cat "$OUT/after-malformed")" -gt "$(cat "$OUT/malformed-sent")" ] ||
                wt_fail "after-malformed.service started before the valid READY=1: a malformed datagram made malformed.service ready"
else
        wt_fail "malformed.service never became ready, or after-malformed.service did not run"
fi
[ -f "$OUT/after-all" ] ||
        wt_fail "READY=1 from a child of notify-all.service's main process (NotifyAccess=all) was dropped: after-all.service did not run"
n_drop=$(grep -c 'notify: dropping datagram' "$WT_LOG")
[ "$n_drop" -ge 3 ] || wt_fail "only $n_drop 'notify: dropping datagram' log lines for 7 malformed datagrams"
grep -q 'dropping datagram.*over 4096' "$WT_LOG" || wt_fail "no log line names the oversized datagram"

[ "$WT_FAILED" = 0 ] || echo "$WT_NAME: driver: $(tr '\n' '|' <"$OUT/driver" 2>/dev/null)"
wt_finish "LISTEN_FDS per libsystemd (unix stream/dgram/seqpacket, FIFO, TCP+UDP v4$([ $HAVE_V6 = 1 ] && echo ' and v6'), several units), MAINPID via --pid=self, Accept=yes x53 without fd growth, READY/BARRIER/FDSTORE round trip, malformed datagrams dropped, exit 0"
