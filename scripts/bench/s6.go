package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// s6Files writes S6's 1,000-machine environment as an Envfile (in
// dir/envrun) and as a Vagrantfile (in dir/vagrant).
func s6Files(repo, dir string) (envrunDir, vagrantDir string, err error) {
	playbook, err := readPlaybook(repo)
	if err != nil {
		return "", "", err
	}
	envrunDir, vagrantDir = filepath.Join(dir, "envrun"), filepath.Join(dir, "vagrant")
	common := func(name, content string) map[string]string {
		return map[string]string{fileSrc: motd, "provision.yml": playbook, name: content}
	}
	if err := writeFiles(envrunDir, common("Envfile.lua", envfile(s6Layout, "benchnet"))); err != nil {
		return "", "", err
	}
	if err := writeFiles(vagrantDir, common("Vagrantfile", vagrantfile(s6Layout, vagrantImage, vagrantLabel))); err != nil {
		return "", "", err
	}
	return envrunDir, vagrantDir, nil
}

// s6 times loading, validating and planning 1,000 machines: the commands
// (`envrun validate`, `envrun graph`, `vagrant validate`) with their peak
// memory, and the Go benchmark BenchmarkS6LoadValidatePlan.
func (b *bench) s6(ctx context.Context) error {
	envrunDir, vagrantDir, err := s6Files(b.repo, filepath.Join(b.work, "s6"))
	if err != nil {
		return err
	}
	validate := newMeasure("S6", "validate, 1,000 machines (`envrun validate` / `vagrant validate`)", 1000)
	graph := newMeasure("S6", "`envrun graph`, 1,000 machines", 1000)
	b.results = append(b.results, validate, graph)
	peak := func(m *measure, side string, mib float64) {
		if m.Extra == nil {
			m.Extra = map[string]float64{}
		}
		k := side + " peak RSS MiB"
		m.Extra[k] = max(m.Extra[k], mib)
	}
	for rep := range b.reps {
		for _, c := range []struct {
			m    *measure
			argv []string
		}{
			{validate, []string{b.envrun, "validate"}},
			{graph, []string{b.envrun, "graph"}},
		} {
			r, err := b.timed(ctx, envrunDir, fmt.Sprintf("s6-envrun-%s-%d", c.argv[1], rep), nil, c.argv...)
			if err != nil {
				return err
			}
			c.m.add(envrunSide, rep, r.seconds)
			peak(c.m, envrunSide, r.maxRSS)
			progress("envrun   s6         %-9s rep %d: %s, %.0f MiB", c.argv[1], rep+1, fmtSeconds(r.seconds), r.maxRSS)
		}
		if b.vagrantMax > 0 {
			r, err := b.timed(ctx, vagrantDir, fmt.Sprintf("s6-vagrant-validate-%d", rep), nil, "vagrant", "validate")
			if err != nil {
				b.vagrantFailed("validate", rep, err)
				continue
			}
			validate.add(vagrantSide, rep, r.seconds)
			peak(validate, vagrantSide, r.maxRSS)
			progress("vagrant  s6         validate  rep %d: %s, %.0f MiB", rep+1, fmtSeconds(r.seconds), r.maxRSS)
		}
	}
	return b.s6GoBench(ctx)
}

// s6GoBench runs BenchmarkS6LoadValidatePlan in a process of its own (its
// peak RSS is the process's) and records its figures.
func (b *bench) s6GoBench(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^BenchmarkS6LoadValidatePlan$",
		"-benchmem", "-count", strconv.Itoa(b.reps), "./scripts/bench")
	cmd.Dir = b.repo
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test -bench: %v\n%s", err, out)
	}
	m := newMeasure("S6", "Go benchmark: load + validate + plan, 1,000 machines", 1000)
	m.Extra = map[string]float64{}
	metrics := parseBench(string(out))
	for i, sec := range metrics["sec/op"] {
		m.add(envrunSide, i, sec)
	}
	for _, unit := range []string{"B/op", "allocs/op", "peak-RSS-MiB", "live-heap-MiB"} {
		m.Extra[unit] = median(metrics[unit])
	}
	b.results = append(b.results, m)
	progress("go bench s6: %s/op, %.0f MiB peak RSS", fmtSeconds(m.median(envrunSide)), m.Extra["peak-RSS-MiB"])
	return nil
}

// parseBench reads `go test -bench` output: unit → one value per line
// (ns/op is turned into sec/op).
func parseBench(out string) map[string][]float64 {
	metrics := map[string][]float64{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			unit := f[i+1]
			if unit == "ns/op" {
				v, unit = v/1e9, "sec/op"
			}
			metrics[unit] = append(metrics[unit], v)
		}
	}
	return metrics
}
