// Package libvirt runs envrun machines as libvirt VMs (QEMU/KVM, or QEMU's
// software emulation where the host has no KVM): each machine boots from
// a qcow2 overlay on a box image, on libvirt networks that give it its
// static IP by DHCP host entries, and is reached over SSH with the
// environment key, which envrun installs at first contact in place of
// Vagrant's well-known insecure key.
//
// What exists is read from libvirt itself: every domain and network envrun
// makes carries envrun's metadata element (project, machine, what it was
// made from, the pinned host key), and its name starts with the project.
//
// The provider talks to libvirt through libvirt.org/go/libvirt built with
// the libvirt_dlopen tag: libvirt.so.0 is loaded when the provider first
// makes or changes something, so envrun starts on hosts without libvirt.
// What only reads a local libvirt goes over libvirtd's own protocol in Go
// instead (rpc.go), and never loads the library. Built without that tag
// (or without cgo), the package compiles a stub whose driver reports that
// envrun was built without libvirt support.
package libvirt

import (
	"net/url"
	"os"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

// Driver is the libvirt provider.
var Driver = &provider.Driver{
	Name:     "libvirt",
	NotBuilt: notBuilt,
	OwnClock: true,
	CheckOptions: func(_ *spec.Envfile, m *spec.Machine, opts spec.Options) error {
		_, err := decodeOptions(m, "")
		return err
	},
	Validate:     validate,
	Available:    available,
	AvailableFor: availableFor,
	RouteKey:     routeKey,
	Open:         open,
	OpenBoxes:    openBoxes,

	AllMachines: allMachines,
	Subnets:     subnets,
}

// DefaultURI is the connection of machines that name none: $LIBVIRT_DEFAULT_URI,
// else the system instance, qemu:///system.
func DefaultURI() string {
	if uri := os.Getenv("LIBVIRT_DEFAULT_URI"); uri != "" {
		return uri
	}
	return "qemu:///system"
}

// isLocal reports whether uri names a libvirt on this host, whose file
// paths (kernel, initrd) envrun can check.
func isLocal(uri string) bool {
	u, err := url.Parse(uri)
	return err == nil && u.Host == "" && !isRemoteTransport(u.Scheme)
}

func isRemoteTransport(scheme string) bool {
	for i := 0; i < len(scheme); i++ {
		if scheme[i] == '+' {
			return true // qemu+ssh, qemu+tcp, ...
		}
	}
	return false
}

// validate checks what the libvirt provider needs of an Envfile it is
// chosen for, without touching libvirt.
func validate(ef *spec.Envfile) error {
	var errs spec.Errors
	if err := CheckURI(DefaultURI()); err != nil {
		errs = append(errs, spec.Errorf(spec.Pos{}, "LIBVIRT_DEFAULT_URI: %v", err))
	}
	netURI := map[string]string{}     // network → the URI of its first machine
	netMachine := map[string]string{} // network → that machine
	for _, m := range ef.Machines {
		o, err := decodeOptions(m, ef.Dir)
		if err != nil {
			continue // reported by CheckOptions
		}
		if m.Box == "" {
			errs = append(errs, spec.Errorf(m.Pos, "machine %q has no box: set `box \"debian/bookworm\"` (see `envrun box list`)", m.Name))
		}
		if len(m.Networks) == 0 {
			errs = append(errs, spec.Errorf(m.Pos, "machine %q has no network: on libvirt a machine is reached at its static address, so it needs `networks = { NET = \"IP\" }`", m.Name))
		}
		for _, pt := range m.Ports {
			if pt.Protocol != "tcp" {
				errs = append(errs, spec.Errorf(m.Pos, "machine %q: port %s: libvirt forwards tcp ports only (envrun's forwarder carries streams): reach a udp port at the machine's static IP (%s)", m.Name, pt, m.IP()))
			}
		}
		uri := o.uri()
		errs = append(errs, checkFolders(m, uri)...)
		if isLocal(uri) {
			for _, f := range []struct{ key, path string }{{"kernel", o.Kernel}, {"initrd", o.Initrd}} {
				if f.path == "" {
					continue
				}
				if _, err := os.Stat(f.path); err != nil {
					errs = append(errs, spec.Errorf(m.Providers["libvirt"].Pos, "machine %q: libvirt.%s: %v", m.Name, f.key, err))
				}
			}
		}
		for _, a := range m.Networks {
			if first, ok := netURI[a.Network]; !ok {
				netURI[a.Network], netMachine[a.Network] = uri, m.Name
			} else if first != uri {
				errs = append(errs, spec.Errorf(m.Pos, "machine %q is on network %q with machine %q, but on another libvirt connection (%s, not %s): machines of one network must share libvirt.uri",
					m.Name, a.Network, netMachine[a.Network], uri, first))
			}
		}
	}
	return errs.Err()
}
