//go:build libvirt_dlopen && cgo

package libvirt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/sync/singleflight"
	"libvirt.org/go/libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

// notBuilt: this build has the libvirt provider.
var notBuilt error

// Provider is the libvirt provider, opened.
type Provider struct {
	env  provider.Env
	uris []string // every connection the Envfile uses, the default first

	mu    sync.Mutex
	conns map[string]*libvirt.Connect
	rpcs  map[string]*rpcReads // URI → its protocol client, nil where there is none (rpc.go)
	types map[string]string    // URI → domain type (kvm, qemu)

	// capabilities reads libvirt's host capabilities: slow (libvirt probes
	// qemu, seconds on a busy host), so only making a domain may ask.
	capabilities func(c *libvirt.Connect) (string, error)
	// kvmWarned: hostKVMAdvice is given once a run.
	kvmWarned sync.Once

	boxes   singleflight.Group  // URI + box → ensured once per run
	found   map[string]*boxVols // URI + box → as the drift check read it, once per run
	finding singleflight.Group  // URI + box → being read for found

	// The two steps that need more than libvirt's API, replaced in the
	// unit tests that run on libvirt's test driver (which has no guests
	// to log into and cannot stream volumes).
	findBox      func(ctx context.Context, r reads, uri, box string) (*boxVols, error)
	firstContact func(ctx context.Context, c contact) (ssh.PublicKey, *comm.Client, error)
}

// available checks the default libvirt; availableFor the one of the
// Envfile's first machine (which names a remote one, or none).
func available(ctx context.Context) error { return availableAt(ctx, DefaultURI()) }

func availableFor(ctx context.Context, ef *spec.Envfile) error {
	if uris := machineURIs(ef); len(uris) > 0 {
		return availableAt(ctx, uris[0])
	}
	return available(ctx)
}

func availableAt(ctx context.Context, uri string) error {
	spare.Lock()
	defer spare.Unlock()
	if spare.uri == uri && spare.rpc != nil {
		if spare.rpc.l.IsConnected() {
			return nil
		}
		spare.rpc = nil
	}
	if spare.c != nil && spare.uri == uri {
		if alive, err := spare.c.IsAlive(); err == nil && alive {
			return nil
		}
		spare.c.Close()
		spare.c = nil
	}
	// A local libvirtd that answers its protocol is there: libvirt.so is
	// loaded only when something is to be made (rpc.go).
	if r := dialRPC(ctx, uri); r != nil {
		spare.uri, spare.rpc = uri, r
		return nil
	}
	c, err := connect(ctx, uri)
	if err != nil {
		return err
	}
	spare.uri, spare.c = uri, c
	return nil
}

// spare is the connection available opened, kept for the provider that
// connects next in this process: envrun asks available right before it
// opens the provider, and opening a connection anew is a handshake with
// libvirtd (several round trips, each slow on a busy host) for nothing.
var spare struct {
	sync.Mutex
	uri string
	c   *libvirt.Connect
	rpc *rpcReads
}

// takeSpare returns the spare connection to uri, if there is one; it is
// then the caller's.
func takeSpare(uri string) *libvirt.Connect {
	spare.Lock()
	defer spare.Unlock()
	if spare.c == nil || spare.uri != uri {
		return nil
	}
	c := spare.c
	spare.c = nil
	return c
}

// takeSpareRPC is takeSpare for the protocol client.
func takeSpareRPC(uri string) *rpcReads {
	spare.Lock()
	defer spare.Unlock()
	if spare.rpc == nil || spare.uri != uri {
		return nil
	}
	r := spare.rpc
	spare.rpc = nil
	if !r.l.IsConnected() {
		return nil
	}
	return r
}

func open(ctx context.Context, env provider.Env) (provider.Provider, error) {
	p := &Provider{env: env, conns: map[string]*libvirt.Connect{}, rpcs: map[string]*rpcReads{}, types: map[string]string{}, found: map[string]*boxVols{}}
	p.findBox, p.firstContact = findBoxIn, firstContact
	p.capabilities = func(c *libvirt.Connect) (string, error) { return c.GetCapabilities() }
	// Connect to every libvirt the Envfile uses now, so that a missing one
	// is reported before anything is made: over libvirtd's protocol where
	// it answers, else through libvirt.so.
	p.uris = machineURIs(env.Envfile)
	for _, uri := range p.uris {
		if p.rpc(ctx, uri) != nil {
			continue
		}
		if _, err := p.conn(ctx, uri); err != nil {
			p.Close()
			return nil, err
		}
	}
	// The default libvirt too, first, where no machine names it but it
	// answers: a machine whose uri changed, or an orphan, may be there. A
	// host with no libvirt of its own that uses a remote one is fine.
	if def := DefaultURI(); !slices.Contains(p.uris, def) && p.answers(ctx, def) {
		p.uris = append([]string{def}, p.uris...)
	}
	return p, nil
}

