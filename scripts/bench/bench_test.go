package main

import (
	"errors"
	"maps"
	"math"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/envrun/envrun/internal/golden"
)

var twoHost = layout{Machines: 2, Subnet: netip.MustParsePrefix("172.31.70.0/24"), File: true, Ansible: true}

// The three sides describe the same machines and steps: read side by side.
func TestGeneratedFilesGolden(t *testing.T) {
	golden.Check(t, "testdata/two-host.Envfile.lua", envfile(twoHost, "benchnet"))
	golden.Check(t, "testdata/two-host.Vagrantfile", vagrantfile(twoHost, vagrantImage, vagrantLabel))
	conf, hosts := floorConf(twoHost, "envrun-bench-floor", vagrantImage, "/work/floor_key", floorLabel)
	golden.Check(t, "testdata/two-host.floor.conf", conf)
	golden.Check(t, "testdata/two-host.hosts", hosts)
	golden.Check(t, "testdata/three-shell-only.Envfile.lua", envfile(layout{Machines: 3, Subnet: twoHost.Subnet}, "benchnet"))
}

// The generated Envfiles are valid: envrun loads, checks and plans them.
func TestGeneratedEnvfilesLoad(t *testing.T) {
	for _, tc := range []struct {
		name  string
		l     layout
		nodes int
	}{
		{"two-host", twoHost, 1 + 2*4 + 1},
		{"twenty shell-only", layout{Machines: 20, Subnet: twoHost.Subnet}, 1 + 20*3},
		{"S6", s6Layout, 1 + 1000*4 + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			pb, err := readPlaybook("../..")
			if err != nil {
				t.Fatal(err)
			}
			if err := writeFiles(dir, map[string]string{"Envfile.lua": envfile(tc.l, "benchnet"), fileSrc: motd, "provision.yml": pb}); err != nil {
				t.Fatal(err)
			}
			lenv, g := loadPlan(t, filepath.Join(dir, "Envfile.lua"))
			defer lenv.Close()
			if got := len(lenv.Spec.Machines); got != tc.l.Machines {
				t.Errorf("%d machines, want %d", got, tc.l.Machines)
			}
			if g.Len() != tc.nodes {
				t.Errorf("plan has %d nodes, want %d", g.Len(), tc.nodes)
			}
			last := lenv.Spec.Machines[len(lenv.Spec.Machines)-1]
			if ip := last.IP(); !tc.l.Subnet.Contains(ip) {
				t.Errorf("last machine's IP %s is outside %s", ip, tc.l.Subnet)
			}
		})
	}
}

func TestFloorScriptParses(t *testing.T) {
	if out, err := exec.Command("bash", "-n", "floor.sh").CombinedOutput(); err != nil {
		t.Fatalf("bash -n floor.sh: %v\n%s", err, out)
	}
}

func TestSubnetsAreTheBenchmarks(t *testing.T) {
	allowed := netip.MustParsePrefix("172.31.64.0/20") // holds 70–79; checked below
	for _, p := range []netip.Prefix{envrunNet, vagrantNet, floorNet, s6Net, netip.MustParsePrefix(watchNet + ".0/24")} {
		third := p.Addr().As4()[2]
		last := third + byte(1<<(24-p.Bits())) - 1
		if !allowed.Contains(p.Addr()) || third < 70 || last > 79 {
			t.Errorf("%s is outside 172.31.70.0/24 to 172.31.79.0/24", p)
		}
	}
}

func TestMedianAndPairRatios(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name string
		xs   []float64
		want float64
	}{
		{"odd", []float64{3, 1, 2}, 2},
		{"even", []float64{4, 1, 3, 2}, 2.5},
		{"NaN left out", []float64{nan, 5, 1, nan, 3}, 3},
		{"one", []float64{7}, 7},
	} {
		if got := median(tc.xs); got != tc.want {
			t.Errorf("%s: median(%v) = %v, want %v", tc.name, tc.xs, got, tc.want)
		}
	}
	if got := median([]float64{nan}); !math.IsNaN(got) {
		t.Errorf("median of nothing = %v, want NaN", got)
	}

	m := newMeasure("S3", "up", 2)
	// Pairs: (10,2)=5 (30,3)=10 (6,3)=2 (vagrant failed, 1) — and one
	// envrun-only repetition. Ratio of medians would be 10/2.5 = 4; the
	// median of the pairs' ratios is 5.
	for i, v := range []float64{10, 30, 6, nan} {
		m.add(vagrantSide, i, v)
	}
	for i, e := range []float64{2, 3, 3, 1, 2} {
		m.add(envrunSide, i, e)
	}
	if got := m.ratio(vagrantSide, envrunSide); got != 5 {
		t.Errorf("ratio = %v, want 5 (median of 5, 10, 2)", got)
	}
	if got := m.ratio(floorSide, envrunSide); !math.IsNaN(got) {
		t.Errorf("ratio with an unmeasured side = %v, want NaN", got)
	}
	if got := m.median(envrunSide); got != 2 {
		t.Errorf("median = %v, want 2", got)
	}
}

