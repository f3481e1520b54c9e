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
printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\n' >/etc/ssh/sshd_config.d/00-envrun.conf

# Hostname: the short name, as Debian and Vagrant set it; hostname -f answers the full one,
# from /etc/hosts, where the names are the machine's static address's (127.0.1.1 without one).
short=web names=web hostip=10.0.0.6
awk -v ip="$hostip" '$1 != ip && $1 != "127.0.1.1"' /etc/hosts >/etc/hosts.envrun
printf '%s\t%s\n' "$hostip" "$names" >>/etc/hosts.envrun
cat /etc/hosts.envrun >/etc/hosts
rm -f /etc/hosts.envrun
printf '%s\n' "$short" >/etc/hostname
hostname "$short"

# Synced folders show the host's owners: the user takes their owner's uid and gid (as
# devcontainers do), before they are mounted. usermod refuses a user who has processes, and
# this session is the box user's: it runs in a PID namespace of its own, which has none. The
# session keeps the old uid to its end; first contact does not hand it on. usermod moves the
# home's files to the new uid, not to the new gid: find does, on the home's file system only.
uid=1777 gid=1778
old_gid=$(id -g "$user")
if [ "$(id -u "$user")" != "$uid" ] || [ "$old_gid" != "$gid" ]; then
	command -v usermod >/dev/null && command -v unshare >/dev/null || fail "no usermod or unshare in the machine: $user cannot take uid $uid, the synced folders' owner's on the host"
	[ "$old_gid" = "$gid" ] || groupmod -o -g "$gid" "$group"
	out=$(unshare --pid --fork --mount-proc usermod -o -u "$uid" -g "$gid" "$user" 2>&1) || fail "usermod $user to uid $uid: $out"
	[ "$old_gid" = "$gid" ] || find "$home" -xdev -gid "$old_gid" -exec chown -h ":$gid" {} +
fi

# A synced folder the guest cannot mount: one line, which the provider reads back (FindFolderFailure).
fail_folder() { echo "envrun synced folder $1: $(printf '%s' "$2" | tr '\n' ' ')" >&2; exit 1; }

# The synced folders' file systems, loaded now and at every boot: the box's kernel must have them.
modprobe -q virtiofs || fail_folder envrun1 "the machine's kernel ($(uname -r)) has no virtiofs module"
modprobe -q 9p || fail_folder envrun2 "the machine's kernel ($(uname -r)) has no 9p module"
modprobe -q 9pnet_virtio || fail_folder envrun2 "the machine's kernel ($(uname -r)) has no 9pnet_virtio module"
printf '%s\n' virtiofs 9p 9pnet_virtio >/etc/modules-load.d/envrun.conf

# Synced folder /vagrant (virtiofs, tag envrun1), in /etc/fstab so that a reboot mounts it again, with .envrun/ (the environment's key) under an empty read-only tmpfs.
mkdir -p /vagrant
line='envrun1 /vagrant virtiofs nofail 0 0'
grep -qxF "$line" /etc/fstab || printf '%s\n' "$line" >>/etc/fstab
mountpoint -q /vagrant || out=$(mount /vagrant 2>&1) || fail_folder envrun1 "mount failed: $out"
line='tmpfs /vagrant/.envrun tmpfs ro,size=4k,mode=000,nofail,x-systemd.requires-mounts-for=/vagrant 0 0'
grep -qxF "$line" /etc/fstab || printf '%s\n' "$line" >>/etc/fstab
[ -d /vagrant/.envrun ] || fail 'the shared folder /vagrant has no /vagrant/.envrun to hide'
mountpoint -q /vagrant/.envrun || mount /vagrant/.envrun

# Synced folder /srv/my data (9p, tag envrun2), in /etc/fstab so that a reboot mounts it again.
mkdir -p '/srv/my data'
line='envrun2 /srv/my\040data 9p trans=virtio,version=9p2000.L,msize=262144,nofail 0 0'
grep -qxF "$line" /etc/fstab || printf '%s\n' "$line" >>/etc/fstab
mountpoint -q '/srv/my data' || out=$(mount '/srv/my data' 2>&1) || fail_folder envrun2 "mount failed: $out"

# sshd takes its new settings; this session survives the restart.
systemctl restart ssh 2>/dev/null || systemctl restart sshd 2>/dev/null || service ssh restart
