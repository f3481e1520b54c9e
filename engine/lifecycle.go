package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
	"github.com/envrun/envrun/internal/suggest"
)

// The commands that look at or end an environment's machines: status,
// halt and destroy (up and provision are a Walk).

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
	// Ports are the host ports forwarded to the machine: as the backend
	// bound them when it runs and says (auto_correct may have picked
	// others), else as the Envfile asks.
	Ports []PortStatus `json:"ports,omitempty"`
	// Snapshots is how many snapshots the machine has.
	Snapshots int `json:"snapshots"`
}

// PortStatus is one forwarded port of a machine.
type PortStatus struct {
	HostIP   string `json:"host_ip,omitempty"`
	Host     int    `json:"host"`
	Guest    int    `json:"guest"`
	Protocol string `json:"protocol"`
	// Corrected: the host port is not the one the Envfile asks for
	// (auto_correct picked it).
	Corrected bool `json:"corrected,omitempty"`
}

func (p PortStatus) String() string {
	s := fmt.Sprintf("%d->%d", p.Host, p.Guest)
	if p.HostIP != "" {
		s = p.HostIP + ":" + s
	}
	if p.Protocol != "" && p.Protocol != "tcp" {
		s += "/" + p.Protocol
	}
	return s
}

// portStatus is m's forwarded ports: bound as the backend says, else as
// asked.
func portStatus(m *spec.Machine, bound []spec.Port, running bool) []PortStatus {
	var out []PortStatus
	if running && bound != nil {
		for _, b := range bound {
			ps := PortStatus{HostIP: b.HostIP, Host: b.Host, Guest: b.Guest, Protocol: b.Protocol, Corrected: true}
			for _, p := range m.Ports {
				if p.Guest == b.Guest && p.Protocol == b.Protocol && p.Host == b.Host {
					ps.Corrected = false
				}
			}
			out = append(out, ps)
		}
		return out
	}
	for _, p := range m.Ports {
		out = append(out, PortStatus{HostIP: p.HostIP, Host: p.Host, Guest: p.Guest, Protocol: p.Protocol})
	}
	return out
}

// Ports are machine name's forwarded ports (see MachineStatus.Ports); an
// error when the machine does not run.
func (e *Env) Ports(ctx context.Context, name string) ([]PortStatus, error) {
	m := e.Spec.Machine(name)
	if m == nil {
		return nil, &UsageError{fmt.Errorf("no machine %q in %s%s", name, e.Spec.Path, suggest.DidYouMean(name, e.Spec.MachineNames()))}
	}
	if err := e.openReadOnly(ctx); err != nil {
		return nil, err
	}
	states, err := e.prov.Machines(ctx)
	if err != nil {
		return nil, err
	}
	for _, s := range states {
		if s.Name == name {
			if s.State != provider.Running {
				return nil, fmt.Errorf("%s is %s: its ports are forwarded while it runs (`envrun up %s`)", name, s.State, name)
			}
			return portStatus(m, s.Ports, true), nil
		}
	}
	return nil, fmt.Errorf("%s is %s: run `envrun up %s` first", name, provider.NotCreated, name)
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
	byName2 := maps.Clone(byName)
	route, err := e.Route(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := e.SnapshotCounts(ctx)
	if err != nil {
		return nil, err
	}
	var out []MachineStatus
	for _, m := range e.Spec.Machines {
		ms := MachineStatus{Name: m.Name, Provider: e.Driver.Name, State: string(provider.NotCreated), Hostname: m.Hostname, Engine: route.For(m.Name).Engine, Reach: string(route.For(m.Name).Reach), Snapshots: counts[m.Name]}
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
		ms.Ports = portStatus(m, byName2[m.Name].Ports, ms.State == string(provider.Running))
		out = append(out, ms)
	}
	for _, s := range states {
		if _, orphan := byName[s.Name]; orphan {
			r := route.For(s.Name)
			if s.Engine != "" {
				r.Engine = s.Engine
			}
			out = append(out, MachineStatus{Name: s.Name, Provider: e.Driver.Name, State: string(s.State), IP: s.IP, ID: s.ID, Engine: r.Engine, Reach: string(r.Reach), Orphan: true, Snapshots: counts[s.Name]})
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
		e.forgetConn(name) // its connection ends with it
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
				suggest.DidYouMean(n, e.Spec.MachineNames()))}
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
			delete(d.Snapshots, name) // destroy removes them with the machine
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
