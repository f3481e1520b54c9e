//go:build libvirt_dlopen && cgo

package libvirt

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"libvirt.org/go/libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/envrun/envrun/engine/pause"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

// networkParams is what network n should be in libvirt: its settings and a
// DHCP and DNS entry for every machine of the Envfile on it.
func (p *Provider) networkParams(n *spec.Network) networkParams {
	np := networkParams{
		Name:     p.networkName(n.Name),
		Meta:     networkMeta{Project: p.env.Project, Network: n.Name, Envfile: p.env.Envfile.Path},
		Subnet:   n.Subnet,
		Gateway:  n.Gateway,
		Isolated: n.Isolated,
	}
	for _, m := range p.env.Envfile.Machines {
		for _, a := range m.Networks {
			if a.Network == n.Name {
				np.Hosts = append(np.Hosts, netHost{
					MAC:      MACFor(p.env.Project, m.Name, n.Name),
					IP:       a.IP,
					Hostname: m.ShortHostname(),
					// Equal names are neighbours here: Compact drops them.
					Names: slices.Compact([]string{m.Hostname, m.ShortHostname(), m.Name}),
				})
			}
		}
	}
	return np
}

// EnsureNetwork makes network n a libvirt network, or adopts the
// environment's existing one when its settings match, adding the DHCP and
// DNS entries of machines new to the Envfile.
func (p *Provider) EnsureNetwork(ctx context.Context, n *spec.Network) error {
	uri := p.networkURI(n.Name)
	want := p.networkParams(n)
	if p.networkReady(ctx, uri, n, want) {
		return nil
	}
	c, err := p.conn(ctx, uri)
	if err != nil {
		return err
	}
	net, err := c.LookupNetworkByName(want.Name)
	if err == nil {
		defer net.Free()
		return p.adoptNetwork(net, n, want)
	}
	if code(err) != libvirt.ERR_NO_NETWORK {
		return lverr(err, "look up libvirt network %s", want.Name)
	}
	if err := p.checkOverlap(c, n); err != nil {
		return err
	}
	x, err := networkXML(want)
	if err != nil {
		return err
	}
	net, err = c.NetworkDefineXML(x)
	if err != nil {
		return lverr(err, "define libvirt network %s for %q", want.Name, n.Name)
	}
	defer net.Free()
	// Defined but not started is half-made: an interrupted run removes it
	// (a killed one leaves it, and the next run adopts and starts it).
	if err := pause.At(ctx, "network-defined:"+n.Name); err != nil {
		net.Undefine()
		return err
	}
	if err := net.Create(); err != nil {
		net.Undefine()
		return lverr(err, "start libvirt network %s for %q (%s)", want.Name, n.Name, n.Subnet)
	}
	p.env.UI.Debugf("", "created libvirt network %s (%s) at %s", want.Name, n.Subnet, uri)
	return pause.At(ctx, "network-created:"+n.Name)
}

// networkReady reports whether network n runs as the Envfile has it, with
// every machine's host entries: a no-op up's case, read only, over
// libvirtd's protocol where it answers (rpc.go). Anything else is for
// EnsureNetwork's long way, which says what is wrong when something is.
func (p *Provider) networkReady(ctx context.Context, uri string, n *spec.Network, want networkParams) bool {
	r, err := p.reads(ctx, uri)
	if err != nil {
		return false
	}
	x, active, found, err := r.network(want.Name)
	if err != nil || !found || !active {
		return false
	}
	cur, meta, err := parseNetwork(x)
	if err != nil {
		return false
	}
	changes, err := p.networkChanges(cur, meta, n, want)
	return err == nil && len(changes) == 0
}

// hostChange is a DHCP or DNS entry of a machine that a network lacks, or
// has otherwise.
type hostChange struct {
	cmd     libvirt.NetworkUpdateCommand
	section libvirt.NetworkUpdateSection
	xml     string
	what    string // "the DHCP entry of 10.0.0.5"
}

