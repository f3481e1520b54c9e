package cli_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
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
// network namespace of its own (h18sw…; its own data root, exec root,
// socket and bridge), whose only link is a veth pair to the root
// namespace (10.125.22.0/30). `envrun swarm init` joins it with this
// host's engine into one swarm over the pair's addresses. The host's
// engine joins only a swarm the test makes, and leaves it at the end; the
// swarm's own networks take 172.25.0.0/16 addresses (docker_gwbridge made
// by the rig first, ingress from the swarm's address pool), never
// Docker's default pools, which other tests' fixed subnets use. The rig
// is booted once per test and shared by its subtests.

const hostEngine = "unix:///var/run/docker.sock"

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
	gwbridge bool // the rig made the host's docker_gwbridge
}

// newSwarmRig starts the second engine, empty: no image (the first up
// copies the box image there). Everything is removed when the test ends,
// failed or not, and the host's engine leaves the swarm the test made.
func newSwarmRig(t *testing.T) *swarmRig {
	t.Helper()
	requireTools(t, "the swarm rig", "ip", "docker", "dockerd", "nsenter")
	providertest.Require(t, docker.Driver)
	ansibletest.Require(t)
	if state := strings.TrimSpace(rigRun(t, "docker", "info", "--format", "{{.Swarm.LocalNodeState}}")); state != "inactive" {
		t.Fatalf("this host's engine is already in a swarm (%s) that this test did not make: it will not join or leave it", state)
	}
	id := make([]byte, 3)
	rand.Read(id)
	suffix := hex.EncodeToString(id)
	dir, err := os.MkdirTemp("", "h18sw-")
	if err != nil {
		t.Fatal(err)
	}
	r := &swarmRig{t: t, ns: "h18sw" + suffix, dir: dir, host: "unix://" + filepath.Join(dir, "docker.sock"),
		hostIP: "10.125.22.1", nsIP: "10.125.22.2", bin: envrunBinary(t)}
	t.Cleanup(func() { os.RemoveAll(dir) })
	vethNamespace(t, r.ns, "h18swh"+suffix, "h18swn"+suffix, r.hostIP, r.nsIP)

	// The host's /etc/docker/daemon.json names its data root: the second
	// engine reads an empty one, and takes the host's storage driver and
	// MTU on its command line. nsenter, not `ip netns exec`, which
	// remounts /sys (dockerd then finds no devices cgroup). Its
	// containers' DNS forwards outside names to the pair's address (the
	// test's own, where nothing answers) and gives up after a second:
	// PAM's audit records under `sshd -i` look up the client's name,
	// "UNKNOWN", at every login, and with glibc's defaults each lookup
	// waits 20 s on a resolver that never answers (measured: getent
	// hosts UNKNOWN, 20.0 s); without these options machine2's first
	// login took 52 s and its first step lost its connection.
	// docs/engines.md says so.
	rigWrite(t, filepath.Join(dir, "daemon.json"), "{}")
	info := rigRun(t, "docker", "info", "--format", "{{.Driver}}")
	args := []string{"--net=/run/netns/" + r.ns, "dockerd",
		"--config-file", filepath.Join(dir, "daemon.json"),
		"--data-root", filepath.Join(dir, "data"), "--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "docker.pid"), "-H", r.host,
		"--bip", "172.25.250.1/24", "--default-address-pool", "base=172.25.240.0/21,size=24",
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
	// swarm init would take docker_gwbridge from Docker's default pools.
	if exec.Command("docker", "network", "inspect", "docker_gwbridge").Run() != nil {
		rigRun(t, "docker", "network", "create", "--subnet", "172.25.255.0/24",
			"--opt", "com.docker.network.bridge.name=docker_gwbridge",
			"--opt", "com.docker.network.bridge.enable_icc=false",
			"--opt", "com.docker.network.bridge.enable_ip_masquerade=true", "docker_gwbridge")
		r.gwbridge = true
	}
	return r
}

// swarmInitArgs is `envrun swarm init` on the rig's addresses.
func (r *swarmRig) swarmInitArgs() []string {
	return []string{"swarm", "init", "--advertise-addr", r.hostIP, "--listen-addr", r.hostIP + ":2377",
		"--default-addr-pool", "172.25.224.0/20"}
}

// stop makes both engines leave any swarm (the host's was inactive when
// the rig started: any swarm it is in now is the test's), stops the
// second dockerd and removes what it made.
func (r *swarmRig) stop() {
	exec.Command("docker", "-H", r.host, "swarm", "leave", "--force").Run()
	if strings.TrimSpace(tryRun("docker", "info", "--format", "{{.Swarm.LocalNodeState}}")) != "inactive" {
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

func tryRun(name string, args ...string) string {
	out, _ := exec.Command(name, args...).CombinedOutput()
	return string(out)
}

func tailString(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// envrun runs envrun in dir on this host's engine by default.
func (r *swarmRig) envrun(ctx context.Context, dir string, args ...string) (string, error) {
	c := exec.CommandContext(ctx, r.bin, args...)
	c.Dir = dir
	c.Env = append(os.Environ(), "DOCKER_HOST=", "DOCKER_CONTEXT=", "NO_COLOR=1", "ENVRUN_PROVIDER=docker")
	out, err := c.CombinedOutput()
	return string(out), err
}

func (r *swarmRig) mustEnvrun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := r.envrun(ctx, dir, args...)
	if err != nil {
		t.Fatalf("envrun %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// countOn counts what the environment of Envfile path has on the engine
// at host: containers, networks and volumes, each logged.
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

func engineClient(t *testing.T, host string) *client.Client {
	t.Helper()
	c, err := client.NewClientWithOpts(client.WithHost(host), client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func countObjects(t *testing.T, host, path string, log bool) int {
	t.Helper()
	c := engineClient(t, host)
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
		t.Logf("on %s: container %v (%s)", host, c.Names, c.State)
	}
	for _, n := range ns {
		t.Logf("on %s: network %s (%s, %s)", host, n.Name, n.Driver, n.Scope)
	}
	for _, v := range vs.Volumes {
		t.Logf("on %s: volume %s", host, v.Name)
	}
	return len(cs) + len(ns) + len(vs.Volumes)
}

// containersOn maps the environment's containers on the engine at host to
// their states.
func containersOn(t *testing.T, host, path string) map[string]string {
	t.Helper()
	cs, err := engineClient(t, host).ContainerList(context.Background(), container.ListOptions{All: true, Filters: projectFilter(path)})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, c := range cs {
		out[c.Labels[docker.LabelMachine]] = c.State
	}
	return out
}

// swarmExample is the contract's two-host example on 172.25.1.0/24 in a
// fresh folder, machine2 on the second engine and the network spanning
// both; with far "", both on this host's engine (the figures' baseline).
func (r *swarmRig) swarmExample(t *testing.T, far bool) string {
	t.Helper()
	reps := [][2]string{{"172.20.1.", "172.25.1."}}
	if far {
		reps = append(reps,
			[2]string{`network "scznet" { subnet = "172.25.1.0/24", gateway = "172.25.1.1" }`,
				fmt.Sprintf("engine \"far\" { docker = %q }\nnetwork \"scznet\" { subnet = \"172.25.1.0/24\", gateway = \"172.25.1.1\", span = true }", r.host)},
			[2]string{`hostname = "machine2.local" }`, `hostname = "machine2.local", engine = "far" }`},
			[2]string{"groups = { \"app\" },", "groups = { \"app\" }, engine = h.engine,"})
	}
	dir := exampleDir(t, "h18-swarm", exampleWith(t, reps...))
	purgeProject(t, filepath.Join(dir, "Envfile.lua"))
	return dir
}
