#!/bin/bash
# Type=dbus, bus activation and the Manager subset against a real
# dbus-daemon --system, which weft starts from Debian's own dbus.socket and
# dbus.service (copied unchanged into the test's unit directory), and a
# test service of our own on sd-bus (test/tools/bus_svc.c):
#  - delayed.service (Type=dbus) takes its name 700 ms after it starts;
#    after-delayed.service (After= it) starts only once the name is owned:
#    its GetNameOwner succeeds, and the timestamps say so;
#  - never.service never takes its name: its start times out (2 s);
#  - drop.service drops its name while running: the unit stops;
#  - delayed.service restarted: active again, name owned again;
#  - polkit.service (Debian's, Type=dbus, unchanged) is bus-activated by a
#    call to org.freedesktop.PolicyKit1 and becomes active with its name;
#  - bus activation: a call to org.weft.Act, whose D-Bus service file says
#    SystemdService=act.service, makes weft start act.service and the call
#    succeeds; for org.weft.Missing (no such unit) the client gets an error
#    within a second;
#  - org.freedesktop.systemd1: Version, UserspaceTimestamp, GetUnit (which
#    loads nothing) and LoadUnit, a unit's ActiveState/SubState,
#    StartUnit/StopUnit (root only) with JobRemoved, systemctl start, stop
#    and is-active over the bus, and a clean error for a method weft does
#    not have;
#  - dbus.service restarted: weft reconnects and answers on the bus again.
# test/lib/dbus.sh sets the bus up (and skips without it). KEEP=1 keeps
# the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
. "$(dirname "$0")/../lib/dbus.sh"
wt_init dbus
wt_dbus_setup org.weft.Delayed org.weft.Act org.weft.Missing
wt_dbus_activatable org.weft.Act act.service
wt_dbus_activatable org.weft.Missing missing.service

wt_unit test.target <<EOF
[Unit]
Wants=delayed.service after-delayed.service
EOF
wt_unit delayed.service <<EOF
[Service]
Type=dbus
BusName=org.weft.Delayed
ExecStart=$SVC org.weft.Delayed --delay 700
EOF
wt_unit after-delayed.service <<EOF
[Unit]
After=delayed.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/bin/dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetNameOwner string:org.weft.Delayed
EOF
wt_unit never.service <<EOF
[Service]
Type=dbus
BusName=org.weft.Never
ExecStart=$SVC org.weft.Never --never
TimeoutStartSec=2
EOF
wt_unit drop.service <<EOF
[Service]
Type=dbus
BusName=org.weft.Drop
ExecStart=$SVC org.weft.Drop --drop-after 500
EOF
wt_unit act.service <<EOF
[Service]
Type=dbus
BusName=org.weft.Act
ExecStart=$SVC org.weft.Act
EOF
wt_unit lazy.service <<EOF
[Service]
ExecStart=/bin/sleep 1000
EOF
# A real Type=dbus daemon from its Debian package, unchanged, that dbus-daemon
# activates through weft (its D-Bus service file says SystemdService=polkit.service).
POLKIT=
if [ -f /lib/systemd/system/polkit.service ] && [ -x /usr/lib/polkit-1/polkitd ] &&
        [ -f "$TMP/system-services/org.freedesktop.PolicyKit1.service" ]; then
        cp /lib/systemd/system/polkit.service "$U/"
        POLKIT=1
else
        echo "$WT_NAME: polkitd not installed, skipping its part"
fi
wt_unit nobus.service <<EOF
[Service]
Type=dbus
ExecStart=/bin/true
EOF

wt_start --target test.target || wt_finish ""

show() { wt_ctl show "$1" -P "$2" 2>/dev/null; }
bus() { wt_ns timeout 10 busctl --system "$@"; }

# 1. The name is what makes delayed.service started; its dependent waits.
wt_wait_state after-delayed.service active 15
wt_wait_state delayed.service active 1
d_start=$(show delayed.service InactiveExitTimestampMonotonic)
d_active=$(show delayed.service ActiveEnterTimestampMonotonic)
a_start=$(show after-delayed.service InactiveExitTimestampMonotonic)
if [ -n "$d_start" ] && [ -n "$d_active" ] && [ -n "$a_start" ]; then
        [ $((d_active - d_start)) -ge 600000 ] ||
                wt_fail "delayed.service became active $(((d_active - d_start) / 1000)) ms after it started, before its name"
        [ "$a_start" -ge "$d_active" ] ||
                wt_fail "after-delayed.service started before delayed.service was active"
        echo "$WT_NAME: name awaited $(((d_active - d_start) / 1000)) ms; dependent started $(((a_start - d_active) / 1000)) ms after"
