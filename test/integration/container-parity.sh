#!/bin/bash
# `weft -- CMD` against Debian's tini, same run, same cases (issue 10): each
# case runs under each init as PID 1 of a fresh PID namespace, and again as
# a subreaper under a holder (PID 1) that reaps nothing but the init; the
# answers must be the same, and right:
#   exit codes (every one of 0..255 as PID 1, a sample as a subreaper),
#   death by TERM, KILL, SEGV, ABRT -> 128+N, exec failures (126, 127),
#   the 7 forwarded signals (and with -g), a paced flood of 200 SIGUSR1
#   (none lost, none duplicated), 200 orphans reaped with 0 zombies left,
#   stdin and stdout passed through, a terminal handed to CMD's process
#   group (tcsetpgrp; as PID 1 only), SIGTERM 0-1 ms after the init's exec
#   40 times (CMD signalled or the init exits; never a hang).
# weft alone (tini has no such thing): a SIGTERM-ignoring CMD is SIGKILLed
# after --stop-timeout; `weft --` is a usage error; 50,000 orphans that are
# zombies already when orphaned leave none (100,000 take ~9 s here, as
# under tini: too long for this test's bound on a loaded machine); a runtime directory that cannot
# be made (read-only root, no /run) still runs CMD, saying so.
# Everything runs inside one fence (test/lib/fence.sh), each case in its
# own nested PID namespace, so no init here ever sees the host.
. "$(dirname "$0")/../lib/weft.sh"
wt_init container-parity

command -v tini >/dev/null || { wt_fail "tini is not installed (.ci/deps installs it)"; wt_finish ""; }
cc -O2 -o "$TMP/ctr" test/tools/ctr_probe.c || { wt_fail "cannot build ctr_probe"; wt_finish ""; }

cat >"$TMP/cases.sh" <<'EOF'
# Inside the fence: $1 the test directory, $2 weft, $3 "quick" for the
# sanitizer builds (a sample of exit codes, fewer orphans). Writes DIR/INIT-MODE.out.
set -u
D=$1 WEFT=$2 CTR=$1/ctr QUICK=${3:-}
SAMPLE="0 1 2 3 42 125 126 127 128 129 200 254 255"
NS="unshare --pid --fork --kill-child --mount-proc"

# run INIT MODE [INIT OPTIONS] -- CMD...: the init's argv per mode.
run() {
        local init=$1 mode=$2
        shift 2
        local bin
        case $init in tini) bin=tini ;; weft) bin=$WEFT ;; esac
        case $mode in
        pid1) timeout -k 2 15 $NS "$bin" "$@" ;;
        sub) timeout -k 2 15 $NS "$CTR" holder "$bin" -s "$@" ;;
        esac
}

