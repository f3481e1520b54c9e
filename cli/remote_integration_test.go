package cli_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"
	"golang.org/x/crypto/ssh"

	"github.com/envrun/envrun/engine/provider/docker"
	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/internal/sshmux"
)

// remoteCase is the two-host example brought up from the client
// namespace on one engine, reached one way.
type remoteCase struct {
	subnet     int      // 172.23.<subnet>.0/24
	env        []string // how the engine is chosen
	setup      string   // bash run in the client first (docker context create)
	wantEngine string   // status's engine
	wantReach  string   // status's reach
	sshPort    int      // ssh.port of both machines; 0: 22
}

// TestIntegrationRemoteDocker runs the contract's two-host example, with
// its Ansible step, from a client that cannot route to the engine's
// networks: on an engine over ssh:// (DOCKER_HOST, then a docker context
// that names the host by an alias of the client's ~/.ssh/config), and on
// the engine's local socket with no route to its bridge (the Docker
// Desktop shape). The DOCKER_HOST and socket cases give the machines an
// ssh.port other than 22, so that the jump's hop, envrun ssh-config and
// the inventory are seen to carry it. Each case runs the same checks: the
// machines' IPs unreachable from the client first; then up, status
// --json, a command after up that does not find out the route again (it
// is kept in .envrun/state.json), envrun ssh (exit status kept), plain
// ssh -F with envrun ssh-config, plain ansible with envrun inventory,
// halt, up again; then a machine whose host key changed is refused
// through the transport (by envrun's client and by OpenSSH's); and
// destroy leaving nothing.
func TestIntegrationRemoteDocker(t *testing.T) {
	r := newRig(t, 1)
	engine := "ssh://root@" + r.hostIP
	cases := map[string]remoteCase{
		"DOCKER_HOST": {subnet: 1, env: []string{"DOCKER_HOST=" + engine}, wantEngine: engine, wantReach: "jump", sshPort: 2222},
		"context": {subnet: 2,
			env:        []string{"DOCKER_CONFIG=" + filepath.Join(r.home, "docker-config")},
			setup:      "docker context create t-remote --docker host=ssh://t-remote >/dev/null && docker context use t-remote >/dev/null",
			wantEngine: "ssh://t-remote (context t-remote)", wantReach: "jump"},
		"socket": {subnet: 3, wantEngine: "unix:///var/run/docker.sock", wantReach: "engine", sshPort: 2200},
	}
	for _, name := range []string{"DOCKER_HOST", "context", "socket"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r.with(t).twoHost(t, cases[name])
		})
	}
}

func (r *rig) with(t *testing.T) *rig {
	c := *r
	c.t = t
	return &c
}

