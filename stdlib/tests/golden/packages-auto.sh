#!/bin/sh
# envrun.debian.packages: install what is missing of: nginx curl
set -eu
missing=
for p in nginx curl; do
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "packages: all installed: nginx curl"
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
# package lists missing or older than a day: refresh them
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]; then
	apt-get -q -o DPkg::Lock::Timeout=300 update
fi
apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends $missing
echo "packages: installed:$missing"
