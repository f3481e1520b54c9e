set -eu
export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
fail() { echo "envrun guest setup: $*" >&2; exit 1; }
user=vagrant box_user=vagrant
key='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJVkiUqv10fPIoZPoeKgeSDbLLZdh4QggH+R13LJwaod envrun'
home=$(getent passwd "$user" | cut -d: -f6) || true
[ -n "$home" ] || fail "user $user does not exist on the machine: set the machine's user to one the box has"
group=$(id -gn "$user")
box_home=$(getent passwd "$box_user" | cut -d: -f6) || true

# The environment key is authorized; the keys first contact may have used go, for both users.
install -d -m 0700 -o "$user" -g "$group" "$home/.ssh"
ak=$home/.ssh/authorized_keys
touch "$ak"
grep -qxF "$key" "$ak" || printf '%s\n' "$key" >>"$ak"
chown "$user:$group" "$ak"
chmod 0600 "$ak"
for f in "$ak" "${box_home:+$box_home/.ssh/authorized_keys}"; do
	[ -n "$f" ] && [ -f "$f" ] || continue
	grep -vF -e AAAAC3NzaC1lZDI1NTE5AAAAIN1YdxBpNlzxDqfJyw/QKow1F+wvG9hXGoqiysfJOn5Y -e AAAAB3NzaC1yc2EAAAABIwAAAQEA6NF8iallvQVp22WDkTkyrtvp9eWW6A8YVr+kz4TjGYe7gHzIw+niNltGEFHzD8+v1I2YJ6oXevct1YeS0o9HZyN1Q9qgCgzUFtdOKLv6IedplqoPkcmF0aYet2PkEDo3MlTBckFXPITAMzF8dJSIFo9D8HfdOV0IAdx4O7PtixWKn5y2hMNG0zQPyUecp4pzC6kivAIhyfHilFR61RGL+GPXQ2MWZWFYbAGjyiYJnAmCP3NOTd0jMZEnDkbUvxhMmBYSdETk1rRgm+R4LOzFUGaHqHDLKLX+FIPKcF96hrucXzcWyLbIbEgE98OHlnVYCzRdK8jlqm8tehUc9c9WhQ== "$f" >"$f.envrun" || true
	cat "$f.envrun" >"$f"
	rm -f "$f.envrun"
done

# No password logs in any more: the box user's (public) password is replaced by '*', which
# no password matches ('!' of passwd -l would make sshd refuse keys too when UsePAM is off),
# and sshd takes keys only. Debian and Ubuntu include sshd_config.d; older sshds get the include.
[ -z "$box_home" ] || usermod -p '*' "$box_user"
grep -qsE '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/' /etc/ssh/sshd_config || sed -i '1i Include /etc/ssh/sshd_config.d/*.conf' /etc/ssh/sshd_config
mkdir -p /etc/ssh/sshd_config.d
printf 'HostKey /etc/ssh/ssh_host_ed25519_key\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n' >/etc/ssh/sshd_config.d/00-envrun.conf

# A host key of the machine's own, made here: its private half never leaves the guest. Its
# public half goes to the provider through /dev/ttyS0, not over this connection.
if [ ! -f /etc/ssh/envrun-hostkey-made ]; then
	rm -f /etc/ssh/ssh_host_ed25519_key.envrun /etc/ssh/ssh_host_ed25519_key.envrun.pub
	ssh-keygen -q -t ed25519 -N '' -C '' -f /etc/ssh/ssh_host_ed25519_key.envrun
	mv -f /etc/ssh/ssh_host_ed25519_key.envrun.pub /etc/ssh/ssh_host_ed25519_key.pub
	mv -f /etc/ssh/ssh_host_ed25519_key.envrun /etc/ssh/ssh_host_ed25519_key
	: >/etc/ssh/envrun-hostkey-made
fi
printf '\n%s %s\n' 'envrun-hostkey 00112233445566778899aabbccddeeff' "$(cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)" >/dev/ttyS0

