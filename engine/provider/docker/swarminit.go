package docker

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/docker/docker/api/types/swarm"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

// SwarmInit does what the swarm check (overlay.go) tells users to run:
// the engines of the Envfile's spanning networks become one swarm, the
// first of them (the default engine when it has a machine there) its
// manager, and the spanning networks are made on it. Engines already in
// that swarm and networks already made are left alone; an engine in
// another swarm, or a swarm with no manager among the engines, is an
// error that says what to run: envrun never makes an engine leave a swarm.
func (p *Provider) SwarmInit(ctx context.Context, o provider.SwarmOptions) error {
	var spanning []*spec.Network
	var engines []*onEngine
	if p.env.Envfile != nil {
		for _, n := range p.env.Envfile.Networks {
			if !n.Span {
				continue
			}
			spanning = append(spanning, n)
			for _, e := range p.enginesOf(n.Name) {
				if !slices.Contains(engines, e) {
					engines = append(engines, e)
				}
			}
		}
	}
	if len(spanning) == 0 {
		return fmt.Errorf("the Envfile has no network with span = true: there is no swarm to make (a network spans engines when its machines sit on several)")
	}
	slices.SortStableFunc(engines, func(a, b *onEngine) int { return slices.Index(p.engines, a) - slices.Index(p.engines, b) })
	states, err := swarmStates(ctx, engines)
	if err != nil {
		return err
	}
	var mgr *engineState
	for i, s := range states {
		switch {
		case s.info.LocalNodeState == swarm.LocalNodeStateError || s.info.Error != "":
			return fmt.Errorf("%s is in a swarm that fails: %s (see `%s info`)", s.e.choice.engineName(), s.info.Error, s.e.docker())
		case s.info.LocalNodeState == swarm.LocalNodeStatePending:
			return fmt.Errorf("%s is still joining a swarm: run swarm init again in a moment (`%s info` shows its state)", s.e.choice.engineName(), s.e.docker())
		case s.info.LocalNodeState == swarm.LocalNodeStateActive && s.info.ControlAvailable && mgr == nil:
			mgr = &states[i]
		}
	}
	if mgr == nil {
		for _, s := range states {
			if s.info.LocalNodeState == swarm.LocalNodeStateActive {
				return fmt.Errorf("%s is a worker of a swarm whose managers are none of the Envfile's engines (%s): promote it with `docker node promote` on a manager, or make it leave with `%s swarm leave`, then run swarm init again",
					s.e.choice.engineName(), strings.Join(managerAddrs(s.info), ", "), s.e.docker())
			}
		}
		if err := p.initSwarm(ctx, states[0].e, o); err != nil {
			return err
		}
		if states, err = swarmStates(ctx, engines); err != nil {
			return err
		}
		mgr = &states[0]
	} else {
		p.env.UI.Infof("swarm", "%s is a manager of swarm %s", mgr.e.choice.engineName(), mgr.info.Cluster.ID)
	}
	if err := p.joinSwarm(ctx, mgr, states); err != nil {
		return err
	}
	for _, n := range spanning {
		if err := p.ensureOverlay(ctx, n, p.enginesOf(n.Name)); err != nil {
			return err
		}
		p.env.UI.Infof("swarm", "network %q: attachable overlay network %s (%s)", n.Name, p.engines[0].networkName(n.Name), n.Subnet)
	}
	return nil
}

// initSwarm makes engine e the first manager of a new swarm.
func (p *Provider) initSwarm(ctx context.Context, e *onEngine, o provider.SwarmOptions) error {
	req := swarm.InitRequest{ListenAddr: o.ListenAddr, AdvertiseAddr: o.AdvertiseAddr,
		DefaultAddrPool: o.DefaultAddrPool, SubnetSize: o.SubnetSize}
	if req.ListenAddr == "" {
		req.ListenAddr = "0.0.0.0:2377"
	}
	if len(req.DefaultAddrPool) > 0 && req.SubnetSize == 0 {
		// The API takes 0 as given: the manager's allocator then stops
		// ("invalid pools size: 0") and no network is ever allocated.
		req.SubnetSize = 24
	}
	id, err := e.c.SwarmInit(ctx, req)
	if err != nil {
		err = fmt.Errorf("swarm init on %s (%s): %w", e.choice.engineName(), e.ep.Name(), explain(e.ep, err))
		if o.AdvertiseAddr == "" {
			err = fmt.Errorf("%w; name an address of that engine's host that the other engines reach with --advertise-addr", err)
		}
		return err
	}
	p.env.UI.Infof("swarm", "%s is the manager of a new swarm (node %s)", e.choice.engineName(), id)
	return nil
}

// joinSwarm joins the engines of states that are in no swarm to mgr's as
// workers; an engine in another swarm is an error.
func (p *Provider) joinSwarm(ctx context.Context, mgr *engineState, states []engineState) error {
	nodes, err := mgr.e.c.NodeList(ctx, swarm.NodeListOptions{})
	if err != nil {
		return fmt.Errorf("list the nodes of the swarm of %s: %w", mgr.e.choice.engineName(), explain(mgr.e.ep, err))
	}
	var joining []engineState
	for _, s := range states {
		switch {
		case s.info.LocalNodeState != swarm.LocalNodeStateActive:
			joining = append(joining, s)
		case slices.ContainsFunc(nodes, func(nd swarm.Node) bool { return nd.ID == s.info.NodeID }):
			if s.e != mgr.e {
				p.env.UI.Infof("swarm", "%s is in the swarm already", s.e.choice.engineName())
			}
		default:
			return fmt.Errorf("%s is in another swarm than %s: make it leave that one with `%s swarm leave` (which ends what runs there as swarm services), then run swarm init again",
				s.e.choice.engineName(), mgr.e.choice.engineName(), s.e.docker())
		}
	}
	if len(joining) == 0 {
		return nil
	}
	sw, err := mgr.e.c.SwarmInspect(ctx)
	if err != nil {
		return fmt.Errorf("read the join token of the swarm of %s: %w", mgr.e.choice.engineName(), explain(mgr.e.ep, err))
	}
	remotes := managerAddrs(mgr.info)
	for _, s := range joining {
		err := s.e.c.SwarmJoin(ctx, swarm.JoinRequest{ListenAddr: "0.0.0.0:2377", RemoteAddrs: remotes, JoinToken: sw.JoinTokens.Worker})
		if err != nil {
			return fmt.Errorf("join %s to the swarm of %s (managers at %s): %w; its data path (UDP 4789), gossip (7946) and the managers' port must reach each other",
				s.e.choice.engineName(), mgr.e.choice.engineName(), strings.Join(remotes, ", "), explain(s.e.ep, err))
		}
		p.env.UI.Infof("swarm", "%s joined the swarm of %s", s.e.choice.engineName(), mgr.e.choice.engineName())
	}
	return nil
}

// managerAddrs are the addresses of the managers a node knows.
func managerAddrs(info swarm.Info) []string {
	var addrs []string
	for _, m := range info.RemoteManagers {
		addrs = append(addrs, m.Addr)
	}
	return addrs
}
