package cli_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/client"

	"github.com/envrun/envrun/engine/provider/docker"
	"github.com/envrun/envrun/engine/provider/providertest"
	"github.com/envrun/envrun/engine/provision/ansible/ansibletest"
)

// The swarm rig: a second Docker engine, a dockerd the test starts in a
// network namespace of its own (t-swarm…; its own data root, exec root,
// socket and bridge), whose only link is a veth pair to the root
// namespace (10.250.22.0/30), joined with this host's engine into one
// swarm over the pair's addresses. The host's engine joins only a swarm
// this test creates, and leaves it at the end; the swarm's own networks
// take 172.22.0.0/16 addresses (docker_gwbridge made by the test first,
// ingress from the test's address pool), never Docker's default pools,
// which other tests' fixed subnets use.

// swarmRig is the second engine, and the swarm when formed.
type swarmRig struct {
	t        *testing.T
	ns, dir  string
	host     string // the second engine: unix://…/docker.sock
	hostIP   string // the root namespace's end of the pair
	nsIP     string // the second engine's end
	bin      string
	dockerd  *exec.Cmd
	logs     bytes.Buffer
	swarmed  bool // this test made the host's engine a swarm manager
	gwbridge bool // this test made the host's docker_gwbridge
}

func requireSwarmRig(t *testing.T) {
	t.Helper()
	requireRig(t)
	providertest.Require(t, docker.Driver)
	ansibletest.Require(t)
	var missing []string
	for _, tool := range []string{"dockerd", "nsenter"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("the swarm rig needs %s (CI=true: required)", strings.Join(missing, ", "))
	}
	t.Skipf("the swarm rig needs %s", strings.Join(missing, ", "))
}

// newSwarmRig starts the second engine and loads the box image into it;
// everything is removed when the test ends, failed or not.
func newSwarmRig(t *testing.T) *swarmRig {
	t.Helper()
	requireSwarmRig(t)
	id := make([]byte, 3)
	rand.Read(id)
	suffix := hex.EncodeToString(id)
	dir, err := os.MkdirTemp("", "t-swarm-")
	if err != nil {
		t.Fatal(err)
	}
	r := &swarmRig{t: t, ns: "t-swarm" + suffix, dir: dir, host: "unix://" + filepath.Join(dir, "docker.sock"),
		hostIP: "10.250.22.1", nsIP: "10.250.22.2", bin: envrunBinary(t)}
	t.Cleanup(func() { os.RemoveAll(dir) })
	hostIf, nsIf := "t-swh"+suffix, "t-swn"+suffix
	rigRun(t, "ip", "netns", "add", r.ns)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", r.ns).Run() })
	rigRun(t, "ip", "link", "add", hostIf, "type", "veth", "peer", "name", nsIf)
	t.Cleanup(func() { exec.Command("ip", "link", "del", hostIf).Run() })
	rigRun(t, "ip", "link", "set", nsIf, "netns", r.ns)
	rigRun(t, "ip", "addr", "add", r.hostIP+"/30", "dev", hostIf)
	rigRun(t, "ip", "link", "set", hostIf, "up")
	rigRun(t, "ip", "-n", r.ns, "addr", "add", r.nsIP+"/30", "dev", nsIf)
	rigRun(t, "ip", "-n", r.ns, "link", "set", nsIf, "up")
	rigRun(t, "ip", "-n", r.ns, "link", "set", "lo", "up")

	// The host's /etc/docker/daemon.json names its data root: the second
	// engine reads an empty one, and takes the host's storage driver and
	// MTU on its command line. nsenter, not `ip netns exec`, which
	// remounts /sys (dockerd then finds no devices cgroup). Its
	// containers' DNS forwards outside names to the pair's address (the
	// test's own, where nothing answers), never to Docker's fallback
	// 8.8.8.8, and gives up after a second: sshd's PAM looks up the
	// client's name, "UNKNOWN" under `sshd -i`, at every login, and
	// glibc's default 2 x 5 s per lookup would stall each one 40 s.
	rigWrite(t, filepath.Join(dir, "daemon.json"), "{}")
	info := rigRun(t, "docker", "info", "--format", "{{.Driver}}")
	args := []string{"--net=/run/netns/" + r.ns, "dockerd",
		"--config-file", filepath.Join(dir, "daemon.json"),
		"--data-root", filepath.Join(dir, "data"), "--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "docker.pid"), "-H", r.host,
		"--bip", "172.22.250.1/24", "--default-address-pool", "base=172.22.240.0/21,size=24",
		"--storage-driver", strings.TrimSpace(info), "--mtu", "1400",
		"--dns", r.hostIP, "--dns-opt", "timeout:1", "--dns-opt", "attempts:1"}
	r.dockerd = exec.Command("nsenter", args...)
	r.dockerd.Stdout, r.dockerd.Stderr = &r.logs, &r.logs
	if err := r.dockerd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.stop)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if exec.Command("docker", "-H", r.host, "version").Run() == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the second dockerd did not answer on %s:\n%s", r.host, r.logs.String())
		}
	}
	// No registry here: the box image goes over as docker save | load.
	load := exec.Command("bash", "-c", "docker save "+docker.BoxImage("debian/bookworm")+" | docker -H "+r.host+" load -q")
	if out, err := load.CombinedOutput(); err != nil {
		t.Fatalf("load the box image into the second engine: %v\n%s", err, out)
	}
	return r
}

