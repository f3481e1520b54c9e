#!/bin/sh
# build-libvirt-box.sh: make envrun's libvirt box for Debian from Debian's
# packages alone: debootstrap → one ext4 file system → qcow2, with the
# guest's own kernel and initrd for direct kernel boot, packed as a
# Vagrant-format box (a tar of metadata.json, box.img, vmlinuz, initrd.img).
#
#   scripts/build-libvirt-box.sh [FILE] [SUITE]
#   envrun box add debian/SUITE FILE
#
# FILE defaults to debian-SUITE.libvirt.box, SUITE to bookworm.
# Environment: MIRROR (as build-box.sh), DISK_SIZE (default 4G: the
# virtual size of the disk; the qcow2 holds only what is used).
#
# The root filesystem is build-box.sh's (box-packages, box-configure.sh)
# with a kernel, systemd and DHCP added, then box-configure-libvirt.sh.
# envrun runs this same script (embedded) when `envrun up` on libvirt needs
# a debian/SUITE box that is missing.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
suite=${2:-bookworm}
out=${1:-debian-$suite.libvirt.box}
size=${DISK_SIZE:-4G}
cmdline="root=/dev/vda rw console=ttyS0,115200 net.ifnames=0"

say() { printf 'build-libvirt-box: %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || { say "must run as root (debootstrap needs it)"; exit 1; }
for c in debootstrap mke2fs qemu-img; do
	command -v $c >/dev/null || { say "$c is missing: apt-get install debootstrap e2fsprogs qemu-utils"; exit 1; }
done

work=$(mktemp -d /var/tmp/envrun-libvirt-box.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
rootfs=$work/rootfs
mkdir "$work/box"

EXTRA_PACKAGES="linux-image-amd64 systemd-sysv udev dbus kmod initramfs-tools ifupdown isc-dhcp-client" \
	"$here/build-box.sh" --dir "$rootfs" "$suite"

say "configuring the VM (network, host keys, insecure key, kernel)"
chroot "$rootfs" /bin/sh -eu <"$here/box-configure-libvirt.sh"
set -- "$rootfs"/boot/vmlinuz-*
[ -f "$1" ] || { say "no kernel in $rootfs/boot"; exit 1; }
cp "$1" "$work/box/vmlinuz"
cp "$rootfs/boot/initrd.img-${1#*/vmlinuz-}" "$work/box/initrd.img"
rm -f "$rootfs"/boot/vmlinuz-* "$rootfs"/boot/initrd.img-* "$rootfs"/vmlinuz* "$rootfs"/initrd.img*

say "making the $size ext4 disk image"
mke2fs -q -t ext4 -L root -d "$rootfs" "$work/root.raw" "$size"
qemu-img convert -f raw -O qcow2 "$work/root.raw" "$work/box/box.img"
rm "$work/root.raw"
gib=$(echo "$size" | sed 's/[Gg]$//')
cat >"$work/box/metadata.json" <<JSON
{
  "provider": "libvirt",
  "format": "qcow2",
  "virtual_size": $gib,
  "envrun": {
    "box": "debian/$suite",
    "kernel": "vmlinuz",
    "initrd": "initrd.img",
    "cmdline": "$cmdline"
  }
}
JSON

say "packing $out"
tar -C "$work/box" -cf - metadata.json vmlinuz initrd.img box.img | gzip -1 >"$out.part"
mv "$out.part" "$out"
say "made $out ($(du -h "$out" | cut -f1)): envrun box add debian/$suite $out"
