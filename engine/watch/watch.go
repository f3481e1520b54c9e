// Package watch is `envrun watch`: it keeps an environment up and re-runs
// the steps whose files change. It watches files with fsnotify
// (recursively, new folders included), groups changes that come together
// (Coalescer), maps changed paths to the steps that read them (Mapper),
// re-loads the Envfile when it or a module it required changes and applies
// the difference (Compare), and runs the affected steps through the
// engine's partial runs, one run at a time.
package watch

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
)

// Runner carries out the watch's work on an environment: *engine.Env, or
// a fake in this package's unit tests.
type Runner interface {
	// Walk plans and carries out a walk (see engine.Env.Walk).
	Walk(ctx context.Context, opts engine.PlanOptions) (*graph.Report, error)
	// Summary prints what a walk did.
	Summary(rep *graph.Report, elapsed time.Duration, timings bool)
	// Destroy removes machines.
	Destroy(ctx context.Context, names []string) error
	// CanReload reports whether `envrun reload` applies changed settings.
	CanReload() bool
}

// Loaded is an environment loaded from its Envfile, ready to walk.
type Loaded struct {
	Spec *spec.Envfile
	// Provider names the environment's provider, ProviderSource why it
	// was chosen.
	Provider, ProviderSource string
	Runner                   Runner
	// Close releases what the environment holds (SSH connections, the
	// provider, the Lua state of its hooks); nil when there is nothing.
	Close func()
}

// FromEnv is the loaded environment env; close releases what it holds.
func FromEnv(env *engine.Env, close func()) *Loaded {
	l := &Loaded{Spec: env.Spec, ProviderSource: env.ProviderSource, Runner: env, Close: close}
	if env.Driver != nil {
		l.Provider = env.Driver.Name
	}
	return l
}

func (l *Loaded) close() {
	if l.Close != nil {
		l.Close()
	}
}

// Options configure a watch.
type Options struct {
	UI *ui.UI
	// Load loads the Envfile anew, when it or a module it required changes.
	// Its errors are printed and the last good environment kept.
	Load func(ctx context.Context) (*Loaded, error)
	// Prune destroys machines that an edit removed from the Envfile; by
	// default they are reported and left running.
	Prune bool
	// Clock drives the coalescing of changes; nil is the real clock.
	Clock Clock
	// Quiet and MaxDelay tune coalescing; zero takes QuietPeriod and
	// MaxDelay.
	Quiet, MaxDelay time.Duration

	// watcher makes what reports changed files: a Notifier, or a fake in
	// unit tests.
	watcher func(onChange func(string), onError func(error)) (fileWatcher, error)
}

// fileWatcher reports changed files under the paths it watches: what the
// watch needs of a Notifier.
type fileWatcher interface {
	Watch(roots []string) error
	SetIgnore(ig *Ignore)
	Dirs() []string
	Close() error
}

func newNotifier(onChange func(string), onError func(error)) (fileWatcher, error) {
	return NewNotifier(onChange, onError)
}

// ErrCutShort is returned when the watch was stopped while work was in
// flight (the first `up`, or a re-run): what ran was interrupted.
var ErrCutShort = errors.New("stopped while steps were running")

// Run brings the environment up as `envrun up` does, then watches the
// files its steps read and the Envfile, and re-runs what a change affects,
// until ctx ends. It owns first and closes it (or the environment that
// replaced it) on return. A step that fails is reported and the watch goes
// on. It returns nil when stopped while idle, an error wrapping
// ErrCutShort when stopped while steps ran, and any other error when the
// watch could not start.
func Run(ctx context.Context, first *Loaded, opts Options) error {
	if opts.UI == nil {
		opts.UI = ui.Discard()
	}
	if opts.Clock == nil {
		opts.Clock = RealClock{}
	}
	if opts.watcher == nil {
		opts.watcher = newNotifier
	}
	s := &session{
		opts:       opts,
		ui:         opts.UI,
		cur:        first,
		batches:    make(chan []string, 16),
		toldUnused: map[string]bool{},
		errs:       make(chan error, 16),
		quit:       make(chan struct{}),
	}
	defer func() { s.cur.close() }()
	if err := s.start(); err != nil {
		return err
	}
	defer s.stop()
	return s.loop(ctx)
}

// session is one watch. The loop goroutine owns mapper and ignore; the
// goroutine of the run in progress owns cur (the loop reads it only when
// no run is in progress).
type session struct {
	opts     Options
	ui       *ui.UI
	dir      string // the Envfile's folder
	cur      *Loaded
	mapper   *Mapper
	ignore   *Ignore
	notifier fileWatcher
	coal     *Coalescer
	batches  chan []string
	// toldUnused are the changed files -v said no step reads.
	toldUnused map[string]bool
	errs       chan error
	quit       chan struct{}
}

