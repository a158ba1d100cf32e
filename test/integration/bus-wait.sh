#!/bin/bash
# The clients that wait for a unit to end, against weft on a real
# dbus-daemon --system (test/lib/dbus.sh): they need the system bus, and
# weft must send PropertiesChanged, serve the Unit's Job property and hold
# a unit a client references.
#  - systemd-run --wait CMD: exits with the command's status and prints
#    systemd's result lines (exit-code, status=3); for a command that
#    succeeds, "Finished with result: success" and its runtime (the unit
#    is held, AddRef, so it is not collected before systemd-run reads it),
#    and once systemd-run has gone the unit is collected, its file removed;
#  - systemctl start --wait: returns once the service has ended (not when
#    it started), with the status of how it ended;
#  - systemd-run --pipe and -P: the command reads systemd-run's stdin and
#    writes to its stdout and stderr (fds passed over the bus, whatever
#    StandardOutput= the unit has by default), and the exit status comes
#    back; --pty: the command runs on a pseudo-terminal systemd-run opened
#    (TTYPath=), its controlling terminal;
#  - Unit.Unref without a Ref is refused (NotReferenced); Ref and Unref
#    from clients hold a unit until they leave, an alias's holder and the
#    unit's own counted apart; Ref from a non-root caller is refused.
# KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
. "$(dirname "$0")/../lib/dbus.sh"
wt_init bus-wait
wt_need systemd-run systemctl
wt_dbus_setup org.weft.Unused
DIR=/run/systemd/transient

wt_unit test.target <<EOF
[Unit]
Wants=dbus.service
EOF
wt_unit sleeper.service <<EOF
[Service]
ExecStart=/bin/sleep 1
EOF
wt_unit failing.service <<EOF
[Service]
ExecStart=/bin/sh -c 'sleep 0.2; exit 7'
EOF
wt_unit idle.service <<EOF
[Service]
Type=oneshot
ExecStart=/bin/true
EOF
ln -s idle.service "$U/idle-alias.service"
wt_start --target test.target --transient-dir "$DIR" || wt_finish ""
wt_wait_state dbus.service active 15
# weft has the name once it answers on the system bus.
has_name() { wt_ns timeout 5 busctl --system status org.freedesktop.systemd1 >/dev/null 2>&1; }
wt_until 15 has_name || wt_finish "weft never took org.freedesktop.systemd1"

srun() { wt_ns timeout 20 systemd-run "$@" 2>&1; }
bus() { wt_ns timeout 10 busctl --system "$@" 2>&1; }
UNIT_PATH=/org/freedesktop/systemd1/unit
M="org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager"

# 1. systemd-run --wait: the command's status, and systemd's report of it.
out=$(srun --wait --unit=three /bin/sh -c 'sleep 0.5; exit 3'); rc=$?
[ "$rc" = 3 ] || wt_fail "systemd-run --wait (exit 3) returned $rc: $out"
case $out in *"Finished with result: exit-code"*"code=exited/status=3"*) ;;
*) wt_fail "systemd-run --wait (exit 3) said: $out" ;; esac

out=$(srun --wait --unit=ok /bin/sh -c 'sleep 0.3'); rc=$?
[ "$rc" = 0 ] || wt_fail "systemd-run --wait (success) returned $rc: $out"
# The runtime line needs the unit's timestamps after it ended: AddRef kept
# it from being collected (and read back fresh) before systemd-run asked.
case $out in *"Finished with result: success"*"Service runtime: "*) ;;
*) wt_fail "systemd-run --wait (success) said: $out" ;; esac
# The reference went with systemd-run: ok.service, inactive, is collected.
gone() { ! wt_ns test -e "$DIR/ok.service"; }
wt_until 10 gone || wt_fail "ok.service's file is still there after systemd-run --wait left"

# systemd-run --pipe (and -P, --pipe --wait): systemd-run's own fds.
out=$(echo hello | wt_ns timeout 20 systemd-run --pipe --wait --collect -q /bin/sh -c \
        'read x; echo "got $x"; echo err >&2; exit 5' 2>"$TMP/pipe.err"); rc=$?