else
        wt_fail "no timestamps: '$d_start' '$d_active' '$a_start'"
fi
grep -q 'string ":1\.' "$RUN/log/after-delayed.service.log" ||
        wt_fail "after-delayed.service did not see the name owned: $(cat "$RUN/log/after-delayed.service.log")"

# status names the bus name and whether it is owned; analyze blame says
# how long the name took.
st=$(wt_ctl status delayed.service 2>&1)
case $st in *"Bus name: org.weft.Delayed (owned)"*) ;; *) wt_fail "status does not show the owned bus name: $st" ;; esac
wt_until 10 test -s "$RUN/boot.yaml" || wt_fail "no boot record"
blame=$("$WEFTCTL" analyze --from "$RUN/boot.yaml" blame 2>&1)
# ~700 ms: the name is asked for 0.7 s after the exec that the boot record
# stamps when the worker reports it, a little after the fact.
case $blame in *"delayed.service (bus name after "[6-9][0-9][0-9]"ms)"*) ;; *) wt_fail "analyze blame does not show the wait for the name: $blame" ;; esac
echo "$WT_NAME: blame: $(echo "$blame" | grep delayed.service)"

# 2. A Type=dbus service without BusName= does not load (as systemd).
[ "$(show nobus.service LoadState)" = bad-setting ] ||
        wt_fail "nobus.service (Type=dbus, no BusName=) is $(show nobus.service LoadState), not bad-setting"

# 3. Never takes its name: the start times out.
t0=$(date +%s%N)
wt_ctl start never.service >/dev/null 2>&1 && wt_fail "starting never.service succeeded"
t1=$(date +%s%N)
[ "$(show never.service ActiveState)" = failed ] || wt_fail "never.service is $(show never.service ActiveState), not failed"
[ "$(show never.service Result)" = timeout ] || wt_fail "never.service's result is $(show never.service Result), not timeout"
[ $(((t1 - t0) / 1000000)) -ge 1800 ] || wt_fail "never.service failed after $(((t1 - t0) / 1000000)) ms, before its timeout"

# 4. Drops its name while running: the unit stops.
wt_ctl start drop.service >/dev/null 2>&1 || wt_fail "drop.service did not start"
wt_wait_state drop.service inactive 5
grep -q "bus name org.weft.Drop lost" "$WT_LOG" || wt_fail "weft did not say drop.service lost its name"

# 5. Restarted: active again, the name back.
wt_ctl restart delayed.service >/dev/null 2>&1 || wt_fail "restarting delayed.service failed"
[ "$(show delayed.service ActiveState)" = active ] || wt_fail "delayed.service is not active after restart"
wt_ns timeout 5 dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.GetNameOwner string:org.weft.Delayed >/dev/null 2>&1 ||
        wt_fail "org.weft.Delayed is not owned after the restart"

# 6. Bus activation through weft.
[ "$(show act.service ActiveState)" = inactive ] || wt_fail "act.service ran before it was asked for"
out=$(wt_ns timeout 10 dbus-send --system --print-reply --dest=org.weft.Act /org/weft/Test org.weft.Test.Ping 2>&1)
case $out in *pong*) ;; *) wt_fail "activating org.weft.Act: $out" ;; esac
[ "$(show act.service ActiveState)" = active ] || wt_fail "act.service is $(show act.service ActiveState) after activation"
t0=$(date +%s%N)
out=$(wt_ns timeout 10 dbus-send --system --print-reply --dest=org.weft.Missing /org/weft/Test org.weft.Test.Ping 2>&1)
t1=$(date +%s%N)
case $out in *Error*) ;; *) wt_fail "activating org.weft.Missing (no unit) did not fail: $out" ;; esac
ms=$(((t1 - t0) / 1000000))
[ "$ms" -le $((1000 * ${WT_TIME_SCALE:-1})) ] || wt_fail "the failed activation took $ms ms"
echo "$WT_NAME: failed activation answered in $ms ms: ${out##*Error}"

