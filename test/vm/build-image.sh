#!/bin/bash
# Builds (once) what `make vm-check` boots, into the cache $WEFT_VM_CACHE
# (default /var/cache/weft-vm), keyed by the package list and this script:
#   rootfs-KEY.img   Debian 12 minbase plus the issue's packages, ext4, no weft
#   kernel-VER/      Debian's kernel package, unpacked (never installed here)
#   initrd-KEY.cpio.gz  busybox (static) and the modules to mount a virtio root
# Prints the paths as shell assignments on stdout; everything else on stderr.
# Needs root (debootstrap), debootstrap, busybox-static, e2fsprogs, cpio.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${WEFT_VM_CACHE:-/var/cache/weft-vm}
MIRROR=${WEFT_VM_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
PACKAGES=systemd-sysv,udev,kmod,dbus,cron,rsyslog,openssh-server,iproute2,busybox,nginx-light,ifupdown,systemd-timesyncd
IMG_SIZE=${WEFT_VM_IMG_SIZE:-1536M}
ROOT_UUID=5e2ad0c4-7a51-4f3e-9b86-0d1c3e4f5a61
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock -w 3600 9

say() { echo "vm-image: $*" >&2; }
# The slow step (debootstrap) is keyed by the package list only; the image
# and the initramfs also by this script and the initramfs's init.
treekey=$(echo "$SUITE $PACKAGES" | sha256sum | cut -c1-12)
key=$( (echo "$SUITE $PACKAGES $IMG_SIZE"; cat "$HERE/build-image.sh" "$HERE/initramfs-init") | sha256sum | cut -c1-12)

# The kernel: the package linux-image-amd64 depends on, fetched and unpacked.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1)
if [ -z "$kpkg" ]; then
        say "apt-cache does not know linux-image-amd64: run apt-get update"; exit 1
fi
kver=${kpkg#linux-image-}
kdir=$CACHE/kernel-$kver
if [ ! -e "$kdir/.done" ]; then
        say "fetching $kpkg"
        rm -rf "$kdir" "$CACHE/dl"; mkdir -p "$CACHE/dl"
        chown _apt "$CACHE/dl" 2>/dev/null || true
        (cd "$CACHE/dl" && timeout 900 apt-get download -q "$kpkg" >&2)
        dpkg-deb -x "$CACHE"/dl/"$kpkg"_*.deb "$kdir"
        rm -rf "$CACHE/dl"
        depmod -b "$kdir" "$kver"
        touch "$kdir/.done"
fi
vmlinuz=$kdir/boot/vmlinuz-$kver
moddir=$kdir/lib/modules/$kver

# The root file system: debootstrap once, the kernel's modules copied in (so
# udev and kmod in the guest find them), then an ext4 image made from the
# tree without mounting anything (mkfs.ext4 -d).
img=$CACHE/rootfs-$key-$kver.img
if [ ! -e "$img" ]; then
        root=$CACHE/tree-$treekey
        if [ ! -e "$root/.debootstrapped" ]; then
                rm -rf "$root"
                say "debootstrap $SUITE minbase + $PACKAGES (several minutes)"
                timeout 3000 debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$root" "$MIRROR" >&2
                touch "$root/.debootstrapped"
        fi
        say "configuring the image"
        echo weft-vm > "$root/etc/hostname"
        printf '127.0.0.1\tlocalhost\n127.0.1.1\tweft-vm\n' > "$root/etc/hosts"
        # As Debian's installer writes fstab: the root by UUID (its
        # by-uuid link is a device unit that udev must announce) and swap,
        # here a file (filled with random bytes: mkfs.ext4 -d leaves zero
        # blocks out, and swapon refuses a file with holes).
        printf 'UUID=%s\t/\text4\terrors=remount-ro\t0\t1\n/swapfile\tnone\tswap\tsw\t0\t0\n' \
                "$ROOT_UUID" > "$root/etc/fstab"
        rm -f "$root/swapfile"
        head -c 32M /dev/urandom > "$root/swapfile"
        chmod 600 "$root/swapfile"
        mkswap -q "$root/swapfile" >&2
        # As Debian's installer writes it: the card comes up when udev
        # sees it (ifupdown's udev rule -> systemctl start ifup@NAME.service,
        # which BindsTo= the card's SYSTEMD_ALIAS= device). A static address:
        # the card reaches nothing (test/vm/lib.sh), so there is no DHCP.
        printf 'auto lo\niface lo inet loopback\n\nallow-hotplug enp0s2\niface enp0s2 inet static\n\taddress 10.0.2.15/24\n' \
                > "$root/etc/network/interfaces"
        # As a fresh image ships it: an empty machine-id, set up at boot.
        : > "$root/etc/machine-id"
        rm -f "$root/var/lib/dbus/machine-id"
        # root logs in on the console without a password (a throwaway VM).
        sed -i 's/^root:[^:]*:/root::/' "$root/etc/shadow"
        rm -f "$root"/etc/ssh/ssh_host_*_key*
        chroot "$root" ssh-keygen -A >&2
        rm -rf "$root/lib/modules"; mkdir -p "$root/lib/modules"
        cp -a "$moddir" "$root/lib/modules/"
        rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*_Packages
        rm -f "$img.tmp"
        mkfs.ext4 -q -F -L weftroot -U "$ROOT_UUID" -d "$root" "$img.tmp" "$IMG_SIZE" >&2
        mv "$img.tmp" "$img"
fi

# The initramfs: busybox and the modules that reach a virtio ext4 root,
# with their dependencies in load order.
initrd=$CACHE/initrd-$key-$kver.cpio.gz
if [ ! -e "$initrd" ]; then
        say "building the initramfs"
        ird=$(mktemp -d "$CACHE/initrd.XXXXXX")
        mkdir -p "$ird"/{bin,dev,proc,sys,newroot,inject,mods}
        cp /bin/busybox "$ird/bin/busybox"
        for a in sh mount umount mkdir insmod switch_root sleep cat echo ls; do ln -s busybox "$ird/bin/$a"; done
        : > "$ird/mods/order"
        for m in virtio_pci virtio_blk ext4 crc32c_generic; do
                modprobe -S "$kver" -d "$kdir" --show-depends "$m" 2>/dev/null |
                        sed -n 's/^insmod \([^ ]*\).*/\1/p'
        done | awk '!seen[$0]++' | while read -r ko; do
                cp "$ko" "$ird/mods/"
                echo "${ko##*/}" >> "$ird/mods/order"
        done
        cp "$HERE/initramfs-init" "$ird/init"
        chmod 755 "$ird/init"
        (cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) > "$initrd.tmp"
        mv "$initrd.tmp" "$initrd"
        rm -rf "$ird"
fi
# Keep the cache to the current build: older images, trees and kernels go.
for old in "$CACHE"/rootfs-*.img "$CACHE"/initrd-*.cpio.gz "$CACHE"/tree-* "$CACHE"/kernel-*; do
        case $old in "$img" | "$initrd" | "$CACHE/tree-$treekey" | "$kdir") ;; *) [ -e "$old" ] && rm -rf "$old" ;; esac
done
echo "VM_KERNEL=$vmlinuz"
echo "VM_INITRD=$initrd"
echo "VM_ROOTFS=$img"
echo "VM_KVER=$kver"
