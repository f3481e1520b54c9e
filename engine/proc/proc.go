// Package proc runs local child processes (ansible-playbook, debootstrap,
// ...) so that nothing they start outlives them: each command runs in a
// group of its own; when its context ends the whole group is asked to stop,
// then killed after a grace period; and once the command exits, whatever it
// left behind in its group is killed too.
//
// The group is a process group on Unix (SIGTERM, then SIGKILL) and a job
// object on Windows (CTRL_BREAK_EVENT to the command, then the whole job
// terminated). If envrun itself is killed (kill -9), Linux kills the
// command (Pdeathsig) and Windows the whole job (its last handle closes, and
// the job is marked kill-on-close); macOS has no equivalent, so there the
// command outlives a killed envrun.
//
// Use it for every non-interactive child process:
//
//	cmd := proc.Command(ctx, "ansible-playbook", args...)
//	cmd.Stdout, cmd.Stderr = out, errOut
//	err := cmd.Run()
//
// Interactive commands that need the terminal (envrun ssh) must not use it:
// a process group of its own is not the terminal's foreground group.
package proc

import (
	"context"
	"errors"
	"os/exec"
	"sync"
	"time"
)

// Grace is how long a cancelled command's group has between SIGTERM and
// SIGKILL.
const Grace = 5 * time.Second

// Cmd is an exec.Cmd whose process group is ended with it.
type Cmd struct {
	*exec.Cmd
	// Grace overrides the package's Grace when positive.
	Grace time.Duration
	// Exited, when set, runs once the command has exited and before what
	// it left in its group is killed: a chance to end those strays in
	// order (SSH masters that detached from the group but whose
	// ProxyCommands are still in it).
	Exited func()

	mu    sync.Mutex
	timer *time.Timer
	group group // per OS: what the process's group needs beyond its pid
	done  bool  // Wait has released the group
}

// Command is exec.CommandContext with the process group handling described
// in the package comment.
func Command(ctx context.Context, name string, args ...string) *Cmd {
	c := &Cmd{Cmd: exec.CommandContext(ctx, name, args...)}
	c.SysProcAttr = sysProcAttr()
	c.Cancel = c.cancel
	return c
}

func (c *Cmd) grace() time.Duration {
	if c.Grace > 0 {
		return c.Grace
	}
	return Grace
}

// cancel runs when the context ends: the group is asked to stop now, and
// what is left of it is killed after the grace period.
func (c *Cmd) cancel() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	err := c.group.stop(c.Process)
	c.timer = time.AfterFunc(c.grace(), func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if !c.done {
			c.group.kill(c.Process)
		}
	})
	return err
}

// Start starts the command. WaitDelay is set, unless given, so that Wait
// never blocks on output pipes held by a process that escaped the group.
func (c *Cmd) Start() error {
	if c.WaitDelay == 0 {
		c.WaitDelay = c.grace() + time.Second
	}
	// Held so that a cancel cannot come between the start and the group's
	// set-up.
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.Cmd.Start(); err != nil {
		return err
	}
	if err := c.group.join(c.Process); err != nil {
		c.Process.Kill()
		c.Process.Wait()
		return err
	}
	return nil
}

// Wait waits for the command, then kills whatever is left in its group.
func (c *Cmd) Wait() error {
	err := c.Cmd.Wait()
	if c.Exited != nil {
		c.Exited()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timer != nil {
		c.timer.Stop()
	}
	// The leader is gone; members that remain are strays.
	c.group.release(c.Process)
	c.done = true
	return err
}

// Run starts the command and waits for it.
func (c *Cmd) Run() error {
	if err := c.Start(); err != nil {
		return err
	}
	return c.Wait()
}

// Output runs the command and returns its standard output.
func (c *Cmd) Output() ([]byte, error) {
	if c.Stdout != nil {
		return nil, errors.New("proc: Stdout already set")
	}
	var b syncBuffer
	c.Stdout = &b
	err := c.Run()
	return b.Bytes(), err
}

// CombinedOutput runs the command and returns its standard output and
// standard error together. It shadows the embedded exec.Cmd's own, which
// would skip Wait's clean-up of the process group (TestCombinedOutput).
func (c *Cmd) CombinedOutput() ([]byte, error) {
	if c.Stdout != nil || c.Stderr != nil {
		return nil, errors.New("proc: Stdout or Stderr already set")
	}
	var b syncBuffer
	c.Stdout, c.Stderr = &b, &b
	err := c.Run()
	return b.Bytes(), err
}

type syncBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *syncBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf
}
