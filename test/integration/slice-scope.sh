#!/bin/bash
# Slices and scopes are accepted and ordered: a slice needs no file, sits
# in its parent (a-b.slice After=/Requires= a.slice, a.slice in -.slice),
# a unit with Slice= starts after its slice is up, a scope from a file
# runs, and an automount is accepted and active without failing the unit
# that requires it (weft does not automount yet, and says so).
. "$(dirname "$0")/../lib/weft.sh"
wt_init slice-scope

printf '[Unit]\nWants=a.service x.scope\n' | wt_unit t.target
# a.service records whether its slice was already active when it ran.
cat <<EOF2 | wt_unit a.service
[Unit]
DefaultDependencies=no
[Service]
Type=oneshot
RemainAfterExit=yes
Slice=app-web.slice
ExecStart=/bin/sh -c '$WEFTCTL --runtime-dir $RUN is-active -- app-web.slice app.slice -.slice > $TMP/a.seen'
EOF2
printf '[Unit]\nDescription=a scope\nDefaultDependencies=no\n[Scope]\nSlice=app.slice\nTimeoutStopSec=5\nMemoryMax=1G\n' | wt_unit x.scope
printf '[Unit]\nDefaultDependencies=no\nRequires=data.automount\nAfter=data.automount\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n' | wt_unit b.service
printf '[Unit]\nDefaultDependencies=no\n[Automount]\nWhere=/data\nTimeoutIdleSec=10\n' | wt_unit data.automount

out=$("$WEFTCTL" verify --unit-path "$U" t.target a.service x.scope data.automount 2>&1) ||
        wt_fail "weftctl verify refused the units: $out"
echo "$out" | grep -qi "unknown\|warning" && wt_fail "weftctl verify warned: $out"

wt_start --target t.target
wt_wait_state a.service active
wt_wait_state x.scope active
[ "$(wt_ctl show x.scope -P SubState)" = running ] || wt_fail "x.scope is not running"
[ "$(tr '\n' ' ' <"$TMP/a.seen")" = "active active active " ] ||
        wt_fail "a.service ran before its slices were up: $(tr '\n' ' ' <"$TMP/a.seen")"
# The edges, from the files (weftctl show offline).
off() { "$WEFTCTL" --runtime-dir "$TMP/none" --unit-path "$U" show "$@" 2>/dev/null; }
after=$(off -P After a.service)
case " $after " in *" app-web.slice "*) ;; *) wt_fail "a.service is not After= its slice: $after" ;; esac
req=$(off -P Requires app-web.slice)
case " $req " in *" app.slice "*) ;; *) wt_fail "app-web.slice does not require app.slice: $req" ;; esac
req=$(off -P Requires app.slice)
case " $req " in *" -.slice "*) ;; *) wt_fail "app.slice does not require -.slice: $req" ;; esac
[ "$(wt_ctl show -P LoadState -- -.slice)" = loaded ] || wt_fail "-.slice did not load without a file"

wt_ctl start b.service || wt_fail "b.service, requiring an automount, did not start"
wt_ctl is-active data.automount >/dev/null || wt_fail "data.automount is not active"
[ "$(wt_ctl show data.automount -P SubState)" = waiting ] || wt_fail "data.automount is not waiting"
grep -q "automounting is not supported yet" "$WT_LOG" || wt_fail "no line saying automounts are not supported"
triggers=$(wt_ctl show data.automount -P Triggers)
[ "$triggers" = data.mount ] || wt_fail "data.automount does not trigger data.mount: $triggers"

wt_ctl stop app.slice || wt_fail "stop app.slice exited $?"
wt_assert_answers
wt_stop
wt_assert_exit 0
wt_finish "slices need no file and order their units, scopes run, automounts are accepted"
