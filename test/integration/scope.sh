#!/bin/bash
# Transient scopes (systemd-run --scope, and logind's session scopes),
# with systemd's own systemd-run, systemctl and busctl on the private bus:
#  - systemd-run --scope runs its command in a scope named for it, whose
#    $INVOCATION_ID is the scope's InvocationID; the scope is collected
#    (its transient file removed) once the command exits, and after a
#    daemon-reload its name can be used again;
#  - while the command runs the scope is active, systemctl status PID
#    names it, and it survives a daemon-reload and still ends with its
#    process; weftctl stop sends the process SIGTERM and the scope ends;
#  - the properties logind sends for a session scope are taken, and its
#    Abandon leaves the scope running (abandoned) until its process ends;
#    with SendSIGHUP=yes a stop ends a shell that ignores SIGTERM at once;
#  - a PID that does not exist, PIDs for a service and ExecStart for a
#    scope are refused.
# Skips without systemd-run/systemctl/busctl. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init scope
wt_need systemd-run systemctl busctl

SOCK=/run/systemd/private
T=$((10 * ${WT_TIME_SCALE:-1})) # a bound for what must happen, not a timing
DIR=$TMP/transient
wt_unit t.target <<EOF
[Unit]
DefaultDependencies=no
EOF
for t in sysinit basic shutdown; do
        wt_unit $t.target <<EOF
[Unit]
DefaultDependencies=no
EOF
done
wt_start --target t.target --private-bus "$SOCK" --transient-dir "$DIR"
run() { wt_ns timeout 30 env SYSTEMD_COLORS=0 systemd-run "$@" 2>&1; }
bus() { wt_ns timeout 20 busctl --address="unix:path=$SOCK" "$@" 2>&1; }
sd1=org.freedesktop.systemd1
not_active() { [ "$(wt_ctl show "$1" -P ActiveState 2>/dev/null)" != active ]; }

# A command that ends by itself.
out=$(run --scope --unit=one -p Description="scope one" sh -c 'echo "inv=$INVOCATION_ID"; echo "ok"') ||
        wt_fail "systemd-run --scope failed: $out"
case $out in *"Running scope as unit: one.scope"*ok*) ;; *) wt_fail "systemd-run --scope said: $out" ;; esac
inv=$(printf '%s\n' "$out" | sed -n 's/^inv=//p')
[ ${#inv} = 32 ] || wt_fail "the scope's command got INVOCATION_ID '$inv'"
wt_until "$T" test ! -e "$DIR/one.scope" || wt_fail "one.scope's transient file outlived its command"
out=$(wt_ctl list-units --all --no-legend)
case $out in *one.scope*) wt_fail "one.scope was not collected: $out" ;; esac
# A daemon-reload leaves collected units behind: the name is free again.
wt_ctl daemon-reload || wt_fail "daemon-reload after one.scope was collected"
out=$(run --scope --unit=one true) || wt_fail "systemd-run --scope --unit=one again, after a daemon-reload: $out"

# A command that runs until stopped.
run --scope --unit=two sh -c "echo \$\$ > $TMP/two.pid; echo \"\$INVOCATION_ID\" > $TMP/two.inv; exec sleep 120" \
        >"$TMP/two.out" 2>&1 &
runner=$!
wt_until "$T" test -s "$TMP/two.inv" || wt_fail "the second scope's command did not run: $(cat "$TMP/two.out")"
wt_wait_state two.scope active
[ "$(wt_ctl show two.scope -P InvocationID)" = "$(cat "$TMP/two.inv")" ] ||
        wt_fail "InvocationID $(wt_ctl show two.scope -P InvocationID), the command got $(cat "$TMP/two.inv")"
out=$(wt_systemctl status "$(cat "$TMP/two.pid")")
case $out in *"two.scope"*"active (running)"*) ;; *) wt_fail "systemctl status PID: $out" ;; esac
wt_ctl daemon-reload || wt_fail "daemon-reload with a scope running"
[ "$(wt_ctl show two.scope -P ActiveState)" = active ] || wt_fail "two.scope is not active after daemon-reload"
wt_ctl stop two.scope || wt_fail "stop two.scope failed"
wait "$runner"
rc=$?
[ $rc = 143 ] || wt_fail "the scope's command exited $rc after stop, want 143 (SIGTERM): $(cat "$TMP/two.out")"
[ "$(wt_ctl show two.scope -P ActiveState 2>/dev/null)" != active ] || wt_fail "two.scope is still active"

# The process ends by itself after a daemon-reload: the scope ends too.
run --scope --unit=three sh -c "while [ ! -e $TMP/three.go ]; do sleep 0.1; done" >"$TMP/three.out" 2>&1 &
runner=$!
# Not asked before its file is there: a name weft looked up and did not
# find stays taken (weft loads a unit once).
wt_until "$T" test -e "$DIR/three.scope" || wt_fail "three.scope was not written: $(cat "$TMP/three.out")"
wt_wait_state three.scope active
wt_ctl daemon-reload || wt_fail "daemon-reload with three.scope running"
touch "$TMP/three.go"
wait "$runner" || wt_fail "three's command failed: $(cat "$TMP/three.out")"
wt_until "$T" test ! -e "$DIR/three.scope" || wt_fail "three.scope did not end with its process after a daemon-reload"

