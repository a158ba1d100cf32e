#!/bin/bash
# Generators (systemd.generator(7)) from a private generator directory, in
# the fence: each runs with the three output directories as arguments and
# systemd's environment; their units load from generator.early (above the
# unit path), generator (below it) and generator.late (last); a stale
# output is gone; the first directory holding a name wins and /dev/null
# masks; a generator that hangs is killed at the bound, one that fails or
# cannot run is logged, and the boot goes on; daemon-reload runs them again
# (and sees their statuses: weft's signal thread is running by then).
. "$(dirname "$0")/../lib/weft.sh"
wt_init generators

G1=$TMP/gen1 G2=$TMP/gen2 OUT=$TMP/genout
mkdir -p "$G1" "$G2" "$OUT/generator"
echo stale > "$OUT/generator/stale.service"

cat >"$G1/10-units" <<EOS
#!/bin/sh
# args and environment, for the test to read
{ echo "ARGS \$#: \$1 \$2 \$3"; env | grep -E '^(SYSTEMD_|PATH=)'; } >"$TMP/env.out"
echo run >>"$TMP/runs"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo gen-a\n' >"\$1/gen-a.service"
mkdir -p "\$1/t.target.wants"
ln -s ../gen-a.service "\$1/t.target.wants/gen-a.service"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo from-early\n' >"\$2/over.service"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo from-late\n' >"\$3/under.service"
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo late-only\n' >"\$3/late.service"
EOS
printf '#!/bin/sh\nexec sleep 1000\n' >"$G1/20-hangs"
printf '#!/bin/sh\necho broken >&2\nexit 3\n' >"$G1/30-fails"
printf '#!/nonexistent/interpreter\n' >"$G1/40-no-interpreter"
printf '#!/bin/sh\necho not executable\n' >"$G1/50-not-executable"
ln -s /dev/null "$G1/60-masked"
printf '#!/bin/sh\ntouch "%s/masked-ran"\n' "$TMP" >"$G2/60-masked"
printf '#!/bin/sh\ntouch "%s/shadowed-ran"\n' "$TMP" >"$G2/10-units"
chmod 755 "$G1"/10-units "$G1"/20-hangs "$G1"/30-fails "$G1"/40-no-interpreter "$G2"/*

printf '[Unit]\nDefaultDependencies=no\n' | wt_unit t.target
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo from-unit-path\n' | wt_unit over.service
printf '[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo from-unit-path\n' | wt_unit under.service

start=$SECONDS
wt_start --target t.target --generator-dir "$G1" --generator-dir "$G2" --generator-output "$OUT" --generator-timeout 2
took=$((SECONDS - start))
[ $took -lt 20 ] || wt_fail "boot with a hanging generator took $took s (bound 2 s)"
wt_wait_state gen-a.service active
grep -q "20-hangs did not finish within 2 s, killed" "$WT_LOG" || wt_fail "the hanging generator was not killed and logged"
grep -q "30-fails failed with exit status 3" "$WT_LOG" || wt_fail "the failing generator was not logged"
grep -q "40-no-interpreter could not be executed" "$WT_LOG" || wt_fail "the generator that cannot run was not logged"
grep -q "50-not-executable is not executable" "$WT_LOG" || wt_fail "the non-executable generator was not logged"
[ ! -e "$TMP/masked-ran" ] || wt_fail "a generator masked by /dev/null ran"
[ ! -e "$TMP/shadowed-ran" ] || wt_fail "a generator of the same name in a later directory ran"
[ ! -e "$OUT/generator/stale.service" ] || wt_fail "a stale generator output survived"

# The boot record counts the generators in userspace, as systemd-analyze
# does (its stamp is the start of main()): manager start, the generators
# (2 s, the hanging one's bound), the unit loading, in that order; analyze
# time includes them and plot draws them.
wt_until 10 test -s "$RUN/boot.yaml" || wt_fail "no boot.yaml"
stamp() { sed -n "s/^$1: //p" "$RUN/boot.yaml"; }
ms=$(stamp manager_start_usec) gs=$(stamp generators_start_usec) gf=$(stamp generators_finish_usec)
ls=$(stamp units_load_start_usec) lf=$(stamp units_load_finish_usec) tr=$(stamp target_reached_usec)
awk -v ms="$ms" -v gs="$gs" -v gf="$gf" -v ls="$ls" -v lf="$lf" -v tr="$tr" \
        'BEGIN { exit !(gs != "" && ms <= gs && gf - gs >= 1900000 && gf <= ls && ls <= lf && lf <= tr) }' ||
        wt_fail "boot record stamps out of order: manager $ms generators $gs..$gf load $ls..$lf target $tr"
t=$("$WEFTCTL" analyze --from "$RUN/boot.yaml" time | sed -n 's/^Startup finished in \([0-9.]*\)s (userspace)$/\1/p')
awk -v t="${t:-0}" 'BEGIN { exit !(t >= 2) }' || wt_fail "analyze time leaves the generators out: $("$WEFTCTL" analyze --from "$RUN/boot.yaml" time 2>&1)"
"$WEFTCTL" analyze --from "$RUN/boot.yaml" plot | grep -q 'data-phase="generators"' || wt_fail "analyze plot draws no Generators bar"

grep -qx "ARGS 3: $OUT/generator $OUT/generator.early $OUT/generator.late" "$TMP/env.out" ||
        wt_fail "generator arguments: $(head -1 "$TMP/env.out")"
for v in SYSTEMD_SCOPE=system SYSTEMD_IN_INITRD=0 'SYSTEMD_ARCHITECTURE=' 'SYSTEMD_FIRST_BOOT=' 'PATH=/'; do
        grep -q "^$v" "$TMP/env.out" || wt_fail "generator environment lacks $v: $(tr '\n' ' ' <"$TMP/env.out")"
done

wt_ctl start over.service under.service late.service || wt_fail "starting the generated units exited $?"
grep -q from-early "$RUN/log/over.service.log" 2>/dev/null || wt_fail "generator.early did not take precedence over the unit path"
grep -q from-unit-path "$RUN/log/under.service.log" 2>/dev/null || wt_fail "generator.late took precedence over the unit path"
grep -q late-only "$RUN/log/late.service.log" 2>/dev/null || wt_fail "a unit only in generator.late did not load"

wt_ctl daemon-reload || wt_fail "daemon-reload exited $?"
# Each status seen again (the signal thread, running now, reaps none of them).
[ "$(grep -c "30-fails failed with exit status 3" "$WT_LOG")" = 2 ] ||
        wt_fail "daemon-reload lost the failing generator's status: $(grep 30-fails "$WT_LOG" | tail -1)"
grep "unable to reap" "$WT_LOG" && wt_fail "a generator's status was taken by another reaper"
[ "$(wc -l <"$TMP/runs")" = 2 ] || wt_fail "daemon-reload did not run the generators again ($(wc -l <"$TMP/runs") runs)"
wt_ctl is-active gen-a.service >/dev/null || wt_fail "gen-a.service is not active after the reload"
# What the generators wrote just before the read is what was read.
for u in gen-a.service over.service t.target; do
        [ "$(wt_ctl show $u -P NeedDaemonReload)" = no ] ||
                wt_fail "$u, written by a generator before the read, needs a reload"
done
wt_assert_answers

wt_ctl exit 0 || wt_fail "exit failed"
wt_wait_exit
wt_assert_exit 0
wt_finish "generators run with systemd's arguments and environment, outputs at their places, hang/fail/missing logged, reload reruns"