for init in tini weft; do
        for mode in pid1 sub; do
                out=$D/$init-$mode.out
                : >"$out"
                t0=$(date +%s%N)
                if [ "$mode" = pid1 ] && [ -z "$QUICK" ]; then codes=$(seq 0 255); else codes=$SAMPLE; fi
                for n in $codes; do
                        run $init $mode -- "$CTR" exit "$n" 2>>"$D/stderr.log"
                        echo "exit $n: $?" >>"$out"
                done
                t1=$(date +%s%N)
                for sig in 15 9 11 6; do
                        run $init $mode -- "$CTR" die "$sig" 2>>"$D/stderr.log"
                        echo "die $sig: $?" >>"$out"
                done
                run $init $mode -- /nonexistent/cmd 2>>"$D/stderr.log"
                echo "missing: $?" >>"$out"
                run $init $mode -- /tmp 2>>"$D/stderr.log"
                echo "directory: $?" >>"$out"
                echo "signals: $(run $init $mode -- "$CTR" signals 2>>"$D/stderr.log") rc=$?" >>"$out"
                echo "signals -g: $(run $init $mode -g -- "$CTR" signals 2>>"$D/stderr.log") rc=$?" >>"$out"
                echo "flood: $(run $init $mode -- "$CTR" flood 200 2>>"$D/stderr.log") rc=$?" >>"$out"
                echo "orphans: $(run $init $mode -- "$CTR" orphans 200 2>>"$D/stderr.log") rc=$?" >>"$out"
                # A terminal on stdin: CMD's group is its foreground group.
                if [ "$mode" = pid1 ]; then
                        fg=$(script -qec "$NS $([ $init = tini ] && echo tini || echo "$WEFT") -- sh -c 'ps -o pgid=,tpgid= -p \$\$'" /dev/null \
                                2>>"$D/stderr.log" </dev/null | tr -d '\r' | awk '{ print ($1 == $2) ? "foreground" : "background" }')
                        echo "tty: $fg" >>"$out"
                fi
                echo "stdio: $(printf 'one\ntwo\n' | run $init $mode -- cat 2>>"$D/stderr.log" | tr '\n' ,) rc=$?" >>"$out"
                # CMD starts with nothing blocked and SIGPIPE, SIGTTIN and
                # SIGTTOU not ignored (weft itself ignores SIGPIPE and blocks
                # SIGTTOU; neither may reach CMD). Only those three of the
                # ignored: what the caller ignores (make: 32 and 33) tini
                # passes on and weft resets, as systemd does for a service.
                echo "sigstate: $(run $init $mode -- sh -c 'set -- $(grep -E "^Sig(Blk|Ign)" /proc/self/status); echo "blocked=$2 ignored=$(( 0x$4 & 0x301000 ))"' 2>>"$D/stderr.log") rc=$?" >>"$out"
                t2=$(date +%s%N)
                # SIGTERM 0-1 ms after the init's exec, CMD sleeping 0.3 s: the
                # init exits 143 (CMD got it), or 0 after 0.3 s where the kernel
                # dropped it (PID 1 of a namespace before it blocked SIGTERM);
                # a hang is neither.
                ok=0 bad=""
                for i in $(seq 40); do
                        if [ "$mode" = pid1 ]; then
                                r=$("$CTR" execterm pid1 1000 8 "$([ $init = tini ] && echo tini || echo "$WEFT")" -- "$CTR" sleep 300 2>>"$D/stderr.log")
                        else
                                r=$("$CTR" execterm plain 1000 8 "$([ $init = tini ] && echo tini || echo "$WEFT")" -s -- "$CTR" sleep 300 2>>"$D/stderr.log")
                        fi
                        case $r in "143 "* | "0 "*) ok=$((ok + 1)) ;; *) bad="$bad [$r]" ;; esac
                done
                echo "early sigterm: $ok/40 bounded$bad" >>"$out"
                echo "time $init $mode: exits $(((t1 - t0) / 1000000)) ms, cases $(((t2 - t1) / 1000000)) ms, early sigterm $((($(date +%s%N) - t2) / 1000000)) ms" >&2
        done
done

# weft alone.
out=$D/weft-only.out
: >"$out"
start=$(date +%s%N)
run weft pid1 --stop-timeout 1 -- "$CTR" ignore-term 2>>"$D/stderr.log"
rc=$?
echo "ignore-term: $rc $(( ($(date +%s%N) - start) / 1000000 ))" >>"$out"
run weft pid1 -- 2>>"$D/stderr.log"
echo "dashdash: $?" >>"$out"
# As tini, weft says nothing when CMD fails: its status says it all.
run weft pid1 -- "$CTR" exit 3 2>"$D/quiet.err"
echo "quiet: $? $(wc -c <"$D/quiet.err")" >>"$out"
echo "storm: $(run weft pid1 -- "$CTR" storm "$([ -n "$QUICK" ] && echo 20000 || echo 50000)" 2>>"$D/stderr.log") rc=$?" >>"$out"
# A read-only /run (as a read-only root without /run): weft's runtime
# directory cannot be made.
echo "no-run: $(timeout -k 2 15 $NS sh -c "mount -o remount,bind,ro /run && exec $WEFT -- sh -c 'echo ran; exit 4'" \
        2>"$D/no-run.err") rc=$?" >>"$out"
