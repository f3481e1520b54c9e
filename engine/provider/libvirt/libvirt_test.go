//go:build libvirt_dlopen && cgo

package libvirt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"libvirt.org/go/libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/pause"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/engine/timing"
	"github.com/envrun/envrun/engine/ui"
)

// These tests run the provider on libvirt's built-in test driver
// (test:///default): real libvirt, its XML parsing and object model, with
// no daemon and no guests. They cover what envrun defines and how it
// reconciles what exists; booting real VMs is the integration tests' job.
// The test driver has no guests to log into and cannot stream volumes, so
// first contact and the box store are replaced here.

const testURI = "test:///default"

// fixture is a provider on the test driver, for an Envfile with network
// "net" (10.231.48.0/24) and the machines given.
type fixture struct {
	t      *testing.T
	p      *Provider
	env    provider.Env
	ef     *spec.Envfile
	log    *bytes.Buffer
	hostKy ssh.PublicKey
	c      *libvirt.Connect
}

func newFixture(t *testing.T, machines ...string) *fixture {
	t.Helper()
	t.Setenv("LIBVIRT_DEFAULT_URI", testURI)
	dir := t.TempDir()
	ef := &spec.Envfile{Path: filepath.Join(dir, "Envfile.lua"), Dir: dir, Box: "test/box"}
	ef.Networks = []*spec.Network{{Name: "net", Subnet: netip.MustParsePrefix("10.231.48.0/24"), Gateway: netip.MustParseAddr("10.231.48.1"), Isolated: true}}
	for i, name := range machines {
		ef.Machines = append(ef.Machines, &spec.Machine{
			Name: name, Hostname: name + ".test", Box: "test/box", User: spec.DefaultUser, CPUs: 1, Memory: 256,
			Networks:  []spec.Attachment{{Network: "net", IP: netip.MustParseAddr(fmt.Sprintf("10.231.48.%d", 20+i))}},
			Providers: map[string]spec.Options{},
		})
	}
	st := state.ForEnvfile(ef.Path)
	if err := st.Ensure(); err != nil {
		t.Fatal(err)
	}
	key, err := comm.LoadOrCreateKey(st.KeyPath())
	if err != nil {
		t.Fatal(err)
	}
	log := &bytes.Buffer{}
	env := provider.Env{
		Project: "t" + strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name())) + "-0123abcd",
		Envfile: ef, State: st, Key: key,
		UI: ui.New(log, ui.Verbose),
	}
	pv, err := open(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	p := pv.(*Provider)
	_, hostPub, _ := comm.NewHostKey()
	f := &fixture{t: t, p: p, env: env, ef: ef, log: log, hostKy: hostPub}
	f.c, _ = p.conn(context.Background(), testURI)
	p.findBox = func(ctx context.Context, r reads, uri, box string) (*boxVols, error) {
		if box != "test/box" {
			return nil, errNoBox
		}
		return &boxVols{
			Meta:  boxMeta{Name: box, VirtualSize: 1 << 30},
			Image: "/default-pool/box.img", Kernel: "/default-pool/vmlinuz", Initrd: "/default-pool/initrd", Cmdline: "root=/dev/vda",
		}, nil
	}
	p.firstContact = func(ctx context.Context, c contact) (ssh.PublicKey, *comm.Client, error) { return f.hostKy, nil, nil }
	t.Cleanup(func() {
		ctx := context.Background()
		for _, m := range ef.Machines {
			p.Destroy(ctx, m.Name)
		}
		p.DestroyNetwork(ctx, "net")
		p.Close()
	})
	return f
}

func (f *fixture) machine(name string) *spec.Machine { return f.ef.Machine(name) }

// domain reads the definition and metadata of machine name's domain.
func (f *fixture) domain(name string) (*libvirtxml.Domain, *machineMeta) {
	f.t.Helper()
	dom, err := f.c.LookupDomainByName(f.p.domainName(name))
	if err != nil {
		f.t.Fatalf("domain of %s: %v", name, err)
	}
	defer dom.Free()
	def, meta, err := readDomain(libDomain{dom, f.p.domainName(name)})
	if err != nil || meta == nil {
		f.t.Fatalf("domain of %s: %v, metadata %v", name, err, meta)
	}
	return def, meta
}

func (f *fixture) hasVolume(name string) bool {
	pool, err := lookupPool(f.c)
	if pool == nil || err != nil {
		return false
	}
	defer pool.Free()
	vol, err := pool.LookupStorageVolByName(name)
	if err != nil {
		return false
	}
	vol.Free()
	return true
}

