package cli_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/network"
)

// TestIntegrationInit: `envrun init` chooses a subnet beside a Docker
// network that is in the way, writes an Envfile and playbook that `up`
// brings up as written on the real Docker engine (shell step and
// ansible-playbook run), and never writes over a file.
func TestIntegrationInit(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("ansible-playbook"); err != nil {
		t.Fatalf("ansible-playbook is needed: %v", err)
	}
	w := newWorld(t, "")
	os.Remove(filepath.Join(w.dir, "Envfile.lua"))
	ctx := context.Background()
	block, err := w.docker.NetworkCreate(ctx, "t-life-init-block", network.CreateOptions{
		IPAM: &network.IPAM{Config: []network.IPAMConfig{{Subnet: "172.24.30.0/24"}}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.docker.NetworkRemove(ctx, block.ID) })

	r := w.mustRun("init", "2", "--subnet", "172.24.30.0/23")
	if !strings.Contains(r.stdout, "on 172.24.31.0/24") {
		t.Fatalf("init did not choose 172.24.31.0/24 beside the network in the way: %s", r)
	}
	envfile, _ := os.ReadFile(filepath.Join(w.dir, "Envfile.lua"))

	// Never over an Envfile; never over a playbook.
	if r := w.run("init"); r.code != 2 || !strings.Contains(r.stderr, "exists") {
		t.Errorf("init over an Envfile: %s", r)
	}
	if again, _ := os.ReadFile(filepath.Join(w.dir, "Envfile.lua")); string(again) != string(envfile) {
		t.Error("a refused init changed the Envfile")
	}
	other := &world{t: t, dir: t.TempDir(), bin: w.bin}
	mine := "# the user's own playbook\n"
	os.WriteFile(filepath.Join(other.dir, "provision.yml"), []byte(mine), 0o644)
	other.mustRun("init", "--subnet", "172.24.32.0/24", "--box", "debian/bookworm")
	if got, _ := os.ReadFile(filepath.Join(other.dir, "provision.yml")); string(got) != mine {
		t.Errorf("init wrote over provision.yml: %q", got)
	}
	if got, _ := os.ReadFile(filepath.Join(other.dir, "Envfile.lua")); !strings.Contains(string(got), "-- ansible \"site\" {") {
		t.Errorf("with the user's provision.yml, the Ansible step is not commented out:\n%s", got)
	}
	other.mustRun("validate")

	// As written, up brings it up: both machines, their IPs, the shell
	// step and the playbook.
	w.mustRun("up")
	for i, m := range []string{"machine1", "machine2"} {
		out, err := w.exec(m, "sh", "-c", "cat /tmp/envrun-init /tmp/envrun-init-ansible; ip -4 -o addr show")
		if err != nil {
			t.Fatalf("%s: %v\n%s", m, err, out)
		}
		for _, want := range []string{"provisioned by envrun", m + " was provisioned by Ansible", "172.24.31.1" + string(rune('0'+i))} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q:\n%s", m, want, out)
			}
		}
	}
}
