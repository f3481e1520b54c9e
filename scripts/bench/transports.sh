#!/bin/bash
# scripts/bench/transports.sh [REPS]: S1 (the two-host example from nothing,
# its Ansible step included) and S2 (a no-op `up`, and `status`) on the
# three ways envrun reaches Docker machines, side by side in one run:
#
#   direct  envrun in this namespace, the engine's bridge routable;
#   jump    envrun in a network namespace with no route to any bridge,
#           DOCKER_HOST=ssh://root@10.250.27.5 (an sshd of this script's);
#   engine  envrun in that namespace on the engine's local socket (the
#           Docker Desktop shape: SSH carried by the Docker API).
#
# The sides rotate from one repetition to the next; medians are printed with
# the load before and after. Then S5, `envrun watch`'s latency on each
# side: WATCH samples (default 15) of writing a step's script, timed to the
# moment the script's first command runs on the machine (its clock is the
# host's: a container shares the kernel's). Needs root, docker, sshd, ansible. Everything it
# makes (namespace ${PREFIX}b*, veth, sshd, containers, temp files) is removed
# on exit, also on failure.
#
# Where it runs, for sharing a machine with other runs: PREFIX names what it
# makes (default t-par), RIG_NET is the /30 of the veth pair (default
# 10.250.27.4: .5 the sshd, .6 the client), SUBNET the /16 its machines'
# networks come from (default 172.27), ENVRUN a built envrun to time
# instead of building this checkout's (to compare two builds).
set -euo pipefail
reps=${1:-3}
watch_samples=${WATCH:-15}
prefix=${PREFIX:-t-par}
net=${RIG_NET:-10.250.27.4}
net=${net%.*}
subnet16=${SUBNET:-172.27}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "/tmp/$prefix-bench.XXXXXX")
chmod 755 "$work"
. "$(dirname "$0")/rig.sh"

cleanup() {
	set +e
	for side in direct jump engine direct-watch jump-watch engine-watch; do
		[ -d "$work/$prefix-$side" ] && run "$side" "envrun destroy -f" >/dev/null 2>&1 3>/dev/null
	done
	rig_cleanup
	rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/bin"
if [ -n "${ENVRUN:-}" ]; then
	cp "$ENVRUN" "$work/bin/envrun"
else
	echo "building envrun" >&2
	(cd "$repo" && go build -tags libvirt_dlopen -o "$work/bin/envrun" .)
fi

rig_up

# run SIDE COMMAND: COMMAND in SIDE's folder, where SIDE runs; prints the
# command's wall time in ms on fd 3.
run() {
	local side=$1 where=${1%-watch}
	case $where in
	direct)
		(cd "$work/$prefix-$side" && PATH="$work/bin:$PATH" ENVRUN_PROVIDER=docker NO_COLOR=1 bash -c "$(timed "$2")")
		;;
	jump) in_client "$work/$prefix-$side" ENVRUN_PROVIDER=docker "DOCKER_HOST=ssh://root@$hostIP" -- "$(timed "$2")" ;;
	engine) in_client "$work/$prefix-$side" ENVRUN_PROVIDER=docker -- "$(timed "$2")" ;;
	esac
}

declare -A subnet=([direct]=50 [jump]=51 [engine]=52)
declare -A wsubnet=([direct]=53 [jump]=54 [engine]=55)
sides=(direct jump engine)
for side in "${sides[@]}"; do
	mkdir -p "$work/$prefix-$side"
	# (a folder's name starts its machines' container names)
	cp "$repo/examples/two-host/motd.txt" "$repo/examples/two-host/provision.yml" "$work/$prefix-$side/"
	sed "s/172\.20\.1\./${subnet16}.${subnet[$side]}./g" "$repo/examples/two-host/Envfile.lua" >"$work/$prefix-$side/Envfile.lua"
	mkdir -p "$work/$prefix-$side-watch"
	cat >"$work/$prefix-$side-watch/Envfile.lua" <<EOF
