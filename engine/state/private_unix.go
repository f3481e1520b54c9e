//go:build unix

package state

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// checkPrivate refuses a state folder of another user, or one that others
// can read.
func checkPrivate(path string, fi fs.FileInfo) error {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("%s belongs to uid %d, not to you (uid %d): envrun keeps the environment's private key there, so it must be yours",
			path, st.Uid, os.Geteuid())
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("state folder %s has mode %04o: others could read the environment's private key; fix it with: chmod 700 %s",
			path, fi.Mode().Perm(), path)
	}
	return nil
}
