package graph

import "slices"

// FindCycles returns the cycles among nodes (Tarjan's strongly connected
// components of two or more nodes, plus self-loops), each as a path that
// follows the edges, starting at its earliest node in order.
func FindCycles(order []string, edges func(string) []string) [][]string {
	inOrder := map[string]bool{}
	for _, n := range order {
		inOrder[n] = true
	}
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	var sccs [][]string
	var strong func(string)
	strong = func(n string) {
		index[n] = len(index)
		low[n] = index[n]
		stack = append(stack, n)
		onStack[n] = true
		for _, m := range edges(n) {
			if _, known := index[m]; !known {
				if !inOrder[m] {
					continue
				}
				strong(m)
				low[n] = min(low[n], low[m])
			} else if onStack[m] {
				low[n] = min(low[n], index[m])
			}
		}
		if low[n] == index[n] {
			var scc []string
			for {
				m := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[m] = false
				scc = append(scc, m)
				if m == n {
					break
				}
			}
			if len(scc) > 1 || slices.Contains(edges(n), n) {
				sccs = append(sccs, scc)
			}
		}
	}
	for _, n := range order {
		if _, seen := index[n]; !seen {
			strong(n)
		}
	}
	var cycles [][]string
	for _, scc := range sccs {
		cycles = append(cycles, cyclePath(order, scc, edges))
	}
	return cycles
}

// cyclePath walks a strongly connected component from its first node (in
// order) back to it, so the message shows a real cycle.
func cyclePath(order, scc []string, edges func(string) []string) []string {
	in := map[string]bool{}
	for _, n := range scc {
		in[n] = true
	}
	start := ""
	for _, n := range order {
		if in[n] {
			start = n
			break
		}
	}
	// Breadth-first search for the shortest way from start back to start.
	prev := map[string]string{}
	queue := []string{start}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, m := range edges(n) {
			if !in[m] {
				continue
			}
			if m == start {
				path := []string{n}
				for p := n; p != start; {
					p = prev[p]
					path = append(path, p)
				}
				for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
					path[i], path[j] = path[j], path[i]
				}
				return path
			}
			if _, seen := prev[m]; !seen {
				prev[m] = n
				queue = append(queue, m)
			}
		}
	}
	return []string{start}
}
