package watch

import (
	"slices"
	"sync"
	"time"
)

// Coalescing defaults, as in tilt: a change is acted on once files have
// been quiet for QuietPeriod, or MaxDelay after the first change of a
// batch under a constant stream of changes.
const (
	QuietPeriod = 200 * time.Millisecond
	MaxDelay    = 10 * time.Second
)

// Clock is the time a Coalescer runs on: the real one, or a fake one in
// tests.
type Clock interface {
	Now() time.Time
	// AfterFunc calls f once d has passed, unless the timer is stopped.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop prevents the call if it has not happened yet.
	Stop() bool
}

// RealClock is the system clock.
type RealClock struct{}

func (RealClock) Now() time.Time { return time.Now() }

func (RealClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// Coalescer groups changed paths into batches: a batch is handed on once no
// change came for the quiet period, or once the oldest change in it waited
// the maximum delay. It runs on an injectable clock, so tests drive it with
// fake time.
type Coalescer struct {
	clock       Clock
	quiet, max  time.Duration
	emit        func([]string)
	mu          sync.Mutex
	paths       []string
	seen        map[string]bool
	first, last time.Time
	timer       Timer
	stopped     bool
}

// NewCoalescer returns a coalescer that calls emit with each batch (the
// paths in the order first seen, each once). emit is called from a timer
// goroutine, one batch at a time, and must not call back into the
// coalescer; zero durations take the defaults.
func NewCoalescer(clock Clock, quiet, max time.Duration, emit func([]string)) *Coalescer {
	if quiet <= 0 {
		quiet = QuietPeriod
	}
	if max <= 0 {
		max = MaxDelay
	}
	return &Coalescer{clock: clock, quiet: quiet, max: max, emit: emit, seen: map[string]bool{}}
}

// Add records a change to path.
func (c *Coalescer) Add(path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	now := c.clock.Now()
	if len(c.paths) == 0 {
		c.first = now
	}
	c.last = now
	if !c.seen[path] {
		c.seen[path] = true
		c.paths = append(c.paths, path)
	}
	c.arm(now)
}

// due is when the pending batch is handed on.
func (c *Coalescer) due() time.Time {
	quiet, capped := c.last.Add(c.quiet), c.first.Add(c.max)
	if capped.Before(quiet) {
		return capped
	}
	return quiet
}

// arm (re)sets the timer to the batch's due time. Called with mu held.
func (c *Coalescer) arm(now time.Time) {
	d := c.due().Sub(now)
	if c.timer != nil {
		c.timer.Stop()
	}
	c.timer = c.clock.AfterFunc(d, c.fire)
}

// fire hands on the batch if it is due; a timer that fired just as a new
// change moved the due time re-arms instead.
func (c *Coalescer) fire() {
	c.mu.Lock()
	if c.stopped || len(c.paths) == 0 {
		c.mu.Unlock()
		return
	}
	now := c.clock.Now()
	if now.Before(c.due()) {
		c.arm(now)
		c.mu.Unlock()
		return
	}
	batch := c.paths
	c.paths, c.seen, c.timer = nil, map[string]bool{}, nil
	// Emit under the lock: batches leave in order and one at a time.
	c.emit(batch)
	c.mu.Unlock()
}

// Pending returns the paths waiting in the current batch.
func (c *Coalescer) Pending() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.paths)
}

// Stop drops any pending batch; Add does nothing afterwards.
func (c *Coalescer) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	if c.timer != nil {
		c.timer.Stop()
	}
	c.paths = nil
}
