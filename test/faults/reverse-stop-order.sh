#!/bin/bash
# At shutdown, units stop in the reverse of their After= order: stop-b
# (After=stop-a) runs its ExecStop before stop-a's, though stop-b's ExecStop
# sleeps first (stopped in parallel, A's line would come first).
. "$(dirname "$0")/../lib/weft.sh"
wt_init reverse-stop-order

wt_unit t.target <<EOF
[Unit]
Wants=stop-a.service stop-b.service
EOF
wt_unit stop-a.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=/bin/sleep 1000
ExecStop=/bin/sh -c 'echo "stop A" >>$TMP/stop-order'
EOF
wt_unit stop-b.service <<EOF
[Unit]
DefaultDependencies=no
After=stop-a.service
[Service]
ExecStart=/bin/sleep 1000
ExecStop=/bin/sh -c 'sleep 0.3; echo "stop B" >>$TMP/stop-order'
EOF

wt_start --target t.target
wt_wait_state stop-a.service active
wt_wait_state stop-b.service active
wt_assert_answers
wt_assert_boot_record
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
order=$(tr '\n' ',' <"$TMP/stop-order" 2>/dev/null)
[ "$order" = "stop B,stop A," ] ||
        wt_fail "ExecStop order was '${order%,}', want 'stop B,stop A' (stop-b.service is After=stop-a.service)"
wt_finish "shutdown runs ExecStop in the reverse of After= order"
