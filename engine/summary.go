package engine

import (
	"strings"
	"time"

	"github.com/envrun/envrun/engine/graph"
)

// Summary prints what a walk did: failures with their cause, what they
// skipped, and totals. With timings, every node's duration too.
func (e *Env) Summary(rep *graph.Report, elapsed time.Duration, timings bool) {
	if timings {
		e.printTimings(rep)
	}
	machines := 0
	for _, r := range rep.Results {
		if k := kind(r.Node); k != nil && k.upMachine() != "" && r.Status == graph.OK {
			machines++
		}
	}
	failed, canceled := rep.Count(graph.Failed), rep.Count(graph.Canceled)
	if failed == 0 && canceled == 0 {
		e.UI.Printf("%s %d machine(s) up in %.1fs\n", e.UI.Green("envrun: ok:"), machines, elapsed.Seconds())
		return
	}
	e.UI.Printf("\n")
	for _, r := range rep.Results {
		if r.Status == graph.Failed {
			e.UI.Printf("%s %s: %v\n", e.UI.Red("FAILED"), r.Node.ID(), r.Err)
		}
	}
	for _, c := range skipCauses(rep) {
		e.UI.Printf("%s because %s failed:\n", e.UI.Yellow("skipped"), c.root)
		for _, l := range c.lines {
			e.UI.Printf("  %-36s %s\n", strings.Join(l.what, ", "), e.UI.Dim("("+l.why+")"))
		}
	}
	if canceled > 0 {
		e.UI.Printf("%s %d node(s): interrupted\n", e.UI.Yellow("canceled"), canceled)
	}
	e.UI.Printf("envrun: %d failed, %d skipped, %d canceled, %d ok in %.1fs\n",
		failed, rep.Count(graph.Skipped), canceled, rep.Count(graph.OK), elapsed.Seconds())
}

// skipCause is what one failed node made the walk skip, and why.
type skipCause struct {
	root  string
	lines []skipLine
}

type skipLine struct {
	what []string // node IDs
	why  string
}

// skipCauses explains the skipped nodes of a walk, grouped by the failure
// at their root: machines that depend on a failed one (with their steps),
// a machine's steps after its failed step, and global steps over a failed
// machine or after a failed step. Internal barrier nodes are not shown.
func skipCauses(rep *graph.Report) []skipCause {
	sr := &skipReport{rep: rep}
	var causes []skipCause
	index := map[string]int{}  // root → causes index
	lineAt := map[string]int{} // root + line key → lines index
	add := func(root, key, what, why string) {
		i, ok := index[root]
		if !ok {
			i = len(causes)
			index[root] = i
			causes = append(causes, skipCause{root: root})
		}
		c := &causes[i]
		if j, ok := lineAt[root+"\x00"+key]; ok {
			c.lines[j].what = append(c.lines[j].what, what)
			return
		}
		lineAt[root+"\x00"+key] = len(c.lines)
		c.lines = append(c.lines, skipLine{what: []string{what}, why: why})
	}
	for _, r := range rep.Results {
		k := kind(r.Node)
		if r.Status != graph.Skipped || k == nil {
			continue
		}
		if key, what, why := k.skipped(sr); what != "" {
			add(r.Cause, key, what, why)
		}
	}
	return causes
}

// skipReport is the walk's report as a node reads it to explain its skip.
type skipReport struct{ rep *graph.Report }

// notOK reports whether node id was in the walk and did not succeed.
func (s *skipReport) notOK(id string) bool {
	r := s.rep.Result(id)
	return r != nil && r.Status != graph.OK
}
