#!/bin/bash
# The manager's environment block (systemctl show-environment,
# set-environment, unset-environment, import-environment; the Manager's
# Environment property and SetEnvironment, UnsetEnvironment,
# UnsetAndSetEnvironment), with Debian's systemctl on weft's private bus
# and with weftctl:
#  - show-environment lists PATH, the default search path;
#  - set-environment FOO=bar: a service started afterwards gets FOO=bar, one
#    whose Environment= says FOO=unit keeps its own, and one already running
#    keeps the environment it started with;
#  - unset-environment FOO: the next start has no FOO;
#  - an invalid assignment (a name starting with a digit, no "=") is
#    refused with an error and changes nothing;
#  - UnsetAndSetEnvironment (busctl) does both at once; import-environment
#    copies systemctl's own variable; daemon-reload keeps the block;
#  - weftctl's verbs do the same, and show-environment prints what
#    systemctl prints, quoting included.
# Skips without systemctl. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init manager-environment
wt_need systemctl

SOCK=/run/systemd/private
wt_unit test.target <<EOF
[Unit]
DefaultDependencies=no
Wants=early.service
EOF
# Started before any change; writes its environment, then keeps running.
wt_unit early.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sh -c 'env >$TMP/early.env; exec sleep 300'
EOF
wt_unit late.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
ExecStartPre=/bin/sh -c 'env >$TMP/late-pre.env'
ExecStart=/bin/sh -c 'env >$TMP/late.env'
EOF
wt_unit own.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
Environment=FOO=unit
ExecStart=/bin/sh -c 'env >$TMP/own.env'
EOF
wt_start --target test.target --private-bus "$SOCK"
wt_wait_state early.service active 10
wt_until 5 test -s "$TMP/early.env" || wt_fail "early.service wrote no environment"

sctl() { wt_systemctl "$@"; }
# late.service's environment, from a fresh start.
late_env() {
        rm -f "$TMP/late.env" "$TMP/late-pre.env"
        wt_ctl start late.service >/dev/null || wt_fail "cannot start late.service"
        cat "$TMP/late.env" 2>/dev/null
}

out=$(sctl show-environment) || wt_fail "systemctl show-environment failed: $out"
grep -qx 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' <<<"$out" ||
        wt_fail "systemctl show-environment has no default PATH: $out"
grep -q '^FOO=' <<<"$(late_env)" && wt_fail "late.service has FOO before any set-environment"

early_pid=$(wt_ctl show early.service -P MainPID)
out=$(sctl set-environment FOO=bar 'SP=a b') || wt_fail "systemctl set-environment FOO=bar failed: $out"
out=$(sctl show-environment)
grep -qx 'FOO=bar' <<<"$out" || wt_fail "show-environment after set-environment FOO=bar: $out"
env=$(late_env)
grep -qx 'FOO=bar' <<<"$env" || wt_fail "late.service started after set-environment has no FOO=bar: $env"
grep -qx 'FOO=bar' "$TMP/late-pre.env" 2>/dev/null || wt_fail "late.service's ExecStartPre= has no FOO=bar"
grep -qx 'SP=a b' <<<"$env" || wt_fail "late.service has no 'SP=a b': $env"
grep -qx 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' <<<"$env" ||
        wt_fail "late.service lost the default PATH: $env"
rm -f "$TMP/own.env"
wt_ctl start own.service >/dev/null || wt_fail "cannot start own.service"
grep -qx 'FOO=unit' "$TMP/own.env" 2>/dev/null || wt_fail "Environment=FOO=unit did not override the manager's FOO=bar: $(cat "$TMP/own.env" 2>/dev/null)"
# Already running: its environment is the one it started with.
[ "$(wt_ctl show early.service -P MainPID)" = "$early_pid" ] || wt_fail "early.service was restarted"
grep -q '^FOO=' "$TMP/early.env" && wt_fail "early.service's environment has FOO"
wt_ns cat "/proc/$early_pid/environ" | tr '\0' '\n' | grep -q '^FOO=' && wt_fail "the running early.service got FOO"

