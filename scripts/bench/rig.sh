# scripts/bench/rig.sh, sourced by the remote benchmarks: the "remote host"
# they reach. A network namespace $ns with no route to any bridge, linked to
# this one by a veth pair ($net.5 here, $net.6 there), and an sshd of the
# script's on $hostIP = $net.5 that takes the key of a home of its own
# ($work/home, bound over $HOME in the namespace: OpenSSH reads ~/.ssh from
# the password database, never $HOME). The caller sets prefix, net (the
# /30's first three octets) and work (a folder of its own), and traps
# rig_cleanup.

ns=${prefix}b$$
hostIf=${prefix}h$$
clientIf=${prefix}c$$
hostIP=$net.5
sshd_pid=

# rig_up makes the namespace and starts the sshd; its log is
# $work/sshd/log (one "Accepted publickey" per login).
rig_up() {
	ip netns add "$ns"
	ip link add "$hostIf" type veth peer name "$clientIf"
	ip link set "$clientIf" netns "$ns"
	ip addr add "$hostIP/30" dev "$hostIf"
	ip link set "$hostIf" up
	ip -n "$ns" addr add "$net.6/30" dev "$clientIf"
	ip -n "$ns" link set "$clientIf" up
	ip -n "$ns" link set lo up

	mkdir -p "$work/sshd" "$work/home/.ssh" "$work/rt"
	chmod 700 "$work/rt" "$work/home/.ssh"
	ssh-keygen -q -t ed25519 -N '' -f "$work/sshd/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$work/home/.ssh/id_ed25519"
	cp "$work/home/.ssh/id_ed25519.pub" "$work/sshd/authorized_keys"
	echo "$hostIP $(cat "$work/sshd/host_key.pub")" >"$work/home/.ssh/known_hosts"
	cat >"$work/sshd/sshd_config" <<EOF
ListenAddress $hostIP
HostKey $work/sshd/host_key
AuthorizedKeysFile $work/sshd/authorized_keys
PidFile $work/sshd/sshd.pid
PermitRootLogin prohibit-password
PasswordAuthentication no
StrictModes no
UsePAM no
MaxStartups 100:30:200
MaxSessions 100
EOF
	mkdir -p /run/sshd
	/usr/sbin/sshd -D -E "$work/sshd/log" -f "$work/sshd/sshd_config" &
	sshd_pid=$!
	for _ in $(seq 50); do (exec 3<>"/dev/tcp/$hostIP/22") 2>/dev/null && break; sleep 0.1; done
}

# in_client DIR ENV... -- LINE: LINE in bash in the namespace, in DIR, with
# the rig's home, envrun of $work/bin first on PATH, and ENV set.
in_client() {
	local dir=$1
	shift
	local env=()
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	ip netns exec "$ns" env RIG_HOME="$work/home" RIG_DIR="$dir" PATH="$work/bin:$PATH" \
		NO_COLOR=1 DOCKER_CONFIG="$work/home/.docker" XDG_RUNTIME_DIR="$work/rt" "${env[@]}" \
		bash -c 'mount --bind "$RIG_HOME" "$HOME" && cd "$RIG_DIR" && '"$1"
}

# timed LINE: LINE, whose wall time in ms goes to fd 3.
timed() {
	echo 's=$(date +%s%N); '"$1"'; rc=$?; e=$(date +%s%N); echo "$(( (e - s) / 1000000 ))" >&3; exit $rc'
}

# uncache ends the SSH connections envrun shares between commands
# (XDG_RUNTIME_DIR/envrun/, kept 30 s after a command): the next command
# starts cold.
uncache() {
	local s
	for s in "$work/rt/envrun/"*; do
		# (the masters' sockets: not the sockets they forward, NAME-*)
		case ${s##*/} in *-* | *.*) continue ;; esac
		[ -S "$s" ] && ssh -o ControlPath="$s" -O exit x >/dev/null 2>&1 || true
	done
}

# logins: how many times the sshd let someone in so far.
logins() { grep -c 'Accepted publickey' "$work/sshd/log" || true; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# rig_cleanup ends the shared connections, the sshd and the namespace.
rig_cleanup() {
	uncache
	[ -n "$sshd_pid" ] && kill "$sshd_pid" 2>/dev/null
	ip link del "$hostIf" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
}
