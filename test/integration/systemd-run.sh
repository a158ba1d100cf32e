#!/bin/bash
# systemd-run against weft: weft, PID 1 of the fenced namespace (whose /run
# is a fresh tmpfs), serves systemd's private bus (--private-bus) and
# writes transient units to /run/systemd/transient (--transient-dir, first
# on its unit path). The real systemd-run and systemctl, as root:
#  - systemd-run --unit=hello -p RemainAfterExit=yes /bin/sh -c ... runs
#    the command with its arguments unchanged ('%', '$', quotes), the file
#    appears, systemctl status shows it as the unit's file, is-active says
#    active;
#  - a property weft does not know (MemoryMax) is refused with systemd's
#    error naming it, and no file is written;
#  - a description with a newline (a would-be extra directive) is refused;
#  - the same --unit name again is refused (UnitExists) while its unit is
#    there;
#  - a unit without RemainAfterExit= is collected once its command exits,
#    and its file goes with it; its name can then be used again;
#  - without --unit, systemd-run's own run-rRANDOM.service name works.
# Skips without systemd-run/systemctl. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init systemd-run
wt_need systemd-run systemctl

SOCK=/run/systemd/private
DIR=/run/systemd/transient
# A transient service has the default dependencies: what they name is here.
for t in test sysinit basic; do
        wt_unit $t.target <<EOF
[Unit]
DefaultDependencies=no
EOF
done
wt_start --target test.target --private-bus "$SOCK" --transient-dir "$DIR"
wt_wait_state test.target active 10

sctl() { wt_systemctl "$@"; }
srun() { timeout 20 nsenter -t "$WEFT_PID" -p -m -- systemd-run "$@" 2>&1; }

# The argument keeps its '%', '$' and quotes: the file escapes them.
arg='100% "$HOME" it'\''s'
out=$(srun --unit=hello --property=RemainAfterExit=yes /bin/sh -c 'echo "$1" >'"$TMP/out" sh "$arg") ||
        wt_fail "systemd-run --unit=hello failed: $out"
case $out in *"Running as unit: hello.service"*) ;; *) wt_fail "systemd-run --unit=hello said: $out" ;; esac
wt_until 10 test -s "$TMP/out" || wt_fail "hello.service's command did not run"
[ "$(cat "$TMP/out" 2>/dev/null)" = "$arg" ] || wt_fail "hello.service got '$(cat "$TMP/out" 2>/dev/null)', want '$arg'"
wt_ns test -f "$DIR/hello.service" || wt_fail "no $DIR/hello.service"
wt_ns grep -q '^RemainAfterExit=yes$' "$DIR/hello.service" || wt_fail "$DIR/hello.service: $(wt_ns cat "$DIR/hello.service")"
wt_wait_state hello.service active 10
[ "$(sctl is-active hello.service)" = active ] || wt_fail "systemctl is-active hello.service: $(sctl is-active hello.service)"
out=$(sctl status --no-pager --lines=0 hello.service)
case $out in *"Loaded: loaded ($DIR/hello.service"*"Active: active (exited)"*) ;;
*) wt_fail "systemctl status hello.service: $out" ;; esac

# What systemd-run sends for -E, --working-directory, --collect and
# --service-type (Environment, WorkingDirectory, CollectMode, Type).
out=$(srun --unit=env -E FOO='b a r' --working-directory=/tmp --collect --service-type=oneshot \
        -p RemainAfterExit=yes /bin/sh -c 'echo "$FOO $PWD" >'"$TMP/env") || wt_fail "systemd-run --unit=env failed: $out"
[ "$(cat "$TMP/env" 2>/dev/null)" = "b a r /tmp" ] || wt_fail "env.service wrote '$(cat "$TMP/env" 2>/dev/null)'"
[ "$(sctl is-active env.service)" = active ] || wt_fail "env.service is $(sctl is-active env.service)"

# Refusals: systemd's errors, through systemd-run, and no file.
out=$(srun --unit=bad -p MemoryMax=1M /bin/true) && wt_fail "systemd-run -p MemoryMax=1M succeeded: $out"
case $out in *"Cannot set property MemoryMax, or unknown property."*) ;;
*) wt_fail "systemd-run -p MemoryMax=1M said: $out" ;; esac
wt_ns test -e "$DIR/bad.service" && wt_fail "a refused unit left $DIR/bad.service"
out=$(srun --unit=evil --description="$(printf 'x\nExecStartPre=/bin/false')" /bin/true) &&
        wt_fail "a description with a newline was taken: $out"
case $out in *"Invalid value for Description"*) ;; *) wt_fail "a description with a newline: $out" ;; esac
wt_ns test -e "$DIR/evil.service" && wt_fail "a refused unit left $DIR/evil.service"
out=$(srun --unit=hello /bin/true) && wt_fail "a second systemd-run --unit=hello succeeded: $out"
case $out in *"Unit hello.service was already loaded or has a fragment file."*) ;;
*) wt_fail "a second systemd-run --unit=hello said: $out" ;; esac

# Nothing keeps a finished unit: collected, and its file goes too.
out=$(srun --unit=once /bin/true) || wt_fail "systemd-run --unit=once failed: $out"
wt_until 10 sh -c "! nsenter -t $WEFT_PID -p -m -- test -e $DIR/once.service" ||
        wt_fail "$DIR/once.service is still there after the unit ended"
# The name of a collected unit is free again, as in systemd, and the new
# definition is what runs (core/sched_transient.c; more in
# transient-reuse.sh).
out=$(srun --unit=once /bin/sh -c "echo second >$TMP/once-again.out") ||
        wt_fail "systemd-run --unit=once again, once collected, failed: $out"
wt_until 10 test -s "$TMP/once-again.out" || wt_fail "the second once.service did not run its own command"

# systemd-run's own name.
out=$(srun -p RemainAfterExit=yes /bin/true) || wt_fail "systemd-run without --unit failed: $out"
name=$(printf '%s\n' "$out" | sed -n 's/.*Running as unit: \(run-r[0-9a-f]*\.service\).*/\1/p')
[ -n "$name" ] || wt_fail "systemd-run without --unit said: $out"
[ -z "$name" ] || [ "$(sctl is-active "$name")" = active ] || wt_fail "$name is $(sctl is-active "$name")"
wt_assert_answers
wt_stop
wt_finish "systemd-run started transient services from $DIR; unknown properties, newlines and taken names were refused; a collected name was reused"
