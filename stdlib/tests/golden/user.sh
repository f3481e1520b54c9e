#!/bin/sh
# envrun.debian.user deploy
set -eu
u=deploy
changed=
if ! id -u "$u" >/dev/null 2>&1; then
	useradd --create-home --shell /bin/bash --uid 1500 --comment 'Deploy user' "$u"
	changed="$changed created"
fi
if [ "$(getent passwd "$u" | cut -d: -f7)" != /bin/bash ]; then
	usermod --shell /bin/bash "$u"
	changed="$changed shell"
fi
for g in www-data adm; do
	if ! getent group "$g" >/dev/null; then groupadd "$g"; changed="$changed group:$g"; fi
	if ! id -nG "$u" | tr ' ' '\n' | grep -qx "$g"; then usermod -aG "$g" "$u"; changed="$changed +$g"; fi
done
home=$(getent passwd "$u" | cut -d: -f6)
group=$(id -gn "$u")
install -d -m 0700 -o "$u" -g "$group" "$home/.ssh"
keys="$home/.ssh/authorized_keys"
[ -e "$keys" ] || install -m 0600 -o "$u" -g "$group" /dev/null "$keys"
while IFS= read -r key; do
	if ! grep -qxF "$key" "$keys"; then printf '%s\n' "$key" >>"$keys"; changed="$changed key"; fi
done <<'ENVRUN_KEYS'
ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlaceholderKeyForTests deploy@laptop
ENVRUN_KEYS
rule="$u ALL=(ALL) NOPASSWD:ALL"
if [ "$(cat /etc/sudoers.d/envrun-user-deploy 2>/dev/null)" != "$rule" ]; then
	printf '%s\n' "$rule" >/etc/sudoers.d/envrun-user-deploy.tmp
	chmod 0440 /etc/sudoers.d/envrun-user-deploy.tmp
	visudo -cqf /etc/sudoers.d/envrun-user-deploy.tmp
	mv /etc/sudoers.d/envrun-user-deploy.tmp /etc/sudoers.d/envrun-user-deploy
	changed="$changed sudo"
fi
if [ -n "$changed" ]; then echo "user $u: changed:$changed"; else echo "user $u: unchanged"; fi
