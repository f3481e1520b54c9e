//go:build libvirt_dlopen && cgo

package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/provider/libvirt"
)

// The anchor of the libvirt figures is Vagrant's own libvirt provider
// (Debian's vagrant-libvirt), measured when ENVRUN_BENCH_VAGRANT_LIBVIRT=1
// (scripts/bench sets it for S10 unless -vagrant-max 0) on the same disk,
// kernel and initrd as envrun's VMs.

// vagrantLibvirtProvider is the Vagrantfile's provider block: what
// lvBenchEnvfile's machines have (384 MiB, one CPU, qemu without KVM),
// booted from envrun's kernel and initrd (%[1]s, %[2]s, command line
// %[3]q), in a pool and a management network of the benchmark's own
// (%[4]s) on libvirt %[5]s.
const vagrantLibvirtProvider = `  config.vm.box = "envrun-bench/bookworm"
  config.vm.box_check_update = false
  config.vm.synced_folder ".", "/vagrant", disabled: true
  config.vm.provider :libvirt do |lv|
    lv.uri = "%[5]s"
    lv.driver = "qemu"
    lv.memory = 384
    lv.cpus = 1
    lv.kernel = "%[1]s"
    lv.initrd = "%[2]s"
    lv.cmd_line = %[3]q
    lv.storage_pool_name = "%[4]s"
    lv.management_network_name = "%[4]s-mgmt"
    lv.management_network_address = "172.28.2.0/24"
    lv.graphics_type = "none"
    lv.video_type = "none"
  end
`

// vagrantPrivateNetwork is a machine's static address (%[1]s) on an
// isolated network of the benchmark's own (%[2]s-priv), as envrun's.
const vagrantPrivateNetwork = `m.vm.network :private_network, ip: "%[1]s", libvirt__network_name: "%[2]s-priv", libvirt__forward_mode: "none", libvirt__dhcp_enabled: false`

// vagrantLibvirt is a Vagrant project on vagrant-libvirt with the
// benchmark's box added, its pool made, and everything removed when the
// benchmark ends (machines, box volume, pool, networks, Vagrant's home).
type vagrantLibvirt struct {
	b       *testing.B
	name    string // pool, and prefix of the networks
	project string
	env     []string
	// provider is vagrantLibvirtProvider filled in.
	provider string
}

// newVagrantLibvirt sets the anchor up, or returns nil when it is not
// asked for. image, kernel, initrd and cmdline are envrun's box's.
func newVagrantLibvirt(b *testing.B, image, kernel, initrd, cmdline string) *vagrantLibvirt {
	if os.Getenv("ENVRUN_BENCH_VAGRANT_LIBVIRT") != "1" {
		b.Logf("Vagrant's libvirt provider left out (ENVRUN_BENCH_VAGRANT_LIBVIRT=1 measures it)")
		return nil
	}
	if out, err := exec.Command("vagrant", "plugin", "list").CombinedOutput(); err != nil || !bytes.Contains(out, []byte("vagrant-libvirt")) {
		b.Fatalf("ENVRUN_BENCH_VAGRANT_LIBVIRT=1 but vagrant with vagrant-libvirt is not here (apt-get install vagrant vagrant-libvirt): %v\n%s", err, out)
	}
	const name = "envrun-bench-vagrant"
	work := b.TempDir()
	home := filepath.Join(work, "home")
	v := &vagrantLibvirt{b: b, name: name, project: filepath.Join(work, "project")}
	poolDir := filepath.Join("/var/lib/libvirt/images", name)
	for _, d := range []string{home, v.project, poolDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			b.Fatal(err)
		}
	}
	uri := libvirt.DefaultURI()
	virsh := func(args ...string) error {
		return exec.Command("virsh", append([]string{"-c", uri, "-q"}, args...)...).Run()
	}
	v.env = append(os.Environ(), "VAGRANT_HOME="+home, "VAGRANT_CHECKPOINT_DISABLE=1",
		"VAGRANT_BOX_UPDATE_CHECK_DISABLE=1", "VAGRANT_DEFAULT_PROVIDER=libvirt", "NO_COLOR=1")
	v.provider = fmt.Sprintf(vagrantLibvirtProvider, kernel, initrd, cmdline, name, uri)
	if err := virsh("pool-create-as", name, "dir", "--target", poolDir); err != nil {
		b.Fatalf("virsh pool-create-as %s: %v", name, err)
	}
	b.Cleanup(func() {
		cmd := exec.Command("vagrant", "destroy", "-f")
		cmd.Dir, cmd.Env = v.project, v.env
		cmd.Run()
		for _, n := range []string{name + "-mgmt", name + "-priv"} {
			virsh("net-destroy", n)
			virsh("net-undefine", n)
		}
		virsh("pool-destroy", name) // transient: destroyed is gone
		os.RemoveAll(poolDir)
	})

	box := filepath.Join(work, "bench.box")
	script, _ := filepath.Abs(filepath.Join("..", "scripts", "build-vagrant-libvirt-box.sh")) // tests run in ./cli
	if out, err := exec.Command(script, image, box).CombinedOutput(); err != nil {
		b.Fatalf("scripts/build-vagrant-libvirt-box.sh: %v\n%s", err, out)
	}
	v.run("box", "add", "--name", "envrun-bench/bookworm", box)
	os.Remove(box)
	return v
}

// run runs vagrant in the project and returns how long it took.
func (v *vagrantLibvirt) run(args ...string) time.Duration {
	v.b.Helper()
	var out bytes.Buffer
	cmd := exec.Command("vagrant", args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = v.project, v.env, &out, &out
	t0 := time.Now()
	err := cmd.Run()
	took := time.Since(t0)
	if err != nil {
		v.b.Fatalf("vagrant %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return took
}

// write writes the project's Vagrantfile (body goes inside
// Vagrant.configure, after the provider block) and other files.
func (v *vagrantLibvirt) write(body string, files map[string]string) {
	writeFile(v.b, filepath.Join(v.project, "Vagrantfile"), "Vagrant.configure(\"2\") do |config|\n"+v.provider+body+"end\n")
	for name, data := range files {
		writeFile(v.b, filepath.Join(v.project, name), data)
	}
}

// warm copies the box into the pool (vagrant-libvirt does it on the
// first up): an up and a destroy of machine, not measured.
func (v *vagrantLibvirt) warm(machine string) {
	took := v.run("up", machine)
	v.run("destroy", "-f")
	v.b.Logf("vagrant up %s, first (the box copied into the pool): %s", machine, took.Round(time.Millisecond))
}

// vagrantOneVM is BenchmarkIntegrationLibvirtVM's anchor: one VM as
// lvBenchEnvfile's web.
type vagrantOneVM struct {
	up, noop, status, destroy time.Duration
}

// benchVagrantLibvirt measures `vagrant up` of one VM from nothing (its
// networks too, the box already in the pool), a no-op `vagrant up` and
// `vagrant status` with it running, and `vagrant destroy -f`.
func benchVagrantLibvirt(b *testing.B, image, kernel, initrd, cmdline string) *vagrantOneVM {
	v := newVagrantLibvirt(b, image, kernel, initrd, cmdline)
	if v == nil {
		return nil
	}
	v.write(`  config.vm.define "web" do |m|
    m.vm.hostname = "web"
    `+fmt.Sprintf(vagrantPrivateNetwork, "172.28.3.10", v.name)+`
  end
`, nil)
	v.warm("web")
	var r vagrantOneVM
	r.up = v.run("up")
	r.noop = v.run("up")
	r.status = v.run("status")
	r.destroy = v.run("destroy", "-f")
	return &r
}
