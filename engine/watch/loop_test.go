package watch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
)

// These tests drive the watch loop (Run) with fakes: a file watcher the
// test calls, the fake clock of the coalescer's tests, and a Runner that
// records walks and holds each one until the test lets it finish. They
// prove what the loop promises: one run at a time, changes made during a
// run queued and merged into one next run, a step never in two runs at
// once, no change lost, re-loads between runs only, and how it stops.

// fakeWatcher stands for the Notifier: the test reports changes with
// change.
type fakeWatcher struct {
	onChange func(string)
	mu       sync.Mutex
	roots    []string
	closed   bool
}

func (w *fakeWatcher) Watch(roots []string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.roots = slices.Clone(roots)
	return nil
}

func (w *fakeWatcher) SetIgnore(*Ignore) {}
func (w *fakeWatcher) Dirs() []string    { return nil }

func (w *fakeWatcher) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	return nil
}

func (w *fakeWatcher) watched() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.roots)
}

// walk is one call of fakeRunner.Walk, held until finish is called.
type walk struct {
	runner *fakeRunner
	opts   engine.PlanOptions
	seq    int64 // when it started, on the fixture's event counter
	done   chan error
}

// steps lists the walk's steps as "machine/step".
func (w *walk) steps() string {
	var out []string
	for _, r := range w.opts.Steps {
		out = append(out, r.String())
	}
	return strings.Join(out, " ")
}

// finish ends the walk: its steps fail with err when not nil.
func (w *walk) finish(err error) { w.done <- err }

// fakeNode is a graph node for a step of a fake walk.
type fakeNode struct {
	id  string
	err error
}

func (n *fakeNode) ID() string                        { return n.id }
func (n *fakeNode) Execute(ctx context.Context) error { return n.err }

// fakeRunner is a Runner that records its walks and checks that no two
// overlap, and that no step is in two of them at once.
type fakeRunner struct {
	name  string
	walks chan *walk
	seq   *atomic.Int64
	// auto, when set, finishes every walk itself with its result.
	auto func(*walk) error

	mu        sync.Mutex
	active    int
	running   map[engine.StepRef]bool
	problems  []string
	summaries int
	destroyed []string
	// reload is what CanReload answers.
	reload bool
}

func newFakeRunner(name string, seq *atomic.Int64) *fakeRunner {
	return &fakeRunner{name: name, walks: make(chan *walk, 100), seq: seq, running: map[engine.StepRef]bool{}}
}

