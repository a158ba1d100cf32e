#!/bin/bash
# JobTimeoutSec=, JobRunningTimeoutSec= and JobTimeoutAction= with a real
# weftctl: a start that waits (After=) for a oneshot that sleeps ends after
# JobTimeoutSec= with "Job for X timed out.", nothing of it runs, the slow
# unit goes on, and JobTimeoutAction=exit makes weft exit; a start whose
# own process runs too long ends after JobRunningTimeoutSec= while its unit
# keeps activating, and without an action weft goes on.
. "$(dirname "$0")/../lib/weft.sh"
wt_init job-timeout

printf '[Unit]\nWants=slow.service\n' | wt_unit t.target
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/sleep 300\n' | wt_unit slow.service
printf '[Unit]\nDefaultDependencies=no\nAfter=slow.service\nJobTimeoutSec=1s\nJobTimeoutAction=exit\n[Service]\nType=oneshot\nExecStart=/bin/touch %s/late.ran\n' "$TMP" | wt_unit late.service
printf '[Unit]\nDefaultDependencies=no\nJobRunningTimeoutSec=1s\n[Service]\nType=oneshot\nExecStart=/bin/sleep 300\n' | wt_unit running.service

# The unit files' settings, as weftctl reads them (offline).
off() { timeout 30 "$WEFTCTL" --runtime-dir "$TMP/none" --unit-path "$U" show "$1" -P "$2" 2>/dev/null; }
[ "$(off running.service JobRunningTimeoutUSec)" = 1s ] || wt_fail "show: JobRunningTimeoutUSec=$(off running.service JobRunningTimeoutUSec)"
[ "$(off late.service JobTimeoutUSec)" = 1s ] || wt_fail "show: JobTimeoutUSec=$(off late.service JobTimeoutUSec)"
[ "$(off late.service JobTimeoutAction)" = exit ] || wt_fail "show: JobTimeoutAction=$(off late.service JobTimeoutAction)"

wt_start --target t.target
wt_wait_state slow.service activating

# JobRunningTimeoutSec=: the job ends, the unit's start goes on.
start=$SECONDS
out=$(wt_ctl start running.service 2>&1) && wt_fail "start running.service succeeded: $out"
[ "${out%%$'\n'*}" = "Job for running.service timed out." ] || wt_fail "start running.service said: $out"
[ $((SECONDS - start)) -le $((5 * ${WT_TIME_SCALE:-1})) ] || wt_fail "running.service's job took $((SECONDS - start)) s"
[ "$(wt_ctl show running.service -P ActiveState)" = activating ] || wt_fail "running.service is not activating any more"
wt_assert_answers

# JobTimeoutSec=: the waiting job ends, then JobTimeoutAction=exit.
out=$(wt_ctl start late.service 2>&1) && wt_fail "start late.service succeeded: $out"
[ "${out%%$'\n'*}" = "Job for late.service timed out." ] || wt_fail "start late.service said: $out"
grep -q "late.service: Job late.service/start timed out." "$WT_LOG" || wt_fail "no timeout line for late.service"
wt_wait_exit 10
wt_assert_exit 0
grep -q "late.service: job timed out; JobTimeoutAction=exit" "$WT_LOG" || wt_fail "weft did not say why it exits"
[ -e "$TMP/late.ran" ] && wt_fail "late.service ran after its job timed out"
wt_finish "a job past JobTimeoutSec= or JobRunningTimeoutSec= ends with 'timed out', its unit untouched, and JobTimeoutAction=exit ends weft"
