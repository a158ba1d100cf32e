#!/bin/bash
# weftctl analyze on a real boot record: boots a generated 200-unit DAG
# (gendag --shape random --units 200 --work-ms 5 --seed 3) with weft as
# PID 1 of a private PID namespace, then runs every analyze verb on the
# boot.yaml it wrote and checks what a user can observe:
#  - time, blame, critical-chain, dot, concurrency and plot exit 0 and print
#    systemd-analyze's shapes; blame has one line per oneshot, longest first;
#    each critical-chain step is an After= predecessor of the line above,
#    active no later than it; dot has one green edge per After= entry;
#  - the SVG has one activating bar per started unit, each bar's span and
#    x position agree with the unit's stamps in boot.yaml, and rsvg-convert
#    renders it to a PNG (skipped with a message if rsvg-convert is missing);
#  - exit status 1 and a file:line message for a malformed record, 1 for a
#    missing file, an unknown verb or a unit not in the record.
# gendag's bench.target only Wants= the units, so it is reached at once and
# the record would hold nothing; it is given the sinks' After= here (the
# stop unit then runs after it). The boot runs fenced (test/lib/weft.sh),
# bounded by 30 s.
. "$(dirname "$0")/../lib/weft.sh"
wt_init analyze
wt_build gendag payload
CTL=$WEFTCTL
units=$U
rec=$RUN/boot.yaml

sanitizer_report() { grep -qE 'runtime error|ERROR: AddressSanitizer|LeakSanitizer' "$@" 2>/dev/null; }

# analyze OUT VERB...: runs weftctl analyze on the record, stdout to OUT;
# fails unless the exit status is 0 and stderr has no sanitizer report.
analyze() {
        local out=$1; shift
        "$CTL" analyze --from "$rec" "$@" >"$out" 2>"$out.err"
        local rc=$?
        [ $rc -eq 0 ] || wt_fail "analyze $*: exit $rc: $(head -3 "$out.err")"
        if sanitizer_report "$out.err"; then
                wt_fail "analyze $*: sanitizer report"
                head -30 "$out.err"
        fi
        return $rc
}

timeout 30 "$BUILD/gendag" --shape random --units 200 --work-ms 5 --seed 3 --out "$units" >"$TMP/gendag.out" 2>&1 ||
        { wt_fail "gendag: $(cat "$TMP/gendag.out")"; wt_finish ""; }
grep '^After=' "$units/bench-done.service" >>"$units/bench.target"
{ printf '[Unit]\nDescription=stop the init once the target is reached\nDefaultDependencies=no\nAfter=bench.target\n\n'
  sed -n '/^\[Service\]/,$p' "$units/bench-done.service"
} >"$TMP/done.new" && mv "$TMP/done.new" "$units/bench-done.service"

wt_run 30 --target bench.target
wt_assert_exit 0
[ -f "$rec" ] || { wt_fail "no boot.yaml in the runtime directory"; wt_finish ""; }

# id start done (µs since manager start) for every unit that started, and
# the After= entries, from the record itself.
awk '/^manager_start_usec:/ { base = $2 }
     /^- id:/ { flush(); id = $3; act = ""; on = ""; off = "" }
     /^  activating_usec:/ { act = $2 } /^  active_usec:/ { on = $2 } /^  inactive_usec:/ { off = $2 }
     function flush() {
        if (id != "" && act != "") {
                done = (on != "" && on + 0 >= act + 0) ? on : (off != "" && off + 0 >= act + 0) ? off : "-"
                print id, act - base, (done == "-" ? "-" : done - base)
        }
     }
     END { flush() }' "$rec" >"$TMP/spans"
n_started=$(wc -l <"$TMP/spans")
n_after=$(sed -n 's/^  after: \[\(.*\)\]$/\1/p' "$rec" | tr ',' '\n' | grep -c '[a-z]')
[ "$n_started" -ge 201 ] || wt_fail "only $n_started units started in the record, want 200 + the target"

# time
if analyze "$TMP/time" time; then
        grep -qE '^Startup finished in [0-9.]+(us|ms|s) \(userspace\)$' "$TMP/time" &&
                grep -qE '^bench\.target reached after [0-9.]+(us|ms|s) in userspace\.$' "$TMP/time" ||
                wt_fail "time: unexpected output: $(cat "$TMP/time")"
