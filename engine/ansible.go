package engine

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/envrun/envrun/engine/provision/ansible"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
	"github.com/envrun/envrun/internal/safefile"
)

// Inventory is the Ansible inventory of every machine, as `envrun
// inventory` prints it: machines with a static IP need no backend, and
// nothing is written.
func (e *Env) Inventory(ctx context.Context) ([]byte, error) {
	eps, err := e.Endpoints(ctx, nil)
	if err != nil {
		return nil, err
	}
	hosts := make([]ansible.Host, len(eps))
	for i, ep := range eps {
		hosts[i] = inventoryHost(ep.Machine, ep.Addr, ep.Proxy)
		hosts[i].Interfaces = e.cache.interfaces(ep.Machine.Name, "")
	}
	groups, children := map[string][]string{}, map[string][]string{}
	groupVars, hostVars := map[string]map[string]any{}, map[string]map[string]any{}
	union := func(into, from map[string][]string) {
		for _, g := range slices.Sorted(maps.Keys(from)) {
			for _, m := range from[g] {
				if !slices.Contains(into[g], m) {
					into[g] = append(into[g], m)
				}
			}
		}
	}
	merge := func(into, from map[string]map[string]any) {
		for k, vars := range from {
			if into[k] == nil {
				into[k] = map[string]any{}
			}
			maps.Copy(into[k], vars)
		}
	}
	for _, s := range e.Spec.Steps {
		if a, ok := s.(*spec.Ansible); ok {
			union(groups, a.Groups)
			union(children, a.Children)
			merge(groupVars, a.GroupVars)
			merge(hostVars, a.HostVars)
		}
	}
	inv := e.inventory(hosts, groups)
	inv.Children, inv.GroupVars, inv.HostVars = children, groupVars, hostVars
	return inv.YAML()
}

func inventoryHost(m *spec.Machine, addr, proxy string) ansible.Host {
	return ansible.Host{Name: m.Name, Addr: addr, User: m.User, Groups: m.Groups, Vars: m.Vars, ProxyCommand: proxy, ForwardAgent: m.SSH.ForwardAgent}
}

func (e *Env) inventory(hosts []ansible.Host, groups map[string][]string) *ansible.Inventory {
	return &ansible.Inventory{
		Source:         e.Spec.Path,
		Hosts:          hosts,
		Groups:         groups,
		KeyFile:        e.State.KeyPath(),
		KnownHostsFile: e.known.Path(),
	}
}

// runGlobal runs a global step over its machines, which are all up and
// provisioned.
func (e *Env) runGlobal(ctx context.Context, s spec.Step, runs []*machineRun) error {
	switch s := s.(type) {
	case *spec.Ansible:
		return e.runAnsible(ctx, s, runs)
	case *spec.Shell:
		return e.runGlobalShell(ctx, s, runs)
	}
	return fmt.Errorf("%s steps cannot run over several machines", s.Info().Kind)
}

// runAnsible is one ansible-playbook run over an inventory of exactly its
// machines, written to .envrun/ansible/NAME/inventory.yml.
func (e *Env) runAnsible(ctx context.Context, a *spec.Ansible, runs []*machineRun) error {
	route, err := e.Route(ctx)
	if err != nil {
		return err
	}
	hosts := make([]ansible.Host, len(runs))
	names := make([]string, len(runs))
	for i, r := range runs {
		inst, _ := r.state()
		hosts[i] = inventoryHost(r.m, inst.Addr, e.ProxyCommand(route.For(r.m.Name), r.m.Name))
		names[i] = r.m.Name
		hosts[i].Interfaces = e.cache.interfaces(r.m.Name, inst.ID)
	}
	inv := e.inventory(hosts, a.Groups)
	inv.Children, inv.GroupVars, inv.HostVars = a.Children, a.GroupVars, a.HostVars
	data, err := inv.YAML()
	if err != nil {
		return err
	}
	dir, err := e.State.Mkdir("ansible", a.Name)
	if err != nil {
		return err
	}
	invPath := filepath.Join(dir, "inventory.yml")
	if err := safefile.WriteFile(invPath, data, 0o600); err != nil {
		return err
	}
	out := e.UI.Writer(a.Name, ui.Normal)
	defer out.Close()
	run := &ansible.Run{
		Step:      a,
		Inventory: invPath,
		Hosts:     len(hosts),
		HostNames: names,
		Dir:       dir,
		Color:     e.UI.Color(),
		Output:    out,
		Debugf:    func(f string, args ...any) { e.UI.Debugf(a.Name, f, args...) },
	}
	return e.playbook(ctx, run)
}
