package ansible

import (
	"context"
	"io"
	"os/exec"
	"syscall"
	"time"
)

// interruptGrace is how long a run may take to stop after SIGINT before
// its process group is killed.
var interruptGrace = 5 * time.Second

// run runs program in its own process group, with stdin from /dev/null
// and stdout and stderr to out. When ctx ends, the group gets SIGINT (what
// a terminal's Ctrl-C would send: Ansible stops its workers and says so),
// then SIGKILL after interruptGrace. Whatever is left in the group when
// the program ends is killed, so that no worker or ssh outlives the run.
func run(ctx context.Context, program string, args []string, dir string, env []string, out io.Writer) error {
	c := exec.CommandContext(ctx, program, args...)
	c.Dir, c.Env = dir, env
	c.Stdout, c.Stderr = out, out
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	c.Cancel = func() error { return syscall.Kill(-c.Process.Pid, syscall.SIGINT) }
	// After the grace (or, once the program exited, should a stray child
	// hold the pipe), Go kills the leader and stops reading.
	c.WaitDelay = interruptGrace
	if err := c.Start(); err != nil {
		return err
	}
	err := c.Wait()
	// The leader is gone; whatever it left in its group goes too. The
	// group's ID is not reused while any member lives.
	_ = syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}
