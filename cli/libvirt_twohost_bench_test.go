//go:build libvirt_dlopen && cgo

package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/provider/libvirt"
	"github.com/envrun/envrun/engine/provider/providertest"
)

// lvTwoHostEnvfile is the contract's two-host example on libvirt: two
// VMs, a shell and a file step each, then one Ansible run over both (the
// example's playbook).
const lvTwoHostEnvfile = `box "debian/bookworm"
network "n" { subnet = "172.28.4.0/24", isolated = true }
for i, ip in ipairs({ "172.28.4.21", "172.28.4.22" }) do
  machine("machine" .. i) {
    hostname = "machine" .. i .. ".local",
    networks = { n = ip },
    memory = 384,
    groups = { "app" },
    libvirt = { boot_timeout = 900 },
    provision = {
      shell { inline = "echo ready > /tmp/ready" },
      file { source = "motd.txt", destination = "/tmp/motd" },
    },
  }
end
ansible "site" { playbook = "provision.yml", hosts = machines(), extra_vars = { user = "vagrant" } }
`

// vagrantTwoHost is the same example in a Vagrantfile, as Vagrant users
// write it: the Ansible provisioner on the last machine with limit "all".
const vagrantTwoHost = `  [["machine1", "172.28.3.21"], ["machine2", "172.28.3.22"]].each_with_index do |(name, ip), i|
    config.vm.define name do |m|
      m.vm.hostname = "#{name}.local"
      PRIVATE_NETWORK
      m.vm.provision "shell", inline: "echo ready > /tmp/ready"
      m.vm.provision "file", source: "motd.txt", destination: "/tmp/motd"
      if i == 1
        m.vm.provision "ansible" do |a|
          a.playbook = "provision.yml"
          a.limit = "all"
          a.extra_vars = { user: "vagrant" }
        end
      end
    end
  end
`

