//go:build linux

// Linux only: getrusage(RUSAGE_CHILDREN).

package cli_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/provision/ansible"
	"github.com/envrun/envrun/engine/spec"
)

// BenchmarkIntegrationAnsibleTwoHosts times ansible-playbook runs of the
// two-host example's playbook (facts, become, two copy tasks) over two
// Docker machines, each from a cold start (no SSH connection open):
//
//   - naive: what a user would type, ansible-playbook with Ansible's
//     defaults and an inventory that only says how to log in;
//   - envrun: the run envrun makes (its inventory and settings).
//
// Each iteration runs both, in alternating order, so that a busy machine
// weighs on both alike; it reports the median wall time and the mean CPU
// time (this host's: ansible, its workers, ssh) of each.
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
	naive := func() {
		cp, err := os.MkdirTemp("", "cp")
		if err != nil {
			b.Fatal(err)
		}
		defer closeMasters(b, cp)
		c := exec.Command("ansible-playbook", "-i", naiveInv, "-e", "user=vagrant", playbook)
		c.Env = append(os.Environ(), "ANSIBLE_SSH_CONTROL_PATH_DIR="+cp)
		if out, err := c.CombinedOutput(); err != nil {
			b.Fatalf("%v\n%s", err, out)
		}
	}

	// The inventory envrun writes for its run.
	stdout, _ := e.mustRun("inventory")
	inv := filepath.Join(state, "bench-inventory.yml")
	if err := os.WriteFile(inv, []byte(stdout), 0o600); err != nil {
		b.Fatal(err)
	}
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
	envrun := func() {
		if err := run.Do(context.Background()); err != nil {
			b.Fatal(err)
		}
	}

	variants := []struct {
		name string
		f    func()
		wall []time.Duration
		cpu  time.Duration
	}{{name: "naive", f: naive}, {name: "envrun", f: envrun}}
	i := 0
	for b.Loop() {
		for j := range variants {
			v := &variants[(i+j)%2]
			c0, t0 := childCPU(), time.Now()
			v.f()
			v.wall = append(v.wall, time.Since(t0))
			v.cpu += childCPU() - c0
		}
		i++
	}
	for _, v := range variants {
		slices.Sort(v.wall)
		b.ReportMetric(v.wall[len(v.wall)/2].Seconds(), v.name+"-median-s")
		b.ReportMetric(v.cpu.Seconds()/float64(len(v.wall)), v.name+"-cpu-s")
	}
}

// childCPU is the CPU time (user and system) that this process's waited-for
// children used so far: ansible-playbook, its workers and ssh.
func childCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
