#!/bin/bash
# A oneshot leaves 1,000 background children that outlive it: each in a
# session of its own (setsid), so stopping the unit's process group does not
# end them; they are orphaned to PID 1 and exit half a second later. weft
# keeps working while they die (a unit ordered after the oneshot runs,
# weftctl gets answers) and reaps every one of them: no zombie is left.
. "$(dirname "$0")/../lib/weft.sh"
wt_init orphans-reaped

wt_unit t.target <<EOF
[Unit]
Wants=orphans.service after-orphans.service
EOF
wt_unit orphans.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'i=0; while [ \$\$i -lt 1000 ]; do setsid sleep 0.5 & i=\$\$((i + 1)); done; echo \$\$i >>$TMP/orphans'
EOF
wt_unit after-orphans.service <<EOF
[Unit]
DefaultDependencies=no
After=orphans.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >>$TMP/after-orphans'
EOF

sleeps() { wt_ns_ps | awk '$3 == "sleep" { n++ } END { print n + 0 }'; }
no_sleeps() { [ "$(sleeps)" = 0 ]; }

wt_start --target t.target
wt_until 15 test -s "$TMP/after-orphans"
wt_assert_answers
[ "$(cat "$TMP/orphans" 2>/dev/null)" = 1000 ] || wt_fail "orphans.service did not run to its end"
[ "$(wt_lines "$TMP/after-orphans")" = 1 ] || wt_fail "after-orphans.service did not run"
wt_until 15 no_sleeps || wt_fail "$(sleeps) orphaned sleeps still there 15 s after orphans.service"
wt_assert_answers
wt_assert_no_zombies
wt_assert_boot_record
wt_stop
wt_assert_exit 0
wt_finish "1,000 orphans reaped, none left a zombie; weft answered and went on meanwhile"