// stop leaves the swarm (the host's engine only if this test made it a
// manager), stops the second dockerd and removes what it made.
func (r *swarmRig) stop() {
	exec.Command("docker", "-H", r.host, "swarm", "leave", "--force").Run()
	if r.swarmed {
		if out, err := exec.Command("docker", "swarm", "leave", "--force").CombinedOutput(); err != nil {
			r.t.Errorf("the host's engine did not leave the test's swarm: %v\n%s", err, out)
		}
	}
	if r.gwbridge {
		exec.Command("docker", "network", "rm", "docker_gwbridge").Run()
	}
	if r.dockerd.Process != nil {
		r.dockerd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { r.dockerd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			r.dockerd.Process.Kill()
			<-done
		}
	}
	// Whatever mounts the engine left under its roots.
	exec.Command("bash", "-c", "grep -o ' "+r.dir+"[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l").Run()
	if r.t.Failed() {
		r.t.Logf("the second dockerd's log (last 4 KiB):\n%s", tailString(r.logs.String(), 4096))
	}
}

func tailString(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// formSwarm makes the host's engine a manager of a new swarm advertised on
// the pair's address, and the second engine a worker of it.
func (r *swarmRig) formSwarm() {
	t := r.t
	t.Helper()
	state := strings.TrimSpace(rigRun(t, "docker", "info", "--format", "{{.Swarm.LocalNodeState}}"))
	if state != "inactive" {
		t.Fatalf("this host's engine is already in a swarm (%s) that this test did not make: it will not join or leave it", state)
	}
	if exec.Command("docker", "network", "inspect", "docker_gwbridge").Run() != nil {
		rigRun(t, "docker", "network", "create", "--subnet", "172.22.255.0/24",
			"--opt", "com.docker.network.bridge.name=docker_gwbridge",
			"--opt", "com.docker.network.bridge.enable_icc=false",
			"--opt", "com.docker.network.bridge.enable_ip_masquerade=true", "docker_gwbridge")
		r.gwbridge = true
	}
	r.swarmed = true
	rigRun(t, "docker", "swarm", "init", "--advertise-addr", r.hostIP, "--listen-addr", r.hostIP+":2377",
		"--data-path-addr", r.hostIP, "--default-addr-pool", "172.22.224.0/20", "--default-addr-pool-mask-length", "24")
	token := strings.TrimSpace(rigRun(t, "docker", "swarm", "join-token", "-q", "worker"))
	rigRun(t, "docker", "-H", r.host, "swarm", "join", "--token", token, "--advertise-addr", r.nsIP,
		"--listen-addr", r.nsIP+":2377", r.hostIP+":2377")
}

// envrun runs envrun in dir on this host's engine by default.
func (r *swarmRig) envrun(ctx context.Context, dir string, args ...string) (string, error) {
	c := exec.CommandContext(ctx, r.bin, args...)
	c.Dir = dir
	c.Env = append(os.Environ(), "DOCKER_HOST=", "DOCKER_CONTEXT=", "NO_COLOR=1", "ENVRUN_PROVIDER=docker")
	out, err := c.CombinedOutput()
	return string(out), err
}

func (r *swarmRig) mustEnvrun(dir string, args ...string) string {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := r.envrun(ctx, dir, args...)
	if err != nil {
		r.t.Fatalf("envrun %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// count counts what the environment of Envfile path has on the engine at
// host: containers, networks and volumes.
func countOn(t *testing.T, host, path string) int {
	t.Helper()
	return countObjects(t, host, path, true)
}

// leftOn is countOn once what the environment had on the engine at host is
// gone or 20 seconds have passed: a swarm worker drops an overlay network
// from its list a moment after its last container there is removed.
func leftOn(t *testing.T, host, path string) int {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		if countObjects(t, host, path, false) == 0 {
			return 0
		}
	}
	return countOn(t, host, path)
}

func countObjects(t *testing.T, host, path string, log bool) int {
	t.Helper()
	c, err := client.NewClientWithOpts(client.WithHost(host), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	f := projectFilter(path)
	cs, err := c.ContainerList(ctx, container.ListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := c.NetworkList(ctx, network.ListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := c.VolumeList(ctx, volume.ListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	if !log {
		return len(cs) + len(ns) + len(vs.Volumes)
	}
	for _, c := range cs {
		t.Logf("left on %s: container %v (%s)", host, c.Names, c.State)
	}
	for _, n := range ns {
		t.Logf("left on %s: network %s (%s, %s)", host, n.Name, n.Driver, n.Scope)
	}
	for _, v := range vs.Volumes {
		t.Logf("left on %s: volume %s", host, v.Name)
	}
	return len(cs) + len(ns) + len(vs.Volumes)
}

// swarmExample is the contract's two-host example on 172.22.1.0/24 with
// machine2 on the second engine and the network spanning both.
func (r *swarmRig) swarmExample() string {
	t := r.t
	files := exampleWith(t,
		[2]string{"172.20.1.", "172.22.1."},
		[2]string{`network "scznet" { subnet = "172.22.1.0/24", gateway = "172.22.1.1" }`,
			fmt.Sprintf("engine \"far\" { docker = %q }\nnetwork \"scznet\" { subnet = \"172.22.1.0/24\", gateway = \"172.22.1.1\", span = true }", r.host)},
		[2]string{`hostname = "machine2.local" }`, `hostname = "machine2.local", engine = "far" }`},
		[2]string{"groups = { \"app\" },", "groups = { \"app\" }, engine = h.engine,"})
	dir := filepath.Join(t.TempDir(), "t-swarm-env")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"motd.txt", "provision.yml"} {
		rigCopy(t, filepath.Join("../examples/two-host", name), filepath.Join(dir, name))
	}
	rigWrite(t, filepath.Join(dir, "Envfile.lua"), files["Envfile.lua"])
	return dir
}

// TestIntegrationSwarm brings up the contract's two-host example with
// machine1 on this host's engine and machine2 on a second engine, the
// network a Swarm overlay across both: first without a swarm (up fails,
// says what to run, makes nothing), then in one. Both machines get their
// static IPs on the one subnet, reach each other by IP and hostname (TCP
// to port 22), the Ansible play covers both, status names each one's
// engine, and destroy leaves nothing on either engine.
func TestIntegrationSwarm(t *testing.T) {
	r := newSwarmRig(t)
	dir := r.swarmExample()
	path := filepath.Join(dir, "Envfile.lua")
	purgeProject(t, path)
	// No swarm yet: up stops at the network, says what to run, and makes
	// no container on either engine.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	out, err := r.envrun(ctx, dir, "up")
	cancel()
	if err == nil {
		t.Fatalf("up without a swarm succeeded:\n%s", out)
	}
	for _, want := range []string{`network "scznet" spans`, "which must be nodes of one Docker swarm",
		"docker -H unix:///var/run/docker.sock swarm init --advertise-addr ADDRESS",
		"docker -H " + r.host + " swarm join --token TOKEN ADDRESS:2377"} {
		if !strings.Contains(out, want) {
			t.Errorf("up without a swarm: the output lacks %q:\n%s", want, out)
		}
	}
	if n := countOn(t, "unix:///var/run/docker.sock", path) + countOn(t, r.host, path); n != 0 {
		t.Errorf("up without a swarm made %d containers, networks or volumes", n)
	}

	r.formSwarm()
	out = r.mustEnvrun(dir, "up")
	for _, want := range []string{"machine2 | [shell#1] shell: echo ready > /tmp/ready", "site     | PLAY RECAP"} {
		if !strings.Contains(out, want) {
			t.Errorf("up's output lacks %q:\n%s", want, out)
		}
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.mustEnvrun(dir, "status", "--json")), &rows); err != nil {
		t.Fatal(err)
	}
	wantEngine := map[string]string{"machine1": "unix:///var/run/docker.sock", "machine2": r.host}
	wantIP := map[string]string{"machine1": "172.22.1.20", "machine2": "172.22.1.21"}
	for _, row := range rows {
		name, _ := row["name"].(string)
		if row["engine"] != wantEngine[name] || row["reach"] != "engine" || row["state"] != "running" || row["ip"] != wantIP[name] {
			t.Errorf("status row %v: want engine %q, reach engine, running, ip %s", row, wantEngine[name], wantIP[name])
		}
	}
	if len(rows) != 2 {
		t.Errorf("status lists %d machines, want 2", len(rows))
	}
	// The overlay carries TCP and DNS both ways, by IP and by hostname.
	probe := `getent hosts %[1]s | awk '{print $1}'; exec 3<>/dev/tcp/%[1]s/22 && head -c 7 <&3; echo; exec 3<>/dev/tcp/%[2]s/22 && head -c 7 <&3`
	for _, c := range [][3]string{{"machine1", "machine2.local", "172.22.1.21"}, {"machine2", "machine1.local", "172.22.1.20"}} {
		got := r.mustEnvrun(dir, "ssh", c[0], "--", "bash -c "+shellQuote(fmt.Sprintf(probe, c[1], c[2])))
		if want := c[2] + "\nSSH-2.0\nSSH-2.0"; got != want {
			t.Errorf("%s to %s over the overlay: %q, want %q", c[0], c[1], got, want)
		}
	}
	if got := r.mustEnvrun(dir, "ssh", "machine2", "--", "hostname -f; ip -o -4 addr show | grep -c 172.22.1.21; cat /etc/envrun-play-hosts /tmp/ready"); got != "machine2.local\n1\nmachine1,machine2\nready\n" {
		t.Errorf("machine2 on the second engine: %q, want its hostname, its static IP, the play's hosts and the shell step's file", got)
	}
	// A second up changes nothing and runs no play.
	if out := r.mustEnvrun(dir, "up"); strings.Contains(out, "PLAY [") {
		t.Errorf("a second up ran the playbook again:\n%s", out)
	}
	// Destroying machine2, the last of the environment on the second
	// engine, leaves nothing there; destroying all removes the overlay.
	r.mustEnvrun(dir, "destroy", "-f", "machine2")
	if n := leftOn(t, r.host, path); n != 0 {
		t.Errorf("destroy machine2 left %d objects on the second engine", n)
	}
	r.mustEnvrun(dir, "destroy", "-f")
	for _, h := range []string{"unix:///var/run/docker.sock", r.host} {
		if n := leftOn(t, h, path); n != 0 {
			t.Errorf("destroy left %d containers, networks or volumes on %s", n, h)
		}
	}
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
