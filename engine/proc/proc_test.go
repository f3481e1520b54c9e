//go:build linux

package proc

import (
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// groupAlive reports whether any process of group pgid is left.
func groupAlive(pgid int) bool {
	m, err := Members(pgid)
	return err != nil || len(m) > 0
}

func waitGone(t *testing.T, pgid int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for groupAlive(pgid) {
		if time.Now().After(deadline) {
			t.Fatalf("process group %d still has processes after %s", pgid, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCancelEndsGrandchildren(t *testing.T) {
	tests := []struct {
		name   string
		script string
		within time.Duration
	}{
		{"children that obey SIGTERM", `sleep 300 & sleep 300 & echo ready; wait`, 2 * time.Second},
		{"children that ignore SIGTERM get SIGKILL", `trap "" TERM; sleep 300 & sleep 300 & echo ready; wait`, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cmd := Command(ctx, "sh", "-c", tt.script)
			cmd.Grace = 300 * time.Millisecond
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 6)
			if _, err := out.Read(buf); err != nil || string(buf) != "ready\n" {
				t.Fatalf("read %q, %v", buf, err)
			}
			pgid := cmd.Process.Pid
			if !groupAlive(pgid) {
				t.Fatal("no process group")
			}
			t0 := time.Now()
			cancel()
			if err := cmd.Wait(); err == nil {
				t.Error("Wait after cancel: nil error")
			}
			if d := time.Since(t0); d > tt.within {
				t.Errorf("Wait took %s after cancel", d)
			}
			// Signalled with sh, the sleeps still have to be scheduled to
			// die: a bound, not a speed.
			waitGone(t, pgid, 5*time.Second)
		})
	}
}

// A command that exits leaving a background process behind: the stray is
// killed when Wait returns.
func TestWaitKillsStrays(t *testing.T) {
	cmd := Command(context.Background(), "sh", "-c", `sleep 300 >/dev/null 2>&1 & echo $!`)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	waitGone(t, cmd.Process.Pid, time.Second)
	if data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && !strings.Contains(string(data), ") Z") {
		t.Errorf("stray sleep %d still runs: %s", pid, data)
	}
}

// TestExitedRunsBeforeStraysAreKilled: Exited sees the command gone and
// what it left in its group still running (the SSH masters' proxies
// ansible-playbook leaves), and the strays are killed after it.
func TestExitedRunsBeforeStraysAreKilled(t *testing.T) {
	cmd := Command(context.Background(), "sh", "-c", `sleep 300 >/dev/null 2>&1 & echo $!`)
	var strayAlive, called bool
	var pid int
	cmd.Exited = func() {
		called = true
		pid, _ = strconv.Atoi(strings.TrimSpace(string(cmd.Stdout.(*syncBuffer).Bytes())))
		time.Sleep(100 * time.Millisecond) // a SIGKILL sent already has landed by now
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		strayAlive = err == nil && !strings.Contains(string(stat), ") Z") && !strings.Contains(string(stat), ") X")
	}
	if _, err := cmd.Output(); err != nil {
		t.Fatal(err)
	}
	if !called {
		t.Fatal("Exited was not called")
	}
	if !strayAlive {
		t.Errorf("the stray sleep %d was gone when Exited ran", pid)
	}
	waitGone(t, cmd.Process.Pid, time.Second)
}

func TestOwnProcessGroup(t *testing.T) {
	out, err := Command(context.Background(), "sh", "-c", `ps -o pgid= -p $$`).Output()
	if err != nil {
		t.Fatal(err)
	}
	pgid, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	if pgid == syscall.Getpgrp() {
		t.Errorf("child runs in envrun's process group %d", pgid)
	}
}

// TestCombinedOutput: the Cmd's own CombinedOutput (not the embedded
// exec.Cmd's) gathers both streams, and refuses streams set already.
func TestCombinedOutput(t *testing.T) {
	out, err := Command(context.Background(), "sh", "-c", "echo out; echo err >&2").CombinedOutput()
	if err != nil || string(out) != "out\nerr\n" {
		t.Fatalf("CombinedOutput = %q, %v", out, err)
	}
	c := Command(context.Background(), "true")
	c.Stderr = io.Discard
	if _, err := c.CombinedOutput(); err == nil {
		t.Error("CombinedOutput with Stderr set: no error")
	}
}
