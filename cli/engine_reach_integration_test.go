package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
)

// TestIntegrationEngineReachDeafResolver: a machine reached through the
// Docker API (`sshd -i` under docker exec) whose resolver never answers.
// sshd -i knows no client address, so PAM's audit record looks the name
// "UNKNOWN" up at each login: with glibc's defaults that took 40 s per
// login here, and on the Swarm rig lost a step's connection. envrun runs
// sshd -i with its lookups bounded (one try, 1 s, no search domain):
// a login takes a few seconds, and nothing of that reaches the session.
// The resolver is a container of the test's that swallows every query.
func TestIntegrationEngineReachDeafResolver(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "t-deafdns")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w := newWorldIn(t, dir, `
box "debian/bookworm"
network "n" { subnet = "172.29.77.0/24" }
machine "m1" { networks = { n = "172.29.77.10" }, docker = { reach = "engine" } }
`)
	w.mustRun("up")
	// reach = "engine" wins over what this host's own engine would get
	// (direct): status says so, and OpenSSH is given envrun as its proxy.
	if out := w.mustRun("status", "--json").stdout; !strings.Contains(out, `"reach": "engine"`) {
		t.Errorf("status --json: want reach engine:\n%s", out)
	}
	if cfg := w.mustRun("ssh-config").stdout; !regexp.MustCompile(`(?m)^\s*ProxyCommand .* proxy m1$`).MatchString(cfg) {
		t.Errorf("ssh-config: want envrun proxy m1 as the ProxyCommand:\n%s", cfg)
	}
	ctx := context.Background()
	sink, err := w.docker.ContainerCreate(ctx, &container.Config{
		Image:      "envrun/box:debian-bookworm",
		Entrypoint: []string{"python3", "-c", "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.bind(('0.0.0.0', 53))\nwhile True: s.recvfrom(4096)"},
	}, &container.HostConfig{AutoRemove: true}, &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
		w.project + "-n": {IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: "172.29.77.53"}},
	}}, nil, "envrun-test-deafdns-"+w.project)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.docker.ContainerRemove(context.Background(), sink.ID, container.RemoveOptions{Force: true}) })
	if err := w.docker.ContainerStart(ctx, sink.ID, container.StartOptions{}); err != nil {
		t.Fatal(err)
	}
	if out, err := w.exec("m1", "sh", "-c", "printf 'nameserver 172.29.77.53\\n' >/etc/resolv.conf"); err != nil {
		t.Fatalf("point the machine at the deaf resolver: %v\n%s", err, out)
	}
	// The machine's lookups do hang (what envrun cannot change: the
	// user's own), bounded here by timeout(1).
	t0 := time.Now()
	if out, err := w.exec("m1", "timeout", "8", "getent", "hosts", "UNKNOWN"); err == nil || time.Since(t0) < 7*time.Second {
		t.Fatalf("the deaf resolver answered (or failed at once) after %s: %v\n%s", time.Since(t0), err, out)
	}
	r := w.mustRun("ssh", "m1", "--", "env | grep -c '^RES_OPTIONS=' || true")
	if r.took > 15*time.Second {
		t.Errorf("a login through the engine with a deaf resolver took %s (40 s unbounded)", r.took.Round(time.Millisecond))
	}
	if got := strings.TrimSpace(r.stdout); got != "0" {
		t.Errorf("the session's environment has sshd's RES_OPTIONS: %q", r.stdout)
	}
	t.Logf("a login through the engine, resolver deaf: %s", r.took.Round(time.Millisecond))
}
