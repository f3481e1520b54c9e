//go:build unix

package provider

import (
	"io/fs"
	"syscall"
)

// FileOwner is the uid and gid that own a host file; ok is false where the
// platform has none.
func FileOwner(fi fs.FileInfo) (uid, gid int, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return int(st.Uid), int(st.Gid), true
}
