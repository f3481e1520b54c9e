//go:build libvirt_dlopen && cgo

package libvirt

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"
	"github.com/digitalocean/go-libvirt/socket/dialers"
	"libvirt.org/go/libvirt"
)

// A command that only reads — a no-op `up`, `status` — costs envrun a few
// milliseconds of its own, but loading libvirt.so costs 12–28 ms on these
// machines and twice that on a busy one: the library is linked BIND_NOW
// and pulls in 55 others (GnuTLS, ICU, libcurl, Kerberos, libssh...), all
// relocated at load. So reads of a local libvirtd go over libvirtd's own
// RPC protocol, spoken in Go by github.com/digitalocean/go-libvirt (the
// protocol's client generated from libvirt's own protocol definitions),
// and libvirt.so is loaded only when something is to be made or changed.
// Remote URIs, and a local daemon this client cannot talk to (another
// socket, authentication asked), keep to libvirt.so.

// rpcReads is reads over libvirtd's protocol.
type rpcReads struct{ l *golibvirt.Libvirt }

// rpcSocket is the socket of the local libvirt uri names: the system
// daemon's or the user's session daemon's; "" for any other.
func rpcSocket(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "qemu" || u.Host != "" || u.RawQuery != "" {
		return ""
	}
	switch u.Path {
	case "/system":
		return "/var/run/libvirt/libvirt-sock"
	case "/session":
		if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
			return filepath.Join(dir, "libvirt", "libvirt-sock")
		}
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		return filepath.Join(home, ".cache", "libvirt", "libvirt-sock")
	}
	return ""
}

// dialRPC connects to the local libvirt uri over its protocol; nil when
// it cannot (then libvirt.so is asked, and explains what is wrong).
func dialRPC(ctx context.Context, uri string) *rpcReads {
	sock := rpcSocket(uri)
	if sock == "" {
		return nil
	}
	if _, err := os.Stat(sock); err != nil {
		return nil // a session daemon libvirt.so would start, or none
	}
	l := golibvirt.NewWithDialer(dialers.NewLocal(dialers.WithSocket(sock), dialers.WithLocalTimeout(5*time.Second)))
	// The protocol's calls take no context: a hung daemon must not hang
	// envrun (the same guard as connect's).
	done := make(chan error, 1)
	go func() { done <- l.ConnectToURI(golibvirt.ConnectURI(uri)) }()
	select {
	case err := <-done:
		if err != nil {
			return nil
		}
		return &rpcReads{l}
	case <-ctx.Done():
		go func() {
			if <-done == nil {
				l.Disconnect()
			}
		}()
		return nil
	}
}

// rpc returns the protocol client of uri, dialling it on first use; nil
// when there is none.
func (p *Provider) rpc(ctx context.Context, uri string) *rpcReads {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r, ok := p.rpcs[uri]; ok && (r == nil || r.l.IsConnected()) {
		return r
	}
	if p.rpcs == nil {
		p.rpcs = map[string]*rpcReads{}
	}
	r := takeSpareRPC(uri)
	if r == nil {
		r = dialRPC(ctx, uri)
	}
	p.rpcs[uri] = r
	return r
}

func (r *rpcReads) close() { r.l.Disconnect() }

// notFound reports whether err is libvirt's error number n.
func notFound(err error, n golibvirt.ErrorNumber) bool {
	e, ok := err.(golibvirt.Error)
	return ok && e.Code == uint32(n)
}

func (r *rpcReads) domains(prefix string) ([]domView, error) {
	doms, _, err := r.l.ConnectListAllDomains(1, 0)
	if err != nil {
		return nil, fmt.Errorf("list libvirt domains: %w", err)
	}
	var out []domView
	for _, d := range doms {
		if strings.HasPrefix(d.Name, prefix) {
			out = append(out, rpcDomain{r.l, d})
		}
	}
	return out, nil
}

func (r *rpcReads) domain(name string) (domView, error) {
	d, err := r.l.DomainLookupByName(name)
	if notFound(err, golibvirt.ErrNoDomain) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("look up libvirt domain %s: %w", name, err)
	}
	return rpcDomain{r.l, d}, nil
}

func (r *rpcReads) network(name string) (string, bool, bool, error) {
	n, err := r.l.NetworkLookupByName(name)
	if notFound(err, golibvirt.ErrNoNetwork) {
		return "", false, false, nil
	}
	if err != nil {
		return "", false, false, fmt.Errorf("look up libvirt network %s: %w", name, err)
	}
	x, err := r.l.NetworkGetXMLDesc(n, 0)
	if err != nil {
		return "", false, false, fmt.Errorf("read libvirt network %s: %w", name, err)
	}
	active, err := r.l.NetworkIsActive(n)
	if err != nil {
		return "", false, false, fmt.Errorf("libvirt network %s: %w", name, err)
	}
	return x, active == 1, true, nil
}

