package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
)

// libvirtVM is S10: BenchmarkIntegrationLibvirtVM in ./cli, on the real
// libvirtd: one VM made by envrun (`up web`, box and network present, to
// "SSH ready") next to the raw floor (the same domain XML, a fresh
// overlay, `virsh start`, the first byte of the SSH banner), the phases of
// envrun's time, and a no-op `up` and `status` with two VMs running; with
// Vagrant (unless -vagrant-max 0), the anchor: Vagrant's own libvirt
// provider (Debian's vagrant-libvirt) making, no-op upping and destroying
// one VM, every side (envrun, the floor, Vagrant) booting the same box
// through its bootloader (scripts/build-bootloader-box.sh). Each figure is
// one boot (a minute or more under software emulation).
func (b *bench) libvirtVM(ctx context.Context) error {
	const name = "BenchmarkIntegrationLibvirtVM"
	r, out, err := b.goBench(ctx, name)
	if err != nil {
		return err
	}
	if len(r["envrun-s"]) == 0 || len(r["machine-s"]) == 0 || len(r["raw-s"]) == 0 || len(r["noop-up-s"]) == 0 {
		return fmt.Errorf("%s printed no figures:\n%s", name, out)
	}
	vm := newMeasure("S10", "libvirt: one VM to SSH ready, envrun's machine node (floor: raw virsh, same XML, to the SSH banner)", 1)
	vm.add(envrunSide, 0, r["machine-s"][0])
	vm.add(floorSide, 0, r["raw-s"][0])
	if v := r["vagrant-up-s"]; len(v) > 0 {
		// The anchor: whole commands, networks made and SSH logged into
		// on both sides.
		up := newMeasure("S10", "libvirt: `up` of one VM from nothing, the whole command (Vagrant: vagrant-libvirt, the same bootloader box)", 1)
		up.add(envrunSide, 0, r["envrun-s"][0])
		up.add(vagrantSide, 0, v[0])
		noop := newMeasure("S10", "libvirt: no-op `up` (envrun: two VMs running; Vagrant: one)", 1)
		noop.add(envrunSide, 0, r["noop-up-s"][0])
		noop.add(vagrantSide, 0, r["vagrant-noop-up-s"][0])
		status := newMeasure("S10", "libvirt: `status` (envrun: two VMs running; Vagrant: one)", 1)
		status.add(envrunSide, 0, r["noop-status-s"][0])
		status.add(vagrantSide, 0, r["vagrant-status-s"][0])
		destroy := newMeasure("S10", "libvirt: `destroy -f` of one VM", 1)
		destroy.add(envrunSide, 0, r["destroy-s"][0])
		destroy.add(vagrantSide, 0, r["vagrant-destroy-s"][0])
		b.results = append(b.results, up, noop, status, destroy)
		if err := b.libvirtTwoHost(ctx); err != nil {
			return err
		}
	}
	var phases []string
	for k, v := range r {
		if p, ok := strings.CutPrefix(k, "phase-"); ok {
			phases = append(phases, fmt.Sprintf("%s %.1f s", strings.ReplaceAll(strings.TrimSuffix(p, "-s"), "-", " "), v[0]))
		}
	}
	sort.Strings(phases)
	noop := newMeasure("S10", "libvirt: no-op up, two VMs running", 2)
	noop.add(envrunSide, 0, r["noop-up-s"][0])
	status := newMeasure("S10", "libvirt: status, two VMs running", 2)
	status.add(envrunSide, 0, r["noop-status-s"][0])
	b.results = append(b.results, vm, noop, status)
	b.notes = append(b.notes, fmt.Sprintf("S10: the whole `envrun up web` (its network made too) %.1f s; the machine's phases: %s; slowest no-op up %.2f s; load %.1f at the end",
		r["envrun-s"][0], strings.Join(phases, ", "), r["noop-up-max-s"][0], r["load1"][0]))
	return nil
}

// goBench runs benchmark name of ./cli once (with Vagrant's libvirt
// provider unless -vagrant-max 0) and returns its figures and output.
func (b *bench) goBench(ctx context.Context, name string) (map[string][]float64, []byte, error) {
	cmd := exec.CommandContext(ctx, "go", "test", "-tags", "libvirt_dlopen", "-run", "^$", "-bench", "^"+name+"$",
		"-benchtime", "1x", "-timeout", "90m", "-v", "./cli")
	cmd.Dir = b.repo
	cmd.Env = append(os.Environ(), fmt.Sprintf("ENVRUN_BENCH_REPS=%d", b.reps))
	if b.vagrantMax > 0 {
		cmd.Env = append(cmd.Env, "ENVRUN_BENCH_VAGRANT_LIBVIRT=1")
	}
	progress("S10: go test -bench %s (VM boots: several minutes)", name)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, out, fmt.Errorf("go test -bench %s: %v\n%s", name, err, out)
	}
	return parseBench(string(out))[name], out, nil
}

// libvirtTwoHost is S10's two-host part: BenchmarkIntegrationLibvirtTwoHost,
// the contract's example (two VMs, shell and file steps, one Ansible run)
// from nothing, no-op, status and destroy, envrun next to vagrant-libvirt.
func (b *bench) libvirtTwoHost(ctx context.Context) error {
	const name = "BenchmarkIntegrationLibvirtTwoHost"
	r, out, err := b.goBench(ctx, name)
	if err != nil {
		return err
	}
	for _, c := range []struct{ key, what string }{
		{"up", "libvirt: the two-host example from nothing, Ansible included (Vagrant: vagrant-libvirt, the same bootloader box)"},
		{"noop-up", "libvirt: no-op `up` of the two-host example"},
		{"status", "libvirt: `status` of the two-host example"},
		{"destroy", "libvirt: `destroy -f` of the two-host example"},
	} {
		e, v := r["envrun-"+c.key+"-s"], r["vagrant-"+c.key+"-s"]
		if len(e) == 0 || len(v) == 0 {
			return fmt.Errorf("%s printed no %s figures:\n%s", name, c.key, out)
		}
		m := newMeasure("S10", c.what, 2)
		m.add(envrunSide, 0, e[0])
		m.add(vagrantSide, 0, v[0])
		b.results = append(b.results, m)
	}
	b.notes = append(b.notes, fmt.Sprintf("S10 two-host: medians of %d repetition(s); load %.1f at the end", b.reps, r["load1"][0]))
	return nil
}
