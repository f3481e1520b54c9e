package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// report prints the tables on stdout and writes results.md, results.json
// and, with S3, the growth plot into the out folder.
func (b *bench) report() error {
	var md strings.Builder
	md.WriteString(b.markdown())
	fmt.Print(md.String())
	if err := os.WriteFile(filepath.Join(b.out, "results.md"), []byte(md.String()), 0o644); err != nil {
		return err
	}
	data, err := json.MarshalIndent(struct {
		Info     []string   `json:"info"`
		Loads    []string   `json:"loads"`
		Notes    []string   `json:"notes"`
		Measures []*measure `json:"measures"`
	}{b.info, b.loads, b.notes, b.results}, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(b.out, "results.json"), data, 0o644); err != nil {
		return err
	}
	if b.want("S3") {
		if err := b.plot(); err != nil {
			return err
		}
	}
	progress("results in %s", b.out)
	return nil
}

// MarshalJSON writes NaN (a side not measured in a repetition) as null,
// and adds the medians.
func (m *measure) MarshalJSON() ([]byte, error) {
	type plain struct {
		Scenario string                `json:"scenario"`
		What     string                `json:"what"`
		Machines int                   `json:"machines"`
		Times    map[string][]*float64 `json:"seconds"`
		Medians  map[string]*float64   `json:"medians"`
		Extra    map[string]float64    `json:"extra,omitempty"`
	}
	p := plain{Scenario: m.Scenario, What: m.What, Machines: m.Machines,
		Times: map[string][]*float64{}, Medians: map[string]*float64{}, Extra: m.Extra}
	num := func(x float64) *float64 {
		if math.IsNaN(x) {
			return nil
		}
		return &x
	}
	for side, ts := range m.Times {
		for _, t := range ts {
			p.Times[side] = append(p.Times[side], num(t))
		}
		p.Medians[side] = num(m.median(side))
	}
	return json.Marshal(p)
}

func (b *bench) markdown() string {
	var s strings.Builder
	s.WriteString("\n## Benchmark results\n\n")
	for _, l := range b.info {
		fmt.Fprintf(&s, "- %s\n", l)
	}
	for _, l := range b.loads {
		fmt.Fprintf(&s, "- %s\n", l)
	}
	s.WriteString("\nMedians; ratios are medians of the ratios of each repetition's pair.\n\n")
	s.WriteString("| scenario | what | machines | envrun | Vagrant | floor | Vagrant ÷ envrun | envrun ÷ floor |\n")
	s.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, m := range b.results {
		fmt.Fprintf(&s, "| %s | %s | %d | %s | %s | %s | %s | %s |\n", m.Scenario, m.What, m.Machines,
			fmtSeconds(m.median(envrunSide)), fmtSeconds(m.median(vagrantSide)), fmtSeconds(m.median(floorSide)),
			fmtRatio(m.ratio(vagrantSide, envrunSide)), fmtRatio(m.ratio(envrunSide, floorSide)))
	}
	if rows := b.extraRows(); rows != "" {
		s.WriteString("\nMore figures (S5's spread, S6's memory and allocations):\n\n| what | figure | value |\n|---|---|---|\n")
		s.WriteString(rows)
	}
	s.WriteString("\nGoals:\n\n| goal | measured | met |\n|---|---|---|\n")
	for _, g := range b.goals() {
		met := "no"
		switch {
		case g.ok == nil:
			met = "not measured"
		case *g.ok:
			met = "yes"
		}
		fmt.Fprintf(&s, "| %s | %s | %s |\n", g.goal, g.figure, met)
	}
	if len(b.notes) > 0 {
		s.WriteString("\nNotes:\n\n")
		for _, n := range b.notes {
			fmt.Fprintf(&s, "- %s\n", n)
		}
	}
	return s.String()
}

