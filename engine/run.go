package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
)

// Walk opens the environment and carries out a plan, saying each failure
// in a line as it happens; Summary prints the whole report afterwards.
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
		if opts.Changed != nil {
			e.noteChanges(opts.Steps, opts.Changed)
		}
	case opts.Existing:
		names := opts.Machines
		if len(names) == 0 && opts.Folders {
			names = plannedMachines(g) // those with rsync folders
		} else if len(names) == 0 {
			for _, m := range e.autostarted() {
				names = append(names, m.Name)
			}
		}
		if len(names) > 0 {
			if err := e.requireRunning(ctx, names); err != nil {
				return nil, err
			}
		}
	default:
		if opts.Reload {
			if err := e.prepareReload(ctx, opts); err != nil {
				return nil, err
			}
		}
		if pf, ok := e.prov.(provider.Preflighter); ok {
			var machines []*spec.Machine
			for _, name := range plannedMachines(g) {
				if m := e.Spec.Machine(name); m != nil {
					machines = append(machines, m)
				}
			}
			if err := pf.Preflight(ctx, machines); err != nil {
				return nil, err
			}
		}
	}
	names := e.Spec.MachineNames()
	for _, s := range e.Spec.Steps {
		names = append(names, s.Info().Name)
	}
	e.UI.SetScopes(names)
	if len(opts.Machines) == 0 && len(opts.Steps) == 0 && len(e.autostarted()) < len(e.Spec.Machines) {
		in := map[*spec.Machine]bool{}
		for _, m := range e.autostarted() {
			in[m] = true
		}
		for _, m := range e.Spec.Machines {
			if !in[m] {
				e.UI.Infof(m.Name, "autostart = false: left alone (`envrun up %s` brings it up)", m.Name)
			}
		}
	}
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

// requireRunning fails unless every named machine (all when none) runs.
func (e *Env) requireRunning(ctx context.Context, names []string) error {
	machines, err := e.Select(names)
	if err != nil {
		return err
	}
	// A machine whose connection lasts runs (see machineNode): asking the
	// backend would only slow a watch's re-run down.
	machines = slices.DeleteFunc(slices.Clone(machines), func(m *spec.Machine) bool {
		_, live := e.liveInstance(m.Name)
		return live
	})
	if len(machines) == 0 {
		return nil
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

// CheckBoxes checks, touching nothing, that every machine's box is one
// the provider knows how to make (`envrun validate`): an unknown one is a
// spec error at the machine's line (exit 2), as up's preflight finds it.
// A provider that cannot be reached is a warning; one without the check
// passes.
func (e *Env) CheckBoxes(ctx context.Context) error {
	if e.Driver == nil {
		return nil
	}
	if err := e.openReadOnly(ctx); err != nil {
		e.UI.Warnf("", "boxes not checked: %v", err)
		return nil
	}
	bc, ok := e.prov.(provider.BoxChecker)
	if !ok {
		return nil
	}
	return bc.CheckBoxes(ctx, e.Spec.Machines)
}
