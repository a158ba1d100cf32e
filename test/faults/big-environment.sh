#!/bin/bash
# One unit with 100,000 Environment= lines (issue 8, B7: it took 28 s to
# load and stalled the spawn for 26 s, both quadratic). It loads, starts
# and sees systemd's semantics: an empty Environment= resets the list, a
# reassigned name has its last value, every other name is there once.
# The time bounds are hang guards, not measurements (bench/env-bench.sh
# measures): weft must answer within wt_start's 10 s with the unit loaded,
# and the service must have run 30 s later.
. "$(dirname "$0")/../lib/weft.sh"
wt_init big-environment

wt_unit t.target <<EOF
[Unit]
Wants=big.service after-big.service
EOF
{
        printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\n'
        # env(1), not a shell: dash takes seconds to import 100,000 variables.
        printf 'ExecStart=/usr/bin/env\nStandardOutput=file:%s/env\n' "$TMP"
        # Line 1 is reset by line 2; then distinct names V<i>, and every 100th line reassigns R.
        awk 'BEGIN {
                print "Environment=GONE=yes"
                print "Environment="
                for (i = 3; i <= 100000; i++)
                        if (i % 100 == 0) print "Environment=R=" i
                        else print "Environment=V" i "=x"
        }'
} >"$U/big.service"
wt_unit after-big.service <<EOF
[Unit]
DefaultDependencies=no
After=big.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >$TMP/after'
EOF
lines=$(grep -c '^Environment=' "$U/big.service")
want_v=$(awk 'BEGIN { for (i = 3; i <= 100000; i++) if (i % 100) n++; print n }')

wt_start --target t.target
wt_wait_state big.service active 30
wt_assert_answers
[ "$lines" = 100000 ] || wt_fail "the unit has $lines Environment= lines, want 100000"
got="$(grep -c '^R=' "$TMP/env" 2>/dev/null) $(grep '^R=' "$TMP/env" 2>/dev/null) $(grep -c '^GONE=' "$TMP/env" 2>/dev/null)"
got="$got $(grep -c '^V3=x$' "$TMP/env" 2>/dev/null) $(grep -c '^V99999=x$' "$TMP/env" 2>/dev/null) $(grep -c '^V' "$TMP/env" 2>/dev/null)"
[ "$got" = "1 R=100000 0 1 1 $want_v" ] ||
        wt_fail "the service saw '$got', want '1 R=100000 0 1 1 $want_v' (R once with its last value, GONE reset, V3, V99999, $want_v V names)"
[ -s "$TMP/after" ] || wt_fail "after-big.service (ordered after big.service) did not run"
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
wt_finish "100,000 Environment= lines load and start at once: reset, last value wins, every name once"