// extraRows are S6's memory figures: each command's peak RSS, and the Go
// benchmarks' peak RSS, live heap and allocations.
func (b *bench) extraRows() string {
	var s strings.Builder
	for _, m := range b.results {
		for _, k := range []struct{ key, label, format string }{
			{"envrun peak RSS MiB", "envrun: peak RSS", "%.0f MiB"},
			{"vagrant peak RSS MiB", "Vagrant: peak RSS", "%.0f MiB"},
			{"peak-RSS-MiB", "peak RSS of the benchmark process", "%.0f MiB"},
			{"live-heap-MiB", "heap in use by the loaded Envfile and its plan", "%.1f MiB"},
			{"B/op", "allocated per run", "%.0f B"},
			{"allocs/op", "allocations per run", "%.0f"},
			{"step-p90-ms", "90th percentile, file write → step start", "%.0f ms"},
			{"remote-median-ms", "median, file write → the script's first command on the machine", "%.0f ms"},
			{"remote-p90-ms", "90th percentile, file write → the script's first command on the machine", "%.0f ms"},
		} {
			if v, ok := m.Extra[k.key]; ok && !math.IsNaN(v) {
				fmt.Fprintf(&s, "| %s | %s | "+k.format+" |\n", m.What, k.label, v)
			}
		}
	}
	return s.String()
}

// find is the measure of scenario, machines, whose what starts with prefix.
func (b *bench) find(scenario string, machines int, prefix string) *measure {
	for _, m := range b.results {
		if m.Scenario == scenario && m.Machines == machines && strings.HasPrefix(m.What, prefix) {
			return m
		}
	}
	return nil
}

type goal struct {
	goal, figure string
	ok           *bool // nil: not measured
}

// goals are the targets, checked against this run's figures.
func (b *bench) goals() []goal {
	var out []goal
	check := func(text string, m *measure, value func(*measure) float64, format func(float64) string, ok func(float64) bool) {
		g := goal{goal: text, figure: "–"}
		if m != nil {
			if v := value(m); !math.IsNaN(v) {
				r := ok(v)
				g.figure, g.ok = format(v), &r
			}
		}
		out = append(out, g)
	}
	ratio := func(num, den string) func(*measure) float64 {
		return func(m *measure) float64 { return m.ratio(num, den) }
	}
	med := func(m *measure) float64 { return m.median(envrunSide) }
	s1 := b.find("S1", 2, "two-host")
	check("S1: Vagrant ÷ envrun ≥ 3", s1, ratio(vagrantSide, envrunSide), fmtRatio, func(v float64) bool { return v >= 3 })
	check("S1: envrun ÷ floor ≤ 0.9", s1, ratio(envrunSide, floorSide), fmtRatio, func(v float64) bool { return v <= 0.9 })
	for _, n := range []int{2, 20} {
		check(fmt.Sprintf("S2: no-op `envrun up` ≤ 0.3 s, %d machines", n), b.find("S2", n, "no-op"), med, fmtSeconds, func(v float64) bool { return v <= 0.3 })
		check(fmt.Sprintf("S2: `envrun status` ≤ 0.1 s, %d machines", n), b.find("S2", n, "status"), med, fmtSeconds, func(v float64) bool { return v <= 0.1 })
	}
	for _, n := range []int{6, 20} {
		check(fmt.Sprintf("S3: envrun ÷ floor ≤ 1, %d machines", n), b.find("S3", n, "up"), ratio(envrunSide, floorSide), fmtRatio, func(v float64) bool { return v <= 1 })
	}
	for _, n := range b.sizes {
		check(fmt.Sprintf("S4: destroy, envrun ÷ floor ≤ 1.5, %d machines", n), b.find("S4", n, "destroy"), ratio(envrunSide, floorSide), fmtRatio, func(v float64) bool { return v <= 1.5 })
	}
	check("S5: `envrun watch` latency ≤ 300 ms", b.find("S5", 2, ""), med, fmtSeconds, func(v float64) bool { return v <= 0.3 })
	v := b.find("S6", 1000, "validate")
	check("S6: `envrun validate`, 1,000 machines, ≤ 200 ms", v, med, fmtSeconds, func(v float64) bool { return v <= 0.2 })
	check("S6: `envrun validate`, 1,000 machines, ≤ 100 MB peak", v,
		func(m *measure) float64 { return extra(m, "envrun peak RSS MiB") * (1 << 20) / 1e6 },
		func(v float64) string { return fmt.Sprintf("%.0f MB", v) }, func(v float64) bool { return v <= 100 })
	check("S6: `envrun graph`, 1,000 machines, ≤ 200 ms", b.find("S6", 1000, "`envrun graph`"), med, fmtSeconds, func(v float64) bool { return v <= 0.2 })
	for _, load := range []string{"quiet", "loaded"} {
		check("S7: tree upload, envrun ÷ tar | ssh ≤ 1.2, "+load, b.find("S7", 1, "tree upload, 3,031 folders, 9,000 files (floor: tar | ssh), "+load),
			ratio(envrunSide, floorSide), fmtRatio, func(v float64) bool { return v <= 1.2 })
		check("S8: one changed file on the machine ≤ 300 ms median, "+load, b.find("S8", 1, "watch: one changed file reaches the machine (floor: rsync), "+load),
			med, fmtSeconds, func(v float64) bool { return v <= 0.3 })
		check("S8: 1,000-file burst, envrun ÷ rsync ≤ 2, "+load, b.find("S8", 1, "watch: 1,000-file burst reaches the machine (floor: rsync), "+load),
			ratio(envrunSide, floorSide), fmtRatio, func(v float64) bool { return v <= 2 })
	}
	check("S9: `envrun snapshot restore` of the two-host example ≤ 1 s", b.find("S9", 2, "snapshot restore"), med, fmtSeconds, func(v float64) bool { return v <= 1 })
	gb := b.find("S6", 1000, "Go benchmark")
	check("S6: Go benchmark load+validate+plan ≤ 200 ms", gb, med, fmtSeconds, func(v float64) bool { return v <= 0.2 })
	check("S6: Go benchmark peak RSS ≤ 100 MB", gb,
		func(m *measure) float64 { return extra(m, "peak-RSS-MiB") * (1 << 20) / 1e6 },
		func(v float64) string { return fmt.Sprintf("%.0f MB", v) }, func(v float64) bool { return v <= 100 })
	return out
}