func (r *rig) twoHost(t *testing.T, c remoteCase) {
	extra, port := "", "22"
	if c.sshPort != 0 {
		extra, port = fmt.Sprintf(" ssh = { port = %d },", c.sshPort), fmt.Sprint(c.sshPort)
	}
	dir := exampleIn(t, c.subnet, extra)
	purgeProject(t, filepath.Join(dir, "Envfile.lua"))
	ip1, ip2 := fmt.Sprintf("172.23.%d.20", c.subnet), fmt.Sprintf("172.23.%d.21", c.subnet)
	r.unreachable(dir, net.JoinHostPort(ip1, port))
	if c.setup != "" {
		r.mustClient(dir, c.env, c.setup)
	}
	out := r.mustClient(dir, c.env, "envrun up -v 2>&1")
	for _, want := range []string{"machine1 | [shell#1] shell: echo ready > /tmp/ready", "site     | PLAY RECAP"} {
		if !strings.Contains(out, want) {
			t.Errorf("up's output lacks %q:\n%s", want, out)
		}
	}
	// Ansible kept a master connection per machine for its tasks through
	// the transport (none: each task logged in anew, through the jump).
	if !regexp.MustCompile(`closed [1-9]\d* SSH master\(s\)`).MatchString(out) {
		t.Errorf("Ansible shared no SSH connection between its tasks:\n%s", out)
	}
	// Up, yet still not routable from here: everything below went through
	// the transport.
	r.unreachable(dir, net.JoinHostPort(ip2, port))

	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.mustClient(dir, c.env, "envrun status --json")), &rows); err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if row["engine"] != c.wantEngine || row["reach"] != c.wantReach || row["state"] != "running" {
			t.Errorf("status row %v: want engine %q, reach %q, running", row, c.wantEngine, c.wantReach)
		}
	}
	// The route was found out by up and kept: a command after it does not
	// find it out again (-v says when it does).
	if out := r.mustClient(dir, c.env, "envrun status -v 2>&1 >/dev/null"); strings.Contains(out, "machines are reached") {
		t.Errorf("status after up found out the route again:\n%s", out)
	}
	if got := r.mustClient(dir, c.env, "envrun ssh machine1 -- cat /etc/envrun-play-hosts /tmp/ready"); got != "machine1,machine2\nready\n" {
		t.Errorf("envrun ssh machine1: %q, want the play's hosts and the shell step's file", got)
	}
	if got := r.mustClient(dir, c.env, "envrun ssh machine2 -- 'exit 7' || echo status $?"); !strings.HasSuffix(got, "status 7\n") {
		t.Errorf("envrun ssh machine2 -- exit 7: %q, want status 7", got)
	}
	// (OpenSSH closes every descriptor above stderr before it reads -F:
	// `ssh -F <(envrun ssh-config)` cannot work; a file does.)
	if got := r.mustClient(dir, c.env, "envrun ssh-config > ssh_config && ssh -F ssh_config machine2 hostname -f"); got != "machine2.local\n" {
		t.Errorf("plain ssh -F with envrun ssh-config: %q", got)
	}
	if cfg := r.mustClient(dir, c.env, "cat ssh_config"); !strings.Contains(cfg, "Port "+port+"\n") {
		t.Errorf("envrun ssh-config does not name port %s:\n%s", port, cfg)
	}
	// (A file, not <(envrun inventory): on a loaded host Ansible may open
	// the pipe after envrun stopped waiting for it; see writeInventory.)
	if got := r.mustClient(dir, c.env, "envrun inventory > inventory.yml && ansible all -i inventory.yml -m ping -o 2>&1"); strings.Count(got, "SUCCESS") != 2 {
		t.Errorf("plain ansible with envrun inventory:\n%s", got)
	}
	// A second up changes nothing and runs no play; halt then up
	// converges through the transport again.
	if out := r.mustClient(dir, c.env, "envrun up 2>&1"); strings.Contains(out, "PLAY [") {
		t.Errorf("a second up ran the playbook again:\n%s", out)
	}
	r.mustClient(dir, c.env, "envrun halt machine2 2>&1")
	r.mustClient(dir, c.env, "envrun up 2>&1")
	if got := r.mustClient(dir, c.env, "envrun ssh machine2 -- cat /tmp/motd"); got != "Welcome to an envrun machine.\n" {
		t.Errorf("after halt and up, machine2's /tmp/motd = %q", got)
	}
	r.hostKeyChanged(dir, c.env, net.JoinHostPort(ip1, port))
	r.mustClient(dir, c.env, "envrun destroy -f 2>&1")
	if n := countProject(t, filepath.Join(dir, "Envfile.lua")); n != 0 {
		t.Errorf("destroy left %d containers and networks", n)
	}
}

// hostKeyChanged gives machine1 (at addr) of the environment in dir a
// new host key, as a rebuild outside envrun or an impostor would, and
// checks that the client, through the case's transport, refuses it: envrun's
// own client (provision) with its host-key message, OpenSSH's (envrun
// ssh, which uses envrun's ssh-config and known_hosts) with its own; and
// that the command never ran there.
func (r *rig) hostKeyChanged(dir string, env []string, addr string) {
	t := r.t
	t.Helper()
	envfile := filepath.Join(dir, "Envfile.lua")
	c, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	cs, err := c.ContainerList(ctx, container.ListOptions{Filters: filters.NewArgs(
		filters.Arg("label", docker.LabelProject+"="+state.ProjectID(envfile)), filters.Arg("label", docker.LabelMachine+"=machine1"))})
	if err != nil || len(cs) != 1 {
		t.Fatalf("machine1's container: %v, %d found", err, len(cs))
	}
	id := cs[0].ID
	// (This host reaches the engine's bridge: the rig's engine is its own.)
	presented := func() string {
		var got ssh.PublicKey
		conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			return ""
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		ssh.NewClientConn(conn, addr, &ssh.ClientConfig{HostKeyAlgorithms: []string{ssh.KeyAlgoED25519},
			HostKeyCallback: func(_ string, _ net.Addr, key ssh.PublicKey) error { got = key; return errors.New("seen") }})
		if got == nil {
			return ""
		}
		return ssh.FingerprintSHA256(got)
	}
	before := presented()
	if before == "" {
		t.Fatalf("machine1 at %s presents no ed25519 host key", addr)
	}
	if out, err := exec.Command("docker", "exec", id, "sh", "-c", "rm -f /etc/ssh/ssh_host_ed25519_key* && ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key").CombinedOutput(); err != nil {
		t.Fatalf("swap machine1's host key: %v\n%s", err, out)
	}
	if out, err := exec.Command("docker", "restart", "-t", "1", id).CombinedOutput(); err != nil {
		t.Fatalf("restart machine1: %v\n%s", err, out)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if now := presented(); now != "" && now != before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("machine1 did not come back with its new host key")
		}
	}
	out, _ := r.inClient(ctx, dir, env, "envrun provision machine1 2>&1 || echo \"exit $?\"")
	if !strings.HasSuffix(out, "exit 1\n") || !strings.Contains(out, "host key of machine1 ("+addr+") changed: pinned "+before) {
		t.Errorf("provision of a machine whose host key changed: want exit 1 and envrun's refusal:\n%s", out)
	}
	out, _ = r.inClient(ctx, dir, env, "envrun ssh machine1 -- touch /tmp/t-hostkey-breach 2>&1 || echo \"exit $?\"")
	if !strings.HasSuffix(out, "exit 255\n") || !strings.Contains(out, "REMOTE HOST IDENTIFICATION HAS CHANGED") || !strings.Contains(out, "Host key verification failed") {
		t.Errorf("envrun ssh to a machine whose host key changed: want OpenSSH's refusal, exit 255:\n%s", out)
	}
	if out, err := exec.Command("docker", "exec", id, "test", "-e", "/tmp/t-hostkey-breach").CombinedOutput(); err == nil {
		t.Errorf("envrun ssh ran its command on a machine whose host key changed")
	} else if _, ok := err.(*exec.ExitError); !ok {
		t.Errorf("docker exec test: %v\n%s", err, out)
	}
}