func (r *fakeRunner) problem(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

func (r *fakeRunner) Walk(ctx context.Context, opts engine.PlanOptions) (*graph.Report, error) {
	r.mu.Lock()
	r.active++
	if r.active > 1 {
		r.problem("%d walks at once", r.active)
	}
	for _, ref := range opts.Steps {
		if r.running[ref] {
			r.problem("%s runs twice at once", ref)
		}
		r.running[ref] = true
	}
	r.mu.Unlock()
	w := &walk{runner: r, opts: opts, seq: r.seq.Add(1), done: make(chan error, 1)}
	r.walks <- w
	var err error
	if r.auto != nil {
		err = r.auto(w)
	} else {
		select {
		case err = <-w.done:
		case <-ctx.Done():
			err = context.Cause(ctx)
		}
	}
	g := graph.New()
	if len(opts.Steps) == 0 {
		g.Add(&fakeNode{id: "machine:all", err: err})
	}
	for _, ref := range opts.Steps {
		g.Add(&fakeNode{id: ref.String(), err: err})
	}
	wctx := ctx
	if errors.Is(err, context.Canceled) {
		c, cancel := context.WithCancel(context.Background())
		cancel()
		wctx = c
	}
	rep := g.Walk(wctx, graph.WalkOptions{Parallel: 1})
	r.mu.Lock()
	r.active--
	for _, ref := range opts.Steps {
		delete(r.running, ref)
	}
	r.mu.Unlock()
	return rep, rep.Err()
}

func (r *fakeRunner) Summary(*graph.Report, time.Duration, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.summaries++
}

func (r *fakeRunner) CanReload() bool { return r.reload }

func (r *fakeRunner) Destroy(ctx context.Context, names []string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.destroyed = append(r.destroyed, names...)
	return nil
}

func (r *fakeRunner) check(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.problems {
		t.Error(p)
	}
}

// syncBuffer is the UI's output, read while the watch writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// loopFixture is a watch running on fakes over an Envfile with machines
// alpha (script a.sh, then inline) and beta (script b.sh), and a global
// ansible step "site" over both (playbook site.yml) followed by "report"
// (after site).
type loopFixture struct {
	t       *testing.T
	dir     string
	clock   *fakeClock
	watcher *fakeWatcher
	runner  *fakeRunner
	out     *syncBuffer
	seq     atomic.Int64
	cancel  context.CancelFunc
	result  chan error
	// load is what Options.Load returns next.
	load    func() (*Loaded, error)
	runners []*fakeRunner
	loads   atomic.Int32
	closed  atomic.Int32
}

func loopSpec(dir string) *spec.Envfile {
	sh := func(name, path string) *spec.Shell {
		return &spec.Shell{StepInfo: spec.StepInfo{Kind: "shell", Name: name}, Path: path, Inline: map[bool]string{true: "echo inline"}[path == ""]}
	}
	return &spec.Envfile{
		Path:    filepath.Join(dir, "Envfile.lua"),
		Dir:     dir,
		Sources: []string{filepath.Join(dir, "Envfile.lua")},
		Machines: []*spec.Machine{
			{Name: "alpha", User: "vagrant", Steps: []spec.Step{sh("shell#1", filepath.Join(dir, "a.sh")), sh("shell#2", "")}},
			{Name: "beta", User: "vagrant", Steps: []spec.Step{sh("shell#1", filepath.Join(dir, "b.sh"))}},
		},
		Steps: []spec.Step{
			&spec.Ansible{StepInfo: spec.StepInfo{Kind: "ansible", Name: "site"}, Playbook: filepath.Join(dir, "site.yml"), Hosts: []string{"alpha", "beta"}},
			&spec.Ansible{StepInfo: spec.StepInfo{Kind: "ansible", Name: "report"}, Playbook: filepath.Join(dir, "report", "report.yml"), Hosts: []string{"alpha"}, After: []string{"site"}},
		},
	}
}

// startLoop starts the watch; the first `up` walk is left to the test.
// auto, when not nil, finishes the walks of the first environment.
func startLoop(t *testing.T, auto func(*walk) error) *loopFixture {
	t.Helper()
	f := &loopFixture{t: t, dir: t.TempDir(), clock: newFakeClock(), out: &syncBuffer{}, result: make(chan error, 1)}
	f.runner = f.newRunner("first")
	f.runner.auto = auto
	first := f.loaded(loopSpec(f.dir), f.runner)
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	opts := Options{
		UI:    ui.New(f.out, ui.Normal),
		Clock: f.clock,
		Load: func(ctx context.Context) (*Loaded, error) {
			f.loads.Add(1)
			// Never while a walk runs: re-loads happen between runs.
			for _, r := range f.runners {
				r.mu.Lock()
				if r.active > 0 {
					r.problem("the Envfile was re-loaded during a walk")
				}
				r.mu.Unlock()
			}
			return f.load()
		},
		watcher: func(onChange func(string), onError func(error)) (fileWatcher, error) {
			f.watcher = &fakeWatcher{onChange: onChange}
			return f.watcher, nil
		},
	}
	go func() { f.result <- Run(ctx, first, opts) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-f.result:
		case <-time.After(10 * time.Second):
			t.Error("the watch did not end")
		}
		if t.Failed() {
			t.Logf("the watch printed:\n%s", f.out.String())
		}
	})
	return f
}

// newRunner makes a runner for an environment of the fixture. Call it
// from the test goroutine, before the watch may use it.
func (f *loopFixture) newRunner(name string) *fakeRunner {
	r := newFakeRunner(name, &f.seq)
	f.runners = append(f.runners, r)
	return r
}

func (f *loopFixture) loaded(ef *spec.Envfile, r *fakeRunner) *Loaded {
	return &Loaded{Spec: ef, Provider: "fake", Runner: r, Close: func() { f.closed.Add(1) }}
}

// change reports changed files (relative to the folder) and lets the
// quiet period pass: the loop gets them as one batch. It returns the
// change's place on the fixture's event counter.
func (f *loopFixture) change(names ...string) int64 {
	seq := f.seq.Add(1)
	defer f.clock.Advance(QuietPeriod)
	for _, n := range names {
		f.watcher.onChange(filepath.Join(f.dir, n))
	}
	return seq
}

