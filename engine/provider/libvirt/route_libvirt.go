//go:build libvirt_dlopen && cgo

package libvirt

import (
	"context"
	"fmt"
	"net"

	"github.com/envrun/envrun/engine/provider"
)

// Route is how this host reaches the VMs: see routeOf.
func (p *Provider) Route(ctx context.Context) (provider.Route, error) {
	return routeOf(p.env.Envfile)
}

// DialMachine: libvirt has no stream to a guest's sshd; VMs of a remote
// libvirt are reached through its SSH host.
func (p *Provider) DialMachine(ctx context.Context, name string) (net.Conn, error) {
	return nil, fmt.Errorf("reach %s through libvirt's API: %w", name, provider.ErrUnsupported)
}

// via is how first contact reaches addr: through the SSH host of a
// qemu+ssh:// libvirt, nil (TCP) for a local one.
func (p *Provider) via(addr string) func(context.Context) (net.Conn, error) {
	r, err := routeOf(p.env.Envfile)
	if err != nil || r.Jump == nil {
		return nil
	}
	return func(ctx context.Context) (net.Conn, error) { return r.Jump.Dial(ctx, addr) }
}