// networkChanges checks that cur is the environment's network n with n's
// settings, and returns the host entries it lacks.
func (p *Provider) networkChanges(cur *libvirtxml.Network, meta *networkMeta, n *spec.Network, want networkParams) ([]hostChange, error) {
	if meta == nil || meta.Project != p.env.Project {
		return nil, fmt.Errorf("network %q: a libvirt network named %s exists and is not this environment's: remove it (virsh net-destroy %s; virsh net-undefine %s) or rename the network",
			n.Name, want.Name, want.Name, want.Name)
	}
	got := settingsOf(cur)
	wantS := netSettings{Subnet: n.Subnet.String(), Gateway: n.Gateway.String(), Isolated: n.Isolated}
	if got != wantS {
		return nil, fmt.Errorf("network %q exists in libvirt as %s with %s from an earlier Envfile; "+
			"the Envfile now says %s: run `envrun destroy` to remove the old environment first",
			n.Name, want.Name, got, wantS)
	}
	dhcp := map[string]libvirtxml.NetworkDHCPHost{}
	dns := map[string]bool{}
	var out []hostChange
	if len(cur.IPs) > 0 && cur.IPs[0].DHCP != nil {
		for _, h := range cur.IPs[0].DHCP.Hosts {
			dhcp[strings.ToLower(h.MAC)] = h
		}
	}
	// A machine's names on another address than it has now (its IP
	// changed): that entry goes, before the new one comes.
	wantIP := map[string]string{}
	for _, h := range want.Hosts {
		for _, name := range h.Names {
			wantIP[name] = h.IP.String()
		}
	}
	if cur.DNS != nil {
		for _, h := range cur.DNS.Host {
			stale := false
			for _, hn := range h.Hostnames {
				if ip, ok := wantIP[hn.Hostname]; ok && ip != h.IP {
					stale = true
				}
			}
			if !stale {
				dns[h.IP] = true
				continue
			}
			x, err := h.Marshal()
			if err != nil {
				return nil, err
			}
			out = append(out, hostChange{libvirt.NETWORK_UPDATE_COMMAND_DELETE, libvirt.NETWORK_SECTION_DNS_HOST, x, "the old DNS entry of " + h.IP})
		}
	}
	for _, h := range want.Hosts {
		wh := dhcpHost(h)
		if old, ok := dhcp[h.MAC]; !ok || old.IP != wh.IP || old.Name != wh.Name {
			cmd := libvirt.NETWORK_UPDATE_COMMAND_ADD_LAST
			if ok {
				cmd = libvirt.NETWORK_UPDATE_COMMAND_MODIFY
			}
			x, err := wh.Marshal()
			if err != nil {
				return nil, err
			}
			out = append(out, hostChange{cmd, libvirt.NETWORK_SECTION_IP_DHCP_HOST, x, fmt.Sprintf("the DHCP entry of %s (%s)", h.IP, h.MAC)})
		}
		if !dns[h.IP.String()] {
			dh := dnsHost(h)
			x, err := dh.Marshal()
			if err != nil {
				return nil, err
			}
			out = append(out, hostChange{libvirt.NETWORK_UPDATE_COMMAND_ADD_LAST, libvirt.NETWORK_SECTION_DNS_HOST, x, "the DNS entry of " + h.IP.String()})
		}
	}
	return out, nil
}

// adoptNetwork checks that an existing network is the environment's and
// matches n, brings its host entries up to date and starts it.
func (p *Provider) adoptNetwork(net *libvirt.Network, n *spec.Network, want networkParams) error {
	// The live definition: envrun changes both it and the persistent one.
	cur, meta, err := readNetwork(net, 0)
	if err != nil {
		return err
	}
	changes, err := p.networkChanges(cur, meta, n, want)
	if err != nil {
		return err
	}
	active, err := net.IsActive()
	if err != nil {
		return lverr(err, "libvirt network %s", want.Name)
	}
	flags := libvirt.NETWORK_UPDATE_AFFECT_CONFIG
	if active {
		flags |= libvirt.NETWORK_UPDATE_AFFECT_LIVE
	}
	for _, ch := range changes {
		if err := net.Update(ch.cmd, ch.section, -1, ch.xml, flags); err != nil {
			return lverr(err, "update %s in libvirt network %s", ch.what, want.Name)
		}
		p.env.UI.Debugf("", "libvirt network %s: %s", want.Name, ch.what)
	}
	if !active {
		if err := net.Create(); err != nil {
			return lverr(err, "start libvirt network %s for %q", want.Name, n.Name)
		}
		p.env.UI.Debugf("", "started libvirt network %s", want.Name)
	}
	return nil
}

// readNetwork parses a network's XML and envrun's metadata in it (nil when
// it has none).
func readNetwork(net *libvirt.Network, flags libvirt.NetworkXMLFlags) (*libvirtxml.Network, *networkMeta, error) {
	x, err := net.GetXMLDesc(flags)
	if err != nil {
		return nil, nil, lverr(err, "read libvirt network")
	}
	return parseNetwork(x)
}