// start loads the ignore rules and starts watching.
func (s *session) start() error {
	ef := s.cur.Spec
	s.dir = ef.Dir
	ig, err := LoadIgnore(ef.Dir)
	if err != nil {
		s.ui.Warnf("", "%s: %v (ignoring no pattern)", IgnoreFile, err)
		ig = NewIgnore(ef.Dir, nil)
	}
	s.ignore = ig
	s.mapper = NewMapper(ef, ig)
	s.coal = NewCoalescer(s.opts.Clock, s.opts.Quiet, s.opts.MaxDelay, func(batch []string) {
		select {
		case s.batches <- batch:
		case <-s.quit:
		}
	})
	s.notifier, err = s.opts.watcher(s.coal.Add, func(err error) {
		select {
		case s.errs <- err:
		default: // errors pile up faster than they are printed: drop
		}
	})
	if err != nil {
		return err
	}
	s.notifier.SetIgnore(ig)
	if err := s.notifier.Watch(s.mapper.Roots()); err != nil {
		s.notifier.Close()
		return err
	}
	return nil
}

func (s *session) stop() {
	close(s.quit)
	s.coal.Stop()
	s.notifier.Close()
}

// pending is the work triggered since the last run started, merged.
type pending struct {
	paths   []string
	envfile bool
}

func (p *pending) add(paths []string, envfile bool) {
	for _, x := range paths {
		if !slices.Contains(p.paths, x) {
			p.paths = append(p.paths, x)
		}
	}
	p.envfile = p.envfile || envfile
}

// runResult is what a run hands back to the loop.
type runResult struct {
	final   func()  // prints the run's last lines, nil for none
	mapper  *Mapper // the new Envfile's, after a successful re-load
	initial bool    // the first `up`
	fatal   error   // the first `up` could not start: the watch ends
}

// loop brings the environment up, then acts on batches of changes until
// ctx ends. One run at a time: what changes during a run (the first `up`
// included) waits, merged, for the next one, so a step never runs twice at
// once.
func (s *session) loop(ctx context.Context) error {
	var next *pending
	running := true
	done := make(chan runResult, 1)
	go func() { done <- s.up(ctx) }()
	start := func() {
		p := next
		next, running = nil, true
		mapper, ig := s.mapper, s.ignore
		go func() { done <- s.run(ctx, p, mapper, ig) }()
	}
	for {
		select {
		case <-ctx.Done():
			if running {
				if res := <-done; res.final != nil {
					res.final() // what was cut short
				}
				return fmt.Errorf("%w: %w", ErrCutShort, context.Cause(ctx))
			}
			return nil
		case err := <-s.errs:
			s.ui.Errorf("", "watch: %v", err)
		case batch := <-s.batches:
			c := s.mapper.Map(batch)
			s.announce(c, running)
			if c.IgnoreFile {
				s.reloadIgnore()
			}
			if c.Envfile || len(c.Steps) > 0 {
				if next == nil {
					next = &pending{}
				}
				next.add(c.Paths, c.Envfile)
				if !running {
					start()
				}
			}
		case res := <-done:
			running = false
			if res.fatal != nil {
				return res.fatal
			}
			if res.final != nil {
				res.final()
			}
			if res.initial {
				s.describe()
			}
			if res.mapper != nil {
				s.mapper = res.mapper
				s.mapper.Ignore = s.ignore // read again during the run, maybe
				if err := s.notifier.Watch(s.mapper.Roots()); err != nil {
					s.ui.Errorf("", "watch: %v", err)
				}
			}
			if next != nil && ctx.Err() == nil {
				start()
			}
		}
	}
}

// reloadIgnore reads .envrunignore again and applies it.
func (s *session) reloadIgnore() {
	ig, err := LoadIgnore(s.dir)
	if err != nil {
		s.ui.Errorf("", "%s: %v (keeping the patterns in force)", IgnoreFile, err)
		return
	}
	s.ignore = ig
	m := *s.mapper // a run in progress may be using the old one
	m.Ignore = ig
	s.mapper = &m
	s.notifier.SetIgnore(ig)
	if err := s.notifier.Watch(s.mapper.Roots()); err != nil {
		s.ui.Errorf("", "watch: %v", err)
	}
	s.ui.Infof("", "%s: %d pattern(s) in force", IgnoreFile, len(ig.Patterns()))
}

