//go:build unix

package forward

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// command starts the forwarder in a session of its own: envrun's Ctrl-C,
// its terminal closing and its exit leave it alone. It is no process of
// the caller's group (package proc's), which would end it with the call.
func command(exe string, args ...string) *exec.Cmd {
	cmd := exec.Command(exe, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Dir = "/" // holds no folder of the user's busy
	return cmd
}

// sendSignal sends pid SIGTERM, or SIGKILL when hard; a process gone already
// is not an error.
func sendSignal(pid int, hard bool) error {
	sig := syscall.SIGTERM
	if hard {
		sig = syscall.SIGKILL
	}
	if err := syscall.Kill(pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}

// notifyContext ends with SIGTERM or SIGINT.
func notifyContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}
