//go:build linux

package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The test of this file proves ssh = { port = N } (issue 21, item 6) on
// a real Docker machine. It uses 172.23.150.0/24 and names with t-sshp.

const sshPortEnvfile = `
box "debian/bookworm"
network "tsshplan" { subnet = "172.23.150.0/24" }
machine "t-sshp-web" {
  networks = { tsshplan = "172.23.150.10" },
  ssh = { port = PORT },
  provision = { shell { name = "mark", inline = "echo step-ran >/tmp/t-sshp-step" } },
}
`

// TestIntegrationSSHPort: a machine whose sshd listens on 2222 (and not
// on 22) comes up and runs its shell step; `envrun ssh`, plain OpenSSH
// with `envrun ssh-config` and Ansible with `envrun inventory` reach it
// there; a changed port is reported as a changed setting, the recorded
// port is used until reload applies the new one.
func TestIntegrationSSHPort(t *testing.T) {
	for _, tool := range []string{"ssh", "ansible"} {
		if _, err := exec.LookPath(tool); err != nil {
			requireTool(t, tool)
		}
	}
	w := newWorld(t, strings.ReplaceAll(sshPortEnvfile, "PORT", "2222"))
	w.mustRun("up")
	if out, err := w.exec("t-sshp-web", "cat", "/tmp/t-sshp-step"); err != nil || out != "step-ran\n" {
		t.Errorf("the shell step did not run: %v %q", err, out)
	}
	listening := func(want, not string) {
		t.Helper()
		r := w.mustRun("ssh", "t-sshp-web", "--", "ss -ltn || netstat -ltn")
		if !strings.Contains(r.stdout, ":"+want+" ") || strings.Contains(r.stdout, ":"+not+" ") {
			t.Errorf("envrun ssh: want sshd on %s, not on %s:\n%s", want, not, r.stdout)
		}
	}
	listening("2222", "22")

	cfg := filepath.Join(w.dir, "ssh_config")
	sshConfig := w.mustRun("ssh-config").stdout
	if !strings.Contains(sshConfig, "  Port 2222\n") {
		t.Errorf("ssh-config: want Port 2222:\n%s", sshConfig)
	}
	if err := os.WriteFile(cfg, []byte(sshConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("ssh", "-F", cfg, "t-sshp-web", "cat /tmp/t-sshp-step").CombinedOutput(); err != nil || string(out) != "step-ran\n" {
		t.Errorf("ssh -F: %v %s", err, out)
	}

	invText := w.mustRun("inventory").stdout
	var inv struct {
		All struct {
			Hosts map[string]map[string]any `yaml:"hosts"`
		} `yaml:"all"`
	}
	if err := yaml.Unmarshal([]byte(invText), &inv); err != nil {
		t.Fatal(err)
	}
	if p := inv.All.Hosts["t-sshp-web"]["ansible_port"]; p != 2222 {
		t.Errorf("inventory: ansible_port %v, want 2222:\n%s", p, invText)
	}
	invFile := filepath.Join(w.dir, "inventory.yml")
	if err := os.WriteFile(invFile, []byte(invText), 0o600); err != nil {
		t.Fatal(err)
	}
	ping := exec.Command("ansible", "-i", invFile, "all", "-m", "ping")
	ping.Dir = w.dir
	ping.Env = append(os.Environ(), "ANSIBLE_HOST_KEY_CHECKING=True", "ANSIBLE_NOCOLOR=1")
	if out, err := ping.CombinedOutput(); err != nil || !strings.Contains(string(out), `"ping": "pong"`) {
		t.Errorf("ansible ping: %v\n%s", err, out)
	}

	// Another port: up says the settings changed and keeps the machine,
	// which is still reached on the port it was made with.
	w.writeEnvfile(strings.ReplaceAll(sshPortEnvfile, "PORT", "2200"))
	r := w.mustRun("up")
	if !strings.Contains(r.stderr, "settings in the Envfile changed") {
		t.Errorf("up after a port change: no changed-settings warning:\n%s", r.stderr)
	}
	if cfg := w.mustRun("ssh-config").stdout; !strings.Contains(cfg, "  Port 2222\n") {
		t.Errorf("ssh-config before reload: want the recorded Port 2222:\n%s", cfg)
	}
	listening("2222", "2200")
	w.mustRun("reload", "t-sshp-web")
	listening("2200", "2222")
	if cfg := w.mustRun("ssh-config").stdout; !strings.Contains(cfg, "  Port 2200\n") {
		t.Errorf("ssh-config after reload: want Port 2200:\n%s", cfg)
	}
}
