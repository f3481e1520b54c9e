package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
)

// Walk opens the environment and carries out a plan, printing a summary.
// The returned error is the report's (root causes only), or nil.
func (e *Env) Walk(ctx context.Context, opts PlanOptions) (*graph.Report, error) {
	g, err := e.Plan(opts)
	if err != nil {
		return nil, err
	}
	if err := preflight(g); err != nil {
		return nil, err
	}
	if err := e.Open(ctx); err != nil {
		return nil, err
	}
	switch {
	case len(opts.Steps) > 0:
		if err := e.requireRunning(ctx, plannedMachines(g)); err != nil {
			return nil, err
		}
	case opts.Existing:
		if err := e.requireRunning(ctx, opts.Machines); err != nil {
			return nil, err
		}
	}
	names := e.Spec.MachineNames()
	for _, s := range e.Spec.Steps {
		names = append(names, s.Info().Name)
	}
	e.UI.SetScopes(names)
	e.UI.Debugf("", "provider %s (from %s), project %s, %d nodes, parallel %d",
		e.Driver.Name, e.ProviderSource, e.Project, g.Len(), e.Parallel)
	shown := e.announce(g)
	rep := g.Walk(ctx, graph.WalkOptions{
		Parallel: e.Parallel,
		OnStart:  shown.started,
		OnDone: func(r *graph.Result) {
			shown.done(r)
			// Said at once, in a line (on the live display, by its row);
			// the summary gives the whole error.
			if r.Status == graph.Failed && e.UI.Level() >= ui.Normal && e.UI.Live() == nil {
				first, _, _ := strings.Cut(r.Err.Error(), "\n")
				e.UI.Errorf(scopeOf(r.Node), "%s failed: %s", r.Node.ID(), first)
			}
		},
	})
	shown.finish(rep)
	return rep, rep.Err()
}

// scopeOf is the machine (or global step) a node belongs to.
func scopeOf(n graph.Node) string {
	switch n := n.(type) {
	case *machineNode:
		return n.run.m.Name
	case *stepNode:
		return n.run.m.Name
	case *doneNode:
		return n.run.m.Name
	case *globalNode:
		return n.s.Info().Name
	}
	return ""
}

