#!/bin/bash
# systemctl is-system-running and the Manager's state, with systemd's own
# systemctl on the private bus (as root, there is no system bus):
#  - while the boot's jobs run the state is initializing (no basic.target
#    here), and is-system-running says so and exits non-zero;
#  - is-system-running --wait waits for Manager.StartupFinished and then
#    says running, once the boot's last job (a slow oneshot) is done;
#    list-jobs shows that job meanwhile;
#  - a failed unit makes it degraded (also in systemctl status's State and
#    Failed lines, and for weftctl is-system-running), reset-failed running
#    again; an active rescue.target is maintenance;
#  - busctl reads SystemState and NFailedUnits as properties;
#  - list-timers shows a timer's next elapse and the unit it activates.
# Skips without busctl/systemctl. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init system-state
for t in busctl systemctl; do
        command -v "$t" >/dev/null || { echo "system-state: no $t, skipping"; exit 0; }
done

SOCK=/run/systemd/private
wt_unit t.target <<EOF
[Unit]
DefaultDependencies=no
Wants=slow.service
EOF
wt_unit slow.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'while [ ! -e $TMP/go ]; do sleep 0.1; done'
EOF
wt_unit bad.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
ExecStart=/bin/false
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
wt_unit rescue.target <<EOF
[Unit]
DefaultDependencies=no
EOF
wt_start --target t.target --private-bus "$SOCK"
sctl() { wt_systemctl "$@"; }

out=$(sctl is-system-running) && wt_fail "is-system-running exited 0 while the boot runs: $out"
[ "$out" = initializing ] || wt_fail "is-system-running while the boot runs: '$out', want initializing"

# systemctl list-jobs (ListJobs): the boot's job still running.
out=$(sctl list-jobs --no-legend)
case $out in *"slow.service"*start*running*) ;; *) wt_fail "systemctl list-jobs while the boot runs: $out" ;; esac
# --wait subscribes to StartupFinished; the slow unit ends only once it waits.
sctl is-system-running --wait >"$TMP/wait.out" &
waiter=$!
sleep 0.5
kill -0 "$waiter" 2>/dev/null || wt_fail "is-system-running --wait returned before the boot finished: $(cat "$TMP/wait.out")"
touch "$TMP/go"
wait "$waiter"
rc=$?
[ $rc = 0 ] && [ "$(cat "$TMP/wait.out")" = running ] ||
        wt_fail "is-system-running --wait: rc $rc, '$(cat "$TMP/wait.out")', want 0 and running"
[ "$(wt_ctl is-system-running)" = running ] || wt_fail "weftctl is-system-running: $(wt_ctl is-system-running)"

sctl start bad.service >/dev/null && wt_fail "bad.service started"
out=$(sctl is-system-running) && wt_fail "is-system-running exited 0 with a failed unit: $out"
[ "$out" = degraded ] || wt_fail "is-system-running with a failed unit: '$out', want degraded"
wt_ctl is-system-running >/dev/null && wt_fail "weftctl is-system-running exited 0 when degraded"
out=$(sctl status)
case $out in *"State: degraded"*"Failed: 1 units"*) ;; *) wt_fail "systemctl status: $out" ;; esac
v=$(timeout 10 nsenter -t "$WEFT_PID" -p -m -- busctl --address="unix:path=$SOCK" get-property org.freedesktop.systemd1 \
        /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager NFailedUnits 2>&1)
[ "$v" = "u 1" ] || wt_fail "busctl NFailedUnits: '$v', want 'u 1'"
sctl reset-failed bad.service >/dev/null || wt_fail "reset-failed failed"
[ "$(sctl is-system-running)" = running ] || wt_fail "after reset-failed: $(sctl is-system-running)"

sctl start rescue.target >/dev/null || wt_fail "cannot start rescue.target"
[ "$(sctl is-system-running)" = maintenance ] || wt_fail "with rescue.target: $(sctl is-system-running)"
v=$(timeout 10 nsenter -t "$WEFT_PID" -p -m -- busctl --address="unix:path=$SOCK" get-property org.freedesktop.systemd1 \
        /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager SystemState 2>&1)
[ "$v" = 's "maintenance"' ] || wt_fail "busctl SystemState: '$v'"

# systemctl list-timers reads the Timer interface of each timer.
sctl start tick.timer >/dev/null || wt_fail "cannot start tick.timer"
out=$(sctl list-timers --no-legend)
case $out in *"59min left"*tick.timer*tick.service* | *"1h left"*tick.timer*tick.service*) ;;
*) wt_fail "systemctl list-timers: $out" ;; esac

wt_stop
wt_finish "is-system-running said initializing, waited for StartupFinished, then running, degraded and maintenance"
