//go:build unix

package docker

import (
	"io/fs"
	"syscall"
)

// fileOwner is the uid and gid that own a host file; ok is false where the
// platform has none.
func fileOwner(fi fs.FileInfo) (uid, gid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}
