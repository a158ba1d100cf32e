#!/bin/bash
# What systemctl status, show, list-sockets and list-dependencies read from
# PID 1 (systemd 252's systemctl, on weft's private bus, as root in weft's
# namespace): the Unit interface and the unit type's own (Service, Socket,
# Timer), all of them for GetAll with an empty interface name:
#  - list-sockets lists each address of a socket with what it activates,
#    and --all copes with a socket that has no file (named by Wants=);
#  - status of a socket shows its Listen: lines, and for Accept=yes its
#    Accepted:/Connected: counts; show -p Listen and busctl's a(ss) agree;
#  - status of a timer shows when it next elapses (Trigger:);
#  - list-dependencies --reverse follows WantedBy=;
#  - status of a failed service says its Result, of a unit without a file
#    that it could not be found (exit 4);
#  - status PID finds the unit of a main process and of its child (by
#    process group), and says so for a process of no unit;
#  - MainPID and Result are on the Service interface, as scripts ask busctl
#    for them;
#  - status shows Documentation= as Docs: lines;
#  - weftctl status shows the same Listen: and Docs: lines;
#  - a unit skipped by a Condition*= shows "Condition: start condition
#    failed at ..." and the condition not met, one whose Assert*= failed
#    the Assert: lines, in both; once the condition holds and the unit
#    starts, the lines are gone.
# Skips without systemctl/busctl/python3. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init systemctl-status
for t in busctl systemctl python3; do
        command -v "$t" >/dev/null || { echo "$WT_NAME: no $t, skipping"; exit 0; }
done
SOCK=/run/systemd/private
wt_unit test.target <<EOF
[Unit]
DefaultDependencies=no
Wants=echo.socket acc.socket tick.timer sleeper.service forker.service ghost.socket skipped.service asserted.service
EOF
# gate.service makes the file skipped.service's condition says must not be there.
wt_unit gate.service <<EOF
[Unit]
DefaultDependencies=no
Before=skipped.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/touch /run/skip-gate
EOF
wt_unit skipped.service <<EOF
[Unit]
DefaultDependencies=no
Wants=gate.service
ConditionPathExists=!/run/skip-gate
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/true
EOF
wt_unit asserted.service <<EOF
[Unit]
DefaultDependencies=no
AssertPathExists=/run/no-such-file
[Service]
ExecStart=/bin/sleep 300
EOF
wt_unit echo.socket <<EOF
[Unit]
DefaultDependencies=no
[Socket]
ListenStream=/run/echo.stream
ListenDatagram=/run/echo.dgram
EOF
wt_unit echo.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sleep 300
EOF
wt_unit acc.socket <<EOF
[Unit]
DefaultDependencies=no
[Socket]
ListenStream=/run/acc.stream
Accept=yes
EOF
wt_unit acc@.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
StandardInput=socket
ExecStart=/bin/cat
EOF
wt_unit tick.timer <<EOF
[Unit]
DefaultDependencies=no
[Timer]
OnActiveSec=1h
EOF
wt_unit tick.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/true
EOF
wt_unit sleeper.service <<EOF
[Unit]
DefaultDependencies=no
Documentation=man:sleep(1) https://example.org/sleeper
[Service]
ExecStart=/bin/sleep 300
EOF
wt_unit forker.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sh -c 'sleep 300 & wait'
EOF
wt_unit failer.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
ExecStart=/bin/false
EOF
wt_start --target test.target --private-bus "$SOCK"
wt_wait_state sleeper.service active 10
wt_wait_state acc.socket active 10
sctl() { wt_systemctl "$@"; }
has() { # WHAT TEXT LINE-REGEX: TEXT has a line matching LINE-REGEX
        grep -qE "$3" <<<"$2" || wt_fail "$1: no line like '$3' in: $2"
}

out=$(sctl list-sockets) || wt_fail "list-sockets failed: $out"
has list-sockets "$out" '^/run/echo\.dgram +echo\.socket +echo\.service$'
has list-sockets "$out" '^/run/echo\.stream +echo\.socket +echo\.service$'
# Accept=yes: what it activates are the instances, none yet (as systemd).
has list-sockets "$out" '^/run/acc\.stream +acc\.socket +-$'
out=$(sctl list-sockets --all) || wt_fail "list-sockets --all (with ghost.socket, not found) failed: $out"

