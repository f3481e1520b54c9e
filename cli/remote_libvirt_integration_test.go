//go:build libvirt_dlopen && cgo

package cli_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/provider/libvirt"
	"github.com/envrun/envrun/engine/provider/providertest"
	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/internal/sshmux"
)

// TestIntegrationRemoteLibvirt brings one VM up on libvirt over
// qemu+ssh://root@<the rig's host>/system from the client namespace,
// which cannot route to the VM's network and does not see this host's
// libvirtd: libvirt itself goes to the host's libvirtd socket through the
// one SSH connection envrun shares with the rig's sshd, and every SSH
// connection to the VM (first contact, steps, envrun ssh, plain ansible
// with envrun inventory) jumps through that host on it: up logs in once.
// A port forwarded to the VM answers on the client's 127.0.0.1 until
// destroy. What only reads (a no-op up, status) goes over libvirtd's
// protocol on that connection: with libvirt.so hidden too, and with no
// new login on the host. destroy leaves no domain, volume or network.
func TestIntegrationRemoteLibvirt(t *testing.T) {
	providertest.Require(t, libvirt.Driver)
	r := newRig(t, 3)
	dir := exampleDir(t, "t-vm", map[string]string{"Envfile.lua": fmt.Sprintf(`
box "debian/bookworm"
network "net" { subnet = "172.23.10.0/24", gateway = "172.23.10.1", isolated = true }
machine "vm1" {
  networks = { net = "172.23.10.20" }, memory = 384, cpus = 1,
  libvirt = { uri = "qemu+ssh://root@%s/system" },
  ports = { "127.0.0.1:22220:22" },
  provision = { shell { inline = "echo ready > /tmp/ready" } },
}
`, r.hostIP)})
	file := filepath.Join(dir, "Envfile.lua")
	os.Chmod(file, 0o644)
	project := state.ProjectID(file)
	env := []string{"ENVRUN_PROVIDER=libvirt"}
	t.Cleanup(func() {
		if left := leftovers(t, project); len(left) > 0 {
			ctx, cancel := contextWithTimeout(5 * time.Minute)
			defer cancel()
			out, err := r.inClient(ctx, dir, env, "envrun destroy -f 2>&1")
			t.Errorf("the test left %s; destroy: %v\n%s", strings.Join(left, ", "), err, out)
		}
	})
	r.unreachable(dir, "172.23.10.20:22")
	t0 := time.Now()
	// A client with no libvirt of its own: this host's is hidden from
	// every envrun command.
	alone := func(cmd string) string { return "unshare -m sh -c '" + noLocalLibvirt + " && " + cmd + "'" }
	out := r.mustClient(dir, env, alone("envrun up")+" 2>&1")
	t.Logf("up of one VM over qemu+ssh, reached by jump: %s", time.Since(t0).Round(time.Second))
	if !strings.Contains(out, "[shell#1]") {
		t.Errorf("up ran no shell step:\n%s", out)
	}
	// libvirt.so's connection and the jumps to the VM share one login.
	if n := r.logins(); n != 1 {
		t.Errorf("up logged in to the host %d times; want once, every stream on the connection envrun shares", n)
	}
	r.unreachable(dir, "172.23.10.20:22")

	logins := r.logins()
	t0 = time.Now()
	out = r.mustClient(dir, env, fmt.Sprintf(`unshare -m sh -c 'mount --bind /dev/null "$0" && %s && envrun up && envrun status' %s 2>&1`, noLocalLibvirt, libvirtSO(t)))
	t.Logf("no-op up and status over the shared connection, libvirt.so hidden: %s", time.Since(t0).Round(time.Millisecond))
	if !strings.Contains(out, "vm1") || !strings.Contains(out, "running") {
		t.Errorf("no-op up and status with libvirt.so and this host's libvirtd hidden:\n%s", out)
	}
	if n := r.logins() - logins; n != 0 {
		t.Errorf("the no-op up and status logged in to the host %d times; want none (the connection of the up before is shared)", n)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.mustClient(dir, env, alone("envrun status --json"))), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("status --json: %v %v", rows, err)
	}
	if rows[0]["reach"] != "jump" || rows[0]["state"] != "running" || !strings.HasPrefix(fmt.Sprint(rows[0]["engine"]), "qemu+ssh://") {
		t.Errorf("status row %v: want a running VM on qemu+ssh:// reached by jump", rows[0])
	}
	// The forwarded port is on this host (the client's 127.0.0.1), the VM
	// on the other: the forwarder dials through the jump.
	banner := `(exec 3<>/dev/tcp/127.0.0.1/22220 && head -c 4 <&3) 2>/dev/null || echo CLOSED`
	if got := r.mustClient(dir, env, banner); got != "SSH-" {
		t.Errorf("port 22220 forwarded to the VM's 22 answered %q, want the SSH banner", got)
	}
	if got := r.mustClient(dir, env, alone("envrun ssh vm1 -- cat /tmp/ready")); got != "ready\n" {
		t.Errorf("envrun ssh vm1: %q", got)
	}
	if got := r.mustClient(dir, env, "envrun inventory > inventory.yml && ansible all -i inventory.yml -m ping -o 2>&1"); !strings.Contains(got, "vm1 | SUCCESS") {
		t.Errorf("plain ansible -i <(envrun inventory):\n%s", got)
	}
	r.mustClient(dir, env, alone("envrun destroy -f")+" 2>&1")
	if left := leftovers(t, project); len(left) > 0 {
		t.Errorf("destroy left %s", strings.Join(left, ", "))
	}
	if got := r.mustClient(dir, env, banner); got != "CLOSED\n" {
		t.Errorf("after destroy, port 22220 answered %q", got)
	}
}