// announce prints the one line a batch of changes gets: what changed →
// what it re-runs.
func (s *session) announce(c *Change, running bool) {
	for _, p := range c.Ignored {
		s.ui.Debugf("", "%s changed: ignored", s.rel(p))
	}
	if c.Empty() {
		// Once per file: a log file written beside the Envfile (watch's
		// own -v output, say) would otherwise print a line per line.
		var unused []string
		for _, p := range c.Unused {
			if !s.toldUnused[p] {
				s.toldUnused[p] = true
				unused = append(unused, p)
			}
		}
		if len(unused) > 0 {
			s.ui.Debugf("", "%s changed → nothing to re-run (no step reads it; not said again)", s.list(unused))
		}
		return
	}
	var what []string
	if c.Envfile {
		what = append(what, "re-load the Envfile")
	}
	if len(c.Steps) > 0 {
		what = append(what, "re-run "+refList(c.Steps))
	}
	if len(what) == 0 {
		what = append(what, "re-read the ignore patterns")
	}
	line := fmt.Sprintf("%s changed → %s", s.list(c.Paths), strings.Join(what, ", then "))
	if running && (c.Envfile || len(c.Steps) > 0) {
		line += " (queued: a run is in progress)"
	}
	s.ui.Infof("", "%s", line)
}

// up brings the environment up as `envrun up` does.
func (s *session) up(ctx context.Context) runResult {
	t0 := time.Now()
	env := s.cur.Runner
	rep, err := env.Walk(ctx, engine.PlanOptions{Provision: engine.ProvisionAuto})
	if rep == nil {
		return runResult{fatal: err}
	}
	env.Summary(rep, time.Since(t0), false)
	if err != nil && ctx.Err() == nil {
		s.ui.Warnf("", "the environment is not fully up; watching anyway (fix and save, and the changed steps run again)")
	}
	return runResult{initial: true}
}

// run does the work of one trigger: re-load the Envfile when it changed,
// then re-run the affected steps. Its result's final line is printed by
// the loop once the run is over, so that it marks the watch idle.
func (s *session) run(ctx context.Context, p *pending, mapper *Mapper, ig *Ignore) runResult {
	t0 := time.Now()
	var res runResult
	var steps []engine.StepRef
	if p.envfile {
		m, changed, err := s.reload(ctx, ig)
		switch {
		case m != nil:
			res.mapper, mapper, steps = m, m, changed
			res.final = func() {
				s.ui.Printf("%s re-loaded the Envfile in %.1fs\n", s.ui.Green("envrun: ok:"), time.Since(t0).Seconds())
			}
		case err != nil:
			res.final = func() {
				s.ui.Warnf("", "the Envfile did not load: the last good environment stays up and watched")
			}
		}
	}
	if ctx.Err() != nil {
		return res
	}
	for _, r := range mapper.Map(p.paths).Steps {
		if !slices.Contains(steps, r) {
			steps = append(steps, r)
		}
	}
	if len(steps) == 0 {
		return res
	}
	env := s.cur.Runner
	steps = inEnvfileOrder(s.cur.Spec, steps)
	t1 := time.Now()
	changed := p.paths
	if changed == nil {
		changed = []string{} // known: only the Envfile changed
	}
	rep, err := env.Walk(ctx, engine.PlanOptions{Steps: steps, Changed: changed})
	prev := res.final
	res.final = func() {
		if prev != nil {
			prev()
		}
		switch {
		case rep == nil:
			s.ui.Errorf("", "re-run %s: %v", refList(steps), err)
		case rep.OK():
			s.ui.Printf("%s re-ran %s in %.1fs\n", s.ui.Green("envrun: ok:"), refList(steps), time.Since(t1).Seconds())
		default:
			env.Summary(rep, time.Since(t1), false)
		}
	}
	return res
}

// applyAdvice says which command applies changed settings of machine name.
func applyAdvice(env Runner, name string) string {
	if env.CanReload() {
		return fmt.Sprintf("`envrun reload %s` applies it", name)
	}
	return fmt.Sprintf("`envrun destroy %s && envrun up %s` applies it", name, name)
}

