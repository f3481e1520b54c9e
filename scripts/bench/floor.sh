#!/usr/bin/env bash
# floor.sh: the hand-scripted floor of the benchmarks (scripts/bench). It is
# what one would write without envrun or Vagrant, and does the same work:
# a Docker network with the subnet, one container per machine with its
# static IP (all machines at once), wait for sshd, the shell step (and the
# file step) over ssh, then one ansible-playbook run over every machine
# with Ansible's defaults.
#
#   floor.sh up      in a folder with floor.conf and hosts (scripts/bench writes them)
#   floor.sh down    remove the containers and the network
#
# floor.conf sets NET SUBNET GATEWAY IMAGE KEY LABEL SHELL_STEP and
# optionally FILE_SRC FILE_DST PLAYBOOK; hosts has "name ip hostname" lines.
set -euo pipefail
. ./floor.conf

ssh_opts=(-i "$KEY" -o IdentitiesOnly=yes -o BatchMode=yes -o LogLevel=ERROR
	-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=2)

up_machine() {
	local name=$1 ip=$2 hostname=$3
	docker run -d --init --name "$NET-$name" --hostname "$hostname" \
		--network "$NET" --ip "$ip" --cpus 1 --memory 512m --label "$LABEL" "$IMAGE" >/dev/null
	# Wait for sshd: at most 600 tries, 60 s.
	local tries=0
	until ssh "${ssh_opts[@]}" "vagrant@$ip" true 2>/dev/null; do
		tries=$((tries + 1))
		[ "$tries" -lt 600 ] || { echo "floor: no SSH on $ip" >&2; return 1; }
		sleep 0.1
	done
	ssh "${ssh_opts[@]}" "vagrant@$ip" "sudo sh -c '$SHELL_STEP'"
	if [ -n "${FILE_SRC:-}" ]; then
		scp -q "${ssh_opts[@]}" "$FILE_SRC" "vagrant@$ip:$FILE_DST"
	fi
}

case ${1:-} in
up)
	docker network create --subnet "$SUBNET" --gateway "$GATEWAY" --label "$LABEL" "$NET" >/dev/null
	pids=()
	while read -r name ip hostname; do
		up_machine "$name" "$ip" "$hostname" &
		pids+=($!)
	done <hosts
	for pid in "${pids[@]}"; do wait "$pid"; done
	if [ -n "${PLAYBOOK:-}" ]; then
		{
			echo "[app]"
			while read -r name ip _; do echo "$name ansible_host=$ip"; done <hosts
		} >inventory
		# Ansible's defaults, but for host key checking (the machines are new)
		# and a control socket folder of this run's own.
		ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_SSH_CONTROL_PATH_DIR="$PWD/cp" \
			ansible-playbook -i inventory -u vagrant --private-key "$KEY" -e user=vagrant "$PLAYBOOK"
	fi
	;;
down)
	ids=$(docker ps -aq --filter "label=$LABEL")
	[ -z "$ids" ] || docker rm -f $ids >/dev/null
	if docker network inspect "$NET" >/dev/null 2>&1; then docker network rm "$NET" >/dev/null; fi
	;;
*)
	echo "usage: floor.sh up|down (in a folder with floor.conf and hosts)" >&2
	exit 2
	;;
esac
