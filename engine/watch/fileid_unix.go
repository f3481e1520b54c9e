//go:build unix

package watch

import (
	"os"
	"syscall"
)

// fileIDOf returns the identity (device and inode) of the file fi
// describes.
func fileIDOf(fi os.FileInfo) (fileID, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true
}
