package cli_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/provider/docker"
	"github.com/envrun/envrun/engine/provider/providertest"
	"github.com/envrun/envrun/engine/provision/ansible/ansibletest"
	"github.com/envrun/envrun/internal/sshmux"
)

// This file is the rig of the remote-engine tests: a client with no
// route to any engine's network. A network namespace (t-c…) whose only
// link is a veth pair to the root namespace (10.250.x.0/30); in the root
// namespace an sshd of the test's, listening only on the veth address with
// a test key, plays the remote host (its docker CLI answers
// `docker system dial-stdio`). envrun, ssh and Ansible run in the client
// namespace with a home of their own bind-mounted over the user's (OpenSSH
// takes ~/.ssh from the password database, not $HOME): the real ~/.ssh is
// never read nor touched.

// rig is one client namespace and the sshd it reaches.
type rig struct {
	t       testing.TB
	ns      string // client network namespace
	hostIP  string // the root namespace's end, where sshd listens
	home    string // the client's home (bind-mounted over the real one)
	bin     string
	sshdLog *syncBuffer
	sshdDir string // its sshd_config, host key, authorized_keys
}

// syncBuffer is a bytes.Buffer that one goroutine (sshd's output) writes
// while another reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// logins counts the SSH connections the rig's sshd has accepted so far:
// streams carried by a shared connection (sshmux) are not logins.
func (r *rig) logins() int { return strings.Count(r.sshdLog.String(), "Accepted publickey") }

// requireRig fails on CI, skips elsewhere, unless what the rig needs is here.
func requireRig(t testing.TB) {
	t.Helper()
	requireTools(t, "the remote-engine rig", "ip", "ssh", "ssh-keygen", "/usr/sbin/sshd", "docker", "mount")
}

// requireTools fails on CI, skips elsewhere, unless root and tools are here.
func requireTools(t testing.TB, what string, tools ...string) {
	t.Helper()
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s needs %s (CI=true: required)", what, strings.Join(missing, ", "))
	}
	t.Skipf("%s needs %s", what, strings.Join(missing, ", "))
}

// vethNamespace makes network namespace ns whose only link is a veth
// pair: nsIf at nsIP/30 inside, hostIf at hostIP/30 in the root
// namespace. Both go when the test ends.
func vethNamespace(t testing.TB, ns, hostIf, nsIf, hostIP, nsIP string) {
	t.Helper()
	rigRun(t, "ip", "netns", "add", ns)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	rigRun(t, "ip", "link", "add", hostIf, "type", "veth", "peer", "name", nsIf)
	t.Cleanup(func() { exec.Command("ip", "link", "del", hostIf).Run() })
	rigRun(t, "ip", "link", "set", nsIf, "netns", ns)
	rigRun(t, "ip", "addr", "add", hostIP+"/30", "dev", hostIf)
	rigRun(t, "ip", "link", "set", hostIf, "up")
	rigRun(t, "ip", "-n", ns, "addr", "add", nsIP+"/30", "dev", nsIf)
	rigRun(t, "ip", "-n", ns, "link", "set", nsIf, "up")
	rigRun(t, "ip", "-n", ns, "link", "set", "lo", "up")
}

