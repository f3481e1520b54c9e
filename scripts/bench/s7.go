package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// uploadBenches are S7 and S8: Go benchmarks in ./cli that time envrun on
// a real Docker machine next to `tar | ssh` and rsync over OpenSSH (the
// floor column), quiet and then with two CPU hogs, in one run. Each
// reports per load (quiet, loaded) an envrun figure and a floor figure.
var uploadBenches = []struct {
	scenario, bench string
	rows            []struct{ what, envrun, floor string }
}{
	{"S7", "BenchmarkIntegrationUploadTree", []struct{ what, envrun, floor string }{
		{"tree upload, 3,031 folders, 9,000 files (floor: tar | ssh)", "envrun-s", "tar-ssh-s"},
		{"tree upload, 3,031 folders, 9,000 files (floor: rsync)", "envrun-s", "rsync-s"},
	}},
	{"S8", "BenchmarkIntegrationWatchSync", []struct{ what, envrun, floor string }{
		{"watch: one changed file reaches the machine (floor: rsync)", "one-file-ms", "rsync-one-file-ms"},
		{"watch: a session's first changed file reaches the machine (floor: rsync)", "first-change-ms", "rsync-one-file-ms"},
		{"watch: 1,000-file burst reaches the machine (floor: rsync)", "burst-1000-s", "rsync-burst-1000-s"},
	}},
}

// uploads runs the S7 and S8 benchmarks that are wanted.
func (b *bench) uploads(ctx context.Context) error {
	for _, ub := range uploadBenches {
		if !b.want(ub.scenario) {
			continue
		}
		cmd := exec.CommandContext(ctx, "go", "test", "-tags", "libvirt_dlopen", "-run", "^$", "-bench", "^"+ub.bench+"$",
			"-benchtime", "1x", "-timeout", "60m", "-v", "./cli")
		cmd.Dir = b.repo
		progress("%s: go test -bench %s (several minutes)", ub.scenario, ub.bench)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("go test -bench %s: %v\n%s", ub.bench, err, out)
		}
		results := parseBench(string(out))[ub.bench]
		for _, load := range []string{"quiet", "loaded"} {
			for _, row := range ub.rows {
				env, floor := results[load+"-"+row.envrun], results[load+"-"+row.floor]
				if len(env) == 0 || len(floor) == 0 {
					return fmt.Errorf("%s printed no %s figures:\n%s", ub.bench, load, out)
				}
				scale := 1.0
				if strings.HasSuffix(row.envrun, "-ms") {
					scale = 1e-3
				}
				m := newMeasure(ub.scenario, row.what+", "+load, 1)
				m.add(envrunSide, 0, env[0]*scale)
				m.add(floorSide, 0, floor[0]*scale)
				b.results = append(b.results, m)
			}
		}
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); strings.Contains(l, ub.scenario+" quiet") || strings.Contains(l, ub.scenario+" loaded") {
				_, l, _ = strings.Cut(l, ": ")
				b.notes = append(b.notes, l)
			}
		}
	}
	return nil
}