# Refused, and nothing changes.
before=$(sctl show-environment)
out=$(sctl set-environment 1BAD=x FOO=changed) && wt_fail "set-environment 1BAD=x succeeded: $out"
case $out in *"Invalid environment assignments"*) ;; *) wt_fail "set-environment 1BAD=x said: $out" ;; esac
out=$(sctl set-environment NOEQUALS) && wt_fail "set-environment NOEQUALS succeeded: $out"
out=$(sctl unset-environment 'BAD NAME') && wt_fail "unset-environment 'BAD NAME' succeeded: $out"
case $out in *"Invalid environment variable names or assignments"*) ;; *) wt_fail "unset-environment 'BAD NAME' said: $out" ;; esac
[ "$(sctl show-environment)" = "$before" ] || wt_fail "a refused change changed the block: $(sctl show-environment)"

# Kept across daemon-reload, as systemd keeps it.
out=$(sctl daemon-reload) || wt_fail "systemctl daemon-reload failed: $out"
[ "$(sctl show-environment)" = "$before" ] || wt_fail "daemon-reload changed the block: $(sctl show-environment)"

out=$(sctl unset-environment FOO) || wt_fail "systemctl unset-environment FOO failed: $out"
grep -q '^FOO=' <<<"$(sctl show-environment)" && wt_fail "show-environment after unset-environment FOO still has it"
grep -q '^FOO=' <<<"$(late_env)" && wt_fail "late.service started after unset-environment FOO has FOO"

# import-environment: systemctl sends its own variable with SetEnvironment.
out=$(IMPORTED=yes sctl import-environment IMPORTED) || wt_fail "systemctl import-environment failed: $out"
grep -qx 'IMPORTED=yes' <<<"$(sctl show-environment)" || wt_fail "import-environment IMPORTED=yes: $(sctl show-environment)"

# UnsetAndSetEnvironment: both in one call.
if command -v busctl >/dev/null; then
        out=$(timeout 10 nsenter -t "$WEFT_PID" -p -m -- busctl --address="unix:path=$SOCK" call org.freedesktop.systemd1 \
                /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager UnsetAndSetEnvironment asas 1 IMPORTED 1 BOTH=1 2>&1) ||
                wt_fail "UnsetAndSetEnvironment failed: $out"
        out=$(sctl show-environment)
        grep -qx 'BOTH=1' <<<"$out" && ! grep -q '^IMPORTED=' <<<"$out" || wt_fail "after UnsetAndSetEnvironment: $out"
        out=$(timeout 10 nsenter -t "$WEFT_PID" -p -m -- busctl --address="unix:path=$SOCK" get-property org.freedesktop.systemd1 \
                /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager Environment 2>&1)
        case $out in "as "[0-9]*'"PATH=/usr/local/sbin'*'"BOTH=1"'*) ;; *) wt_fail "busctl get-property Environment: $out" ;; esac
fi

# weftctl: the same verbs over the control socket.
out=$(wt_ctl set-environment W=1 'Q=it'"'"'s' 2>&1) || wt_fail "weftctl set-environment failed: $out"
grep -qx 'W=1' <<<"$(late_env)" || wt_fail "late.service started after weftctl set-environment W=1 has no W=1"
out=$(wt_ctl show-environment) || wt_fail "weftctl show-environment failed: $out"
[ "$out" = "$(sctl show-environment)" ] || wt_fail "weftctl show-environment: '$out'; systemctl says '$(sctl show-environment)'"
grep -qx 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' <<<"$out" || wt_fail "weftctl show-environment has no PATH: $out"
out=$(wt_ctl set-environment 1BAD=x 2>&1) && wt_fail "weftctl set-environment 1BAD=x succeeded: $out"
case $out in *"Invalid environment assignments"*) ;; *) wt_fail "weftctl set-environment 1BAD=x said: $out" ;; esac
out=$(wt_ctl unset-environment W 2>&1) || wt_fail "weftctl unset-environment W failed: $out"
grep -q '^W=' <<<"$(wt_ctl show-environment)" && wt_fail "weftctl unset-environment W left it"
grep -q '^W=' <<<"$(late_env)" && wt_fail "late.service started after weftctl unset-environment W has W"

wt_stop
wt_assert_exit 0
wt_finish "show-, set-, unset- and import-environment changed what later commands got, not running ones; invalid input changed nothing"
