package docker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

// Provider is the Docker provider, opened: one client per engine the
// Envfile's machines run on (most environments have one), each machine's
// work sent to its engine.
type Provider struct {
	env     provider.Env
	pl      *placement
	engines []*onEngine // as pl.choices: the default engine first
}

func open(ctx context.Context, env provider.Env) (provider.Provider, error) {
	pl := &placement{choices: []engineChoice{{}}, machine: map[string]int{}}
	if env.Envfile != nil {
		var err error
		if pl, err = placeMachines(env.Envfile); err != nil {
			return nil, err
		}
	}
	p := &Provider{env: env, pl: pl, engines: make([]*onEngine, len(pl.choices))}
	g, gctx := errgroup.WithContext(ctx)
	for i, choice := range pl.choices {
		g.Go(func() error {
			e, err := openEngine(gctx, env, choice)
			if err != nil {
				if len(pl.choices) > 1 {
					return fmt.Errorf("%s: %w", choice.engineName(), err)
				}
				return err
			}
			p.engines[i] = e
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		p.Close()
		return nil, err
	}
	for _, e := range p.engines {
		e.peers = p.engines
	}
	return p, nil
}

func (p *Provider) Name() string { return "docker" }

func (p *Provider) Close() error {
	var errs []error
	for _, e := range p.engines {
		if e != nil {
			errs = append(errs, e.Close())
		}
	}
	return errors.Join(errs...)
}

// on is the engine machine name runs on; machines the Envfile does not
// name are looked for on every engine by the callers (all).
func (p *Provider) on(name string) *onEngine {
	if i, ok := p.pl.machine[name]; ok {
		return p.engines[i]
	}
	return p.engines[0]
}

// multi reports whether the environment uses several engines.
func (p *Provider) multi() bool { return len(p.engines) > 1 }

// all runs f on every engine at once and joins the errors.
func (p *Provider) all(f func(e *onEngine) error) error {
	errs := make([]error, len(p.engines))
	var wg sync.WaitGroup
	for i, e := range p.engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(e); err != nil {
				if p.multi() {
					err = fmt.Errorf("%s: %w", e.choice.engineName(), err)
				}
				errs[i] = err
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (p *Provider) Up(ctx context.Context, m *spec.Machine) (*provider.Instance, error) {
	return p.on(m.Name).Up(ctx, m)
}

// Halt stops machine name wherever it is: a machine moved to another
// engine in the Envfile may still run on its old one.
func (p *Provider) Halt(ctx context.Context, name string) error {
	if !p.multi() {
		return p.engines[0].Halt(ctx, name)
	}
	return p.all(func(e *onEngine) error { return e.Halt(ctx, name) })
}

// Destroy removes machine name from every engine; then a spanning
// network that no machine of the environment uses any more is removed
// (its last machine went).
func (p *Provider) Destroy(ctx context.Context, name string) error {
	if !p.multi() && !p.spans() {
		return p.engines[0].Destroy(ctx, name)
	}
	if err := p.all(func(e *onEngine) error { return e.Destroy(ctx, name) }); err != nil {
		return err
	}
	return p.removeUnusedOverlays(ctx)
}

func (p *Provider) Machines(ctx context.Context) ([]provider.MachineState, error) {
	if !p.multi() {
		return p.engines[0].Machines(ctx)
	}
	per := make([][]provider.MachineState, len(p.engines))
	err := p.all(func(e *onEngine) error {
		ms, err := e.Machines(ctx)
		for i := range ms {
			ms[i].Engine = e.ep.Name()
		}
		per[slices.Index(p.engines, e)] = ms
		return err
	})
	return slices.Concat(per...), err
}

func (p *Provider) EnsureNetwork(ctx context.Context, n *spec.Network) error {
	engines := p.enginesOf(n.Name)
	if n.Span {
		return p.ensureOverlay(ctx, n, engines)
	}
	return engines[0].EnsureNetwork(ctx, n)
}

// enginesOf are the engines whose machines use network name, in the
// placement's order; the default engine when none does.
func (p *Provider) enginesOf(name string) []*onEngine {
	var out []*onEngine
	if p.env.Envfile != nil {
		for _, m := range p.env.Envfile.Machines {
			if !slices.ContainsFunc(m.Networks, func(a spec.Attachment) bool { return a.Network == name }) {
				continue
			}
			if e := p.on(m.Name); !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, p.engines[0])
	}
	slices.SortStableFunc(out, func(a, b *onEngine) int { return slices.Index(p.engines, a) - slices.Index(p.engines, b) })
	return out
}

// spans reports whether a network of the Envfile spans engines.
func (p *Provider) spans() bool {
	return p.env.Envfile != nil && slices.ContainsFunc(p.env.Envfile.Networks, func(n *spec.Network) bool { return n.Span })
}

func (p *Provider) DestroyNetwork(ctx context.Context, name string) error {
	if !p.multi() {
		return p.engines[0].DestroyNetwork(ctx, name)
	}
	return p.all(func(e *onEngine) error {
		err := e.DestroyNetwork(ctx, name)
		if err != nil && strings.Contains(err.Error(), "not a swarm manager") {
			return nil // a worker lists an overlay while it has a container there; a manager removes it
		}
		return err
	})
}

// Networks lists the environment's networks on every engine; a swarm's
// overlay network, seen on several, once.
func (p *Provider) Networks(ctx context.Context) ([]provider.NetworkState, error) {
	if !p.multi() {
		return p.engines[0].Networks(ctx)
	}
	per := make([][]provider.NetworkState, len(p.engines))
	err := p.all(func(e *onEngine) error {
		ns, err := e.Networks(ctx)
		per[slices.Index(p.engines, e)] = ns
		return err
	})
	var out []provider.NetworkState
	for _, n := range slices.Concat(per...) {
		if !slices.ContainsFunc(out, func(o provider.NetworkState) bool { return o.ID == n.ID }) {
			out = append(out, n)
		}
	}
	return out, err
}

// Route is how this host reaches the machines of the default engine; the
// machines of the others have theirs in Machines.
func (p *Provider) Route(ctx context.Context) (provider.Route, error) {
	routes := make([]provider.Route, len(p.engines))
	err := p.all(func(e *onEngine) error {
		r, err := e.Route(ctx, p.overlayFirst(e))
		routes[slices.Index(p.engines, e)] = r
		return err
	})
	if err != nil {
		return provider.Route{}, err
	}
	r := routes[0]
	if p.multi() {
		r.Machines = map[string]provider.Route{}
		for name, i := range p.pl.machine {
			if i != 0 {
				r.Machines[name] = routes[i]
			}
		}
	}
	return r, nil
}

// overlayFirst reports whether a machine of engine e has a spanning
// network first: its address is then on an overlay network, which only
// the swarm's containers reach.
func (p *Provider) overlayFirst(e *onEngine) bool {
	if p.env.Envfile == nil {
		return false
	}
	for _, m := range p.env.Envfile.Machines {
		if p.on(m.Name) != e || len(m.Networks) == 0 {
			continue
		}
		if n := p.env.Envfile.Network(m.Networks[0].Network); n != nil && n.Span {
			return true
		}
	}
	return false
}

func (p *Provider) DialMachine(ctx context.Context, name string) (net.Conn, error) {
	return p.on(name).DialMachine(ctx, name)
}

// routeKey names the engines and the Envfile's reach without asking
// them: a cached route holds while it stays the same.
func routeKey(ef *spec.Envfile) (string, error) {
	pl, err := placeMachines(ef)
	if err != nil {
		return "", err
	}
	var parts []string
	for _, c := range pl.choices {
		ep, err := resolveEndpoint(c)
		if err != nil {
			return "", err
		}
		parts = append(parts, "docker "+ep.Name()+" reach="+c.Reach)
	}
	for _, n := range ef.Networks {
		if n.Span {
			parts = append(parts, "span "+n.Name)
		}
	}
	if len(pl.choices) > 1 {
		var ms []string
		for name, i := range pl.machine {
			ms = append(ms, fmt.Sprintf("%s@%d", name, i))
		}
		slices.Sort(ms)
		parts = append(parts, strings.Join(ms, ","))
	}
	return strings.Join(parts, "; "), nil
}

// Snapshots, suspend and reload go to the machine's engine: its
// snapshot images live there.

func (p *Provider) SaveSnapshot(ctx context.Context, name, snap, meta string) error {
	return p.on(name).SaveSnapshot(ctx, name, snap, meta)
}

func (p *Provider) RestoreSnapshot(ctx context.Context, m *spec.Machine, snap string) (*provider.Instance, error) {
	return p.on(m.Name).RestoreSnapshot(ctx, m, snap)
}

// Snapshots lists the snapshots of machine (all machines' when ""), on
// every engine.
func (p *Provider) Snapshots(ctx context.Context, machine string) ([]provider.SnapshotInfo, error) {
	if !p.multi() || machine != "" {
		return p.on(machine).Snapshots(ctx, machine)
	}
	per := make([][]provider.SnapshotInfo, len(p.engines))
	err := p.all(func(e *onEngine) error {
		s, err := e.Snapshots(ctx, machine)
		per[slices.Index(p.engines, e)] = s
		return err
	})
	return slices.Concat(per...), err
}

func (p *Provider) DeleteSnapshot(ctx context.Context, name, snap string) error {
	return p.on(name).DeleteSnapshot(ctx, name, snap)
}

func (p *Provider) Reload(ctx context.Context, m *spec.Machine, meta string) (*provider.Instance, error) {
	return p.on(m.Name).Reload(ctx, m, meta)
}

func (p *Provider) Suspend(ctx context.Context, name string) error {
	return p.on(name).Suspend(ctx, name)
}

func (p *Provider) Resume(ctx context.Context, name string) error {
	return p.on(name).Resume(ctx, name)
}

// Preflight checks the box images of machines on each one's engine.
func (p *Provider) Preflight(ctx context.Context, machines []*spec.Machine) error {
	return p.perEngine(machines, func(e *onEngine, ms []*spec.Machine) error { return e.Preflight(ctx, ms) })
}

// CheckBoxes checks the box names of machines on each one's engine.
func (p *Provider) CheckBoxes(ctx context.Context, machines []*spec.Machine) error {
	return p.perEngine(machines, func(e *onEngine, ms []*spec.Machine) error { return e.CheckBoxes(ctx, ms) })
}

// perEngine runs check over the machines of each engine, and gathers the
// spec errors into one list (exit 2), other errors after, by engine.
func (p *Provider) perEngine(machines []*spec.Machine, check func(*onEngine, []*spec.Machine) error) error {
	if !p.multi() {
		return check(p.engines[0], machines)
	}
	per := make([][]*spec.Machine, len(p.engines))
	for _, m := range machines {
		i := slices.Index(p.engines, p.on(m.Name))
		per[i] = append(per[i], m)
	}
	var errs spec.Errors
	var other []error
	for i, e := range p.engines {
		if len(per[i]) == 0 {
			continue
		}
		if err := check(e, per[i]); err != nil {
			if l := spec.List(err); l != nil {
				errs = append(errs, l...)
			} else {
				other = append(other, fmt.Errorf("%s: %w", e.choice.engineName(), err))
			}
		}
	}
	if len(errs) > 0 {
		return errs.Err()
	}
	return errors.Join(other...)
}
