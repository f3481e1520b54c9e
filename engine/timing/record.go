package timing

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Run is what one `envrun up` or `provision` did and when: what
// `envrun timings` shows again, as a table or a waterfall. It is kept in
// the state folder (timings.json), the last run only.
type Run struct {
	Command string        `json:"command"`
	Start   time.Time     `json:"start"`   // when the first node started
	Elapsed time.Duration `json:"elapsed"` // the whole command
	Nodes   []Node        `json:"nodes"`   // those that ran, in graph order
}

// Node is one node of the walk that ran (internal barriers left out).
type Node struct {
	ID       string        `json:"id"`
	Kind     string        `json:"kind"`           // network, machine, step, global
	Step     string        `json:"step,omitempty"` // a step's kind: shell, file, ansible, lua
	Status   string        `json:"status"`         // ok, failed
	Start    time.Duration `json:"start"`          // since Run.Start
	Duration time.Duration `json:"duration"`
	// Deps are the recorded nodes it waited for (through barriers).
	Deps   []string `json:"deps,omitempty"`
	Phases []Span   `json:"phases,omitempty"`
}

// Span is one phase of a node: Start since Run.Start.
type Span struct {
	Name     string        `json:"name"`
	Start    time.Duration `json:"start"`
	Duration time.Duration `json:"duration"`
}

// End is when the node ended, since Run.Start.
func (n Node) End() time.Duration { return n.Start + n.Duration }

// Node returns the node id, or nil.
func (r *Run) Node(id string) *Node {
	for i := range r.Nodes {
		if r.Nodes[i].ID == id {
			return &r.Nodes[i]
		}
	}
	return nil
}

// CriticalPath lists the nodes that decided how long the run took: from
// the node that ended last, back through the dependency that ended last
// each time. First node first.
func (r *Run) CriticalPath() []string {
	var last *Node
	for i := range r.Nodes {
		if last == nil || r.Nodes[i].End() > last.End() {
			last = &r.Nodes[i]
		}
	}
	var path []string
	for n := last; n != nil; {
		path = append(path, n.ID)
		var next *Node
		for _, d := range n.Deps {
			if dn := r.Node(d); dn != nil && (next == nil || dn.End() > next.End()) {
				next = dn
			}
		}
		n = next
	}
	slices.Reverse(path)
	return path
}

// WriteTable prints the run as `up --timings` does: each node's start and
// duration, with a machine's phases below it (through dim).
func (r *Run) WriteTable(w io.Writer, dim func(string) string) {
	fmt.Fprintf(w, "\ntimings:%32s %9s %9s\n", "", "start", "took")
	for _, n := range r.Nodes {
		fmt.Fprintf(w, "  %-38s %+8.3fs %8.3fs\n", n.ID, n.Start.Seconds(), n.Duration.Seconds())
		var parts []string
		for _, p := range n.Phases {
			parts = append(parts, fmt.Sprintf("%s %.3fs", p.Name, p.Duration.Seconds()))
		}
		if len(parts) > 0 {
			fmt.Fprintf(w, "    %s\n", dim(strings.Join(parts, ", ")))
		}
	}
}