// reload loads the Envfile anew and applies the difference: new machines
// come up, removed ones are reported (or destroyed with Prune), settings
// that need a machine made anew are reported. It returns the new mapper
// and the changed steps to re-run; or a nil mapper and the load error, when
// the last good environment stays.
func (s *session) reload(ctx context.Context, ig *Ignore) (*Mapper, []engine.StepRef, error) {
	old := s.cur
	loaded, err := s.opts.Load(ctx)
	if err == nil && loaded.Provider != old.Provider {
		err = fmt.Errorf("the provider would now be %s (from %s), not %s: stop the watch and start it again to change providers",
			loaded.Provider, loaded.ProviderSource, old.Provider)
		loaded.close()
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, nil
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			s.ui.Errorf("", "%s", line)
		}
		return nil, nil, err
	}
	d := Compare(old.Spec, loaded.Spec)
	s.cur = loaded
	old.close()
	env := loaded.Runner
	if d.Empty() {
		s.ui.Infof("", "the Envfile changed nothing the watch applies")
	}
	for _, name := range d.Removed {
		if !s.opts.Prune {
			s.ui.Warnf(name, "no longer in the Envfile: left running (`envrun destroy %s` removes it; `envrun watch --prune` removes such machines)", name)
		}
	}
	if s.opts.Prune && len(d.Removed) > 0 {
		s.ui.Infof("", "removing machine(s) no longer in the Envfile: %s", strings.Join(d.Removed, ", "))
		if err := env.Destroy(ctx, d.Removed); err != nil {
			s.ui.Errorf("", "%v", err)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(d.Remake)) {
		s.ui.Warnf(name, "%s changed: the watch does not make machines anew; %s",
			strings.Join(d.Remake[name], ", "), applyAdvice(env, name))
	}
	steps := d.Steps
	// A new machine with autostart = false waits to be named, as in up.
	d.Added = slices.DeleteFunc(d.Added, func(name string) bool {
		m := loaded.Spec.Machine(name)
		return m != nil && m.NoAutostart
	})
	if len(d.Added) > 0 && ctx.Err() == nil {
		s.ui.Infof("", "new machine(s) in the Envfile: %s", strings.Join(d.Added, ", "))
		t0 := time.Now()
		rep, err := env.Walk(ctx, engine.PlanOptions{Machines: d.Added, Provision: engine.ProvisionAuto})
		if rep == nil {
			s.ui.Errorf("", "up %s: %v", strings.Join(d.Added, ", "), err)
		} else {
			env.Summary(rep, time.Since(t0), false)
			steps = withoutRanSteps(steps, rep)
		}
	}
	return NewMapper(loaded.Spec, ig), steps, nil
}

// withoutRanSteps drops the steps that a walk planned (they ran, or
// failed, just now).
func withoutRanSteps(steps []engine.StepRef, rep *graph.Report) []engine.StepRef {
	ran := map[engine.StepRef]bool{}
	for _, r := range rep.Results {
		if ref, ok := engine.StepOf(r.Node); ok {
			ran[ref] = true
		}
	}
	return slices.DeleteFunc(slices.Clone(steps), func(r engine.StepRef) bool { return ran[r] })
}

// inEnvfileOrder sorts step references as the Envfile declares them:
// machines in order with their steps in order, then global steps.
func inEnvfileOrder(ef *spec.Envfile, refs []engine.StepRef) []engine.StepRef {
	rank := map[engine.StepRef]int{}
	for _, m := range ef.Machines {
		for _, st := range m.Steps {
			rank[engine.StepRef{Machine: m.Name, Step: st.Info().Name}] = len(rank)
		}
	}
	for _, st := range ef.Steps {
		rank[engine.StepRef{Step: st.Info().Name}] = len(rank)
	}
	out := slices.Clone(refs)
	slices.SortStableFunc(out, func(a, b engine.StepRef) int { return rank[a] - rank[b] })
	return out
}

// describe prints what is watched: a line, and at -v every step's paths.
func (s *session) describe() {
	m := s.mapper
	paths := 0
	for _, r := range m.Rules {
		paths += len(r.Paths)
	}
	var srcs []string
	for _, p := range m.Sources {
		srcs = append(srcs, s.rel(p))
	}
	s.ui.Infof("", "watching %d path(s) of %d step(s), and %s; Ctrl-C stops (machines keep running)",
		paths, len(m.Rules), strings.Join(srcs, ", "))
	if s.ui.Level() < ui.Verbose {
		return
	}
	for _, r := range m.Rules {
		var ps []string
		for _, w := range r.Paths {
			ps = append(ps, fmt.Sprintf("%s (%s)", s.rel(w.Path), w.Why))
		}
		s.ui.Debugf("", "watch %s: %s", r.Step, strings.Join(ps, ", "))
	}
	s.ui.Debugf("", "watch the Envfile: %s", strings.Join(srcs, ", "))
	if pats := s.ignore.Patterns(); len(pats) > 0 {
		s.ui.Debugf("", "watch ignores (%s): %s", IgnoreFile, strings.Join(pats, " "))
	}
	s.ui.Debugf("", "watch: %d folder(s) under inotify watch", len(s.notifier.Dirs()))
}

// rel shows a path relative to the Envfile's folder when inside it.
func (s *session) rel(p string) string {
	if r, err := filepath.Rel(s.dir, p); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return p
}

// list shows a few paths, and how many more.
func (s *session) list(paths []string) string {
	const show = 3
	var out []string
	for i, p := range paths {
		if i == show {
			out = append(out, fmt.Sprintf("and %d more", len(paths)-show))
			break
		}
		out = append(out, s.rel(p))
	}
	return strings.Join(out, ", ")
}

func refList(refs []engine.StepRef) string {
	out := make([]string, len(refs))
	for i, r := range refs {
		out[i] = r.String()
	}
	return strings.Join(out, ", ")
}
