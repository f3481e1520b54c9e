//go:build libvirt_dlopen && cgo

package libvirt

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"
	"github.com/digitalocean/go-libvirt/socket"
	"github.com/digitalocean/go-libvirt/socket/dialers"
	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/internal/sshmux"
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
// A remote system libvirt (qemu+ssh://) is read the same way through the
// SSH connection envrun shares with its host. Other URIs, and a daemon
// this client cannot talk to (another socket, authentication asked), keep
// to libvirt.so.

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
		return systemSocket
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

// systemSocket is the system daemon's socket: libvirtd's, or with the
// modular daemons virtproxyd's, which hands the calls on.
const systemSocket = "/var/run/libvirt/libvirt-sock"

// rpcRemote is the SSH host of a qemu+ssh:// system libvirt named plainly
// (no keyfile: the connection envrun shares with the host is made with
// the user's own SSH configuration); nil for any other URI.
func rpcRemote(uri string) *provider.JumpHost {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "qemu+ssh" || u.Path != "/system" || u.RawQuery != "" {
		return nil
	}
	return jumpOf(uri)
}

// muxDialer reaches a remote system daemon's socket through the SSH
// connection envrun shares with its host (sshmux): the jump hops to the
// VMs ride on the same connection, so a command pays one handshake, none
// within sshmux.Persist of the one before. libvirt.so's own ssh transport
// would log in again for each connection and start a shell and a helper
// on the host each time.
type muxDialer struct {
	ctx  context.Context
	host *provider.JumpHost
}

func (d muxDialer) Dial() (net.Conn, error) {
	if err := ensureShared(d.ctx, d.host); err != nil {
		return nil, err
	}
	if _, refused := sshmux.Recall(d.host.Mux(), noForward); refused {
		return nil, errors.New("the host does not forward its libvirt socket")
	}
	c, _, err := sshmux.DialForward(d.ctx, d.host.Mux(), systemSocket)
	return c, err
}

// viaShared is what libvirt.so opens for uri: a remote system libvirt
// through the forward of the SSH connection envrun shares with its host,
// as the protocol client reads it (libvirt.so's ssh transport would log in
// again, and start a shell and a helper on the host); uri itself where it
// is not such a libvirt or the forward cannot be made (then libvirt.so's
// own transport says what is wrong).
//
// A host envrun cannot log in to is an error naming it: libvirt's own
// transport would fail the same way, in words about libvirt.
func viaShared(ctx context.Context, uri string) (string, error) {
	host := rpcRemote(uri)
	if host == nil {
		return uri, nil
	}
	if err := ensureShared(ctx, host); err != nil {
		why := err.Error()
		var ce *comm.CommandError
		if errors.As(err, &ce) && ce.Stderr != "" {
			why = ce.Stderr
		}
		return "", fmt.Errorf("cannot reach libvirt at %s over SSH: %s; check that `%s true` works here without asking anything (your ~/.ssh/config, agent and known_hosts apply)", uri, strings.TrimSuffix(why, "."), host.Command())
	}
	if _, refused := sshmux.Recall(host.Mux(), noForward); refused {
		return uri, nil
	}
	local, err := sshmux.Forward(ctx, host.Mux(), systemSocket)
	if err != nil || !safePath(local) {
		return uri, nil
	}
	return "qemu+unix:///system?socket=" + local, nil
}

// noForward is what is remembered for the shared connection to a host
// whose forward of the libvirt socket failed: libvirt's own transport is
// used until the connection ends.
const noForward = "no-libvirt-forward"

// refusedForward remembers that uri's host took the forward and closed it.
func refusedForward(uri string) {
	if host := rpcRemote(uri); host != nil {
		sshmux.Remember(host.Mux(), noForward, "yes")
	}
}

// ensureShared is host.Ensure, once per process for a host that fails:
// the protocol client and libvirt.so both ask, and a host that does not
// answer would make each wait out ssh's ConnectTimeout.
func ensureShared(ctx context.Context, host *provider.JumpHost) error {
	if err, ok := sharedFailed.Load(*host); ok {
		return err.(error)
	}
	err := host.Ensure(ctx)
	if err != nil && ctx.Err() == nil {
		sharedFailed.Store(*host, err)
	}
	return err
}

var sharedFailed sync.Map // provider.JumpHost → its master's error

// dialRPC connects to the libvirt uri names over its protocol: a local
// daemon on its socket, a remote system daemon through the shared SSH
// connection. nil when it cannot (then libvirt.so is asked, and explains
// what is wrong).
func dialRPC(ctx context.Context, uri string) *rpcReads {
	var dialer socket.Dialer
	daemonURI := uri
	if sock := rpcSocket(uri); sock != "" {
		if _, err := os.Stat(sock); err != nil {
			return nil // a session daemon libvirt.so would start, or none
		}
		dialer = dialers.NewLocal(dialers.WithSocket(sock), dialers.WithLocalTimeout(5*time.Second))
	} else if host := rpcRemote(uri); host != nil {
		// The daemon is asked for its own libvirt, as libvirt.so's remote
		// driver asks it (the transport is ours).
		dialer, daemonURI = muxDialer{ctx, host}, "qemu:///system"
	} else {
		return nil
	}
	l := golibvirt.NewWithDialer(dialer)
	// The protocol's calls take no context: a hung daemon must not hang
	// envrun (the same guard as connect's). A forward to a host with no
	// daemon on that socket, or one that refuses forwards, is taken and
	// closed by ssh: the handshake fails, and libvirt.so is asked.
	done := make(chan error, 1)
	go func() { done <- l.ConnectToURI(golibvirt.ConnectURI(daemonURI)) }()
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

func (r *rpcReads) volumeStamp(name string) (string, error) {
	pool, ok, err := r.pool()
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errNoBox
	}
	vol, err := r.l.StorageVolLookupByName(pool, name)
	if notFound(err, golibvirt.ErrNoStorageVol) {
		return "", errNoBox
	}
	if err != nil {
		return "", fmt.Errorf("look up volume %s: %w", name, err)
	}
	x, err := r.l.StorageVolGetXMLDesc(vol, 0)
	if err != nil {
		return "", fmt.Errorf("volume %s: %w", name, err)
	}
	return stampOf(x)
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
