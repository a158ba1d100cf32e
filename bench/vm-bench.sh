#!/bin/bash
# `make bench-vm` (issue 13, "Numbers"): the Debian 12 image of `make
# vm-check` (test/vm/, same image, same injected weft, same QEMU command
# line through test/vm/lib.sh) booted BENCH_VM_BOOTS times (3) under weft
# and as many times under systemd 252, alternating, in one run. Per boot:
#   userspace  PID 1's exec to multi-user.target active, both on the guest's
#              CLOCK_MONOTONIC: init= is a static shim ($BUILD/vmstamp) that
#              stamps the clock into PID 1's environment and execs the init;
#              the end is `CTL show -P ActiveEnterTimestampMonotonic
#              multi-user.target`, the same for both managers;
#   qemu_cpu   QEMU's own CPU time (host user+system) when the check starts,
#              just after multi-user.target: the guest's CPU is busy all
#              boot, so this is the boot's work (kernel included), less
#              dependent on the share of a busy host the VM got than the
#              guest's clock (not immune: a busy sibling hardware thread or
#              cache still slows the emulation; 22.7-40 s seen in one run)
#   poweroff   host wall clock from the guest's POWEROFF line on its second
#              serial port (written just before `CTL poweroff`, once the job
#              queue is empty) to QEMU's exit.
# Prints every boot, the medians, weft/systemd for each and the goals
# (userspace <= 0.5x systemd's, poweroff < 5 s). Artifacts in
# $BUILD/vm-bench/: per boot the console, the check's output, blame,
# critical-chain and the plot; weft-plot.svg and systemd-plot.svg of the
# boot nearest each manager's median. Never run by CI (a bench).
#   BENCH_VM_BOOTS         boots per manager (3)
#   BENCH_VM_BOOT_TIMEOUT  seconds one boot may take, poweroff included
#                          (300 under emulation, 120 with KVM)
#   BENCH_VM_PROFILE       1: profile every boot (where the guest's CPU goes
#                          up to multi-user.target: every process's CPU,
#                          exited ones from BSD process accounting), in
#                          each boot's profile.txt (bench/vm-profile.py);
#                          accounting costs a little, so not for numbers
#   BENCH_VM_BASE          a directory with a baseline weft (main's
#                          $(BUILD)/vm): booted as "base" before each weft
#   BENCH_VM_ONLY          weft or systemd: boot only that one (profiling)
#   BENCH_VM_STRACE        1 (with BENCH_VM_PROFILE=1): the host's strace,
#                          injected, counts the system calls of PID 1's
#                          first thread (STRACE lines in procs.txt)
#   BENCH_VM_SAMPLE        1 (with BENCH_VM_PROFILE=1): bench/vmstamp.c samples
#                          PID 1's first thread every 10 ms (its kernel
#                          stack when runnable) into samples; costs ~1 ms
#                          of guest CPU a sample, so where, not how long
#   BENCH_VM_TIMEOUT       seconds the whole run may take once the image is
#                          ready (2 x boots x the boot bound); boots that no
#                          longer fit are skipped and reported
# The boots are of the issue's image: the network card and the units that
# vm-check's image adds for its checks (ifupdown's, systemd-timesyncd,
# fstab's swap file; the root by UUID stays) are left out (no card, the units masked on the kernel command line,
# which both managers honour through systemd-debug-generator), so that
# the numbers stay comparable from run to run.
# Every QEMU it starts is ended by PID when the run ends or is interrupted.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
N=${BENCH_VM_BOOTS:-3}
PROFILE=${BENCH_VM_PROFILE:-0}
BIN=$PWD/$BUILD/vm
OUT=$PWD/$BUILD/vm-bench
STAMP=$PWD/$BUILD/vmstamp
. test/vm/lib.sh
VM_TAG=vm-bench
VM_NIC=none
ISSUE_IMAGE="systemd.mask=networking.service systemd.mask=ifupdown-pre.service systemd.mask=systemd-timesyncd.service systemd.mask=swapfile.swap"
case $N in '' | *[!0-9]* | 0) echo "vm-bench: BENCH_VM_BOOTS must be a positive number"; exit 1 ;; esac
[ -x "$STAMP" ] || { echo "vm-bench: $STAMP missing (make BUILD=$BUILD bench-vm)"; exit 1; }
[ -n "${EPOCHREALTIME:-}" ] || { echo "vm-bench: needs bash 5 (EPOCHREALTIME)"; exit 1; }