fi

# blame: one line per oneshot bench unit (bench-done was still activating),
# in systemd's time format, longest first.
if analyze "$TMP/blame" blame; then
        awk -v prog="$WT_NAME: FAIL: blame" '
                function usec(s) {
                        if (s ~ /us$/) return substr(s, 1, length(s) - 2)
                        if (s ~ /ms$/) return substr(s, 1, length(s) - 2) * 1000
                        if (s ~ /s$/) return substr(s, 1, length(s) - 1) * 1000000
                        return -1
                }
                !/^ *[0-9.]+(us|ms|s) u[0-9]+\.service$/ { print prog ": bad line: " $0; bad = 1 }
                { t = usec($1); if (NR > 1 && t > last) { print prog ": not sorted at " $0; bad = 1 }; last = t }
                END { if (NR != 200) { print prog ": " NR " lines, want 200"; bad = 1 }; exit bad }' "$TMP/blame" || WT_FAILED=1
fi

# critical-chain: from bench.target down, each unit an After= predecessor
# of the one above it, active no later.
if analyze "$TMP/chain" critical-chain; then
        sed -n '4p' "$TMP/chain" | grep -qE '^bench\.target @' || wt_fail "critical-chain: first unit is not bench.target"
        sed -n '5,$p' "$TMP/chain" | sed 's/^[ │├└─]*//' >"$TMP/chain.units"
        prev=bench.target prev_t=999999999
        while read -r unit at _; do
                if ! grep -q "^After=.*\b$unit\b" "$units/$prev"; then
                        wt_fail "critical-chain: $unit is not an After= of $prev"
                fi
                t=$(awk -v s="${at#@}" 'BEGIN { if (s ~ /ms$/) print substr(s, 1, length(s) - 2) * 1000;
                        else if (s ~ /us$/) print substr(s, 1, length(s) - 2); else print substr(s, 1, length(s) - 1) * 1000000 }')
                awk -v a="$t" -v b="$prev_t" 'BEGIN { exit !(a <= b) }' || wt_fail "critical-chain: $unit @$t after $prev @$prev_t"
                prev=$unit prev_t=$t
        done <"$TMP/chain.units"
        [ -s "$TMP/chain.units" ] || wt_fail "critical-chain: no unit below bench.target"
fi

# dot: every After= entry a green edge; --order and --require split them.
if analyze "$TMP/dot" dot && analyze "$TMP/dot.order" dot --order && analyze "$TMP/dot.require" dot --require; then
        [ "$(head -1 "$TMP/dot")" = "digraph weft {" ] && [ "$(tail -1 "$TMP/dot")" = "}" ] || wt_fail "dot: not a digraph"
        green=$(grep -c 'color="green"' "$TMP/dot")
        [ "$green" -eq "$n_after" ] || wt_fail "dot: $green After= edges, boot.yaml has $n_after"
        grep -q 'color="grey66"' "$TMP/dot.order" && wt_fail "dot --order: has Wants= edges"
        grep -q 'color="green"' "$TMP/dot.require" && wt_fail "dot --require: has After= edges"
        grep -q 'color="grey66"' "$TMP/dot.require" || wt_fail "dot --require: no Wants= edge"
fi

# concurrency: the series ends at 0, and the boot was parallel.
if analyze "$TMP/conc" concurrency; then
        last=$(awk '/^ *[0-9.]+ +[0-9]+$/ { n = $2 } END { print n }' "$TMP/conc")
        [ "$last" = 0 ] || wt_fail "concurrency: the series ends at $last units activating, want 0"
        p=$(sed -n 's/^Achieved parallelism: *\([0-9.]*\) .*/\1/p' "$TMP/conc")
        awk -v p="${p:-0}" 'BEGIN { exit !(p > 1) }' || wt_fail "concurrency: achieved parallelism ${p:-missing}, want > 1"
        grep -qE '^Critical path: +[0-9.]+(us|ms|s) ' "$TMP/conc" || wt_fail "concurrency: no critical path"
fi

