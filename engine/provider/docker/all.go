package docker

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"

	"github.com/envrun/envrun/engine/provider"
)

// allMachines lists the containers of every envrun environment on the
// default engine (DOCKER_HOST, the current context, the local socket): one
// list call filtered on the project label, whose answer carries every
// label, so its cost does not grow with calls per machine.
func allMachines(ctx context.Context) ([]provider.EnvMachine, error) {
	ec, ep, err := dial(engineChoice{})
	if err != nil {
		return nil, err
	}
	list, err := ec.c.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("label", LabelProject))})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", explain(ep, err))
	}
	out := make([]provider.EnvMachine, 0, len(list))
	for _, s := range list {
		ms := machineState(s)
		if ms.Name == "" {
			continue // an image builder's or a network's helper, not a machine
		}
		out = append(out, provider.EnvMachine{
			Envfile: s.Labels[LabelEnvfile], Project: s.Labels[LabelProject],
			Name: ms.Name, Provider: "docker", State: ms.State, IP: ms.IP, ID: ms.ID,
			Details: ms.Details, Engine: ep.Name(),
		})
	}
	return out, nil
}

// subnets lists the subnets of every network of the default engine.
func subnets(ctx context.Context) ([]netip.Prefix, error) {
	ec, ep, err := dial(engineChoice{})
	if err != nil {
		return nil, err
	}
	nets, err := ec.c.NetworkList(ctx, network.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("list networks: %w", explain(ep, err))
	}
	var out []netip.Prefix
	for _, n := range nets {
		for _, cfg := range n.IPAM.Config {
			if pfx, err := netip.ParsePrefix(cfg.Subnet); err == nil {
				out = append(out, pfx.Masked())
			}
		}
	}
	return out, nil
}