// parseNetwork parses network definition x and envrun's metadata in it.
func parseNetwork(x string) (*libvirtxml.Network, *networkMeta, error) {
	var n libvirtxml.Network
	if err := n.Unmarshal(x); err != nil {
		return nil, nil, fmt.Errorf("read libvirt network: %w", err)
	}
	if n.Metadata == nil {
		return &n, nil, nil
	}
	var meta networkMeta
	if err := parseMeta(n.Metadata.XML, "network", &meta); err != nil {
		return &n, nil, nil
	}
	return &n, &meta, nil
}

// checkOverlap fails when a libvirt network other than n's has a subnet
// that overlaps n's.
func (p *Provider) checkOverlap(c *libvirt.Connect, n *spec.Network) error {
	nets, err := c.ListAllNetworks(0)
	if err != nil {
		return lverr(err, "list libvirt networks")
	}
	defer freeNetworks(nets)
	for i := range nets {
		cur, meta, err := readNetwork(&nets[i], 0)
		if err != nil {
			return err
		}
		for _, ip := range cur.IPs {
			pfx, ok := prefixOf(ip)
			if !ok || !pfx.Masked().Overlaps(n.Subnet) {
				continue
			}
			if meta != nil && meta.Project == p.env.Project {
				return fmt.Errorf("network %q: subnet %s overlaps %s of this environment's network %q from an earlier Envfile: run `envrun destroy` first",
					n.Name, n.Subnet, pfx.Masked(), meta.Network)
			}
			return fmt.Errorf("network %q: subnet %s overlaps libvirt network %s (%s), which is not this environment's: choose another subnet, or remove it (virsh net-destroy %s; virsh net-undefine %s)",
				n.Name, n.Subnet, cur.Name, pfx.Masked(), cur.Name, cur.Name)
		}
	}
	return nil
}

func freeNetworks(nets []libvirt.Network) {
	for i := range nets {
		nets[i].Free()
	}
}

// envNetworks calls f for each network of the environment on every
// connection it uses.
func (p *Provider) envNetworks(ctx context.Context, f func(net *libvirt.Network, n *libvirtxml.Network, meta *networkMeta) error) error {
	for _, uri := range p.uris {
		c, err := p.conn(ctx, uri)
		if err != nil {
			return err
		}
		nets, err := c.ListAllNetworks(0)
		if err != nil {
			return lverr(err, "list libvirt networks at %s", uri)
		}
		for i := range nets {
			name, err := nets[i].GetName()
			if err != nil || !strings.HasPrefix(name, p.env.Project+"-") {
				continue
			}
			x, meta, err := readNetwork(&nets[i], 0)
			if err == nil && meta != nil && meta.Project == p.env.Project {
				err = f(&nets[i], x, meta)
			}
			if err != nil {
				freeNetworks(nets)
				return err
			}
		}
		freeNetworks(nets)
	}
	return nil
}

// DestroyNetwork stops and removes the environment's network name.
func (p *Provider) DestroyNetwork(ctx context.Context, name string) error {
	return p.envNetworks(ctx, func(net *libvirt.Network, n *libvirtxml.Network, meta *networkMeta) error {
		if meta.Network != name {
			return nil
		}
		if active, _ := net.IsActive(); active {
			if err := net.Destroy(); err != nil && code(err) != libvirt.ERR_OPERATION_INVALID {
				return lverr(err, "stop libvirt network %s", n.Name)
			}
		}
		if err := net.Undefine(); err != nil && code(err) != libvirt.ERR_NO_NETWORK {
			return lverr(err, "remove libvirt network %s", n.Name)
		}
		p.env.UI.Debugf("", "removed libvirt network %s", n.Name)
		return nil
	})
}

// Networks lists the environment's networks.
func (p *Provider) Networks(ctx context.Context) ([]provider.NetworkState, error) {
	var out []provider.NetworkState
	for _, uri := range p.uris {
		r, err := p.reads(ctx, uri)
		if err != nil {
			return nil, err
		}
		xs, err := r.networks(p.env.Project + "-")
		if err != nil {
			return nil, fmt.Errorf("%w (at %s)", err, uri)
		}
		for _, x := range xs {
			n, meta, err := parseNetwork(x)
			if err != nil || meta == nil || meta.Project != p.env.Project {
				continue
			}
			ns := provider.NetworkState{Name: meta.Network, ID: n.UUID}
			if s := settingsOf(n); s.Subnet != "" {
				ns.Subnet = s.Subnet
			}
			out = append(out, ns)
		}
	}
	return out, nil
}
