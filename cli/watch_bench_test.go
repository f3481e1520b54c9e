package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const benchEnvfile = `box "debian/bookworm"
network "benchnet" { subnet = "172.31.104.0/24", gateway = "172.31.104.1" }
machine "web" {
  networks = { benchnet = "172.31.104.10" },
  provision = {
    shell { path = "step.sh" },
    shell { path = "other.sh" },
  },
}
machine "db" {
  networks = { benchnet = "172.31.104.11" },
  provision = { shell { path = "other.sh" } },
}
`

// BenchmarkIntegrationWatchLatency measures, on real Docker machines, the
// time from writing a step's script to the start of that step, over
// watchSamples changes (b.N is not used: one sample is a change, and the
// figure wanted is a distribution). Two ends are reported:
//
//   - step-ms: the watch prints that the step starts (the engine runs it);
//   - remote-ms: the script's first command runs on the machine (its clock
//     is the host's: a container shares the kernel's).
//
// Run it with: go test ./cli -run '^$' -bench WatchLatency -benchtime 1x
// ENVRUN_WATCH_BENCH_NET=172.31.75 puts its machines in 172.31.75.0/24
// instead of 172.31.52.0/24 (scripts/bench runs it in its own range).
func BenchmarkIntegrationWatchLatency(b *testing.B) {
	const watchSamples = 25
	envfile := benchEnvfile
	if net := os.Getenv("ENVRUN_WATCH_BENCH_NET"); net != "" {
		envfile = strings.ReplaceAll(envfile, "172.31.52.", net+".")
	}
	wd := newWorld(b, envfile)
	dir := wd.dir
	writeFile(b, filepath.Join(dir, "step.sh"), "echo START $(date +%s%N) 0\n")
	writeFile(b, filepath.Join(dir, "other.sh"), "true\n")
	w := startWatch(b, wd)
	w.waitLine(b, 0, "watching 3 path(s) of 3 step(s)", 3*time.Minute)

	var step, remote, supervise []time.Duration
	b.ResetTimer()
	for i := 1; i <= watchSamples; i++ {
		m := w.mark()
		t0 := time.Now()
		writeFile(b, filepath.Join(dir, "step.sh"), fmt.Sprintf("echo START $(date +%%s%%N) %d\n", i))
		started := w.waitLine(b, m, "web | [shell#1] shell ", 30*time.Second)
		step = append(step, w.lineTime(started).Sub(t0))
		out := w.waitLine(b, m, fmt.Sprintf(" %d", i), 30*time.Second)
		f := strings.Fields(w.linesFrom(out)[0])
		ns, err := strconv.ParseInt(f[len(f)-2], 10, 64)
		if err != nil || f[len(f)-3] != "START" {
			b.Fatalf("unexpected step output %q", w.linesFrom(out)[0])
		}
		remote = append(remote, time.Unix(0, ns).Sub(t0))
		supervise = append(supervise, time.Unix(0, ns).Sub(w.lineTime(started)))
		w.waitLine(b, m, "envrun: ok: re-ran web/shell#1 in", 30*time.Second)
		if got := startedSteps(w.linesFrom(m)); len(got) != 1 {
			b.Fatalf("change %d ran %q, want web/shell#1 only", i, got)
		}
	}
	b.StopTimer()
	reportDurations(b, "step", step)
	reportDurations(b, "remote", remote)
	reportDurations(b, "step-to-remote", supervise)
	b.ReportMetric(0, "ns/op")
}

// reportDurations reports the median and p90 of ds as metrics NAME-median-ms
// and NAME-p90-ms, and logs the distribution.
func reportDurations(b *testing.B, name string, ds []time.Duration) {
	b.Helper()
	ds = slices.Sorted(slices.Values(ds))
	p := func(q float64) float64 { return float64(ds[int(q*float64(len(ds)-1)+0.5)]) / 1e6 }
	b.ReportMetric(p(0.5), name+"-median-ms")
	b.ReportMetric(p(0.9), name+"-p90-ms")
	b.Logf("%s: min %.0f ms, median %.0f ms, p90 %.0f ms, max %.0f ms over %d samples",
		name, p(0), p(0.5), p(0.9), p(1), len(ds))
}
