user=deploy
box_user=vagrant
key='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJVkiUqv10fPIoZPoeKgeSDbLLZdh4QggH+R13LJwaod envrun'
short=db
names=db
ip=10.0.0.5
home=$(getent passwd "$user" | cut -d: -f6)
[ -n "$home" ] || { echo "user $user does not exist on the machine: set the machine's user to one the box has" >&2; exit 1; }
group=$(id -gn "$user")
install -d -m 0700 -o "$user" -g "$group" "$home/.ssh"
ak=$home/.ssh/authorized_keys
touch "$ak"
grep -qxF "$key" "$ak" || printf '%s\n' "$key" >>"$ak"
chown "$user:$group" "$ak"
chmod 0600 "$ak"
box_home=$(getent passwd "$box_user" | cut -d: -f6)
for f in "$ak" "$box_home/.ssh/authorized_keys"; do
	[ -f "$f" ] || continue
	grep -vF -e AAAAC3NzaC1lZDI1NTE5AAAAIN1YdxBpNlzxDqfJyw/QKow1F+wvG9hXGoqiysfJOn5Y -e AAAAB3NzaC1yc2EAAAABIwAAAQEA6NF8iallvQVp22WDkTkyrtvp9eWW6A8YVr+kz4TjGYe7gHzIw+niNltGEFHzD8+v1I2YJ6oXevct1YeS0o9HZyN1Q9qgCgzUFtdOKLv6IedplqoPkcmF0aYet2PkEDo3MlTBckFXPITAMzF8dJSIFo9D8HfdOV0IAdx4O7PtixWKn5y2hMNG0zQPyUecp4pzC6kivAIhyfHilFR61RGL+GPXQ2MWZWFYbAGjyiYJnAmCP3NOTd0jMZEnDkbUvxhMmBYSdETk1rRgm+R4LOzFUGaHqHDLKLX+FIPKcF96hrucXzcWyLbIbEgE98OHlnVYCzRdK8jlqm8tehUc9c9WhQ== "$f" >"$f.envrun" || true
	cat "$f.envrun" >"$f"
	rm -f "$f.envrun"
done
printf '%s\n' "$short" >/etc/hostname
hostname "$short"
awk -v ip="$ip" '$1 != ip && $1 != "127.0.1.1"' /etc/hosts >/etc/hosts.envrun
printf '%s %s\n' "$ip" "$names" >>/etc/hosts.envrun
cat /etc/hosts.envrun >/etc/hosts
rm -f /etc/hosts.envrun
