package engine

import (
	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/timing"
)

// A plan holds five kinds of node, each in its own file with all of its
// behaviour:
//
//	networkNode  node_network.go  makes a network
//	machineNode  node_machine.go  brings a machine up and connects to it
//	stepNode     node_step.go     runs one of a machine's steps
//	doneNode     node_done.go     a barrier: the machine and its steps are done
//	globalNode   node_global.go   runs a global step over its machines
//
// What the rest of the engine asks of a node — how `envrun graph` draws it,
// where its output goes, what the summary says when it was skipped — is a
// method of node, so adding a kind touches one file.
type node interface {
	graph.Node
	// scope is the machine or global step the node belongs to: the
	// prefix of its lines. "" for none.
	scope() string
	// upMachine is the machine the node brings up, or "".
	upMachine() string
	// step is the step the node runs, if it runs one.
	step() (StepRef, bool)
	// dotAttrs styles the node in `envrun graph` (a DOT attribute list).
	dotAttrs() string
	// dotEdgeAttrs styles an edge from this node to `to` that the Envfile
	// asked for by name, or is "".
	dotEdgeAttrs(to node) string
	// timingKind is the node's kind ("network", "machine", "step",
	// "global") and its step's kind, as --timings and `envrun timings`
	// record them; "" leaves the node out of them.
	timingKind() (kind, step string)
	// phases are where the node's time went, if it records them.
	phases() []timing.Phase
	// row is the live display's row the node's work shows on; label is
	// set for the node that adds the row.
	row() (row, label string)
	// showStart shows the node's start on its row.
	showStart(w *walkProgress)
	// finished says what the node did, when its success ends its row.
	finished(w *walkProgress) (what string, ends bool)
	// skipped says, for the summary, why the walk skipped the node: a line
	// key (nodes with one key share a line), what to name on it and why.
	// An empty what leaves the node out.
	skipped(s *skipReport) (key, what, why string)
	// preflight checks, before anything is made, that what the node will
	// need is installed.
	preflight() error
}

// kind returns the engine node behind a graph node. Every node of an
// engine plan is one; the graph only knows them as graph.Node.
func kind(n graph.Node) node {
	k, _ := n.(node)
	return k
}

// StepOf returns the step a graph node runs, if it runs one.
func StepOf(n graph.Node) (StepRef, bool) {
	if k := kind(n); k != nil {
		return k.step()
	}
	return StepRef{}, false
}

// plannedMachines lists the machines a plan brings up or runs steps on.
func plannedMachines(g *graph.Graph) []string {
	var out []string
	for _, n := range g.Nodes() {
		if k := kind(n); k != nil && k.upMachine() != "" {
			out = append(out, k.upMachine())
		}
	}
	return out
}

// scopeOf is the machine (or global step) a node belongs to.
func scopeOf(n graph.Node) string {
	if k := kind(n); k != nil {
		return k.scope()
	}
	return ""
}

// preflight checks, before anything is made, that the programs the
// plan's nodes need are installed.
func preflight(g *graph.Graph) error {
	for _, n := range g.Nodes() {
		if k := kind(n); k != nil {
			if err := k.preflight(); err != nil {
				return err
			}
		}
	}
	return nil
}

// nodeBase gives a kind the answers of a node that has none of the
// optional traits: no step, no machine brought up, no phases, nothing to
// check, left out of a skip summary, a row it does not end. Kinds embed it
// and override what they have.
type nodeBase struct{}

func (nodeBase) upMachine() string                     { return "" }
func (nodeBase) step() (StepRef, bool)                 { return StepRef{}, false }
func (nodeBase) dotEdgeAttrs(node) string              { return "" }
func (nodeBase) phases() []timing.Phase                { return nil }
func (nodeBase) skipped(*skipReport) (_, _, _ string)  { return "", "", "" }
func (nodeBase) preflight() error                      { return nil }
func (nodeBase) finished(*walkProgress) (string, bool) { return "", false }
