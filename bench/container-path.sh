#!/bin/bash
# Regenerates bench/container-path.txt: the functions `weft -- CMD` runs,
# which the build lays out together at the start of weft's text (Makefile,
# CONTAINER_LD). Builds a coverage variant into build-cov, runs it once as
# PID 1 of a fenced PID namespace with CMD /bin/true (start, CMD's exit,
# shutdown), and lists every function gcov saw executed. Run it after a
# change to that path; a stale list costs RSS (make bench-container), never
# correctness.
set -eu
cd "$(dirname "$0")/.."
BUILD=build-cov
make -s BUILD=$BUILD CFLAGS="-O2 -g --coverage -fno-asynchronous-unwind-tables" \
        LDFLAGS=--coverage $BUILD/weft
WORK=$(mktemp -d "${TMPDIR:-/tmp}/container-path.XXXXXX")
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
find $BUILD -name '*.gcda' -delete
# The counters land under GCOV_PREFIX: the fence leaves only WORK writable.
timeout 30 unshare --pid --fork --kill-child --mount --propagation private --mount-proc \
        env GCOV_PREFIX="$WORK" bash test/lib/fence.sh "$WORK" -- "$PWD/$BUILD/weft" -- /bin/true
(cd "$WORK$PWD" && find "$BUILD" -name '*.gcda' -exec cp --parents {} "$OLDPWD" \;)
# gcov's JSON has one object per function; a function that ran has an
# execution_count above 0.
find $BUILD -name '*.gcda' | while read -r f; do
        gcov --json-format --stdout -o "$(dirname "$f")" "$f" 2>/dev/null
done | grep -o '"name": "[^"]*", "blocks_executed": [0-9]*, "execution_count": [1-9]' |
        cut -d'"' -f4 | sort -u >bench/container-path.txt
[ -s bench/container-path.txt ] || { echo "container-path: gcov listed no function run (its JSON changed?)"; exit 1; }
echo "bench/container-path.txt: $(wc -l <bench/container-path.txt) functions"
