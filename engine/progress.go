package engine

import (
	"fmt"

	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/ui"
)

// What a walk tells the live display (--progress tty): one row per
// network, machine and global step. A machine's row lives from its
// machine node's start to its done node's end and shows its phases (the
// provider's, the SSH wait, step k/n). Plain output prints none of this:
// it is the lines the nodes print, as it always was.

// progressNode is a graph node with a row on the live display.
type progressNode interface {
	// row is the row the node's work shows on; label is set for the
	// node that adds the row.
	row() (row, label string)
}

func (n *networkNode) row() (string, string) { return ui.NetworkRow(n.n.Name), "network " + n.n.Name }
func (n *machineNode) row() (string, string) { return n.run.m.Name, n.run.m.Name }
func (n *stepNode) row() (string, string)    { return n.run.m.Name, "" }
func (n *doneNode) row() (string, string)    { return n.run.m.Name, "" }
func (n *globalNode) row() (string, string)  { return n.s.Info().Name, n.s.Info().Name }

// announce adds the rows of g's nodes, in graph order.
func (e *Env) announce(g *graph.Graph) {
	if e.UI.Live() == nil {
		return
	}
	for _, n := range g.Nodes() {
		if p, ok := n.(progressNode); ok {
			if row, label := p.row(); label != "" {
				e.UI.Add(row, label)
			}
		}
	}
}

// nodeStarted shows a node's start on its row.
func (e *Env) nodeStarted(n graph.Node) {
	switch n := n.(type) {
	case *networkNode:
		e.UI.Start(ui.NetworkRow(n.n.Name))
		e.UI.Phase(ui.NetworkRow(n.n.Name), "creating")
	case *machineNode:
		e.UI.Start(n.run.m.Name)
		e.UI.Phase(n.run.m.Name, "checking")
	case *stepNode:
		if _, run := n.run.state(); !run {
			return
		}
		k := 0
		for i, s := range n.run.m.Steps {
			if s == n.s {
				k = i + 1
			}
		}
		e.UI.Phase(n.run.m.Name, fmt.Sprintf("step %d/%d %s", k, len(n.run.m.Steps), n.s.Info().Name))
	case *globalNode:
		e.UI.Start(n.s.Info().Name)
		e.UI.Phase(n.s.Info().Name, stepSummary(n.s))
	}
}

// nodeDone ends a node's row when the node is the row's last, or failed.
func (e *Env) nodeDone(r *graph.Result) {
	p, ok := r.Node.(progressNode)
	if !ok {
		return
	}
	row, _ := p.row()
	switch r.Status {
	case graph.OK:
		switch r.Node.(type) {
		case *networkNode, *doneNode, *globalNode:
			e.UI.Done(row, ui.RowOK, nil)
		}
	case graph.Failed:
		e.UI.Done(row, ui.RowFailed, r.Err)
	case graph.Skipped:
		e.UI.Done(row, ui.RowSkipped, nil)
	case graph.Canceled:
		e.UI.Done(row, ui.RowCanceled, nil)
	}
}

// observePhases shows a machine's phases (the provider's, the SSH wait)
// on its row.
func (e *Env) observePhases(n *machineNode) {
	if e.UI.Live() == nil {
		return
	}
	name := n.run.m.Name
	n.phases.Observe(func(phase string) { e.UI.Phase(name, phaseLabel(phase)) })
}

// phaseLabel words a timing phase for the display.
func phaseLabel(phase string) string {
	switch phase {
	case "inspect":
		return "checking"
	case "image":
		return "box image"
	case "create":
		return "creating"
	case "keys":
		return "installing keys"
	case "start":
		return "booting"
	case "SSH wait":
		return "waiting for SSH"
	}
	return phase
}

// eachRow shows fn's work on name as a row of its own (halt, destroy,
// and the lifecycle commands that act machine by machine).
func (e *Env) eachRow(name, verb string, fn func() error) error {
	e.UI.Add(name, name)
	e.UI.Start(name)
	e.UI.Phase(name, verb)
	err := fn()
	if err != nil {
		e.UI.Done(name, ui.RowFailed, err)
	} else {
		e.UI.Done(name, ui.RowOK, nil)
	}
	return err
}
