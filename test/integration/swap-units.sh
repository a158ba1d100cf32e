#!/bin/bash
# Swap units: swapon(8) runs as the unit's control process, and a swap
# whose What= does not exist fails with its dependent skipped while weft
# goes on; a unit whose name is not its What= is refused with its file.
# Swap is not per namespace, so this test never switches one on.
. "$(dirname "$0")/../lib/weft.sh"
wt_init swap-units
wt_need systemd-escape

S=$(systemd-escape --path --suffix=swap "$TMP/noswap")
printf '[Unit]\nWants=dep.service wrong.swap\n' | wt_unit t.target
printf '[Unit]\nDefaultDependencies=no\n[Swap]\nWhat=%s/noswap\nPriority=5\nTimeoutSec=10\n' "$TMP" | wt_unit "$S"
printf '[Unit]\nDefaultDependencies=no\nRequires=%s\nAfter=%s\n[Service]\nType=oneshot\nExecStart=/bin/touch %s/dep.ran\n' "$S" "$S" "$TMP" | wt_unit dep.service
printf '[Unit]\nDefaultDependencies=no\n[Swap]\nWhat=%s/other\n' "$TMP" | wt_unit wrong.swap

out=$("$WEFTCTL" verify --unit-path "$U" wrong.swap 2>&1) && wt_fail "verify accepted wrong.swap"
echo "$out" | grep -q "$U/wrong.swap:4: What=$TMP/other setting doesn't match unit name" ||
        wt_fail "verify did not name the file and the mismatch: $out"

wt_start --target t.target
wt_wait_state "$S" failed
wt_wait_state dep.service inactive
[ -e "$TMP/dep.ran" ] && wt_fail "dep.service ran although its swap failed"
grep -q "Swap process exited" "$WT_LOG" || wt_fail "no line saying swapon failed"
[ "$(wt_ctl show wrong.swap -P LoadState)" = bad-setting ] || wt_fail "wrong.swap is $(wt_ctl show wrong.swap -P LoadState)"
wt_assert_answers
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
wt_finish "a missing swap fails alone through swapon(8), a misnamed one is refused"
