#!/bin/bash
# daemon-reload while jobs are queued, as systemd allows it (weft refused
# it before): with a start job running (gate.service waits for a file) and
# others waiting for it,
#  - weftctl daemon-reload and systemctl daemon-reload succeed, and every
#    job keeps its id;
#  - a waiting start whose new file drops its After= runs at once;
#  - a waiting start runs, once its turn comes, with its new file, and the
#    client that asked for it is answered.
# The systemctl part skips without systemctl. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init daemon-reload-jobs

oneshot() { # NAME [UNIT LINES] [SERVICE LINES]
        printf '[Unit]\nDefaultDependencies=no\n%b[Service]\nType=oneshot\nRemainAfterExit=yes\n%b' "${2:-}" "${3:-}" |
                wt_unit "$1"
}
printf '[Unit]\nDefaultDependencies=no\n' | wt_unit t.target
oneshot gate.service "" "ExecStart=/bin/sh -c 'while [ ! -e $TMP/gate.go ]; do sleep 0.1; done'\n"
oneshot need.service "Requires=gate.service\nAfter=gate.service\n" "ExecStart=/bin/echo need-v1\n"
oneshot after.service "After=gate.service\n" "ExecStart=/bin/echo after-ran\n"
wt_start --target t.target --private-bus /run/systemd/private || wt_finish ""

T=$((10 * ${WT_TIME_SCALE:-1})) # a bound for what must happen, not a timing
job_of() { wt_ctl list-jobs --no-legend | awk -v u="$1" '$2 == u { print $1 }'; }
has_job() { test -n "$(job_of "$1")"; }

wt_ctl start --no-block gate.service after.service || wt_fail "start --no-block gate after"
wt_ctl start need.service >"$TMP/need.out" 2>&1 &
waiter=$!
wt_until "$T" has_job need.service || wt_fail "need.service has no job: $(wt_ctl list-jobs)"
gate=$(job_of gate.service) need=$(job_of need.service)

oneshot need.service "Requires=gate.service\nAfter=gate.service\n" "ExecStart=/bin/echo need-v2\n"
oneshot after.service "" "ExecStart=/bin/echo after-ran\n"
out=$(wt_ctl daemon-reload 2>&1) || wt_fail "daemon-reload with jobs queued failed: $out"
[ "$(job_of gate.service) $(job_of need.service)" = "$gate $need" ] ||
        wt_fail "the jobs changed ids ($gate $need before): $(wt_ctl list-jobs)"
wt_wait_state after.service active "$T"
[ "$(wt_ctl show gate.service -P ActiveState)" = activating ] || wt_fail "gate.service is no longer starting"
if command -v systemctl >/dev/null 2>&1; then
        out=$(wt_systemctl daemon-reload) || wt_fail "systemctl daemon-reload with jobs queued failed: $out"
        [ "$(job_of need.service)" = "$need" ] || wt_fail "need.service's job changed: $(wt_ctl list-jobs)"
fi

touch "$TMP/gate.go"
wait "$waiter" || wt_fail "start need.service, asked before the reload, failed: $(cat "$TMP/need.out")"
grep -q need-v2 "$RUN/log/need.service.log" 2>/dev/null ||
        wt_fail "need.service did not run its new file: $(cat "$RUN/log/need.service.log" 2>&1)"
[ -z "$(wt_ctl list-jobs --no-legend)" ] || wt_fail "jobs left: $(wt_ctl list-jobs)"
wt_assert_answers
wt_stop
wt_finish "jobs survive daemon-reload with their ids and clients, and wait by the new files"
