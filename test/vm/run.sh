#!/bin/bash
# make vm-check: boot a Debian 12 image (test/vm/build-image.sh, cached) in
# QEMU under weft, then the same image under systemd as the reference; print
# the guest's verdicts (test/vm/guest-check.sh) and the difference of the
# unit states. Artifacts go to $BUILD/vm/: per manager the serial console,
# the check's output, weft's boot record, the unit table.
#   WEFT_VM_CACHE    the image cache (default /var/cache/weft-vm)
#   WEFT_VM_ONLY     weft or systemd: boot only that one
#   WEFT_VM_TIMEOUT  seconds one boot may take, poweroff included
# A third boot (weft's crash boot) starts only weft-vm-crash.target, whose
# service sends PID 1 a SIGSEGV, with systemd.crash_reboot=1: weft's crash
# handler must catch it (no kernel panic), dump a core and reboot, which
# ends QEMU (-no-reboot).
# Exit 0 when every required verdict under weft holds and weft powered the
# VM off by itself. Items other issues own (logind: Type=dbus; apt-daily.timer:
# timers) are printed, not required. One QEMU at a time.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
OUT=$PWD/$BUILD/vm
OPTIONAL="active:systemd-logind active:apt-daily.timer"
mkdir -p "$OUT"

. test/vm/lib.sh
VM_TAG=vm-check
t0=$(date +%s)
vm_prepare "$OUT" || exit 1
t1=$(date +%s)
echo "vm-check: image ready in $((t1 - t0)) s ($VM_ROOTFS, kernel $VM_KVER)"

# What is injected: mounted over /usr/local by the initramfs, never in the image.
vm_inject_tree "$OUT" "$OUT/inject"
vm_inject_image "$OUT/inject" "$OUT/inject.img" || exit 1
accel=$VM_ACCEL
echo "vm-check: accel=$accel"
timeout_s=${WEFT_VM_TIMEOUT:-$([ "$accel" = kvm ] && echo 120 || echo 300)}

# boot NAME INIT: one boot on a throwaway overlay of the cached image.
boot() {
        local name=$1 init=$2 d=$OUT/boot-$1 rc start end
        rm -rf "$d"; mkdir -p "$d"
        vm_overlay "$d/overlay.qcow2" || return 1
        vm_qemu_cmd "$d/overlay.qcow2" "$OUT/inject.img" "$init" "$d/console.log" "${WEFT_VM_APPEND:-}"
        start=$(date +%s.%N)
        timeout -k 5 "$timeout_s" "${VM_QEMU[@]}" -serial "file:$d/check.log" \
                </dev/null >"$d/qemu.log" 2>&1
        rc=$?
        end=$(date +%s.%N)
        rm -f "$d/overlay.qcow2"
        tr -d '\r' <"$d/check.log" >"$d/check.txt"
        grep '^BOOTRECORD ' "$d/check.txt" | sed 's/^BOOTRECORD //' >"$d/boot.yaml"
        grep '^UNIT ' "$d/check.txt" | awk '{ print $2, $3 }' | sort >"$d/units.txt"
        local po
        po=$(awk '/^POWEROFF/ { print $2 }' "$d/check.txt")
        echo "vm-check: $name: boot took $(echo "$end - $start" | bc) s (qemu exit $rc${po:+, poweroff asked at guest uptime $po s})"
        if [ $rc = 124 ] || [ $rc = 137 ]; then
                echo "VERDICT FAIL poweroff (QEMU killed at the ${timeout_s} s bound)" >>"$d/check.txt"
        elif [ -n "$po" ]; then
                echo "VERDICT ok poweroff (QEMU exited by itself)" >>"$d/check.txt"
        else
                echo "VERDICT FAIL poweroff (the check never ran; QEMU exit $rc)" >>"$d/check.txt"
        fi
        grep '^VERDICT ' "$d/check.txt" | sed "s/^VERDICT /  $name: /"
}

