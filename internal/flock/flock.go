// Package flock takes advisory locks on whole files between processes:
// flock(2) on Unix, LockFileEx on Windows. The operating system drops a
// lock when its holder dies, so a lock left by a killed process is simply
// taken over. Closing the file releases the lock too.
package flock

import (
	"context"
	"errors"
	"os"
	"time"
)

// ErrLocked is returned by TryLock when another holder has the lock.
var ErrLocked = errors.New("locked by another process")

// TryLock takes an exclusive lock on f without waiting; ErrLocked when it
// is held elsewhere.
func TryLock(f *os.File) error { return lock(f) }

// Lock takes an exclusive lock on f, waiting for it as long as ctx allows;
// when ctx ends first it returns the context's cause. It polls: a blocking
// flock(2) cannot be interrupted, not even by closing the file.
func Lock(ctx context.Context, f *os.File) error {
	wait := 5 * time.Millisecond
	for {
		err := lock(f)
		if !errors.Is(err, ErrLocked) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return context.Cause(ctx)
		}
		wait = min(2*wait, 100*time.Millisecond)
	}
}

// Unlock releases the lock on f; closing f does the same.
func Unlock(f *os.File) error { return unlock(f) }
