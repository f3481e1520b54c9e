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
// (scripts/bench sets it for S10 unless -vagrant-max 0). Every side then
// boots the same box through its bootloader (benchBox).

// vagrantLibvirtProvider is the Vagrantfile's provider block: what
// lvBenchEnvfile's machines have (384 MiB, one CPU, qemu without KVM), the
// box booted from its disk by its bootloader as on envrun's side, in a
// pool and a management network of the benchmark's own (%[1]s) on libvirt
// %[2]s.
const vagrantLibvirtProvider = `  config.vm.box = "envrun-bench/bookworm"
  config.vm.box_check_update = false
  config.vm.synced_folder ".", "/vagrant", disabled: true
  config.vm.provider :libvirt do |lv|
    lv.uri = "%[2]s"
    lv.driver = "qemu"
    lv.memory = 384
    lv.cpus = 1
    lv.storage_pool_name = "%[1]s"
    lv.management_network_name = "%[1]s-mgmt"
    lv.management_network_address = "172.28.2.0/24"
    lv.graphics_type = "none"
    lv.video_type = "none"
  end
`

// bootloaderBoxName is the name benchBox adds its box under in envrun.
const bootloaderBoxName = "envrun-bench/bookworm-extlinux"

// benchBox returns the box the libvirt benchmarks' machines boot, and its
// file for Vagrant ("" when Vagrant is not measured). With Vagrant's
// libvirt provider measured (ENVRUN_BENCH_VAGRANT_LIBVIRT=1), or when
// asked (ENVRUN_BENCH_BOOTLOADER_BOX=1), it is the bootloader box that
// scripts/build-bootloader-box.sh makes from envrun's debian/bookworm
// (one disk, an MBR, extlinux loading the same kernel and initrd): Vagrant
// can boot no other kind, and all sides boot the same one. It is added
// to envrun as bootloaderBoxName and removed when the benchmark ends.
// Otherwise it is envrun's debian/bookworm, booted directly.
func benchBox(b *testing.B, bin string) (name, file string) {
	if os.Getenv("ENVRUN_BENCH_VAGRANT_LIBVIRT") != "1" && os.Getenv("ENVRUN_BENCH_BOOTLOADER_BOX") != "1" {
		return "debian/bookworm", ""
	}
	file = filepath.Join(b.TempDir(), "bootloader.box")
	script, _ := filepath.Abs(filepath.Join("..", "scripts", "build-bootloader-box.sh")) // tests run in ./cli
	t0 := time.Now()
	cmd := exec.Command(script, file, "debian/bookworm")
	cmd.Env = append(os.Environ(), "LIBVIRT_DEFAULT_URI="+libvirt.DefaultURI())
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("scripts/build-bootloader-box.sh: %v\n%s", err, out)
	}
	b.Logf("the bootloader box made in %s", time.Since(t0).Round(time.Second))
	box := func(args ...string) error {
		out, err := exec.Command(bin, append([]string{"box", "--provider", "libvirt"}, args...)...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("envrun box %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := box("add", "--force", bootloaderBoxName, file); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := box("remove", bootloaderBoxName); err != nil {
			b.Error(err)
		}
	})
	return bootloaderBoxName, file
}

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

// newVagrantLibvirt sets the anchor up with box, benchBox's file, or
// returns nil when it is not asked for.
func newVagrantLibvirt(b *testing.B, box string) *vagrantLibvirt {
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
	v.provider = fmt.Sprintf(vagrantLibvirtProvider, name, uri)
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

	if box == "" {
		b.Fatal("Vagrant's libvirt provider needs the bootloader box (benchBox)")
	}
	v.run("box", "add", "--name", "envrun-bench/bookworm", box)
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
// `vagrant status` with it running, and `vagrant destroy -f`; box is
// benchBox's file.
func benchVagrantLibvirt(b *testing.B, box string) *vagrantOneVM {
	v := newVagrantLibvirt(b, box)
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