# crash_boot: weft as PID 1 gets a SIGSEGV (weft-vm-crash.service) and is
# asked to reboot after it; its verdicts go to crash.txt.
crash_boot() {
        local d=$OUT/boot-crash rc start end
        rm -rf "$d"; mkdir -p "$d"
        vm_overlay "$d/overlay.qcow2" || return 1
        vm_qemu_cmd "$d/overlay.qcow2" "$OUT/inject.img" /usr/local/sbin/weft "$d/console.log" \
                "systemd.unit=weft-vm-crash.target systemd.crash_reboot=1"
        start=$(date +%s.%N)
        timeout -k 5 "$timeout_s" "${VM_QEMU[@]}" -serial "file:$d/check.log" </dev/null >"$d/qemu.log" 2>&1
        rc=$?
        end=$(date +%s.%N)
        rm -f "$d/overlay.qcow2"
        tr -d '\r' <"$d/console.log" >"$d/console.txt"
        echo "vm-check: crash: boot took $(echo "$end - $start" | bc) s (qemu exit $rc)"
        {
                verdict crash-signalled grep -q '^CRASH ' "$d/check.log"
                verdict crash-caught grep -q 'weft: PID 1 crashed: caught SIGSEGV from PID' "$d/console.txt"
                verdict crash-core grep -q 'weft: dumped core as PID' "$d/console.txt"
                verdict crash-no-panic not_in 'Kernel panic' "$d/console.txt"
                verdict crash-reboot rebooted "$rc" "$d/console.txt"
        } >"$d/crash.txt"
        sed 's/^VERDICT /  crash: /' "$d/crash.txt"
}
verdict() {
        local name=$1
        shift
        if "$@"; then echo "VERDICT ok $name"; else echo "VERDICT FAIL $name"; fi
}
not_in() { ! grep -q "$1" "$2"; }
# QEMU (-no-reboot) exited by itself after weft said it reboots.
rebooted() { [ "$1" = 0 ] && grep -q 'weft: rebooting now' "$2"; }

status=0
if [ "${WEFT_VM_ONLY:-}" != systemd ]; then
        boot weft /usr/local/sbin/weft
        crash_boot
fi
[ "${WEFT_VM_ONLY:-}" = weft ] || boot systemd /lib/systemd/systemd

if [ -s "$OUT/boot-weft/units.txt" ] && [ -s "$OUT/boot-systemd/units.txt" ]; then
        echo "vm-check: unit states, systemd (<) against weft (>), units where they differ:"
        join -a1 -a2 -e - -o 0,1.2,2.2 "$OUT/boot-systemd/units.txt" "$OUT/boot-weft/units.txt" |
                awk '$2 != $3 { printf "  %-50s systemd %-12s weft %s\n", $1, $2, $3; n++ }
                     END { printf "vm-check: %d units differ\n", n }' | tee "$OUT/units.diff"
fi
if [ "${WEFT_VM_ONLY:-}" != systemd ]; then
        fails=$(grep '^VERDICT FAIL ' "$OUT/boot-weft/check.txt" 2>/dev/null | awk '{ print $3 }')
        [ -s "$OUT/boot-weft/check.txt" ] && grep -q '^VERDICT ' "$OUT/boot-weft/check.txt" || fails="no-verdicts"
        for f in $fails; do
                case " $OPTIONAL " in *" $f "*) continue ;; esac
                status=1
        done
        grep -q '^VERDICT FAIL ' "$OUT/boot-crash/crash.txt" 2>/dev/null && status=1
        grep -q '^VERDICT ok ' "$OUT/boot-crash/crash.txt" 2>/dev/null || status=1
fi
echo "vm-check: artifacts in $OUT/boot-{weft,crash,systemd}/ (console.log, check.txt, boot.yaml, units.txt, crash.txt)"
echo "vm-check: $([ $status = 0 ] && echo PASS || echo FAIL) in $(( $(date +%s) - t0 )) s"
exit $status
