#!/usr/bin/env bash
# Cross-compile envrun for the desktop platforms (macOS and Windows, amd64
# and arm64): build everything, vet everything, and compile the engine's
# tests. Nothing runs; this proves only that the per-OS files are complete.
# Usage: scripts/cross-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
engine_pkgs=$(go list ./engine/... ./internal/...)
fail=0
for target in darwin/amd64 darwin/arm64 windows/amd64 windows/arm64; do
	export GOOS=${target%/*} GOARCH=${target#*/}
	if go build -tags libvirt_dlopen -o /dev/null ./... &&
		go vet -tags libvirt_dlopen ./... &&
		go test -tags libvirt_dlopen -c -o "$out/" $engine_pkgs; then
		echo "$target: build, vet, engine tests compile: ok"
	else
		echo "$target: FAILED" >&2
		fail=1
	fi
done
exit $fail
