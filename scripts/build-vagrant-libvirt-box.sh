#!/bin/sh
# build-vagrant-libvirt-box.sh: make, from envrun's libvirt box, the box
# that Vagrant's own libvirt provider (Debian's vagrant-libvirt) boots in
# scripts/bench's anchor, so that all sides boot the same disk, kernel and
# initrd. One change, which public Vagrant boxes have too: only eth0 asks
# DHCP. Vagrant writes each private network's static stanza itself, and
# ifupdown takes an interface's first stanza: envrun's box has a DHCP one
# for every NIC (libvirt's dnsmasq hands envrun's static addresses out), so
# Vagrant's `ifup eth1` waited for a lease that never came.
#
#   scripts/build-vagrant-libvirt-box.sh IMAGE OUT
#
# IMAGE is the box's qcow2 disk (in envrun's pool after `envrun box add`:
# envrun-box-debian%2Fbookworm.img), OUT the .box file to write: a tar of
# metadata.json and box.img, for `vagrant box add --name NAME OUT`. The
# kernel and initrd are not in it: the Vagrantfile names envrun's
# (libvirt.kernel, libvirt.initrd, libvirt.cmd_line), as vagrant-libvirt
# otherwise boots a disk through a bootloader, which this one has not.
# Needs qemu-img and debugfs (qemu-utils, e2fsprogs); no root, no mount.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 IMAGE OUT" >&2; exit 2; }
img=$1 out=$2
work=$(mktemp -d "${TMPDIR:-/var/tmp}/envrun-vagrant-box.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

qemu-img convert -f qcow2 -O raw "$img" "$work/root.raw"
printf 'auto lo\niface lo inet loopback\n\nallow-hotplug eth0\niface eth0 inet dhcp\n' >"$work/interfaces"
chmod 0644 "$work/interfaces"
# debugfs exits 0 whatever its requests did: the file is read back.
debugfs -w -R 'rm /etc/network/interfaces' "$work/root.raw" >/dev/null 2>&1
debugfs -w -R "write $work/interfaces /etc/network/interfaces" "$work/root.raw" >/dev/null 2>&1
debugfs -R 'cat /etc/network/interfaces' "$work/root.raw" 2>/dev/null | cmp -s - "$work/interfaces" || {
	echo "$0: could not rewrite /etc/network/interfaces in $img" >&2
	exit 1
}
qemu-img convert -f raw -O qcow2 "$work/root.raw" "$work/box.img"
rm "$work/root.raw"
bytes=$(qemu-img info --output=json "$work/box.img" | sed -n 's/.*"virtual-size": *\([0-9]*\).*/\1/p')
printf '{"provider": "libvirt", "format": "qcow2", "virtual_size": %s}\n' $(((bytes + 1073741823) / 1073741824)) >"$work/metadata.json"
tar -C "$work" -cf "$out.part" metadata.json box.img
mv "$out.part" "$out"
