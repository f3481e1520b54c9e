#!/usr/bin/env bash
# Stress test of interrupted runs: ROUNDS times, start `envrun up` on a
# three-machine environment and stop it at a random moment with kill -9 or
# SIGINT; then check that the next `envrun up` converges (every machine
# running, no duplicate container or network) and, every other round or so, that
# `envrun destroy -f` leaves nothing with the environment's label.
# The go test suite (cli/*_integration_test.go) does the same at chosen
# points with few rounds; this loops more, at random points.
#
#   scripts/stress-interrupt.sh [ROUNDS]     # default 20; needs Docker
#
# Uses the subnet 172.31.69.0/24 only.
set -euo pipefail
rounds=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/envrun-stress.XXXXXX)
trap 'cd "$work" && ./envrun destroy -f >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cd "$root" && go build -o "$work/envrun" .
cd "$work"
cat > Envfile.lua <<'LUA'
box "debian/bookworm"
network "a" { subnet = "172.31.69.0/25" }
network "b" { subnet = "172.31.69.128/25" }
for i = 1, 3 do
  machine("m" .. i) {
    networks = { a = "172.31.69." .. (10 + i), b = "172.31.69." .. (140 + i) },
    provision = { shell { inline = "sleep 0.$RANDOM; echo ok >> /var/tmp/runs" } },
  }
end
LUA
label() { docker "$1" ls -q ${2:-} --filter "label=io.envrun.envfile=$work/Envfile.lua" | wc -l; }
fail() { echo "FAIL round $r: $*" >&2; docker ps -a --filter "label=io.envrun.envfile=$work/Envfile.lua" >&2; exit 1; }
for r in $(seq "$rounds"); do
	sig=$([ $((RANDOM % 2)) = 0 ] && echo KILL || echo INT)
	delay=$(printf '0.%03d' $((RANDOM % 1000)))
	NO_COLOR=1 ./envrun up >"up.$r.log" 2>&1 &
	pid=$!
	sleep "$delay"
	kill -s "$sig" "$pid" 2>/dev/null || true
	wait "$pid" && code=0 || code=$?
	NO_COLOR=1 ./envrun up >"next.$r.log" 2>&1 || fail "next up failed: $(tail -5 "next.$r.log")"
	[ "$(label container "-a")" = 3 ] || fail "want 3 containers, got $(label container -a)"
	[ "$(label container)" = 3 ] || fail "want 3 running containers"
	[ "$(label network)" = 2 ] || fail "want 2 networks, got $(label network)"
	echo "round $r: SIG$sig after ${delay}s (exit $code): converged"
	if [ $((RANDOM % 2)) = 0 ]; then # start the next round from nothing
		./envrun destroy -f >/dev/null 2>&1 || fail "destroy failed"
		[ "$(label container "-a")" = 0 ] && [ "$(label network)" = 0 ] || fail "destroy left something"
		[ ! -e .envrun ] || fail "destroy left .envrun/"
	fi
done
echo "ok: $rounds rounds"
