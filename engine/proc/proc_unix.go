//go:build unix

package proc

import (
	"errors"
	"os"
	"syscall"
)

// group: on Unix the command leads a process group of its own, whose ID is
// its pid. The group ID cannot be reused while any member lives, so
// signalling it after the leader is gone reaches only its strays.
type group struct{}

func (group) join(*os.Process) error { return nil }

func (group) stop(p *os.Process) error { return signalGroup(p, syscall.SIGTERM) }

func (group) kill(p *os.Process) { signalGroup(p, syscall.SIGKILL) }

func (group) release(p *os.Process) { signalGroup(p, syscall.SIGKILL) }

func signalGroup(p *os.Process, sig syscall.Signal) error {
	err := syscall.Kill(-p.Pid, sig)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}
