package main

import (
	"context"
	"fmt"
	"os/exec"
	"sort"
	"strings"
)

// libvirtVM is S10: BenchmarkIntegrationLibvirtVM in ./cli, on the real
// libvirtd: one VM made by envrun (`up web`, box and network present, to
// "SSH ready") next to the raw floor (the same domain XML, a fresh
// overlay, `virsh start`, the first byte of the SSH banner), the phases of
// envrun's time, and a no-op `up` and `status` with two VMs running. Each
// figure is one boot (a minute or more under software emulation).
func (b *bench) libvirtVM(ctx context.Context) error {
	const name = "BenchmarkIntegrationLibvirtVM"
	cmd := exec.CommandContext(ctx, "go", "test", "-tags", "libvirt_dlopen", "-run", "^$", "-bench", "^"+name+"$",
		"-benchtime", "1x", "-timeout", "60m", "-v", "./cli")
	cmd.Dir = b.repo
	progress("S10: go test -bench %s (VM boots: several minutes)", name)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test -bench %s: %v\n%s", name, err, out)
	}
	r := parseBench(string(out))[name]
	if len(r["envrun-s"]) == 0 || len(r["machine-s"]) == 0 || len(r["raw-s"]) == 0 || len(r["noop-up-s"]) == 0 {
		return fmt.Errorf("%s printed no figures:\n%s", name, out)
	}
	vm := newMeasure("S10", "libvirt: one VM to SSH ready, envrun's machine node (floor: raw virsh, same XML, to the SSH banner)", 1)
	vm.add(envrunSide, 0, r["machine-s"][0])
	vm.add(floorSide, 0, r["raw-s"][0])
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
