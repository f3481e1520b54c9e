package main

import (
	"fmt"
	"math"
	"slices"
)

// Sides of a comparison.
const (
	envrunSide  = "envrun"
	vagrantSide = "vagrant"
	floorSide   = "floor"
)

// measure is one timed thing (a scenario at one size) with every
// repetition's seconds per side; times[side][i] is repetition i, so the
// sides' i-th entries were measured back to back and form a pair.
type measure struct {
	Scenario string // "S1"
	What     string // "up from nothing, provisioned"
	Machines int
	Times    map[string][]float64
	// Extra are figures that are not times (S6's memory), by name.
	Extra map[string]float64
}

func newMeasure(scenario, what string, machines int) *measure {
	return &measure{Scenario: scenario, What: what, Machines: machines, Times: map[string][]float64{}}
}

func (m *measure) add(side string, rep int, seconds float64) {
	t := m.Times[side]
	for len(t) <= rep {
		t = append(t, math.NaN())
	}
	t[rep] = seconds
	m.Times[side] = t
}

// median of the values that are not NaN; NaN when there are none.
func median(xs []float64) float64 {
	var v []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// ratio is the median of num/den over the repetitions where both sides
// were measured: each pair was taken back to back, under the same load.
func (m *measure) ratio(num, den string) float64 {
	a, b := m.Times[num], m.Times[den]
	var rs []float64
	for i := range min(len(a), len(b)) {
		if !math.IsNaN(a[i]) && !math.IsNaN(b[i]) && b[i] > 0 {
			rs = append(rs, a[i]/b[i])
		}
	}
	return median(rs)
}

func (m *measure) median(side string) float64 { return median(m.Times[side]) }

// fmtSeconds prints a median: milliseconds below a second.
func fmtSeconds(s float64) string {
	switch {
	case math.IsNaN(s):
		return "–"
	case s < 1:
		return fmt.Sprintf("%.0f ms", s*1000)
	case s < 10:
		return fmt.Sprintf("%.2f s", s)
	}
	return fmt.Sprintf("%.1f s", s)
}

func fmtRatio(r float64) string {
	if math.IsNaN(r) {
		return "–"
	}
	if r >= 10 {
		return fmt.Sprintf("%.0f×", r)
	}
	return fmt.Sprintf("%.2f×", r)
}
