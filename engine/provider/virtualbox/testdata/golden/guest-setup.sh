set -eu
export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
fail() { echo "envrun guest setup: $*" >&2; exit 1; }
user=vagrant
home=$(getent passwd "$user" | cut -d: -f6) || true
[ -n "$home" ] || fail "user $user does not exist in the guest"
group=$(id -gn "$user")

# The environment key replaces every authorized key, the box's insecure one included.
install -d -m 700 -o "$user" -g "$group" "$home/.ssh"
echo c3NoLWVkMjU1MTkgQUFBQWVudmtleSBlbnZydW4K | base64 -d > "$home/.ssh/authorized_keys.envrun"
chown "$user:$group" "$home/.ssh/authorized_keys.envrun"
chmod 600 "$home/.ssh/authorized_keys.envrun"
mv -f "$home/.ssh/authorized_keys.envrun" "$home/.ssh/authorized_keys"

# A host key of the machine's own (every clone of a box shares the box's).
(umask 077; echo LS0tLS1CRUdJTiBPUEVOU1NIIFBSSVZBVEUgS0VZLS0tLS0KeHgKLS0tLS1FTkQgT1BFTlNTSCBQUklWQVRFIEtFWS0tLS0tCg== | base64 -d > /etc/ssh/ssh_host_ed25519_key.envrun)
mv -f /etc/ssh/ssh_host_ed25519_key.envrun /etc/ssh/ssh_host_ed25519_key
echo 'ssh-ed25519 AAAAhostkey' > /etc/ssh/ssh_host_ed25519_key.pub

# Hostname: the short name, as Debian, Vagrant and envrun's other providers set it;
# hostname -f answers the full one, from /etc/hosts.
# The names are the machine's static address's (so that hostname -i answers it, as with
# envrun's other providers), or 127.0.1.1 as on Debian when it has none; the box's go.
short=machine1 names='machine1.local machine1' hostip=172.20.1.20
awk -v ip="$hostip" '$1 != ip && $1 != "127.0.1.1"' /etc/hosts > /etc/hosts.envrun
printf '%s\t%s\n' "$hostip" "$names" >> /etc/hosts.envrun
cat /etc/hosts.envrun > /etc/hosts
rm -f /etc/hosts.envrun
hostnamectl set-hostname "$short" 2>/dev/null || { echo "$short" > /etc/hostname; hostname "$short"; }

# Static addresses, by MAC address.
iface_of() { for d in /sys/class/net/*; do [ "$(cat "$d/address" 2>/dev/null)" = "$1" ] && { basename "$d"; return 0; }; done; fail "no network interface has MAC $1"; }
if systemctl is-active --quiet systemd-networkd 2>/dev/null; then netcfg=networkd
elif command -v ifup >/dev/null 2>&1; then netcfg=ifupdown
else fail "neither systemd-networkd nor ifupdown manages the network: cannot set a static address in this guest"; fi
if [ "$netcfg" = ifupdown ] && ! grep -qsE '^[[:space:]]*source(-directory)?[[:space:]]+/etc/network/interfaces\.d' /etc/network/interfaces; then
  echo 'source /etc/network/interfaces.d/*' >> /etc/network/interfaces
fi
mkdir -p /etc/network/interfaces.d /etc/systemd/network
mac=08:00:27:ae:1f:98 addr=172.20.1.20/24
iface=$(iface_of "$mac")
if [ "$netcfg" = networkd ]; then
  printf '[Match]\nMACAddress=%s\n\n[Network]\nAddress=%s\n' "$mac" "$addr" > "/etc/systemd/network/05-envrun-$iface.network"
  networkctl reload 2>/dev/null || systemctl restart systemd-networkd
  networkctl reconfigure "$iface" 2>/dev/null || true
else
  printf 'auto %s\niface %s inet static\n    address %s\n' "$iface" "$iface" "$addr" > "/etc/network/interfaces.d/envrun-$iface"
  ifdown "$iface" 2>/dev/null || true
  ifup "$iface"
fi
i=0; until ip -4 -o addr show dev "$iface" | grep -q " $addr "; do
  i=$((i+1)); [ $i -le 50 ] || fail "$iface did not get $addr ($netcfg)"; sleep 0.2
done

# Shared folder envrun1 (needs the VirtualBox Guest Additions).
mkdir -p '/src dir'
mountpoint -q '/src dir' || mount -t vboxsf -o uid="$(id -u "$user")",gid="$(id -g "$user")" envrun1 '/src dir' || fail 'cannot mount the shared folder /src dir: the box needs the VirtualBox Guest Additions (vboxsf)'

# sshd takes the new host key; this session survives the restart.
systemctl restart ssh 2>/dev/null || systemctl restart sshd 2>/dev/null || service ssh restart
