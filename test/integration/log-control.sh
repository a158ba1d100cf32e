#!/bin/bash
# weft's log level and target changed at run time, with systemd's own
# systemctl and busctl on the private bus (org.freedesktop.LogControl1, the
# Manager's LogLevel and LogTarget) and with weftctl:
#  - systemctl log-level says info and log-target console at first, as do
#    busctl's Manager.LogLevel and LogControl1; SyslogIdentifier is weft;
#  - a unit started at info leaves no debug line (its state changes);
#    after systemctl log-level debug one started later does, and the
#    Manager's LogLevel says debug;
#  - an invalid level (busctl on LogControl1 and on the Manager, and
#    weftctl) is refused with InvalidArgs and changes nothing; systemctl
#    itself refuses one before asking;
#  - a target weft cannot do (kmsg, journal) is refused with a message
#    saying why; null silences weft and console brings it back;
#  - setting the Manager's LogLevel sets LogControl1's, and weftctl
#    log-level reads and sets the same level; "" restores the first one.
# Skips without busctl/systemctl. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init log-control
for t in busctl systemctl; do
        command -v "$t" >/dev/null || { echo "log-control: no $t, skipping"; exit 0; }
done

SOCK=/run/systemd/private
ADDR=unix:path=$SOCK
wt_unit t.target <<EOF
[Unit]
DefaultDependencies=no
Wants=sleeper.service
EOF
wt_unit sleeper.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sleep 300
EOF
for n in early late quiet loud; do
        wt_unit $n.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
ExecStart=/bin/true
EOF
done
wt_start --target t.target --private-bus "$SOCK"
wt_wait_state sleeper.service active 10

sctl() { wt_systemctl "$@"; }
bctl() { timeout 20 nsenter -t "$WEFT_PID" -p -m -- busctl --address="$ADDR" "$@" 2>&1; }
mgr_get() { bctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager "$1"; }
lc_get() { bctl get-property org.freedesktop.systemd1 /org/freedesktop/LogControl1 org.freedesktop.LogControl1 "$1"; }
# Debug lines of UNIT: its state changes ("UNIT: inactive/dead -> ...").
debug_lines() { grep -c "^$1: .* -> " "$WT_LOG"; }

# At first: info and console, everywhere.
out=$(sctl log-level) || wt_fail "systemctl log-level failed: $out"
[ "$out" = info ] || wt_fail "systemctl log-level: '$out', want info"
out=$(sctl log-target) || wt_fail "systemctl log-target failed: $out"
[ "$out" = console ] || wt_fail "systemctl log-target: '$out', want console"
[ "$(mgr_get LogLevel)" = 's "info"' ] || wt_fail "Manager.LogLevel: $(mgr_get LogLevel), want s \"info\""
[ "$(mgr_get LogTarget)" = 's "console"' ] || wt_fail "Manager.LogTarget: $(mgr_get LogTarget)"
[ "$(lc_get SyslogIdentifier)" = 's "weft"' ] || wt_fail "LogControl1.SyslogIdentifier: $(lc_get SyslogIdentifier)"
[ "$(wt_ctl log-level)" = info ] || wt_fail "weftctl log-level: $(wt_ctl log-level 2>&1), want info"

# At info a unit's state changes are not logged...
out=$(sctl start early.service) || wt_fail "systemctl start early.service failed: $out"
[ "$(debug_lines early.service)" = 0 ] || wt_fail "debug lines at level info: $(grep '^early.service: .* -> ' "$WT_LOG")"
# ...at debug they are.
out=$(sctl log-level debug) || wt_fail "systemctl log-level debug failed: $out"
grep -q "Setting log level to debug\." "$WT_LOG" || wt_fail "weft did not say it set the level to debug"
[ "$(sctl log-level)" = debug ] || wt_fail "after log-level debug, systemctl log-level: $(sctl log-level)"
[ "$(mgr_get LogLevel)" = 's "debug"' ] || wt_fail "after log-level debug, Manager.LogLevel: $(mgr_get LogLevel)"
[ "$(wt_ctl log-level)" = debug ] || wt_fail "after log-level debug, weftctl log-level: $(wt_ctl log-level 2>&1)"
out=$(sctl start late.service) || wt_fail "systemctl start late.service failed: $out"
wt_until 5 grep -q "^late.service: .* -> " "$WT_LOG" || wt_fail "no debug line for late.service at level debug"

