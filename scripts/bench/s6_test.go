package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/envrun/envrun/cli"
	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/luaapi"
)

// loadPlan is what `envrun validate` and `envrun graph` do before they
// print: load the Envfile, check it as a whole and against the Docker
// provider's rules (no backend is asked), and plan the graph.
func loadPlan(tb testing.TB, path string) (*luaapi.Env, *graph.Graph) {
	ctx := context.Background()
	lenv, err := luaapi.Load(ctx, path, luaapi.Options{Print: io.Discard})
	if err != nil {
		tb.Fatal(err)
	}
	env, err := engine.New(ctx, lenv.Spec, engine.Options{Drivers: cli.Drivers, Provider: "docker"})
	if err != nil {
		tb.Fatal(err)
	}
	g, err := env.Plan(engine.PlanOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return lenv, g
}

// S6 wants 1,000 machines loaded, validated and planned in ≤ 200 ms and
// ≤ 100 MB. Run it alone in its process (scripts/bench does), since
// peak-RSS-MiB is the process's peak so far.
func BenchmarkS6LoadValidatePlan(b *testing.B) {
	dir, _, err := s6Files("../..", b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "Envfile.lua")
	// network, then per machine: machine, shell, file, done; one ansible.
	want := 1 + 4*s6Layout.Machines + 1
	b.ReportAllocs()
	for b.Loop() {
		lenv, g := loadPlan(b, path)
		if g.Len() != want {
			b.Fatalf("plan has %d nodes, want %d", g.Len(), want)
		}
		lenv.Close()
	}
	b.StopTimer()
	// What stays in memory while the loaded Envfile and its plan are used.
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	lenv, g := loadPlan(b, path)
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-min(before.HeapAlloc, after.HeapAlloc))/(1<<20), "live-heap-MiB")
	runtime.KeepAlive(g)
	lenv.Close()
	if rss := selfMaxRSS(); rss > 0 {
		b.ReportMetric(rss, "peak-RSS-MiB")
	}
}

// What `envrun graph` does for 1,000 machines: load, check, plan, and
// write the DOT text.
func BenchmarkS6Graph(b *testing.B) {
	dir, _, err := s6Files("../..", b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "Envfile.lua")
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		lenv, g := loadPlan(b, path)
		out.Reset()
		if err := g.DOT(&out, "envrun", engine.DOTAttrs); err != nil {
			b.Fatal(err)
		}
		lenv.Close()
	}
	if !bytes.Contains(out.Bytes(), []byte(`"machine:machine1000"`)) {
		b.Fatal("the DOT text lacks machine1000")
	}
}
