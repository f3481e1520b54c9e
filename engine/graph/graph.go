// Package graph holds the dependency graph of an environment: nodes, edges,
// a cycle check, and a parallel walk that reports root causes only.
package graph

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// Node is a unit of work: a network to create, a machine to bring up, a step
// to run.
type Node interface {
	// ID names the node uniquely within its graph.
	ID() string
	// Execute does the node's work. It is called at most once per walk, only
	// after every node it depends on has succeeded, and must return promptly
	// once ctx is done.
	Execute(ctx context.Context) error
}

// Graph is a set of nodes and "waits for" edges between them.
type Graph struct {
	nodes map[string]Node
	order []string            // insertion order, for deterministic walks and output
	deps  map[string][]string // node → the nodes it waits for
}

// New returns an empty graph.
func New() *Graph {
	return &Graph{nodes: map[string]Node{}, deps: map[string][]string{}}
}

// Add adds n. Adding two nodes with one ID is a programming error.
func (g *Graph) Add(n Node) {
	id := n.ID()
	if _, dup := g.nodes[id]; dup {
		panic(fmt.Sprintf("graph: duplicate node %q", id))
	}
	g.nodes[id] = n
	g.order = append(g.order, id)
}

// Connect makes node `to` wait for node `from`. Both must have been added.
func (g *Graph) Connect(from, to string) {
	if g.nodes[from] == nil || g.nodes[to] == nil {
		panic(fmt.Sprintf("graph: edge %q → %q names a node not in the graph", from, to))
	}
	for _, d := range g.deps[to] {
		if d == from {
			return
		}
	}
	g.deps[to] = append(g.deps[to], from)
}

// Node returns the node with the given ID, or nil.
func (g *Graph) Node(id string) Node { return g.nodes[id] }

// Nodes returns every node in the order they were added.
func (g *Graph) Nodes() []Node {
	out := make([]Node, len(g.order))
	for i, id := range g.order {
		out[i] = g.nodes[id]
	}
	return out
}

// Deps returns the IDs of the nodes that id waits for.
func (g *Graph) Deps(id string) []string { return g.deps[id] }

// Len is the number of nodes.
func (g *Graph) Len() int { return len(g.order) }

// Check reports dependency cycles, each as a readable path in execution
// order ("a → b" means b waits for a).
func (g *Graph) Check() error {
	dependents := map[string][]string{}
	for _, id := range g.order {
		for _, d := range g.deps[id] {
			dependents[d] = append(dependents[d], id)
		}
	}
	cycles := FindCycles(g.order, func(id string) []string { return dependents[id] })
	if len(cycles) == 0 {
		return nil
	}
	msgs := make([]string, len(cycles))
	for i, c := range cycles {
		msgs[i] = "dependency cycle: " + strings.Join(append(c, c[0]), " → ")
	}
	return fmt.Errorf("%s", strings.Join(msgs, "\n"))
}

// DOT writes the graph in Graphviz DOT. attrs, when not nil, gives extra
// node attributes (label, shape, ...) as a DOT attribute list body.
func (g *Graph) DOT(w io.Writer, name string, attrs func(Node) string) error {
	return g.DOTStyled(w, name, attrs, nil)
}

// DOTStyled is DOT with edge attributes too: edge, when not nil, gives
// those of the edge from → to (from is what to waits for).
func (g *Graph) DOTStyled(w io.Writer, name string, attrs func(Node) string, edge func(from, to Node) string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n\trankdir=LR;\n\tnode [shape=box, fontname=\"sans-serif\"];\n", quote(name))
	for _, id := range g.order {
		fmt.Fprintf(&b, "\t%s%s;\n", quote(id), attrList(attrs, g.nodes[id]))
	}
	for _, id := range g.order {
		for _, d := range g.deps[id] {
			extra := ""
			if edge != nil {
				if a := edge(g.nodes[d], g.nodes[id]); a != "" {
					extra = " [" + a + "]"
				}
			}
			fmt.Fprintf(&b, "\t%s -> %s%s;\n", quote(d), quote(id), extra)
		}
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func attrList(attrs func(Node) string, n Node) string {
	if attrs == nil {
		return ""
	}
	if a := attrs(n); a != "" {
		return " [" + a + "]"
	}
	return ""
}

// dotEscaper escapes a DOT string; a Replacer is costly to build, so
// there is one (it is safe for concurrent use).
var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

func quote(s string) string {
	return `"` + dotEscaper.Replace(s) + `"`
}