# Invalid levels: refused, nothing changes.
out=$(bctl set-property org.freedesktop.systemd1 /org/freedesktop/LogControl1 org.freedesktop.LogControl1 LogLevel s loud) &&
        wt_fail "LogControl1.LogLevel=loud was taken: $out"
case $out in *"Invalid log level 'loud'"*) ;; *) wt_fail "LogControl1.LogLevel=loud said: $out" ;; esac
out=$(bctl set-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager LogLevel s 9) &&
        wt_fail "Manager.LogLevel=9 was taken: $out"
case $out in *"Invalid log level '9'"*) ;; *) wt_fail "Manager.LogLevel=9 said: $out" ;; esac
out=$(sctl log-level loud) && wt_fail "systemctl log-level loud succeeded: $out"
out=$(wt_ctl log-level loud 2>&1) && wt_fail "weftctl log-level loud succeeded: $out"
case $out in *"Invalid log level 'loud'"*) ;; *) wt_fail "weftctl log-level loud said: $out" ;; esac
[ "$(sctl log-level)" = debug ] || wt_fail "after the invalid levels: $(sctl log-level), want debug"

# Targets: what weft cannot do is refused and says so; null is silence.
out=$(sctl log-target kmsg) && wt_fail "systemctl log-target kmsg succeeded: $out"
case $out in *"not supported"*"console"*) ;; *) wt_fail "systemctl log-target kmsg said: $out" ;; esac
out=$(bctl set-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager LogTarget s journal) &&
        wt_fail "Manager.LogTarget=journal was taken: $out"
case $out in *"not supported"*) ;; *) wt_fail "Manager.LogTarget=journal said: $out" ;; esac
out=$(wt_ctl log-target nowhere 2>&1) && wt_fail "weftctl log-target nowhere succeeded: $out"
case $out in *"Invalid log target 'nowhere'"*) ;; *) wt_fail "weftctl log-target nowhere said: $out" ;; esac
[ "$(sctl log-target)" = console ] || wt_fail "after the refused targets: $(sctl log-target)"
out=$(sctl log-target null) || wt_fail "systemctl log-target null failed: $out"
[ "$(sctl log-target)" = null ] || wt_fail "after log-target null: $(sctl log-target)"
out=$(sctl start quiet.service) || wt_fail "systemctl start quiet.service failed: $out"
out=$(wt_ctl log-target console 2>&1) || wt_fail "weftctl log-target console failed: $out"
[ "$(wt_ctl log-target)" = console ] || wt_fail "weftctl log-target: $(wt_ctl log-target 2>&1)"
out=$(sctl start loud.service) || wt_fail "systemctl start loud.service failed: $out"
wt_until 5 grep -q "^loud.service: .* -> " "$WT_LOG" || wt_fail "no debug line for loud.service after log-target console"
grep -q "quiet.service" "$WT_LOG" && wt_fail "weft logged with target null: $(grep quiet.service "$WT_LOG")"

# The Manager's property sets LogControl1's level; weftctl sets and reads
# the same one, and "" restores the one weft started with.
out=$(bctl set-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager LogLevel s notice) ||
        wt_fail "Manager.LogLevel=notice failed: $out"
[ "$(lc_get LogLevel)" = 's "notice"' ] || wt_fail "after Manager.LogLevel=notice, LogControl1.LogLevel: $(lc_get LogLevel)"
out=$(wt_ctl log-level warning 2>&1) || wt_fail "weftctl log-level warning failed: $out"
[ "$(sctl log-level)" = warning ] || wt_fail "after weftctl log-level warning, systemctl log-level: $(sctl log-level)"
out=$(wt_ctl log-level '' 2>&1) || wt_fail "weftctl log-level '' failed: $out"
[ "$(sctl log-level)" = info ] || wt_fail "after log-level '', systemctl log-level: $(sctl log-level), want info"

wt_assert_answers
wt_stop
wt_assert_exit 0
wt_finish "systemctl, busctl and weftctl read and set weft's log level and target; debug lines come only at debug; invalid names change nothing"
