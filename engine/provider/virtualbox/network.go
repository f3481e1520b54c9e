package virtualbox

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/envrun/envrun/engine/pause"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

// hostNet is one host-only interface (or 7.x network) as envrun sees it.
type hostNet struct {
	Name    string       // vboxnet3, or the 7.x network's name
	Subnet  netip.Prefix // from the host address and mask
	HostIP  netip.Addr
	Project string // the environment that made it ("" when not envrun's)
	Network string // its name in that Envfile
}

// netPrefix is the name prefix of this environment's 7.x host-only
// networks; envrun names them, so the name tells whose they are.
func (p *Provider) netPrefix() string { return "envrun-" + p.env.Project + "-" }

// hostNets lists the host-only interfaces (or 7.x networks) with their
// owners.
func (p *Provider) hostNets(ctx context.Context) ([]hostNet, error) {
	if p.v.hostOnlyNets {
		out, err := p.v.run(ctx, "", "list", "hostonlynets")
		if err != nil {
			return nil, err
		}
		nets, err := ParseHostOnlyNets(out)
		if err != nil {
			return nil, err
		}
		var hn []hostNet
		for _, n := range nets {
			h := hostNet{Name: n.Name, Subnet: n.Prefix()}
			if h.Subnet.IsValid() {
				h.HostIP = h.Subnet.Addr().Next()
			}
			if rest, ok := strings.CutPrefix(n.Name, p.netPrefix()); ok {
				h.Project, h.Network = p.env.Project, rest
			}
			hn = append(hn, h)
		}
		return hn, nil
	}
	out, err := p.v.run(ctx, "", "list", "hostonlyifs")
	if err != nil {
		return nil, err
	}
	ifs, err := ParseHostOnlyIfs(out)
	if err != nil {
		return nil, err
	}
	xout, err := p.v.run(ctx, "", "getextradata", "global", "enumerate")
	if err != nil {
		return nil, err
	}
	owners := ParseExtraData(xout)
	var hn []hostNet
	for _, i := range ifs {
		h := hostNet{Name: i.Name, HostIP: i.IP}
		if i.Prefix.IsValid() {
			h.Subnet = i.Prefix.Masked()
		}
		if o := owners[networkKey(i.Name)]; o != "" {
			h.Project, h.Network, _ = strings.Cut(o, "/")
		}
		hn = append(hn, h)
	}
	return hn, nil
}

// lockedHostNets takes the host-wide lock on host-only changes and lists
// the host-only interfaces; the caller releases the lock with unlock.
func (p *Provider) lockedHostNets(ctx context.Context) (nets []hostNet, unlock func(), err error) {
	unlock, err = lockHost(ctx, p.box.dir, "hostonly")
	if err != nil {
		return nil, nil, err
	}
	if nets, err = p.hostNets(ctx); err != nil {
		unlock()
		return nil, nil, err
	}
	return nets, unlock, nil
}

// networkIf is the host-only interface of the environment's network name,
// or "".
func (p *Provider) networkIf(ctx context.Context, name string) (string, error) {
	nets, err := p.hostNets(ctx)
	if err != nil {
		return "", err
	}
	for _, h := range nets {
		if h.Project == p.env.Project && h.Network == name {
			return h.Name, nil
		}
	}
	return "", nil
}

// EnsureNetwork makes a host-only interface whose host address is the
// network's gateway, with no DHCP server, or adopts the environment's own.
// Changes are serialised host-wide: VirtualBox cannot make host-only
// interfaces concurrently.
func (p *Provider) EnsureNetwork(ctx context.Context, n *spec.Network) error {
	nets, unlock, err := p.lockedHostNets(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	for _, h := range nets {
		if h.Project != p.env.Project || h.Network != n.Name {
			continue
		}
		if h.Subnet == n.Subnet.Masked() && h.HostIP == n.Gateway {
			return nil
		}
		if !p.v.hostOnlyNets {
			// Set up no further than its creation by a run cut off (or
			// from an earlier Envfile): with no VM on it, set it up now.
			if users, err := p.netUsers(ctx, h.Name); err != nil {
				return err
			} else if len(users) == 0 {
				p.env.UI.Debugf("", "host-only interface %s of %q has %s, host %s, and no VM: setting it up again", h.Name, n.Name, h.Subnet, h.HostIP)
				if err := p.configureHostOnlyIf(ctx, h.Name, n); err != nil {
					return err
				}
				return pause.At(ctx, "network-created:"+n.Name)
			}
		}
		return fmt.Errorf("network %q exists in VirtualBox as %s with subnet %s, host address %s from an earlier Envfile; "+
			"the Envfile now says %s, gateway %s: run `envrun destroy` to remove the old environment first",
			n.Name, h.Name, h.Subnet, h.HostIP, n.Subnet, n.Gateway)
	}
	for _, h := range nets {
		if h.Subnet.IsValid() && h.Subnet.Overlaps(n.Subnet) {
			whose := "not envrun's"
			if h.Project != "" {
				whose = fmt.Sprintf("envrun environment %s's network %q", h.Project, h.Network)
			}
			return fmt.Errorf("network %q: subnet %s overlaps VirtualBox host-only %s (%s, %s): choose another subnet, or remove it",
				n.Name, n.Subnet, h.Name, h.Subnet, whose)
		}
	}
	if p.v.hostOnlyNets {
		return p.createHostOnlyNet(ctx, n)
	}
	return p.createHostOnlyIf(ctx, n)
}

func (p *Provider) createHostOnlyNet(ctx context.Context, n *spec.Network) error {
	if n.Gateway != n.Subnet.Masked().Addr().Next() {
		return fmt.Errorf("network %q: VirtualBox 7 on macOS gives the host the first address of a host-only network (%s), not the gateway %s: "+
			"make the gateway %s", n.Name, n.Subnet.Masked().Addr().Next(), n.Gateway, n.Subnet.Masked().Addr().Next())
	}
	name := p.netPrefix() + n.Name
	if _, err := p.v.run(ctx, "", hostOnlyNetAdd(name, n.Subnet)...); err != nil {
		return fmt.Errorf("create VirtualBox host-only network for %q: %w", n.Name, err)
	}
	p.env.UI.Debugf("", "created VirtualBox host-only network %s (%s)", name, n.Subnet)
	return pause.At(ctx, "network-created:"+n.Name)
}

// createHostOnlyIf makes a host-only interface, marks it as the
// network's at once (so that a run cut off later leaves an interface the
// next up knows and sets up), and sets it up.
func (p *Provider) createHostOnlyIf(ctx context.Context, n *spec.Network) (err error) {
	out, err := p.v.run(ctx, "", "hostonlyif", "create")
	if err != nil {
		return fmt.Errorf("create a VirtualBox host-only interface for %q: %w", n.Name, err)
	}
	name, err := ParseCreatedInterface(out)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			cleanup := context.WithoutCancel(ctx)
			p.v.run(cleanup, "", "hostonlyif", "remove", name)
			p.v.run(cleanup, "", "setextradata", "global", networkKey(name))
		}
	}()
	if _, err := p.v.run(ctx, "", "setextradata", "global", networkKey(name), p.env.Project+"/"+n.Name); err != nil {
		return err
	}
	if err := pause.At(ctx, "network-defined:"+n.Name); err != nil {
		return err
	}
	if err := p.configureHostOnlyIf(ctx, name, n); err != nil {
		return err
	}
	return pause.At(ctx, "network-created:"+n.Name)
}