func extra(m *measure, k string) float64 {
	v, ok := m.Extra[k]
	if !ok {
		return math.NaN()
	}
	return v
}

// plot renders S3's growth (median seconds by machine count, one line per
// side) with gnuplot into OUT/s3-growth.png, and copies it to -plot.
func (b *bench) plot() error {
	var data strings.Builder
	data.WriteString("# machines envrun vagrant floor (median seconds; NaN: not measured)\n")
	points := 0
	for _, m := range b.results {
		if m.Scenario != "S3" {
			continue
		}
		points++
		fmt.Fprintf(&data, "%d %g %g %g\n", m.Machines, m.median(envrunSide), m.median(vagrantSide), m.median(floorSide))
	}
	if points == 0 {
		return nil
	}
	dataPath := filepath.Join(b.out, "s3-growth.dat")
	png := filepath.Join(b.out, "s3-growth.png")
	if err := os.WriteFile(dataPath, []byte(data.String()), 0o644); err != nil {
		return err
	}
	title := "S3: up from nothing, one shell step per machine (medians)"
	if len(b.info) > 0 {
		title += ", " + strings.TrimPrefix(b.info[0], "date: ")
	}
	// Two panels: the three sides, then envrun and the floor alone (Vagrant
	// is ten times slower and would flatten them).
	script := fmt.Sprintf(`set terminal pngcairo size 1100,480 font "sans,10"
set output %[1]q
set datafile missing "NaN"
set multiplot layout 1,2 title "%[2]s"
set xlabel "machines"
set ylabel "seconds"
set key top left
set grid
set yrange [0:*]
set title "envrun, the floor and Vagrant"
plot %[3]q using 1:2 with linespoints lw 2 pt 7 lc rgb "#1b9e77" title "envrun up", \
     %[3]q using 1:4 with linespoints lw 2 pt 5 lc rgb "#7570b3" title "floor (docker + ssh script)", \
     %[3]q using 1:3 with linespoints lw 2 pt 9 lc rgb "#d95f02" title "vagrant up (docker provider)"
set title "envrun and the floor"
plot %[3]q using 1:2 with linespoints lw 2 pt 7 lc rgb "#1b9e77" title "envrun up", \
     %[3]q using 1:4 with linespoints lw 2 pt 5 lc rgb "#7570b3" title "floor (docker + ssh script)"
unset multiplot
`, png, title, dataPath)
	gp := filepath.Join(b.out, "s3-growth.gp")
	if err := os.WriteFile(gp, []byte(script), 0o644); err != nil {
		return err
	}
	if out, err := exec.Command("gnuplot", gp).CombinedOutput(); err != nil {
		return fmt.Errorf("gnuplot: %v\n%s", err, out)
	}
	if b.config.plot != "" {
		data, err := os.ReadFile(png)
		if err != nil {
			return err
		}
		return os.WriteFile(b.config.plot, data, 0o644)
	}
	return nil
}
