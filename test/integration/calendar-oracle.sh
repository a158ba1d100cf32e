#!/bin/bash
# Compares `weftctl analyze calendar --iterations=20 --base-time=T` with
# systemd's own `systemd-analyze calendar`, for every expression of
# test/fixtures/calendar/expressions.txt, under several base times and TZ
# settings: the normalized form, every elapse in local time and in UTC, the
# verdict and message for invalid input, and the exit status. Only the
# "From now" lines are left out (relative to the real clock), but their
# number must agree. Then `analyze timespan` on a list of spans.
# Exits 0 with a message when systemd-analyze is not installed; non-zero on
# any difference. Run from anywhere; BUILD names the build folder.
set -u
if ! command -v systemd-analyze >/dev/null 2>&1; then
        echo "calendar-oracle: systemd-analyze not found, skipping"
        exit 0
fi
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
WEFTCTL=$BUILD/weftctl
if [ ! -x "$WEFTCTL" ]; then
        echo "calendar-oracle: $WEFTCTL not built"
        exit 1
fi

TMP=$(mktemp -d /tmp/weft-calendar.XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT

# Expressions naming a zone file cost systemd-analyze a fork per elapse, so
# they run under one TZ per base time (the spec's zone, not TZ, decides
# their elapses); all others run under every TZ and base time.
plain=()
zoned=()
while IFS= read -r line; do
        case $line in '#'* | '') continue ;; esac
        last=${line##* }
        if [ "$last" != "$line" ] && [ "$last" != UTC ] && [ -f "/usr/share/zoneinfo/$last" ]; then
                zoned+=("$line")
        else
                plain+=("$line")
        fi
done <test/fixtures/calendar/expressions.txt

# Around Feb 29, the EU spring and autumn changes, the US autumn and spring
# changes, and a plain epoch.
bases=("2024-02-28 23:59:59" "2024-03-30 12:00:00" "2024-10-26 12:00:00" "2024-11-02 12:00:00"
        "2025-03-08 12:00:00.5" "@1700000000" "2024-12-31 23:30:00 UTC")
zones=(UTC Europe/Berlin America/New_York)

# run TOOL TZ BASE OUT EXPR...: stdout without "From now" values, stderr, status.
run() {
        local tool=$1 tz=$2 base=$3 out=$4
        shift 4
        if [ "$tool" = systemd ]; then
                TZ=$tz SYSTEMD_COLORS=0 SYSTEMD_LOG_LEVEL=info timeout 60 systemd-analyze --no-pager calendar \
                        --iterations=20 --base-time="$base" -- "$@" >"$out.raw" 2>"$out.err"
        else
                TZ=$tz timeout 60 "$WEFTCTL" analyze calendar --iterations=20 --base-time="$base" -- "$@" \
                        >"$out.raw" 2>"$out.err"
        fi
        echo "status $?" >>"$out.err"
        sed 's/^\( *From now: \).*/\1-/' "$out.raw" >"$out"
}

fail=0
pass=0
total=0
# compare TZ BASE EXPR...: one run of each tool, then one expression at a
# time only when something differs, to name it.
compare() {
        local tz=$1 base=$2
        shift 2
        total=$((total + $#))
        run systemd "$tz" "$base" "$TMP/want" "$@"
        run weft "$tz" "$base" "$TMP/got" "$@"
        if cmp -s "$TMP/want" "$TMP/got" && cmp -s "$TMP/want.err" "$TMP/got.err"; then
                pass=$((pass + $#))
                return
        fi
        for e in "$@"; do
                run systemd "$tz" "$base" "$TMP/w1" "$e"
                run weft "$tz" "$base" "$TMP/g1" "$e"
                if cmp -s "$TMP/w1" "$TMP/g1" && cmp -s "$TMP/w1.err" "$TMP/g1.err"; then
                        pass=$((pass + 1))
                else
                        fail=1
                        echo "calendar-oracle: MISMATCH TZ=$tz base='$base' expr='$e'"
                        diff "$TMP/w1" "$TMP/g1" | head -8 | sed 's/^/    out /'
                        diff "$TMP/w1.err" "$TMP/g1.err" | head -6 | sed 's/^/    err /'
                fi
        done
}
i=0
for base in "${bases[@]}"; do
        for tz in "${zones[@]}"; do
                compare "$tz" "$base" "${plain[@]}"
        done
        compare "${zones[$((i % ${#zones[@]}))]}" "$base" "${zoned[@]}"
        i=$((i + 1))
done
# Other zones: the southern hemisphere, DST of 30 minutes (Lord Howe) and a
# negative one (Dublin), TZ as a POSIX rule or empty, and years past 2037
# where only the zone file's footer rule applies.
exotic=("2040..2045-03,10-* 02:30" "2050-*-* 02:30 Australia/Sydney" "*-*-* 02:30 Australia/Sydney"
        "hourly Australia/Lord_Howe" "daily America/Santiago" "2090-*-* 12:00" "hourly"
        "*-*-* 02:30 Europe/Dublin" "hourly Europe/Dublin" "*-*~01 01:30 Pacific/Chatham")
for tz in Australia/Sydney "CET-1CEST,M3.5.0,M10.5.0/3" "" Europe/Dublin Pacific/Chatham; do
        for base in "2039-10-01 00:00:00" "2024-04-06 12:00:00"; do
                compare "$tz" "$base" "${exotic[@]}"
        done
done
echo "calendar-oracle: $pass of $total match (${#plain[@]} expressions x ${#bases[@]} base times x ${#zones[@]} zones," \
        "${#zoned[@]} with a named zone x ${#bases[@]} base times, ${#exotic[@]} in 5 more zones x 2 base times)"

# analyze timespan: the whole output of each, one span at a time (systemd
# stops at the first bad one).
spans=("1h 30min" "5" "1.5" "2min 200ms" "0" "1y 2M 3w 4d" "infinity" "500ms" "1us" "100 ms"
        "bad" "" "5 x" "-5" "99999999999999999999" "now" "daily")
tpass=0
for s in "${spans[@]}"; do
        SYSTEMD_COLORS=0 timeout 10 systemd-analyze --no-pager timespan -- "$s" >"$TMP/ws" 2>"$TMP/ws.err"
        echo "status $?" >>"$TMP/ws.err"
        timeout 10 "$WEFTCTL" analyze timespan -- "$s" >"$TMP/gs" 2>"$TMP/gs.err"
        echo "status $?" >>"$TMP/gs.err"
        if cmp -s "$TMP/ws" "$TMP/gs" && cmp -s "$TMP/ws.err" "$TMP/gs.err"; then
                tpass=$((tpass + 1))
        else
                fail=1
                echo "calendar-oracle: timespan MISMATCH for '$s'"
                diff "$TMP/ws" "$TMP/gs" | head -6
                diff "$TMP/ws.err" "$TMP/gs.err" | head -6
        fi
done
SYSTEMD_COLORS=0 timeout 10 systemd-analyze --no-pager timespan "1h" "2 s" "3min" >"$TMP/ws" 2>&1
timeout 10 "$WEFTCTL" analyze timespan "1h" "2 s" "3min" >"$TMP/gs" 2>&1
if cmp -s "$TMP/ws" "$TMP/gs"; then
        tpass=$((tpass + 1))
else
        fail=1
        echo "calendar-oracle: timespan MISMATCH for a list"
        diff "$TMP/ws" "$TMP/gs" | head -6
fi
echo "calendar-oracle: timespan $tpass of $((${#spans[@]} + 1)) match"
exit $fail
