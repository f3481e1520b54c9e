//go:build libvirt_dlopen && cgo

package libvirt

import (
	"context"
	"fmt"
	"strings"

	"libvirt.org/go/libvirt"
)

// reads is what envrun reads of one libvirt connection. A no-op `up`,
// `status` and the drift check need nothing else, so they go through
// reads; what makes or changes something holds a *libvirt.Connect.
//
// Two clients serve it: libvirt.so's (libReads), and libvirtd's own RPC
// protocol spoken in Go (rpcReads, rpc.go), which a local connection
// uses so that a command that only reads never loads libvirt.so.
type reads interface {
	// domains lists the domains whose name starts with prefix.
	domains(prefix string) ([]domView, error)
	// domain is the domain called name; nil when there is none.
	domain(name string) (domView, error)
	// network is network name's live definition and whether it runs;
	// found is false when there is no such network.
	network(name string) (x string, active, found bool, err error)
	// networks lists the live definitions of the networks whose name
	// starts with prefix.
	networks(prefix string) ([]string, error)
	// volumes lists the volumes of envrun's pool: none when the pool is
	// missing or stopped.
	volumes() ([]string, error)
	// volumePath is the file of volume name of envrun's pool.
	volumePath(name string) (string, error)
	// readVolume downloads volume name of envrun's pool, at most limit
	// bytes of it; errNoBox when there is no such volume or pool.
	readVolume(name string, limit int) ([]byte, error)
	// volumeStamp is volume name's stamp (stampOf): it changes whenever
	// the volume's content does; errNoBox when there is no such volume.
	volumeStamp(name string) (string, error)
}

// domView is one domain as reads sees it.
type domView interface {
	name() string
	xml() (string, error)
	state() (libvirt.DomainState, error)
	// saved reports whether a managed save waits to be resumed.
	saved() bool
	// snapshots are the definitions of the domain's snapshots.
	snapshots() ([]string, error)
	free()
}

// reads returns the reading client of the connection uri: libvirtd's
// protocol in Go where it answers, else libvirt.so's.
func (p *Provider) reads(ctx context.Context, uri string) (reads, error) {
	if r := p.rpc(ctx, uri); r != nil {
		return r, nil
	}
	c, err := p.conn(ctx, uri)
	if err != nil {
		return nil, err
	}
	return libReads{c}, nil
}

// libReads is reads through libvirt.so.
type libReads struct{ c *libvirt.Connect }

func (r libReads) domains(prefix string) ([]domView, error) {
	doms, err := r.c.ListAllDomains(0)
	if err != nil {
		return nil, lverr(err, "list libvirt domains")
	}
	var out []domView
	for i := range doms {
		if name, err := doms[i].GetName(); err == nil && strings.HasPrefix(name, prefix) {
			out = append(out, libDomain{&doms[i], name})
			continue
		}
		doms[i].Free()
	}
	return out, nil
}

func (r libReads) domain(name string) (domView, error) {
	dom, err := r.c.LookupDomainByName(name)
	if code(err) == libvirt.ERR_NO_DOMAIN {
		return nil, nil
	}
	if err != nil {
		return nil, lverr(err, "look up libvirt domain %s", name)
	}
	return libDomain{dom, name}, nil
}

func (r libReads) network(name string) (string, bool, bool, error) {
	net, err := r.c.LookupNetworkByName(name)
	if code(err) == libvirt.ERR_NO_NETWORK {
		return "", false, false, nil
	}
	if err != nil {
		return "", false, false, lverr(err, "look up libvirt network %s", name)
	}
	defer net.Free()
	x, err := net.GetXMLDesc(0)
	if err != nil {
		return "", false, false, lverr(err, "read libvirt network %s", name)
	}
	active, err := net.IsActive()
	if err != nil {
		return "", false, false, lverr(err, "libvirt network %s", name)
	}
	return x, active, true, nil
}

