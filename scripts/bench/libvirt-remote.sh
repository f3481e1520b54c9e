#!/bin/bash
# scripts/bench/libvirt-remote.sh [REPS]: S2 (a no-op `up`, and `status`) of
# one VM on a remote libvirt (qemu+ssh://root@10.250.28.5/system: this
# machine's libvirtd behind an sshd of this script's), from a network
# namespace with no route to the VM's network. Right after another command
# (warm: the SSH connection envrun shares with the host is up) and cold
# (that connection ended first), with the logins on the host each command
# cost. With BEFORE=path/to/envrun, that build is timed beside this
# checkout's in the same run, the sides alternating, on the same VM.
#
# Needs root, libvirtd, sshd and the debian/bookworm libvirt box. The VM
# boots once (a minute or more under software emulation). Everything it
# makes (namespace ${PREFIX}b*, veth, sshd, the VM, temp files) is removed on
# exit, also on failure. PREFIX (default t-lvr) and RIG_NET (default
# 10.250.28.4) as for transports.sh.
set -euo pipefail
reps=${1:-5}
prefix=${PREFIX:-t-lvr}
net=${RIG_NET:-10.250.28.4}
net=${net%.*}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "/tmp/$prefix-bench.XXXXXX")
chmod 755 "$work"
. "$(dirname "$0")/rig.sh"
env=$work/$prefix-vm

cleanup() {
	set +e
	[ -d "$env/.envrun" ] && in_client "$env" -- "envrun destroy -f" >/dev/null 2>&1
	rig_cleanup
	rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/bin" "$work/before" "$env"
echo "building envrun" >&2
(cd "$repo" && go build -tags libvirt_dlopen -o "$work/bin/envrun" .)
sides=(now)
if [ -n "${BEFORE:-}" ]; then
	cp "$BEFORE" "$work/before/envrun"
	sides=(before now)
fi
rig_up
cat >"$env/Envfile.lua" <<EOF
box "debian/bookworm"
network "net" { subnet = "172.23.28.0/24", gateway = "172.23.28.1", isolated = true }
machine "vm1" {
  networks = { net = "172.23.28.20" }, memory = 384, cpus = 1,
  libvirt = { uri = "qemu+ssh://root@$hostIP/system" },
}
EOF
chmod 644 "$env/Envfile.lua"

# run SIDE LINE: LINE with SIDE's envrun, its wall time in ms on fd 3.
run() {
	local bin=$work/bin
	[ "$1" = before ] && bin=$work/before
	in_client "$env" ENVRUN_PROVIDER=libvirt "PATH=$bin:$PATH" -- "$(timed "$2")"
}

echo "up of one VM over qemu+ssh (boots it)" >&2
l0=$(logins)
run now "envrun up >$work/up.log 2>&1" 3>"$work/up.ms" || { cat "$work/up.log" >&2; exit 1; }
echo "up: $(cat "$work/up.ms") ms, $(($(logins) - l0)) login(s) on the host" >&2

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq "$reps"); do
	for side in "${sides[@]}"; do
		echo "rep $rep/$reps: $side" >&2
		for kind in up status; do
			run "$side" "envrun $kind >/dev/null 2>&1" 3>/dev/null # (warms what follows)
			l0=$(logins)
			run "$side" "envrun $kind >/dev/null 2>&1" 3>>"$work/$side.$kind"
			echo $(($(logins) - l0)) >>"$work/$side.$kind.logins"
			uncache
			l0=$(logins)
			run "$side" "envrun $kind >/dev/null 2>&1" 3>>"$work/$side.$kind.cold"
			echo $(($(logins) - l0)) >>"$work/$side.$kind.cold.logins"
		done
	done
	sides=("${sides[@]:1}" "${sides[0]}")
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

printf '\n%-7s %12s %12s %12s %12s\n' side "no-op up" status "up, cold" "status, cold"
for side in $(printf '%s\n' "${sides[@]}" | sort); do
	row=()
	for f in up status up.cold status.cold; do
		row+=("$(median <"$work/$side.$f") ms/$(median <"$work/$side.$f.logins")")
	done
	printf '%-7s %12s %12s %12s %12s\n' "$side" "${row[@]}"
done
echo "medians of $reps runs per cell, in ms / logins on the host per command; warm = right after another command, cold = no shared SSH connection left; load $load_before before, $load_after after"
