package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Images.
const (
	boxImage     = "envrun/box:debian-bookworm"
	vagrantImage = "envrun/bench-vagrant:debian-bookworm"
)

// vagrantInsecureKey is Vagrant's well-known insecure public key (its
// keys/vagrant.pub), which Vagrant logs in with the first time and then
// replaces with a key of the machine's own, as with any Vagrant box.
const vagrantInsecureKey = "ssh-rsa AAAAB3NzaC1yc2EAAAABIwAAAQEA6NF8iallvQVp22WDkTkyrtvp9eWW6A8YVr+kz4TjGYe7gHzIw+niNltGEFHzD8+v1I2YJ6oXevct1YeS0o9HZyN1Q9qgCgzUFtdOKLv6IedplqoPkcmF0aYet2PkEDo3MlTBckFXPITAMzF8dJSIFo9D8HfdOV0IAdx4O7PtixWKn5y2hMNG0zQPyUecp4pzC6kivAIhyfHilFR61RGL+GPXQ2MWZWFYbAGjyiYJnAmCP3NOTd0jMZEnDkbUvxhMmBYSdETk1rRgm+R4LOzFUGaHqHDLKLX+FIPKcF96hrucXzcWyLbIbEgE98OHlnVYCzRdK8jlqm8tehUc9c9WhQ== vagrant insecure public key"

// vagrantDockerfile makes the Vagrant-ready image from the envrun box (the
// same debootstrapped bookworm): what a Vagrant box for Docker is, a
// `vagrant` user with passwordless sudo (the box has it), Vagrant's
// insecure key authorized, host keys, /run/sshd, sshd in the foreground.
// The floor logs in with a key of its own, authorized beside Vagrant's.
const vagrantDockerfile = `FROM ` + boxImage + `
COPY authorized_keys /home/vagrant/.ssh/authorized_keys
RUN chown -R vagrant:vagrant /home/vagrant/.ssh \
 && chmod 0700 /home/vagrant/.ssh && chmod 0600 /home/vagrant/.ssh/authorized_keys \
 && ssh-keygen -A && mkdir -p /run/sshd
CMD ["/usr/sbin/sshd","-D","-e"]
`

// setup installs and builds what the chosen scenarios need; each piece is
// skipped when it is there already.
func (b *bench) setup(ctx context.Context) error {
	t0 := time.Now()
	need := map[string]string{"ansible-playbook": "ansible", "ssh": "openssh-client", "docker": "docker.io"}
	if b.vagrantMax > 0 {
		need["vagrant"] = "vagrant"
	}
	if b.vagrantMax > 0 && b.want("S10") {
		// S10's anchor; a marker file of the package stands for it.
		need["/usr/share/vagrant-plugins/plugins.d/vagrant-libvirt.json"] = "vagrant-libvirt"
		// scripts/build-bootloader-box.sh: the box all of S10's sides boot.
		need["extlinux"] = "extlinux"
		need["/usr/lib/syslinux/mbr/mbr.bin"] = "syslinux-common"
		need["sfdisk"] = "fdisk"
	}
	if b.want("S3") {
		need["gnuplot"] = "gnuplot-nox"
	}
	if err := aptInstall(ctx, need); err != nil {
		return err
	}
	if _, err := output(ctx, "docker", "info", "--format", "{{.ServerVersion}}"); err != nil {
		return fmt.Errorf("the Docker engine does not answer: %w", err)
	}
	if _, err := output(ctx, "docker", "image", "inspect", boxImage); err != nil {
		progress("making the box image %s (scripts/build-box.sh, a few minutes)", boxImage)
		cmd := exec.CommandContext(ctx, filepath.Join(b.repo, "scripts", "build-box.sh"))
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("scripts/build-box.sh: %w", err)
		}
	}
	b.envrun = filepath.Join(b.work, "bin", "envrun")
	build := exec.CommandContext(ctx, "go", "build", "-o", b.envrun, ".")
	build.Dir = b.repo
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	if err := b.floorKeys(ctx); err != nil {
		return err
	}
	if err := b.vagrantImage(ctx); err != nil {
		return err
	}
	if b.vagrantMax > 0 {
		// A first command makes Vagrant's home (keys, data) outside the
		// measurements.
		home := filepath.Join(b.work, "vagrant-init")
		os.MkdirAll(home, 0o755)
		one := layout{Machines: 1, Subnet: vagrantNet}
		if err := os.WriteFile(filepath.Join(home, "Vagrantfile"), []byte(vagrantfile(one, vagrantImage, vagrantLabel)), 0o644); err != nil {
			return err
		}
		if _, err := b.timed(ctx, home, "vagrant-init", nil, "vagrant", "validate"); err != nil {
			return err
		}
	}
	b.describe(ctx)
	progress("set-up done in %.0f s", time.Since(t0).Seconds())
	return nil
}