# What this run started, ended by PID on the way out.
QPID='' READER='' QPIDFILE=''
cleanup() {
        local p
        if [ -n "$QPIDFILE" ] && [ -s "$QPIDFILE" ]; then
                p=$(cat "$QPIDFILE")
                # Only if that PID still is a QEMU of ours (not reused).
                grep -qa "$OUT" "/proc/$p/cmdline" 2>/dev/null && kill -KILL "$p" 2>/dev/null
        fi
        [ -n "$QPID" ] && kill -TERM "$QPID" 2>/dev/null
        [ -n "$READER" ] && kill -TERM "$READER" 2>/dev/null
        rm -f "$OUT"/*/overlay.qcow2 "$OUT"/*/check.in "$OUT"/*/check.out
}
trap cleanup EXIT
trap 'echo "vm-bench: interrupted"; exit 130' INT TERM

rm -rf "$OUT"; mkdir -p "$OUT"
t0=$(date +%s)
vm_prepare "$BIN" || exit 1
echo "vm-bench: image ready in $(( $(date +%s) - t0 )) s ($VM_ROOTFS, kernel $VM_KVER), accel=$VM_ACCEL"
boot_s=${BENCH_VM_BOOT_TIMEOUT:-$([ "$VM_ACCEL" = kvm ] && echo 120 || echo 300)}
total_s=${BENCH_VM_TIMEOUT:-$((2 * N * boot_s))}
deadline=$(( $(date +%s) + total_s ))

# The check's disk plus the shim and the flag that puts the guest check
# into bench mode (test/vm/guest-check.sh: measure, analyze, power off).
vm_inject_tree "$BIN" "$OUT/inject"
cp "$STAMP" "$OUT/inject/lib/weft-vm/vmstamp"
: > "$OUT/inject/lib/weft-vm/bench"
[ "$PROFILE" = 1 ] && : > "$OUT/inject/lib/weft-vm/profile"
# A baseline weft (BENCH_VM_BASE: a directory holding one, e.g. main's
# $(BUILD)/vm), booted as a third manager "base", in the same rotation.
# Its file name stays weft: the guest check knows the manager by PID 1's comm.
if [ -n "${BENCH_VM_BASE:-}" ]; then
        mkdir -p "$OUT/inject/lib/weft-base"
        cp "$BENCH_VM_BASE/weft" "$OUT/inject/lib/weft-base/weft" || exit 1
fi
# The host's strace (Debian 12's, as the guest) with its libraries beyond
# libc, for the profile mode's BENCH_VM_STRACE. (An injected perf record
# was tried: it starts ~20 s into an emulated boot and costs more than it
# measures.)
for t in strace; do
        v=BENCH_VM_$(echo $t | tr a-z A-Z)
        [ "${!v:-0}" = 1 ] || continue
        mkdir -p "$OUT/inject/lib/weft-vm/tools"
        cp "$(command -v $t)" "$OUT/inject/lib/weft-vm/tools/"
        ldd "$(command -v $t)" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' |
                grep -Ev '/(libc|libm|libpthread|libdl|librt|ld-linux[^/]*)\.so' | while read -r l; do
                        cp -L "$l" "$OUT/inject/lib/weft-vm/tools/"
                done
done
vm_inject_image "$OUT/inject" "$OUT/inject.img" || exit 1

# The second serial port's lines, each prefixed with the host's wall clock
# when it arrived (QEMU writes them into a FIFO as the guest sends them).
stamp_lines() {
        local l q
        while IFS= read -r l; do
                printf '%s %s\n' "$EPOCHREALTIME" "${l%$'\r'}"
                # The guest's CPU is busy up to multi-user.target, so what
                # QEMU has run by then (user+system, all its threads) is the
                # boot's work, whatever share of the shared host it got.
                case $l in
                "BENCH pid1_cpu_s "*)
                        q=$(cat "$1" 2>/dev/null)
                        [ -n "$q" ] && awk -v t="$EPOCHREALTIME" -v hz="$(getconf CLK_TCK)" \
                                '{ i = length($0); while (substr($0, i, 1) != ")") i--; split(substr($0, i + 2), f, " ")
                                   printf "%s QEMUCPU %.2f\n", t, (f[12] + f[13]) / hz }' "/proc/$q/stat" 2>/dev/null
                        ;;
                esac
        done
}

# guest_file NAME CHECK: the file the guest sent as FILE NAME / B64 lines.
guest_file() {
        awk -v n="$1" '$2 == "FILE" { on = $3 == n; next } $2 == "ENDFILE" { on = 0 } on && $2 == "B64" { print $3 }' "$2" |
                base64 -d 2>/dev/null | gunzip -c 2>/dev/null
}

# boot NAME INIT I: one bounded boot; appends "NAME I USERSPACE_S POWEROFF_S
# STATUS" to $OUT/boots.txt (- for what it could not measure).
boot() {
        local name=$1 init=$2 i=$3 d=$OUT/$1-$3 bound rc t_exit us po st more
        mkdir -p "$d"
        bound=$(( deadline - $(date +%s) ))
        [ "$bound" -gt "$boot_s" ] && bound=$boot_s
        if [ "$bound" -lt 30 ]; then
                echo "$name $i - - skipped(time-bound)" >>"$OUT/boots.txt"
                return
        fi
        vm_overlay "$d/overlay.qcow2" || { echo "$name $i - - overlay-failed" >>"$OUT/boots.txt"; return; }
        mkfifo "$d/check.in" "$d/check.out"
        vm_qemu_cmd "$d/overlay.qcow2" "$OUT/inject.img" /usr/local/lib/weft-vm/vmstamp "$d/console.log" \
                "WEFTVM_INIT=$init $([ "$PROFILE" = 1 ] && echo WEFTVM_ACCT=1) $([ "${BENCH_VM_STRACE:-0}" = 1 ] && echo WEFTVM_STRACE=1) $([ "${BENCH_VM_SAMPLE:-0}" = 1 ] && echo WEFTVM_SAMPLE=1 preempt=full) $ISSUE_IMAGE ${WEFT_VM_APPEND:-}"
        QPIDFILE=$d/qemu.pid
        stamp_lines "$QPIDFILE" <"$d/check.out" >"$d/check.txt" &
        READER=$!
        timeout -k 5 "$bound" "${VM_QEMU[@]}" -serial "pipe:$d/check" -pidfile "$QPIDFILE" \
                </dev/null >"$d/qemu.log" 2>&1 &
        QPID=$!
        wait "$QPID"
        rc=$?
        t_exit=$EPOCHREALTIME
        QPID=''
        # The reader ends at EOF once QEMU is gone; if QEMU never opened
        # the FIFO it would wait for a writer forever.
        for _ in $(seq 50); do kill -0 "$READER" 2>/dev/null || break; sleep 0.1; done
        kill -TERM "$READER" 2>/dev/null
        wait "$READER" 2>/dev/null
        READER='' QPIDFILE=''
        rm -f "$d/overlay.qcow2" "$d/check.in" "$d/check.out"

        us=$(awk '$2 == "BENCH" && $3 == "exec_usec" { e = $4 } $2 == "BENCH" && $3 == "target_usec" { t = $4 }
                  END { if (e ~ /^[0-9]+$/ && t ~ /^[0-9]+$/ && t > e) printf "%.3f", (t - e) / 1e6; else print "-" }' "$d/check.txt")
        po=$(awk -v x="$t_exit" '$2 == "POWEROFF" { p = $1 } END { if (p) printf "%.3f", x - p; else print "-" }' "$d/check.txt")
        if [ $rc = 124 ] || [ $rc = 137 ]; then
                st="killed(${bound}s)" po=-
        elif [ $rc != 0 ]; then
                st="qemu-exit-$rc" po=-
        elif [ "$po" = - ]; then
                st=no-poweroff-line
        else
                st=ok
        fi
        # Where the time went: before the manager's own clock starts (the
        # dynamic loader; both stamp at the start of main()),
        # the generators, PID 1's CPU time, the CPU's busy share.
        more=$(awk '$2 == "BENCH" { v[$3] = $4 }
                    $0 ~ /generators: [0-9]+ ran, [0-9]+ failed, in [0-9]+ ms/ { for (k = 1; k < NF; k++) if ($k == "in") g = $(k + 1) * 1000 }
                    END { if ("generators_usec" in v) g = v["generators_usec"]
                          pre = (v["self_usec"] ~ /^[0-9]+$/ && v["exec_usec"] ~ /^[0-9]+$/) ? sprintf("%.3f", (v["self_usec"] - v["exec_usec"]) / 1e6) : "-"
                          printf "%s %s %s %s\n", pre, g != "" ? sprintf("%.3f", g / 1e6) : "-",
                                 v["manager_cpu_s"] != "" ? v["manager_cpu_s"] : "-", v["cpu_busy_pct"] != "" ? v["cpu_busy_pct"] : "-" }' \
                    "$d/check.txt" "$d/console.log")
        qc=$(awk '$2 == "QEMUCPU" { print $3 }' "$d/check.txt")
        echo "$name $i $us $po $st $more ${qc:--}" >>"$OUT/boots.txt"
        sed -n 's/^[^ ]* ANALYZE blame //p' "$d/check.txt" >"$d/blame.txt"
        sed -n 's/^[^ ]* ANALYZE critical-chain //p' "$d/check.txt" >"$d/critical-chain.txt"
        guest_file plot.svg "$d/check.txt" >"$d/plot.svg"
        [ -s "$d/plot.svg" ] || rm -f "$d/plot.svg"
        if [ "$PROFILE" = 1 ]; then
                guest_file acct "$d/check.txt" >"$d/acct"
                guest_file samples "$d/check.txt" >"$d/samples"
                grep -E '^[^ ]* (PROC|PROFSTAT|PID1TASK|PID1IO|STRACE) ' "$d/check.txt" | cut -d' ' -f2- >"$d/procs.txt"
                bench/vm-profile.py "$d" >"$d/profile.txt" 2>&1
        fi
        printf "vm-bench: %-7s boot %d: userspace %s s, poweroff %s s (%s)\n" "$name" "$i" "$us" "$po" "$st"
}

: > "$OUT/boots.txt"
echo "vm-bench: $N boots per manager, alternating, each bounded by $boot_s s, all by $total_s s"
for i in $(seq "$N"); do
        [ -n "${BENCH_VM_BASE:-}" ] && boot base /usr/local/lib/weft-base/weft "$i"
        [ "${BENCH_VM_ONLY:-weft}" = systemd ] || boot weft /usr/local/sbin/weft "$i"
        [ "${BENCH_VM_ONLY:-systemd}" = weft ] || boot systemd /lib/systemd/systemd "$i"
done

# median COLUMN NAME: of the boots that measured it.
median() {
        awk -v c="$1" -v n="$2" '$1 == n && $c != "-" && $c != "" { print $c }' "$OUT/boots.txt" | sort -g |
                awk '{ v[NR] = $1 } END { if (!NR) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
                                          else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }

uw=$(median 3 weft) usd=$(median 3 systemd) pw=$(median 4 weft) psd=$(median 4 systemd)
# The plot of the boot nearest each manager's median userspace time.
for m in weft systemd; do
        med=$([ $m = weft ] && echo "$uw" || echo "$usd")
        best=$(awk -v n=$m -v m="$med" '$1 == n && $3 != "-" { d = $3 - m; if (d < 0) d = -d; if (b == "" || d < bd) { b = $2; bd = d } }
                                      END { print b }' "$OUT/boots.txt")
        [ -n "$best" ] && [ -s "$OUT/$m-$best/plot.svg" ] && cp "$OUT/$m-$best/plot.svg" "$OUT/$m-plot.svg"
done

echo
printf "%-8s %5s %13s %12s %12s  %s\n" manager boot userspace_s poweroff_s qemu_cpu_s status
awk '{ printf "%-8s %5s %13s %12s %12s  %s\n", $1, $2, $3, $4, $10, $5 }' "$OUT/boots.txt"
echo
printf "median userspace (PID 1 exec -> multi-user.target): weft %s s, systemd %s s, weft/systemd %sx (goal <= 0.5x)\n" \
        "$uw" "$usd" "$(ratio "$uw" "$usd")"
printf "median poweroff (request -> QEMU exit):            weft %s s (goal < 5 s), systemd %s s, weft/systemd %sx\n" \
        "$pw" "$psd" "$(ratio "$pw" "$psd")"
qw=$(median 10 weft) qsd=$(median 10 systemd)
printf "median QEMU CPU to the check (kernel boot included; less sensitive to a busy host): weft %s s, systemd %s s, weft/systemd %sx\n" \
        "$qw" "$qsd" "$(ratio "$qw" "$qsd")"
if [ -n "${BENCH_VM_BASE:-}" ]; then
        qb=$(median 10 base)
        printf "median QEMU CPU to the check, baseline: base %s s, weft/base %sx\n" "$qb" "$(ratio "$qw" "$qb")"
        ub=$(median 3 base)
        printf "median userspace, baseline: base %s s, base/systemd %sx; weft/base %sx\n" \
                "$ub" "$(ratio "$ub" "$usd")" "$(ratio "$uw" "$ub")"
fi
echo
echo "where the time goes (medians): before_manager_clock_s: exec to the manager's own start stamp (the start of main()"
echo "for both: the dynamic loader); generators_s; manager_cpu_s: PID 1's CPU time from the manager's exec to the check"
echo "(not the kernel's start-up and the initramfs, which ran as PID 1 before it); cpu_busy: since the kernel"
printf "%-8s %22s %14s %13s %10s\n" manager before_manager_clock_s generators_s manager_cpu_s cpu_busy_%
for m in $([ -n "${BENCH_VM_BASE:-}" ] && echo base) weft systemd; do
        printf "%-8s %22s %14s %13s %10s\n" "$m" "$(median 6 $m)" "$(median 7 $m)" "$(median 8 $m)" "$(median 9 $m)"
done
echo "accel=$VM_ACCEL, 1 vCPU; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (shared host: compare within a run)"
for m in weft systemd; do
        [ -s "$OUT/$m-plot.svg" ] && echo "vm-bench: $m's boot plot: $OUT/$m-plot.svg"
done
echo "vm-bench: per boot (console.log, check.txt, blame.txt, critical-chain.txt, plot.svg) in $OUT/"
awk '$5 != "ok" { bad = 1 } END { exit bad }' "$OUT/boots.txt"