func rigRun(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// newRig makes the namespace, the veth pair on 10.250.<n>.0/30 and the
// sshd, and removes them all when the test ends.
func newRig(t testing.TB, n int) *rig {
	t.Helper()
	return newRigAt(t, fmt.Sprintf("10.250.%d", n), "t-")
}

// newRigAt is newRig on the veth pair net.1 (sshd), net.2 (the client),
// with names that start with prefix.
func newRigAt(t testing.TB, net24, prefix string) *rig {
	t.Helper()
	requireRig(t)
	providertest.Require(t, docker.Driver)
	ansibletest.Require(t)
	id := make([]byte, 3)
	rand.Read(id)
	suffix := hex.EncodeToString(id)
	r := &rig{t: t, ns: prefix + "c" + suffix, hostIP: net24 + ".1", bin: envrunBinary(t), sshdLog: &syncBuffer{}}
	vethNamespace(t, r.ns, prefix+"h"+suffix, prefix+"v"+suffix, r.hostIP, net24+".2")

	// The remote host's sshd, and the client's home: its key, authorized
	// there, and the sshd's host key in its known_hosts.
	base := t.TempDir()
	os.Chmod(base, 0o755)
	sd := filepath.Join(base, "sshd")
	r.sshdDir = sd
	r.home = filepath.Join(base, "home")
	dotSSH := filepath.Join(r.home, ".ssh")
	for _, d := range []string{sd, dotSSH} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	rigRun(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(sd, "host_key"))
	rigRun(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dotSSH, "id_ed25519"))
	rigCopy(t, filepath.Join(dotSSH, "id_ed25519.pub"), filepath.Join(sd, "authorized_keys"))
	hostPub, err := os.ReadFile(filepath.Join(sd, "host_key.pub"))
	if err != nil {
		t.Fatal(err)
	}
	// An alias only this configuration knows: the docker context test
	// names the engine by it, which works only if ~/.ssh/config is read.
	// Two more aliases for the failure tests: one whose key the host
	// refuses, one whose pinned host key is not the host's.
	rigRun(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dotSSH, "refused_key"))
	rigRun(t, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(sd, "other_host_key"))
	otherPub, err := os.ReadFile(filepath.Join(sd, "other_host_key.pub"))
	if err != nil {
		t.Fatal(err)
	}
	rigWrite(t, filepath.Join(dotSSH, "known_hosts"), r.hostIP+" "+string(hostPub)+"t-changed "+string(otherPub))
	rigWrite(t, filepath.Join(dotSSH, "config"), fmt.Sprintf(`Host t-remote
  HostName %[1]s
  User root
Host t-refused
  HostName %[1]s
  User root
  IdentityFile ~/.ssh/refused_key
  IdentitiesOnly yes
Host t-changed
  HostName %[1]s
  HostKeyAlias t-changed
  User root
`, r.hostIP))
	rigWrite(t, filepath.Join(sd, "sshd_config"), fmt.Sprintf(`ListenAddress %s
HostKey %s
AuthorizedKeysFile %s
PidFile %s
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
AllowTcpForwarding yes
MaxStartups 100:30:200
MaxSessions 100
`, r.hostIP, filepath.Join(sd, "host_key"), filepath.Join(sd, "authorized_keys"), filepath.Join(sd, "sshd.pid")))
	os.MkdirAll("/run/sshd", 0o755)
	sshd := exec.Command("/usr/sbin/sshd", "-D", "-e", "-f", filepath.Join(sd, "sshd_config"))
	sshdLog := r.sshdLog
	sshd.Stdout, sshd.Stderr = sshdLog, sshdLog
	if err := sshd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// envrun's shared connections to this host (they outlive a
		// command by sshmux.Persist) end with the rig, and what they
		// leave beside their socket (the engine socket's forward, the
		// answers kept, the lock) goes; then sshd.
		for _, d := range []sshmux.Dest{{User: "root", Host: r.hostIP}, {Host: "t-remote"}, {Host: "t-refused"}, {Host: "t-changed"}} {
			endShared(d)
		}
		sshd.Process.Kill()
		sshd.Wait()
		if t.Failed() {
			t.Logf("sshd's log:\n%s", sshdLog.String())
		}
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", r.hostIP+":22", time.Second); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd did not listen on %s:22:\n%s", r.hostIP, sshdLog.String())
		}
	}
	return r
}

// refusingHost starts a second sshd of the rig's, on port 2222 of the same
// address with the same host key (known to the client there too), that
// refuses to forward sockets (AllowStreamLocalForwarding no). It returns
// its destination and its log; it ends with the test.
func (r *rig) refusingHost() (sshmux.Dest, *syncBuffer) {
	t := r.t
	t.Helper()
	conf, err := os.ReadFile(filepath.Join(r.sshdDir, "sshd_config"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(conf), "sshd.pid", "sshd2.pid", 1) + "Port 2222\nAllowStreamLocalForwarding no\n"
	rigWrite(t, filepath.Join(r.sshdDir, "sshd2_config"), cfg)
	log := &syncBuffer{}
	sshd := exec.Command("/usr/sbin/sshd", "-D", "-e", "-f", filepath.Join(r.sshdDir, "sshd2_config"))
	sshd.Stdout, sshd.Stderr = log, log
	if err := sshd.Start(); err != nil {
		t.Fatal(err)
	}
	dest := sshmux.Dest{User: "root", Host: r.hostIP, Port: "2222"}
	t.Cleanup(func() {
		endShared(dest)
		sshd.Process.Kill()
		sshd.Wait()
		if t.Failed() {
			t.Logf("the second sshd's log:\n%s", log.String())
		}
	})
	hostKey, err := os.ReadFile(filepath.Join(r.sshdDir, "host_key.pub"))
	if err != nil {
		t.Fatal(err)
	}
	known := filepath.Join(r.home, ".ssh", "known_hosts")
	old, _ := os.ReadFile(known)
	rigWrite(t, known, string(old)+fmt.Sprintf("[%s]:2222 %s", r.hostIP, hostKey))
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(log.String(), "listening"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the second sshd did not start:\n%s", log.String())
		}
	}
	return dest, log
}

