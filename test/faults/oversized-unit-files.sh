#!/bin/bash
# Hostile unit files fail only themselves, each with its file and line,
# and the boot goes on: a 10 MB line (systemd's limit is 1 MiB), a drop-in
# with a 10 MB line, a NUL byte, a unit whose file is a symlink loop, and a
# unit with 20,000 After= entries on one unit that does exist. A unit that
# Wants= and is After= all of them still runs.
. "$(dirname "$0")/../lib/weft.sh"
wt_init oversized-unit-files

head -c 10000000 /dev/zero | tr '\0' x >"$TMP/x10m"
{ printf '[Unit]\nDescription='; cat "$TMP/x10m"; printf '\n[Service]\nExecStart=/bin/true\n'; } >"$U/longline.service"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\n' >"$U/longdropin.service"
mkdir -p "$U/longdropin.service.d"
{ printf '[Service]\nEnvironment=A='; cat "$TMP/x10m"; printf '\n'; } >"$U/longdropin.service.d/big.conf"
printf '[Unit]\nDescription=nul\0byte\n[Service]\nExecStart=/bin/true\n' >"$U/nul.service"
ln -s loop-b.service "$U/loop-a.service"
ln -s loop-a.service "$U/loop-b.service"
rm -f "$TMP/x10m"
{
        printf '[Unit]\nDefaultDependencies=no\n'
        for i in $(seq 20000); do printf 'After=longline.service\n'; done
        printf '[Service]\nType=oneshot\nExecStart=/bin/true\n'
} >"$U/many-afters.service"

wt_unit t.target <<UNIT
[Unit]
Wants=longline.service longdropin.service nul.service loop-a.service many-afters.service survivor.service
UNIT
wt_unit survivor.service <<UNIT
[Unit]
DefaultDependencies=no
After=longline.service longdropin.service nul.service loop-a.service many-afters.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo ran >>$TMP/survivor'
UNIT

wt_start --target t.target
wt_until $((20 * ${WT_TIME_SCALE:-1})) test -s "$TMP/survivor"
wt_assert_answers
[ "$(wt_lines "$TMP/survivor")" = 1 ] || wt_fail "survivor.service ran $(wt_lines "$TMP/survivor") times, want 1"
grep -q "longline\.service:2" "$WT_LOG" || wt_fail "no log line names longline.service:2 (the 10 MB line)"
grep -q "big\.conf:2" "$WT_LOG" || wt_fail "no log line names big.conf:2 (the drop-in's 10 MB line)"
grep -q "nul\.service" "$WT_LOG" || wt_fail "nothing in the log names nul.service (a NUL byte)"
for u in longline longdropin nul; do
        state=$(wt_ctl show "$u.service" -P LoadState)
        [ "$state" != loaded ] || wt_fail "$u.service loaded; it should have been refused"
done
[ "$(wt_ctl show many-afters.service -P ActiveState)" = inactive ] &&
        [ "$(wt_ctl show many-afters.service -P Result)" = success ] ||
        wt_fail "many-afters.service: $(wt_ctl show many-afters.service -P ActiveState -P Result | tr '\n' ' ')"
wt_assert_no_zombies
wt_stop
wt_assert_exit 0
wt_finish "10 MB lines (unit and drop-in), a NUL byte and a symlink loop failed only their units, with file:line; 20,000 After= loaded; the boot went on"
