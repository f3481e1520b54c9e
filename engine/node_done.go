package engine

import (
	"context"
)

// doneNode is a machine's barrier: it is reached when the machine and its
// planned steps are done, and records a provisioned machine in the cache.
// Machines that depend on this one, and global steps over it, wait for it.
type doneNode struct {
	nodeBase
	p   *plan
	run *machineRun
}

func (n *doneNode) ID() string { return doneID(n.run.m.Name) }

func (n *doneNode) Execute(ctx context.Context) error {
	inst, run := n.run.state()
	if !run || len(n.p.opts.Only) > 0 || n.p.opts.Folders {
		return nil // a --step (or rsync) run does not run every step
	}
	n.run.mu.Lock()
	n.run.done = true
	n.run.mu.Unlock()
	m := n.run.m
	return n.p.e.cache.update(func(d *cacheData) {
		d.Provider = n.p.e.Driver.Name
		mc := d.Machines[m.Name]
		if mc.ID != inst.ID {
			mc = machineCache{ID: inst.ID}
		}
		mc.Provisioned = true
		d.Machines[m.Name] = mc
	})
}

func (n *doneNode) scope() string    { return n.run.m.Name }
func (n *doneNode) dotAttrs() string { return `shape=point, xlabel="` + n.ID() + `"` }

// dotEdgeAttrs: an edge from a barrier to a machine is a depends_on.
func (n *doneNode) dotEdgeAttrs(to node) string {
	if to.upMachine() != "" {
		return `label="depends_on", style=dashed`
	}
	return ""
}

// timingKind: a barrier takes no time worth a line.
func (n *doneNode) timingKind() (string, string) { return "", "" }

// row: the barrier ends its machine's row.
func (n *doneNode) row() (string, string)   { return n.run.m.Name, "" }
func (n *doneNode) showStart(*walkProgress) {}

func (n *doneNode) finished(w *walkProgress) (string, bool) {
	return w.machineDone(n.run.m.Name), true
}
