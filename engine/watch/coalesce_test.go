package watch

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeClock is a Clock whose time moves only by Advance, which calls the
// functions of the timers that expire, in order, before it returns: what
// happens at a given fake time is over when Advance returns.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	// stopFails makes Stop too late, as when a real timer fires just as
	// it is stopped.
	stopFails bool
}

type fakeTimer struct {
	c       *fakeClock
	at      time.Time
	f       func()
	stopped bool
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	if t.c.stopFails {
		return false
	}
	was := !t.stopped
	t.stopped = true
	return was
}

// Advance moves time on by d, firing due timers at their own times.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	for {
		var next *fakeTimer
		for _, t := range c.timers {
			if !t.stopped && !t.at.After(end) && (next == nil || t.at.Before(next.at)) {
				next = t
			}
		}
		if next == nil {
			break
		}
		next.stopped = true
		c.now = next.at
		c.mu.Unlock()
		next.f() // may arm new timers
		c.mu.Lock()
	}
	c.now = end
	c.mu.Unlock()
}

// coalescerFixture drives a Coalescer on a fake clock.
type coalescerFixture struct {
	t       *testing.T
	clock   *fakeClock
	c       *Coalescer
	batches [][]string
}

func newCoalescerFixture(t *testing.T) *coalescerFixture {
	f := &coalescerFixture{t: t, clock: newFakeClock()}
	f.c = NewCoalescer(f.clock, 0, 0, func(b []string) { f.batches = append(f.batches, b) })
	t.Cleanup(f.c.Stop)
	return f
}

// advance moves fake time on by d.
func (f *coalescerFixture) advance(d time.Duration) { f.clock.Advance(d) }

// want checks that exactly one batch left since the last check, and that
// it is want.
func (f *coalescerFixture) want(want ...string) {
	f.t.Helper()
	if len(f.batches) != 1 || !slices.Equal(f.batches[0], want) {
		f.t.Fatalf("batches %q, want one: %q (pending %q)", f.batches, want, f.c.Pending())
	}
	f.batches = nil
}

// none checks that no batch left since the last check.
func (f *coalescerFixture) none() {
	f.t.Helper()
	if len(f.batches) != 0 {
		f.t.Fatalf("unexpected batches %q", f.batches)
	}
}

func TestCoalescerQuietPeriod(t *testing.T) {
	f := newCoalescerFixture(t)
	f.c.Add("a")
	f.advance(QuietPeriod - time.Millisecond)
	f.none()
	f.advance(time.Millisecond)
	f.want("a")
	if p := f.c.Pending(); len(p) != 0 {
		t.Fatalf("pending after the batch left: %q", p)
	}
}

func TestCoalescerChangesInQuickSuccessionMakeOneBatch(t *testing.T) {
	f := newCoalescerFixture(t)
	f.c.Add("a")
	f.advance(150 * time.Millisecond)
	f.c.Add("b")
	f.advance(150 * time.Millisecond) // 300 ms after a, 150 ms after b
	f.none()
	f.c.Add("a") // again: once in the batch, in first-seen order
	f.advance(QuietPeriod - time.Millisecond)
	f.none()
	f.advance(time.Millisecond)
	f.want("a", "b")
}

func TestCoalescerSeparateBatches(t *testing.T) {
	f := newCoalescerFixture(t)
	f.c.Add("a")
	f.advance(QuietPeriod)
	f.want("a")
	f.c.Add("a")
	f.c.Add("b")
	f.advance(QuietPeriod)
	f.want("a", "b")
	f.advance(time.Hour)
	f.none()
}

func TestCoalescerMaxDelayUnderAConstantStream(t *testing.T) {
	f := newCoalescerFixture(t)
	// A change every 100 ms never leaves a quiet period: the batch leaves
	// when its first change has waited MaxDelay.
	step := 100 * time.Millisecond
	var want []string
	for i := 0; time.Duration(i)*step < MaxDelay; i++ {
		p := string(rune('a' + i%26))
		if !slices.Contains(want, p) {
			want = append(want, p)
		}
		f.c.Add(p)
		f.advance(step)
		if time.Duration(i+1)*step < MaxDelay {
			f.none()
		}
	}
	f.want(want...)
	// The stream goes on: the next batch starts with the next change.
	f.c.Add("z2")
	f.advance(QuietPeriod)
	f.want("z2")
}

func TestCoalescerStopDropsPending(t *testing.T) {
	f := newCoalescerFixture(t)
	f.c.Add("a")
	f.c.Stop()
	f.c.Add("b")
	f.advance(MaxDelay)
	f.none()
	if p := f.c.Pending(); len(p) != 0 {
		t.Fatalf("pending after Stop: %q", p)
	}
}

func TestCoalescerTimerThatFiresAfterANewChange(t *testing.T) {
	f := newCoalescerFixture(t)
	f.clock.stopFails = true
	f.c.Add("a")
	f.advance(150 * time.Millisecond)
	f.c.Add("b") // the timer armed for a cannot be stopped
	f.advance(50 * time.Millisecond)
	f.none() // it fired at 200 ms, but b came 50 ms ago
	f.advance(QuietPeriod - 50*time.Millisecond)
	f.want("a", "b")
}