// BenchmarkIntegrationLibvirtTwoHost measures the contract's two-host
// example on the real libvirtd, envrun next to Vagrant's own libvirt
// provider (ENVRUN_BENCH_VAGRANT_LIBVIRT=1; envrun alone otherwise) on the
// same box (benchBox's: with Vagrant, the bootloader box), for
// ENVRUN_BENCH_REPS repetitions (1 by default; the sides alternate which
// goes first):
//
//   - S1 up-s: `up` from nothing (the box present) to both machines
//     provisioned and the Ansible run done; checked after each;
//   - S2 noop-up-s and status-s: a no-op `up` and `status`, both running,
//     ENVRUN_BENCH_NOOPS times each per repetition (5 by default);
//   - S4 destroy-s: `destroy -f` of both.
//
// Figures per side (envrun-..., vagrant-...) are medians, with
// envrun/vagrant ratios of them and load1, the load average at the end.
//
//	ENVRUN_BENCH_VAGRANT_LIBVIRT=1 go test -tags libvirt_dlopen ./cli -run '^$' -bench LibvirtTwoHost -benchtime 1x -timeout 60m -v
func BenchmarkIntegrationLibvirtTwoHost(b *testing.B) {
	providertest.Require(b, libvirt.Driver)
	dir := filepath.Join(b.TempDir(), "t-virt-two")
	playbook, err := os.ReadFile(filepath.Join("..", "examples", "two-host", "provision.yml"))
	if err != nil {
		b.Fatal(err)
	}
	files := map[string]string{"provision.yml": string(playbook), "motd.txt": "Welcome to a benchmark machine.\n"}
	for name, data := range files {
		writeFile(b, filepath.Join(dir, name), data)
	}
	file := filepath.Join(dir, "Envfile.lua")
	bin := envrunBinary(b)
	boxName, boxFile := benchBox(b, bin)
	writeFile(b, file, strings.Replace(lvTwoHostEnvfile, "debian/bookworm", boxName, 1))
	envrun := timedEnvrun(b, bin, file)
	b.Cleanup(func() {
		cmd := exec.Command(bin, "-f", file, "--provider", "libvirt", "destroy", "-f")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Errorf("destroy: %v\n%s", err, out)
		}
	})
	reps := 1
	if n, err := strconv.Atoi(os.Getenv("ENVRUN_BENCH_REPS")); err == nil && n > 0 {
		reps = n
	}
	// S2 is a few tens of milliseconds on one side: one sample of it is
	// whatever the machine was doing at that moment.
	noops := 5
	if n, err := strconv.Atoi(os.Getenv("ENVRUN_BENCH_NOOPS")); err == nil && n > 0 {
		noops = n
	}
	const played = "machine1,machine2"
	figures := map[string][]time.Duration{}
	add := func(side, what string, d time.Duration) { figures[side+"-"+what] = append(figures[side+"-"+what], d) }

	envrunSide := func() {
		_, up := envrun("up")
		for _, m := range []string{"machine1", "machine2"} {
			if out, _ := envrun("ssh", m, "--", "cat /etc/envrun-play-hosts /tmp/ready"); strings.TrimSpace(out) != played+"\nready" {
				b.Fatalf("envrun: %s was not provisioned: %q", m, out)
			}
		}
		for range noops {
			out, noop := envrun("up")
			if strings.Contains(out, "creating") || strings.Contains(out, "[shell") {
				b.Fatalf("a second envrun up did work:\n%s", out)
			}
			_, status := envrun("status")
			add("envrun", "noop-up", noop)
			add("envrun", "status", status)
		}
		_, destroy := envrun("destroy", "-f")
		add("envrun", "up", up)
		add("envrun", "destroy", destroy)
	}
	envrunSide()
	var v *vagrantLibvirt
	if v = newVagrantLibvirt(b, boxFile); v != nil {
		v.write(strings.Replace(vagrantTwoHost, "PRIVATE_NETWORK", fmt.Sprintf(vagrantPrivateNetwork, "#{ip}", v.name), 1), files)
		v.warm("machine1")
	}
	vagrantSide := func() {
		add("vagrant", "up", v.run("up"))
		for _, m := range []string{"machine1", "machine2"} {
			var out bytes.Buffer
			cmd := exec.Command("vagrant", "ssh", m, "-c", "cat /etc/envrun-play-hosts /tmp/ready")
			cmd.Dir, cmd.Env, cmd.Stdout = v.project, v.env, &out
			if err := cmd.Run(); err != nil || strings.TrimSpace(out.String()) != played+"\nready" {
				b.Fatalf("vagrant: %s was not provisioned: %v %q", m, err, out.String())
			}
		}
		for range noops {
			add("vagrant", "noop-up", v.run("up"))
			add("vagrant", "status", v.run("status"))
		}
		add("vagrant", "destroy", v.run("destroy", "-f"))
	}
	for rep := range reps {
		switch {
		case v == nil && rep > 0:
			envrunSide()
		case v != nil && rep%2 == 0:
			vagrantSide()
			if rep > 0 {
				envrunSide()
			}
		case v != nil:
			envrunSide()
			vagrantSide()
		}
	}
	med := func(k string) float64 {
		d := slices.Clone(figures[k])
		slices.Sort(d)
		return d[len(d)/2].Seconds()
	}
	var summary []string
	for _, what := range []string{"up", "noop-up", "status", "destroy"} {
		e := med("envrun-" + what)
		b.ReportMetric(e, "envrun-"+what+"-s")
		line := fmt.Sprintf("%s: envrun %.3f s", what, e)
		if v != nil {
			g := med("vagrant-" + what)
			b.ReportMetric(g, "vagrant-"+what+"-s")
			b.ReportMetric(e/g, what+"-envrun/vagrant")
			line += fmt.Sprintf(", vagrant %.3f s (%.3fx)", g, e/g)
		}
		summary = append(summary, line)
	}
	b.ReportMetric(load1(), "load1")
	b.Logf("two-host on libvirt, %d rep(s): %s; load %s", reps, strings.Join(summary, "; "), loadavgText())
}
