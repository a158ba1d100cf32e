# shellcheck shell=bash
# What `make vm-check` (test/vm/run.sh) and `make bench-vm` (bench/vm-bench.sh)
# share, sourced by both: the cached image, the injected disk, the
# accelerator and the QEMU command line. One place, so the bench boots
# exactly what the check boots. Messages go to stderr prefixed with $VM_TAG.

# vm_prepare BIN: installs what is missing (test/vm/deps.sh), builds or
# finds the cached image and picks the accelerator. BIN holds weft and
# weftctl linked for the guest (make $(BUILD)/vm/weft). Sets VM_KERNEL,
# VM_INITRD, VM_ROOTFS, VM_KVER (build-image.sh), VM_ACCEL and VM_CPU.
vm_prepare() {
        local bin=$1 b vars
        export PATH=$PATH:/usr/sbin:/sbin
        test/vm/deps.sh || { echo "$VM_TAG: FAIL: installing what the VM needs (test/vm/deps.sh)" >&2; return 1; }
        for b in weft weftctl; do
                [ -x "$bin/$b" ] || { echo "$VM_TAG: $bin/$b missing: build it with make $bin/$b" >&2; return 1; }
        done
        vars=$(test/vm/build-image.sh) || { echo "$VM_TAG: FAIL: building the image" >&2; return 1; }
        eval "$vars"
        # KVM when /dev/kvm is there and works: a nested one may refuse the
        # host CPU's MSRs or hang, so a bare kernel must reach its panic (no
        # root given) within 20 s first; otherwise software emulation.
        VM_ACCEL=tcg VM_CPU=max
        if [ -w /dev/kvm ] && [ "${WEFT_VM_KVM:-1}" = 1 ]; then
                timeout -k 2 20 qemu-system-x86_64 -machine q35,accel=kvm -cpu host,-arch-capabilities -smp 1 -m 256 \
                        -display none -no-reboot -nic none -kernel "$VM_KERNEL" -append "console=ttyS0 panic=-1" \
                        -serial "file:$bin/kvm-probe.log" </dev/null >/dev/null 2>&1
                if grep -q 'Kernel panic' "$bin/kvm-probe.log" 2>/dev/null; then
                        VM_ACCEL=kvm VM_CPU=host,-arch-capabilities
                else
                        echo "$VM_TAG: /dev/kvm does not work here, using software emulation" >&2
                fi
        fi
}

# vm_inject_tree BIN DIR: fills DIR with what the guest gets over
# /usr/local (never baked into the image): weft, weftctl, their libraries
# beyond libc, the guest check and the unit that runs it after
# multi-user.target. The caller may add files before vm_inject_image.
vm_inject_tree() {
        local bin=$1 inj=$2
        rm -rf "$inj"; mkdir -p "$inj"/{sbin,bin,lib/weft,lib/weft-vm,lib/systemd/system/multi-user.target.wants}
        cp "$bin/weft" "$inj/sbin/weft"
        cp "$bin/weftctl" "$inj/bin/weftctl"
        # The guest has the same Debian 12 libc.
        ldd "$bin/weft" "$bin/weftctl" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u |
                grep -Ev '/(libc|libm|libpthread|libdl|librt|ld-linux[^/]*)\.so' | while read -r l; do
                        cp -L "$l" "$inj/lib/weft/"
                done
        # libyaml is loaded at first use (parse/lib_yaml.h), so ldd does not
        # list it, and a minimal image has none: weft finds it by its rpath.
        cp -L "$(ldconfig -p | awk '$1 == "libyaml-0.so.2" && /x86-64/ { print $NF; exit }')" "$inj/lib/weft/"
        cp test/vm/guest-check.sh "$inj/lib/weft-vm/"
        cp test/vm/weft-vm-check.service test/vm/weft-vm-crash.target test/vm/weft-vm-crash.service \
                "$inj/lib/systemd/system/"
        ln -s ../weft-vm-check.service "$inj/lib/systemd/system/multi-user.target.wants/weft-vm-check.service"
}

# vm_inject_image DIR IMG: DIR as an ext4 image, made without mounting.
vm_inject_image() {
        rm -f "$2"
        mkfs.ext4 -q -F -L weftinject -d "$1" "$2" 64M
}

# vm_qemu_cmd OVERLAY INJECT_IMG INIT CONSOLE [APPEND]: sets the array
# VM_QEMU to the command that boots the image once: the throwaway overlay
# OVERLAY (qcow2 over $VM_ROOTFS) as /dev/vda, the injected disk as
# /dev/vdb, init=INIT, the first serial port (the console) into the file
# CONSOLE. The caller adds the second serial port (the check's output) and
# runs it under a time bound. The guest has one network card that reaches
# nothing (restrict=on: no host, no outside), so that udev names it and
# ifupdown raises it with a static address; VM_NIC=none boots without it.
vm_qemu_cmd() {
        # shellcheck disable=SC2034 # used by the caller
        VM_QEMU=(qemu-system-x86_64 -machine "q35,accel=$VM_ACCEL" -cpu "$VM_CPU" -smp 1 -m 1024
                -display none -no-reboot -nic "${VM_NIC:-user,model=virtio-net-pci,restrict=on}"
                -kernel "$VM_KERNEL" -initrd "$VM_INITRD"
                -append "root=/dev/vda console=ttyS0 init=$3 panic=-1 ${5:-}"
                -drive "file=$1,if=virtio,format=qcow2"
                -drive "file=$2,if=virtio,format=raw,readonly=on"
                -serial "file:$4")
}

# vm_overlay FILE: a fresh qcow2 overlay of the cached image.
vm_overlay() {
        qemu-img create -q -f qcow2 -F raw -b "$VM_ROOTFS" "$1"
}
