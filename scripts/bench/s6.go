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
		// `vagrant validate` of 1,000 machines takes minutes: once is enough.
		if b.vagrantMax > 0 && rep == 0 {
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

// s6GoBench runs the S6 Go benchmarks in a process of their own (the
// peak RSS is the process's) and records their figures.
func (b *bench) s6GoBench(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^BenchmarkS6",
		"-benchmem", "-count", strconv.Itoa(b.reps), "./scripts/bench")
	cmd.Dir = b.repo
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test -bench: %v\n%s", err, out)
	}
	results := parseBench(string(out))
	for _, bm := range []struct{ name, what string }{
		{"BenchmarkS6LoadValidatePlan", "Go benchmark: load + validate + plan, 1,000 machines"},
		{"BenchmarkS6Graph", "Go benchmark: load + validate + plan + DOT, 1,000 machines"},
	} {
		metrics := results[bm.name]
		if len(metrics["sec/op"]) == 0 {
			return fmt.Errorf("go test -bench printed no figures for %s:\n%s", bm.name, out)
		}
		m := newMeasure("S6", bm.what, 1000)
		m.Extra = map[string]float64{}
		for i, sec := range metrics["sec/op"] {
			m.add(envrunSide, i, sec)
		}
		for unit, vs := range metrics {
			if unit != "sec/op" {
				m.Extra[unit] = median(vs)
			}
		}
		b.results = append(b.results, m)
		progress("go bench %s: %s/op", bm.name, fmtSeconds(m.median(envrunSide)))
	}
	return nil
}

// parseBench reads `go test -bench` output: benchmark name (without the
// -CPUS suffix) → unit → one value per line (ns/op becomes sec/op).
func parseBench(out string) map[string]map[string][]float64 {
	results := map[string]map[string][]float64{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i]
		}
		if results[name] == nil {
			results[name] = map[string][]float64{}
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
			results[name][unit] = append(results[name][unit], v)
		}
	}
	return results
}