// answers reports whether the libvirt at uri answers, connecting to it. A
// local one with no socket does not, and libvirt.so is not loaded to say
// so (nor does it start a session daemon).
func (p *Provider) answers(ctx context.Context, uri string) bool {
	if sock := rpcSocket(uri); sock != "" {
		if _, err := os.Stat(sock); err != nil {
			return false
		}
	}
	if p.rpc(ctx, uri) != nil {
		return true
	}
	_, err := p.conn(ctx, uri)
	return err == nil
}

func (p *Provider) Name() string { return "libvirt" }

func (p *Provider) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for uri, c := range p.conns {
		c.Close()
		delete(p.conns, uri)
	}
	for uri, r := range p.rpcs {
		if r != nil {
			r.close()
		}
		delete(p.rpcs, uri)
	}
	return nil
}

// conn returns the connection to uri, opening it on first use.
func (p *Provider) conn(ctx context.Context, uri string) (*libvirt.Connect, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.conns[uri]; ok {
		return c, nil
	}
	if c := takeSpare(uri); c != nil {
		p.conns[uri] = c
		return c, nil
	}
	c, err := connect(ctx, uri)
	if err != nil {
		return nil, err
	}
	p.conns[uri] = c
	return c, nil
}

// connect opens uri, with advice when libvirt is missing or refuses.
func connect(ctx context.Context, uri string) (*libvirt.Connect, error) {
	if err := CheckURI(uri); err != nil {
		// The Envfile's URIs were checked as it loaded: this one is
		// LIBVIRT_DEFAULT_URI's.
		return nil, spec.Errorf(spec.Pos{}, "LIBVIRT_DEFAULT_URI: %v", err)
	}
	open, err := viaShared(ctx, uri)
	if err != nil {
		return nil, err
	}
	c, err := newConnect(ctx, open)
	if err != nil && open != uri && ctx.Err() == nil {
		// The host took the forward and closed it (AllowStreamLocalForwarding
		// no, or no daemon on that socket): libvirt's own transport.
		if c, err = newConnect(ctx, uri); err == nil {
			refusedForward(uri)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("connect to libvirt at %s: %w", uri, context.Cause(ctx))
		}
		return nil, explain(uri, err)
	}
	return c, nil
}

// newConnect is libvirt.NewConnect(uri) that gives up when ctx ends.
func newConnect(ctx context.Context, uri string) (*libvirt.Connect, error) {
	type result struct {
		c   *libvirt.Connect
		err error
	}
	// virConnectOpen has no context; a hung daemon must not hang envrun.
	done := make(chan result, 1)
	go func() {
		c, err := libvirt.NewConnect(uri)
		done <- result{c, err}
	}()
	select {
	case r := <-done:
		return r.c, r.err
	case <-ctx.Done():
		go func() {
			if r := <-done; r.c != nil {
				r.c.Close()
			}
		}()
		return nil, context.Cause(ctx)
	}
}

// explain turns the errors of an unreachable libvirt into advice.
func explain(uri string, err error) error {
	msg := message(err)
	switch {
	case strings.Contains(msg, "libvirt.so"):
		return fmt.Errorf("libvirt is not installed on this host (%s): install it with `sudo apt-get install libvirt-daemon-system qemu-system-x86 qemu-utils`", msg)
	case strings.Contains(msg, "Permission denied") || strings.Contains(msg, "authentication") || code(err) == libvirt.ERR_AUTH_FAILED:
		return fmt.Errorf("cannot talk to libvirt at %s: permission denied; add yourself to the libvirt group (sudo usermod -aG libvirt $USER, then log in again), run as root, or set LIBVIRT_DEFAULT_URI=qemu:///session: %s", uri, msg)
	case strings.Contains(msg, "system bus"):
		// libvirtd runs, and asks polkit whether this user may manage
		// VMs; without a D-Bus system bus (no systemd) it cannot ask.
		return fmt.Errorf("cannot talk to libvirt at %s: permission denied; libvirtd asks polkit whether you may manage VMs, and polkit needs the D-Bus system bus, which is not running: run as root, or set LIBVIRT_DEFAULT_URI=qemu:///session: %s", uri, msg)
	case strings.Contains(msg, "Failed to connect socket") &&
		(strings.Contains(msg, "No such file or directory") || strings.Contains(msg, "Connection refused")):
		return fmt.Errorf("libvirtd is not running for %s (start it with `sudo systemctl start libvirtd`, or `virtlogd -d && libvirtd -d` without systemd): %s", uri, msg)
	}
	return fmt.Errorf("connect to libvirt at %s: %s", uri, msg)
}

