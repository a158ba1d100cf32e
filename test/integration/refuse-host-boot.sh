#!/bin/bash
# weft not PID 1 and not pointed at a system (no --unit-path, --config or
# --system) must refuse to boot default.target from the system unit path,
# say why and exit 1; stray positional arguments and a bare `--` are usage
# errors (2). In every case nothing is started: no thread, no child, no
# runtime directory, no unit file read (strace -f counts clone and execve
# and every open under the unit path). And `weft -- /bin/true` runs it
# without opening anything under the system unit path or /etc/weft. Issue 10: a user typing
# `weft -- sh -c 'exit 3'` once booted the host's own services.
. "$(dirname "$0")/../lib/weft.sh"
wt_init refuse-host-boot
command -v strace >/dev/null || { echo "refuse-host-boot: strace missing, skipping"; exit 0; }

cat >"$TMP/cases.sh" <<'EOF'
# Inside the fence, as a child of this shell (PID 1 here), so weft is not PID 1.
D=$1 WEFT=$2
i=0
for args in "" "--log-level debug --workers 2" "stray" "--target multi-user.target extra words" "--" "-- /bin/true"; do
        i=$((i + 1))
        # LeakSanitizer (the sanitizer build) cannot run under ptrace.
        # shellcheck disable=SC2086
        ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 timeout 10 strace -f -qq -e trace=clone,clone3,fork,vfork,execve,openat -o "$D/trace.$i" \
                "$WEFT" $args >"$D/out.$i" 2>&1
        rc=$?
        echo "case $i [$args]: rc=$rc clones=$(grep -cE 'clone3?\(|fork\(' "$D/trace.$i")" \
                "execs=$(grep -c 'execve(' "$D/trace.$i")" \
                "unitfiles=$(grep -cE '/(lib|etc|run)/systemd/|/etc/weft' "$D/trace.$i")" \
                "rundir=$([ -e /run/weft ] && echo yes || echo no)"
done
EOF

wt_fenced 60 bash "$TMP/cases.sh" "$TMP" "$WEFT" >"$TMP/result" 2>&1 || wt_fail "the cases did not run: $(cat "$TMP/result")"
expect() { # case rc
        grep -q "^case $1 .*: rc=$2 clones=0 execs=1 unitfiles=0 rundir=no$" "$TMP/result" ||
                wt_fail "case $1: expected rc=$2 and nothing started, got: $(grep "^case $1 " "$TMP/result"); $(head -3 "$TMP/out.$1")"
}
expect 1 1
expect 2 1
expect 3 2
expect 4 2
expect 5 2
# `weft -- CMD` runs CMD and reads neither the system unit path nor /etc/weft.
grep -q "^case 6 .*: rc=0 clones=[1-9][0-9]* execs=[2-9] unitfiles=0 " "$TMP/result" ||
        wt_fail "weft -- /bin/true: $(grep "^case 6 " "$TMP/result"); $(head -3 "$TMP/out.6")"
grep -q "refusing to boot" "$TMP/out.1" || wt_fail "weft did not say why it refused: $(cat "$TMP/out.1")"
grep -q "weft -- CMD" "$TMP/out.1" || wt_fail "weft did not say how to run a command: $(cat "$TMP/out.1")"
grep -q "unexpected argument 'stray'" "$TMP/out.3" || wt_fail "a stray argument was not named: $(cat "$TMP/out.3")"
grep -q "nothing after --" "$TMP/out.5" || wt_fail "a bare -- was not explained: $(cat "$TMP/out.5")"
wt_finish "not PID 1 without --unit-path/--config/--system: refused (1); stray words and a bare -- are usage errors (2); nothing started in any case"
