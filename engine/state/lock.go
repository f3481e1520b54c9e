package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// Lock is a held environment lock: one mutating command at a time.
type Lock struct {
	f *os.File
}

// Holder says who holds a lock.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
}

// LockedError is returned when another process holds the lock.
type LockedError struct {
	Holder Holder
	Path   string
}

func (e *LockedError) Error() string {
	h := e.Holder
	if h.PID == 0 {
		return fmt.Sprintf("another envrun is working on this environment (lock %s)", e.Path)
	}
	return fmt.Sprintf("another envrun is working on this environment: pid %d (`%s`) since %s; wait for it, or stop it",
		h.PID, h.Command, h.Since.Format(time.TimeOnly))
}

// Lock takes the environment's lock for command without waiting. The lock
// is an flock(2) on .envrun/lock: the kernel drops it when its holder dies,
// so a lock left by a killed process is simply taken over.
//
// `envrun destroy` removes the lock file while holding it; a process that
// opened the old file meanwhile finds, once it holds the flock, that the
// path names another file (or none), and tries again on the new one.
func (d Dir) Lock(command string) (*Lock, error) {
	if err := d.Ensure(); err != nil {
		return nil, err
	}
	for range 10 {
		l, err := d.lock(command)
		if !errors.Is(err, errStaleLockFile) {
			return l, err
		}
	}
	return nil, fmt.Errorf("lock %s: the lock file keeps being replaced", d.Join("lock"))
}

var errStaleLockFile = errors.New("stale lock file")

func (d Dir) lock(command string) (*Lock, error) {
	if err := d.Ensure(); err != nil {
		return nil, err
	}
	path := d.Join("lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			var h Holder
			data, _ := os.ReadFile(path)
			json.Unmarshal(data, &h)
			return nil, &LockedError{Holder: h, Path: path}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	held, err1 := f.Stat()
	now, err2 := os.Stat(path)
	if err1 != nil || err2 != nil || !os.SameFile(held, now) {
		f.Close()
		return nil, errStaleLockFile
	}
	data, _ := json.Marshal(Holder{PID: os.Getpid(), Command: strings.TrimSpace(command), Since: time.Now()})
	if err := f.Truncate(0); err == nil {
		f.WriteAt(append(data, '\n'), 0)
	}
	return &Lock{f: f}, nil
}

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := l.f.Close() // closing drops the flock
	l.f = nil
	return err
}
