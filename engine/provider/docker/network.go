package docker

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"

	"github.com/envrun/envrun/engine/pause"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

func (p *onEngine) listNetworks(ctx context.Context, name string) ([]network.Summary, error) {
	f := filters.NewArgs(filters.Arg("label", LabelProject+"="+p.env.Project))
	if name != "" {
		f.Add("label", LabelNetwork+"="+name)
	}
	nets, err := p.c.NetworkList(ctx, network.ListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list Docker networks: %w", explain(p.ep, err))
	}
	return nets, nil
}

func ipamOf(n network.Summary) (subnet, gateway string) {
	if len(n.IPAM.Config) > 0 {
		return n.IPAM.Config[0].Subnet, n.IPAM.Config[0].Gateway
	}
	return "", ""
}

// EnsureNetwork makes a user-defined bridge network with n's subnet and
// gateway, or adopts the environment's existing one.
func (p *onEngine) EnsureNetwork(ctx context.Context, n *spec.Network) error {
	return p.ensureNetwork(ctx, n, false)
}

// driver is the Docker network driver of a bridge or an overlay network.
func driver(overlay bool) string {
	if overlay {
		return "overlay"
	}
	return "bridge"
}

// ensureNetwork makes n as a bridge network, or as an attachable Swarm
// overlay network (this engine is a manager of the swarm), or adopts it.
func (p *onEngine) ensureNetwork(ctx context.Context, n *spec.Network, overlay bool) error {
	if found, err := p.adopt(ctx, n, overlay); found || err != nil {
		return err
	}
	_, err := p.c.NetworkCreate(ctx, p.networkName(n.Name), network.CreateOptions{
		Driver:     driver(overlay),
		Attachable: overlay,
		Internal:   n.Isolated,
		IPAM: &network.IPAM{
			Driver: "default",
			Config: []network.IPAMConfig{{Subnet: n.Subnet.String(), Gateway: n.Gateway.String()}},
		},
		Labels: map[string]string{
			LabelProject: p.env.Project,
			LabelNetwork: n.Name,
			LabelEnvfile: p.env.Envfile.Path,
		},
	})
	if err == nil {
		p.env.UI.Debugf("", "created Docker %s network %s (%s) on %s", driver(overlay), p.networkName(n.Name), n.Subnet, p.ep.Name())
		return pause.At(ctx, "network-created:"+n.Name)
	}
	if !strings.Contains(err.Error(), "overlaps") && !cerrdefs.IsConflict(err) {
		return fmt.Errorf("create Docker network for %q (%s): %w", n.Name, n.Subnet, explain(p.ep, err))
	}
	// The subnet or the name is taken. It may be this environment's own
	// network, still being made for an envrun that was killed a moment ago:
	// Docker finishes a creation whose client died, and lists it only
	// once done. Wait a little for it to appear, and adopt it.
	for range 20 {
		if found, err := p.adopt(ctx, n, overlay); found || err != nil {
			return err
		}
		if other := p.overlapping(ctx, n.Subnet); other != "" {
			return fmt.Errorf("network %q: subnet %s overlaps %s, which is not this environment's: choose another subnet, or remove it with `docker network rm`",
				n.Name, n.Subnet, other)
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-time.After(250 * time.Millisecond):
		}
	}
	return fmt.Errorf("create Docker network for %q (%s): %w", n.Name, n.Subnet, explain(p.ep, err))
}

// adopt finds the environment's network n in Docker. found is true when it
// exists with n's settings; a network of that name with other settings is
// an error.
func (p *onEngine) adopt(ctx context.Context, n *spec.Network, overlay bool) (found bool, err error) {
	existing, err := p.listNetworks(ctx, n.Name)
	if err != nil {
		return false, err
	}
	for _, e := range existing {
		subnet, gw := ipamOf(e)
		if subnet == n.Subnet.String() && gw == n.Gateway.String() && e.Internal == n.Isolated && e.Driver == driver(overlay) {
			return true, nil
		}
		if e.Driver != driver(overlay) {
			return false, fmt.Errorf("network %q exists in Docker as the %s network %s from an earlier Envfile; "+
				"the Envfile now wants a%s network: run `envrun destroy` to remove the old environment first",
				n.Name, e.Driver, e.Name, map[bool]string{true: "n overlay (span = true)", false: " bridge (no span)"}[overlay])
		}
		return false, fmt.Errorf("network %q exists in Docker as %s with subnet %s, gateway %s from an earlier Envfile; "+
			"the Envfile now says %s, gateway %s: run `envrun destroy` to remove the old environment first",
			n.Name, e.Name, subnet, gw, n.Subnet, n.Gateway)
	}
	return false, nil
}

// overlapping names the Docker network whose subnet overlaps subnet.
func (p *onEngine) overlapping(ctx context.Context, subnet netip.Prefix) string {
	nets, err := p.c.NetworkList(ctx, network.ListOptions{})
	if err != nil {
		return ""
	}
	for _, n := range nets {
		if n.Labels[LabelProject] == p.env.Project {
			continue // ours: adopted or refused by adopt
		}
		for _, c := range n.IPAM.Config {
			if pfx, err := netip.ParsePrefix(c.Subnet); err == nil && pfx.Overlaps(subnet) {
				return fmt.Sprintf("Docker network %q (%s)", n.Name, c.Subnet)
			}
		}
	}
	return ""
}

// DestroyNetwork removes the environment's network called name (every copy,
// should an interrupted run have left two).
func (p *onEngine) DestroyNetwork(ctx context.Context, name string) error {
	nets, err := p.listNetworks(ctx, name)
	if err != nil {
		return err
	}
	for _, n := range nets {
		// (A swarm network removed a moment ago may still be listed, and
		// its removal answer "not found" without the not-found status.)
		if err := p.c.NetworkRemove(ctx, n.ID); err != nil && !isNotFound(err) && !strings.Contains(err.Error(), "not found") {
			return fmt.Errorf("remove Docker network %s: %w", n.Name, err)
		}
		p.env.UI.Debugf("", "removed Docker network %s", n.Name)
	}
	return nil
}

// Networks lists the environment's networks.
func (p *onEngine) Networks(ctx context.Context) ([]provider.NetworkState, error) {
	nets, err := p.listNetworks(ctx, "")
	if err != nil {
		return nil, err
	}
	out := make([]provider.NetworkState, 0, len(nets))
	for _, n := range nets {
		subnet, _ := ipamOf(n)
		out = append(out, provider.NetworkState{Name: n.Labels[LabelNetwork], ID: n.ID, Subnet: subnet})
	}
	return out, nil
}
