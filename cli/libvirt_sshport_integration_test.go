//go:build libvirt_dlopen && cgo

package cli_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// lvSSHPortEnvfile is one VM whose sshd listens on PORT (ssh.port), on
// 10.231.150.0/24, with host port HOSTPORT on 127.0.0.1 forwarded to its
// PORT.
const lvSSHPortEnvfile = `
box "debian/bookworm"
network "sshp" { subnet = "10.231.150.0/24", isolated = true }
machine "web" {
  networks = { sshp = "10.231.150.10" },
  memory = 384,
  ssh = { port = PORT },
  ports = { { guest = PORT, host = HOSTPORT } },
  libvirt = { boot_timeout = 1500 },
  provision = { shell { name = "mark", inline = "echo step-ran >/var/tmp/sshp-step" } },
}
`

// TestIntegrationLibvirtSSHPort boots one VM with ssh = { port = 2222 } and
// a forwarded host port on 127.0.0.1 to it (see the comments below):
// first contact on 22 writes Port 2222 into envrun's sshd drop-in and
// restarts sshd; the shell step, `envrun ssh`, plain OpenSSH with
// ssh-config and Ansible with the inventory then reach it on 2222 (22 is
// closed); the domain's metadata records the port; another port in the
// Envfile is warned about by up, and reload moves sshd there.
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
	// A host port something else holds (another environment, a local
	// server: this test's listener): up fails at once, with the
	// machine's FILE:LINE, and makes nothing.
	holder, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	taken := holder.Addr().(*net.TCPAddr).Port
	envfile := func(sshPort string, hostPort int) string {
		return strings.NewReplacer("HOSTPORT", strconv.Itoa(hostPort), "PORT", sshPort).Replace(lvSSHPortEnvfile)
	}
	w := newLibvirtWorldIn(t, dir, envfile("2222", taken))
	t0 := time.Now()
	r := w.run("up")
	holder.Close()
	want := fmt.Sprintf(`Envfile.lua:4: machine "web": host port 127.0.0.1:%d/tcp is in use`, taken)
	if r.code == 0 || !strings.Contains(r.stderr, want) {
		t.Errorf("up with the host port taken: want a failure saying %q: %s", want, r)
	}
	if doms := w.domains(); len(doms) != 0 {
		t.Errorf("up with the host port taken made %v", doms)
	}
	if n, err := w.c.LookupNetworkByName(w.project + "-sshp"); err == nil {
		n.Free()
		t.Errorf("up with the host port taken made network %s-sshp", w.project)
	}
	t.Logf("up with the host port taken: failed in %s", time.Since(t0).Round(time.Millisecond))

	hostPort := freeTCPPort(t)
	w.writeEnvfile(envfile("2222", hostPort))
	if r := w.start(nil, "up").wait(30 * time.Minute); r.code != 0 {
		t.Fatalf("up: %s", r)
	}
	// The forwarded port reaches the guest's sshd; status shows it.
	if err := lvBanner(hostPort); err != nil {
		t.Errorf("the forwarded port after up: %v", err)
	}
	if out := w.mustRun("status").stdout; !strings.Contains(out, fmt.Sprintf("127.0.0.1:%d->2222", hostPort)) {
		t.Errorf("status: want the port 127.0.0.1:%d->2222:\n%s", hostPort, out)
	}
	var rows []struct {
		Name  string
		Ports []struct {
			HostIP string `json:"host_ip"`
			Host   int    `json:"host"`
			Guest  int    `json:"guest"`
		} `json:"ports"`
	}
	if err := json.Unmarshal([]byte(w.mustRun("status", "--json").stdout), &rows); err != nil || len(rows) != 1 || len(rows[0].Ports) != 1 ||
		rows[0].Ports[0].HostIP != "127.0.0.1" || rows[0].Ports[0].Host != hostPort || rows[0].Ports[0].Guest != 2222 {
		t.Errorf("status --json: %+v, %v", rows, err)
	}
	if out := w.mustRun("port", "web", "--guest", "2222").stdout; strings.TrimSpace(out) != strconv.Itoa(hostPort) {
		t.Errorf("port web --guest 2222: %q, want %d", out, hostPort)
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

	// Another port in the Envfile: up says so and keeps reaching the VM
	// on 2222; reload moves its sshd to 2200, and everything follows.
	w.writeEnvfile(envfile("2200", hostPort))
	r = w.mustRun("up")
	if !strings.Contains(r.stderr, "its ssh.port changed (2200, was 2222)") || !strings.Contains(r.stderr, "`envrun reload web` moves it") {
		t.Errorf("up after a port change: no warning:\n%s", r.stderr)
	}
	if out := w.remote("web", "echo still"); out != "still\n" {
		t.Errorf("envrun ssh after the port change: %q", out)
	}
	if cfg := w.mustRun("ssh-config").stdout; !strings.Contains(cfg, "  Port 2222\n") {
		t.Errorf("ssh-config after the port change: want the recorded Port 2222:\n%s", cfg)
	}
	if r := w.start(nil, "reload", "web").wait(15 * time.Minute); r.code != 0 || !strings.Contains(r.stderr, "sshd moved to port 2200") {
		t.Errorf("reload after the port change: want success and the move said: %s", r)
	}
	if out := w.remote("web", "ss -ltn || netstat -ltn"); !strings.Contains(out, ":2200 ") || strings.Contains(out, ":2222 ") {
		t.Errorf("after reload: want sshd on 2200, not on 2222:\n%s", out)
	}
	if err := lvBanner(hostPort); err != nil {
		t.Errorf("the forwarded port (to 2200) after reload: %v", err)
	}
	cfgText = w.mustRun("ssh-config").stdout
	if !strings.Contains(cfgText, "  Port 2200\n") {
		t.Errorf("ssh-config after reload: want Port 2200:\n%s", cfgText)
	}
	if err := os.WriteFile(cfg, []byte(cfgText), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("ssh", "-F", cfg, "web", "cat /var/tmp/sshp-step").CombinedOutput(); err != nil || string(out) != "step-ran\n" {
		t.Errorf("ssh -F after reload: %v %s", err, out)
	}
	if err := os.WriteFile(invFile, []byte(w.mustRun("inventory").stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	ping = exec.Command("ansible", "-i", invFile, "all", "-m", "ping")
	ping.Env = append(os.Environ(), "ANSIBLE_NOCOLOR=1")
	if out, err := ping.CombinedOutput(); err != nil || !strings.Contains(string(out), `"ping": "pong"`) {
		t.Errorf("ansible ping after reload: %v\n%s", err, out)
	}
	if r := w.mustRun("up"); strings.Contains(r.stderr, "ssh.port") {
		t.Errorf("up after reload still speaks of the port:\n%s", r.stderr)
	}

	// suspend stops the forwarder too, resume starts it again.
	pid := forwarderPID(t, dir)
	w.mustRun("suspend")
	if err := lvBanner(hostPort); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("the forwarded port after suspend: %v, want connection refused", err)
	}
	if processLives(pid) {
		t.Errorf("the forwarder (process %d) outlived suspend", pid)
	}
	if r := w.start(nil, "resume").wait(10 * time.Minute); r.code != 0 {
		t.Fatalf("resume: %s", r)
	}
	if err := lvBanner(hostPort); err != nil {
		t.Errorf("the forwarded port after resume: %v", err)
	}

	// halt stops the forwarder: the port refuses, its process is gone.
	pid = forwarderPID(t, dir)
	w.mustRun("halt")
	if err := lvBanner(hostPort); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("the forwarded port after halt: %v, want connection refused", err)
	}
	if processLives(pid) {
		t.Errorf("the forwarder (process %d) outlived halt", pid)
	}
	// up brings it back; a forwarder killed meanwhile is started again by
	// the next up, the running VM left alone.
	if r := w.start(nil, "up").wait(15 * time.Minute); r.code != 0 {
		t.Fatalf("up after halt: %s", r)
	}
	if err := lvBanner(hostPort); err != nil {
		t.Errorf("the forwarded port after halt and up: %v", err)
	}
	pid = forwarderPID(t, dir)
	syscall.Kill(pid, syscall.SIGKILL)
	// The kernel closes a killed process's sockets when its last thread
	// has gone, which can be after the process shows as a zombie: until
	// then a connection is accepted and reset. Refused it must become.
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if err = lvBanner(hostPort); errors.Is(err, syscall.ECONNREFUSED) {
			break
		}
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("the forwarded port with its forwarder killed: %v, want connection refused", err)
	}
	t0 = time.Now()
	w.mustRun("up")
	t.Logf("no-op up restarting a killed forwarder: %s", time.Since(t0).Round(time.Millisecond))
	if err := lvBanner(hostPort); err != nil {
		t.Errorf("the forwarded port after up restarted the forwarder: %v", err)
	}

	// destroy stops it and leaves nothing of it.
	pid = forwarderPID(t, dir)
	w.mustRun("destroy", "-f")
	if err := lvBanner(hostPort); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("the forwarded port after destroy: %v, want connection refused", err)
	}
	if processLives(pid) {
		t.Errorf("the forwarder (process %d) outlived destroy", pid)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".envrun", "forward-*")); len(left) > 0 {
		t.Errorf("destroy left %v", left)
	}
}

// lvBanner reads an SSH server's banner on 127.0.0.1:port: nil, or why not.
func lvBanner(port int) error {
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(60 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if !strings.HasPrefix(line, "SSH-2.0-") {
		return fmt.Errorf("no SSH banner: %q, %v", line, err)
	}
	return nil
}

// forwarderPID is the process ID of machine web's port forwarder, as its
// record in the state folder says.
func forwarderPID(t *testing.T, dir string) int {
	t.Helper()
	var r struct {
		PID int `json:"pid"`
	}
	data, err := os.ReadFile(filepath.Join(dir, ".envrun", "forward-web.json"))
	if err == nil {
		err = json.Unmarshal(data, &r)
	}
	if err != nil || r.PID == 0 {
		t.Fatalf("the forwarder's record: %v %s", err, data)
	}
	return r.PID
}

// processLives reports whether process pid runs (a zombie does not).
func processLives(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(data), ") ")
	return !strings.HasPrefix(rest, "Z")
}
