#!/bin/bash
# weftctl start of units ordered after each other and not in the boot: two
# in one call, two in separate calls, a chain of five named in reverse in
# one call (started in order), and five more started by concurrent calls. Each start used to
# overflow the cycle search's stack in PID 1 (issue 8, B1). Asserts: weft
# stays alive and answers list-units within 1 s, every unit is active, no
# zombie, a clean shutdown (exit 0, no sanitizer report).
. "$(dirname "$0")/../lib/weft.sh"
wt_init start-many-ordered

wt_unit t.target <<EOF
[Unit]
Description=an empty boot: every service below starts on request
EOF
# service NAME [AFTER...]
service() {
        local name=$1
        shift
        wt_unit "$name.service" <<EOF
[Unit]
DefaultDependencies=no
${1:+After=$(printf '%s.service ' "$@")}
[Service]
ExecStart=/bin/sleep 1000
EOF
}
service a
service b a
service c
service d c
service e1
service e2 e1
service e3 e2
service e4 e3 e1
service e5 e4
service f1
service f2 f1
service f3 f2 f1
service f4 f3
service f5 f4 f2
units="a b c d e1 e2 e3 e4 e5 f1 f2 f3 f4 f5"

wt_start --target t.target || wt_finish "weft did not start"

wt_ctl start a.service b.service || wt_fail "start a.service b.service failed"
wt_assert_answers
wt_ctl start c.service || wt_fail "start c.service failed"
wt_ctl start d.service || wt_fail "start d.service failed"
wt_assert_answers
wt_ctl start e5.service e4.service e3.service e2.service e1.service || wt_fail "start e5..e1 failed"
wt_assert_answers
pids=()
for u in f5 f4 f3 f2 f1; do
        wt_ctl start "$u.service" &
        pids+=($!)
done
for p in "${pids[@]}"; do
        wait "$p" || wt_fail "a concurrent start of f1..f5 failed"
done
wt_assert_answers

for u in $units; do
        state=$(wt_ctl is-active "$u.service")
        [ "$state" = active ] || wt_fail "$u.service is $state, not active"
done
# The units of one call order against each other, whatever order they
# were named in. (Separate calls are separate requests: f5 may run before
# f4 is asked for, as in systemd.)
for chain in "a b" "c d" "e1 e2 e3 e4 e5"; do
        prev=
        for u in $chain; do
                t=$(wt_ctl show "$u.service" -P ActiveEnterTimestampMonotonic)
                if [ -n "$prev" ] && [ "${t:-0}" -lt "$prev" ]; then
                        wt_fail "$u.service became active before the unit it is ordered after"
                fi
                prev=${t:-0}
        done
done
wt_assert_no_zombies

wt_stop
[ "$WEFT_RC" = 0 ] || wt_fail "weft exited with status $WEFT_RC after SIGTERM"
wt_finish "ordered units started in one call, in separate and in concurrent calls; weft answered throughout and shut down cleanly"