func (r *rpcReads) networks(prefix string) ([]string, error) {
	nets, _, err := r.l.ConnectListAllNetworks(1, 0)
	if err != nil {
		return nil, fmt.Errorf("list libvirt networks: %w", err)
	}
	var out []string
	for _, n := range nets {
		if !strings.HasPrefix(n.Name, prefix) {
			continue
		}
		if x, err := r.l.NetworkGetXMLDesc(n, 0); err == nil {
			out = append(out, x)
		}
	}
	return out, nil
}

// pool is envrun's pool; found is false when it is missing or stopped.
func (r *rpcReads) pool() (pool golibvirt.StoragePool, found bool, err error) {
	pool, err = r.l.StoragePoolLookupByName(PoolName)
	if notFound(err, golibvirt.ErrNoStoragePool) {
		return pool, false, nil
	}
	if err != nil {
		return pool, false, fmt.Errorf("look up libvirt storage pool %s: %w", PoolName, err)
	}
	active, err := r.l.StoragePoolIsActive(pool)
	return pool, err == nil && active == 1, nil
}

func (r *rpcReads) volumes() ([]string, error) {
	pool, ok, err := r.pool()
	if !ok || err != nil {
		return nil, err
	}
	vols, _, err := r.l.StoragePoolListAllVolumes(pool, 1, 0)
	if err != nil {
		return nil, fmt.Errorf("list the volumes of libvirt storage pool %s: %w", PoolName, err)
	}
	out := make([]string, len(vols))
	for i, v := range vols {
		out[i] = v.Name
	}
	return out, nil
}

func (r *rpcReads) volumePath(name string) (string, error) {
	pool, ok, err := r.pool()
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("volume %s: libvirt storage pool %s is missing or stopped", name, PoolName)
	}
	vol, err := r.l.StorageVolLookupByName(pool, name)
	if err != nil {
		return "", fmt.Errorf("look up volume %s: %w", name, err)
	}
	path, err := r.l.StorageVolGetPath(vol)
	if err != nil {
		return "", fmt.Errorf("volume %s: %w", name, err)
	}
	return path, nil
}

func (r *rpcReads) readVolume(name string, limit int) ([]byte, error) {
	pool, ok, err := r.pool()
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errNoBox
	}
	vol, err := r.l.StorageVolLookupByName(pool, name)
	if notFound(err, golibvirt.ErrNoStorageVol) {
		return nil, errNoBox
	}
	if err != nil {
		return nil, fmt.Errorf("look up volume %s: %w", name, err)
	}
	w := &limitedBuffer{limit: limit}
	if err := r.l.StorageVolDownload(vol, w, 0, 0, 0); err != nil {
		if w.over {
			return nil, fmt.Errorf("volume %s is larger than %d bytes", name, limit)
		}
		return nil, fmt.Errorf("read volume %s: %w", name, err)
	}
	return w.buf, nil
}

// errLimit: a volume read is larger than its caller allows.
var errLimit = errors.New("larger than allowed")

// limitedBuffer keeps what is written to it, failing past limit bytes.
type limitedBuffer struct {
	buf   []byte
	limit int
	over  bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if len(b.buf)+len(p) > b.limit {
		b.over = true
		return 0, errLimit
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// rpcDomain is a domain read over libvirtd's protocol.
type rpcDomain struct {
	l *golibvirt.Libvirt
	d golibvirt.Domain
}

func (d rpcDomain) name() string { return d.d.Name }
func (d rpcDomain) free()        {}

func (d rpcDomain) xml() (string, error) { return d.l.DomainGetXMLDesc(d.d, 0) }

func (d rpcDomain) state() (libvirt.DomainState, error) {
	s, _, err := d.l.DomainGetState(d.d, 0)
	return libvirt.DomainState(s), err
}

func (d rpcDomain) saved() bool {
	has, err := d.l.DomainHasManagedSaveImage(d.d, 0)
	return err == nil && has == 1
}

func (d rpcDomain) snapshots() ([]string, error) {
	snaps, _, err := d.l.DomainListAllSnapshots(d.d, 1, 0)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range snaps {
		if x, err := d.l.DomainSnapshotGetXMLDesc(s, 0); err == nil {
			out = append(out, x)
		}
	}
	return out, nil
}
