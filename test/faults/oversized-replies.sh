#!/bin/bash
# Oversized replies: `list-units --all` of 10,001 units (a reply well over
# 1 MiB) and `show` of a unit with 3,100 drop-ins (one value well over
# 64 KiB) are answered in full, with no reset connection (B7).
. "$(dirname "$0")/../lib/weft.sh"
wt_init oversized-replies

# 10,000 targets (units that start without a process) wanted by t.target,
# and x.service with 3,100 drop-ins; written in one go (a shell loop takes
# minutes on a slow machine).
printf '[Unit]\nWants=x.service\n' >"$U/t.target"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep 1000\n' >"$U/x.service"
mkdir -p "$U/t.target.wants" "$U/x.service.d"
awk -v u="$U" 'BEGIN {
        for (i = 1; i <= 10000; i++) {
                n = sprintf("many-units-to-list-%05d.target", i)
                print "[Unit]" >(u "/" n); close(u "/" n)
                print n >(u "/links")
        }
        for (i = 1; i <= 3100; i++) {
                f = sprintf("%s/x.service.d/drop-in-with-a-long-name-%04d.conf", u, i)
                printf "[Unit]\nDescription=drop-in %04d\n", i >f; close(f)
        }
}'
(cd "$U/t.target.wants" && sed 's|^|../|' "$U/links" | xargs ln -s -t .) || wt_fail "cannot link the targets"
rm -f "$U/links"
wt_start --target t.target || wt_finish "weft did not start"
wt_wait_state x.service active 20

wt_ctl list-units --all >"$TMP/list" 2>"$TMP/list.err" || wt_fail "list-units --all failed: $(head -c 300 "$TMP/list.err")"
n=$(grep -c 'many-units-to-list-' "$TMP/list")
[ "$n" = 10000 ] || wt_fail "list-units --all listed $n of the 10,000 targets"

wt_ctl show x.service >"$TMP/show" 2>"$TMP/show.err" || wt_fail "show failed: $(head -c 300 "$TMP/show.err")"
n=$(grep '^DropInPaths=' "$TMP/show" | tr ' ' '\n' | grep -c 'drop-in-with-a-long-name-')
[ "$n" = 3100 ] || wt_fail "show listed $n of the 3,100 drop-ins"
grep -q '^Description=drop-in 3100$' "$TMP/show" || wt_fail "the last drop-in did not apply: $(grep '^Description=' "$TMP/show")"

! grep -q 'cannot encode' "$TMP/weft.log" || wt_fail "weft: $(grep -m1 'cannot encode' "$TMP/weft.log")"
wt_assert_answers
wt_assert_no_zombies
wt_stop
wt_finish "list-units --all of 10,001 units ($(wc -c <"$TMP/list") bytes shown) and show of 3,100 drop-ins answered in full"