# plot: one activating bar per started unit, spans and positions from the record.
if analyze "$TMP/plot.svg" plot; then
        bars=$(grep -o '<rect class="activating" x=' "$TMP/plot.svg" | wc -l)
        [ "$bars" -eq "$n_started" ] || wt_fail "plot: $bars activating bars, $n_started units started"
        grep -o '<g class="rows" data-px-per-us="[0-9.]*" data-left="[0-9.]*"' "$TMP/plot.svg" |
                sed 's/.*data-px-per-us="\([0-9.]*\)" data-left="\([0-9.]*\)"/\1 \2/' >"$TMP/scale"
        grep -o '<rect class="activating" x="[0-9.]*" [^>]*data-unit="[^"]*" data-from-us="[0-9]*" data-to-us="[0-9]*"' \
                "$TMP/plot.svg" | sed 's/.*x="\([0-9.]*\)".*data-unit="\([^"]*\)" data-from-us="\([0-9]*\)" data-to-us="\([0-9]*\)"/\2 \1 \3 \4/' \
                >"$TMP/bars"
        awk -v prog="$WT_NAME: FAIL: plot" '
                FILENAME == ARGV[1] { scale = $1; left = $2; next }
                FILENAME == ARGV[2] { start[$1] = $2; done[$1] = $3; next }
                {
                        if (!($1 in start)) { print prog ": bar for " $1 ", which did not start"; bad = 1; next }
                        if ($3 != start[$1]) { print prog ": " $1 " starts at " $3 ", record says " start[$1]; bad = 1 }
                        if (done[$1] != "-" && $4 != done[$1]) { print prog ": " $1 " ends at " $4 ", record says " done[$1]; bad = 1 }
                        x = left + $3 * scale; d = $2 - x
                        if (d > 0.01 || d < -0.01) { print prog ": " $1 " drawn at x=" $2 ", want " x; bad = 1 }
                        seen++
                }
                END { if (seen != length(start)) { print prog ": " seen " bars checked"; bad = 1 }; exit bad }' \
                "$TMP/scale" "$TMP/spans" "$TMP/bars" || WT_FAILED=1
        if command -v rsvg-convert >/dev/null 2>&1; then
                if ! timeout 60 rsvg-convert -o "$TMP/plot.png" "$TMP/plot.svg" 2>"$TMP/rsvg.err"; then
                        wt_fail "plot: rsvg-convert refused the SVG: $(head -3 "$TMP/rsvg.err")"
                elif [ "$(head -c 8 "$TMP/plot.png" | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ]; then
                        wt_fail "plot: rsvg-convert wrote no PNG"
                fi
        else
                echo "$WT_NAME: rsvg-convert not found (package librsvg2-bin), not rendering the plot"
        fi
fi

# Exit statuses for bad input.
expect_status() { # want description command...
        local want=$1 what=$2; shift 2
        "$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
        local rc=$?
        [ $rc -eq "$want" ] || wt_fail "$what: exit $rc, want $want"
        if sanitizer_report "$TMP/bad.err"; then wt_fail "$what: sanitizer report"; fi
}
printf 'manager_start_usec: 1\ntarget: x\ntarget_reached_usec: 0\nunits:\n- id: a.service\n  active_usec: soon\n' \
        >"$TMP/bad.yaml"
expect_status 1 "malformed record" "$CTL" analyze --from "$TMP/bad.yaml" blame
grep -q "bad.yaml:6: active_usec: not a number" "$TMP/bad.err" || wt_fail "malformed record: message $(cat "$TMP/bad.err")"
head -c 3000 "$rec" >"$TMP/truncated.yaml"
expect_status 1 "truncated record" "$CTL" analyze --from "$TMP/truncated.yaml" time
grep -qE "truncated.yaml:[0-9]+:" "$TMP/bad.err" || wt_fail "truncated record: no file:line in $(cat "$TMP/bad.err")"
expect_status 1 "missing record" "$CTL" analyze --from "$TMP/nonexistent.yaml" time
expect_status 1 "unknown verb" "$CTL" analyze --from "$rec" frobnicate
expect_status 1 "unknown unit" "$CTL" analyze --from "$rec" critical-chain nope.service

wt_finish "200-unit boot analysed: time, blame, critical-chain, dot, concurrency, plot (${bars:-0} bars) agree with boot.yaml"
