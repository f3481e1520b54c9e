#!/bin/sh
# build-guest-image.sh: make envrun/guest:debian-bookworm, a Docker image
# that boots like a Debian VM: systemd as PID 1 (with dbus, so hostnamectl
# works), ifupdown installed, the box's own SSH host keys, and plain
# /etc/hosts, /etc/hostname and /etc/network/interfaces as a Debian
# installation has them. The VirtualBox provider's integration test
# (engine/provider/virtualbox, TestIntegrationGuestScript) runs the real
# guest set-up script in containers of it, as on a VirtualBox VM made from a
# Debian box; it makes its flavours (systemd-networkd, ifupdown, neither)
# from this image with a few commands before each container's first boot.
#
#   scripts/build-guest-image.sh [IMAGE]    default envrun/guest:debian-bookworm
#
# Needs: root, Docker, apt-get (a Debian bookworm host, like the box), and
# the box image envrun/box:debian-bookworm (scripts/build-box.sh). The
# packages the box lacks are downloaded HERE, on the host, with apt-get
# (resolved against the box's own dpkg status, so exactly what is missing
# is fetched); the image build itself runs with no network.
set -eu

image=${1:-envrun/guest:debian-bookworm}
box=envrun/box:debian-bookworm
packages="systemd systemd-sysv dbus ifupdown"

say() { printf 'build-guest-image: %s\n' "$*" >&2; }

[ "$(id -u)" -eq 0 ] || { say "must run as root (apt-get)"; exit 1; }
command -v docker >/dev/null || { say "the docker CLI is missing: apt-get install docker.io"; exit 1; }
command -v apt-get >/dev/null || { say "apt-get is missing: this needs a Debian host"; exit 1; }
docker image inspect "$box" >/dev/null 2>&1 || { say "the box image $box is missing: run scripts/build-box.sh first"; exit 1; }

work=$(mktemp -d /var/tmp/envrun-guest.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
ctx=$work/context
mkdir -p "$ctx/debs/partial" "$work/state"

say "packages the box lacks for $packages"
docker run --rm --network none --entrypoint cat "$box" /var/lib/dpkg/status >"$work/state/status"
: >"$work/state/extended_states"
# apt-get resolves against the box's dpkg status, not the host's, and
# writes nothing of the host's apt state (no caches, no locks taken).
apt-get install --download-only -y -qq --no-install-recommends \
	-o Dir::State::status="$work/state/status" \
	-o Dir::State::extended_states="$work/state/extended_states" \
	-o Dir::Cache::archives="$ctx/debs" \
	-o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
	-o Debug::NoLocking=1 -o APT::Sandbox::User=root \
	$packages >&2
rm -rf "$ctx/debs/partial" "$ctx/debs/lock"
ls "$ctx/debs"/systemd_*.deb >/dev/null 2>&1 || { say "apt-get fetched no systemd package"; exit 1; }

# What a Debian installation (and a Debian Vagrant box) has.
printf 'bookworm\n' >"$ctx/hostname"
cat >"$ctx/hosts" <<'EOF'
127.0.0.1	localhost
127.0.1.1	bookworm

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
EOF
cat >"$ctx/interfaces" <<'EOF'
# This file describes the network interfaces available on your system
# and how to activate them. For more information, see interfaces(5).

source /etc/network/interfaces.d/*

# The loopback network interface
auto lo
iface lo inet loopback

# The primary network interface
allow-hotplug eth0
iface eth0 inet dhcp
EOF
# Docker bind-mounts its own /etc/hosts, /etc/hostname and
# /etc/resolv.conf over the image's (and leaves empty files under them); a
# VM has plain files, which tools replace by renaming (sed -i, hostnamed).
# Unmount them, put the installation's in place at first boot, then boot.
cat >"$ctx/vm-init" <<'EOF'
#!/bin/sh
for f in /etc/hosts /etc/hostname /etc/resolv.conf; do
	umount "$f" 2>/dev/null || true
done
for f in hosts hostname; do
	[ -s "/etc/$f" ] || cat "/usr/share/envrun-guest/$f" >"/etc/$f"
done
exec /lib/systemd/systemd
EOF
cat >"$ctx/Dockerfile" <<'EOF'
FROM envrun/box:debian-bookworm
COPY debs/ /tmp/debs/
RUN apt-get install -y -qq --no-install-recommends /tmp/debs/*.deb \
 && rm -rf /tmp/debs /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && apt-get clean
# A box's own host keys: every VM made from the box shares them until
# envrun replaces the ed25519 one.
RUN ssh-keygen -A
# Units that have nothing to do in a container.
RUN systemctl mask getty@tty1.service console-getty.service systemd-logind.service
COPY hostname hosts /usr/share/envrun-guest/
COPY interfaces /etc/network/interfaces
COPY vm-init /sbin/vm-init
RUN chmod 755 /sbin/vm-init && chmod 644 /usr/share/envrun-guest/* /etc/network/interfaces
STOPSIGNAL SIGRTMIN+3
CMD ["/sbin/vm-init"]
LABEL io.envrun.guest=debian/bookworm
EOF
say "building $image (no network)"
docker build --network none -q -t "$image" "$ctx" >/dev/null 2>"$work/build.log" || { cat "$work/build.log" >&2; exit 1; }
say "built $image"
