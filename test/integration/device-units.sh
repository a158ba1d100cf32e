#!/bin/bash
# Device units without udev (the fence's /sys is read-only and it has no
# /run/udev/control, as a container; so weft does not load libudev): a device whose node exists is plugged (dev-null.device) and
# its dependent runs; a device that never appears fails its dependent
# after JobTimeoutSec= while weft goes on; a device whose node appears
# later is noticed (inotify on its directory, no polling) and its
# dependent starts then. The late node lives in the test's directory.
. "$(dirname "$0")/../lib/weft.sh"
wt_init device-units
wt_need systemd-escape

LATE=$(systemd-escape --path --suffix=device "$TMP/devs/late")
printf '[Unit]\nWants=null-user.service missing-user.service late-user.service\n' | wt_unit t.target
printf '[Unit]\nDefaultDependencies=no\nRequires=dev-null.device\nAfter=dev-null.device\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n' | wt_unit null-user.service
printf '[Unit]\nDefaultDependencies=no\nRequires=dev-weft\\x2dmissing.device\nAfter=dev-weft\\x2dmissing.device\n[Service]\nType=oneshot\nExecStart=/bin/touch %s/missing.ran\n' "$TMP" | wt_unit missing-user.service
printf '[Unit]\nJobTimeoutSec=2\n' | wt_unit 'dev-weft\x2dmissing.device'
printf '[Unit]\nDefaultDependencies=no\nRequires=%s\nAfter=%s\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n' "$LATE" "$LATE" | wt_unit late-user.service
printf '[Unit]\nJobTimeoutSec=30\n' | wt_unit "$LATE"

wt_start --target t.target
wt_wait_state null-user.service active
[ "$(wt_ctl show dev-null.device -P SubState)" = plugged ] || wt_fail "dev-null.device is not plugged"
# A path names its unit, as systemctl mangles it: /dev/null is dev-null.device.
[ "$(wt_ctl show /dev/null -P Id)" = dev-null.device ] || wt_fail "weftctl show /dev/null is not dev-null.device"

# The late device: nothing there yet, then its directory and node appear.
sleep 0.5
[ "$(wt_ctl show late-user.service -P ActiveState)" = inactive ] || wt_fail "late-user.service did not wait for its device"
mkdir -p "$TMP/devs" && : >"$TMP/devs/late"
wt_wait_state "$LATE" active 5
wt_wait_state late-user.service active 5

# The missing device: its job times out after 2 s, the dependent fails.
start=$SECONDS
wt_until 10 grep -q "dev-weft.x2dmissing.device: Job .*timed out" "$WT_LOG" || wt_fail "no timeout line for the missing device"
[ $((SECONDS - start)) -le 5 ] || wt_fail "the missing device's job took $((SECONDS - start)) s, JobTimeoutSec=2"
wt_until 5 grep -q "missing-user.service: Dependency failed" "$WT_LOG" || wt_fail "missing-user.service did not fail with its device"
[ -e "$TMP/missing.ran" ] && wt_fail "missing-user.service ran without its device"
[ "$(wt_ctl show 'dev-weft\x2dmissing.device' -P ActiveState)" = inactive ] || wt_fail "the missing device is not inactive"

# udevd runs only where /sys is writable (systemd's udev_available()).
grep -q libudev "/proc/$WEFT_PID/maps" && wt_fail "weft loaded libudev with /sys read-only"

wt_assert_answers
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
wt_finish "devices that exist are plugged, a late one is noticed, a missing one fails its dependent after JobTimeoutSec="
