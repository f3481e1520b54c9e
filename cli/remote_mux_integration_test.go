//go:build linux

package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/internal/sshmux"
)

// TestIntegrationRemoteOneConnection: on an ssh:// engine (the jump
// transport), each envrun command opens one SSH connection to the
// engine's host, counted by the rig's sshd: its Docker API streams and
// the hops to its machines share it. Each command is timed from cold (no
// shared connection left by the one before), then a command right after
// another opens none, and its API stream is the engine's socket forwarded
// by that connection (no `docker system dial-stdio`). A second sshd that
// refuses to forward sockets gets dial-stdio instead, and works.
func TestIntegrationRemoteOneConnection(t *testing.T) {
	r := newRigAt(t, "10.126.1", "h12")
	dir := filepath.Join(t.TempDir(), "h12-one")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rigWrite(t, filepath.Join(dir, "Envfile.lua"), `box "debian/bookworm"
network "h12net" { subnet = "172.26.1.0/24" }
for i, name in ipairs({ "h12a", "h12b" }) do
  machine(name) {
    networks = { h12net = "172.26.1." .. (19 + i) },
    provision = { shell { inline = "echo ready > /tmp/ready" } },
  }
end
`)
	purgeProject(t, filepath.Join(dir, "Envfile.lua"))
	r.unreachable(dir, "172.26.1.20:22")

	// Every ssh envrun starts, logged: what each command ran is in the
	// test's log.
	wrap := t.TempDir()
	sshLog := filepath.Join(wrap, "ssh.log")
	rigWrite(t, filepath.Join(wrap, "ssh"), fmt.Sprintf("#!/bin/sh\necho \"$*\" >>%s\nexec /usr/bin/ssh \"$@\"\n", sshLog))
	os.Chmod(filepath.Join(wrap, "ssh"), 0o755)
	env := []string{"DOCKER_HOST=ssh://root@" + r.hostIP, "PATH=" + wrap + ":" + filepath.Dir(r.bin) + ":" + os.Getenv("PATH")}
	dest := sshmux.Dest{User: "root", Host: r.hostIP}

	// run runs line in the client and reports the SSH connections the
	// host accepted meanwhile; cold closes the shared one first.
	run := func(line string, cold bool) (int, string) {
		t.Helper()
		if cold {
			sshmux.Close(dest)
		}
		os.Remove(sshLog)
		before := r.logins()
		t0 := time.Now()
		out := r.mustClient(dir, env, line)
		took := time.Since(t0)
		// sshd logs a login before the command that made it goes on.
		n := r.logins() - before
		ran, _ := os.ReadFile(sshLog)
		t.Logf("%s (cold %v): %d SSH connection(s), %s, ssh run as:\n%s", line, cold, n, took.Round(time.Millisecond), ran)
		return n, out
	}
	asked := func() bool {
		return strings.Contains(string(orEmpty(os.ReadFile(sshLog))), "docker context inspect")
	}
	for i, c := range []struct {
		line string
		cold bool
		want int
	}{
		{"envrun up 2>&1", true, 1}, // from nothing: engine and first contact
		{"envrun up 2>&1", true, 1}, // no-op
		{"envrun status", true, 1},
		{"envrun status", false, 0}, // right after another command
		{"envrun ssh h12a -- cat /tmp/ready", true, 1},
		{"envrun provision 2>&1", true, 1}, // a step on each machine
		{"envrun ssh h12b -- cat /tmp/ready", false, 0},
		{"envrun halt h12b 2>&1", true, 1},
		{"envrun up 2>&1", false, 0},
	} {
		if n, out := run(c.line, c.cold); n != c.want {
			t.Errorf("%s (cold %v) opened %d SSH connections to the engine's host, want %d\n%s", c.line, c.cold, n, c.want, out)
		}
		// The host's docker CLI is asked for its engine's socket once:
		// later connections, cold ones too, use the answer kept.
		if asked() != (i == 0) {
			t.Errorf("%s (cold %v): asked the host's docker CLI for its engine: %v, want %v", c.line, c.cold, asked(), i == 0)
		}
	}
	// A kept answer that no longer holds (the host's engine moved) is
	// asked again, and the command works.
	kept := dest.Path() + ".kept.docker-host"
	rigWrite(t, kept, "unix:///run/envrun-test-nothing.sock")
	if _, out := run("envrun status", true); !strings.Contains(out, "h12a") || !asked() {
		t.Errorf("status with a stale engine socket kept (asked again: %v):\n%s", asked(), out)
	}
	if got := readFile(t, kept); got == "unix:///run/envrun-test-nothing.sock" {
		t.Errorf("the stale answer is still kept")
	}
	// Right after another command, status's API stream is the engine's
	// socket forwarded by the shared connection: no dial-stdio.
	if _, out := run("envrun status", false); strings.Contains(string(orEmpty(os.ReadFile(sshLog))), "dial-stdio") {
		t.Errorf("a warm status ran docker system dial-stdio on the host:\n%s", out)
	}
	// A host that refuses to forward sockets: dial-stdio, as before.
	dest2, _ := r.refusingHost()
	env[0] = "DOCKER_HOST=ssh://root@" + r.hostIP + ":2222"
	for _, cold := range []bool{true, false} {
		if cold {
			sshmux.Close(dest2)
		}
		time.Sleep(200 * time.Millisecond) // sshd2 listening
		out := r.mustClient(dir, env, "envrun status")
		if !strings.Contains(out, "h12a") {
			t.Errorf("status through a host that refuses forwards (cold %v):\n%s", cold, out)
		}
	}
	r.mustClient(dir, env, "envrun destroy -f 2>&1")
	if n := countProject(t, filepath.Join(dir, "Envfile.lua")); n != 0 {
		t.Errorf("destroy left %d containers and networks", n)
	}
	if strings.Contains(r.sshdLog.String(), "Failed") {
		t.Errorf("sshd refused a login:\n%s", r.sshdLog.String())
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// orEmpty is os.ReadFile's answer, empty when the file is not there.
func orEmpty(data []byte, _ error) []byte { return data }
