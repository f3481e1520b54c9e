#!/usr/bin/env bash
# Stress test of interrupted runs on libvirt: ROUNDS times, start `envrun
# up` on a two-VM environment and stop it at a random moment of its first
# 60 s (networks, disks, domains, the first boot, first contact) with
# kill -9 or SIGINT; then check that the next `envrun up` converges (both
# VMs running and provisioned, one domain and one disk per machine, one
# network), then that `envrun destroy -f` leaves no domain, disk or
# network of the environment, so that the next round starts from nothing
# again. A round takes one or two VM boots (1 to 3 minutes here, without
# KVM).
# cli/libvirt_hardening_integration_test.go does the same at chosen points;
# this loops more, at random points.
#
#   scripts/stress-interrupt-libvirt.sh [ROUNDS]   # default 6; needs libvirtd and the debian/bookworm box
#
# Uses the isolated subnet 10.231.56.0/24 only.
set -euo pipefail
rounds=${1:-6}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/envrun-stress-libvirt.XXXXXX)
trap 'cd "$work" && ./envrun destroy -f >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cd "$root" && go build -tags libvirt_dlopen -o "$work/envrun" .
cd "$work"
export ENVRUN_PROVIDER=libvirt NO_COLOR=1
uri=${LIBVIRT_DEFAULT_URI:-qemu:///system}
cat > Envfile.lua <<'LUA'
box "debian/bookworm"
network "a" { subnet = "10.231.56.0/24", isolated = true }
for i = 1, 2 do
  machine("m" .. i) {
    networks = { a = "10.231.56." .. (10 + i) },
    memory = 384,
    provision = { shell { inline = "echo ok >> /var/tmp/runs" } },
  }
end
LUA
# The project (engine/state.ProjectID): the folder's name, then a hash of
# its path; the names of its domains, disks and networks start with it.
base=$(basename "$work" | tr 'A-Z' 'a-z' | sed -E 's/[^a-z0-9]+/-/g; s/^-+//; s/-+$//' | cut -c1-24 | sed 's/-*$//')
project=$base-$(printf '%s' "$work" | sha256sum | cut -c1-8)
count() { # count KIND: the environment's domains, volumes or networks
	case $1 in
	domains) virsh -c "$uri" list --all --name ;;
	volumes) virsh -c "$uri" vol-list envrun 2>/dev/null | awk 'NR > 2 { print $1 }' ;;
	networks) virsh -c "$uri" net-list --all --name ;;
	esac | grep -c "^$project-" || true
}
fail() { echo "FAIL round $r: $*" >&2; exit 1; }
for r in $(seq "$rounds"); do
	sig=$([ $((RANDOM % 2)) = 0 ] && echo KILL || echo INT)
	delay=$((RANDOM % 60)).$((RANDOM % 10))
	./envrun up >"up.$r.log" 2>&1 &
	pid=$!
	sleep "$delay"
	kill -s "$sig" "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null && code=0 || code=$?
	echo "round $r: $sig after ${delay}s: exit $code; left $(count domains) domain(s), $(count volumes) disk(s), $(count networks) network(s)"
	./envrun up >"next.$r.log" 2>&1 || fail "the next up failed: $(tail -5 "next.$r.log")"
	[ "$(count domains)" = 2 ] && [ "$(count volumes)" = 2 ] && [ "$(count networks)" = 1 ] ||
		fail "after the next up: $(count domains) domain(s), $(count volumes) disk(s), $(count networks) network(s); want 2, 2, 1"
	for m in m1 m2; do
		./envrun status | grep -q "^$m .*running" || fail "$m is not running: $(./envrun status)"
		runs=$(./envrun ssh "$m" -- cat /var/tmp/runs | grep -c ok) || fail "$m was never provisioned"
		[ "$runs" -ge 1 ] || fail "$m was never provisioned"
	done
	./envrun destroy -f >"destroy.$r.log" 2>&1 || fail "destroy: $(tail -5 "destroy.$r.log")"
	[ "$(count domains)$(count volumes)$(count networks)" = 000 ] ||
		fail "destroy left $(count domains) domain(s), $(count volumes) disk(s), $(count networks) network(s)"
done
echo "ok: $rounds rounds"
