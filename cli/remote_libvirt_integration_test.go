//go:build libvirt_dlopen && cgo

package cli_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/provider/libvirt"
	"github.com/envrun/envrun/engine/provider/providertest"
	"github.com/envrun/envrun/engine/state"
)

// TestIntegrationRemoteLibvirt brings one VM up on libvirt over
// qemu+ssh://root@<the rig's host>/system from the client namespace,
// which cannot route to the VM's network: libvirt itself goes over the
// rig's sshd, and every SSH connection to the VM (first contact, steps,
// envrun ssh, plain ansible with envrun inventory) jumps through that
// host. destroy leaves no domain, volume or network.
func TestIntegrationRemoteLibvirt(t *testing.T) {
	providertest.Require(t, libvirt.Driver)
	r := newRig(t, 3)
	dir := filepath.Join(t.TempDir(), "t-vm")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "Envfile.lua")
	rigWrite(t, file, fmt.Sprintf(`
box "debian/bookworm"
network "net" { subnet = "172.23.10.0/24", gateway = "172.23.10.1", isolated = true }
machine "vm1" {
  networks = { net = "172.23.10.20" }, memory = 384, cpus = 1,
  libvirt = { uri = "qemu+ssh://root@%s/system" },
  provision = { shell { inline = "echo ready > /tmp/ready" } },
}
`, r.hostIP))
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
	out := r.mustClient(dir, env, "envrun up 2>&1")
	t.Logf("up of one VM over qemu+ssh, reached by jump: %s", time.Since(t0).Round(time.Second))
	if !strings.Contains(out, "[shell#1]") {
		t.Errorf("up ran no shell step:\n%s", out)
	}
	r.unreachable(dir, "172.23.10.20:22")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.mustClient(dir, env, "envrun status --json")), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("status --json: %v %v", rows, err)
	}
	if rows[0]["reach"] != "jump" || rows[0]["state"] != "running" || !strings.HasPrefix(fmt.Sprint(rows[0]["engine"]), "qemu+ssh://") {
		t.Errorf("status row %v: want a running VM on qemu+ssh:// reached by jump", rows[0])
	}
	if got := r.mustClient(dir, env, "envrun ssh vm1 -- cat /tmp/ready"); got != "ready\n" {
		t.Errorf("envrun ssh vm1: %q", got)
	}
	if got := r.mustClient(dir, env, "envrun inventory > inventory.yml && ansible all -i inventory.yml -m ping -o 2>&1"); !strings.Contains(got, "vm1 | SUCCESS") {
		t.Errorf("plain ansible -i <(envrun inventory):\n%s", got)
	}
	r.mustClient(dir, env, "envrun destroy -f 2>&1")
	if left := leftovers(t, project); len(left) > 0 {
		t.Errorf("destroy left %s", strings.Join(left, ", "))
	}
}