// nextWalk waits for the runner's next walk.
func (f *loopFixture) nextWalk(r *fakeRunner) *walk {
	f.t.Helper()
	select {
	case w := <-r.walks:
		return w
	case <-time.After(10 * time.Second):
		f.t.Fatalf("no walk came\n%s", f.out.String())
		return nil
	}
}

// noWalk checks that no walk is started within a short while.
func (f *loopFixture) noWalk(r *fakeRunner) {
	f.t.Helper()
	select {
	case w := <-r.walks:
		f.t.Fatalf("unexpected walk of %q", w.steps())
	case <-time.After(50 * time.Millisecond):
	}
}

// waitOutput waits until the watch printed sub n times.
func (f *loopFixture) waitOutput(sub string, n int) {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(f.out.String(), sub) < n {
		if time.Now().After(deadline) {
			f.t.Fatalf("the watch did not print %q %d time(s):\n%s", sub, n, f.out.String())
		}
		time.Sleep(time.Millisecond)
	}
}

// up lets the first walk (`up`) finish.
func (f *loopFixture) up() {
	f.t.Helper()
	w := f.nextWalk(f.runner)
	if len(w.opts.Steps) > 0 || w.opts.Provision != engine.ProvisionAuto {
		f.t.Fatalf("the first walk is %+v, want up's", w.opts)
	}
	w.finish(nil)
	f.waitOutput("watching ", 1)
}

func TestLoopRunsTheStepsOfAChange(t *testing.T) {
	f := startLoop(t, nil)
	f.up()
	if got := f.watcher.watched(); !slices.Contains(got, filepath.Join(f.dir, "a.sh")) || !slices.Contains(got, filepath.Join(f.dir, "roles")) {
		t.Errorf("watched %v: want the scripts, the playbook and the folders beside it", got)
	}
	for i, tc := range []struct{ files, want string }{
		{"a.sh", "alpha/shell#1"},
		{"b.sh", "beta/shell#1"},
		// A playbook, or a file in a folder beside it: that ansible step
		// (the engine's partial run adds the steps after it).
		{"site.yml", "site"},
		{"group_vars/all.yml", "site"},
		{"roles/web/tasks/main.yml", "site"},
		{"report/report.yml", "report"},
		{"a.sh b.sh site.yml", "alpha/shell#1 beta/shell#1 site"},
	} {
		f.change(strings.Fields(tc.files)...)
		w := f.nextWalk(f.runner)
		if w.steps() != tc.want {
			t.Errorf("%s changed: walk of %q, want %q", tc.files, w.steps(), tc.want)
		}
		w.finish(nil)
		f.waitOutput("envrun: ok: re-ran ", i+1)
	}
	// A file no step reads starts no walk.
	f.change("notes.txt")
	f.noWalk(f.runner)
	f.runner.check(t)
}

func TestLoopQueuesAndMergesChangesDuringARun(t *testing.T) {
	f := startLoop(t, nil)
	f.up()
	f.change("a.sh")
	first := f.nextWalk(f.runner)
	// Three batches while it runs: b.sh twice, then a.sh (whose step is
	// running: it must wait).
	f.change("b.sh")
	f.change("b.sh")
	f.change("a.sh")
	f.waitOutput("(queued: a run is in progress)", 3)
	f.noWalk(f.runner)
	first.finish(nil)
	second := f.nextWalk(f.runner)
	if got := second.steps(); got != "alpha/shell#1 beta/shell#1" {
		t.Errorf("the queued run is %q, want alpha/shell#1 beta/shell#1 once each, in Envfile order", got)
	}
	second.finish(nil)
	f.waitOutput("envrun: ok: re-ran ", 2)
	f.noWalk(f.runner)
	if n := strings.Count(f.out.String(), "envrun: ok: re-ran "); n != 2 {
		t.Errorf("%d runs reported, want 2:\n%s", n, f.out.String())
	}
	f.runner.check(t)
}

