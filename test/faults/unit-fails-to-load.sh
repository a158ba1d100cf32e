#!/bin/bash
# A unit file that cannot load (ExecStart= a relative path) is logged by
# name and never started; the boot goes on, and a unit that Wants= and is
# After= it still runs.
. "$(dirname "$0")/../lib/weft.sh"
wt_init unit-fails-to-load

wt_unit t.target <<EOF
[Unit]
Wants=badload.service after-badload.service
EOF
wt_unit badload.service <<EOF
[Unit]
DefaultDependencies=no
[Service]
ExecStart=relative/path/to/binary
EOF
wt_unit after-badload.service <<EOF
[Unit]
DefaultDependencies=no
Wants=badload.service
After=badload.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >>$TMP/after-badload'
EOF

wt_start --target t.target
wt_until 10 test -s "$TMP/after-badload"
wt_assert_answers
grep -q 'badload\.service' "$WT_LOG" || wt_fail "nothing in the log names badload.service, which cannot load"
[ "$(wt_lines "$TMP/after-badload")" = 1 ] ||
        wt_fail "after-badload.service (Wants+After the unit that fails to load) ran $(wt_lines "$TMP/after-badload") times, want 1"
state=$(wt_ctl show badload.service -P LoadState -P ActiveState | tr '\n' ' ')
[ "$state" = "bad-setting inactive " ] ||
        wt_fail "badload.service is '$state', want 'bad-setting inactive' (as systemd: loaded with an error, never started)"
wt_assert_boot_record t.target after-badload.service
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
wt_finish "a unit that cannot load is logged and skipped; a Wants= dependent still runs"
