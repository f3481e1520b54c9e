#!/bin/bash
# envrun.net.wait_port: wait until something accepts TCP connections on db:5432 (172.31.90.12)
host=172.31.90.12 port=5432 limit=120
deadline=$((SECONDS + limit))
until timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null; do
	if [ "$SECONDS" -ge "$deadline" ]; then
		echo "wait_port: nothing accepted TCP connections on db:5432 (172.31.90.12) within ${limit}s" >&2
		exit 1
	fi
	sleep 1
done
echo "wait_port: db:5432 (172.31.90.12) accepts connections"