# One connection to the Accept=yes socket, held open by its cat.
wt_ns timeout 20 python3 -c 'import socket, time
s = socket.socket(socket.AF_UNIX); s.connect("/run/acc.stream"); time.sleep(10)' &
conn=$!
connected() { [ "$(wt_ctl show acc.socket -P NConnections)" = 1 ]; }
wt_until 10 connected || wt_fail "acc.socket counted no connection"
out=$(sctl status acc.socket)
has "status acc.socket" "$out" '^ +Listen: /run/acc\.stream \(Stream\)$'
has "status acc.socket" "$out" '^ +Accepted: 1; Connected: 1;$'
kill "$conn" 2>/dev/null
wait "$conn" 2>/dev/null

out=$(sctl status echo.socket)
has "status echo.socket" "$out" '^ +Listen: /run/echo\.stream \(Stream\)$'
has "status echo.socket" "$out" '^ +/run/echo\.dgram \(Datagram\)$'
case $out in *Accepted:*) wt_fail "status of an Accept=no socket counts connections: $out" ;; esac
out=$(sctl show -p Listen echo.socket)
[ "$out" = "Listen=/run/echo.stream (Stream)
Listen=/run/echo.dgram (Datagram)" ] || wt_fail "show -p Listen echo.socket: $out"
bus() { timeout 10 nsenter -t "$WEFT_PID" -p -m -- busctl --address="unix:path=$SOCK" "$@" 2>&1; }
OBJ=/org/freedesktop/systemd1/unit
out=$(bus get-property org.freedesktop.systemd1 $OBJ/echo_2esocket org.freedesktop.systemd1.Socket Listen)
[ "$out" = 'a(ss) 2 "Stream" "/run/echo.stream" "Datagram" "/run/echo.dgram"' ] || wt_fail "busctl Socket.Listen: $out"
out=$(bus get-property org.freedesktop.systemd1 $OBJ/echo_2esocket org.freedesktop.systemd1.Timer Unit) &&
        wt_fail "a socket served the Timer interface: $out"

out=$(sctl status tick.timer)
has "status tick.timer" "$out" '^ +Trigger: [A-Z][a-z]{2} [0-9]{4}-[0-9]{2}-[0-9]{2} .*(left)$'

out=$(sctl list-dependencies --reverse sleeper.service)
has "list-dependencies --reverse" "$out" 'test\.target$'

out=$(sctl start failer.service) && wt_fail "systemctl start failer.service succeeded"
out=$(sctl status failer.service)
has "status failer.service" "$out" '^ +Active: failed \(Result: exit-code\)'

out=$(bus get-property org.freedesktop.systemd1 $OBJ/failer_2eservice org.freedesktop.systemd1.Service Result)
[ "$out" = 's "exit-code"' ] || wt_fail "busctl Service.Result: $out"
out=$(bus get-property org.freedesktop.systemd1 $OBJ/failer_2eservice org.freedesktop.systemd1.Unit Result) &&
        wt_fail "Result on the Unit interface (systemd has it on the type's): $out"

for who in systemctl weftctl; do
        if [ $who = systemctl ]; then out=$(sctl status sleeper.service); else out=$(wt_ctl status sleeper.service 2>&1); fi
        has "$who status sleeper.service" "$out" '^ +Docs: man:sleep\(1\)$'
        has "$who status sleeper.service" "$out" '^ +https://example\.org/sleeper$'
done

want='Documentation="man:sleep(1)" https://example.org/sleeper' # quoted where a shell needs it
[ "$(sctl show -p Documentation sleeper.service)" = "$want" ] ||
        wt_fail "systemctl show -p Documentation: $(sctl show -p Documentation sleeper.service)"
[ "$(wt_ctl show -p Documentation sleeper.service)" = "$want" ] ||
        wt_fail "weftctl show -p Documentation: $(wt_ctl show -p Documentation sleeper.service)"

pid=$(wt_ctl show sleeper.service -P MainPID)
out=$(bus get-property org.freedesktop.systemd1 $OBJ/sleeper_2eservice org.freedesktop.systemd1.Service MainPID)
[ "$out" = "u $pid" ] || wt_fail "busctl Service.MainPID: '$out', want 'u $pid'"

# status PID: a main process, a child of one (its process group), weft
# itself (init.scope, as systemd's PID 1) and a process of no unit; the
# same with weftctl, in the namespace whose PIDs weft knows.
wt_wait_state forker.service active 10
fpid=$(wt_ctl show forker.service -P MainPID)
child() { child=$(wt_ns cat "/proc/$fpid/task/$fpid/children" 2>/dev/null) && [ -n "${child// /}" ]; }
wt_until 10 child || wt_fail "forker.service's main process $fpid has no child"
child=${child%% *}
# A process of no unit: entered into the namespace from outside.
wt_ns sh -c 'echo $$ >"$0"; exec sleep 30' "$TMP/stray.pid" &
stray=$!
wt_until 10 test -s "$TMP/stray.pid" || wt_fail "no stray process"
strayns=$(cat "$TMP/stray.pid" 2>/dev/null)
for who in systemctl weftctl; do
        st() { if [ $who = systemctl ]; then sctl status "$@"; else wt_ns "$WEFTCTL" --runtime-dir "$RUN" status "$@" 2>&1; fi; }
        out=$(st "$pid")
        has "$who status $pid (sleeper's main PID)" "$out" '^● sleeper\.service'
        out=$(st "$child")
        has "$who status $child (a child of forker's main process)" "$out" '^● forker\.service'
        # weft has init.scope as PID 1 of a system (VM, container) only.
        out=$(st 1)
        if wt_ctl list-units --all --plain --no-legend 2>/dev/null | grep -q '^init\.scope '; then
                has "$who status 1 (weft)" "$out" '^● init\.scope'
        else
                has "$who status 1 (weft, no init.scope)" "$out" 'PID 1 does not belong to any loaded unit'
        fi
        if [ -n "$strayns" ]; then
                out=$(st "$strayns")
                has "$who status $strayns (of no unit)" "$out" "PID $strayns does not belong to any loaded unit"
        fi
done
kill "$stray" 2>/dev/null
wait "$stray" 2>/dev/null

# Conditions and assertions that failed, as systemctl 252 prints them
# (a branch before a condition, none before an assertion).
for who in systemctl weftctl; do
        if [ $who = systemctl ]; then st() { sctl status "$@"; }; else st() { wt_ctl status "$@" 2>&1; }; fi
        out=$(st skipped.service)
        has "$who status skipped.service" "$out" '^  Condition: start condition failed at [A-Z][a-z]{2} [0-9]{4}-.*ago$'
        has "$who status skipped.service" "$out" '^ {13}└─ ConditionPathExists=!/run/skip-gate was not met$'
        out=$(st asserted.service)
        has "$who status asserted.service" "$out" '^     Assert: start assertion failed at [A-Z][a-z]{2} [0-9]{4}-.*ago$'
        has "$who status asserted.service" "$out" '^ {13}AssertPathExists=/run/no-such-file was not met$'
done
out=$(bus get-property org.freedesktop.systemd1 $OBJ/skipped_2eservice org.freedesktop.systemd1.Unit Conditions)
[ "$out" = 'a(sbbsi) 1 "ConditionPathExists" false true "/run/skip-gate" -1' ] || wt_fail "busctl Unit.Conditions: $out"
# The condition holds now: the unit starts, and nothing failed is shown.
wt_ns rm -f /run/skip-gate
out=$(sctl start skipped.service) || wt_fail "systemctl start skipped.service: $out"
[ "$(sctl is-active skipped.service)" = active ] || wt_fail "skipped.service is $(sctl is-active skipped.service)"
for who in systemctl weftctl; do
        if [ $who = systemctl ]; then out=$(sctl status skipped.service); else out=$(wt_ctl status skipped.service 2>&1); fi
        case $out in *Condition:*) wt_fail "$who status skipped.service still shows a failed condition: $out" ;; esac
done

out=$(sctl status ghost.socket)
rc=$?
[ "$rc" = 4 ] || wt_fail "status ghost.socket exited $rc, want 4: $out"
has "status ghost.socket" "$out" 'could not be found'

out=$(wt_ctl status echo.socket 2>&1)
has "weftctl status echo.socket" "$out" '^ +Listen: /run/echo\.stream \(Stream\)$'
has "weftctl status echo.socket" "$out" '^ +/run/echo\.dgram \(Datagram\)$'

wt_assert_answers
wt_stop
wt_assert_exit
wt_finish "list-sockets, status of sockets, timers and failed services, show -p Listen and list-dependencies --reverse answered as systemd's"
