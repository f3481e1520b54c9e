//go:build !unix

package forward

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"os/signal"
)

func command(exe string, args ...string) *exec.Cmd { return exec.Command(exe, args...) }

func sendSignal(pid int, hard bool) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return nil
	}
	if err := p.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}

func notifyContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt)
}
