//go:build unix

package libvirt

import (
	"io/fs"
	"syscall"
)

// rootOnly reports whether fi is root's and others cannot write it.
func rootOnly(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Uid == 0 && fi.Mode().Perm()&0o002 == 0
}