func TestParseBench(t *testing.T) {
	out := `goos: linux
BenchmarkS6LoadValidatePlan-2   	       8	 134758406 ns/op	         2.548 live-heap-MiB	        32.33 peak-RSS-MiB	16319040 B/op	  213842 allocs/op
BenchmarkS6Graph-2   	       5	 84914454 ns/op	21428675 B/op	  269939 allocs/op
BenchmarkS6LoadValidatePlan-2   	       9	 120000000 ns/op	         2.5 live-heap-MiB	        33 peak-RSS-MiB	16319000 B/op	  213840 allocs/op
PASS
`
	got := parseBench(out)
	lvp := got["BenchmarkS6LoadValidatePlan"]
	if want := []float64{0.134758406, 0.12}; !slices.Equal(lvp["sec/op"], want) {
		t.Errorf("sec/op = %v, want %v", lvp["sec/op"], want)
	}
	if want := []float64{32.33, 33}; !slices.Equal(lvp["peak-RSS-MiB"], want) {
		t.Errorf("peak-RSS-MiB = %v, want %v", lvp["peak-RSS-MiB"], want)
	}
	if want := []float64{269939}; !slices.Equal(got["BenchmarkS6Graph"]["allocs/op"], want) {
		t.Errorf("graph allocs/op = %v, want %v", got["BenchmarkS6Graph"]["allocs/op"], want)
	}
	if len(got) != 2 {
		t.Errorf("benchmarks %v, want two", slices.Collect(maps.Keys(got)))
	}
}

func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		wantErr string
		check   func(*config) bool
	}{
		{"short is S1 and S2 once without Vagrant", []string{"-short", "-reps", "9", "-vagrant-max", "20"}, "",
			func(c *config) bool {
				return c.reps == 1 && c.vagrantMax == 0 && slices.Equal(c.scenarios, []string{"S1", "S2"}) && slices.Equal(c.sizes, []int{2})
			}},
		{"scenarios and sizes", []string{"-s", "s3,S4", "-sizes", "2, 6"}, "",
			func(c *config) bool {
				return slices.Equal(c.scenarios, []string{"S3", "S4"}) && slices.Equal(c.sizes, []int{2, 6})
			}},
		{"unknown scenario", []string{"-s", "S99"}, `unknown scenario "S99"`, nil},
		{"bad size", []string{"-sizes", "2,x"}, `"x" is not a machine count`, nil},
		{"no repetition", []string{"-reps", "0"}, "at least 1", nil},
		{"stray argument", []string{"up"}, "unexpected arguments: up", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseFlags(tc.args)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Errorf("config %+v", *c)
			}
		})
	}
}

func TestFailureReason(t *testing.T) {
	vagrant := errors.New(`vagrant up failed (exit status 1) after 31.0 s; log x.log:
  A Docker command executed by Vagrant didn't complete successfully!
  Command: ["docker", "inspect", "0225", {:notify=>[:stdout, :stderr]}]
  Stderr: Error: No such object: 0225
  Stdout: []`)
	if got := failureReason(vagrant); got != "Error: No such object: 0225" {
		t.Errorf("reason %q", got)
	}
	if got := failureReason(errors.New("envrun up failed (exit status 1)\n  more")); got != "envrun up failed (exit status 1)" {
		t.Errorf("reason %q", got)
	}
	// The reason is looked for in the whole log, not only in the tail the
	// error quotes.
	log := filepath.Join(t.TempDir(), "up.log")
	if err := os.WriteFile(log, []byte("Command: [\"docker\", \"network\", \"inspect\"]\nStderr: Error response from daemon: network x not found\nStdout: [\n  {}\n]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := failureReason(&cmdError{msg: "vagrant up failed (exit status 1)\n  {}\n  ]", log: log}); got != "Error response from daemon: network x not found" {
		t.Errorf("reason %q", got)
	}
}

// The S3 plot is a PNG rendered by gnuplot (where gnuplot is installed:
// the benchmark installs it; CI's tests do not need it).
func TestPlotRendersPNG(t *testing.T) {
	if _, err := exec.LookPath("gnuplot"); err != nil {
		t.Skip("gnuplot is not installed (apt-get install gnuplot-nox)")
	}
	dir := t.TempDir()
	b := &bench{config: &config{out: dir, scenarios: []string{"S3"}, plot: filepath.Join(dir, "copy.png")}}
	for i, n := range []int{2, 6, 20} {
		m := newMeasure("S3", "up", n)
		m.add(envrunSide, 0, float64(n)/2)
		m.add(floorSide, 0, float64(n))
		if i < 2 {
			m.add(vagrantSide, 0, float64(n)*10) // none at 20 machines
		}
		b.results = append(b.results, m)
	}
	if err := b.plot(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"s3-growth.png", "copy.png"} {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(data), "\x89PNG") || len(data) < 10000 {
			t.Errorf("%s is not a plot (%d bytes)", f, len(data))
		}
	}
	dat, _ := os.ReadFile(filepath.Join(dir, "s3-growth.dat"))
	if !strings.Contains(string(dat), "20 10 NaN 20") {
		t.Errorf("data file lacks the 20-machine row with Vagrant missing:\n%s", dat)
	}
}
