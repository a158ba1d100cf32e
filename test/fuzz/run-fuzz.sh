#!/bin/bash
# Bounded fuzz run, called by test/run-all.sh (make check) or by hand.
# Builds every libFuzzer target test/fuzz/fuzz_NAME.c with `make fuzz` and
# runs each on a scratch copy of its seeds test/fuzz/corpus/NAME/ (the repo
# is never written), sharing WEFT_FUZZ_SECONDS (default 60) between targets.
# Exits non-zero if the build fails or any target crashes, leaks or times
# out; the reproducer is kept in build-fuzz/artifacts/NAME/.
#
#   test/fuzz/run-fuzz.sh                 # all targets, about 60 s
#   WEFT_FUZZ_SECONDS=300 test/fuzz/run-fuzz.sh
#   LIB_SRC="base/log.c ..." test/fuzz/run-fuzz.sh   # passed on to make
set -u
cd "$(dirname "$0")/../.."

total=${WEFT_FUZZ_SECONDS:-60}
srcs=(test/fuzz/fuzz_*.c)
if [ ! -e "${srcs[0]}" ]; then
        echo "run-fuzz: no fuzz targets" >&2
        exit 0
fi

make_args=()
[ -n "${LIB_SRC:-}" ] && make_args+=("LIB_SRC=$LIB_SRC")
if ! make "${make_args[@]}" fuzz; then
        echo "run-fuzz: build failed" >&2
        exit 1
fi

per=$((total / ${#srcs[@]}))
[ "$per" -ge 1 ] || per=1
scratch=$(mktemp -d /tmp/weft-fuzz-XXXXXX)
trap 'rm -rf "$scratch"' EXIT

failed=()
for src in "${srcs[@]}"; do
        name=$(basename "$src" .c)
        name=${name#fuzz_}
        corpus=$scratch/corpus-$name
        artifacts=build-fuzz/artifacts/$name
        mkdir -p "$corpus" "$artifacts"
        if [ -d "test/fuzz/corpus/$name" ]; then
                cp -r "test/fuzz/corpus/$name/." "$corpus/"
        fi
        echo "run-fuzz: fuzz_$name for ${per}s"
        # TMPDIR: the targets' own scratch files go where the trap removes them.
        if TMPDIR=$scratch build-fuzz/fuzz_"$name" -max_total_time="$per" -timeout=5 -rss_limit_mb=2048 \
                -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus" >"$scratch/$name.log" 2>&1; then
                grep -E '^stat::number_of_executed_units' "$scratch/$name.log" || true
        else
                echo "run-fuzz: fuzz_$name FAILED; last lines:" >&2
                tail -n 40 "$scratch/$name.log" >&2
                failed+=("$name")
        fi
done

if [ ${#failed[@]} -gt 0 ]; then
        echo "run-fuzz: failed targets: ${failed[*]} (reproducers in build-fuzz/artifacts/)" >&2
        exit 1
fi
echo "run-fuzz: all ${#srcs[@]} targets clean"
