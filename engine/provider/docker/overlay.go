package docker

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/swarm"

	"github.com/envrun/envrun/engine/spec"
)

// A network with span = true is a Swarm overlay network: attachable, with
// the Envfile's subnet and gateway, made on a manager of the swarm the
// engines of its machines form. Containers on every engine of the swarm
// attach to it with their static IPs; Docker carries it between engines
// (VXLAN) and its DNS answers for the containers of every engine. envrun
// neither creates nor joins swarms: it checks that the engines form one,
// and says what to run when they do not.

// ensureOverlay makes network n on a manager of the swarm of engines.
func (p *Provider) ensureOverlay(ctx context.Context, n *spec.Network, engines []*onEngine) error {
	mgr, err := p.swarmOf(ctx, n, engines)
	if err != nil {
		return err
	}
	return mgr.ensureNetwork(ctx, n, true)
}

// engineState is one engine's place in a swarm.
type engineState struct {
	e    *onEngine
	info swarm.Info
}

// swarmStates reads each engine's place in a swarm.
func swarmStates(ctx context.Context, engines []*onEngine) ([]engineState, error) {
	states := make([]engineState, len(engines))
	for i, e := range engines {
		info, err := e.c.Info(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the swarm state of %s: %w", e.ep.Name(), explain(e.ep, err))
		}
		states[i] = engineState{e: e, info: info.Swarm}
	}
	return states, nil
}

// swarmOf checks that engines are nodes of one swarm and returns a
// manager among them. When they are not, the error says exactly which
// engine is where, and the docker commands that make them one swarm.
func (p *Provider) swarmOf(ctx context.Context, n *spec.Network, engines []*onEngine) (*onEngine, error) {
	states, err := swarmStates(ctx, engines)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, s := range states {
		names = append(names, fmt.Sprintf("%s (%s)", s.e.choice.engineName(), s.e.ep.Name()))
	}
	what := fmt.Sprintf("network %q spans %s, which must be nodes of one Docker swarm", n.Name, strings.Join(names, " and "))
	var outside []engineState
	var mgr *engineState
	for i, s := range states {
		switch {
		case s.info.LocalNodeState == swarm.LocalNodeStateActive && s.info.ControlAvailable:
			if mgr == nil {
				mgr = &states[i]
			}
		case s.info.LocalNodeState == swarm.LocalNodeStateActive:
		case s.info.LocalNodeState == swarm.LocalNodeStateError || s.info.Error != "":
			return nil, fmt.Errorf("%s: %s is in a swarm that fails: %s (see `%s swarm ca` and `%s info`)",
				what, s.e.choice.engineName(), s.info.Error, s.e.docker(), s.e.docker())
		case s.info.LocalNodeState == swarm.LocalNodeStatePending:
			return nil, fmt.Errorf("%s: %s is still joining its swarm: try again in a moment (`%s info` shows its state)", what, s.e.choice.engineName(), s.e.docker())
		default:
			outside = append(outside, s)
		}
	}
	if mgr == nil {
		first := states[0].e
		if len(outside) < len(states) {
			// Workers only: their manager is elsewhere.
			return nil, fmt.Errorf("%s: none of them is a manager, and envrun makes the overlay network on a manager: "+
				"promote one with `docker node promote NODE` on a manager of the swarm (`%s info` names the managers under Swarm), or place a machine of the network on a manager's engine",
				what, first.docker())
		}
		return nil, fmt.Errorf("%s, and none is in a swarm. Make them one, on an address of %s that the others reach, with\n"+
			"    envrun swarm init --advertise-addr ADDRESS\n"+
			"or yourself:\n"+
			"    %s swarm init --advertise-addr ADDRESS\n"+
			"    %s swarm join-token -q worker   # prints TOKEN\n%s",
			what, first.choice.engineName(), first.docker(), first.docker(), joinLines(states[1:]))
	}
	nodes, err := mgr.e.c.NodeList(ctx, swarm.NodeListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list the nodes of the swarm of %s: %w", mgr.e.ep.Name(), explain(mgr.e.ep, err))
	}
	var strangers []engineState
	for _, s := range states {
		if s.info.LocalNodeState == swarm.LocalNodeStateActive && !slices.ContainsFunc(nodes, func(nd swarm.Node) bool { return nd.ID == s.info.NodeID }) {
			strangers = append(strangers, s)
		}
	}
	if len(outside) > 0 || len(strangers) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: ", what)
		for _, s := range outside {
			fmt.Fprintf(&b, "%s is in no swarm; ", s.e.choice.engineName())
		}
		for _, s := range strangers {
			fmt.Fprintf(&b, "%s is in another swarm than %s (leave it with `%s swarm leave`, which ends what runs there as swarm services); ", s.e.choice.engineName(), mgr.e.choice.engineName(), s.e.docker())
		}
		addr := mgr.info.NodeAddr
		fmt.Fprintf(&b, "join it to the swarm of %s (manager at %s):\n    %s swarm join-token -q worker   # prints TOKEN\n%s",
			mgr.e.choice.engineName(), addr, mgr.e.docker(), joinLines(append(outside, strangers...)))
		return nil, fmt.Errorf("%s", strings.TrimRight(b.String(), "\n"))
	}
	return mgr.e, nil
}

// joinLines are the docker swarm join commands of states.
func joinLines(states []engineState) string {
	var b strings.Builder
	for _, s := range states {
		fmt.Fprintf(&b, "    %s swarm join --token TOKEN ADDRESS:2377\n", s.e.docker())
	}
	b.WriteString("(each engine's data path, UDP 4789, and gossip, 7946, must reach the others')")
	return b.String()
}

// docker is the docker CLI's command line for this engine.
func (p *onEngine) docker() string {
	if p.ep.Context != "" && p.ep.Context != "default" {
		return "docker --context " + p.ep.Context
	}
	return "docker -H " + p.ep.Host
}

// removeUnusedOverlays removes the environment's overlay networks that no
// container of the environment uses on any engine: the last machine on
// them went.
func (p *Provider) removeUnusedOverlays(ctx context.Context) error {
	if p.env.Envfile == nil {
		return nil
	}
	used := map[string]bool{}
	err := p.all(func(e *onEngine) error {
		list, err := e.c.ContainerList(ctx, container.ListOptions{All: true,
			Filters: filters.NewArgs(filters.Arg("label", LabelProject+"="+p.env.Project))})
		if err != nil {
			return err
		}
		for _, c := range list {
			if c.NetworkSettings == nil {
				continue
			}
			for net := range c.NetworkSettings.Networks {
				used[net] = true
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, n := range p.env.Envfile.Networks {
		if !n.Span || used[p.engines[0].networkName(n.Name)] {
			continue
		}
		if err := p.DestroyNetwork(ctx, n.Name); err != nil {
			return err
		}
	}
	return nil
}
