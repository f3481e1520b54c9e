package engine

import (
	"fmt"
	"strings"

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

// walkProgress is what one walk has shown: the steps each machine ran.
// Its methods are called from the walk's goroutine, one at a time.
type walkProgress struct {
	e    *Env
	live bool
	ran  map[string][]string // machine → the steps it ran
}

// announce adds the rows of g's nodes, in graph order.
func (e *Env) announce(g *graph.Graph) *walkProgress {
	w := &walkProgress{e: e, live: e.UI.Live() != nil, ran: map[string][]string{}}
	if !w.live {
		return w
	}
	for _, n := range g.Nodes() {
		if p, ok := n.(progressNode); ok {
			if row, label := p.row(); label != "" {
				e.UI.Add(row, label)
			}
		}
	}
	return w
}

// started shows a node's start on its row.
func (w *walkProgress) started(n graph.Node) {
	if !w.live {
		return
	}
	u := w.e.UI
	switch n := n.(type) {
	case *networkNode:
		u.Start(ui.NetworkRow(n.n.Name))
		u.Phase(ui.NetworkRow(n.n.Name), "creating")
	case *machineNode:
		u.Start(n.run.m.Name)
		u.Phase(n.run.m.Name, "checking")
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
		w.ran[n.run.m.Name] = append(w.ran[n.run.m.Name], n.s.Info().Name)
		u.Phase(n.run.m.Name, fmt.Sprintf("step %d/%d %s", k, len(n.run.m.Steps), n.s.Info().Name))
	case *globalNode:
		u.Start(n.s.Info().Name)
		u.Phase(n.s.Info().Name, stepSummary(n.s))
	}
}

// done ends a node's row when the node is the row's last, or failed.
func (w *walkProgress) done(r *graph.Result) {
	p, ok := r.Node.(progressNode)
	if !w.live || !ok {
		return
	}
	row, _ := p.row()
	u := w.e.UI
	switch r.Status {
	case graph.OK:
		switch n := r.Node.(type) {
		case *networkNode:
			u.Finish(row, "ready")
		case *doneNode:
			u.Finish(row, w.machineDone(n.run.m.Name))
		case *globalNode:
			u.Finish(row, "done")
		}
	case graph.Failed:
		u.Done(row, ui.RowFailed, r.Err)
	case graph.Skipped:
		u.Done(row, ui.RowSkipped, nil)
	case graph.Canceled:
		u.Done(row, ui.RowCanceled, nil)
	}
}

func (w *walkProgress) machineDone(name string) string {
	ran := w.ran[name]
	switch len(ran) {
	case 0:
		return "up"
	case 1:
		return "up, ran " + ran[0]
	}
	return fmt.Sprintf("up, ran %d steps", len(ran))
}

// finish ends the rows of machines whose walk has no done node (a
// partial run of watch): when all their nodes succeeded.
func (w *walkProgress) finish(rep *graph.Report) {
	if !w.live {
		return
	}
	for _, r := range rep.Results {
		n, ok := r.Node.(*machineNode)
		if !ok || r.Status != graph.OK || rep.Result(doneID(n.run.m.Name)) != nil {
			continue
		}
		name := n.run.m.Name
		if ran := w.ran[name]; len(ran) > 0 {
			w.e.UI.Finish(name, "ran "+strings.Join(ran, ", "))
		} else {
			w.e.UI.Finish(name, "up")
		}
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
		e.UI.Finish(name, doneWord(verb))
	}
	return err
}

// doneWord says what a verb of eachRow did.
func doneWord(verb string) string {
	switch verb {
	case "halt":
		return "halted"
	case "destroy":
		return "destroyed"
	case "remove network":
		return "removed"
	}
	return verb + ": done"
}
