#!/bin/bash
# Loading benchmark over a corpus of real Debian unit files (1,000+ files
# with drop-ins; test/corpus/fetch.sh downloads it once into a cache).
#
# Reports, from one run on this machine:
#  - weft's loader in-process (bench/loadbench.c): best of 5 full loads,
#    files per second, heap bytes per loaded unit, peak RSS;
#  - `weftctl verify` and `systemd-analyze verify` over the very same files,
#    best of 3 wall times each and peak RSS, and their ratio. Both do the
#    same job: load every file with its dependencies and report problems.
#  - the floor: `cat` of the very same files, best of 3, and weftctl
#    verify's ratio to it. Wall times on a shared machine are noisy, so the
#    CPU time of each (user + sys, best of 3) and its ratio are printed too.
# Goals (issue 2): at least 50x faster than systemd-analyze verify, under
# 2 KiB of heap per loaded unit; (issue 9) verify within 1.5x of the cat
# floor. A benchmark measures; it does not fail on a goal.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
cache=${WEFT_CORPUS_CACHE:-$PWD/test/corpus-cache}
timeout 900 test/corpus/fetch.sh "$cache" >/dev/null
units="$cache/units"
mapfile -t files < <(find "$units" -maxdepth 1 \( -type f -o -type l \) \
        \( -name '*.service' -o -name '*.socket' -o -name '*.target' \) | sort)
dropins=$(find "$units" -path '*.d/*.conf' | wc -l)
echo "corpus: ${#files[@]} unit files and $dropins drop-ins in $units"

echo "== weft loader, in-process (best of 5)"
timeout 300 "$BUILD/loadbench" "$units" 5

best() { # command... -> "best_wall_s maxrss_kib" over 3 runs
        local best_s="" rss=""
        for _ in 1 2 3; do
                out=$(timeout 300 "$BUILD/maxrss" "$@" 2>&1 >/dev/null | grep "^wall_s=" | tail -1 || true)
                s=${out#wall_s=}; s=${s%% *}; r=${out##*maxrss_kib=}
                if [ -z "$best_s" ] || awk "BEGIN{exit !($s < $best_s)}"; then best_s=$s; rss=$r; fi
        done
        echo "$best_s $rss"
}

cpu_best() { # command... -> best user+sys CPU seconds over 3 runs
        local b="" t
        for _ in 1 2 3; do
                t=$( { TIMEFORMAT='%U %S'; time "$@" >/dev/null 2>&1; } 2>&1 | awk '{ print $1 + $2 }')
                if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; fi
        done
        echo "$b"
}

echo "== verify every file: weftctl vs systemd-analyze vs cat (best of 3, same run)"
read -r cat_s cat_rss < <(best cat "${files[@]}")
read -r weft_s weft_rss < <(best "$BUILD/weftctl" verify "${files[@]}")
read -r sd_s sd_rss < <(best systemd-analyze verify --man=no "${files[@]}")
echo "weftctl verify:         ${weft_s}s  maxrss ${weft_rss} KiB"
echo "systemd-analyze verify: ${sd_s}s  maxrss ${sd_rss} KiB"
echo "cat (the floor):        ${cat_s}s  maxrss ${cat_rss} KiB"
weft_cpu=$(cpu_best "$BUILD/weftctl" verify "${files[@]}")
cat_cpu=$(cpu_best cat "${files[@]}")
awk -v w="$weft_s" -v c="$cat_s" -v wc="$weft_cpu" -v cc="$cat_cpu" 'BEGIN {
        printf "floor: weftctl verify is %.2fx cat in wall time, %.2fx in CPU time (%.3fs vs %.3fs) (goal: <= 1.5x)\n",
                w / c, (cc > 0 ? wc / cc : 0), wc, cc }'
awk -v w="$weft_s" -v s="$sd_s" -v wr="$weft_rss" -v sr="$sd_rss" 'BEGIN {
        printf "ratio: weft is %.1fx faster than systemd-analyze verify (goal: >= 50x), using %.2fx its peak RSS\n", s / w, wr / sr }'
