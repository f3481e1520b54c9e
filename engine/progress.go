package engine

import (
	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/ui"
)

// What a walk tells the live display (--progress tty): one row per
// network, machine and global step. A machine's row lives from its
// machine node's start to its done node's end and shows its phases (the
// provider's, the SSH wait, step k/n). Plain output prints none of this:
// it is the lines the nodes print, as it always was.

// announce adds the rows of g's nodes, in graph order.
func (e *Env) announce(g *graph.Graph) {
	if e.UI.Live() == nil {
		return
	}
	for _, n := range g.Nodes() {
		if k := kind(n); k != nil {
			if row, label := k.row(); label != "" {
				e.UI.Add(row, label)
			}
		}
	}
}

// nodeStarted shows a node's start on its row.
func (e *Env) nodeStarted(n graph.Node) {
	if k := kind(n); k != nil {
		k.showStart()
	}
}

// nodeDone ends a node's row when the node is the row's last, or failed.
func (e *Env) nodeDone(r *graph.Result) {
	k := kind(r.Node)
	if k == nil {
		return
	}
	row, _ := k.row()
	switch r.Status {
	case graph.OK:
		if k.endsRow() {
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
	n.recorder.Observe(func(phase string) { e.UI.Phase(name, phaseLabel(phase)) })
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
