#!/bin/bash
# Long fuzzing (make fuzz-long): every libFuzzer target test/fuzz/fuzz_NAME.c
# for FUZZ_SECONDS (default 60) each, one after the other, starting from its
# kept corpus test/fuzz/corpus/NAME/. New inputs land in a scratch folder
# first; afterwards only those that add coverage are merged into the kept
# corpus (-merge=1), so it grows slowly and stays worth committing. Prints
# a table of executions, exec/s, coverage (cov: edges, ft: features, from
# libFuzzer's last status line) and corpus size per target. A crash, leak
# or timeout fails the run; its reproducer is in build-fuzz/artifacts/NAME/.
#
#   make fuzz-long FUZZ_SECONDS=600
#   FUZZ_SECONDS=120 FUZZ_TARGETS="transaction notify" test/fuzz/fuzz-long.sh
set -u
cd "$(dirname "$0")/../.."

secs=${FUZZ_SECONDS:-60}
if [ -n "${FUZZ_TARGETS:-}" ]; then
        names=($FUZZ_TARGETS)
else
        names=()
        for src in test/fuzz/fuzz_*.c; do
                n=$(basename "$src" .c)
                names+=("${n#fuzz_}")
        done
fi
bins=()
for n in "${names[@]}"; do bins+=("build-fuzz/fuzz_$n"); done
make -s "${bins[@]}" || { echo "fuzz-long: build failed" >&2; exit 1; }

scratch=$(mktemp -d /tmp/weft-fuzz-long-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
rows=()
failed=()
for n in "${names[@]}"; do
        kept=test/fuzz/corpus/$n
        new=$scratch/new-$n
        artifacts=build-fuzz/artifacts/$n
        log=build-fuzz/fuzz-long-$n.log
        mkdir -p "$kept" "$new" "$artifacts"
        echo "fuzz-long: fuzz_$n for ${secs}s (log: $log)"
        # Bounded: libFuzzer stops itself at max_total_time; timeout is the backstop.
        # TMPDIR: the targets' own scratch folders go where the trap removes them.
        TMPDIR=$scratch timeout $((secs + 120)) build-fuzz/fuzz_"$n" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
                -artifact_prefix="$artifacts/" -print_final_stats=1 "$new" "$kept" >"$log" 2>&1
        rc=$?
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
        last=$(grep -E '^#[0-9]+.*cov: [0-9]+' "$log" | tail -1)
        cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$last")
        ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$last")
        result=clean
        if [ "$rc" -ne 0 ]; then
                result=FAILED
                failed+=("$n")
                echo "fuzz-long: fuzz_$n FAILED; last lines:" >&2
                tail -n 40 "$log" >&2
        fi
        before=$(find "$kept" -type f | wc -l)
        if [ -n "$(ls -A "$new")" ]; then
                TMPDIR=$scratch build-fuzz/fuzz_"$n" -merge=1 -timeout=10 -rss_limit_mb=2048 "$kept" "$new" >>"$log" 2>&1 ||
                        echo "fuzz-long: merging fuzz_$n's new inputs failed (see $log)" >&2
        fi
        after=$(find "$kept" -type f | wc -l)
        rows+=("$(printf '%-14s %8s %10s %8s %7s %7s %6s %+5d  %s' "$n" "${secs}s" "${execs:-?}" "${rate:-?}" \
                "${cov:-?}" "${ft:-?}" "$after" $((after - before)) "$result")")
done

printf '\n%-14s %8s %10s %8s %7s %7s %6s %5s  %s\n' target time execs exec/s cov ft corpus new result
for r in "${rows[@]}"; do echo "$r"; done
if [ ${#failed[@]} -gt 0 ]; then
        echo "fuzz-long: failed targets: ${failed[*]} (reproducers in build-fuzz/artifacts/)" >&2
        exit 1
fi
echo "fuzz-long: all ${#names[@]} targets clean"
