//go:build libvirt_dlopen && cgo

package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lvSSHPortEnvfile is one VM whose sshd listens on 2222 (ssh.port), on
// 10.231.150.0/24.
const lvSSHPortEnvfile = `
box "debian/bookworm"
network "sshp" { subnet = "10.231.150.0/24", isolated = true }
machine "web" {
  networks = { sshp = "10.231.150.10" },
  memory = 384,
  ssh = { port = PORT },
  libvirt = { boot_timeout = 1500 },
  provision = { shell { name = "mark", inline = "echo step-ran >/var/tmp/sshp-step" } },
}
`

// TestIntegrationLibvirtSSHPort boots one VM with ssh = { port = 2222 }:
// first contact on 22 writes Port 2222 into envrun's sshd drop-in and
// restarts sshd; the shell step, `envrun ssh`, plain OpenSSH with
// ssh-config and Ansible with the inventory then reach it on 2222 (22 is
// closed); the domain's metadata records the port; another port in the
// Envfile is warned about and the recorded one kept.
func TestIntegrationLibvirtSSHPort(t *testing.T) {
	for _, tool := range []string{"ssh", "ansible"} {
		if _, err := exec.LookPath(tool); err != nil {
			requireTool(t, tool)
		}
	}
	dir := filepath.Join(t.TempDir(), "sshp")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w := newLibvirtWorldIn(t, dir, strings.ReplaceAll(lvSSHPortEnvfile, "PORT", "2222"))
	if r := w.start(nil, "up").wait(30 * time.Minute); r.code != 0 {
		t.Fatalf("up: %s", r)
	}
	if out := w.remote("web", "cat /var/tmp/sshp-step"); out != "step-ran\n" {
		t.Errorf("the shell step did not run: %q", out)
	}
	if out := w.remote("web", "ss -ltn || netstat -ltn"); !strings.Contains(out, ":2222 ") || strings.Contains(out, ":22 ") {
		t.Errorf("want sshd on 2222 and not on 22:\n%s", out)
	}
	dom, err := w.c.LookupDomainByName(w.project + "-web")
	if err != nil {
		t.Fatal(err)
	}
	x, err := dom.GetXMLDesc(0)
	dom.Free()
	if err != nil || !strings.Contains(x, "sshport>2222</") {
		t.Errorf("the domain's metadata does not record the port (%v):\n%s", err, x)
	}

	cfgText := w.mustRun("ssh-config").stdout
	if !strings.Contains(cfgText, "  Port 2222\n") {
		t.Errorf("ssh-config: want Port 2222:\n%s", cfgText)
	}
	cfg := filepath.Join(dir, "ssh_config")
	if err := os.WriteFile(cfg, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("ssh", "-F", cfg, "web", "cat /var/tmp/sshp-step").CombinedOutput(); err != nil || string(out) != "step-ran\n" {
		t.Errorf("ssh -F: %v %s", err, out)
	}
	inv := w.mustRun("inventory").stdout
	if !strings.Contains(inv, "ansible_port: 2222") {
		t.Errorf("inventory: want ansible_port 2222:\n%s", inv)
	}
	invFile := filepath.Join(dir, "inventory.yml")
	if err := os.WriteFile(invFile, []byte(inv), 0o600); err != nil {
		t.Fatal(err)
	}
	ping := exec.Command("ansible", "-i", invFile, "all", "-m", "ping")
	ping.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1")
	if out, err := ping.CombinedOutput(); err != nil || !strings.Contains(string(out), `"ping": "pong"`) {
		t.Errorf("ansible ping: %v\n%s", err, out)
	}

	// Another port in the Envfile: said, and the VM still reached on 2222.
	w.writeEnvfile(strings.ReplaceAll(lvSSHPortEnvfile, "PORT", "2200"))
	r := w.mustRun("up")
	if !strings.Contains(r.stderr, "its ssh.port changed (2200, was 2222)") {
		t.Errorf("up after a port change: no warning:\n%s", r.stderr)
	}
	if out := w.remote("web", "echo still"); out != "still\n" {
		t.Errorf("envrun ssh after the port change: %q", out)
	}
	if cfg := w.mustRun("ssh-config").stdout; !strings.Contains(cfg, "  Port 2222\n") {
		t.Errorf("ssh-config after the port change: want the recorded Port 2222:\n%s", cfg)
	}
	// reload restarts the VM, says so again, and keeps the guest's port.
	if r := w.start(nil, "reload", "web").wait(15 * time.Minute); r.code != 0 || !strings.Contains(r.stderr, "its ssh.port changed (2200, was 2222)") {
		t.Errorf("reload after the port change: want success and the warning: %s", r)
	}
	if out := w.remote("web", "ss -ltn || netstat -ltn"); !strings.Contains(out, ":2222 ") {
		t.Errorf("after reload: want sshd still on 2222:\n%s", out)
	}
}
