package cli_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/provision/ansible"
	"github.com/envrun/envrun/engine/spec"
)

// BenchmarkIntegrationAnsibleTwoHosts times one ansible-playbook run of
// the two-host example's playbook (facts, become, two copy tasks) over two
// Docker machines, from a cold start (no SSH connection open):
//
//   - naive: what a user would type, ansible-playbook with Ansible's
//     defaults and an inventory that only says how to log in;
//   - envrun: the run envrun makes (its inventory and settings).
//
// go test ./cli -run '^$' -bench IntegrationAnsible -benchtime 10x
func BenchmarkIntegrationAnsibleTwoHosts(b *testing.B) {
	example, err := os.ReadFile("../examples/two-host/Envfile.lua")
	if err != nil {
		b.Fatal(err)
	}
	e := newEnv(b, "../examples/two-host", map[string]string{
		"Envfile.lua": strings.ReplaceAll(string(example), "172.20.1.", "172.31.37."),
	})
	e.mustRun("up", "--no-provision")
	state := filepath.Join(e.dir, ".envrun")
	playbook := filepath.Join(e.dir, "provision.yml")

	naiveInv := filepath.Join(e.dir, "naive.ini")
	if err := os.WriteFile(naiveInv, []byte(`[all]
machine1 ansible_host=172.31.37.20
machine2 ansible_host=172.31.37.21
[all:vars]
ansible_user=vagrant
ansible_ssh_private_key_file=`+state+`/id_ed25519
ansible_ssh_common_args='-o UserKnownHostsFile=`+state+`/known_hosts'
`), 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("naive", func(b *testing.B) {
		for b.Loop() {
			cp, err := os.MkdirTemp("", "cp")
			if err != nil {
				b.Fatal(err)
			}
			c := exec.Command("ansible-playbook", "-i", naiveInv, "-e", "user=vagrant", playbook)
			c.Env = append(os.Environ(), "ANSIBLE_SSH_CONTROL_PATH_DIR="+cp)
			if out, err := c.CombinedOutput(); err != nil {
				b.Fatalf("%v\n%s", err, out)
			}
			b.StopTimer()
			closeMasters(b, cp)
			b.StartTimer()
		}
	})

	// The inventory envrun writes for its run.
	stdout, _ := e.mustRun("inventory")
	inv := filepath.Join(state, "bench-inventory.yml")
	if err := os.WriteFile(inv, []byte(stdout), 0o600); err != nil {
		b.Fatal(err)
	}
	b.Run("envrun", func(b *testing.B) {
		run := &ansible.Run{
			Step: &spec.Ansible{
				StepInfo:  spec.StepInfo{Kind: "ansible", Name: "site"},
				Playbook:  playbook,
				Hosts:     []string{"machine1", "machine2"},
				ExtraVars: map[string]any{"user": "vagrant"},
			},
			Inventory: inv,
			Hosts:     2,
			Dir:       filepath.Join(state, "ansible", "bench"),
			Output:    io.Discard,
		}
		for b.Loop() {
			if err := run.Do(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
