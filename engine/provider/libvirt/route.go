package libvirt

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

// jumpOf is the SSH host of a qemu+ssh:// URI, nil for other URIs.
func jumpOf(uri string) *provider.JumpHost {
	u, err := url.Parse(uri)
	if err != nil || !strings.HasSuffix(u.Scheme, "+ssh") || u.Hostname() == "" {
		return nil
	}
	return &provider.JumpHost{User: u.User.Username(), Host: u.Hostname(), Port: u.Port()}
}

// machineURIs are the connections of the Envfile's machines, each once.
func machineURIs(ef *spec.Envfile) []string {
	var uris []string
	for _, m := range ef.Machines {
		uri := DefaultURI()
		if o, err := decodeOptions(m, ef.Dir); err == nil {
			uri = o.uri()
		}
		if !slices.Contains(uris, uri) {
			uris = append(uris, uri)
		}
	}
	return uris
}

func routeKey(ef *spec.Envfile) (string, error) {
	return "libvirt " + strings.Join(machineURIs(ef), " "), nil
}

// routeOf is how this host reaches the Envfile's VMs: directly on a local
// libvirt, through the SSH host of a qemu+ssh:// one (the VMs' networks
// are that host's).
func routeOf(ef *spec.Envfile) (provider.Route, error) {
	uris := machineURIs(ef)
	r := provider.Route{Engine: strings.Join(uris, ", "), Reach: provider.ReachDirect}
	var jump *provider.JumpHost
	for _, uri := range uris {
		j := jumpOf(uri)
		switch {
		case j == nil && jump == nil:
		case jump == nil && r.Reach == provider.ReachDirect && uri == uris[0]:
			jump = j
		case j != nil && jump != nil && *j == *jump:
		default:
			return r, fmt.Errorf("the machines are on several libvirt hosts (%s): envrun reaches the VMs of one host, local or over qemu+ssh, per environment", r.Engine)
		}
	}
	if jump != nil {
		r.Reach, r.Jump = provider.ReachJump, jump
	}
	return r, nil
}