// projectFilter is the label of the environment of Envfile path.
func projectFilter(path string) filters.Args {
	return filters.NewArgs(filters.Arg("label", docker.LabelProject+"="+state.ProjectID(path)))
}

// countProject counts the containers and networks of the environment
// of Envfile path on this host's engine.
func countProject(t *testing.T, path string) int {
	t.Helper()
	c, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	cs, err := c.ContainerList(ctx, container.ListOptions{All: true, Filters: projectFilter(path)})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := c.NetworkList(ctx, network.ListOptions{Filters: projectFilter(path)})
	if err != nil {
		t.Fatal(err)
	}
	return len(cs) + len(ns)
}

// purgeProject removes, when the test ends, whatever of the environment
// of Envfile path is left on this host's engine.
func purgeProject(t *testing.T, path string) {
	t.Cleanup(func() {
		c, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
		if err != nil {
			return
		}
		defer c.Close()
		ctx := context.Background()
		cs, _ := c.ContainerList(ctx, container.ListOptions{All: true, Filters: projectFilter(path)})
		for _, x := range cs {
			c.ContainerRemove(ctx, x.ID, container.RemoveOptions{Force: true})
		}
		ns, _ := c.NetworkList(ctx, network.ListOptions{Filters: projectFilter(path)})
		for _, x := range ns {
			c.NetworkRemove(ctx, x.ID)
		}
	})
}

// TestIntegrationRemoteEngineErrors: an engine that cannot be used fails
// `envrun up` with exit 1 and one line that names the engine, what chose
// it and what to do, and nothing is made: not even .envrun/.
func TestIntegrationRemoteEngineErrors(t *testing.T) {
	r := newRig(t, 2)
	t.Cleanup(func() { endShared(sshmux.Dest{User: "root", Host: "127.0.0.1", Port: "1"}) })
	for _, c := range []struct {
		name string
		env  []string
		want []string
	}{
		{"unknown context", []string{"DOCKER_CONTEXT=t-nope"}, []string{`docker context "t-nope" (from DOCKER_CONTEXT) does not exist`, "docker context create t-nope"}},
		{"unreachable engine", []string{"DOCKER_HOST=ssh://root@127.0.0.1:1"}, []string{"cannot reach the Docker engine at ssh://root@127.0.0.1:1 (chosen by DOCKER_HOST) over SSH", "Connection refused", "`ssh -p 1 root@127.0.0.1 docker system dial-stdio`"}},
		{"refused key", []string{"DOCKER_HOST=ssh://t-refused"}, []string{"cannot reach the Docker engine at ssh://t-refused (chosen by DOCKER_HOST) over SSH", "Permission denied"}},
		{"changed host key", []string{"DOCKER_HOST=ssh://t-changed"}, []string{"cannot reach the Docker engine at ssh://t-changed (chosen by DOCKER_HOST) over SSH", "Host key verification failed"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := exampleIn(t, 9, "")
			purgeProject(t, filepath.Join(dir, "Envfile.lua"))
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			out, err := r.inClient(ctx, dir, c.env, "envrun up 2>&1")
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("up: %v, want exit 1\n%s", err, out)
			}
			if n := strings.Count(strings.TrimSpace(out), "\n"); n != 0 {
				t.Errorf("up printed %d lines, want one:\n%s", n+1, out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("up's error lacks %q:\n%s", w, out)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, ".envrun")); err == nil {
				t.Errorf("a failed up made .envrun/")
			}
			if n := countProject(t, filepath.Join(dir, "Envfile.lua")); n != 0 {
				t.Errorf("a failed up made %d containers and networks", n)
			}
		})
	}
}
