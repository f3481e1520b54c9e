// Package virtualbox runs envrun machines as VirtualBox VMs, driven through
// VBoxManage (there is no maintained Go SDK): machines are linked clones of
// a Vagrant-format box imported once, NIC 1 is NAT with an SSH forward on
// 127.0.0.1 for first contact, NIC 2 and up are on host-only networks with
// the static IPs, which envrun sets in the guest over SSH.
//
// What exists is read from VirtualBox itself: every VM envrun makes carries
// its metadata in its description (meta.go), and every host-only interface
// it makes is recorded in VirtualBox's global extra data.
//
// This provider has not been run against a live VirtualBox (it cannot be
// installed where envrun is developed); see docs/providers.md's VirtualBox
// section for what is verified and how.
package virtualbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/flock"
)

// Driver is the VirtualBox provider.
var Driver = &provider.Driver{
	Name:     "virtualbox",
	OwnClock: true,
	CheckOptions: func(_ *spec.Envfile, m *spec.Machine, opts spec.Options) error {
		_, err := decodeOptions(m)
		return err
	},
	Validate:  func(ef *spec.Envfile) error { return validate(ef, hostGOOS, readNetworksConf) },
	Available: available,
	Open:      open,
	OpenBoxes: openBoxes,

	AllMachines: allMachines,
}

// maxNetworks: NIC 1 is NAT, so 7 of the 8 adapters of the default chipset
// remain for networks.
const maxNetworks = 7

// validate checks what VirtualBox needs of an Envfile without touching
// VirtualBox: boxes, the number of networks per machine, and that every
// subnet is one VirtualBox allows for host-only networks.
func validate(ef *spec.Envfile, goos string, readConf func(string) (*NetworksConf, error)) error {
	var errs spec.Errors
	for _, m := range ef.Machines {
		if m.Box == "" {
			errs = append(errs, spec.Errorf(m.Pos, "machine %q has no box: set `box \"NAME\"` (a VirtualBox box added with `envrun box add`)", m.Name))
		}
		if m.SSH.Port != 0 && m.SSH.Port != spec.DefaultSSHPort {
			// The guest's sshd stays on 22: envrun reaches it through a NAT
			// forward it chooses on 127.0.0.1, so the guest's port is no
			// one's business but envrun's.
			errs = append(errs, spec.Errorf(m.Pos, "machine %q: ssh.port is not supported on VirtualBox: envrun reaches the guest's sshd (on 22) through a NAT forward on 127.0.0.1 whose host port it chooses; leave it out (docs/machines.md)", m.Name))
		}
		for _, sf := range m.MountedFolders() { // envrun copies rsync folders itself
			if sf.Type != "" {
				errs = append(errs, spec.Errorf(m.Pos, "machine %q: synced folder %s: type %q is libvirt's; on VirtualBox a synced folder is a shared folder (or type = \"rsync\", a copy): leave type out", m.Name, sf.Guest, sf.Type))
			}
		}
		if len(m.Networks) > maxNetworks {
			errs = append(errs, spec.Errorf(m.Pos, "machine %q is on %d networks: VirtualBox gives a machine at most %d besides its NAT adapter", m.Name, len(m.Networks), maxNetworks))
		}
	}
	names := map[string]*spec.Machine{}
	for _, m := range ef.Machines {
		o, err := decodeOptions(m)
		if err != nil || o.Name == "" {
			continue // reported by CheckOptions
		}
		if prev := names[o.Name]; prev != nil {
			errs = append(errs, spec.Errorf(m.Pos, "machine %q: virtualbox.name %q is already the name of machine %q (%s)", m.Name, o.Name, prev.Name, prev.Pos))
			continue
		}
		names[o.Name] = m
	}
	used := map[string]bool{}
	for _, m := range ef.Machines {
		for _, a := range m.Networks {
			used[a.Network] = true
		}
	}
	conf, err := readConf(goos)
	if err != nil {
		errs = append(errs, spec.Errorf(spec.Pos{}, "read VirtualBox's allowed host-only ranges: %v", err))
	}
	for _, n := range ef.Networks {
		if !used[n.Name] {
			continue
		}
		if !n.Subnet.Addr().Is4() {
			errs = append(errs, spec.Errorf(n.Pos, "network %q: VirtualBox host-only networks are IPv4 here", n.Name))
			continue
		}
		if conf != nil && !conf.Allows(n.Subnet) {
			errs = append(errs, spec.Errorf(n.Pos, "network %q: subnet %s is not allowed for host-only networks. %s", n.Name, n.Subnet, conf.Advice(n.Subnet)))
		}
	}
	return errs.Err()
}

// available finds VBoxManage (on the file system, at once) and asks its
// version.
func available(ctx context.Context) error {
	if _, err := locate(); err != nil {
		return err
	}
	_, err := openVBM(ctx, nil)
	return err
}

// Provider is the VirtualBox provider, opened.
type Provider struct {
	v   *vbm
	env provider.Env
	box *boxStore
}

func open(ctx context.Context, env provider.Env) (provider.Provider, error) {
	v, err := openVBM(ctx, env.UI)
	if err != nil {
		return nil, err
	}
	bs, err := newBoxStore(v, env.UI)
	if err != nil {
		return nil, err
	}
	return &Provider{v: v, env: env, box: bs}, nil
}

func (p *Provider) Name() string { return "virtualbox" }

func (p *Provider) Close() error { return nil }

// vmName is the VM of machine m: its virtualbox.name, or PROJECT-NAME.
func (p *Provider) vmName(m *spec.Machine) string {
	if o, err := decodeOptions(m); err == nil && o.Name != "" {
		return o.Name
	}
	return p.env.Project + "-" + m.Name
}

// hostLocks serialise what VirtualBox cannot do concurrently (importing a
// box, changing host-only networks) within this process; a file lock does
// it across envrun processes on the host.
var hostLocks sync.Map // path → *sync.Mutex

// lockHost takes the host-wide lock called name (a file in the box
// store's folder) and returns its release.
func lockHost(ctx context.Context, dir, name string) (func(), error) {
	path := filepath.Join(dir, "."+name+".lock")
	mu, _ := hostLocks.LoadOrStore(path, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		mu.(*sync.Mutex).Unlock()
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		mu.(*sync.Mutex).Unlock()
		return nil, err
	}
	if err := flock.Lock(ctx, f); err != nil {
		f.Close()
		mu.(*sync.Mutex).Unlock()
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		flock.Unlock(f)
		f.Close()
		mu.(*sync.Mutex).Unlock()
	}, nil
}