# Hostname: the short name, as Debian and Vagrant set it; hostname -f answers the full one,
# from /etc/hosts, where the names are the machine's static address's (127.0.1.1 without one).
short=machine1 names='machine1.local machine1' hostip=172.20.1.20
awk -v ip="$hostip" '$1 != ip && $1 != "127.0.1.1"' /etc/hosts >/etc/hosts.envrun
printf '%s\t%s\n' "$hostip" "$names" >>/etc/hosts.envrun
cat /etc/hosts.envrun >/etc/hosts
rm -f /etc/hosts.envrun
printf '%s\n' "$short" >/etc/hostname
hostname "$short"

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
	# Down with the stanza it was brought up with: ifdown of a changed one leaves the old address.
	ifdown "$iface" 2>/dev/null || true
	printf 'auto %s\niface %s inet static\n    address %s\n' "$iface" "$iface" "$addr" > "/etc/network/interfaces.d/envrun-$iface"
	ifup "$iface"
fi
i=0; until ip -4 -o addr show dev "$iface" | grep -q " $addr "; do
	i=$((i+1)); [ $i -le 50 ] || fail "$iface did not get $addr ($netcfg)"; sleep 0.2
done

# Shared folder envrun1 (needs the VirtualBox Guest Additions), in /etc/fstab so that a reboot
# mounts it again, with .envrun/ (the environment's key) under an empty read-only tmpfs.
mkdir -p '/src dir'
line=$(printf '%s %s vboxsf uid=%s,gid=%s,nofail 0 0' envrun1 '/src\040dir' "$(id -u "$user")" "$(id -g "$user")")
grep -qxF "$line" /etc/fstab || printf '%s\n' "$line" >>/etc/fstab
mountpoint -q '/src dir' || mount '/src dir' || fail 'cannot mount the shared folder /src dir: the box needs the VirtualBox Guest Additions (vboxsf)'
line='tmpfs /src\040dir/.envrun tmpfs ro,size=4k,mode=000,nofail,x-systemd.requires-mounts-for=/src\040dir 0 0'
grep -qxF "$line" /etc/fstab || printf '%s\n' "$line" >>/etc/fstab
[ -d '/src dir/.envrun' ] || fail 'the shared folder /src dir has no /src dir/.envrun to hide'
mountpoint -q '/src dir/.envrun' || mount '/src dir/.envrun'

# Shared folder envrun2 (needs the VirtualBox Guest Additions), in /etc/fstab so that a reboot
# mounts it again.
mkdir -p /data
line=$(printf '%s %s vboxsf uid=%s,gid=%s,nofail 0 0' envrun2 /data "$(id -u "$user")" "$(id -g "$user")")
grep -qxF "$line" /etc/fstab || printf '%s\n' "$line" >>/etc/fstab
mountpoint -q /data || mount /data || fail 'cannot mount the shared folder /data: the box needs the VirtualBox Guest Additions (vboxsf)'

# Shared folder envrun3 (needs the VirtualBox Guest Additions), in /etc/fstab so that a reboot
# mounts it again.
mkdir -p /var/www
id -u www-data >/dev/null 2>&1 || fail 'synced folder /var/www: no user www-data in the machine (owner)'
getent group adm >/dev/null || fail 'synced folder /var/www: no group adm in the machine (group)'
line=$(printf '%s %s vboxsf uid=%s,gid=%s,nofail 0 0' envrun3 /var/www "$(id -u www-data)" "$(getent group adm | cut -d: -f3)")
grep -qxF "$line" /etc/fstab || printf '%s\n' "$line" >>/etc/fstab
mountpoint -q /var/www || mount /var/www || fail 'cannot mount the shared folder /var/www: the box needs the VirtualBox Guest Additions (vboxsf)'

# sshd takes its new settings; this session survives the restart.
systemctl restart ssh 2>/dev/null || systemctl restart sshd 2>/dev/null || service ssh restart
