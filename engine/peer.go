package engine

import (
	"context"
	"fmt"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provision"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/suggest"
)

// peers is envrun.machine(NAME) for the hooks of machine from: it reaches
// the machines from depends on, directly or not, and no other. Those are
// the machines the graph provisions before from starts, so what a hook
// reads there is ready whatever the timing; a machine not ordered before
// is refused, naming the depends_on that would order it.
func (p *plan) peers(from *spec.Machine, out provision.Output) func(string) (*spec.Machine, spec.Runner, error) {
	return func(name string) (*spec.Machine, spec.Runner, error) {
		e := p.e
		m := e.Spec.Machine(name)
		switch {
		case m == nil:
			return nil, nil, fmt.Errorf("no machine %q in %s%s", name, e.Spec.Path, suggest.DidYouMean(name, e.Spec.MachineNames()))
		case m == from:
			return nil, nil, fmt.Errorf("machine %q is the hook's own: use the machine the hook was given", name)
		case !e.dependsOn(from, name):
			return nil, nil, fmt.Errorf("machine %q is not ordered before %q, so its steps may not have run yet: add depends_on = { %q } to machine %q", name, from.Name, name, from.Name)
		}
		out := out
		out.Peer, out.Interfaces = nil, nil
		return m, &peerRunner{p: p, m: m, out: out}, nil
	}
}

// dependsOn reports whether machine m depends on the machine called
// name, directly or through others.
func (e *Env) dependsOn(m *spec.Machine, name string) bool {
	seen := map[string]bool{}
	var walk func(*spec.Machine) bool
	walk = func(m *spec.Machine) bool {
		for _, d := range m.DependsOn {
			if d == name {
				return true
			}
			if dm := e.Spec.Machine(d); dm != nil && !seen[d] {
				seen[d] = true
				if walk(dm) {
					return true
				}
			}
		}
		return false
	}
	return walk(m)
}

// peerRunner runs a hook's commands on another machine, connecting on
// first use: the machine as this walk brought it up, else its live
// connection (a partial run of `envrun watch`).
type peerRunner struct {
	p   *plan
	m   *spec.Machine
	out provision.Output
}

func (r *peerRunner) runner(ctx context.Context) (spec.Runner, error) {
	e := r.p.e
	var inst *provider.Instance
	if run := r.p.runs[r.m.Name]; run != nil {
		inst, _ = run.state()
	}
	if inst == nil {
		inst, _ = e.liveInstance(r.m.Name)
	}
	if inst == nil {
		return nil, fmt.Errorf("machine %q is not running in this run (`envrun up %s`)", r.m.Name, r.m.Name)
	}
	c, err := e.connect(ctx, r.m, inst)
	if err != nil {
		return nil, err
	}
	out := r.out
	out.Interfaces = e.cache.interfaces(r.m.Name, inst.ID)
	return provision.NewRunner(c, r.m, out), nil
}

func (r *peerRunner) Run(ctx context.Context, cmd string) (string, error) {
	pr, err := r.runner(ctx)
	if err != nil {
		return "", err
	}
	out, err := pr.Run(ctx, cmd)
	if err != nil {
		return out, fmt.Errorf("on %s: %w", r.m.Name, err)
	}
	return out, nil
}

func (r *peerRunner) Upload(ctx context.Context, src, dst string) error {
	pr, err := r.runner(ctx)
	if err != nil {
		return err
	}
	if err := pr.Upload(ctx, src, dst); err != nil {
		return fmt.Errorf("on %s: %w", r.m.Name, err)
	}
	return nil
}
