set -eu
export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
fail() { echo "envrun guest settings: $*" >&2; exit 1; }
user=vagrant

# Hostname: the short name, as Debian and Vagrant set it; hostname -f answers the full one,
# from /etc/hosts, where the names are the machine's static address's (127.0.1.1 without one).
short=web names='web.local web' hostip=172.20.1.21
awk -v ip="$hostip" -v old=172.20.1.20 '$1 != ip && $1 != old && $1 != "127.0.1.1"' /etc/hosts >/etc/hosts.envrun
printf '%s\t%s\n' "$hostip" "$names" >>/etc/hosts.envrun
cat /etc/hosts.envrun >/etc/hosts
rm -f /etc/hosts.envrun
printf '%s\n' "$short" >/etc/hostname
hostname "$short"

# Static addresses, by MAC address.
iface_of() { for d in /sys/class/net/*; do [ "$(cat "$d/address" 2>/dev/null)" = "$1" ] && { basename "$d"; return 0; }; done; fail "no network interface has MAC $1"; }
macs=' 08:00:27:ae:1f:98 ' ifaces=" $(iface_of 08:00:27:ae:1f:98) "
for f in /etc/systemd/network/05-envrun-*.network; do
	[ -e "$f" ] || continue
	mac=$(sed -n 's/^MACAddress=//p' "$f") addr=$(sed -n 's/^Address=//p' "$f")
	case "$macs" in *" $mac "*) continue ;; esac
	rm -f "$f"
	for d in /sys/class/net/*; do
		[ "$(cat "$d/address" 2>/dev/null)" = "$mac" ] && ip addr del "$addr" dev "${d##*/}" 2>/dev/null || true
	done
	networkctl reload 2>/dev/null || true
done
for f in /etc/network/interfaces.d/envrun-*; do
	[ -e "$f" ] || continue
	i=${f##*/envrun-}
	case "$ifaces" in *" $i "*) continue ;; esac
	ifdown "$i" 2>/dev/null || true
	rm -f "$f"
done
if systemctl is-active --quiet systemd-networkd 2>/dev/null; then netcfg=networkd
elif command -v ifup >/dev/null 2>&1; then netcfg=ifupdown
else fail "neither systemd-networkd nor ifupdown manages the network: cannot set a static address in this guest"; fi
if [ "$netcfg" = ifupdown ] && ! grep -qsE '^[[:space:]]*source(-directory)?[[:space:]]+/etc/network/interfaces\.d' /etc/network/interfaces; then
	echo 'source /etc/network/interfaces.d/*' >> /etc/network/interfaces
fi
mkdir -p /etc/network/interfaces.d /etc/systemd/network
mac=08:00:27:ae:1f:98 addr=172.20.1.21/24
iface=$(iface_of "$mac")
if [ "$netcfg" = networkd ]; then
	printf '[Match]\nMACAddress=%s\n\n[Network]\nAddress=%s\n' "$mac" "$addr" > "/etc/systemd/network/05-envrun-$iface.network"
	networkctl reload 2>/dev/null || systemctl restart systemd-networkd
	networkctl reconfigure "$iface" 2>/dev/null || true
else
	# Down with the stanza it was brought up with: ifdown of a changed one leaves the old address.
	ifdown "$iface" 2>/dev/null || true
	printf 'auto %s\niface %s inet static\n    address %s\n' "$iface" "$iface" "$addr" > "/etc/network/interfaces.d/envrun-$iface"
	ifup "$iface"
fi
i=0; until ip -4 -o addr show dev "$iface" | grep -q " $addr "; do
	i=$((i+1)); [ $i -le 50 ] || fail "$iface did not get $addr ($netcfg)"; sleep 0.2
done

# /vagrant (tag envrun1) as it was mounted: unmounted (what is under it too), out of /etc/fstab.
! mountpoint -q /vagrant || umount -R /vagrant || umount -R -l /vagrant
tag=envrun1 path=/vagrant req=x-systemd.requires-mounts-for=/vagrant awk '
	BEGIN { tag = ENVIRON["tag"]; path = ENVIRON["path"]; req = ENVIRON["req"] }
	$1 == tag && $2 == path { next }
	$1 == "tmpfs" && length($4) >= length(req) && substr($4, length($4) - length(req) + 1) == req { next }
	{ print }' /etc/fstab >/etc/fstab.envrun
cat /etc/fstab.envrun >/etc/fstab && rm -f /etc/fstab.envrun

# Shared folder envrun1 (needs the VirtualBox Guest Additions), in /etc/fstab so that a reboot
# mounts it again, with .envrun/ (the environment's key) under an empty read-only tmpfs.
mkdir -p /src
line=$(printf '%s %s vboxsf uid=%s,gid=%s,nofail 0 0' envrun1 /src "$(id -u "$user")" "$(id -g "$user")")
grep -qxF "$line" /etc/fstab || printf '%s\n' "$line" >>/etc/fstab
mountpoint -q /src || mount /src || fail 'cannot mount the shared folder /src: the box needs the VirtualBox Guest Additions (vboxsf)'
line='tmpfs /src/.envrun tmpfs ro,size=4k,mode=000,nofail,x-systemd.requires-mounts-for=/src 0 0'
grep -qxF "$line" /etc/fstab || printf '%s\n' "$line" >>/etc/fstab
[ -d /src/.envrun ] || fail 'the shared folder /src has no /src/.envrun to hide'
mountpoint -q /src/.envrun || mount /src/.envrun