func TestNetworkLifecycle(t *testing.T) {
	f := newFixture(t, "web", "db")
	ctx := context.Background()
	n := f.ef.Networks[0]
	if err := f.p.EnsureNetwork(ctx, n); err != nil {
		t.Fatal(err)
	}
	net, err := f.c.LookupNetworkByName(f.p.networkName("net"))
	if err != nil {
		t.Fatal(err)
	}
	defer net.Free()
	def, meta, err := readNetwork(net, 0)
	if err != nil || meta == nil || meta.Project != f.env.Project || meta.Network != "net" {
		t.Fatalf("network metadata: %+v, %v", meta, err)
	}
	if def.Forward != nil {
		t.Errorf("isolated network has <forward mode=%q>", def.Forward.Mode)
	}
	hosts := def.IPs[0].DHCP.Hosts
	if len(hosts) != 2 || hosts[0].IP != "10.231.48.20" || hosts[0].MAC != MACFor(f.env.Project, "web", "net") || hosts[0].Name != "web" {
		t.Errorf("DHCP hosts: %+v", hosts)
	}
	if active, _ := net.IsActive(); !active {
		t.Error("network not started")
	}

	// Adopted as it is; a machine new to the Envfile gets its entries.
	f.ef.Machines = append(f.ef.Machines, &spec.Machine{Name: "cache", Hostname: "cache.test",
		Networks: []spec.Attachment{{Network: "net", IP: netip.MustParseAddr("10.231.48.30")}}})
	if err := f.p.EnsureNetwork(ctx, n); err != nil {
		t.Fatalf("EnsureNetwork again: %v", err)
	}
	def, _, _ = readNetwork(net, 0)
	if hosts := def.IPs[0].DHCP.Hosts; len(hosts) != 3 || hosts[2].IP != "10.231.48.30" || hosts[2].Name != "cache" {
		t.Errorf("after adding a machine, DHCP hosts: %+v", hosts)
	}
	if dns := def.DNS.Host; len(dns) != 3 || dns[2].IP != "10.231.48.30" || dns[2].Hostnames[0].Hostname != "cache.test" {
		t.Errorf("after adding a machine, DNS hosts: %+v", dns)
	}
	// A machine's IP changed (a reload's): its DHCP entry follows, and
	// its names leave the old address in DNS.
	f.machine("cache").Networks[0].IP = netip.MustParseAddr("10.231.48.31")
	if err := f.p.EnsureNetwork(ctx, n); err != nil {
		t.Fatalf("EnsureNetwork with an IP changed: %v", err)
	}
	def, _, _ = readNetwork(net, 0)
	if hosts := def.IPs[0].DHCP.Hosts; len(hosts) != 3 || hosts[2].IP != "10.231.48.31" || hosts[2].MAC != MACFor(f.env.Project, "cache", "net") {
		t.Errorf("after an IP change, DHCP hosts: %+v", hosts)
	}
	var ips []string
	for _, h := range def.DNS.Host {
		ips = append(ips, h.IP)
	}
	if !slices.Equal(ips, []string{"10.231.48.20", "10.231.48.21", "10.231.48.31"}) {
		t.Errorf("after an IP change, DNS hosts on %v, want the old address gone", ips)
	}
	// Stopped behind envrun's back: started again.
	net.Destroy()
	if err := f.p.EnsureNetwork(ctx, n); err != nil {
		t.Fatal(err)
	}
	if active, _ := net.IsActive(); !active {
		t.Error("EnsureNetwork left the stopped network stopped")
	}

	nets, err := f.p.Networks(ctx)
	if err != nil || len(nets) != 1 || nets[0].Name != "net" || nets[0].Subnet != "10.231.48.0/24" || nets[0].ID != def.UUID {
		t.Errorf("Networks: %+v, %v", nets, err)
	}
	if err := f.p.DestroyNetwork(ctx, "net"); err != nil {
		t.Fatal(err)
	}
	if nets, err := f.p.Networks(ctx); err != nil || len(nets) != 0 {
		t.Errorf("Networks after DestroyNetwork: %+v, %v", nets, err)
	}
	if err := f.p.DestroyNetwork(ctx, "net"); err != nil {
		t.Errorf("DestroyNetwork of a missing network: %v", err)
	}
}

