#!/bin/bash
# Boots generated DAGs (bench/gendag.c) with weft as PID 1 of a private PID
# namespace and checks what a user can observe:
#  - every unit ran exactly once and every After= held (payload stamps,
#    checked by lib-stamps.awk against gendag's dag.txt);
#  - weft exits 0 after the stop unit sends SIGTERM to PID 1;
#  - no unit failed, and no zombie is left: the stop unit (bench-done.service,
#    rewritten here, ordered after every sink) counts processes in state Z
#    in the namespace's /proc right before it asks PID 1 to stop;
#  - no sanitizer report from weft (for BUILD=an ASan/UBSan build).
# Workloads: chain 50, fan-out 50, random 150 (seed 7) with W=0, and the same
# random DAG with W=5 ms. Each boot is bounded by timeout 12 (the script by
# about 50 s); --kill-child makes unshare kill the namespace if weft hangs.
# Needs root for unshare; exits 0 with a message when that is not allowed.
# KEEP=1 keeps the temp dir (units, weft's stderr, logs). Run from the
# repository root (test/run-all.sh does).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
NAME=boot-dag

if ! command -v unshare >/dev/null 2>&1; then
        echo "$NAME: unshare not found, skipping"
        exit 0
fi
if ! timeout 10 unshare --pid --fork --kill-child --mount-proc true >/dev/null 2>&1; then
        echo "$NAME: unshare --pid --mount-proc not permitted here, skipping"
        exit 0
fi

progs=("$BUILD/weft" "$BUILD/gendag" "$BUILD/payload")
for p in "${progs[@]}"; do
        if [ ! -x "$p" ]; then
                timeout 300 make -s BUILD="$BUILD" "${progs[@]}" || { echo "$NAME: FAIL: cannot build ${progs[*]}"; exit 1; }
                break
        fi
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/weft-boot-dag.XXXXXX") || exit 1
trap 'if [ -n "${KEEP:-}" ]; then echo "$NAME: kept $TMP"; else rm -rf "$TMP"; fi' EXIT
WEFT=$(realpath "$BUILD/weft")

# Run inside the namespace by bench-done.service: counts zombies (state Z
# in /proc/PID/stat, after the ") " closing the command name) into $1, once
# more after a pause if the first count is not 0 (a child that has just
# exited is a zombie until weft's next waitpid), then stops PID 1.
cat >"$TMP/stop.sh" <<'EOF'
count_zombies() {
        n=0 pids=""
        for f in /proc/[0-9]*/stat; do
                { read -r line <"$f"; } 2>/dev/null || continue
                st=${line##*) }
                if [ "${st%% *}" = Z ]; then
                        n=$((n + 1)) pids="$pids ${line%%) *})"
                fi
        done
}
count_zombies
if [ $n -ne 0 ]; then
        sleep 0.5
        count_zombies
fi
echo "$n$pids" >"$1"
exec /bin/kill -TERM 1
EOF

fail=0
failed() { echo "$NAME: FAIL: $*"; fail=1; }

# boot LABEL GENDAG-ARGS...: generates the DAG, boots it, checks it.
boot() {
        local label=$1; shift
        local dir=$TMP/$label n rc
        timeout 30 "$BUILD/gendag" "$@" --out "$dir/units" >"$dir.gendag" 2>&1 ||
                { failed "$label: gendag exited $?: $(cat "$dir.gendag")"; return; }
        n=$(wc -l <"$dir/units/dag.txt")
        # Same ordering as gendag's stop unit (after every sink), but it
        # counts zombies before it stops PID 1.
        { printf '[Unit]\nDescription=count zombies, then stop the init\nDefaultDependencies=no\n'
          grep '^After=' "$dir/units/bench-done.service"
          printf '\n[Service]\nType=oneshot\nExecStart=/bin/sh %s %s\n' "$TMP/stop.sh" "$dir/zombies"
        } >"$dir/bench-done.service.new" && mv "$dir/bench-done.service.new" "$dir/units/bench-done.service"

        timeout -k 5 12 unshare --pid --fork --kill-child --mount-proc \
                "$WEFT" --unit-path "$dir/units" --target bench.target --runtime-dir "$dir/run" \
                >"$dir/weft.out" 2>"$dir/weft.err"
        rc=$?
        [ $rc -eq 0 ] || failed "$label: weft exited $rc, want 0 (last lines of its stderr below)"
        if grep -qE 'runtime error|ERROR: AddressSanitizer|LeakSanitizer' "$dir/weft.err" "$dir/run/log"/* 2>/dev/null; then
                failed "$label: sanitizer report (below)"
                rc=1
        fi
        if grep -q 'Failed with result' "$dir/weft.err"; then
                failed "$label: a unit failed: $(grep 'Failed with result' "$dir/weft.err" | head -3)"
        fi
        if [ ! -f "$dir/zombies" ]; then
                failed "$label: the stop unit never ran (no zombie count)"
        elif [ "$(cut -d' ' -f1 "$dir/zombies")" != 0 ]; then
                failed "$label: zombies right before shutdown (count pid(comm)...): $(cat "$dir/zombies")"
        fi
        [ -f "$dir/run/boot.yaml" ] || failed "$label: no boot.yaml in the runtime directory"
        if [ -f "$dir/units/stamps.txt" ]; then
                awk -v prog="$NAME: $label" -v n="$n" -f test/integration/lib-stamps.awk \
                        "$dir/units/stamps.txt" "$dir/units/dag.txt" || fail=1
        else
                failed "$label: no unit ran (no stamp file)"
        fi
        if [ $rc -ne 0 ]; then
                grep -E 'runtime error|Sanitizer|^ +#[0-9]' "$dir/weft.err" | head -30
                tail -15 "$dir/weft.err"
        fi
}

mkdir "$TMP/chain50" "$TMP/fanout50" "$TMP/random150" "$TMP/random150w5"
boot chain50 --shape chain --units 50 --work-ms 0
boot fanout50 --shape fanout --units 50 --work-ms 0
boot random150 --shape random --units 150 --work-ms 0 --seed 7 --edges-per-unit 3
boot random150w5 --shape random --units 150 --work-ms 5 --seed 7 --edges-per-unit 3

if [ $fail -ne 0 ]; then
        exit 1
fi
echo "$NAME: 4 DAGs booted by weft as PID 1: each unit once, After= held, no zombie, exit 0"
exit 0
