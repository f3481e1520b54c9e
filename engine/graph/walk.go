package graph

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Status is how a node ended in a walk.
type Status int

const (
	Pending  Status = iota // not reached (the walk was not finished)
	OK                     // Execute returned nil
	Failed                 // Execute returned an error
	Skipped                // a node it waits for failed or was skipped
	Canceled               // the walk was canceled before or while it ran
)

func (s Status) String() string {
	return [...]string{"pending", "ok", "failed", "skipped", "canceled"}[s]
}

// Result is the outcome of one node.
type Result struct {
	Node     Node
	Status   Status
	Err      error  // for Failed and Canceled
	Cause    string // for Skipped: the ID of the failed node at the root
	Start    time.Time
	Duration time.Duration
}

// Report is the outcome of a walk, one result per node in graph order.
type Report struct {
	Results []*Result
	// Graph is the graph walked (what waited for what).
	Graph *Graph
	byID  map[string]*Result
}

// Result returns the result of node id, or nil.
func (r *Report) Result(id string) *Result { return r.byID[id] }

// Count returns how many nodes ended with status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, res := range r.Results {
		if res.Status == s {
			n++
		}
	}
	return n
}

// OK reports whether every node succeeded.
func (r *Report) OK() bool { return r.Count(OK) == len(r.Results) }

// Err summarises the failures (root causes only), or nil when all succeeded.
func (r *Report) Err() error {
	if r.OK() {
		return nil
	}
	var errs []error
	for _, res := range r.Results {
		if res.Status == Failed {
			errs = append(errs, fmt.Errorf("%s: %w", res.Node.ID(), res.Err))
		}
	}
	if len(errs) == 0 {
		return ErrCanceled
	}
	return errors.Join(errs...)
}

// ErrCanceled is the error of a walk that was canceled with nothing failed.
var ErrCanceled = errors.New("canceled")

// WalkOptions tune a walk.
type WalkOptions struct {
	// Parallel bounds how many nodes execute at once; < 1 means 1.
	Parallel int
	// OnStart, when set, is called as a node starts executing; OnDone as
	// each node ends, skipped and canceled nodes included (which never
	// start). Both are called from the walk's goroutine, one at a time.
	OnStart func(Node)
	OnDone  func(*Result)
}

type done struct {
	id  string
	err error
	t0  time.Time
	dur time.Duration
}

// Walk executes every node once all the nodes it waits for have succeeded,
// at most opts.Parallel at a time. A failed node skips everything that
// depends on it, directly or not, and nothing else: independent work goes on.
// When ctx is done, nodes not yet started are canceled and running ones see
// their context end. Walk returns when no node is running.
func (g *Graph) Walk(ctx context.Context, opts WalkOptions) *Report {
	parallel := max(opts.Parallel, 1)
	rep := &Report{Graph: g, byID: make(map[string]*Result, len(g.order))}
	for _, id := range g.order {
		res := &Result{Node: g.nodes[id]}
		rep.Results = append(rep.Results, res)
		rep.byID[id] = res
	}
	dependents := make(map[string][]string, len(g.order))
	waiting := make(map[string]int, len(g.order))
	for _, id := range g.order {
		waiting[id] = len(g.deps[id])
		for _, d := range g.deps[id] {
			dependents[d] = append(dependents[d], id)
		}
	}

	sem := make(chan struct{}, parallel)
	results := make(chan done)
	running := 0
	start := func(id string) {
		running++
		n := g.nodes[id]
		go func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				results <- done{id: id, err: context.Cause(ctx)}
				return
			}
			defer func() { <-sem }()
			if err := ctx.Err(); err != nil {
				results <- done{id: id, err: context.Cause(ctx)}
				return
			}
			t0 := time.Now()
			if opts.OnStart != nil {
				results <- done{id: id, t0: t0, dur: -1} // a start notice
			}
			err := n.Execute(ctx)
			results <- done{id: id, err: err, t0: t0, dur: time.Since(t0)}
		}()
	}
	finish := func(res *Result) {
		if opts.OnDone != nil {
			opts.OnDone(res)
		}
	}
	// skip marks id and everything downstream of it skipped because of cause.
	var skip func(id, cause string)
	skip = func(id, cause string) {
		res := rep.byID[id]
		if res.Status != Pending {
			return
		}
		res.Status, res.Cause = Skipped, cause
		if ctx.Err() != nil {
			res.Status, res.Err = Canceled, context.Cause(ctx)
		}
		finish(res)
		for _, d := range dependents[id] {
			skip(d, cause)
		}
	}

	for _, id := range g.order {
		if waiting[id] == 0 {
			start(id)
		}
	}
	for running > 0 {
		d := <-results
		res := rep.byID[d.id]
		if d.dur < 0 {
			opts.OnStart(res.Node)
			continue
		}
		running--
		res.Start, res.Duration = d.t0, d.dur
		switch {
		case d.err == nil:
			res.Status = OK
		case ctx.Err() != nil:
			res.Status, res.Err = Canceled, d.err
		default:
			res.Status, res.Err = Failed, d.err
		}
		finish(res)
		for _, next := range dependents[d.id] {
			if res.Status != OK {
				cause := d.id
				if res.Status == Skipped {
					cause = res.Cause
				}
				skip(next, cause)
				continue
			}
			waiting[next]--
			if waiting[next] == 0 && rep.byID[next].Status == Pending {
				start(next)
			}
		}
	}
	return rep
}