// requireRunning fails unless every named machine (all when none) runs.
func (e *Env) requireRunning(ctx context.Context, names []string) error {
	machines, err := e.Select(names)
	if err != nil {
		return err
	}
	states, err := e.prov.Machines(ctx)
	if err != nil {
		return err
	}
	var problems []string
	for _, m := range machines {
		st := provider.NotCreated
		for _, s := range states {
			if s.Name == m.Name {
				st = s.State
			}
		}
		if st != provider.Running {
			problems = append(problems, fmt.Sprintf("%s is %s", m.Name, st))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: run `envrun up` first", strings.Join(problems, ", "))
	}
	return nil
}

// Summary prints what a walk did: failures with their cause, what they
// skipped, and totals. With timings, every node's duration too.
func (e *Env) Summary(rep *graph.Report, elapsed time.Duration, timings bool) {
	if timings {
		e.printTimings(rep)
	}
	machines := 0
	for _, r := range rep.Results {
		if _, ok := r.Node.(*machineNode); ok && r.Status == graph.OK {
			machines++
		}
	}
	failed, canceled := rep.Count(graph.Failed), rep.Count(graph.Canceled)
	if failed == 0 && canceled == 0 {
		e.UI.Printf("%s %d machine(s) up in %.1fs\n", e.UI.Green("envrun: ok:"), machines, elapsed.Seconds())
		return
	}
	e.UI.Printf("\n")
	for _, r := range rep.Results {
		if r.Status == graph.Failed {
			e.UI.Printf("%s %s: %v\n", e.UI.Red("FAILED"), r.Node.ID(), r.Err)
		}
	}
	for _, c := range skipCauses(rep) {
		e.UI.Printf("%s because %s failed:\n", e.UI.Yellow("skipped"), c.root)
		for _, l := range c.lines {
			e.UI.Printf("  %-36s %s\n", strings.Join(l.what, ", "), e.UI.Dim("("+l.why+")"))
		}
	}
	if canceled > 0 {
		e.UI.Printf("%s %d node(s): interrupted\n", e.UI.Yellow("canceled"), canceled)
	}
	e.UI.Printf("envrun: %d failed, %d skipped, %d canceled, %d ok in %.1fs\n",
		failed, rep.Count(graph.Skipped), canceled, rep.Count(graph.OK), elapsed.Seconds())
}

// MachineStatus is one row of `envrun status`.
type MachineStatus struct {
	Name     string `json:"name"`
	Provider string `json:"provider"`
	State    string `json:"state"`
	IP       string `json:"ip"`
	Hostname string `json:"hostname,omitempty"`
	ID       string `json:"id,omitempty"`
	// Engine is where the machine runs, Reach how this host reaches it
	// (direct, jump, engine).
	Engine string `json:"engine,omitempty"`
	Reach  string `json:"reach"`
	// Interfaces are the machine's interface names by network, as it told
	// them when envrun last connected to it.
	Interfaces map[string]string `json:"interfaces,omitempty"`
	// Orphan marks a machine of this environment that the Envfile no
	// longer names; `envrun destroy` removes it.
	Orphan bool `json:"orphan,omitempty"`
}

// Status lists the Envfile's machines with their state in the backend, then
// any orphans.
func (e *Env) Status(ctx context.Context) ([]MachineStatus, error) {
	if err := e.openReadOnly(ctx); err != nil {
		return nil, err
	}
	states, err := e.prov.Machines(ctx)
	if err != nil {
		return nil, err
	}
	byName := map[string]provider.MachineState{}
	for _, s := range states {
		byName[s.Name] = s
	}
	route, err := e.Route(ctx)
	if err != nil {
		return nil, err
	}
	var out []MachineStatus
	for _, m := range e.Spec.Machines {
		ms := MachineStatus{Name: m.Name, Provider: e.Driver.Name, State: string(provider.NotCreated), Hostname: m.Hostname, Engine: route.Engine, Reach: string(route.Reach)}
		if ip := m.IP(); ip.IsValid() {
			ms.IP = ip.String()
		}
		if s, ok := byName[m.Name]; ok {
			ms.State, ms.ID = string(s.State), s.ID
			ms.Interfaces = e.cache.interfaces(m.Name, s.ID)
			if s.IP != "" {
				ms.IP = s.IP
			}
			delete(byName, m.Name)
		}
		out = append(out, ms)
	}
	for _, s := range states {
		if _, orphan := byName[s.Name]; orphan {
			out = append(out, MachineStatus{Name: s.Name, Provider: e.Driver.Name, State: string(s.State), IP: s.IP, ID: s.ID, Engine: route.Engine, Reach: string(route.Reach), Orphan: true})
		}
	}
	return out, nil
}

// OrphanNetworks lists the networks of this environment in the backend
// that the Envfile no longer names; `envrun destroy` removes them.
func (e *Env) OrphanNetworks(ctx context.Context) ([]provider.NetworkState, error) {
	if err := e.openReadOnly(ctx); err != nil {
		return nil, err
	}
	nets, err := e.prov.Networks(ctx)
	if err != nil {
		return nil, err
	}
	var out []provider.NetworkState
	for _, n := range nets {
		if e.Spec.Network(n.Name) == nil {
			out = append(out, n)
		}
	}
	return out, nil
}

// Halt stops the named machines (all when none), in parallel.
func (e *Env) Halt(ctx context.Context, names []string) error {
	if err := e.Open(ctx); err != nil {
		return err
	}
	targets, states, err := e.targets(ctx, names)
	if err != nil {
		return err
	}
	return e.each(ctx, targets, "halt", func(ctx context.Context, name string) error {
		switch states[name] {
		case "":
			e.UI.Infof(name, "not created")
			return nil
		case provider.Stopped:
			e.UI.Infof(name, "not running")
			return nil
		}
		e.UI.Infof(name, "halting")
		return e.prov.Halt(ctx, name)
	})
}

// targets resolves names for halt and destroy: Envfile machines, or
// orphans found in the backend; none means every machine of both kinds.
// It returns the state of each machine the backend has.
func (e *Env) targets(ctx context.Context, names []string) ([]string, map[string]provider.State, error) {
	states, err := e.prov.Machines(ctx)
	if err != nil {
		return nil, nil, err
	}
	existing := map[string]provider.State{}
	for _, s := range states {
		existing[s.Name] = s.State
	}
	if len(names) == 0 {
		out := e.Spec.MachineNames()
		for _, s := range states {
			if !slices.Contains(out, s.Name) {
				out = append(out, s.Name)
			}
		}
		return out, existing, nil
	}
	for _, n := range names {
		if _, ok := existing[n]; e.Spec.Machine(n) == nil && !ok {
			return nil, nil, &UsageError{fmt.Errorf("no machine %q in %s or in the %s backend%s", n, e.Spec.Path, e.Driver.Name,
				spec.DidYouMean(n, e.Spec.MachineNames()))}
		}
	}
	return names, existing, nil
}

// each runs f for every name in parallel (bounded) and joins the errors.
func (e *Env) each(ctx context.Context, names []string, verb string, f func(context.Context, string) error) error {
	var g errgroup.Group
	g.SetLimit(e.Parallel)
	errs := make([]error, len(names))
	for i, n := range names {
		g.Go(func() error {
			row := n
			if verb == "remove network" {
				row = ui.NetworkRow(n)
			}
			if err := e.eachRow(row, verb, func() error { return f(ctx, n) }); err != nil {
				errs[i] = fmt.Errorf("%s %s: %w", verb, n, err)
				e.UI.Errorf(n, "%v", errs[i])
			}
			return nil
		})
	}
	g.Wait()
	return errors.Join(errs...)
}

// Destroy removes the named machines (all when none, orphans included).
// Destroying them all also removes the networks and the state folder.
func (e *Env) Destroy(ctx context.Context, names []string) error {
	if err := e.Open(ctx); err != nil {
		return err
	}
	targets, states, err := e.targets(ctx, names)
	if err != nil {
		return err
	}
	err = e.each(ctx, targets, "destroy", func(ctx context.Context, name string) error {
		e.forgetConn(name)
		if err := e.prov.Destroy(ctx, name); err != nil {
			return err
		}
		if _, ok := states[name]; ok {
			e.UI.Infof(name, "destroyed")
		} else {
			e.UI.Infof(name, "not created")
		}
		if err := e.known.Forget(name); err != nil {
			return err
		}
		return e.cache.update(func(d *cacheData) {
			delete(d.Machines, name)
			for step, sc := range d.Steps {
				if _, ok := sc.Hosts[name]; ok {
					delete(d.Steps, step)
				}
			}
		})
	})
	if err != nil || len(names) > 0 {
		return err
	}
	nets, err := e.prov.Networks(ctx)
	if err != nil {
		return err
	}
	var netNames []string
	for _, n := range nets {
		if !slices.Contains(netNames, n.Name) {
			netNames = append(netNames, n.Name)
		}
	}
	if err := e.each(ctx, netNames, "remove network", func(ctx context.Context, name string) error {
		if err := e.prov.DestroyNetwork(ctx, name); err != nil {
			return err
		}
		e.UI.Infof("", "removed network %s", name)
		return nil
	}); err != nil {
		return err
	}
	return e.removeState()
}

// removeState removes the files envrun made in the state folder, by name,
// but for the lock, which its holder removes on exit. Anything else there
// is the user's: it stays, and is named.
func (e *Env) removeState() error {
	left, err := e.State.RemoveOwn()
	if err != nil {
		return err
	}
	if len(left) > 0 {
		e.UI.Warnf("", "%s holds files envrun did not make, left as they are: %s", e.State.Path, strings.Join(left, ", "))
	}
	e.cache = openCache(e.State, func(string, ...any) {})
	return nil
}

// skipCause is what one failed node made the walk skip, and why.
type skipCause struct {
	root  string
	lines []skipLine
}

type skipLine struct {
	what []string // node IDs
	why  string
}

// skipCauses explains the skipped nodes of a walk, grouped by the failure
// at their root: machines that depend on a failed one (with their steps),
// a machine's steps after its failed step, and global steps over a failed
// machine or after a failed step. Internal barrier nodes are not shown.
func skipCauses(rep *graph.Report) []skipCause {
	notOK := func(id string) bool {
		r := rep.Result(id)
		return r != nil && r.Status != graph.OK
	}
	var causes []skipCause
	index := map[string]int{}  // root → causes index
	lineAt := map[string]int{} // root + line key → lines index
	add := func(root, key, what, why string) {
		i, ok := index[root]
		if !ok {
			i = len(causes)
			index[root] = i
			causes = append(causes, skipCause{root: root})
		}
		c := &causes[i]
		if j, ok := lineAt[root+"\x00"+key]; ok {
			c.lines[j].what = append(c.lines[j].what, what)
			return
		}
		lineAt[root+"\x00"+key] = len(c.lines)
		c.lines = append(c.lines, skipLine{what: []string{what}, why: why})
	}
	for _, r := range rep.Results {
		if r.Status != graph.Skipped {
			continue
		}
		switch n := r.Node.(type) {
		case *machineNode:
			m := n.run.m
			var deps []string
			for _, d := range m.DependsOn {
				if notOK(doneID(d)) {
					deps = append(deps, d)
				}
			}
			what := r.Node.ID()
			if len(m.Steps) > 0 && rep.Result(stepID(m.Name, m.Steps[0].Info().Name)) != nil {
				what += fmt.Sprintf(" and its %d step(s)", len(m.Steps))
			}
			add(r.Cause, r.Node.ID(), what, "depends_on "+strings.Join(deps, ", "))
		case *stepNode:
			// A skipped machine's steps are counted on its line.
			name := n.run.m.Name
			switch rep.Result(machineID(name)).Status {
			case graph.Skipped:
			case graph.Failed:
				add(r.Cause, "steps of "+name, r.Node.ID(), "steps of "+name)
			default:
				add(r.Cause, "steps of "+name, r.Node.ID(), "later steps of "+name)
			}
		case *globalNode:
			var why []string
			var over []string
			for _, h := range globalHosts(n.s) {
				if notOK(doneID(h)) {
					over = append(over, h)
				}
			}
			if len(over) > 0 {
				why = append(why, "runs over "+strings.Join(over, ", "))
			}
			if a, ok := n.s.(*spec.Ansible); ok {
				var after []string
				for _, dep := range a.After {
					if s := n.p.e.Spec.Step(dep); s != nil && notOK(globalID(s.Info().Kind, dep)) {
						id := globalID(s.Info().Kind, dep)
						after = append(after, id)
					}
				}
				if len(after) > 0 {
					why = append(why, "after "+strings.Join(after, ", "))
				}
			}
			add(r.Cause, r.Node.ID(), r.Node.ID(), strings.Join(why, "; "))
		}
	}
	return causes
}
