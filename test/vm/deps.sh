#!/bin/bash
# Installs what `make vm-check` needs (Debian 12), only what is missing:
# debootstrap for the image, QEMU, busybox (static) and cpio for the
# initramfs, e2fsprogs for images made without mounting, kmod for the
# kernel's module dependencies, bc for timings. Run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(debootstrap qemu-system-x86 qemu-utils busybox-static cpio e2fsprogs kmod bc)
need=()
for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
# build-image.sh asks apt-cache which kernel linux-image-amd64 means.
if [ ${#need[@]} -gt 0 ] || ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
        timeout 600 apt-get update -qq
fi
if [ ${#need[@]} -gt 0 ]; then
        timeout 1200 apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
