package cli_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestIntegrationPortsAutostartPrimary brings up, on the real Docker
// engine, two machines that ask for the same host port (one with
// auto_correct) and a third port held by a listener of this test, plus a
// machine with autostart = false: up starts the two, the auto_correct
// ports get free ones that status and `envrun port` show and that really
// reach the machine's sshd; `envrun ssh` without a name reaches the
// primary machine; `up c` starts the third.
func TestIntegrationPortsAutostartPrimary(t *testing.T) {
	t.Parallel()
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	heldPort := held.Addr().(*net.TCPAddr).Port
	shared := freeTCPPort(t)
	dir := filepath.Join(t.TempDir(), "t-boxes-ports")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w := newWorldIn(t, dir, fmt.Sprintf(`
box "debian/bookworm"
network "net" { subnet = "172.25.1.0/24" }
machine "a" { networks = { net = "172.25.1.10" }, ports = { "127.0.0.1:%[1]d:22" },
  docker = { host_config = { ShmSize = 67108864, Sysctls = { ["net.ipv4.tcp_syncookies"] = "0" } } } }
machine "b" { networks = { net = "172.25.1.11" }, primary = true, ports = {
  { host = %[1]d, guest = 22, host_ip = "127.0.0.1", auto_correct = true },
  { host = %[2]d, guest = 80, host_ip = "127.0.0.1", auto_correct = true },
} }
machine "c" { networks = { net = "172.25.1.12" }, autostart = false }
`, shared, heldPort))
	r := w.mustRun("up")
	if !strings.Contains(r.stderr, "autostart = false") {
		t.Errorf("up does not say it left c alone:\n%s", r.stderr)
	}
	if got := w.machines(); got["a"] != "running" || got["b"] != "running" || got["c"] != "" {
		t.Fatalf("after up: %v, want a and b running, c not made", got)
	}
	st := w.mustRun("status")
	if !strings.Contains(st.stdout, "PORTS") || !strings.Contains(st.stdout, fmt.Sprintf("127.0.0.1:%d->22", shared)) || !strings.Contains(st.stdout, "(auto)") {
		t.Errorf("status does not show the ports, the corrected marked:\n%s", st.stdout)
	}
	p := w.mustRun("port", "b", "--guest", "22")
	bPort, err := strconv.Atoi(strings.TrimSpace(p.stdout))
	if err != nil || bPort == shared || bPort == heldPort {
		t.Fatalf("port b --guest 22 = %q, want a free port other than %d and %d", p.stdout, shared, heldPort)
	}
	all := w.mustRun("port", "b")
	if !strings.Contains(all.stdout, "22 (guest) => 127.0.0.1:"+strconv.Itoa(bPort)+" (host) (auto_correct") ||
		strings.Contains(all.stdout, strconv.Itoa(heldPort)+" (host)") {
		t.Errorf("port b:\n%s", all.stdout)
	}
	for name, port := range map[string]int{"a": shared, "b": bPort} {
		if banner := sshBanner(t, port); !strings.HasPrefix(banner, "SSH-2.0-") {
			t.Errorf("%s: 127.0.0.1:%d answers %q, not sshd", name, port, banner)
		}
	}
	// docker.host_config reached the engine (pass-through).
	if out, _ := w.exec("a", "sh", "-c", "df -k /dev/shm | tail -1; cat /proc/sys/net/ipv4/tcp_syncookies"); !strings.Contains(out, " 65536 ") || !strings.HasSuffix(strings.TrimSpace(out), "0") {
		t.Errorf("host_config's ShmSize and Sysctls not applied: %q", out)
	}
	if r := w.run("port", "c"); r.code != 1 || !strings.Contains(r.stderr, "not created") {
		t.Errorf("port of a machine not made: %s", r)
	}
	if out := w.mustRun("ssh", "--", "hostname"); strings.TrimSpace(out.stdout) != "b" {
		t.Errorf("ssh without a name reached %q, want the primary b", out.stdout)
	}
	w.mustRun("up", "c")
	if got := w.machines(); got["c"] != "running" {
		t.Errorf("up c: %v", got)
	}
}

func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// sshBanner reads the first line a TCP server on 127.0.0.1:port sends.
func sshBanner(t *testing.T, port int) string {
	t.Helper()
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 5*time.Second)
	if err != nil {
		return err.Error()
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	line, _ := bufio.NewReader(c).ReadString('\n')
	return line
}