EOF

# The sanitizer builds (WT_TIME_SCALE > 1) run slower: fewer cases, more time.
quick=
[ "${WT_TIME_SCALE:-1}" -gt 1 ] && quick=quick
wt_fenced $((58 * ${WT_TIME_SCALE:-1})) bash "$TMP/cases.sh" "$TMP" "$WEFT" $quick >"$WT_LOG" 2>&1
rc=$?
cat "$TMP/stderr.log" >>"$WT_LOG" 2>/dev/null # for the sanitizer builds' reports
[ "$rc" = 0 ] || wt_fail "the cases did not finish (rc $rc): $(tail -5 "$WT_LOG")"

for mode in pid1 sub; do
        if ! diff "$TMP/tini-$mode.out" "$TMP/weft-$mode.out" >"$TMP/diff-$mode"; then
                wt_fail "weft and tini differ as $mode: $(head -20 "$TMP/diff-$mode")"
        fi
        w=$TMP/weft-$mode.out
        # Right answers, not only the same ones.
        awk -F': ' '/^exit / { split($1, a, " "); if (a[2] != $2) { print; bad = 1 } } END { exit bad }' "$w" ||
                wt_fail "$mode: wrong exit codes"
        for want in "die 15: 143" "die 9: 137" "die 11: 139" "die 6: 134" "missing: 127" "directory: 126" \
                "tty: foreground" "signals: TERM INT HUP QUIT USR1 USR2 WINCH  rc=0" "signals -g: TERM INT HUP QUIT USR1 USR2 WINCH  rc=0" \
                "flood: 200 rc=0" "orphans: zombies=0 rc=0" "stdio: one,two, rc=0" "early sigterm: 40/40 bounded" \
                "sigstate: blocked=0000000000000000 ignored=0 rc=0"; do
                [ "$mode" = sub ] && [ "${want%%:*}" = tty ] && continue
                grep -qxF "$want" "$w" || wt_fail "$mode: expected '$want', got '$(grep -F "${want%%:*}:" "$w" | head -1)'"
        done
done
o=$TMP/weft-only.out
read -r _ krc kms < <(grep '^ignore-term:' "$o")
[ "${krc:-}" = 137 ] && [ "${kms:-99999}" -ge 900 ] && [ "${kms:-99999}" -lt 5000 ] ||
        wt_fail "a SIGTERM-ignoring CMD was not SIGKILLed after --stop-timeout 1 (rc ${krc:-?}, ${kms:-?} ms)"
grep -qxF "dashdash: 2" "$o" || wt_fail "weft -- is not a usage error: $(grep dashdash "$o")"
grep -qxF "quiet: 3 0" "$o" || wt_fail "weft wrote to stderr when CMD exited 3: $(cat "$TMP/quiet.err")"
grep -qxF "storm: zombies=0 rc=0" "$o" || wt_fail "50,000 orphans: $(grep storm "$o")"
grep -qxF "no-run: ran rc=4" "$o" || wt_fail "without a runtime directory: $(grep no-run "$o")"
grep -q "cannot use /run/weft/log: Read-only file system; running without" "$TMP/no-run.err" ||
        wt_fail "weft did not say what it could not set up: $(cat "$TMP/no-run.err")"

wt_finish "weft matches tini as PID 1 and as a subreaper ($(wc -l <"$TMP/weft-pid1.out") + $(wc -l <"$TMP/weft-sub.out") cases), $(grep -h 'early sigterm' "$TMP"/weft-*.out | head -1 | cut -d' ' -f3) early SIGTERMs bounded, stop timeout kills in ${kms:-?} ms"
