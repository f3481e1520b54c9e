//go:build !windows

package sshmux

import (
	"io/fs"
	"os"
	"syscall"
)

const supported = true

func ownedByMe(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}
