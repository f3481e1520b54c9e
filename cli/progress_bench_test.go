package cli_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/creack/pty"
)

// What the live panel costs, measured with the real binary on a real
// terminal (a pty) against plain output of the same work:
//
//	go test -tags libvirt_dlopen -run '^$' -bench BenchmarkProgress -benchtime 3x ./cli/
//
// BenchmarkProgressUp brings a one-machine environment (one shell step)
// up and destroys it; BenchmarkProgressNoopUp runs up on it while it is up.
// Each reports wall ms/op and envrun's CPU (user+system, with its
// children) as cpu-ms/op; docs/progress.md has figures. For the panel against
// the whole up (container, shim and daemons too) see
// BenchmarkProgressUpWholeCPU in progress_cpu_bench_test.go.

const progressBenchEnvfile = `
box "debian/bookworm"
network "pbench" { subnet = "172.27.4.0/24" }
machine "p-bench" {
  networks = { pbench = "172.27.4.10" },
  provision = { shell { inline = "for i in $(seq 1 200); do echo line $i; done" } },
}
`

// runOnPTY runs envrun args in dir with stderr (and stdout) on a pty of
// 100x30 and returns its wall and CPU time.
func runOnPTY(b *testing.B, dir string, args ...string) (wall, cpu time.Duration) {
	b.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		b.Fatal(err)
	}
	defer ptmx.Close()
	pty.Setsize(ptmx, &pty.Winsize{Cols: 100, Rows: 30})
	go io.Copy(io.Discard, ptmx)
	cmd := exec.Command(envrunBinary(b), args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = tty, tty
	cmd.Env = append(os.Environ(), "CI=", "TERM=xterm-256color")
	t0 := time.Now()
	err = cmd.Run()
	wall = time.Since(t0)
	tty.Close()
	if err != nil {
		b.Fatalf("envrun %v: %v", args, err)
	}
	return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

func progressBenchDir(b *testing.B) string {
	w := newWorld(b, progressBenchEnvfile)
	return w.dir
}

func BenchmarkProgressUp(b *testing.B) {
	dir := progressBenchDir(b)
	for _, mode := range []string{"plain", "tty"} {
		b.Run(mode, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				_, c := runOnPTY(b, dir, "--progress", mode, "up")
				cpu += c
				b.StopTimer()
				runOnPTY(b, dir, "--progress", "plain", "destroy", "-f")
				b.StartTimer()
			}
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

func BenchmarkProgressNoopUp(b *testing.B) {
	dir := progressBenchDir(b)
	runOnPTY(b, dir, "--progress", "plain", "up")
	for _, mode := range []string{"plain", "tty"} {
		b.Run(mode, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				_, c := runOnPTY(b, dir, "--progress", mode, "up")
				cpu += c
			}
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
		})
	}
	if _, err := os.Stat(filepath.Join(dir, ".envrun", "timings.json")); err != nil {
		b.Errorf("no timings recorded: %v", err)
	}
}
