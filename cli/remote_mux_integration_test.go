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
// another opens none.
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
	for _, c := range []struct {
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
	} {
		if n, out := run(c.line, c.cold); n != c.want {
			t.Errorf("%s (cold %v) opened %d SSH connections to the engine's host, want %d\n%s", c.line, c.cold, n, c.want, out)
		}
	}
	if n, out := run("envrun destroy -f 2>&1", true); n != 1 {
		t.Errorf("destroy opened %d SSH connections, want 1\n%s", n, out)
	}
	if n := countProject(t, filepath.Join(dir, "Envfile.lua")); n != 0 {
		t.Errorf("destroy left %d containers and networks", n)
	}
	if strings.Contains(r.sshdLog.String(), "Failed") {
		t.Errorf("sshd refused a login:\n%s", r.sshdLog.String())
	}
}
