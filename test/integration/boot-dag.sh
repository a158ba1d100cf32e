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
# random DAG with W=5 ms. Each boot runs fenced (test/lib/weft.sh's wt_run),
# bounded by 12 s. KEEP=1 keeps the temp dir (units, weft's log, unit logs).
. "$(dirname "$0")/../lib/weft.sh"
wt_init boot-dag
wt_build gendag payload

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

# boot LABEL GENDAG-ARGS...: generates the DAG, boots it, checks it.
boot() {
        local label=$1; shift
        local dir=$TMP/$label n
        timeout 30 "$BUILD/gendag" "$@" --out "$dir/units" >"$dir.gendag" 2>&1 ||
                { wt_fail "$label: gendag exited $?: $(cat "$dir.gendag")"; return; }
        n=$(wc -l <"$dir/units/dag.txt")
        # Same ordering as gendag's stop unit (after every sink), but it
        # counts zombies before it stops PID 1.
        { printf '[Unit]\nDescription=count zombies, then stop the init\nDefaultDependencies=no\n'
          grep '^After=' "$dir/units/bench-done.service"
          printf '\n[Service]\nType=oneshot\nExecStart=/bin/sh %s %s\n' "$TMP/stop.sh" "$dir/zombies"
        } >"$dir/bench-done.service.new" && mv "$dir/bench-done.service.new" "$dir/units/bench-done.service"

        U=$dir/units RUN=$dir/run WT_LOG=$dir/weft.log
        wt_run 12 --target bench.target
        [ "$WEFT_RC" = 0 ] || { wt_fail "$label: weft exited $WEFT_RC, want 0; its log ends:"; tail -15 "$WT_LOG"; }
        wt_assert_no_sanitizer_report
        if grep -q 'Failed with result' "$WT_LOG"; then
                wt_fail "$label: a unit failed: $(grep 'Failed with result' "$WT_LOG" | head -3)"
        fi
        if [ ! -f "$dir/zombies" ]; then
                wt_fail "$label: the stop unit never ran (no zombie count)"
        elif [ "$(cut -d' ' -f1 "$dir/zombies")" != 0 ]; then
                wt_fail "$label: zombies right before shutdown (count pid(comm)...): $(cat "$dir/zombies")"
        fi
        [ -f "$dir/run/boot.yaml" ] || wt_fail "$label: no boot.yaml in the runtime directory"
        if [ -f "$dir/units/stamps.txt" ]; then
                awk -v prog="$WT_NAME: $label" -v n="$n" -f test/integration/lib-stamps.awk \
                        "$dir/units/stamps.txt" "$dir/units/dag.txt" || WT_FAILED=1
        else
                wt_fail "$label: no unit ran (no stamp file)"
        fi
}

mkdir "$TMP/chain50" "$TMP/fanout50" "$TMP/random150" "$TMP/random150w5"
boot chain50 --shape chain --units 50 --work-ms 0
boot fanout50 --shape fanout --units 50 --work-ms 0
boot random150 --shape random --units 150 --work-ms 0 --seed 7 --edges-per-unit 3
boot random150w5 --shape random --units 150 --work-ms 5 --seed 7 --edges-per-unit 3

wt_finish "4 DAGs booted by weft as PID 1: each unit once, After= held, no zombie, exit 0"
