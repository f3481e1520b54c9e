#!/bin/sh
# build-box.sh: make envrun's Docker base image for a Debian box from
# Debian's packages alone (no image registry needed).
#
#   scripts/build-box.sh [IMAGE] [SUITE]       build and `docker import` IMAGE
#   scripts/build-box.sh --tar FILE [SUITE]    only write the root filesystem
#   scripts/build-box.sh --dir DIR [SUITE]     only make the root filesystem in
#                                              DIR (for build-libvirt-box.sh)
#
# IMAGE defaults to envrun/box:debian-bookworm, SUITE to bookworm.
# Environment: MIRROR (default http://deb.debian.org/debian), EXTRA_PACKAGES
# (more packages to install, separated by spaces or commas).
#
# The box is configured by box-configure.sh with the packages listed in
# box-packages, both beside this script. envrun runs this same script
# (embedded) when `envrun up` needs a box image that is missing.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
tar_only=
dir_only=
case "${1:-}" in
--tar)
	tar_only=${2:?--tar needs a file}
	shift 2
	set -- "" "$@"
	;;
--dir)
	dir_only=${2:?--dir needs a folder}
	shift 2
	set -- "" "$@"
	;;
esac
image=${1:-envrun/box:debian-bookworm}
suite=${2:-bookworm}
mirror=${MIRROR:-http://deb.debian.org/debian}
packages=$( (grep -v '^#' "$here/box-packages"; echo "${EXTRA_PACKAGES:-}" | tr ' ,' '\n\n') |
	grep -v '^$' | tr -s '\n' ',' | sed 's/,$//')

say() { printf 'build-box: %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || { say "must run as root (debootstrap needs it)"; exit 1; }
command -v debootstrap >/dev/null || { say "debootstrap is missing: apt-get install debootstrap"; exit 1; }
[ -n "$tar_only$dir_only" ] || command -v docker >/dev/null || { say "the docker CLI is missing: apt-get install docker.io"; exit 1; }

work=$(mktemp -d /var/tmp/envrun-box.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
rootfs=${dir_only:-$work/rootfs}

say "debootstrap $suite from $mirror (a minute or two)"
debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" 2>&1 |
	while IFS= read -r line; do say "$line"; done
[ -x "$rootfs/usr/sbin/sshd" ] || { say "debootstrap failed"; exit 1; }

say "configuring the vagrant user and sshd"
chroot "$rootfs" /bin/sh -eu <"$here/box-configure.sh"
[ -z "$dir_only" ] || exit 0

tarball=${tar_only:-$work/rootfs.tar}
tar --numeric-owner -C "$rootfs" -cf "$tarball.part" .
mv "$tarball.part" "$tarball"
[ -z "$tar_only" ] || exit 0
docker import --change 'CMD ["/usr/sbin/sshd","-D","-e"]' \
	--change "LABEL io.envrun.box=debian/$suite" "$tarball" "$image" >/dev/null
say "imported $image"
