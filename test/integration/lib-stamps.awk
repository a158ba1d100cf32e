# Shared checker for boot-benchmark stamps, used by the integration scripts
# (bench-smoke.sh, boot-dag.sh):
#   awk -v prog=NAME -v n=N -f test/integration/lib-stamps.awk STAMPS DAG_TXT
# STAMPS has one line per run of a unit, "name start_ns end_ns" (written by
# bench/payload.c); DAG_TXT has one line per unit, "name dep..." (written by
# bench/gendag.c). Checks that each of the n units ran exactly once, that no
# run ends before it starts, and that every unit started only after each of
# its dependencies ended (After= held). Prints "PROG: FAIL:" and the problems
# and exits 1, or prints one summary line and exits 0.
FNR == NR {
        runs[$1]++; start[$1] = $2; end[$1] = $3
        if ($3 < $2) bad = bad "\n  " $1 " ends before it starts"
        next
}
{
        units++
        if (runs[$1] != 1) { bad = bad "\n  " $1 " ran " runs[$1] + 0 " times"; next }
        for (i = 2; i <= NF; i++) {
                checked++
                if (!($i in start)) bad = bad "\n  dependency " $i " of " $1 " never ran"
                else if (start[$1] < end[$i]) bad = bad "\n  " $1 " started " (end[$i] - start[$1]) " ns before " $i " ended"
        }
}
END {
        for (u in runs) lines++
        if (units != n || lines != n) bad = bad "\n  " units " units in dag.txt, " lines " in the stamp file, expected " n
        if (bad != "") { print prog ": FAIL:" bad; exit 1 }
        printf "%s: %d units ran once each, %d ordering constraints held\n", prog, n, checked
}
