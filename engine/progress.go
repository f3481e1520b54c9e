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
		if k := kind(n); k != nil {
			if row, label := k.row(); label != "" {
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
	if k := kind(n); k != nil {
		k.showStart(w)
	}
}

// done ends a node's row when the node is the row's last, or failed.
func (w *walkProgress) done(r *graph.Result) {
	k := kind(r.Node)
	if !w.live || k == nil {
		return
	}
	row, _ := k.row()
	u := w.e.UI
	switch r.Status {
	case graph.OK:
		if what, ends := k.finished(w); ends {
			u.Finish(row, what)
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
		k := kind(r.Node)
		if k == nil || k.upMachine() == "" || r.Status != graph.OK || rep.Result(doneID(k.upMachine())) != nil {
			continue
		}
		name := k.upMachine()
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
