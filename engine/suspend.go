package engine

import (
	"context"
	"fmt"

	"github.com/envrun/envrun/engine/provider"
)

// Suspend, resume and reload: the lifecycle commands that keep a machine's
// disk (snapshots are in snapshot.go).

// suspender returns the provider's suspend power, opening it.
func (e *Env) suspender(ctx context.Context) (provider.Suspender, error) {
	if err := e.Open(ctx); err != nil {
		return nil, err
	}
	s, ok := e.prov.(provider.Suspender)
	if !ok {
		return nil, fmt.Errorf("the %s provider cannot suspend machines: %w", e.Driver.Name, provider.ErrUnsupported)
	}
	return s, nil
}

// Suspend freezes the named running machines (every running one when
// none).
func (e *Env) Suspend(ctx context.Context, names []string) error {
	sp, err := e.suspender(ctx)
	if err != nil {
		return err
	}
	ms, states, err := e.existing(ctx, names, "suspend")
	if err != nil {
		return err
	}
	return e.each(ctx, machineNames(ms), "suspend", func(ctx context.Context, name string) error {
		switch st := states[name].State; st {
		case provider.Suspended:
			e.UI.Infof(name, "suspended already")
			return nil
		case provider.Running:
		default:
			if len(names) == 0 {
				e.UI.Infof(name, "%s: left as it is", st)
				return nil
			}
			return fmt.Errorf("%s is %s: only a running machine can be suspended", name, st)
		}
		e.forgetConn(name)
		if err := sp.Suspend(ctx, name); err != nil {
			return err
		}
		e.UI.Infof(name, "suspended")
		return nil
	})
}

// Resume thaws the named suspended machines (every suspended one when
// none).
func (e *Env) Resume(ctx context.Context, names []string) error {
	sp, err := e.suspender(ctx)
	if err != nil {
		return err
	}
	ms, states, err := e.existing(ctx, names, "resume")
	if err != nil {
		return err
	}
	return e.each(ctx, machineNames(ms), "resume", func(ctx context.Context, name string) error {
		switch st := states[name].State; st {
		case provider.Suspended:
		case provider.Running:
			e.UI.Infof(name, "running already")
			return nil
		default:
			if len(names) == 0 {
				e.UI.Infof(name, "%s: left as it is", st)
				return nil
			}
			return fmt.Errorf("%s is %s, not suspended: `envrun up %s` starts it", name, st, name)
		}
		if err := sp.Resume(ctx, name); err != nil {
			return err
		}
		if e.Driver.OwnClock {
			// Resumed from a saved state: the clock is the one it had.
			m := e.Spec.Machine(name)
			inst, err := e.prov.Up(ctx, m)
			if err != nil {
				return err
			}
			c, err := e.connect(ctx, m, inst)
			if err != nil {
				return err
			}
			e.syncClock(ctx, name, c)
		}
		e.UI.Infof(name, "resumed")
		return nil
	})
}

// CanReload reports whether the provider can reload machines: apply
// changed settings keeping their file system or disk.
func (e *Env) CanReload() bool {
	_, ok := e.prov.(provider.Reloader)
	return ok
}

// prepareReload checks that the provider can reload and notes, for each
// machine opts.Reload names (all when none), its provisioning state now:
// a machine replaced keeping its disk keeps it.
func (e *Env) prepareReload(ctx context.Context, opts PlanOptions) error {
	if !e.CanReload() {
		return fmt.Errorf("the %s provider cannot reload machines: %w", e.Driver.Name, provider.ErrUnsupported)
	}
	states, err := e.prov.Machines(ctx)
	if err != nil {
		return err
	}
	names := opts.Machines
	if len(names) == 0 {
		names = e.Spec.MachineNames()
	}
	reload := map[string]string{}
	for _, n := range names {
		reload[n] = e.metaOf(n, "")
		for _, s := range states {
			if s.Name == n {
				reload[n] = e.metaOf(n, s.ID)
			}
		}
	}
	e.mu.Lock()
	e.reload = reload
	e.mu.Unlock()
	return nil
}

// reloadMeta reports whether machine name is to be reloaded in this walk,
// with its provisioning state.
func (e *Env) reloadMeta(name string) (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	meta, ok := e.reload[name]
	return meta, ok
}
