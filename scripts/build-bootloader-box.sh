#!/bin/sh
# build-bootloader-box.sh: make, from envrun's libvirt box for Debian, a box
# that boots through a bootloader, as public Vagrant boxes do: one disk
# with an MBR partition table, one bootable ext4 partition holding the
# box's root file system, and extlinux (Debian's extlinux package) loading
# the box's own kernel and initrd from /boot. Its metadata.json names no
# kernel, so envrun boots it from the disk too; the same file is a box for
# Vagrant's libvirt provider (vagrant-libvirt). scripts/bench's S10 boots
# it on all three sides (envrun, the raw virsh floor, vagrant-libvirt).
#
#   scripts/build-bootloader-box.sh OUT [SOURCE]
#   envrun box add NAME OUT
#   vagrant box add --name NAME OUT
#
# SOURCE is envrun's libvirt box: a box file made by build-libvirt-box.sh,
# or the name of a box in envrun's libvirt pool (default debian/bookworm;
# `envrun box add` puts it there, or envrun makes it on first use).
# LIBVIRT_DEFAULT_URI picks the libvirtd of the pool (default
# qemu:///system).
#
# What changes from SOURCE, nothing else:
#   - the disk: partition 1 from 1 MiB to the end (the same virtual size),
#     its file system made anew (mke2fs -d) from the box's files;
#   - /boot: the box's kernel and initrd (the files envrun boots directly),
#     and extlinux.conf with the box's command line, root=/dev/vda1;
#   - /etc/fstab: /dev/vda1;
#   - /etc/network/interfaces: only eth0 asks DHCP, as in public Vagrant
#     boxes. Vagrant writes each private network's static stanza itself,
#     and ifupdown takes an interface's first stanza: with the box's DHCP
#     stanza for every NIC, Vagrant's `ifup eth1` waits for a lease that
#     never comes. envrun gives NICs past the first their addresses itself
#     at first contact.
#
# Needs root (losetup, mount, chroot), extlinux, syslinux-common, fdisk (sfdisk),
# e2fsprogs, qemu-utils, and virsh for a SOURCE in the pool.
set -eu