// aptInstall installs the Debian packages of the programs that are
// missing (program, or a file the package installs, by its absolute
// path → package).
func aptInstall(ctx context.Context, need map[string]string) error {
	var pkgs []string
	for prog, pkg := range need {
		have := func() error { _, err := exec.LookPath(prog); return err }
		if filepath.IsAbs(prog) {
			have = func() error { _, err := os.Stat(prog); return err }
		}
		if have() != nil {
			pkgs = append(pkgs, pkg)
		}
	}
	if len(pkgs) == 0 {
		return nil
	}
	progress("installing Debian packages: %s", strings.Join(pkgs, " "))
	install := func() error {
		cmd := exec.CommandContext(ctx, "apt-get", append([]string{"install", "-y", "-qq", "--no-install-recommends"}, pkgs...)...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("apt-get install %s: %v\n%s", strings.Join(pkgs, " "), err, out)
		}
		return nil
	}
	if install() == nil {
		return nil
	}
	if out, err := exec.CommandContext(ctx, "apt-get", "update", "-qq").CombinedOutput(); err != nil {
		return fmt.Errorf("apt-get update: %v\n%s", err, out)
	}
	return install()
}

// floorKeys makes the floor's key pair once.
func (b *bench) floorKeys(ctx context.Context) error {
	b.floorKey = filepath.Join(b.work, "floor_key")
	if _, err := os.Stat(b.floorKey + ".pub"); err == nil {
		return nil
	}
	os.Remove(b.floorKey)
	_, err := output(ctx, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "envrun-bench-floor", "-f", b.floorKey)
	return err
}

// vagrantImage builds the Vagrant-ready image with `docker build` (no
// registry: FROM the local box image), unless an image of the same
// recipe is there.
func (b *bench) vagrantImage(ctx context.Context) error {
	pub, err := os.ReadFile(b.floorKey + ".pub")
	if err != nil {
		return err
	}
	keys := vagrantInsecureKey + "\n" + string(pub)
	boxID, err := output(ctx, "docker", "image", "inspect", "--format", "{{.Id}}", boxImage)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(vagrantDockerfile + keys + boxID))
	recipe := hex.EncodeToString(sum[:8])
	if have, _ := output(ctx, "docker", "image", "inspect", "--format", `{{index .Config.Labels "`+benchLabel+`.recipe"}}`, vagrantImage); have == recipe {
		return nil
	}
	dir, err := os.MkdirTemp(b.work, "vagrant-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(vagrantDockerfile), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), []byte(keys), 0o644); err != nil {
		return err
	}
	progress("building the Vagrant-ready image %s from %s", vagrantImage, boxImage)
	if _, err := b.timed(ctx, dir, "vagrant-image", nil, "docker", "build", "-q",
		"--label", benchLabel+".recipe="+recipe, "-t", vagrantImage, "."); err != nil {
		return err
	}
	return nil
}

// describe records the machine and the versions measured.
func (b *bench) describe(ctx context.Context) {
	add := func(what, value string) { b.info = append(b.info, what+": "+value) }
	first := func(s string) string { l, _, _ := strings.Cut(s, "\n"); return strings.TrimSpace(l) }
	add("date", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	cpu := "?"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	add("machine", fmt.Sprintf("%d cores (%s), %s", runtime.NumCPU(), cpu, memTotal()))
	if v, err := output(ctx, "uname", "-sr"); err == nil {
		add("kernel", v)
	}
	if v, err := output(ctx, "docker", "version", "--format", "{{.Server.Version}}"); err == nil {
		add("Docker engine", v)
	}
	if b.vagrantMax > 0 {
		if v, err := output(ctx, "vagrant", "--version"); err == nil {
			add("Vagrant", strings.TrimPrefix(v, "Vagrant "))
		}
	}
	if v, err := output(ctx, "ansible-playbook", "--version"); err == nil {
		add("Ansible", first(v))
	}
	if out, err := exec.CommandContext(ctx, "ssh", "-V").CombinedOutput(); err == nil {
		add("OpenSSH", strings.TrimSpace(string(out)))
	}
	add("Go", runtime.Version())
	c := exec.CommandContext(ctx, "git", "describe", "--always", "--dirty")
	c.Dir = b.repo
	if v, err := c.Output(); err == nil {
		add("envrun", strings.TrimSpace(string(v)))
	}
	add("repetitions", fmt.Sprint(b.reps))
}

func memTotal() string {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "?"
	}
	for _, l := range bytes.Split(data, []byte("\n")) {
		if f := strings.Fields(string(l)); len(f) >= 2 && f[0] == "MemTotal:" {
			var kb float64
			fmt.Sscan(f[1], &kb)
			return fmt.Sprintf("%.0f GiB memory", kb/(1<<20))
		}
	}
	return "?"
}
