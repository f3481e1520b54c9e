package engine

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSSHConfigPaths: the key and known_hosts paths reach OpenSSH as they
// are, even in a folder whose name holds % (which OpenSSH expands as a
// token) or a space, and the system's known hosts are not trusted.
func TestSSHConfigPaths(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "50% off %h")
	os.Mkdir(dir, 0o755)
	e := newTestEnv(t, testEnvfile(dir), newFake(), &cmdLog{})
	eps := []Endpoint{{Machine: e.Spec.Machines[0], Addr: "10.77.0.10:22", User: "vagrant"}}
	text := e.SSHConfig(eps)
	if !strings.Contains(text, "GlobalKnownHostsFile /dev/null\n") {
		t.Errorf("no GlobalKnownHostsFile /dev/null:\n%s", text)
	}
	if _, err := exec.LookPath("ssh"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ssh is required on CI")
		}
		t.Skip("no ssh here")
	}
	// OpenSSH names the identity files it will offer once connected: a
	// listener on loopback that says nothing is enough.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			time.AfterFunc(2*time.Second, func() { c.Close() })
		}
	}()
	eps[0].Addr = l.Addr().String()
	cfg := filepath.Join(t.TempDir(), "ssh_config")
	os.WriteFile(cfg, []byte(e.SSHConfig(eps)), 0o600)
	out, _ := exec.Command("ssh", "-v", "-F", cfg, "-o", "ConnectTimeout=5", "a", "true").CombinedOutput()
	if want := "identity file " + e.State.KeyPath() + " type"; !strings.Contains(string(out), want) {
		t.Errorf("OpenSSH does not read the key at its path (%q):\n%s", want, out)
	}
}
