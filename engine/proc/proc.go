// Package proc runs local child processes (ansible-playbook, debootstrap,
// ...) so that nothing they start outlives them: each command runs in a
// process group of its own; when its context ends the whole group gets
// SIGTERM, then SIGKILL after a grace period; and once the command exits,
// whatever it left behind in its group is killed too. If envrun itself is
// killed (kill -9), the kernel kills the command (Pdeathsig).
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
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
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

	mu    sync.Mutex
	timer *time.Timer
}

// Command is exec.CommandContext with the process group handling described
// in the package comment.
func Command(ctx context.Context, name string, args ...string) *Cmd {
	c := &Cmd{Cmd: exec.CommandContext(ctx, name, args...)}
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	c.Cancel = c.cancel
	return c
}

func (c *Cmd) grace() time.Duration {
	if c.Grace > 0 {
		return c.Grace
	}
	return Grace
}

// cancel runs when the context ends: SIGTERM to the group now, SIGKILL to
// what is left of it after the grace period.
func (c *Cmd) cancel() error {
	pgid := c.Process.Pid
	err := syscall.Kill(-pgid, syscall.SIGTERM)
	c.mu.Lock()
	c.timer = time.AfterFunc(c.grace(), func() { syscall.Kill(-pgid, syscall.SIGKILL) })
	c.mu.Unlock()
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}

// Start starts the command. WaitDelay is set, unless given, so that Wait
// never blocks on output pipes held by a process that escaped the group.
func (c *Cmd) Start() error {
	if c.WaitDelay == 0 {
		c.WaitDelay = c.grace() + time.Second
	}
	return c.Cmd.Start()
}

// Wait waits for the command, then kills whatever is left in its group.
func (c *Cmd) Wait() error {
	err := c.Cmd.Wait()
	c.mu.Lock()
	if c.timer != nil {
		c.timer.Stop()
	}
	c.mu.Unlock()
	// The leader is gone; members that remain are strays. The group ID
	// cannot be reused while any member lives.
	syscall.Kill(-c.Process.Pid, syscall.SIGKILL)
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
// standard error together. No caller uses it today (deadcode lists it); it
// stays so that the embedded exec.Cmd's own, which would skip Wait's
// clean-up of the process group, can never be the one called.
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

// Members lists the live processes (zombies aside) of process group pgid,
// read from /proc. Tests use it to prove that nothing was left behind.
func Members(pgid int) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces and parens.
		s := string(data)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if g, err := strconv.Atoi(f[2]); err == nil && g == pgid {
			out = append(out, pid)
		}
	}
	return out, nil
}