func TestNetworkConflicts(t *testing.T) {
	f := newFixture(t, "web")
	ctx := context.Background()
	n := f.ef.Networks[0]
	if err := f.p.EnsureNetwork(ctx, n); err != nil {
		t.Fatal(err)
	}
	foreign := `<network><name>%s</name><bridge name="%s"/><ip address="%s" prefix="24"/></network>`
	tests := []struct {
		name    string
		network spec.Network
		foreign string // a network of someone else's defined first
		wantErr string
	}{
		{name: "same name, other subnet", network: spec.Network{Name: "net", Subnet: netip.MustParsePrefix("10.231.47.0/24"), Gateway: netip.MustParseAddr("10.231.47.1"), Isolated: true},
			wantErr: `network "net" exists in libvirt as ` + f.p.networkName("net") + ` with subnet 10.231.48.0/24, gateway 10.231.48.1, isolated from an earlier Envfile; the Envfile now says subnet 10.231.47.0/24`},
		{name: "same name, NAT now", network: spec.Network{Name: "net", Subnet: n.Subnet, Gateway: n.Gateway},
			wantErr: "the Envfile now says subnet 10.231.48.0/24, gateway 10.231.48.1, NAT"},
		{name: "overlaps libvirt's default network", network: spec.Network{Name: "other", Subnet: netip.MustParsePrefix("192.168.122.0/25"), Gateway: netip.MustParseAddr("192.168.122.1")},
			wantErr: `network "other": subnet 192.168.122.0/25 overlaps libvirt network default (192.168.122.0/24), which is not this environment's`},
		{name: "overlaps this environment's old network", network: spec.Network{Name: "renamed", Subnet: n.Subnet, Gateway: n.Gateway},
			wantErr: `overlaps 10.231.48.0/24 of this environment's network "net" from an earlier Envfile: run ` + "`envrun destroy`"},
		{name: "a foreign network has the name", network: spec.Network{Name: "taken", Subnet: netip.MustParsePrefix("10.231.46.0/24"), Gateway: netip.MustParseAddr("10.231.46.1")},
			foreign: fmt.Sprintf(foreign, f.p.networkName("taken"), "virbrtaken", "10.231.45.1"),
			wantErr: "a libvirt network named " + f.p.networkName("taken") + " exists and is not this environment's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.foreign != "" {
				net, err := f.c.NetworkDefineXML(tt.foreign)
				if err != nil {
					t.Fatal(err)
				}
				defer func() { net.Undefine(); net.Free() }()
			}
			err := f.p.EnsureNetwork(ctx, &tt.network)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
			}
			if nets, _ := f.p.Networks(ctx); len(nets) != 1 {
				t.Errorf("a failed EnsureNetwork left networks: %+v", nets)
			}
		})
	}
}

