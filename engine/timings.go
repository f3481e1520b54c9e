package engine

import (
	"strings"
	"time"

	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/timing"
)

// Timings records what a walk did and when, for `up --timings` and
// `envrun timings`: the nodes that ran (OK or failed; not the internal
// barriers), in graph order, each with the nodes it waited for and a
// machine's phases.
func Timings(rep *graph.Report, command string, elapsed time.Duration) *timing.Run {
	run := &timing.Run{Command: command, Elapsed: elapsed}
	recorded := func(r *graph.Result) bool {
		if r == nil || (r.Status != graph.OK && r.Status != graph.Failed) {
			return false
		}
		k := kind(r.Node)
		if k == nil {
			return true
		}
		what, _ := k.timingKind()
		return what != ""
	}
	for _, r := range rep.Results {
		if recorded(r) && (run.Start.IsZero() || r.Start.Before(run.Start)) {
			run.Start = r.Start
		}
	}
	for _, r := range rep.Results {
		if !recorded(r) {
			continue
		}
		n := timing.Node{
			ID:       r.Node.ID(),
			Status:   r.Status.String(),
			Start:    r.Start.Sub(run.Start),
			Duration: r.Duration,
		}
		if k := kind(r.Node); k != nil {
			n.Kind, n.Step = k.timingKind()
			for _, p := range k.phases() {
				n.Phases = append(n.Phases, timing.Span{Name: p.Name, Start: p.Start.Sub(run.Start), Duration: p.Duration})
			}
		}
		if rep.Graph != nil {
			n.Deps = recordedDeps(rep, r.Node.ID(), recorded)
		}
		run.Nodes = append(run.Nodes, n)
	}
	return run
}

// recordedDeps lists the recorded nodes id waited for, looking through
// the ones not recorded (barriers, nodes that did not run).
func recordedDeps(rep *graph.Report, id string, recorded func(*graph.Result) bool) []string {
	var out []string
	seen := map[string]bool{}
	var visit func(string)
	visit = func(id string) {
		for _, d := range rep.Graph.Deps(id) {
			if seen[d] {
				continue
			}
			seen[d] = true
			if recorded(rep.Result(d)) {
				out = append(out, d)
			} else {
				visit(d)
			}
		}
	}
	visit(id)
	return out
}

// printTimings prints when each node that ran started and how long it
// took, in graph order (each machine, then its steps), with the phases of
// a machine's time below it: the provider's calls and the SSH wait.
func (e *Env) printTimings(rep *graph.Report) {
	var b strings.Builder
	Timings(rep, "", 0).WriteTable(&b, e.UI.Dim)
	e.UI.Printf("%s", b.String())
}
