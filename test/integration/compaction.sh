#!/bin/bash
# Compaction of the unit table (weft.yaml's collected_units_max): weft
# keeps a collected unit's memory until its table is read again, so after
# that many transient units (systemd-run --scope) it reads the unit files
# again by itself, without the generators, when nothing on the unit path
# changed since they were read:
#  - with collected_units_max: 20, 100 scopes compact the table several
#    times and it stays small;
#  - a unit file edited since the last read stops it (it would apply the
#    edit, which only a daemon-reload may): the edit is not applied, and
#    weft says why;
#  - a daemon-reload applies the edit, and compaction goes on.
# Skips without systemd-run. KEEP=1 keeps the temp dir.
. "$(dirname "$0")/../lib/weft.sh"
wt_init compaction
wt_need systemd-run

for t in sysinit basic shutdown; do
        printf '[Unit]\nDefaultDependencies=no\n' | wt_unit $t.target
done
printf '[Unit]\nDescription=first\nDefaultDependencies=no\n' | wt_unit t.target
printf 'collected_units_max: 20\n' >"$TMP/weft.yaml"
wt_start --config "$TMP/weft.yaml" --target t.target --private-bus /run/systemd/private \
        --transient-dir /run/systemd/transient || wt_finish ""
scopes() { # N: N transient scopes, one after the other
        local i
        for i in $(seq "$1"); do
                wt_ns timeout 20 systemd-run --scope --quiet true >/dev/null 2>&1 ||
                        { wt_fail "systemd-run --scope failed"; return; }
        done
}
count() { grep -c "$1" "$WT_LOG"; }

scopes 100
n=$(count "Compacted the unit table")
[ "$n" -ge 3 ] || wt_fail "100 collected scopes, compactions: $n"
last=$(grep "Compacted the unit table" "$WT_LOG" | tail -1)
kept=$(printf '%s\n' "$last" | sed -n 's/.*: \([0-9]*\) units,.*/\1/p')
[ -n "$kept" ] && [ "$kept" -le 12 ] || wt_fail "the table after compaction: $last"

printf '[Unit]\nDescription=edited\nDefaultDependencies=no\n' | wt_unit t.target
scopes 60
[ "$(count "Compacted the unit table")" = "$n" ] || wt_fail "compacted after a unit file was edited"
grep -q "Not compacting the unit table: the unit path changed" "$WT_LOG" || wt_fail "no word on why it does not compact"
[ "$(wt_ctl show t.target -P Description)" = first ] ||
        wt_fail "the edit was applied without a daemon-reload: $(wt_ctl show t.target -P Description)"

wt_ctl daemon-reload || wt_fail "daemon-reload failed"
[ "$(wt_ctl show t.target -P Description)" = edited ] || wt_fail "daemon-reload did not apply the edit"
scopes 40
[ "$(count "Compacted the unit table")" -gt "$n" ] || wt_fail "no compaction after the daemon-reload"

wt_assert_answers
wt_stop
wt_finish "the table compacts itself after collected_units_max transient units, never over an edit a reload has not taken"