// configureHostOnlyIf gives host-only interface name the network's
// gateway as host address, and no DHCP server.
func (p *Provider) configureHostOnlyIf(ctx context.Context, name string, n *spec.Network) error {
	if _, err := p.v.run(ctx, "", hostOnlyIfConfig(name, n)...); err != nil {
		if ce, ok := err.(*CommandError); ok && (ce.Contains("E_ACCESSDENIED") || ce.Contains("Access denied")) {
			conf, _ := readNetworksConf(hostGOOS)
			if conf == nil {
				conf = &NetworksConf{}
			}
			return fmt.Errorf("network %q: VirtualBox refused the address %s on %s. %s: %w", n.Name, n.Gateway, name, conf.Advice(n.Subnet), err)
		}
		return fmt.Errorf("configure host-only interface %s for %q: %w", name, n.Name, err)
	}
	// No DHCP server on the network: addresses are static.
	dout, err := p.v.run(ctx, "", "list", "dhcpservers")
	if err != nil {
		return err
	}
	for _, d := range ParseDHCPServers(dout) {
		if d == dhcpNetName(name) {
			if _, err := p.v.run(ctx, "", "dhcpserver", "remove", "--netname", d); err != nil {
				return err
			}
		}
	}
	p.env.UI.Debugf("", "set up VirtualBox host-only interface %s (%s, host %s)", name, n.Subnet, n.Gateway)
	return nil
}

// DestroyNetwork removes the environment's network name, unless a VM
// still uses it.
func (p *Provider) DestroyNetwork(ctx context.Context, name string) error {
	nets, unlock, err := p.lockedHostNets(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	for _, h := range nets {
		if h.Project != p.env.Project || h.Network != name {
			continue
		}
		if users, err := p.netUsers(ctx, h.Name); err != nil {
			return err
		} else if len(users) > 0 {
			return fmt.Errorf("network %q (%s) is still used by VM %s: destroy it first", name, h.Name, strings.Join(users, ", "))
		}
		if p.v.hostOnlyNets {
			if _, err := p.v.run(ctx, "", "hostonlynet", "remove", "--name", h.Name); err != nil {
				return fmt.Errorf("remove host-only network %s: %w", h.Name, err)
			}
		} else {
			if _, err := p.v.run(ctx, "", "hostonlyif", "remove", h.Name); err != nil {
				return fmt.Errorf("remove host-only interface %s: %w", h.Name, err)
			}
			if _, err := p.v.run(ctx, "", "setextradata", "global", networkKey(h.Name)); err != nil {
				return err
			}
		}
		p.env.UI.Debugf("", "removed VirtualBox host-only %s", h.Name)
	}
	return nil
}

// netUsers names this environment's VMs attached to host-only ifname.
func (p *Provider) netUsers(ctx context.Context, ifname string) ([]string, error) {
	vms, err := p.ourVMs(ctx)
	if err != nil {
		return nil, err
	}
	var users []string
	for _, vm := range vms {
		for _, nic := range vm.info.NICs {
			if nic.Network == ifname {
				users = append(users, vm.info.Name)
				break
			}
		}
	}
	return users, nil
}

// Networks lists the environment's host-only networks.
func (p *Provider) Networks(ctx context.Context) ([]provider.NetworkState, error) {
	nets, err := p.hostNets(ctx)
	if err != nil {
		return nil, err
	}
	var out []provider.NetworkState
	for _, h := range nets {
		if h.Project == p.env.Project {
			out = append(out, provider.NetworkState{Name: h.Network, ID: h.Name, Subnet: h.Subnet.String()})
		}
	}
	return out, nil
}