func (r libReads) networks(prefix string) ([]string, error) {
	nets, err := r.c.ListAllNetworks(0)
	if err != nil {
		return nil, lverr(err, "list libvirt networks")
	}
	defer freeNetworks(nets)
	var out []string
	for i := range nets {
		if name, err := nets[i].GetName(); err != nil || !strings.HasPrefix(name, prefix) {
			continue
		}
		if x, err := nets[i].GetXMLDesc(0); err == nil {
			out = append(out, x)
		}
	}
	return out, nil
}

// pool is envrun's pool, nil when it is missing or stopped.
func (r libReads) pool() (*libvirt.StoragePool, error) {
	pool, err := r.c.LookupStoragePoolByName(PoolName)
	if code(err) == libvirt.ERR_NO_STORAGE_POOL {
		return nil, nil
	}
	if err != nil {
		return nil, lverr(err, "look up libvirt storage pool %s", PoolName)
	}
	if active, err := pool.IsActive(); err != nil || !active {
		pool.Free()
		return nil, nil
	}
	return pool, nil
}

func (r libReads) volumes() ([]string, error) {
	pool, err := r.pool()
	if pool == nil || err != nil {
		return nil, err
	}
	defer pool.Free()
	vols, err := pool.ListAllStorageVolumes(0)
	if err != nil {
		return nil, lverr(err, "list the volumes of libvirt storage pool %s", PoolName)
	}
	var out []string
	for i := range vols {
		if name, err := vols[i].GetName(); err == nil {
			out = append(out, name)
		}
		vols[i].Free()
	}
	return out, nil
}

func (r libReads) volumePath(name string) (string, error) {
	pool, err := r.pool()
	if err != nil {
		return "", err
	}
	if pool == nil {
		return "", fmt.Errorf("volume %s: libvirt storage pool %s is missing or stopped", name, PoolName)
	}
	defer pool.Free()
	vol, err := pool.LookupStorageVolByName(name)
	if err != nil {
		return "", lverr(err, "look up volume %s", name)
	}
	defer vol.Free()
	path, err := vol.GetPath()
	if err != nil {
		return "", lverr(err, "volume %s", name)
	}
	return path, nil
}

func (r libReads) readVolume(name string, limit int) ([]byte, error) {
	pool, err := r.pool()
	if err != nil {
		return nil, err
	}
	if pool == nil {
		return nil, errNoBox
	}
	defer pool.Free()
	return readVolume(r.c, pool, name, limit)
}

func (r libReads) volumeStamp(name string) (string, error) {
	pool, err := r.pool()
	if err != nil {
		return "", err
	}
	if pool == nil {
		return "", errNoBox
	}
	defer pool.Free()
	vol, err := pool.LookupStorageVolByName(name)
	if code(err) == libvirt.ERR_NO_STORAGE_VOL {
		return "", errNoBox
	}
	if err != nil {
		return "", lverr(err, "look up volume %s", name)
	}
	defer vol.Free()
	x, err := vol.GetXMLDesc(0)
	if err != nil {
		return "", lverr(err, "volume %s", name)
	}
	return stampOf(x)
}

// libDomain is a domain read through libvirt.so.
type libDomain struct {
	dom *libvirt.Domain
	n   string
}

func (d libDomain) name() string         { return d.n }
func (d libDomain) xml() (string, error) { return d.dom.GetXMLDesc(0) }
func (d libDomain) free()                { d.dom.Free() }
func (d libDomain) saved() bool          { return suspended(d.dom) }

func (d libDomain) state() (libvirt.DomainState, error) {
	s, _, err := d.dom.GetState()
	return s, err
}

func (d libDomain) snapshots() ([]string, error) {
	snaps, err := d.dom.ListAllSnapshots(0)
	if err != nil {
		return nil, err
	}
	var out []string
	for i := range snaps {
		if x, err := snaps[i].GetXMLDesc(0); err == nil {
			out = append(out, x)
		}
		snaps[i].Free()
	}
	return out, nil
}

func freeViews(vs []domView) {
	for _, v := range vs {
		v.free()
	}
}
