#!/bin/bash
# A hostile or unlucky bus (issue 11), with a real dbus-daemon --system
# under weft (test/lib/dbus.sh):
#  - 100 clients at once call 100 bus names whose D-Bus service files name
#    units that do not exist: dbus-daemon sends weft 100 ActivationRequests;
#    each client gets an error (ActivationFailure) within a few seconds,
#    never dbus-daemon's 25 s time-out, and weft logs the failures
#    rate-limited;
#  - a process takes and drops flap.service's BusName= 2000 times: a flood
#    of NameOwnerChanged for a name weft watches; flap.service ends in a
#    state that explains it (it was started by the first, stopped by the
#    next loss);
#  - 300 Manager calls for units that do not exist, and 100 calls of a
#    method the Manager does not have (a made-up name: Reexecute, used
#    here before, is a daemon-reload now), each answered with an error;
# and all along weft answers list-units within 1 s. Then the fault suite's
# three: weft answers, every unit is in a state its configuration
# explains, no zombie.
. "$(dirname "$0")/../lib/weft.sh"
. "$(dirname "$0")/../lib/dbus.sh"
wt_init dbus-flood
names=()
for i in $(seq 100); do names+=("org.weft.Gone$i"); done
wt_dbus_setup "${names[@]}"
for i in $(seq 100); do wt_dbus_activatable "org.weft.Gone$i" "gone$i.service"; done

wt_unit t.target <<EOF
[Unit]
Wants=dbus.service ok.service
EOF
wt_unit ok.service <<EOF
[Service]
Type=dbus
BusName=org.weft.Ok
ExecStart=$SVC org.weft.Ok
EOF
wt_unit flap.service <<EOF
[Service]
Type=dbus
BusName=org.weft.Flap
ExecStart=$SVC org.weft.Flap --never
TimeoutStartSec=60
EOF
wt_start --target t.target || wt_finish ""
wt_wait_state ok.service active 15

# The flood of activation requests for units that do not exist.
cat >"$TMP/activate.sh" <<EOF
for i in \$(seq 100); do
        ( s=\$(date +%s%N)
          out=\$(timeout 30 dbus-send --system --print-reply --dest=org.weft.Gone\$i /x org.weft.Test.Ping 2>&1)
          e=\$(date +%s%N)
          echo "\$(( (e - s) / 1000000 )) \$out" >"$TMP/act.\$i" ) &
done
wait
EOF
# The flood of NameOwnerChanged, while flap.service waits for its name.
wt_ctl start --no-block flap.service >/dev/null 2>&1
wt_ns timeout 60 bash "$TMP/activate.sh" &
act=$!
wt_ns timeout 60 "$SVC" org.weft.Flap --flap 2000 &
flap=$!
# Manager calls for units that do not exist, and a method weft lacks.
cat >"$TMP/calls.sh" <<EOF
M="org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager"
bad=0
for i in \$(seq 300); do
        timeout 5 busctl --system call \$M GetUnit s nothing\$i.service >/dev/null 2>&1 && bad=\$((bad + 1))
done
for i in \$(seq 100); do
        timeout 5 busctl --system call \$M NoSuchMethod >/dev/null 2>&1 && bad=\$((bad + 1))
done
echo \$bad >"$TMP/calls.bad"
EOF
wt_ns timeout 120 bash "$TMP/calls.sh" &
calls=$!
worst=0
while kill -0 $act 2>/dev/null || kill -0 $flap 2>/dev/null || kill -0 $calls 2>/dev/null; do
        s=$(date +%s%N)
        wt_assert_answers
        ms=$((($(date +%s%N) - s) / 1000000))
        [ $ms -gt $worst ] && worst=$ms
        sleep 0.2
done
wait $act $flap $calls
echo "$WT_NAME: list-units answered within $worst ms during the floods"

late=0 ok=0
for i in $(seq 100); do
        read -r ms out <"$TMP/act.$i" 2>/dev/null || { wt_fail "client $i left nothing"; continue; }
        case $out in *Error*) ok=$((ok + 1)) ;; *) wt_fail "client $i: no error: $out" ;; esac
        [ "$ms" -le $((5000 * ${WT_TIME_SCALE:-1})) ] || late=$((late + 1))
done
[ "$late" = 0 ] || wt_fail "$late of 100 failed activations took over 5 s"
echo "$WT_NAME: $ok of 100 activations of missing units failed with an error, $late late"
[ "$(cat "$TMP/calls.bad" 2>/dev/null)" = 0 ] || wt_fail "$(cat "$TMP/calls.bad") Manager calls for nothing succeeded"
n=$(wt_ctl list-units --all 2>/dev/null | grep -c "nothing")
[ "$n" = 0 ] || wt_fail "GetUnit of made-up names loaded $n units"
n=$(grep -c "activation of gone" "$WT_LOG")
[ "$n" -le 12 ] || wt_fail "$n activation failure lines logged: not rate-limited"
echo "$WT_NAME: $n activation failure lines logged for 100 failures"

case $(wt_ctl show flap.service -P ActiveState) in
        inactive | failed | activating | active) ;;
        *) wt_fail "flap.service is $(wt_ctl show flap.service -P ActiveState)" ;;
esac
[ "$(wt_ctl show ok.service -P ActiveState)" = active ] || wt_fail "ok.service is not active any more"
wt_ns timeout 5 busctl --system get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 \
        org.freedesktop.systemd1.Manager Version >/dev/null 2>&1 || wt_fail "weft no longer answers on the bus"
wt_assert_answers
wt_assert_no_zombies
wt_stop
wt_finish "activation, name and call floods answered with errors; weft kept answering"
