#!/bin/bash
# The control socket, spoken to directly (socat), with weft as PID 1 of a
# private PID namespace: every verb's reply and exit code, jobs that wait
# for their result, and bad input — a malformed, unversioned, truncated or
# oversized request, a client that connects and never writes, a peer that is
# not root — each answered or refused while the manager keeps serving.
. "$(dirname "$0")/../lib/weft.sh"
wt_init control-socket
wt_need socat

printf '[Unit]\nWants=a.service b.service\n' | wt_unit t.target
printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 1000\n' | wt_unit a.service
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n' | wt_unit b.service
printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 1000\n' | wt_unit c.service
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/false\n' | wt_unit bad.service
printf '[Unit]\nDefaultDependencies=no\nRequires=bad.service\nAfter=bad.service\n[Service]\nExecStart=/bin/sleep 1000\n' | wt_unit needs-bad.service

wt_start --target t.target
sock=$RUN/control

q() { printf '%s\n' "$1" | timeout 20 socat -t 20 - "UNIX-CONNECT:$sock"; }
expect() { # request, then a fixed string the reply must contain
        local reply
        reply=$(q "$1")
        case "$reply" in *"$2"*) ;; *) wt_fail "request $1: expected $2, got: $reply" ;; esac
}

[ "$(stat -c %a "$sock")" = 600 ] || wt_fail "control socket mode is $(stat -c %a "$sock"), not 600"
wt_wait_state a.service active

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
# Stopped and referenced by nothing, c.service is collected as systemd
# collects it; list-units --all still answers, with what is left.
expect '{"version":1,"verb":"list-units","options":{"all":true}}' '"Id":"a.service"'
expect '{"version":1,"verb":"status","units":["c.service"]}' '"ActiveState":"inactive"'
expect '{"version":1,"verb":"list-jobs"}' '"code":0'
expect '{"version":1,"verb":"frobnicate"}' "Unknown verb"
# A newer client: higher version, keys this weft does not know.
expect '{"version":7,"verb":"ping","future":{"x":[1,2]}}' '"text":"weft"'

# Bad input: each gets an error reply, and the manager keeps serving.
expect 'garbage' '"code":1'
expect '{"verb":"ping"}' 'unversioned'
expect '{"version":1,"verb":"ping"' '"code":1'
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' x | timeout 20 socat -t 20 - "UNIX-CONNECT:$sock" >"$TMP/big" 2>/dev/null
# The reply says "too large" unless the reset of the closed connection beat it
# to the client; either way that client is gone and nobody else is hurt.
[ ! -s "$TMP/big" ] || grep -q 'too large' "$TMP/big" || wt_fail "an oversized request got: $(head -c 200 "$TMP/big")"
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
                wt_fail "a non-root peer stopped a unit"
        fi
fi
expect '{"version":1,"verb":"is-active","units":["a.service"]}' '"code":0'

# exit CODE: the container's exit status.
expect '{"version":1,"verb":"exit","options":{"exit_code":3}}' '"code":0'
wt_wait_exit
wt_assert_exit 3
wt_finish "every verb answered, bad requests refused, the manager kept serving"