box "debian/bookworm"
network "benchwatch" { subnet = "${subnet16}.${wsubnet[$side]}.0/24" }
machine "${prefix}-watch" {
  networks = { benchwatch = "${subnet16}.${wsubnet[$side]}.10" },
  provision = { shell { path = "step.sh" }, shell { path = "other.sh" } },
}
EOF
	echo 'echo START $(date +%s%N) 0' >"$work/$prefix-$side-watch/step.sh"
	echo true >"$work/$prefix-$side-watch/other.sh"
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for rep in $(seq 0 $((reps - 1))); do
	k=$((rep % 3))
	order=("${sides[@]:$k}" "${sides[@]:0:$k}")
	for side in "${order[@]}"; do
		echo "rep $((rep + 1))/$reps: $side" >&2
		run "$side" "envrun up >$work/$prefix-$side.s1log 2>&1" 3>>"$work/$prefix-$side.s1" || { cat "$work/$prefix-$side.s1log" >&2; exit 1; }
		for _ in 1 2 3 4 5; do
			run "$side" "envrun up >/dev/null 2>&1" 3>>"$work/$prefix-$side.s2up"
			run "$side" "envrun status >/dev/null 2>&1" 3>>"$work/$prefix-$side.s2status"
		done
		# Cold: no SSH connection left shared by the command before.
		for _ in 1 2 3; do
			uncache
			run "$side" "envrun up >/dev/null 2>&1" 3>>"$work/$prefix-$side.s2upcold"
			uncache
			run "$side" "envrun status >/dev/null 2>&1" 3>>"$work/$prefix-$side.s2statuscold"
		done
		run "$side" "envrun destroy -f >/dev/null 2>&1" 3>/dev/null
	done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# S5: watch latency per side, the sides one after the other.
wload_before=$(cut -d' ' -f1-3 /proc/loadavg)
for side in "${sides[@]}"; do
	echo "watch latency: $side" >&2
	run "$side-watch" "envrun up >/dev/null 2>&1" 3>/dev/null
	run "$side-watch" '
		envrun watch >watch.log 2>&1 & w=$!
		for _ in $(seq 1200); do grep -q "watching" watch.log && break; sleep 0.1; done
		for i in $(seq '"$watch_samples"'); do
			sleep 0.5
			t0=$(date +%s%N)
			echo "echo START \$(date +%s%N) $i" >step.sh
			for _ in $(seq 3000); do grep -q "START [0-9]* $i\$" watch.log && break; sleep 0.01; done
			t1=$(grep -o "START [0-9]* $i\$" watch.log | head -1 | cut -d" " -f2)
			[ -n "$t1" ] || { echo "change $i never ran" >&2; cat watch.log >&2; kill $w; exit 1; }
			echo $(( (t1 - t0) / 1000000 )) >>watch.ms
		done
		kill -INT $w; wait $w || true' 3>/dev/null
	cp "$work/$prefix-$side-watch/watch.ms" "$work/$prefix-$side.watch"
	run "$side-watch" "envrun destroy -f >/dev/null 2>&1" 3>/dev/null
done
wload_after=$(cut -d' ' -f1-3 /proc/loadavg)

d1=$(median <"$work/$prefix-direct.s1")
printf '\n%-8s %10s %10s %11s %11s %11s %11s %14s\n' side "S1 (ms)" "S1/direct" "S2 up" "S2 status" "up cold" "status cold" "S5 watch (ms)"
for side in "${sides[@]}"; do
	s1=$(median <"$work/$prefix-$side.s1")
	printf '%-8s %10s %10s %11s %11s %11s %11s %14s\n' "$side" "$s1" "$(awk -v a="$s1" -v b="$d1" 'BEGIN{printf "%.2f", a/b}')" \
		"$(median <"$work/$prefix-$side.s2up")" "$(median <"$work/$prefix-$side.s2status")" \
		"$(median <"$work/$prefix-$side.s2upcold")" "$(median <"$work/$prefix-$side.s2statuscold")" "$(median <"$work/$prefix-$side.watch")"
done
echo "medians of $reps S1 runs, $((reps * 5)) S2 runs (each right after another command) and $((reps * 3)) cold S2 runs (no shared SSH connection left) per side, in ms; load $load_before before, $load_after after"
echo "S5: medians of $watch_samples changes per side (file write → the step's first command on the machine); load $wload_before before, $wload_after after"
