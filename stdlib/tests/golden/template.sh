#!/bin/sh
# envrun.template.file /etc/app/app.conf
set -eu
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cat >"$tmp" <<'ENVRUN_EOF'
# web: rendered by envrun
listen 8080
workers 1000000
upstream 10.0.0.1
upstream 10.0.0.2
peers 10.0.0.1,10.0.0.2
ENVRUN_EOF
if [ -f /etc/app/app.conf ] && cmp -s "$tmp" /etc/app/app.conf && [ "$(stat -c %a:%U:%G /etc/app/app.conf)" = 640:root:adm ]; then
	echo '/etc/app/app.conf: unchanged'
else
	install -D -m 0640 -o root -g adm "$tmp" /etc/app/app.conf
	echo '/etc/app/app.conf: written'
fi
