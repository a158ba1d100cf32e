#!/bin/bash
# Environment= scaling (issue 8, B7): one unit with 1,000, 10,000 and
# 100,000 Environment= lines, loaded, turned into a spawn request and
# spawned in-process by bench/envbench.c. The ns/line columns stay flat
# when each phase is linear; the closing ratio compares the largest N with
# the smallest. Measures only: it fails on nothing but errors.
#   BUILD=build bench/env-bench.sh [N...]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
[ -x "$BUILD/envbench" ] || make -s BUILD="$BUILD" "$BUILD/envbench"
timeout 600 "$BUILD/envbench" "$@"
