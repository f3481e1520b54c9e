//go:build linux

package cli_test

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestIntegrationDockerContextTLS: a docker context whose endpoint is
// tcp:// with TLS material (CA, client certificate and key, stored in the
// context by `docker context create`) reaches a real dockerd that the test
// starts in a network namespace of its own, listening with --tlsverify on
// 10.250.27.9:2376 only: envrun status --json names that engine. The same
// context with the client certificate of another CA is refused, and says
// which engine and context. Names t-par*, addresses 10.250.27.8/30.
func TestIntegrationDockerContextTLS(t *testing.T) {
	requireRig(t)
	for _, tool := range []string{"dockerd", "openssl", "nsenter"} {
		if _, err := exec.LookPath(tool); err != nil {
			requireTool(t, tool)
		}
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	ns, hostIf, nsIf := "t-partls", "t-partlsh", "t-partlsn"
	hostIP, engineIP := "10.250.27.10", "10.250.27.9"
	rigRun(t, "ip", "netns", "add", ns)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	rigRun(t, "ip", "link", "add", hostIf, "type", "veth", "peer", "name", nsIf)
	t.Cleanup(func() { exec.Command("ip", "link", "del", hostIf).Run() })
	rigRun(t, "ip", "link", "set", nsIf, "netns", ns)
	rigRun(t, "ip", "addr", "add", hostIP+"/30", "dev", hostIf)
	rigRun(t, "ip", "link", "set", hostIf, "up")
	rigRun(t, "ip", "-n", ns, "addr", "add", engineIP+"/30", "dev", nsIf)
	rigRun(t, "ip", "-n", ns, "link", "set", nsIf, "up")
	rigRun(t, "ip", "-n", ns, "link", "set", "lo", "up")

	// A CA, the engine's certificate for its IP, a client's; and a client
	// of another CA.
	sh := func(line string) {
		t.Helper()
		c := exec.Command("bash", "-ec", line)
		c.Dir = dir
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
	}
	sh(`
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=t-par-ca -keyout ca-key.pem -out ca.pem 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=t-par-other -keyout other-ca-key.pem -out other-ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=` + engineIP + ` -keyout server-key.pem -out server.csr 2>/dev/null
printf 'subjectAltName=IP:` + engineIP + `\nextendedKeyUsage=serverAuth\n' >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 1 -extfile server.ext -out server.pem 2>/dev/null
printf 'extendedKeyUsage=clientAuth\n' >client.ext
openssl req -newkey rsa:2048 -nodes -subj /CN=t-par-client -keyout key.pem -out client.csr 2>/dev/null
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 1 -extfile client.ext -out cert.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=t-par-stranger -keyout bad-key.pem -out bad.csr 2>/dev/null
openssl x509 -req -in bad.csr -CA other-ca.pem -CAkey other-ca-key.pem -CAcreateserial -days 1 -extfile client.ext -out bad-cert.pem 2>/dev/null
echo '{}' >daemon.json
`)
	dockerd := exec.Command("nsenter", "--net=/run/netns/"+ns, "dockerd",
		"--data-root", filepath.Join(dir, "data"), "--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "dockerd.pid"), "--config-file", filepath.Join(dir, "daemon.json"),
		"-H", "unix://"+filepath.Join(dir, "docker.sock"), "-H", "tcp://"+engineIP+":2376",
		"--tlsverify", "--tlscacert", filepath.Join(dir, "ca.pem"),
		"--tlscert", filepath.Join(dir, "server.pem"), "--tlskey", filepath.Join(dir, "server-key.pem"),
		"--iptables=false", "--ip6tables=false", "--bridge=none",
		"--storage-driver", "vfs")
	logf, err := os.Create(filepath.Join(dir, "dockerd.log"))
	if err != nil {
		t.Fatal(err)
	}
	dockerd.Stdout, dockerd.Stderr = logf, logf
	if err := dockerd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		dockerd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { dockerd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			dockerd.Process.Kill()
			<-done
		}
		exec.Command("umount", "-R", filepath.Join(dir, "exec")).Run()
		exec.Command("umount", "-R", filepath.Join(dir, "data")).Run()
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(dir, "dockerd.log"))
			t.Logf("dockerd's log:\n%s", log)
		}
	})
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", engineIP+":2376", time.Second); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the TLS dockerd did not listen")
		}
	}

	cfg := filepath.Join(dir, "docker-config")
	env := append(os.Environ(), "DOCKER_CONFIG="+cfg, "DOCKER_HOST=", "DOCKER_CONTEXT=", "DOCKER_TLS_VERIFY=", "DOCKER_CERT_PATH=", "NO_COLOR=1", "ENVRUN_PROVIDER=docker")
	run := func(name string, args ...string) (string, error) {
		c := exec.Command(name, args...)
		c.Dir, c.Env = dir, env
		out, err := c.CombinedOutput()
		return string(out), err
	}
	for _, c := range [][]string{
		{"t-par-tls", "cert.pem", "key.pem"},
		{"t-par-tls-bad", "bad-cert.pem", "bad-key.pem"},
	} {
		ep := fmt.Sprintf("host=tcp://%s:2376,ca=%s,cert=%s,key=%s", engineIP,
			filepath.Join(dir, "ca.pem"), filepath.Join(dir, c[1]), filepath.Join(dir, c[2]))
		if out, err := run("docker", "context", "create", c[0], "--docker", ep); err != nil {
			t.Fatalf("docker context create %s: %v\n%s", c[0], err, out)
		}
	}
	// The TLS material is in the context store now; the files go.
	for _, f := range []string{"cert.pem", "key.pem", "bad-cert.pem", "bad-key.pem"} {
		os.Remove(filepath.Join(dir, f))
	}
	rigWrite(t, filepath.Join(dir, "Envfile.lua"), `
box "debian/bookworm"
network "tparlan" { subnet = "172.27.40.0/24" }
machine "t-par-tls" { networks = { tparlan = "172.27.40.10" }, docker = { context = "t-par-tls" } }
`)
	bin := envrunBinary(t)
	out, err := run(bin, "status", "--json")
	if err != nil {
		t.Fatalf("envrun status through the TLS context: %v\n%s", err, out)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	want := fmt.Sprintf("tcp://%s:2376 (context t-par-tls)", engineIP)
	if len(rows) != 1 || rows[0]["engine"] != want || rows[0]["state"] != "not created" {
		t.Errorf("status --json %v: want engine %q, not created", rows, want)
	}
	// The engine saw envrun: its API answered a TLS client of the CA.
	rigWrite(t, filepath.Join(dir, "Envfile.lua"), strings.ReplaceAll(string(mustRead(t, filepath.Join(dir, "Envfile.lua"))), `context = "t-par-tls"`, `context = "t-par-tls-bad"`))
	out, err = run(bin, "status", "--json")
	if err == nil || !strings.Contains(out, "t-par-tls-bad") {
		t.Errorf("a client certificate of another CA: want a failure naming the context, got %v:\n%s", err, out)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
