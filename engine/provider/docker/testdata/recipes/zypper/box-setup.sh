# box-setup.sh: made by envrun for box generic/opensuse15 (zypper family)
set -eu
pkgs='openssh-server sudo python3 iproute2 iputils procps shadow less ca-certificates rsync'
missing=
for p in $pkgs; do rpm -q "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
	echo "envrun box: installing$missing"
	zypper --non-interactive install --no-recommends $missing
fi
zypper clean --all
u=vagrant
if ! id "$u" >/dev/null 2>&1; then
	if command -v bash >/dev/null 2>&1; then sh=/bin/bash; else sh=/bin/sh; fi
	useradd --create-home --shell "$sh" "$u"
fi
usermod --password '*' "$u" # no password, not locked: key login works
mkdir -p /etc/sudoers.d
printf '%s ALL=(ALL) NOPASSWD:ALL\n' "$u" >"/etc/sudoers.d/$u"
chmod 0440 "/etc/sudoers.d/$u"
grep -Eq '^[#@]includedir /etc/sudoers.d' /etc/sudoers || printf '#includedir /etc/sudoers.d\n' >>/etc/sudoers
home=$(getent passwd "$u" | cut -d: -f6)
mkdir -p "$home/.ssh"
chmod 0700 "$home/.ssh"
chown "$u:$(id -gn "$u")" "$home/.ssh"
rm -f /etc/ssh/ssh_host_*
mkdir -p /run/sshd /var/empty/sshd
conf='UseDNS no
PasswordAuthentication no'
if grep -Eq '^Include /etc/ssh/sshd_config.d/' /etc/ssh/sshd_config; then
	mkdir -p /etc/ssh/sshd_config.d
	printf '%s\n' "$conf" >/etc/ssh/sshd_config.d/envrun.conf
else
	printf '\n# envrun\n%s\n' "$conf" >>/etc/ssh/sshd_config
fi
for c in python3 sudo /usr/sbin/sshd; do command -v "$c" >/dev/null || { echo "envrun box: $c is missing after the install" >&2; exit 1; }; done
