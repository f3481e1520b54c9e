package provision

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/proc"
)

// runLocal runs a Remote's command with the local sh, as sshd would run it
// with the user's shell, feeding stdin like comm.Client does.
// Like comm.Client, it holds stdin open; closing it stands for envrun
// going away.
func runLocal(t *testing.T, r Remote) (cmd *exec.Cmd, stdinW io.WriteCloser, out *bytes.Buffer) {
	t.Helper()
	line, stdin := r.Command()
	cmd = exec.Command("sh", "-c", line)
	out = &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	w, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Write(stdin)
	t.Cleanup(func() { w.Close() })
	return cmd, w, out
}

func TestRemoteCommand(t *testing.T) {
	tests := []struct {
		name     string
		r        Remote
		want     string
		wantExit int
	}{
		{"inline script", Remote{Script: "echo hello"}, "hello\n", 0},
		{"exit status", Remote{Script: "echo out; exit 7"}, "out\n", 7},
		{"arguments", Remote{Script: "#!/bin/sh\nprintf '<%s>' \"$@\"", Args: []string{"a b", "it's", ""}}, "<a b><it's><>", 0},
		{"environment", Remote{Script: `printf '%s|%s' "$PLAIN" "$SECRET"`, Env: map[string]string{"PLAIN": "x y", "SECRET": "p'q$r`s\\"}}, "x y|p'q$r`s\\", 0},
		{"own #! line", Remote{Script: "#!/usr/bin/env python3\nprint(6*7)"}, "42\n", 0},
		{"stdin is empty", Remote{Script: "cat; echo done"}, "done\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, _, out := runLocal(t, tt.r)
			err := cmd.Wait()
			code := 0
			if exit, ok := err.(*exec.ExitError); ok {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantExit || out.String() != tt.want {
				t.Errorf("got exit %d, output %q; want %d, %q", code, out.String(), tt.wantExit, tt.want)
			}
		})
	}
}

// No secret value and no script text is on the command line.
func TestRemoteCommandLineHoldsNoSecret(t *testing.T) {
	r := Remote{Script: "echo s3cr3t-script", Env: map[string]string{"TOKEN": "s3cr3t-value"}, Privileged: true, User: "vagrant"}
	line, _ := r.Command()
	for _, secret := range []string{"s3cr3t-value", "s3cr3t-script", "TOKEN"} {
		if strings.Contains(line, secret) {
			t.Errorf("command line holds %q: %s", secret, line)
		}
	}
	if !strings.Contains(line, "sudo -n -H sh -c") {
		t.Errorf("privileged command does not go through sudo: %s", line)
	}
}

// The script's temporary files are gone afterwards.
func TestRemoteCommandCleansUp(t *testing.T) {
	before, _ := filepath.Glob("/tmp/envrun-*")
	cmd, _, out := runLocal(t, Remote{Script: "exit 3", Env: map[string]string{"A": "b"}})
	cmd.Wait()
	after, _ := filepath.Glob("/tmp/envrun-*")
	if len(after) > len(before) {
		t.Errorf("left behind: %v (output %q)", after, out)
	}
}

// When stdin closes (envrun went away, even by kill -9) or the supervisor
// is sent SIGTERM (Ctrl-C), the script and everything it started end.
func TestRemoteCommandEndsItsGroup(t *testing.T) {
	for _, how := range []string{"stdin closed", "SIGTERM"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			pids := filepath.Join(dir, "pids")
			script := "sleep 300 & echo $! >" + pids + "; sleep 300 & echo $! >>" + pids + "; echo $$ >>" + pids + "; wait"
			cmd, w, out := runLocal(t, Remote{Script: script})
			var ids []int
			deadline := time.Now().Add(5 * time.Second)
			for len(ids) < 3 && time.Now().Before(deadline) {
				data, _ := os.ReadFile(pids)
				ids = ids[:0]
				for _, f := range strings.Fields(string(data)) {
					n, _ := strconv.Atoi(f)
					ids = append(ids, n)
				}
				time.Sleep(10 * time.Millisecond)
			}
			if len(ids) < 3 {
				t.Fatalf("script did not start: %q", out)
			}
			pgid := ids[2]
			if m, _ := proc.Members(pgid); len(m) < 3 {
				t.Fatalf("the script's group %d has %v, want the script and two sleeps", pgid, m)
			}
			if how == "stdin closed" {
				w.Close()
			} else {
				// sshd's child is the login shell; the supervisor is its child.
				exec.Command("pkill", "-TERM", "-P", strconv.Itoa(cmd.Process.Pid), "-x", "sh").Run()
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the command did not end")
			}
			deadline = time.Now().Add(2 * time.Second)
			for {
				m, _ := proc.Members(pgid)
				if len(m) == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("processes of the step left: %v", m)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}
