package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeNode records when it ran; fail makes it fail; block makes it wait
// for ctx.
type fakeNode struct {
	id    string
	fail  bool
	block bool
	log   *recorder
}

func (n *fakeNode) ID() string { return n.id }

func (n *fakeNode) Execute(ctx context.Context) error {
	n.log.start(n.id)
	defer n.log.end(n.id)
	if n.block {
		<-ctx.Done()
		return ctx.Err()
	}
	time.Sleep(time.Millisecond) // let siblings overlap
	if n.fail {
		return errors.New("boom")
	}
	return nil
}

type recorder struct {
	mu      sync.Mutex
	order   []string
	running int
	peak    int
	done    map[string]bool
	seen    map[string][]string // node → nodes done when it started
}

func newRecorder() *recorder {
	return &recorder{done: map[string]bool{}, seen: map[string][]string{}}
}

func (r *recorder) start(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.order = append(r.order, id)
	r.running++
	r.peak = max(r.peak, r.running)
	for d := range r.done {
		r.seen[id] = append(r.seen[id], d)
	}
}

func (r *recorder) end(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.running--
	r.done[id] = true
}

func (r *recorder) doneBefore(id, dep string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range r.seen[id] {
		if d == dep {
			return true
		}
	}
	return false
}

// build makes a graph from "a->b" edges (b waits for a) over nodes.
func build(rec *recorder, nodes string, edges ...string) (*Graph, map[string]*fakeNode) {
	g := New()
	byID := map[string]*fakeNode{}
	for _, id := range strings.Fields(nodes) {
		n := &fakeNode{id: id, log: rec}
		byID[id] = n
		g.Add(n)
	}
	for _, e := range edges {
		from, to, _ := strings.Cut(e, "->")
		g.Connect(from, to)
	}
	return g, byID
}

func TestWalkOrderAndParallelism(t *testing.T) {
	rec := newRecorder()
	// Two machines, each with two steps, then one global step over both.
	g, _ := build(rec, "net m1 m2 m1s1 m1s2 m2s1 m2s2 site",
		"net->m1", "net->m2", "m1->m1s1", "m1s1->m1s2", "m2->m2s1", "m2s1->m2s2", "m1s2->site", "m2s2->site")
	rep := g.Walk(context.Background(), WalkOptions{Parallel: 2})
	if !rep.OK() {
		t.Fatalf("walk failed: %v", rep.Err())
	}
	for _, e := range g.order {
		for _, dep := range g.Deps(e) {
			if !rec.doneBefore(e, dep) {
				t.Errorf("%s started before %s finished", e, dep)
			}
		}
	}
	if rec.peak > 2 {
		t.Errorf("peak concurrency %d exceeds the bound 2", rec.peak)
	}
	if len(rec.order) != g.Len() {
		t.Errorf("ran %d nodes, want %d", len(rec.order), g.Len())
	}
}

func TestWalkRunsIndependentNodesInParallel(t *testing.T) {
	var running, peak atomic.Int32
	g := New()
	release := make(chan struct{})
	for i := range 4 {
		g.Add(funcNode{id: fmt.Sprint(i), fn: func(ctx context.Context) error {
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			if n == 4 {
				close(release)
			}
			select {
			case <-release:
			case <-time.After(5 * time.Second):
				return errors.New("not run in parallel")
			}
			running.Add(-1)
			return nil
		}})
	}
	rep := g.Walk(context.Background(), WalkOptions{Parallel: 8})
	if !rep.OK() || peak.Load() != 4 {
		t.Fatalf("peak %d, err %v; want all 4 at once", peak.Load(), rep.Err())
	}
}

type funcNode struct {
	id string
	fn func(context.Context) error
}

func (f funcNode) ID() string                        { return f.id }
func (f funcNode) Execute(ctx context.Context) error { return f.fn(ctx) }

func TestWalkFailureSkipsOnlyDependents(t *testing.T) {
	rec := newRecorder()
	g, nodes := build(rec, "net m1 m2 m1s1 m2s1 m3 site",
		"net->m1", "net->m2", "m1->m1s1", "m2->m2s1", "m1s1->m3", "m1s1->site", "m2s1->site")
	nodes["m1"].fail = true
	rep := g.Walk(context.Background(), WalkOptions{Parallel: 4})
	want := map[string]Status{
		"net": OK, "m1": Failed, "m2": OK, "m2s1": OK,
		"m1s1": Skipped, "m3": Skipped, "site": Skipped,
	}
	for id, st := range want {
		if got := rep.Result(id).Status; got != st {
			t.Errorf("%s: %s, want %s", id, got, st)
		}
	}
	for _, id := range []string{"m1s1", "m3", "site"} {
		if c := rep.Result(id).Cause; c != "m1" {
			t.Errorf("%s skipped because of %q, want the root cause m1", id, c)
		}
	}
	err := rep.Err()
	if err == nil || !strings.Contains(err.Error(), "m1: boom") || strings.Contains(err.Error(), "site") {
		t.Errorf("Err() = %v; want only the root cause", err)
	}
}

func TestWalkCancel(t *testing.T) {
	rec := newRecorder()
	g, nodes := build(rec, "a b c", "a->b", "b->c")
	nodes["a"].block = true
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(10*time.Millisecond, cancel)
	done := make(chan *Report)
	go func() { done <- g.Walk(ctx, WalkOptions{Parallel: 2}) }()
	select {
	case rep := <-done:
		for _, id := range []string{"a", "b", "c"} {
			if st := rep.Result(id).Status; st != Canceled {
				t.Errorf("%s: %s, want canceled", id, st)
			}
		}
		if rep.Count(Failed) != 0 {
			t.Errorf("a canceled walk reported failures: %v", rep.Err())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("walk did not return after cancel")
	}
}

func TestCheckCycle(t *testing.T) {
	g, _ := build(newRecorder(), "a b c d", "a->b", "b->c", "c->a", "c->d")
	err := g.Check()
	if err == nil || !strings.Contains(err.Error(), "dependency cycle: a → b → c → a") {
		t.Fatalf("Check() = %v", err)
	}
}

func TestDOT(t *testing.T) {
	g, _ := build(newRecorder(), "network:n machine:m m/shell#1", "network:n->machine:m", "machine:m->m/shell#1")
	var b strings.Builder
	if err := g.DOT(&b, "envrun", func(n Node) string {
		if strings.HasPrefix(n.ID(), "machine:") {
			return "shape=box3d"
		}
		return ""
	}); err != nil {
		t.Fatal(err)
	}
	want := `digraph "envrun" {
	rankdir=LR;
	node [shape=box, fontname="sans-serif"];
	"network:n";
	"machine:m" [shape=box3d];
	"m/shell#1";
	"network:n" -> "machine:m";
	"machine:m" -> "m/shell#1";
}
`
	if b.String() != want {
		t.Errorf("DOT:\n%s\nwant:\n%s", b.String(), want)
	}
}
