#!/bin/bash
# Load everything: every .service, .socket and .target of a corpus of real
# Debian unit files (test/corpus/fetch.sh downloads the packages once into a
# cache) goes through weftctl verify and systemd-analyze verify. The exit
# status must agree for each file: weft loads what systemd loads and rejects
# what systemd rejects, and both complain about the same file:line places
# (weft words its messages its own way). Under `make sanitize` this is also the leak and crash
# check over real input. Skips when the oracle or the corpus is unavailable.
set -u
BUILD=${BUILD:-build}
ctl="$PWD/$BUILD/weftctl"
cache=${WEFT_CORPUS_CACHE:-$PWD/test/corpus-cache}
if ! command -v systemd-analyze >/dev/null; then
        echo "debian-corpus: systemd-analyze not installed, skipping"
        exit 0
fi
if ! timeout 900 test/corpus/fetch.sh "$cache" >/dev/null; then
        echo "debian-corpus: could not fetch the corpus, skipping"
        exit 0
fi
units="$cache/units"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The file:line places a verify run complains about. systemd's deprecation
# notes for cgroup settings weft does not implement are left out.
places() { grep -v 'MemoryLimit=' | grep -oE '^/[^:]+:[0-9]+:' | sort -u | tr '\n' ' '; }

# One file per line: name, systemd's exit status, weft's exit status, and
# "same" or "places" (whether both complain about the same lines).
compare() {
        local f=$1 sd weft d
        d=$(mktemp -d)
        timeout 20 systemd-analyze verify --man=no "$units/$f" >/dev/null 2>"$d/sd"
        sd=$?
        timeout 20 "$ctl" verify "$units/$f" >/dev/null 2>"$d/weft"
        weft=$?
        if [ "$(places <"$d/sd")" = "$(places <"$d/weft")" ]; then same=same; else same=places; fi
        rm -rf "$d"
        echo "$f $sd $weft $same"
}
export -f compare places
export units ctl
find "$units" -maxdepth 1 \( -type f -o -type l \) \( -name '*.service' -o -name '*.socket' -o -name '*.target' \) \
        -printf '%f\n' | sort | xargs -P 2 -I{} bash -c 'compare "$@"' _ {} >"$tmp/results"

total=$(wc -l <"$tmp/results")
crashed=$(awk '$3 > 2' "$tmp/results")
differ=$(awk '$2 != $3 || $4 != "same"' "$tmp/results")
agree=$(awk '$2 == $3 && $4 == "same"' "$tmp/results" | wc -l)
rejected=$(awk '$2 == $3 && $3 != 0' "$tmp/results" | wc -l)
echo "debian-corpus: $agree of $total unit files agree with systemd-analyze verify ($rejected rejected by both; the rest load)"
if [ -n "$crashed" ]; then
        echo "weftctl crashed or timed out on:"; echo "$crashed"
fi
if [ -n "$differ" ]; then
        echo "disagreements (file, systemd exit, weft exit, places):"; echo "$differ"
fi
[ "$total" -gt 0 ] && [ -z "$differ" ] && [ -z "$crashed" ]
