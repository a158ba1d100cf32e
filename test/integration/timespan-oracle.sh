#!/bin/bash
# Compares weft's parse_timespan()/format_timespan() with systemd's own, via
# `systemd-analyze timespan`, for a list of awkward inputs. Builds a small
# driver (test/tools/timespan.c) into a temporary folder. Exits 0 with a
# message when systemd-analyze is not installed; non-zero on any difference.
# Run from the repository root (test/run-all.sh does).
set -u
if ! command -v systemd-analyze >/dev/null 2>&1; then
        echo "timespan-oracle: systemd-analyze not found, skipping"
        exit 0
fi
cd "$(dirname "$0")/../.." || exit 1

TMP=$(mktemp -d /tmp/weft-timespan.XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT

if ! timeout 120 ${CC:-cc} -std=c11 -D_GNU_SOURCE -I. test/tools/timespan.c parse/value.c base/log.c base/strv.c \
        -o "$TMP/timespan"; then
        echo "timespan-oracle: cannot build the driver"
        exit 1
fi

inputs=(
        "2min 200ms" "1.5s" "5m" "1y" "1M" "0.5" "100 ms" "1h30min" " 5 s" "  2min   200ms  "
        "0" "1" "010" "+5" ".5" "1s.5" "12.34 .56" "1 s 2" "1s 1s 1s" "5min5" "5 ms5"
        "infinity" "  infinity  " "1.000001s" "1.0000009s" "1.123456789s" "59.999999s" "61s"
        "3601.5s" "1.5min" "1.25h" "1.5y" "1.5ms" "0.1us" "1.9us" "0.000001s" "0.0000001s"
        "1m0.5s" "3min 0.5s" "1y1M1w1d1h1m1s1ms1us" "2 hours" "1µs" "1μs" "1 µs"
        "1us" "999us" "1001us" "59999999us" "60000001us" "3600000001us" "86400000000us"
        "7d" "30d" "31d" "365d" "584541y" "2weeks" "1sec" "1second" "3seconds" "1minute"
        "2minutes" "1hour" "1hr" "2days" "1week" "2months" "2years" "1msec" "1usec" "5 min"
        "garbage" "" " " "5 x" "5mins" "1.2.3" "5.s" "3. 1" "3.+1" "1.-0" "1e3" "1,5s" "0x10"
        "infinityx" "infinity 5" "1 infinity" "-5" "-0" "5 -1"
        "99999999999999999999" "18446744073709551615us" "18446744073709551614us"
        "18446744073709551614" "584542y" "584542.1y"
)

fail=0
for in in "${inputs[@]}"; do
        # A failed parse prints no "μs:" line (and exits 1).
        out=$(timeout 10 env SYSTEMD_COLORS=0 systemd-analyze --no-pager timespan -- "$in" 2>/dev/null)
        usec=$(printf '%s\n' "$out" | sed -n 's/^ *μs: *//p')
        human=$(printf '%s\n' "$out" | sed -n 's/^ *Human: *//p' | sed 's/ *$//')
        if [ -n "$usec" ]; then
                want="$usec $human"
        else
                want="error"
        fi
        got=$(timeout 10 "$TMP/timespan" "$in")
        if [ "$got" != "$want" ]; then
                echo "timespan-oracle: MISMATCH for '$in': systemd '$want', weft '$got'"
                fail=1
        fi
done

if [ $fail -ne 0 ]; then
        exit 1
fi
echo "timespan-oracle: ${#inputs[@]} inputs match systemd-analyze timespan"
exit 0
