//go:build windows

package flock

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// Windows locks byte ranges, and a locked range cannot be read by anyone
// else. The lock therefore covers one byte far beyond anything a lock file
// holds (its holder's description stays readable), which Windows allows.
const (
	rangeOffsetHigh = 0x7fffffff
	rangeLen        = 1
)

// lock tries once, without blocking.
func lock(f *os.File) error {
	const flags = windows.LOCKFILE_EXCLUSIVE_LOCK | windows.LOCKFILE_FAIL_IMMEDIATELY
	ol := windows.Overlapped{OffsetHigh: rangeOffsetHigh}
	err := windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, rangeLen, 0, &ol)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, windows.ERROR_LOCK_VIOLATION), errors.Is(err, windows.ERROR_IO_PENDING):
		return ErrLocked
	default:
		return &os.PathError{Op: "LockFileEx", Path: f.Name(), Err: err}
	}
}

func unlock(f *os.File) error {
	ol := windows.Overlapped{OffsetHigh: rangeOffsetHigh}
	if err := windows.UnlockFileEx(windows.Handle(f.Fd()), 0, rangeLen, 0, &ol); err != nil {
		return &os.PathError{Op: "UnlockFileEx", Path: f.Name(), Err: err}
	}
	return nil
}