[ "$rc" = 5 ] || wt_fail "systemd-run --pipe --wait (exit 5) returned $rc: $out $(cat "$TMP/pipe.err")"
[ "$out" = "got hello" ] || wt_fail "systemd-run --pipe: stdout [$out]"
[ "$(cat "$TMP/pipe.err")" = err ] || wt_fail "systemd-run --pipe: stderr [$(cat "$TMP/pipe.err")]"
out=$(echo abc | wt_ns timeout 20 systemd-run -P -q tr a-z A-Z 2>&1) || wt_fail "systemd-run -P tr failed: $out"
[ "$out" = ABC ] || wt_fail "systemd-run -P tr: [$out]"
# --pty: script(1) gives systemd-run a terminal to forward.
if command -v script >/dev/null 2>&1; then
        out=$(wt_ns timeout 20 script -qec "systemd-run --pty -q /usr/bin/tty" /dev/null </dev/null 2>&1 | tr -d '\r')
        case $out in */dev/pts/[0-9]*) ;; *) wt_fail "systemd-run --pty tty said: $out" ;; esac
        # ... which is its controlling terminal (tty_nr, field 7 of
        # /proc/PID/stat, is not 0), as systemd makes it: job control, ^C.
        out=$(wt_ns timeout 20 script -qec "systemd-run --pty -q /bin/sh -c 'set -- \$(cat /proc/\$\$/stat); echo ctty=\$7'" \
                /dev/null </dev/null 2>&1 | tr -d '\r')
        case $out in *ctty=[1-9]*) ;; *) wt_fail "systemd-run --pty: no controlling terminal: $out" ;; esac
fi

# 2. systemctl start --wait returns when the service has ended.
t0=$(date +%s%N)
out=$(wt_ns timeout 20 systemctl start --wait sleeper.service 2>&1); rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$rc" = 0 ] || wt_fail "systemctl start --wait sleeper.service returned $rc: $out"
[ "$ms" -ge 900 ] || wt_fail "systemctl start --wait sleeper.service returned after $ms ms, before sleep 1 ended"
st=$(wt_ctl show sleeper.service -P ActiveState 2>&1)
[ "$st" = inactive ] || wt_fail "sleeper.service is $st after systemctl start --wait returned"
echo "$WT_NAME: systemctl start --wait sleeper.service returned after $ms ms"
out=$(wt_ns timeout 20 systemctl start --wait failing.service 2>&1) &&
        wt_fail "systemctl start --wait failing.service succeeded: $out"

# 3. Ref and Unref.
out=$(bus call org.freedesktop.systemd1 $UNIT_PATH/idle_2eservice org.freedesktop.systemd1.Unit Unref)
case $out in *"not been referenced"*) ;; *) wt_fail "Unref without Ref said: $out" ;; esac
out=$(wt_ns timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups busctl --system call \
        org.freedesktop.systemd1 $UNIT_PATH/idle_2eservice org.freedesktop.systemd1.Unit Ref 2>&1) &&
        wt_fail "Ref as nobody succeeded: $out"
# Two clients (test/tools/bus_svc.c --ref) hold idle.service, one through
# its alias idle-alias.service for 2 s, one by its name for 5 s: started
# and done (inactive), it stays loaded while either holds it, and is
# collected once both have gone.
wt_ns timeout 20 "$SVC" --ref $UNIT_PATH/idle_2dalias_2eservice 2 >"$TMP/held1" 2>&1 &
holder1=$!
wt_ns timeout 20 "$SVC" --ref $UNIT_PATH/idle_2eservice 5 >"$TMP/held2" 2>&1 &
holder2=$!
wt_until 10 test -s "$TMP/held1" -a -s "$TMP/held2" || wt_fail "the holders did not start: $(cat "$TMP/held1" "$TMP/held2")"
wt_ctl start idle.service >/dev/null 2>&1 || wt_fail "weftctl start idle.service failed"
# (list-units --all leaves out collected units; show would load it again.)
listed() { wt_ctl list-units --all 2>/dev/null | grep -q 'idle\.service'; }
sleep 0.5
listed || wt_fail "idle.service, done but held twice, was collected"
wait "$holder1"
sleep 0.5
listed || wt_fail "idle.service, still held by its own name, was collected when the alias's holder left"
wait "$holder2"
collected() { ! listed; }
wt_until 10 collected || wt_fail "idle.service stayed loaded after its holders left: $(wt_ctl list-units --all | grep idle)"

wt_assert_answers
wt_stop
wt_assert_exit 0
wt_finish "systemd-run --wait and systemctl start --wait wait for the unit's end"