// message is the text of a libvirt error, without the binding's codes.
func message(err error) string {
	var e libvirt.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

// code is the libvirt error number of err, or 0.
func code(err error) libvirt.ErrorNumber {
	var e libvirt.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// lverr wraps a libvirt error with what was being done, keeping only
// libvirt's message.
func lverr(err error, format string, args ...any) error {
	return fmt.Errorf("%s: %s", fmt.Sprintf(format, args...), message(err))
}

// domainType is the domain type of the connection: what the Options say,
// else kvm where the host offers it (libvirt lists it, and the host's CPU
// has hardware virtualization: canVirtualize), else qemu (software
// emulation).
// libvirt's test driver offers only "test".
func (p *Provider) domainType(uri string, o *Options) (string, error) {
	if o.Driver != "" {
		return o.Driver, nil
	}
	p.mu.Lock()
	t, ok := p.types[uri]
	c := p.conns[uri]
	p.mu.Unlock()
	if ok {
		return t, nil
	}
	capsXML, err := p.capabilities(c)
	if err != nil {
		return "", lverr(err, "read libvirt's capabilities at %s", uri)
	}
	var caps libvirtxml.Caps
	if err := caps.Unmarshal(capsXML); err != nil {
		return "", fmt.Errorf("read libvirt's capabilities at %s: %w", uri, err)
	}
	var offered []string
	for _, g := range caps.Guests {
		if g.OSType != "hvm" || (caps.Host.CPU != nil && g.Arch.Name != caps.Host.CPU.Arch) {
			continue
		}
		for _, d := range g.Arch.Domains {
			offered = append(offered, d.Type)
		}
	}
	switch {
	case slices.Contains(offered, "kvm") && canVirtualize(caps, isLocal(uri)):
		t = "kvm"
	case slices.Contains(offered, "qemu"):
		t = "qemu"
	case len(offered) > 0:
		t = offered[0]
	default:
		return "", fmt.Errorf("libvirt at %s offers no way to run %s guests", uri, hostArch(caps))
	}
	p.mu.Lock()
	p.types[uri] = t
	p.mu.Unlock()
	return t, nil
}

func hostArch(caps libvirtxml.Caps) string {
	if caps.Host.CPU != nil {
		return caps.Host.CPU.Arch
	}
	return "hvm"
}

// canVirtualize reports whether the libvirt host's CPU has hardware
// virtualization (vmx, svm) as its capabilities list the CPU's features:
// a host can offer kvm (a /dev/kvm is there) where qemu then fails to
// start a KVM guest ("failed to set MSR"), as a VM without nested
// virtualization does. Capabilities without a feature list say nothing:
// this host's /proc/cpuinfo decides when libvirt is local, libvirt's
// offer when it is not.
func canVirtualize(caps libvirtxml.Caps, local bool) bool {
	if cpu := caps.Host.CPU; cpu != nil && len(cpu.FeatureFlags) > 0 {
		if f := cpu.Features; f != nil && (f.VMX != nil || f.SVM != nil) {
			return true
		}
		return slices.ContainsFunc(cpu.FeatureFlags, func(f libvirtxml.CapsHostCPUFeatureFlag) bool { return f.Name == "vmx" || f.Name == "svm" })
	}
	return !local || hostHasVirtualization()
}

// hostHasVirtualization reports whether this host's CPU advertises
// hardware virtualization (vmx, svm). Some hosts expose /dev/kvm without
// it, and KVM guests then hang; software emulation works there.
func hostHasVirtualization() bool {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return true // not Linux as we know it: trust libvirt
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "flags") {
			f := strings.Fields(line)
			return slices.Contains(f, "vmx") || slices.Contains(f, "svm")
		}
	}
	return false
}

// domainName is the domain of machine name; networkName the libvirt
// network of the Envfile's network name.
func (p *Provider) domainName(name string) string  { return p.env.Project + "-" + name }
func (p *Provider) networkName(name string) string { return p.env.Project + "-" + name }

// machineURI is the connection of machine name: its Options' URI, or the
// default for machines the Envfile no longer names.
func (p *Provider) machineURI(name string) string {
	if m := p.env.Envfile.Machine(name); m != nil {
		if o, err := decodeOptions(m, p.env.Envfile.Dir); err == nil {
			return o.uri()
		}
	}
	return DefaultURI()
}

// networkURI is the connection of the Envfile's network name: that of the
// machines on it (validate made sure they agree), else the default.
func (p *Provider) networkURI(name string) string {
	for _, m := range p.env.Envfile.Machines {
		for _, a := range m.Networks {
			if a.Network == name {
				return p.machineURI(m.Name)
			}
		}
	}
	return DefaultURI()
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}
