#!/bin/bash
# The control socket, spoken to directly (socat), with weft as PID 1 of a
# private PID namespace: every verb's reply and exit code, jobs that wait
# for their result, and bad input — a malformed, unversioned, truncated or
# oversized request, a client that connects and never writes, a peer that is
# not root — each answered or refused while the manager keeps serving.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
NAME=control-socket
fail() { echo "$NAME: FAIL: $*"; failed=1; }
failed=0
command -v socat >/dev/null || { echo "$NAME: socat not installed, skipping"; exit 0; }
unshare --pid --fork --mount-proc true 2>/dev/null || { echo "$NAME: unshare not permitted, skipping"; exit 0; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/weft-control.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
u=$tmp/units
mkdir -p "$u"
printf '[Unit]\nWants=a.service b.service\n' >"$u/t.target"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 1000\n' >"$u/a.service"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n' >"$u/b.service"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 1000\n' >"$u/c.service"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/false\n' >"$u/bad.service"
printf '[Unit]\nDefaultDependencies=no\nRequires=bad.service\nAfter=bad.service\n[Service]\nExecStart=/bin/sleep 1000\n' >"$u/needs-bad.service"

timeout 60 unshare --pid --fork --mount-proc --kill-child "$BUILD/weft" --unit-path "$u" --target t.target \
        --runtime-dir "$tmp/run" >"$tmp/weft.log" 2>&1 &
weft=$!
sock=$tmp/run/control
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done
[ -S "$sock" ] || { fail "no control socket"; cat "$tmp/weft.log"; exit 1; }

q() { printf '%s\n' "$1" | timeout 20 socat -t 20 - "UNIX-CONNECT:$sock"; }
expect() { # request, then a fixed string the reply must contain
        local reply
        reply=$(q "$1")
        case "$reply" in *"$2"*) ;; *) fail "request $1: expected $2, got: $reply" ;; esac
}

[ "$(stat -c %a "$sock")" = 600 ] || fail "control socket mode is $(stat -c %a "$sock"), not 600"
# Wait for the boot to settle: a is running once is-active says so.
for _ in $(seq 100); do q '{"version":1,"verb":"is-active","units":["a.service"]}' | grep -q '"code":0' && break; sleep 0.05; done

expect '{"version":1,"verb":"ping"}' '"text":"weft"'
expect '{"version":1,"verb":"is-active","units":["a.service","b.service"]}' '"code":0'
expect '{"version":1,"verb":"is-active","units":["c.service"]}' '"code":3'
expect '{"version":1,"verb":"status","units":["nope.service"]}' '"code":4'
expect '{"version":1,"verb":"start","units":["c.service"]}' '"JobResult":"done"'
expect '{"version":1,"verb":"is-active","units":["c.service"]}' '"code":0'
expect '{"version":1,"verb":"status","units":["c.service"]}' '"SubState":"running"'
expect '{"version":1,"verb":"start","units":["needs-bad.service"]}' '"code":1'
expect '{"version":1,"verb":"is-failed","units":["bad.service"]}' '"code":0'
expect '{"version":1,"verb":"reset-failed","units":["bad.service"]}' '"code":0'
expect '{"version":1,"verb":"is-failed","units":["bad.service"]}' '"code":1'
expect '{"version":1,"verb":"restart","units":["a.service"]}' '"JobResult":"done"'
expect '{"version":1,"verb":"stop","units":["c.service"]}' '"JobResult":"done"'
expect '{"version":1,"verb":"list-units","options":{"all":true}}' '"Id":"c.service"'
expect '{"version":1,"verb":"list-jobs"}' '"code":0'
expect '{"version":1,"verb":"frobnicate"}' "Unknown verb"
# A newer client: higher version, keys this weft does not know.
expect '{"version":7,"verb":"ping","future":{"x":[1,2]}}' '"text":"weft"'

# Bad input: each gets an error reply, and the manager keeps serving.
expect 'garbage' '"code":1'
expect '{"verb":"ping"}' 'unversioned'
expect '{"version":1,"verb":"ping"' '"code":1'
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' x | timeout 20 socat -t 20 - "UNIX-CONNECT:$sock" >"$tmp/big" 2>/dev/null
# The reply says "too large" unless the reset of the closed connection beat it
# to the client; either way that client is gone and nobody else is hurt.
[ ! -s "$tmp/big" ] || grep -q 'too large' "$tmp/big" || fail "an oversized request got: $(head -c 200 "$tmp/big")"
expect '{"version":1,"verb":"ping"}' '"text":"weft"'
# A client that connects and never writes must not hold anyone up.
(sleep 8 | socat - "UNIX-CONNECT:$sock" >/dev/null 2>&1 &)
sleep 0.2
expect '{"version":1,"verb":"ping"}' '"text":"weft"'
# A peer that is not root cannot even connect (mode 0600).
if command -v setpriv >/dev/null; then
        if printf '{"version":1,"verb":"stop","units":["a.service"]}\n' |
                timeout 10 setpriv --reuid=65534 --regid=65534 --clear-groups socat - "UNIX-CONNECT:$sock" 2>/dev/null |
                grep -q JobResult; then
                fail "a non-root peer stopped a unit"
        fi
fi
expect '{"version":1,"verb":"is-active","units":["a.service"]}' '"code":0'

# exit CODE: the container's exit status.
expect '{"version":1,"verb":"exit","options":{"exit_code":3}}' '"code":0'
wait "$weft"
status=$?
[ "$status" = 3 ] || fail "weft exited $status after exit 3"
if grep -qE 'runtime error|ERROR: AddressSanitizer|LeakSanitizer|ThreadSanitizer' "$tmp/weft.log"; then
        fail "sanitizer report"; cat "$tmp/weft.log"
fi
[ "$failed" = 0 ] && echo "$NAME: every verb answered, bad requests refused, the manager kept serving"
exit "$failed"