func TestUpDefinesTheDomain(t *testing.T) {
	f := newFixture(t, "web")
	var rec timing.Recorder
	ctx := timing.With(context.Background(), &rec)
	m := f.machine("web")
	m.Providers["libvirt"] = spec.Options{Values: map[string]any{"graphics": "spice", "video": "qxl"}}
	inst, err := f.p.Up(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	// --timings: the phases of making a VM (boot, first contact and key
	// swap are first contact's own, replaced here).
	var phases []string
	for _, ph := range rec.Phases() {
		phases = append(phases, ph.Name)
	}
	if !slices.Equal(phases, []string{"box", "define", "pin"}) {
		t.Errorf("phases %q, want box, define, pin", phases)
	}
	if !inst.Created || !inst.Started || inst.Addr != "10.231.48.20:22" || inst.User != "vagrant" || inst.SSHTimeout != newOptions().bootTimeout() {
		t.Errorf("Instance %+v", inst)
	}
	if inst.HostKey == nil || string(inst.HostKey.Marshal()) != string(f.hostKy.Marshal()) {
		t.Error("Instance.HostKey is not the key first contact saw")
	}
	def, meta := f.domain("web")
	if inst.ID != def.UUID {
		t.Errorf("ID %s, domain UUID %s", inst.ID, def.UUID)
	}
	if def.Type != "test" || def.OS.Kernel != "/default-pool/vmlinuz" || def.OS.Cmdline != "root=/dev/vda" ||
		def.Memory.Value != 256<<10 || def.Devices.Interfaces[0].MAC.Address != MACFor(f.env.Project, "web", "net") ||
		def.Devices.Graphics[0].Spice == nil || def.Devices.Videos[0].Model.Type != "qxl" {
		t.Errorf("domain as defined: type %s, kernel %s, memory %d KiB, NIC %+v", def.Type, def.OS.Kernel, def.Memory.Value, def.Devices.Interfaces[0].MAC)
	}
	if meta.HostKey != comm.FormatPublicKey(f.hostKy) || meta.Key != fingerprint(f.env.Key.Signer.PublicKey()) ||
		meta.IP != "10.231.48.20" || meta.Volume != f.p.domainName("web")+".qcow2" || meta.Config == "" {
		t.Errorf("metadata after first contact: %+v", meta)
	}
	if !f.hasVolume(meta.Volume) {
		t.Errorf("no overlay volume %s", meta.Volume)
	}
	// The instance reports the host key first contact was shown, for the
	// engine to pin; the provider writes no known_hosts.
	if inst.HostKey == nil || comm.FormatPublicKey(inst.HostKey) != comm.FormatPublicKey(f.hostKy) {
		t.Errorf("instance host key %v, want the one first contact saw", inst.HostKey)
	}
	if _, err := os.Stat(f.env.State.KnownHostsPath()); !os.IsNotExist(err) {
		t.Errorf("the provider wrote %s (%v): only the engine pins", f.env.State.KnownHostsPath(), err)
	}
	ms, err := f.p.Machines(ctx)
	if err != nil || len(ms) != 1 || ms[0].Name != "web" || ms[0].State != provider.Running || ms[0].IP != "10.231.48.20" || ms[0].ID != inst.ID {
		t.Errorf("Machines: %+v, %v", ms, err)
	}
}

func TestUpReconciles(t *testing.T) {
	f := newFixture(t, "web")
	ctx := context.Background()
	m := f.machine("web")
	first, err := f.p.Up(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.p.Up(ctx, m)
	if err != nil || again.Created || again.Started || again.ID != first.ID {
		t.Fatalf("Up of a running machine: %+v, %v; want nothing done", again, err)
	}
	if err := f.p.Halt(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	if ms, _ := f.p.Machines(ctx); len(ms) != 1 || ms[0].State != provider.Stopped {
		t.Errorf("after Halt: %+v", ms)
	}
	if err := f.p.Halt(ctx, "web"); err != nil {
		t.Errorf("Halt of a stopped machine: %v", err)
	}
	started, err := f.p.Up(ctx, m)
	if err != nil || started.Created || !started.Started || started.ID != first.ID {
		t.Fatalf("Up after Halt: %+v, %v; want the same machine started", started, err)
	}

	// A no-op up of a running machine, as a new run makes it (nothing
	// cached), never asks libvirt for its capabilities: that probes qemu
	// and takes seconds on a busy host.
	asked := 0
	f.p.mu.Lock()
	clear(f.p.types)
	f.p.mu.Unlock()
	caps := f.p.capabilities
	f.p.capabilities = func(c *libvirt.Connect) (string, error) { asked++; return caps(c) }
	if again, err := f.p.Up(ctx, m); err != nil || again.Created || again.Started {
		t.Fatalf("Up of a running machine: %+v, %v; want nothing done", again, err)
	}
	if asked != 0 {
		t.Errorf("a no-op Up asked libvirt for its capabilities %d times; want none", asked)
	}

	// Settings that changed are reported, not applied behind the user's back.
	f.log.Reset()
	m.Memory = 512
	if _, err := f.p.Up(ctx, m); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.log.String(), "its settings in the Envfile changed since the VM was made") {
		t.Errorf("no drift warning; output:\n%s", f.log)
	}
	f.log.Reset()
	m.Memory = 256
	if _, err := f.p.Up(ctx, m); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(f.log.String(), "changed") {
		t.Errorf("drift warning for unchanged settings:\n%s", f.log)
	}

	// New synced folders have their own warning, and only that; with
	// another setting changed too, both.
	src := filepath.Join(f.ef.Dir, "src")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	m.SyncedFolders = append(m.SyncedFolders, spec.SyncedFolder{Host: src, Guest: "/src"})
	for _, tt := range []struct {
		memory  int
		general bool
	}{{256, false}, {512, true}} {
		f.log.Reset()
		m.Memory = tt.memory
		if _, err := f.p.Up(ctx, m); err != nil {
			t.Fatal(err)
		}
		out := f.log.String()
		if !strings.Contains(out, "its synced folders changed since the guest mounted them") {
			t.Errorf("memory %d: no synced folder warning; output:\n%s", tt.memory, out)
		}
		if got := strings.Contains(out, "its settings in the Envfile changed"); got != tt.general {
			t.Errorf("memory %d: general drift warning %v, want %v; output:\n%s", tt.memory, got, tt.general, out)
		}
	}
}

func TestUpRemakesAHalfMadeMachine(t *testing.T) {
	f := newFixture(t, "web")
	ctx := context.Background()
	m := f.machine("web")
	// A run cut off during the first boot: the domain exists, first contact
	// never finished.
	contacted := errors.New("cut off")
	f.p.firstContact = func(ctx context.Context, c contact) (ssh.PublicKey, *comm.Client, error) { return nil, nil, contacted }
	if _, err := f.p.Up(ctx, m); !errors.Is(err, contacted) {
		t.Fatalf("Up with a failing first contact: %v", err)
	}
	// The failure removed what it made.
	if _, err := f.c.LookupDomainByName(f.p.domainName("web")); err == nil {
		t.Error("a failed first contact left the domain")
	}
	if f.hasVolume(f.p.domainName("web") + ".qcow2") {
		t.Error("a failed first contact left the overlay")
	}
	// And a domain left by a killed run (no host key in its metadata) is
	// made anew.
	f.p.firstContact = func(ctx context.Context, c contact) (ssh.PublicKey, *comm.Client, error) { return f.hostKy, nil, nil }
	inst, err := f.p.Up(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	dom, _ := f.c.LookupDomainByName(f.p.domainName("web"))
	_, meta, _ := readDomain(libDomain{dom, f.p.domainName("web")})
	meta.HostKey = ""
	content, _ := metaContent(meta)
	if err := dom.SetMetadata(libvirt.DOMAIN_METADATA_ELEMENT, content, MetaPrefix, MetaNS, libvirt.DOMAIN_AFFECT_CONFIG|libvirt.DOMAIN_AFFECT_LIVE); err != nil {
		t.Fatal(err)
	}
	dom.Free()
	again, err := f.p.Up(ctx, m)
	if err != nil || !again.Created || again.ID == inst.ID {
		t.Fatalf("Up over a half-made machine: %+v, %v; want it made anew", again, err)
	}
	if !strings.Contains(f.log.String(), "left half-made by an interrupted run") {
		t.Errorf("output does not say why:\n%s", f.log)
	}
}

// A guest that cannot mount a synced folder (its kernel has no 9p
// transport, as the guest's script says it: TestFolderFailure in
// engine/provider/guest): up fails with the machine's Envfile line, the
// folder and what to do, and removes the VM it made.
func TestUpFolderTheGuestCannotMount(t *testing.T) {
	f := newFixture(t, "web")
	ctx := context.Background()
	m := f.machine("web")
	m.Pos = spec.Pos{File: "Envfile.lua", Line: 12}
	data := filepath.Join(f.ef.Dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	m.SyncedFolders = []spec.SyncedFolder{{Host: data, Guest: "/srv/data", Type: "9p"}}
	f.p.firstContact = func(ctx context.Context, c contact) (ssh.PublicKey, *comm.Client, error) {
		if len(c.Setup.Mounts) != 1 || c.Setup.Mounts[0].Name != "envrun1" {
			t.Errorf("first contact mounts %+v", c.Setup.Mounts)
		}
		return nil, nil, fmt.Errorf("set up the guest as vagrant: %w", &comm.ExitError{Cmd: "the guest set-up script", Status: 1,
			Stderr: "envrun synced folder envrun1: the machine's kernel (6.1.0-28-amd64) has no 9pnet_virtio module\n"})
	}
	_, err := f.p.Up(ctx, m)
	want := `Envfile.lua:12: machine "web": synced folder /srv/data (9p): the guest cannot mount it: the machine's kernel (6.1.0-28-amd64) has no 9pnet_virtio module; ` +
		`use type = "rsync" for it (a copy envrun makes over SSH, which needs nothing of the guest's kernel), or a box whose kernel has the 9p and 9pnet_virtio modules`
	if err == nil || err.Error() != want {
		t.Fatalf("Up:\n got %v\nwant %s", err, want)
	}
	if _, err := f.c.LookupDomainByName(f.p.domainName("web")); err == nil {
		t.Error("the VM whose guest cannot mount its folder was left")
	}
}

// An up interrupted (Ctrl-C) at each pause point removes what it half
// made: a network defined but not started, the disk, the domain, a domain
// booting. (The integration tests interrupt the real binary at the same
// points; here each point is reached with the context already ended.)
func TestUpInterruptedLeavesNothingHalfMade(t *testing.T) {
	for _, point := range []string{"network-defined:net", "network-created:net", "volume-created:web", "domain-defined:web", "first-contact:web"} {
		t.Run(point, func(t *testing.T) {
			f := newFixture(t, "web")
			t.Setenv(pause.Env, point)
			ctx, cancel := context.WithCancelCause(context.Background())
			interrupted := errors.New("interrupted")
			cancel(interrupted)
			err := f.p.EnsureNetwork(ctx, f.ef.Networks[0])
			if strings.HasPrefix(point, "network-") {
				if !errors.Is(err, interrupted) {
					t.Fatalf("EnsureNetwork: %v, want the interruption", err)
				}
				net, lookErr := f.c.LookupNetworkByName(f.p.networkName("net"))
				if point == "network-defined:net" && lookErr == nil {
					net.Free()
					t.Error("the network defined but not started was left")
				}
				if point == "network-created:net" {
					if lookErr != nil {
						t.Fatalf("a started network was removed: %v", lookErr)
					}
					net.Free()
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.p.Up(ctx, f.machine("web")); !errors.Is(err, interrupted) {
				t.Fatalf("Up: %v, want the interruption", err)
			}
			if _, err := f.c.LookupDomainByName(f.p.domainName("web")); err == nil {
				t.Error("the domain was left")
			}
			if f.hasVolume(f.p.domainName("web") + ".qcow2") {
				t.Error("the disk was left")
			}
		})
	}
}

// A disk whose domain was never defined (a run killed in between) is
// listed as the machine's, and removed by Destroy, Envfile or not.
func TestDiskWithoutDomain(t *testing.T) {
	f := newFixture(t, "web")
	ctx := context.Background()
	// The disk as a killed run leaves it: made, and no domain defined.
	pool, err := ensurePool(f.c, testURI)
	if err != nil {
		t.Fatal(err)
	}
	x, err := overlayXML(f.p.domainName("gone")+".qcow2", 1<<30, "/default-pool/box.img")
	if err != nil {
		t.Fatal(err)
	}
	vol, err := pool.StorageVolCreateXML(x, 0)
	if err != nil {
		t.Fatal(err)
	}
	vol.Free()
	pool.Free()
	ms, err := f.p.Machines(ctx)
	if err != nil || len(ms) != 1 || ms[0].Name != "gone" || ms[0].State != provider.Other || ms[0].Details != "a disk without its VM" {
		t.Fatalf("Machines: %+v, %v; want the disk of gone", ms, err)
	}
	if err := f.p.Destroy(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	if f.hasVolume(f.p.domainName("gone") + ".qcow2") {
		t.Error("Destroy left the disk")
	}
	if ms, err := f.p.Machines(ctx); err != nil || len(ms) != 0 {
		t.Errorf("Machines after Destroy: %+v, %v", ms, err)
	}
}

func TestUpShowsTheConsoleWhenSSHNeverComesUp(t *testing.T) {
	f := newFixture(t, "web")
	f.p.firstContact = func(ctx context.Context, c contact) (ssh.PublicKey, *comm.Client, error) {
		// What the guest wrote on its serial console meanwhile.
		os.WriteFile(f.p.consolePath("web"), []byte("[\x1b[0;1;31mFAILED\x1b[0m] Failed to start ssh.service\r\nbox login: "), 0o600)
		return nil, nil, &comm.WaitError{Machine: "web", Addr: c.Addr, User: "vagrant", Waited: time.Minute, Last: errors.New("connection refused")}
	}
	_, err := f.p.Up(context.Background(), f.machine("web"))
	if err == nil || !strings.Contains(err.Error(), "waited 1m0s for SSH on 10.231.48.20:22") ||
		!strings.Contains(err.Error(), "console-web.log):\n    [FAILED] Failed to start ssh.service\n    box login:") {
		t.Fatalf("got %v, want the wait error with the console's last lines", err)
	}
}

func TestUpRefuses(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(f *fixture)
		wantErr string
	}{
		{name: "a foreign domain of that name", setup: func(f *fixture) {
			d, err := f.c.DomainDefineXML(fmt.Sprintf(`<domain type="test"><name>%s</name><memory>1024</memory><os><type>hvm</type></os></domain>`, f.p.domainName("web")))
			if err != nil {
				f.t.Fatal(err)
			}
			f.t.Cleanup(func() { d.Undefine(); d.Free() })
		}, wantErr: "is not this environment's machine \"web\": remove or rename it"},
		{name: "a machine set up for another key", setup: func(f *fixture) {
			if _, err := f.p.Up(context.Background(), f.machine("web")); err != nil {
				f.t.Fatal(err)
			}
			os.Remove(f.env.Key.Path)
			key, err := comm.LoadOrCreateKey(f.env.Key.Path)
			if err != nil {
				f.t.Fatal(err)
			}
			f.p.env.Key = key
		}, wantErr: "was set up for another environment key"},
		{name: "a box libvirt does not have", setup: func(f *fixture) { f.machine("web").Box = "acme/custom" },
			wantErr: `box "acme/custom" is not in libvirt pool envrun at test:///default: add it with ` + "`envrun box add acme/custom FILE`"},
		{name: "an initrd without a kernel", setup: func(f *fixture) {
			f.p.findBox = func(ctx context.Context, r reads, uri, box string) (*boxVols, error) {
				return &boxVols{Meta: boxMeta{VirtualSize: 1 << 30}, Image: "/default-pool/box.img"}, nil
			}
			f.machine("web").Providers["libvirt"] = spec.Options{Values: map[string]any{"initrd": "/boot/initrd"}}
		}, wantErr: "libvirt.initrd and libvirt.cmdline need a kernel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, "web")
			tt.setup(f)
			_, err := f.p.Up(context.Background(), f.machine("web"))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestDestroy(t *testing.T) {
	f := newFixture(t, "web", "db")
	ctx := context.Background()
	for _, m := range f.ef.Machines {
		if _, err := f.p.Up(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	// Someone else's domain with a name like ours is never touched.
	other, err := f.c.DomainDefineXML(fmt.Sprintf(`<domain type="test"><name>%s-other</name><memory>1024</memory><os><type>hvm</type></os></domain>`, f.env.Project))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { other.Undefine(); other.Free() }()
	ms, err := f.p.Machines(ctx)
	if err != nil || len(ms) != 2 {
		t.Fatalf("Machines: %+v, %v; want web and db only", ms, err)
	}
	if err := f.p.Destroy(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	if f.hasVolume(f.p.domainName("web") + ".qcow2") {
		t.Error("Destroy left the overlay")
	}
	if ms, _ := f.p.Machines(ctx); len(ms) != 1 || ms[0].Name != "db" {
		t.Errorf("after destroying web: %+v", ms)
	}
	if err := f.p.Destroy(ctx, "web"); err != nil {
		t.Errorf("Destroy of a missing machine: %v", err)
	}
	if active, _ := other.IsActive(); active {
		t.Error("the foreign domain was started")
	}
	if _, err := other.GetName(); err != nil {
		t.Errorf("the foreign domain is gone: %v", err)
	}
}

func TestDomainType(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct {
		driver, want string
	}{{"", "test"}, {"qemu", "qemu"}, {"kvm", "kvm"}} {
		got, err := f.p.domainType(testURI, &Options{Driver: tt.driver})
		if err != nil || got != tt.want {
			t.Errorf("domainType with driver %q = %q, %v; want %q", tt.driver, got, err, tt.want)
		}
	}
}

func TestExplain(t *testing.T) {
	_, err := connect(context.Background(), "qemu+unix:///system?socket=/nonexistent/libvirt-sock")
	if err == nil || !strings.Contains(err.Error(), "libvirtd is not running") {
		t.Errorf("connect to a missing socket: %v, want advice to start libvirtd", err)
	}
	// What libvirt answers, as seen on hosts that refuse.
	tests := []struct {
		name, msg, want string
	}{
		{"missing socket", "Failed to connect socket to '/tmp/none': No such file or directory", "libvirtd is not running for qemu:///system"},
		{"stale socket", "Failed to connect socket to '/run/libvirt/libvirt-sock': Connection refused", "libvirtd is not running"},
		{"socket mode", "Failed to connect socket to '/run/libvirt/libvirt-sock': Permission denied", "permission denied; add yourself to the libvirt group"},
		{"polkit says no", "authentication unavailable: no polkit agent available to authenticate action 'org.libvirt.unix.manage'", "permission denied; add yourself"},
		{"polkit without D-Bus", "internal error: Unable to get system bus connection: Could not connect: No such file or directory", "permission denied; libvirtd asks polkit"},
		{"libvirt missing", "dlopen libvirt.so.0: cannot open shared object file", "libvirt is not installed on this host"},
		{"other", "internal error: something else", "connect to libvirt at qemu:///system: internal error: something else"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := explain("qemu:///system", libvirt.Error{Message: tt.msg})
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// TestForeignNamesakesUntouched: a domain and a network that are not
// envrun's but carry exactly the names envrun would give this
// environment's machine and network are never halted, destroyed or
// undefined: Halt, Destroy and DestroyNetwork leave them as they were, and
// they are not listed as the environment's.
func TestForeignNamesakesUntouched(t *testing.T) {
	f := newFixture(t, "web")
	ctx := context.Background()
	dn, nn := f.p.domainName("web"), f.p.networkName("net")
	d, err := f.c.DomainDefineXML(fmt.Sprintf(`<domain type="test"><name>%s</name><memory>1024</memory><os><type>hvm</type></os></domain>`, dn))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { d.Destroy(); d.Undefine(); d.Free() }()
	if err := d.Create(); err != nil {
		t.Fatal(err)
	}
	n, err := f.c.NetworkDefineXML(fmt.Sprintf(`<network><name>%s</name><bridge name="virbrforeign"/><ip address="10.231.47.1" prefix="24"/></network>`, nn))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { n.Destroy(); n.Undefine(); n.Free() }()
	if err := n.Create(); err != nil {
		t.Fatal(err)
	}

	if err := f.p.Halt(ctx, "web"); err != nil {
		t.Logf("Halt: %v", err)
	}
	if err := f.p.Destroy(ctx, "web"); err != nil {
		t.Logf("Destroy: %v", err)
	}
	if err := f.p.DestroyNetwork(ctx, "net"); err != nil {
		t.Logf("DestroyNetwork: %v", err)
	}
	if active, err := d.IsActive(); err != nil || !active {
		t.Errorf("the foreign domain %s: active %v, %v; want it running and defined", dn, active, err)
	}
	if active, err := n.IsActive(); err != nil || !active {
		t.Errorf("the foreign network %s: active %v, %v; want it active and defined", nn, active, err)
	}
	if ms, err := f.p.Machines(ctx); err != nil || len(ms) != 0 {
		t.Errorf("Machines lists the foreign domain: %+v, %v", ms, err)
	}
	if ns, err := f.p.Networks(ctx); err != nil || len(ns) != 0 {
		t.Errorf("Networks lists the foreign network: %+v, %v", ns, err)
	}
}

// TestCanVirtualize: kvm only where the libvirt host's CPU lists vmx or
// svm (this CI machine offers kvm through a /dev/kvm whose guests fail
// with "failed to set MSR", its CPU listing neither).
func TestCanVirtualize(t *testing.T) {
	for _, c := range []struct {
		name, cpu string
		local     bool
		want      bool
	}{
		{"flags without vmx or svm", `<feature name='hypervisor'/><feature name='avx2'/>`, false, false},
		{"vmx flag", `<feature name='vmx'/><feature name='avx2'/>`, false, true},
		{"svm flag", `<feature name='svm'/>`, true, true},
		{"old-style features element", `<feature name='ht'/><features><svm/></features>`, false, true},
		{"no feature list, remote: libvirt's offer", ``, false, true},
	} {
		var caps libvirtxml.Caps
		if err := caps.Unmarshal(`<capabilities><host><cpu><arch>x86_64</arch>` + c.cpu + `</cpu></host></capabilities>`); err != nil {
			t.Fatal(err)
		}
		if got := canVirtualize(caps, c.local); got != c.want {
			t.Errorf("%s: canVirtualize = %v, want %v", c.name, got, c.want)
		}
	}
}

// The connection available opens to check libvirt is the one the provider
// opened next uses: one handshake with libvirtd per command, not two.
func TestAvailableHandsItsConnectionToOpen(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := available(ctx); err != nil {
		t.Fatal(err)
	}
	checked := spare.c
	if checked == nil {
		t.Fatal("available kept no connection")
	}
	if err := available(ctx); err != nil || spare.c != checked {
		t.Errorf("a second available: %v, and it opened another connection", err)
	}
	pv, err := open(ctx, f.env)
	if err != nil {
		t.Fatal(err)
	}
	defer pv.Close()
	if got := pv.(*Provider).conns[testURI]; got != checked {
		t.Errorf("open connected anew (%p), want available's connection (%p)", got, checked)
	}
	if spare.c != nil {
		t.Errorf("the spare connection is still kept after open took it")
	}
}

// A stopped pool (a host whose pool did not autostart) is started before
// the box is looked for in it, so a box it holds is found and not made or
// downloaded again: the reads that find it see a stopped pool as empty.
func TestEnsureBoxStartsAStoppedPool(t *testing.T) {
	f := newFixture(t, "web")
	ctx := context.Background()
	pool, err := ensurePool(f.c, testURI)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Free()
	if err := pool.Destroy(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if active, _ := pool.IsActive(); !active {
			pool.Create(0)
		}
	})
	fake := f.p.findBox
	var activeThen bool
	f.p.findBox = func(ctx context.Context, r reads, uri, box string) (*boxVols, error) {
		activeThen, _ = pool.IsActive()
		return fake(ctx, r, uri, box)
	}
	if _, err := f.p.ensureBox(ctx, f.c, testURI, f.machine("web")); err != nil {
		t.Fatal(err)
	}
	if !activeThen {
		t.Error("the box was looked for in the stopped pool")
	}
}
