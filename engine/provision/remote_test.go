package provision

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/proc"
)

// runLocal runs a Remote's command with the local sh, as sshd would run it
// with the user's shell (in a session and process group of its own),
// feeding stdin like comm.Client does. Like comm.Client, it holds stdin
// open; closing it stands for envrun going away.
func runLocal(t *testing.T, r Remote) (cmd *exec.Cmd, stdinW io.WriteCloser, out *bytes.Buffer) {
	t.Helper()
	return runLocalWith(t, "sh", "", r)
}

// runLocalWith is runLocal with the login shell shell (sh, bash), which
// runs prelude first.
func runLocalWith(t *testing.T, shell, prelude string, r Remote) (cmd *exec.Cmd, stdinW io.WriteCloser, out *bytes.Buffer) {
	t.Helper()
	line, stdin := r.Command()
	cmd = exec.Command(shell, "-c", prelude+line)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
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
		prelude  string // what the login shell does first
		r        Remote
		want     string
		wantExit int
	}{
		{"inline script", "", Remote{Script: "echo hello"}, "hello\n", 0},
		{"exit status", "", Remote{Script: "echo out; exit 7"}, "out\n", 7},
		{"arguments", "", Remote{Script: "#!/bin/sh\nprintf '<%s>' \"$@\"", Args: []string{"a b", "it's", ""}}, "<a b><it's><>", 0},
		{"environment", "", Remote{Script: `printf '%s|%s' "$PLAIN" "$SECRET"`, Env: map[string]string{"PLAIN": "x y", "SECRET": "p'q$r`s\\"}}, "x y|p'q$r`s\\", 0},
		{"own #! line", "", Remote{Script: "#!/usr/bin/env python3\nprint(6*7)"}, "42\n", 0},
		{"stdin is empty", "", Remote{Script: "cat; echo done"}, "done\n", 0},
		{"no other descriptor is inherited", "", Remote{Script: "for fd in 3 4 5; do [ -e /proc/$$/fd/$fd ] && echo open $fd; done; echo ok"}, "ok\n", 0},
		{"a multi-line value", "", Remote{Script: `printf '[%s]' "$CERT"`, Env: map[string]string{"CERT": "line 1\n'line' 2\n\n"}}, "[line 1\n'line' 2\n\n]", 0},
		{"a value that names the newline variable", "", Remote{Script: `printf '%s' "$A"`, Env: map[string]string{"A": `"$nl"$nl`}}, `"$nl"$nl`, 0},
		// The supervisor's variables are its own: a step's env may use
		// their names.
		{"env names the supervisor uses", "", Remote{Script: `echo "$f $p $v $x $w $ne $ns $nl $l"`, Env: map[string]string{
			"f": "F", "p": "P", "v": "V", "x": "X", "w": "W", "ne": "NE", "ns": "NS", "nl": "NL", "l": "L"}}, "F P V X W NE NS NL L\n", 0},
		{"a long environment", "", Remote{Script: `printf '%s' "$BIG" | wc -c; printf '%s\n' "$SMALL"`, Env: map[string]string{"BIG": strings.Repeat("x\ny", 5000), "SMALL": "s"}}, "15000\ns\n", 0},
		// The script file is executable and the script's $0: a script can
		// run itself again (exec sudo "$0" "$@" does).
		{"the script can run itself", "", Remote{Script: "#!/bin/sh\nif [ -z \"$AGAIN\" ]; then AGAIN=1 exec \"$0\" \"$@\"; fi; echo again \"$1\"", Args: []string{"arg"}}, "again arg\n", 0},
		{"the script keeps the login shell's umask", "umask 027; ", Remote{Script: "umask"}, "0027\n", 0},
		{"an empty script", "", Remote{Script: ""}, "", 0},
		{"no #! line: bash, as Vagrant runs it", "", Remote{Script: `a=(x y); [[ -n ${BASH_VERSION} ]] && echo "${a[1]}"`}, "y\n", 0},
		{"a #! line is honoured", "", Remote{Script: "#!/bin/sh\n[ -z \"$BASH_VERSION\" ] && echo sh"}, "sh\n", 0},
		{"interpreter", "", Remote{Script: "import sys; print(sys.argv[1])", Args: []string{"a1"}, Interpreter: "python3"}, "a1\n", 0},
		{"interpreter with options", "", Remote{Script: "false; echo not reached", Interpreter: "bash -e"}, "", 1},
	}
	for _, shell := range []string{"sh", "bash"} {
		for _, tt := range tests {
			t.Run(shell+"/"+tt.name, func(t *testing.T) {
				cmd, _, out := runLocalWith(t, shell, tt.prelude, tt.r)
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

// A machine without bash runs a script without #! line with sh, and the
// step's log says so.
func TestRemoteCommandNoBash(t *testing.T) {
	bin := t.TempDir()
	for _, tool := range []string{"sh", "mktemp", "head", "chmod", "setsid", "rm", "kill", "sleep", "cat"} {
		path, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("%s: %v", tool, err)
		}
		if err := os.Symlink(path, filepath.Join(bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	cmd, _, out := runLocalWith(t, "sh", "PATH="+bin+"; ", Remote{Script: `echo "bash=${BASH_VERSION:-none}"`})
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got := out.String(); !strings.Contains(got, "bash=none") || !strings.Contains(got, "has no bash: the script (it has no #! line) runs with sh") {
		t.Errorf("output %q: want the script run by sh, and said so", got)
	}
}

// When stdin closes (envrun went away, even by kill -9) or the supervisor
// is sent SIGTERM (Ctrl-C), the script and everything it started end, and
// its file is removed; a script that ignores SIGTERM is killed.
func TestRemoteCommandEndsItsGroup(t *testing.T) {
	for _, tc := range []struct{ shell, how, trap string }{
		{"sh", "stdin closed", ""},
		{"sh", "SIGTERM", ""},
		{"bash", "stdin closed", ""},
		{"bash", "SIGTERM", ""},
		{"sh", "SIGTERM", "trap '' TERM; "},
	} {
		t.Run(tc.shell+"/"+tc.how+"/"+tc.trap, func(t *testing.T) {
			dir := t.TempDir()
			pids := filepath.Join(dir, "pids")
			script := tc.trap + "sleep 300 & echo $! >" + pids + "; sleep 300 & echo $! >>" + pids + "; echo $$ $0 >>" + pids + "; wait"
			cmd, w, out := runLocalWith(t, tc.shell, "", Remote{Script: script})
			var ids []int
			var file string
			deadline := time.Now().Add(5 * time.Second)
			for len(ids) < 3 && time.Now().Before(deadline) {
				data, _ := os.ReadFile(pids)
				ids = ids[:0]
				for _, f := range strings.Fields(string(data)) {
					if n, err := strconv.Atoi(f); err == nil {
						ids = append(ids, n)
					} else {
						file = f
					}
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
			if tc.how == "stdin closed" {
				w.Close()
			} else {
				// A session's "signal" request: sshd signals the process
				// group of the session's process (the login shell, which
				// became the supervisor).
				syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the command did not end")
			}
			if _, err := os.Stat(file); err == nil {
				t.Errorf("the script's file %s is left", file)
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
