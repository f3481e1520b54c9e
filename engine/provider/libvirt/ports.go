//go:build libvirt_dlopen && cgo

package libvirt

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"

	"github.com/envrun/envrun/engine/forward"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

// Forwarded ports (`ports`): libvirt publishes no host ports, so envrun
// holds them with a forwarder process per machine (package forward), which
// dials the VM's static address, through the SSH host of a qemu+ssh://
// libvirt as envrun reaches the VM's SSH. docs/providers.md argues the
// choice.

// portsSpec is what machine m's forwarder does (its target the static IP,
// until the domain says otherwise).
func (p *Provider) portsSpec(m *spec.Machine) (forward.Spec, error) {
	o, err := decodeOptions(m, p.env.Envfile.Dir)
	if err != nil {
		return forward.Spec{}, err
	}
	s := forward.Spec{Machine: m.Name, Jump: jumpOf(o.uri()), Ports: m.Ports}
	if ip := m.IP(); ip.IsValid() {
		s.Target = ip.String()
	}
	return s, nil
}

// pendingPorts is machine's forward between the checks before Up and the
// forwarder's start once the machine runs.
type pendingPorts struct {
	p    *Provider
	spec forward.Spec
	keep *forward.Record    // the forwarder that runs and does what is asked
	ls   *forward.Listeners // else the ports, bound
}

// preparePorts makes sure, before anything of m is made or started, that
// its ports can be forwarded: a forwarder that forwards them already is
// kept; one for other ports (the Envfile changed) is stopped; then the
// ports are bound, and a port in use fails here with m's FILE:LINE.
// nil when m forwards no ports (its forwarder, if any, stopped).
func (p *Provider) preparePorts(m *spec.Machine) (*pendingPorts, error) {
	dir := p.env.State.Path
	old, err := forward.Running(dir, m.Name)
	if err != nil {
		return nil, err
	}
	if len(m.Ports) == 0 {
		if old != nil {
			return nil, p.stopPorts(m.Name)
		}
		return nil, nil
	}
	s, err := p.portsSpec(m)
	if err != nil {
		return nil, err
	}
	if old != nil && slices.Equal(old.Ports, s.Ports) && sameJump(old.Jump, s.Jump) {
		return &pendingPorts{p: p, spec: s, keep: old}, nil
	}
	if old != nil {
		p.env.UI.Infof(m.Name, "its ports changed: replacing the port forwarder (%s)", portList(old.Bound))
		if err := p.stopPorts(m.Name); err != nil {
			return nil, err
		}
	}
	ls, err := forward.Listen(m.Ports)
	if err != nil {
		return nil, portError(m, err)
	}
	return &pendingPorts{p: p, spec: s, ls: ls}, nil
}

func sameJump(a, b *provider.JumpHost) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func portError(m *spec.Machine, err error) error {
	return fmt.Errorf("%s: machine %q: %w", m.Pos, m.Name, err)
}

// abandon closes the ports bound for a machine that did not come up.
func (pp *pendingPorts) abandon() {
	if pp != nil {
		pp.ls.Close()
	}
}

// start starts the forwarder of a machine that runs now at inst.Addr
// (kept when it runs and forwards to that address already).
func (pp *pendingPorts) start(inst *provider.Instance) error {
	if pp == nil {
		return nil
	}
	s := pp.spec
	if host, _, err := net.SplitHostPort(inst.Addr); err == nil {
		s.Target = host // the guest's address, as it set it at first boot
	}
	if s.Target == "" {
		pp.abandon()
		return fmt.Errorf("%s has no address to forward its ports to", s.Machine)
	}
	dir := pp.p.env.State.Path
	if pp.keep != nil {
		if pp.keep.Same(s) {
			return nil
		}
		if err := pp.p.stopPorts(s.Machine); err != nil {
			return err
		}
		ls, err := forward.Listen(s.Ports)
		if err != nil {
			return portError(pp.p.env.Envfile.Machine(s.Machine), err)
		}
		pp.ls = ls
	}
	r, err := forward.Start(dir, s, pp.ls)
	pp.ls = nil
	if err != nil {
		return err
	}
	pp.p.env.UI.Infof(s.Machine, "forwarding %s", portList(r.Bound))
	return nil
}

// portList is ports as status shows them: "127.0.0.1:8080->80".
func portList(ports []spec.Port) string {
	s := ""
	for i, pt := range ports {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s:%d->%d", forward.HostIP(pt), pt.Host, pt.Guest)
	}
	return s
}

// stopPorts ends machine name's forwarder, if it has one.
func (p *Provider) stopPorts(name string) error {
	return forward.Stop(p.env.State.Path, name)
}

// boundPorts are the host ports machine name's forwarder holds: nil when
// the Envfile asks for none and none runs, empty when it asks for some
// and none runs (killed, or the host rebooted: the next up starts it).
func (p *Provider) boundPorts(name string) []spec.Port {
	r, err := forward.Running(p.env.State.Path, name)
	if err == nil && r != nil {
		return r.Bound
	}
	if m := p.env.Envfile.Machine(name); m != nil && len(m.Ports) > 0 {
		return []spec.Port{}
	}
	return nil
}

// Preflight checks, before anything is made, that the host ports of
// machines are free: a port held by another program or environment fails
// the run with the machine's FILE:LINE and nothing created. Ports the
// machine's own forwarder holds, and auto_correct ones, are not checked.
func (p *Provider) Preflight(ctx context.Context, machines []*spec.Machine) error {
	var errs []error
	for _, m := range machines {
		if len(m.Ports) == 0 {
			continue
		}
		old, err := forward.Running(p.env.State.Path, m.Name)
		if err != nil {
			return err
		}
		held := func(pt spec.Port) bool {
			if old == nil {
				return false
			}
			for _, b := range old.Bound {
				if b.Host == pt.Host && b.HostIP == forward.HostIP(pt) {
					return true
				}
			}
			return false
		}
		if err := forward.Check(m.Ports, held); err != nil {
			errs = append(errs, portError(m, err))
		}
	}
	return errors.Join(errs...)
}

var _ provider.Preflighter = (*Provider)(nil)