# What logind sends for a session scope (systemd 252), for a process in
# weft's namespace (an orphan: weft reaps it).
nspid=$(wt_ns sh -c 'sleep 60 </dev/null >/dev/null 2>&1 & echo $!')
out=$(bus call $sd1 /org/freedesktop/systemd1 $sd1.Manager StartTransientUnit 'ssa(sv)a(sa(sv))' \
        session-9.scope fail 8 Slice s user-0.slice Description s "Session 9 of User root" \
        Wants as 1 user-runtime-dir@0.service After as 2 systemd-logind.service user-runtime-dir@0.service \
        OOMPolicy s continue SendSIGHUP b true PIDs au 1 "$nspid" TasksMax t 18446744073709551615 0)
case $out in "o \"/org/freedesktop/systemd1/job/"*) ;; *) wt_fail "a session scope was refused: $out" ;; esac
wt_wait_state session-9.scope active
# When the session ends, logind abandons its scope: it runs on, abandoned.
bus call $sd1 /org/freedesktop/systemd1/unit/session_2d9_2escope $sd1.Scope Abandon >/dev/null ||
        wt_fail "Abandon of session-9.scope failed"
[ "$(wt_ctl show session-9.scope -P SubState)" = abandoned ] ||
        wt_fail "session-9.scope after Abandon: $(wt_ctl show session-9.scope -P SubState)"
wt_ns kill "$nspid"
wt_until "$T" not_active session-9.scope ||
        wt_fail "session-9.scope outlived its process"

# SendSIGHUP=yes, as logind asks for a session: a shell that ignores
# SIGTERM still ends at once when its scope stops (not after 90 s).
nspid=$(wt_ns sh -c 'sh -c "trap \"\" TERM; trap \"exit 3\" HUP; while :; do sleep 0.2; done" </dev/null >/dev/null 2>&1 & echo $!')
out=$(bus call $sd1 /org/freedesktop/systemd1 $sd1.Manager StartTransientUnit 'ssa(sv)a(sa(sv))' \
        hup.scope fail 2 SendSIGHUP b true PIDs au 1 "$nspid" 0)
case $out in "o \"/org/freedesktop/systemd1/job/"*) ;; *) wt_fail "hup.scope was refused: $out" ;; esac
wt_wait_state hup.scope active
timeout 20 "$WEFTCTL" --runtime-dir "$RUN" stop hup.scope || wt_fail "stop of hup.scope did not end in 20 s (no SIGHUP?)"
wt_until "$T" not_active hup.scope || wt_fail "hup.scope outlived its stop"

# Refusals.
out=$(bus call $sd1 /org/freedesktop/systemd1 $sd1.Manager StartTransientUnit 'ssa(sv)a(sa(sv))' \
        gone.scope fail 1 PIDs au 1 999999 0) && wt_fail "a scope of a PID that is not there started: $out"
case $out in *"a process does not exist"*) ;; *) wt_fail "a scope of no process: $out" ;; esac
# unit/self is the caller's unit for reading only: a Ref there names no unit.
out=$(bus call $sd1 /org/freedesktop/systemd1/unit/self $sd1.Unit Ref) && wt_fail "Ref of unit/self answered: $out"
case $out in *"Invalid unit name"*) ;; *) wt_fail "Ref of unit/self: $out" ;; esac
out=$(bus call $sd1 /org/freedesktop/systemd1/unit/t_2etarget $sd1.Scope Abandon) &&
        wt_fail "Abandon of a target succeeded"
case $out in *"not running, cannot abandon"*) ;; *) wt_fail "Abandon of a target: $out" ;; esac
out=$(bus call $sd1 /org/freedesktop/systemd1 $sd1.Manager StartTransientUnit 'ssa(sv)a(sa(sv))' \
        svc.service fail 2 PIDs au 1 1 ExecStart 'a(sasb)' 1 /bin/true 1 /bin/true false 0) &&
        wt_fail "PIDs for a service were taken: $out"
case $out in *"Cannot set property PIDs"*) ;; *) wt_fail "PIDs for a service: $out" ;; esac
out=$(bus call $sd1 /org/freedesktop/systemd1 $sd1.Manager StartTransientUnit 'ssa(sv)a(sa(sv))' \
        four.scope fail 1 ExecStart 'a(sasb)' 1 /bin/true 1 /bin/true false 0) &&
        wt_fail "ExecStart for a scope was taken: $out"
case $out in *"Cannot set property ExecStart"*) ;; *) wt_fail "ExecStart for a scope: $out" ;; esac

wt_assert_answers
wt_stop
wt_finish "PASS (systemd-run --scope runs, ends, stops and survives daemon-reload; logind's session scope taken; bad PIDs refused)"
