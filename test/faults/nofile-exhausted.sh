#!/bin/bash
# RLIMIT_NOFILE exhausted: weft runs with 64 fds and 100 clients connect to
# its control socket and hold their connections. weft must not spin on
# EMFILE (its CPU time stays small), logs a bounded number of lines, keeps
# answering root's weftctl, and works normally once the clients go (B6).
. "$(dirname "$0")/../lib/weft.sh"
wt_init nofile-exhausted
PY=$(command -v /usr/bin/python3 || command -v python3) || { echo "$WT_NAME: python3 not installed, skipping"; exit 0; }

wt_unit t.target <<EOF
[Unit]
Wants=a.service
EOF
wt_unit a.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sleep 1000
EOF
WT_PREFIX="prlimit --nofile=64:64" wt_start --target t.target || wt_finish "weft did not start"
wt_wait_state a.service active
[ "$(awk '/^Max open files/ { print $4 }' "/proc/$WEFT_PID/limits")" = 64 ] ||
        wt_fail "weft's fd limit is not 64: $(grep 'open files' "/proc/$WEFT_PID/limits")"

# cpu_ticks: weft's user + system time so far, in clock ticks.
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$WEFT_PID/stat"; }
hz=$(getconf CLK_TCK)

before_lines=$(wc -l <"$TMP/weft.log")
timeout 20 "$PY" "$WT_ROOT/test/tools/ctl_clients.py" "$RUN/control" hold 100 4 >"$TMP/held.out" &
held=$!
for _ in $(seq 100); do [ -s "$TMP/held.out" ] && break; sleep 0.05; done
grep -q '^ready 100' "$TMP/held.out" || wt_fail "the clients did not all connect: $(cat "$TMP/held.out")"
# Over 3 s with the connections held, weft may use a tenth of a CPU at most.
t0=$(cpu_ticks)
sleep 1
wt_assert_answers
sleep 2
used=$(($(cpu_ticks) - t0))
[ "$used" -le $((hz * 3 / 10)) ] || wt_fail "weft used $used ticks of CPU in 3 s ($hz a second) with its fds exhausted"
wait "$held"
lines=$(($(wc -l <"$TMP/weft.log") - before_lines))
[ "$lines" -le 20 ] || wt_fail "weft logged $lines lines while its fds were exhausted (at most 20 expected)"

# The clients are gone: everything works as before.
wt_assert_answers
wt_ctl restart a.service >/dev/null || wt_fail "weftctl restart a.service failed after the clients left"
wt_wait_state a.service active
wt_assert_no_zombies
wt_stop
wt_finish "100 held connections with 64 fds: $used ticks of CPU in 3 s, $lines log lines, weftctl answered"
