package cli

import (
	"os"

	"golang.org/x/sys/unix"
)

// pipeUnread says how many bytes the pipe f holds unread (TIOCINQ, also
// known as FIONREAD).
func pipeUnread(f *os.File) (int, error) {
	return unix.IoctlGetInt(int(f.Fd()), unix.TIOCINQ)
}
