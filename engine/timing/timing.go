// Package timing records the phases of a piece of work (a machine's
// container creation, its SSH wait, ...) for `envrun up --timings` and the
// -v timeline. Work that is given a Recorder in its context records into
// it; without one, recording costs nothing and does nothing.
package timing

import (
	"context"
	"sync"
	"time"
)

// Phase is one timed part of a piece of work.
type Phase struct {
	Name     string
	Start    time.Time
	Duration time.Duration
}

// Recorder collects phases; it is safe for concurrent use.
type Recorder struct {
	mu      sync.Mutex
	phases  []Phase
	observe func(string)
}

// Observe makes f hear of every phase as it starts, and of every Note:
// the live display shows what a machine is doing now. Call it before the
// work starts.
func (r *Recorder) Observe(f func(phase string)) { r.observe = f }

// Phases returns the phases recorded so far, in the order they ended.
func (r *Recorder) Phases() []Phase {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Phase(nil), r.phases...)
}

// Add records a phase that started at t0 and ends now.
func (r *Recorder) Add(name string, t0 time.Time) time.Duration {
	d := time.Since(t0)
	if r != nil {
		r.mu.Lock()
		r.phases = append(r.phases, Phase{Name: name, Start: t0, Duration: d})
		r.mu.Unlock()
	}
	return d
}

// AddSpan records phase name of the work ctx carries, from t0 to t1: a
// phase whose end is only known afterwards (a VM's boot ends when its SSH
// answers, which the SSH client sees).
func AddSpan(ctx context.Context, name string, t0, t1 time.Time) {
	if r := From(ctx); r != nil {
		r.mu.Lock()
		r.phases = append(r.phases, Phase{Name: name, Start: t0, Duration: t1.Sub(t0)})
		r.mu.Unlock()
	}
}

type key struct{}

// With returns ctx carrying r.
func With(ctx context.Context, r *Recorder) context.Context {
	return context.WithValue(ctx, key{}, r)
}

// From returns the recorder ctx carries, or nil.
func From(ctx context.Context) *Recorder {
	r, _ := ctx.Value(key{}).(*Recorder)
	return r
}

// Start begins phase name of the work ctx carries; calling the returned
// function ends it and returns its duration.
func Start(ctx context.Context, name string) func() time.Duration {
	r, t0 := From(ctx), time.Now()
	if r != nil && r.observe != nil {
		r.observe(name)
	}
	return func() time.Duration { return r.Add(name, t0) }
}

// Note tells the observer of the work ctx carries what it does now, within
// the current phase ("making box image" while the image phase runs); it
// records nothing.
func Note(ctx context.Context, what string) {
	if r := From(ctx); r != nil && r.observe != nil {
		r.observe(what)
	}
}
