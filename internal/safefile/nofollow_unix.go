//go:build unix

package safefile

import (
	"errors"
	"syscall"
)

// NoFollow is the os.OpenFile flag that makes an open refuse a symbolic
// link in the path's last element (O_NOFOLLOW); 0 where there is none.
const NoFollow = syscall.O_NOFOLLOW

// nonBlock keeps the open of a FIFO from waiting for a writer.
const nonBlock = syscall.O_NONBLOCK

// isLink reports whether an open with NoFollow failed on a symbolic link.
func isLink(path string, err error) bool { return errors.Is(err, syscall.ELOOP) }
