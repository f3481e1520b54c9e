package engine

import "github.com/envrun/envrun/engine/graph"

// `envrun graph` draws a plan in Graphviz DOT: each kind of node has its
// shape (networks are ellipses, machines boxes, steps rounded boxes, global
// steps hexagons, barriers points) and the edges the Envfile asked for by
// name are labelled and dashed. Each kind says how in its file.

// DOTAttrs styles graph nodes for `envrun graph`.
func DOTAttrs(n graph.Node) string {
	if k := kind(n); k != nil {
		return k.dotAttrs()
	}
	return ""
}

// DOTEdgeAttrs labels the edges that the Envfile asked for by name in
// `envrun graph`: depends_on between machines, after between global steps.
func DOTEdgeAttrs(from, to graph.Node) string {
	f, t := kind(from), kind(to)
	if f == nil || t == nil {
		return ""
	}
	return f.dotEdgeAttrs(t)
}