func TestLoopQueuesChangesDuringTheFirstUp(t *testing.T) {
	f := startLoop(t, nil)
	up := f.nextWalk(f.runner)
	f.change("b.sh")
	f.waitOutput("b.sh changed → re-run beta/shell#1 (queued: a run is in progress)", 1)
	f.noWalk(f.runner)
	up.finish(nil)
	if w := f.nextWalk(f.runner); w.steps() != "beta/shell#1" {
		t.Errorf("after up: walk of %q, want beta/shell#1", w.steps())
	} else {
		w.finish(nil)
	}
	f.runner.check(t)
}

func TestLoopGoesOnAfterAFailure(t *testing.T) {
	f := startLoop(t, nil)
	f.up()
	f.change("b.sh")
	f.nextWalk(f.runner).finish(errors.New("exit status 3"))
	f.change("b.sh")
	w := f.nextWalk(f.runner)
	w.finish(nil)
	f.waitOutput("envrun: ok: re-ran beta/shell#1", 1)
	f.runner.mu.Lock()
	summaries := f.runner.summaries
	f.runner.mu.Unlock()
	if summaries != 2 { // up's, and the failed run's
		t.Errorf("%d summaries printed, want 2 (up, the failure)", summaries)
	}
	f.runner.check(t)
}

func TestLoopStops(t *testing.T) {
	t.Run("idle", func(t *testing.T) {
		f := startLoop(t, nil)
		f.up()
		f.cancel()
		if err := <-f.result; err != nil {
			t.Errorf("stopped while idle: %v, want nil", err)
		}
		f.result <- nil // for the cleanup
		f.watcher.mu.Lock()
		closed := f.watcher.closed
		f.watcher.mu.Unlock()
		if !closed || f.closed.Load() != 1 {
			t.Errorf("watcher closed %v, environment closed %d times; want both once", closed, f.closed.Load())
		}
	})
	t.Run("during a run, with changes queued", func(t *testing.T) {
		f := startLoop(t, nil)
		f.up()
		f.change("a.sh")
		f.nextWalk(f.runner) // held: ends with the context
		f.change("b.sh")
		f.waitOutput("(queued: a run is in progress)", 1)
		f.cancel()
		err := <-f.result
		f.result <- nil
		if !errors.Is(err, ErrCutShort) {
			t.Errorf("stopped during a run: %v, want ErrCutShort", err)
		}
		f.noWalk(f.runner) // the queued change does not run
	})
}

func TestLoopReloadsTheEnvfileBetweenRuns(t *testing.T) {
	f := startLoop(t, nil)
	f.up()

	// A load error: reported, the last good environment kept.
	f.load = func() (*Loaded, error) { return nil, errors.New("Envfile.lua:3: syntax error near 'x'") }
	f.change("Envfile.lua")
	f.waitOutput("Envfile.lua:3: syntax error near 'x'", 1)
	f.waitOutput("the Envfile did not load: the last good environment stays up and watched", 1)
	f.change("a.sh")
	f.nextWalk(f.runner).finish(nil)

	// A good load, while a run is in progress: it waits for it. The new
	// Envfile gives beta another script and a new step; the new
	// environment runs them, and the old one is closed.
	f.change("a.sh")
	running := f.nextWalk(f.runner)
	ef := loopSpec(f.dir)
	beta := ef.Machines[1]
	beta.Steps[0].(*spec.Shell).Path = filepath.Join(f.dir, "b2.sh")
	beta.Steps = append(beta.Steps, &spec.Shell{StepInfo: spec.StepInfo{Kind: "shell", Name: "shell#2"}, Inline: "echo new"})
	second := f.newRunner("second")
	f.load = func() (*Loaded, error) { return f.loaded(ef, second), nil }
	f.change("Envfile.lua", "b.sh")
	f.waitOutput("Envfile.lua, b.sh changed → re-load the Envfile, then re-run beta/shell#1 (queued: a run is in progress)", 1)
	if n := f.loads.Load(); n != 1 {
		t.Fatalf("loaded %d times during a run, want only the failed load before it", n)
	}
	running.finish(nil)
	w := f.nextWalk(second)
	if got := w.steps(); got != "beta/shell#1 beta/shell#2" {
		t.Errorf("after the re-load: walk of %q, want beta's changed and new steps", got)
	}
	w.finish(nil)
	f.waitOutput("re-loaded the Envfile", 1)
	if f.closed.Load() != 1 {
		t.Errorf("the old environment was closed %d times, want once", f.closed.Load())
	}
	// The new Envfile's files are watched, the old script is not.
	f.change("b2.sh")
	if w := f.nextWalk(second); w.steps() != "beta/shell#1" {
		t.Errorf("b2.sh changed: walk of %q, want beta/shell#1", w.steps())
	} else {
		w.finish(nil)
	}
	f.change("b.sh")
	f.noWalk(second)
	f.runner.check(t)
	second.check(t)
}

