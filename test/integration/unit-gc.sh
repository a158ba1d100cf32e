#!/bin/bash
# Units nothing needs are garbage-collected, as systemd collects them:
# a unit loaded only because `status` named it, a started oneshot nobody
# references once it finished, a failed unit once reset-failed (or at
# once with CollectMode=inactive-or-failed), and a mount made and undone
# by hand inside weft's namespace all leave `list-units --all`; a unit
# that a live unit references stays, also inactive. Named again, a
# collected unit comes back fresh (status answers, a mount made again is
# active again). Nothing outside the namespace is touched.
. "$(dirname "$0")/../lib/weft.sh"
wt_init unit-gc
wt_need systemd-escape findmnt

H=$(systemd-escape --path --suffix=mount "$TMP/hand")
mkdir -p "$TMP/hand"

printf '[Unit]\nWants=keep.service\n' | wt_unit t.target
printf '[Unit]\nDefaultDependencies=no\nAfter=ref.service\n[Service]\nType=oneshot\nExecStart=/bin/true\n' | wt_unit keep.service
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/true\n' | wt_unit ref.service
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/touch %s/lone.ran\n' "$TMP" | wt_unit lone.service
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/false\n' | wt_unit failing.service
printf '[Unit]\nDefaultDependencies=no\nCollectMode=inactive-or-failed\n[Service]\nType=oneshot\nExecStart=/bin/false\n' | wt_unit failgc.service
printf '[Unit]\nDefaultDependencies=no\n' | wt_unit umount.target

# listed UNIT: list-units --all has a row for UNIT (a failed row starts with a mark).
listed() { wt_ctl list-units --all --no-legend 2>/dev/null |
           UNIT=$1 awk '$1 == ENVIRON["UNIT"] || $2 == ENVIRON["UNIT"] { f = 1 } END { exit !f }'; }
# until_gone UNIT: collected within 5 s (the sweep follows the transition).
until_gone() {
        local i
        for i in $(seq 100); do
                listed "$1" || return 0
                sleep 0.05
        done
        return 1
}

wt_start --target t.target
wt_wait_state keep.service inactive
# A function: wt_until runs it again each time (a $(...) in its arguments would be read once).
keep_succeeded() { [ "$(wt_ctl show keep.service -P Result 2>/dev/null)" = success ]; }
wt_until 5 keep_succeeded || wt_fail "keep.service's Result is not success: $(wt_ctl show keep.service -P Result)"

# Referenced by a live unit: kept, although inactive.
listed keep.service || wt_fail "keep.service (wanted by t.target) is not listed"
listed ref.service || wt_fail "ref.service (After= of keep.service, which t.target wants) is not listed"

# Named by status, referenced by nothing: collected after the request.
wt_ctl status lone.service >/dev/null 2>&1
[ $? = 3 ] || wt_fail "status lone.service did not say inactive (3)"
until_gone lone.service || wt_fail "lone.service, loaded only by status, is still listed: $(wt_ctl list-units --all --no-legend | grep lone)"

# Started by hand: it runs, finishes, and goes.
wt_ctl start lone.service || wt_fail "start lone.service exited $?"
[ -e "$TMP/lone.ran" ] || wt_fail "lone.service did not run"
until_gone lone.service || wt_fail "lone.service is still listed after it finished"
# Named again: it comes back fresh.
[ "$(wt_ctl show lone.service -P ActiveState)" = inactive ] || wt_fail "lone.service shows $(wt_ctl show lone.service -P ActiveState 2>&1) once collected"
[ "$(wt_ctl show lone.service -P LoadState)" = loaded ] || wt_fail "lone.service shows LoadState=$(wt_ctl show lone.service -P LoadState 2>&1) once collected"

# Failed: kept (CollectMode=inactive), until reset-failed.
wt_ctl start failing.service >/dev/null 2>&1 && wt_fail "start failing.service succeeded"
sleep 0.3
listed failing.service || wt_fail "failing.service is not listed although it failed"
[ "$(wt_ctl show failing.service -P ActiveState)" = failed ] || wt_fail "failing.service is $(wt_ctl show failing.service -P ActiveState 2>&1)"
wt_ctl reset-failed failing.service || wt_fail "reset-failed exited $?"
until_gone failing.service || wt_fail "failing.service is still listed after reset-failed"

# CollectMode=inactive-or-failed: collected failed.
wt_ctl start failgc.service >/dev/null 2>&1 && wt_fail "start failgc.service succeeded"
until_gone failgc.service || wt_fail "failgc.service (CollectMode=inactive-or-failed) is still listed after it failed"

# A mount made by hand inside the namespace, then undone: listed, then gone.
wt_ns mount -t tmpfs -o size=1m hand "$TMP/hand" || wt_fail "mounting by hand failed"
wt_wait_state "$H" active 5
listed "$H" || wt_fail "$H is not listed while mounted"
wt_ns umount "$TMP/hand" || wt_fail "unmounting by hand failed"
until_gone "$H" || wt_fail "$H is still listed after the unmount: $(wt_ctl list-units --all --no-legend | grep hand)"
# Mounted again: the same name is back, active.
wt_ns mount -t tmpfs -o size=1m hand "$TMP/hand" || wt_fail "mounting by hand again failed"
wt_wait_state "$H" active 5
listed "$H" || wt_fail "$H is not listed once mounted again"
wt_ns umount "$TMP/hand"

wt_assert_answers
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
wt_finish "units nothing needs leave list-units --all; referenced ones stay; named again they come back fresh"