// noLocalLibvirt hides this host's libvirtd from what follows it in a
// mount namespace of its own: the client of a remote libvirt need not
// have one.
const noLocalLibvirt = "mount -t tmpfs none /var/run/libvirt"

// TestIntegrationRemoteLibvirtErrors: a qemu+ssh:// libvirt whose host
// cannot be logged in to fails `envrun up` with exit 1 and one line that
// names the libvirt, says why in ssh's words and what to check, and
// nothing is made: not even .envrun/.
func TestIntegrationRemoteLibvirtErrors(t *testing.T) {
	providertest.Require(t, libvirt.Driver)
	r := newRig(t, 5)
	t.Cleanup(func() { endShared(sshmux.Dest{User: "root", Host: "127.0.0.1", Port: "1"}) })
	for _, c := range []struct{ name, uri, why, login string }{
		{"unreachable host", "qemu+ssh://root@127.0.0.1:1/system", "Connection refused", "`ssh -p 1 root@127.0.0.1 true`"},
		{"refused key", "qemu+ssh://t-refused/system", "Permission denied", "`ssh t-refused true`"},
		{"changed host key", "qemu+ssh://t-changed/system", "Host key verification failed", "`ssh t-changed true`"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := exampleDir(t, "t-err", map[string]string{"Envfile.lua": fmt.Sprintf(`
box "debian/bookworm"
network "net" { subnet = "172.23.11.0/24", isolated = true }
machine "vm1" { networks = { net = "172.23.11.20" }, libvirt = { uri = %q } }
`, c.uri)})
			file := filepath.Join(dir, "Envfile.lua")
			ctx, cancel := contextWithTimeout(time.Minute)
			defer cancel()
			out, err := r.inClient(ctx, dir, []string{"ENVRUN_PROVIDER=libvirt"}, "envrun up 2>&1")
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 1 {
				t.Fatalf("up: %v, want exit 1\n%s", err, out)
			}
			if n := strings.Count(strings.TrimSpace(out), "\n"); n != 0 {
				t.Errorf("up printed %d lines, want one:\n%s", n+1, out)
			}
			for _, w := range []string{"cannot reach libvirt at " + c.uri + " over SSH", c.why, c.login + " works here"} {
				if !strings.Contains(out, w) {
					t.Errorf("up's error lacks %q:\n%s", w, out)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, ".envrun")); err == nil {
				t.Errorf("a failed up made .envrun/")
			}
			if left := leftovers(t, state.ProjectID(file)); len(left) > 0 {
				t.Errorf("a failed up made %s", strings.Join(left, ", "))
			}
		})
	}
}

// TestIntegrationRemoteLibvirtNoForward: a host whose sshd refuses to
// forward sockets (AllowStreamLocalForwarding no) takes the forward and
// closes it; envrun then goes through libvirt's own ssh transport, and
// status answers as before (with this host's own libvirtd hidden). The
// next command, on the same shared connection, does not try again.
func TestIntegrationRemoteLibvirtNoForward(t *testing.T) {
	providertest.Require(t, libvirt.Driver)
	r := newRig(t, 6)
	_, log := r.refusingHost()
	dir := exampleDir(t, "t-nofwd", map[string]string{"Envfile.lua": fmt.Sprintf(`
box "debian/bookworm"
network "net" { subnet = "172.23.12.0/24", isolated = true }
machine "vm1" { networks = { net = "172.23.12.20" }, libvirt = { uri = "qemu+ssh://root@%s:2222/system" } }
`, r.hostIP)})
	ctx, cancel := contextWithTimeout(time.Minute)
	defer cancel()
	refused := func() int { return strings.Count(log.String(), "refused streamlocal port forward") }
	var first int
	for i := range 2 {
		out, err := r.inClient(ctx, dir, []string{"ENVRUN_PROVIDER=libvirt"}, "unshare -m sh -c '"+noLocalLibvirt+" && envrun status' 2>&1")
		if err != nil || !strings.Contains(out, "vm1") || !strings.Contains(out, "not created") {
			t.Errorf("status through a host that refuses forwards: %v\n%s", err, out)
		}
		// The refusal is remembered while the shared connection lasts.
		if i == 0 {
			first = refused()
		} else if n := refused(); first == 0 || n != first {
			t.Errorf("the host refused %d forwards in the first command, %d in the second; want some, then none", first, n-first)
		}
	}
}