# polkit: a real Type=dbus daemon, bus-activated through weft.
if [ -n "$POLKIT" ]; then
        [ "$(show polkit.service ActiveState)" = inactive ] || wt_fail "polkit.service ran before it was asked for"
        out=$(bus call org.freedesktop.PolicyKit1 /org/freedesktop/PolicyKit1/Authority org.freedesktop.DBus.Properties \
                Get ss org.freedesktop.PolicyKit1.Authority BackendName 2>&1)
        case $out in *'v s "'*) ;; *) wt_fail "activating polkit: $out" ;; esac
        [ "$(show polkit.service ActiveState)" = active ] || wt_fail "polkit.service is $(show polkit.service ActiveState)"
        st=$(wt_ctl status polkit.service 2>&1)
        case $st in *"Bus name: org.freedesktop.PolicyKit1 (owned)"*) ;; *) wt_fail "polkit status: $st" ;; esac
        echo "$WT_NAME: polkit activated through weft: $out"
fi

# 7. The Manager subset.
M="org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager"
[ "$(bus get-property $M Version 2>&1)" = 's "weft"' ] || wt_fail "Version: $(bus get-property $M Version 2>&1)"
ts=$(bus get-property $M UserspaceTimestamp 2>&1)
case $ts in "t "[1-9]*) ;; *) wt_fail "UserspaceTimestamp: $ts" ;; esac
path=$(bus call $M GetUnit s delayed.service 2>&1)
[ "$path" = 'o "/org/freedesktop/systemd1/unit/delayed_2eservice"' ] || wt_fail "GetUnit: $path"
P="org.freedesktop.systemd1 /org/freedesktop/systemd1/unit/delayed_2eservice org.freedesktop.systemd1.Unit"
[ "$(bus get-property $P ActiveState 2>&1)" = 's "active"' ] || wt_fail "ActiveState: $(bus get-property $P ActiveState 2>&1)"
[ "$(bus get-property $P SubState 2>&1)" = 's "running"' ] || wt_fail "SubState: $(bus get-property $P SubState 2>&1)"
out=$(bus call $M GetUnit s no-such.service 2>&1) && wt_fail "GetUnit of a missing unit: $out"
case $out in *"not loaded"*) ;; *) wt_fail "GetUnit of a missing unit: $out" ;; esac
# GetUnit does not load a unit; LoadUnit (root) does.
out=$(bus call $M GetUnit s lazy.service 2>&1) && wt_fail "GetUnit loaded lazy.service: $out"
[ "$(bus call $M LoadUnit s lazy.service 2>&1)" = 'o "/org/freedesktop/systemd1/unit/lazy_2eservice"' ] ||
        wt_fail "LoadUnit: $(bus call $M LoadUnit s lazy.service 2>&1)"
# Loaded, inactive and referenced by nothing, it is collected once the
# call is answered, as systemd's GC collects it: GetUnit does not know it.
out=$(bus call $M GetUnit s lazy.service 2>&1) && wt_fail "GetUnit after LoadUnit found a unit nothing needs: $out"
case $out in *"not loaded"*) ;; *) wt_fail "GetUnit after LoadUnit: $out" ;; esac
# Not root: refused, whatever the bus's policy lets through.
if command -v setpriv >/dev/null 2>&1; then
        out=$(wt_ns timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups busctl --system call $M StopUnit ss \
                delayed.service replace 2>&1) && wt_fail "StopUnit from uid 65534 succeeded: $out"
        case $out in *"ccess denied"*|*AccessDenied*|*"needs root"*) ;; *) wt_fail "StopUnit from uid 65534: $out" ;; esac
        [ "$(show delayed.service ActiveState)" = active ] || wt_fail "a non-root StopUnit stopped delayed.service"
        echo "$WT_NAME: non-root StopUnit: $out"
        pid=$(show delayed.service MainPID)
        for call in "RestartUnit ss delayed.service replace" "KillUnit ssi delayed.service all 9" "Reload"; do
                # shellcheck disable=SC2086 # the call's words
                out=$(wt_ns timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups busctl --system call $M \
                        $call 2>&1) && wt_fail "${call%% *} from uid 65534 succeeded: $out"
                case $out in *"ccess denied"*|*AccessDenied*|*"needs root"*) ;; *) wt_fail "${call%% *} from uid 65534: $out" ;; esac
        done
        [ "$(show delayed.service MainPID)" = "$pid" ] || wt_fail "a non-root RestartUnit or KillUnit reached delayed.service"