[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 OUT [BOX-FILE | BOX-NAME]" >&2; exit 2; }
out=$1
source=${2:-debian/bookworm}
uri=${LIBVIRT_DEFAULT_URI:-qemu:///system}
mbr=/usr/lib/syslinux/mbr/mbr.bin

say() { printf 'build-bootloader-box: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (losetup, mount)"
for c in extlinux sfdisk losetup mke2fs qemu-img; do
	command -v $c >/dev/null || die "$c is missing: apt-get install extlinux syslinux-common fdisk e2fsprogs qemu-utils"
done
[ -f "$mbr" ] || die "$mbr is missing: apt-get install syslinux-common"

work=$(mktemp -d "${TMPDIR:-/var/tmp}/envrun-bootloader-box.XXXXXX")
srcdev= dstdev=
cleanup() {
	set +e
	for m in "$work/dst" "$work/src"; do
		mountpoint -q "$m" && umount "$m"
	done
	[ -z "$dstdev" ] || losetup -d "$dstdev"
	[ -z "$srcdev" ] || losetup -d "$srcdev"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir "$work/in" "$work/src" "$work/dst" "$work/box"

# The box's disk (qcow2), kernel, initrd and command line.
meta=$work/in/metadata.json
field() { sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" "$meta"; }
if [ -f "$source" ]; then
	say "reading the box file $source"
	tar -C "$work/in" -xf "$source"
	[ -f "$meta" ] || die "$source has no metadata.json: not a box file"
	image=$work/in/box.img
	kernel=$work/in/$(field kernel)
	initrd=$work/in/$(field initrd)
else
	case $source in *[!A-Za-z0-9._/-]*) die "box name $source: only letters, digits and ._/- are handled here" ;; esac
	say "reading box $source from envrun's pool on $uri"
	vol=envrun-box-$(printf '%s' "$source" | sed 's#/#%2F#g')
	path() { virsh -c "$uri" -q vol-path --pool envrun "$vol$1" || die "box $source has no $vol$1 in pool envrun: envrun box add $source FILE"; }
	image=$(path .img)
	kernel=$(path .vmlinuz)
	initrd=$(path .initrd)
	virsh -c "$uri" -q vol-download --pool envrun "$vol.json" "$meta" >/dev/null
fi
cmdline=$(field cmdline)
[ -f "$kernel" ] && [ -f "$initrd" ] || die "$source has no kernel and initrd: a box made by build-libvirt-box.sh has"
case " $cmdline " in
*" root=/dev/vda "*) cmdline=$(printf '%s' "$cmdline" | sed 's#root=/dev/vda\( \|$\)#root=/dev/vda1\1#') ;;
*) die "$source's command line ($cmdline) does not say root=/dev/vda" ;;
esac

say "the partitioned disk"
qemu-img convert -f qcow2 -O raw "$image" "$work/src.raw"
bytes=$(stat -c %s "$work/src.raw")
truncate -s "$bytes" "$work/disk.raw"
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$work/disk.raw"
dd if="$mbr" of="$work/disk.raw" bs=440 count=1 conv=notrunc status=none
srcdev=$(losetup -f --show -r "$work/src.raw")
mount -o ro,noload "$srcdev" "$work/src"
# The partition as a device of its own, by its offset: no partition
# devices needed (losetup -P finds none on kernels without partition
# tables). extlinux records sectors from the partition's start; at boot,
# the MBR hands it the partition's offset.
dstdev=$(losetup -f --show -o $((2048 * 512)) --sizelimit $((bytes - 2048 * 512)) "$work/disk.raw")
part=$dstdev

say "copying the root file system ($(du -sh "$work/src" | cut -f1))"
mke2fs -q -t ext4 -L root -d "$work/src" "$part"
umount "$work/src"
losetup -d "$srcdev"
srcdev=
rm "$work/src.raw"

say "kernel, initrd and extlinux"
d=$work/dst
mount "$part" "$d"
set -- "$d"/lib/modules/*
[ $# -eq 1 ] && [ -d "$1" ] || die "expected one kernel in /lib/modules, found: $*"
ver=${1##*/}
cp "$kernel" "$d/boot/vmlinuz-$ver"
cp "$initrd" "$d/boot/initrd.img-$ver"
# The initrd must find the root disk on its own: virtio's PCI and block
# drivers, and ext4 (box-configure-libvirt.sh lists them).
mods=$(chroot "$d" lsinitramfs "/boot/initrd.img-$ver") || die "lsinitramfs failed in the box"
for m in virtio_pci virtio_blk ext4; do
	printf '%s\n' "$mods" | grep -q "/$m\.ko" && continue
	grep -q "/$m\.ko\$" "$d/lib/modules/$ver/modules.builtin" && continue
	die "the initrd has no $m module, and the kernel has it not built in"
done
mkdir -p "$d/boot/extlinux"
cat >"$d/boot/extlinux/extlinux.conf" <<CONF
SERIAL 0 115200
DEFAULT debian
PROMPT 0
LABEL debian
	KERNEL /boot/vmlinuz-$ver
	INITRD /boot/initrd.img-$ver
	APPEND $cmdline
CONF
extlinux --install "$d/boot/extlinux" 2>&1 | while IFS= read -r line; do say "$line"; done
[ -f "$d/boot/extlinux/ldlinux.sys" ] || die "extlinux --install failed"
printf '/dev/vda1 / ext4 defaults,noatime 0 0\n' >"$d/etc/fstab"
printf 'auto lo\niface lo inet loopback\n\nallow-hotplug eth0\niface eth0 inet dhcp\n' >"$d/etc/network/interfaces"
umount "$d"
losetup -d "$dstdev"
dstdev=

say "packing $out"
qemu-img convert -f raw -O qcow2 "$work/disk.raw" "$work/box/box.img"
rm "$work/disk.raw"
printf '{"provider": "libvirt", "format": "qcow2", "virtual_size": %s}\n' $(((bytes + 1073741823) / 1073741824)) >"$work/box/metadata.json"
tar -C "$work/box" -cf "$out.part" metadata.json box.img
mv "$out.part" "$out"
say "made $out ($(du -h "$out" | cut -f1)): kernel $ver, command line: $cmdline"
