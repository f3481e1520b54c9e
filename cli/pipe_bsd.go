//go:build unix && !linux

package cli

import (
	"os"

	"golang.org/x/sys/unix"
)

// fionread is FIONREAD on the BSDs and macOS, _IOR('f', 127, int); x/sys
// does not name it there.
const fionread = 0x4004667f

// pipeUnread says how many bytes the pipe f holds unread.
func pipeUnread(f *os.File) (int, error) {
	return unix.IoctlGetInt(int(f.Fd()), fionread)
}