fi
# StartUnit answers with a job; JobRemoved says when it ended, and how.
wt_ns bash -c "timeout 20 dbus-monitor --system \"type='signal',interface='org.freedesktop.systemd1.Manager',member='JobRemoved'\" >$TMP/jobs.out 2>&1" &
mon=$!
sleep 0.5
out=$(bus call $M StartUnit ss lazy.service replace 2>&1)
case $out in 'o "/org/freedesktop/systemd1/job/'*) ;; *) wt_fail "StartUnit of lazy.service: $out" ;; esac
out=$(bus call $M StartUnit ss no-such.service replace 2>&1) && wt_fail "StartUnit of a missing unit: $out"
wt_until 5 grep -q 'string "lazy.service"' "$TMP/jobs.out" || wt_fail "no JobRemoved for lazy.service: $(cat "$TMP/jobs.out")"
grep -A1 'string "lazy.service"' "$TMP/jobs.out" | grep -q 'string "done"' || wt_fail "JobRemoved: $(cat "$TMP/jobs.out")"
kill $mon 2>/dev/null
# systemctl itself, a real client of these calls (StartUnit, then
# JobRemoved; unit properties), once /run/systemd/system says a manager
# serves the bus (the fence's own /run).
if command -v systemctl >/dev/null 2>&1; then
        wt_ns mkdir -p /run/systemd/system
        out=$(wt_ns timeout 10 systemctl stop lazy.service 2>&1) || wt_fail "systemctl stop: $out"
        [ "$(show lazy.service ActiveState)" = inactive ] || wt_fail "systemctl stop left lazy.service $(show lazy.service ActiveState)"
        out=$(wt_ns timeout 10 systemctl start lazy.service 2>&1) || wt_fail "systemctl start: $out"
        [ "$(wt_ns timeout 10 systemctl is-active lazy.service 2>&1)" = active ] ||
                wt_fail "systemctl is-active: $(wt_ns timeout 10 systemctl is-active lazy.service 2>&1)"
        [ -z "$out" ] || wt_fail "systemctl start said: $out"
fi
out=$(bus call $M StopUnit ss delayed.service replace 2>&1) || wt_fail "StopUnit: $out"
wt_wait_state delayed.service inactive 5
out=$(bus call $M StartUnit ss delayed.service replace 2>&1) || wt_fail "StartUnit: $out"
wt_wait_state delayed.service active 5
# GetUnitByPID: a unit's main process is the unit's; weft itself, run
# without init.scope here, is no unit's.
pid=$(show delayed.service MainPID)
out=$(bus call $M GetUnitByPID u "$pid" 2>&1)
[ "$out" = 'o "/org/freedesktop/systemd1/unit/delayed_2eservice"' ] || wt_fail "GetUnitByPID $pid: $out"
out=$(bus call $M GetUnitByPID u 1 2>&1) && wt_fail "GetUnitByPID 1 answered: $out"
case $out in *"does not belong to any loaded unit"*) ;; *) wt_fail "GetUnitByPID 1: $out" ;; esac
# Transient sockets are not made (services and scopes are: test/integration/systemd-run.sh, scope.sh).
out=$(bus call $M StartTransientUnit "ssa(sv)a(sa(sv))" x.socket fail 0 0 2>&1) && wt_fail "StartTransientUnit answered: $out"
case $out in *"transient services and scopes only"*) ;; *) wt_fail "StartTransientUnit of a socket: $out" ;; esac

# 8. The bus restarts: weft reconnects and answers on it again.
wt_ctl restart dbus.service >/dev/null 2>&1 || wt_fail "restarting dbus.service failed"
wt_until 10 bus get-property $M Version >/dev/null 2>&1 || wt_fail "weft did not come back on the restarted bus"
[ "$(grep -c "Connected to the system bus" "$WT_LOG")" -ge 2 ] || wt_fail "weft did not reconnect"

wt_assert_answers
wt_stop
wt_finish "Type=dbus waits for its name, times out, stops on loss; activation and Manager calls answer; reconnects"