// TestLoopNamesTheCommandThatAppliesSettings: a setting only making the
// machine anew applies is reported, naming reload where the provider has
// it and destroy && up where it has not.
func TestLoopNamesTheCommandThatAppliesSettings(t *testing.T) {
	f := startLoop(t, nil)
	f.up()
	for i, tt := range []struct {
		reload bool
		want   string
	}{
		{true, "warning: memory changed: the watch does not make machines anew; `envrun reload beta` applies it"},
		{false, "warning: memory changed: the watch does not make machines anew; `envrun destroy beta && envrun up beta` applies it"},
	} {
		ef := loopSpec(f.dir)
		ef.Machines[1].Memory = 512 * (i + 1)
		r := f.newRunner(fmt.Sprint("reload=", tt.reload))
		r.reload = tt.reload
		f.load = func() (*Loaded, error) { return f.loaded(ef, r), nil }
		f.change("Envfile.lua")
		f.waitOutput(tt.want, 1)
		f.noWalk(r)
	}
}

// TestLoopNeverRunsAStepTwiceAtOnce throws changes at the watch at random
// moments while walks of random lengths run, and checks that walks never
// overlap (so no step runs twice at once) and that no change is lost:
// every change is followed by a walk that starts after it and runs the
// step that reads the file. Run it with -race and -count.
func TestLoopNeverRunsAStepTwiceAtOnce(t *testing.T) {
	f := startLoop(t, func(w *walk) error {
		time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
		return nil
	})
	f.up()
	files := map[string]engine.StepRef{
		"a.sh":               {Machine: "alpha", Step: "shell#1"},
		"b.sh":               {Machine: "beta", Step: "shell#1"},
		"roles/x/tasks.yml":  {Step: "site"},
		"report/report.yml":  {Step: "report"},
		"group_vars/all.yml": {Step: "site"},
	}
	names := []string{"a.sh", "b.sh", "roles/x/tasks.yml", "report/report.yml", "group_vars/all.yml"}
	type change struct {
		seq  int64
		step engine.StepRef
	}
	var changes []change
	var walks []*walk
	collect := func() {
		for {
			select {
			case w := <-f.runner.walks:
				walks = append(walks, w)
			default:
				return
			}
		}
	}
	for range 300 {
		n := 1 + rand.IntN(3)
		var batch []string
		for range n {
			name := names[rand.IntN(len(names))]
			batch = append(batch, name)
		}
		seq := f.change(batch...)
		for _, name := range batch {
			changes = append(changes, change{seq, files[name]})
		}
		if rand.IntN(4) == 0 {
			time.Sleep(time.Duration(rand.IntN(500)) * time.Microsecond)
		}
		collect()
	}
	// Wait until the watch is idle: a last change, run alone.
	deadline := time.Now().Add(10 * time.Second)
	for {
		collect()
		last := f.seq.Load()
		done := true
		for _, c := range changes {
			if !ranAfter(walks, c.seq, c.step) {
				done = false
			}
		}
		if done || time.Now().After(deadline) {
			if !done {
				for _, c := range changes {
					if !ranAfter(walks, c.seq, c.step) {
						t.Errorf("a change to %s (event %d) was never run (last event %d)", c.step, c.seq, last)
					}
				}
			}
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("%d batches of changes ran in %d walks", 300, len(walks))
	if len(walks) >= 300 {
		t.Errorf("%d walks for 300 batches: changes during a run were not merged", len(walks))
	}
	f.runner.check(t)
}

// ranAfter reports whether a walk that started after event seq ran step
// (or a step after it: report follows site).
func ranAfter(walks []*walk, seq int64, step engine.StepRef) bool {
	for _, w := range walks {
		if w.seq > seq && slices.Contains(w.opts.Steps, step) {
			return true
		}
	}
	return false
}