// endShared ends envrun's shared connection to d and removes what it left
// beside its socket (the engine socket's forward, the answers kept, the
// lock).
func endShared(d sshmux.Dest) {
	sshmux.Close(d)
	if p := d.Path(); p != "" {
		left, _ := filepath.Glob(p + "*")
		for _, f := range left {
			os.Remove(f)
		}
	}
}

func rigWrite(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func rigCopy(t testing.TB, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	rigWrite(t, to, string(data))
}

// inClient runs a bash command line in the client namespace, in dir, with
// the rig's home over the real one, envrun on PATH and env set.
func (r *rig) inClient(ctx context.Context, dir string, env []string, line string) (string, error) {
	script := `set -e; mount --bind "$RIG_HOME" "$HOME_REAL"; export HOME="$HOME_REAL"; cd "$RIG_DIR"; ` + line
	home, _ := os.UserHomeDir()
	c := exec.CommandContext(ctx, "ip", "netns", "exec", r.ns, "bash", "-c", script)
	c.Env = append(os.Environ(),
		"RIG_HOME="+r.home, "HOME_REAL="+home, "RIG_DIR="+dir,
		"PATH="+filepath.Dir(r.bin)+":"+os.Getenv("PATH"),
		"DOCKER_HOST=", "DOCKER_CONTEXT=", "DOCKER_CONFIG="+filepath.Join(r.home, ".docker"),
		"ANSIBLE_LOCAL_TEMP="+filepath.Join(r.home, ".ansible-tmp"),
		"NO_COLOR=1", "ENVRUN_PROVIDER=docker")
	c.Env = append(c.Env, env...)
	out, err := c.CombinedOutput()
	return string(out), err
}

// mustClient is inClient that fails the test on a non-zero exit.
func (r *rig) mustClient(dir string, env []string, line string) string {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := r.inClient(ctx, dir, env, line)
	if err != nil {
		r.t.Fatalf("in the client namespace: %s: %v\n%s", line, err, out)
	}
	return out
}

// unreachable proves that the client cannot reach addr (ip:22) directly.
func (r *rig) unreachable(dir, addr string) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	host, port, _ := net.SplitHostPort(addr)
	out, err := r.inClient(ctx, dir, nil, fmt.Sprintf("timeout 3 bash -c 'exec 3<>/dev/tcp/%s/%s' && echo CONNECTED || echo REFUSED", host, port))
	if err != nil || !strings.Contains(out, "REFUSED") {
		r.t.Fatalf("the client namespace reaches %s directly (a pass would prove nothing): %v\n%s", addr, err, out)
	}
}

// exampleIn writes the two-host example on subnet 172.23.<n>.0/24 to a
// fresh folder, with extra (Lua) added to each machine's table.
func exampleIn(t *testing.T, n int, extra string) string {
	t.Helper()
	return exampleDir(t, "t-env", exampleWith(t,
		[2]string{"172.20.1.", fmt.Sprintf("172.23.%d.", n)},
		[2]string{"groups = { \"app\" },", "groups = { \"app\" }," + extra}))
}

// exampleDir writes files (the two-host example's Envfile, changed) to a
// fresh folder called name, with the example's other files.
func exampleDir(t *testing.T, name string, files map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"motd.txt", "provision.yml"} {
		rigCopy(t, filepath.Join("../examples/two-host", name), filepath.Join(dir, name))
	}
	rigWrite(t, filepath.Join(dir, "Envfile.lua"), files["Envfile.lua"])
	return dir
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
