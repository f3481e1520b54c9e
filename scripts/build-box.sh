#!/bin/sh
# build-box.sh: the box kit lives with the providers that embed it
# (engine/provider/boxkit); this runs it from here, with the same arguments.
exec "$(dirname "$0")/../engine/provider/boxkit/build-box.sh" "$@"
