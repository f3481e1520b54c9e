// Package providertest is the conformance suite every provider passes
// against its real backend: create, idempotent up, SSH with the environment
// key at the static IP, halt and start, status, network reuse and conflict,
// destroy. Each backend's integration test calls Run.
package providertest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/engine/ui"
)

// Config says how to run the suite on one backend.
type Config struct {
	Driver *provider.Driver
	// Box is the box every machine uses.
	Box string
	// Subnet is a /24 only this test uses, so tests never collide.
	Subnet netip.Prefix
	// Machine, when set, adjusts the machine before use (provider tables).
	Machine func(m *spec.Machine)
	// Network, when set, adjusts the network before use (isolated = true).
	Network func(n *spec.Network)
	// Timeout bounds the whole suite; the default is 5 minutes.
	Timeout time.Duration
	// AbsentOnCI, when set, says why CI machines cannot have this backend
	// (VirtualBox cannot be installed on them): a missing backend is then a
	// skip even on CI. Leave it empty for every backend CI must run
	// (Docker, libvirt), so that a missing one fails the run there.
	AbsentOnCI string
}

// Require skips the test when the backend is missing, except on CI
// (CI=true), where a missing backend fails the run.
func Require(t testing.TB, d *provider.Driver) {
	t.Helper()
	require(t, d, "")
}

// RequireUnlessAbsentOnCI is Require for a backend that CI machines cannot
// have: a missing backend is a skip everywhere, CI included, and the skip
// message says why (absentOnCI). A backend that is there is used.
func RequireUnlessAbsentOnCI(t testing.TB, d *provider.Driver, absentOnCI string) {
	t.Helper()
	if absentOnCI == "" {
		panic("providertest: RequireUnlessAbsentOnCI needs the reason CI lacks the backend")
	}
	require(t, d, absentOnCI)
}

func require(t testing.TB, d *provider.Driver, absentOnCI string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := d.Available(ctx)
	switch {
	case err == nil:
	case absentOnCI != "":
		t.Skipf("the %s backend is not available here (%v); it is not required on CI either: %s", d.Name, err, absentOnCI)
	case os.Getenv("CI") == "true":
		t.Fatalf("the %s backend is required on CI: %v", d.Name, err)
	default:
		t.Skipf("the %s backend is not available here: %v", d.Name, err)
	}
}

// Fixture is a provider opened on a fresh environment in a temp folder.
type Fixture struct {
	Provider provider.Provider
	Env      provider.Env
	Envfile  *spec.Envfile
	Network  *spec.Network
	Machine  *spec.Machine
	// Known is the fixture's known_hosts: the test pins in it as the
	// engine does, for no provider writes it.
	Known *comm.KnownHosts
}

// Open opens cfg's provider on a fresh environment with one network and
// one machine, and registers cleanup that destroys both. The environment's
// project is the same on every run of the same test, so that what a run
// killed before its cleanup left behind (a network holding the subnet, a
// machine) is found and destroyed first, not met as a conflict.
func Open(t *testing.T, ctx context.Context, cfg Config) *Fixture {
	t.Helper()
	require(t, cfg.Driver, cfg.AbsentOnCI)
	dir := fixtureDir(t)
	ef := &spec.Envfile{Path: filepath.Join(dir, "Envfile.lua"), Dir: dir, Box: cfg.Box}
	gw := cfg.Subnet.Addr().Next()
	n := &spec.Network{Name: "conf", Subnet: cfg.Subnet, Gateway: gw}
	if cfg.Network != nil {
		cfg.Network(n)
	}
	m := &spec.Machine{
		Name: "node1", Hostname: "node1.conformance.test", Box: cfg.Box, User: spec.DefaultUser,
		Networks: []spec.Attachment{{Network: "conf", IP: gw.Next().Next()}},
		CPUs:     1, Memory: 256,
		Providers: map[string]spec.Options{},
	}
	if cfg.Machine != nil {
		cfg.Machine(m)
	}
	ef.Networks, ef.Machines = []*spec.Network{n}, []*spec.Machine{m}
	st := state.ForEnvfile(ef.Path)
	if err := st.Ensure(); err != nil {
		t.Fatal(err)
	}
	key, err := comm.LoadOrCreateKey(st.KeyPath())
	if err != nil {
		t.Fatal(err)
	}
	env := provider.Env{
		Project: state.ProjectID(ef.Path),
		Envfile: ef,
		State:   st,
		Key:     key,
		UI:      ui.New(testWriter{t}, ui.Verbose),
	}
	p, err := cfg.Driver.Open(ctx, env)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Destroy(ctx, m.Name); err != nil {
		t.Fatalf("destroy what an earlier run left: %v", err)
	}
	if err := p.DestroyNetwork(ctx, n.Name); err != nil {
		t.Fatalf("destroy what an earlier run left: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if err := p.Destroy(ctx, m.Name); err != nil {
			t.Errorf("cleanup: %v", err)
		}
		if err := p.DestroyNetwork(ctx, n.Name); err != nil {
			t.Errorf("cleanup: %v", err)
		}
		p.Close()
	})
	return &Fixture{Provider: p, Env: env, Envfile: ef, Network: n, Machine: m, Known: comm.OpenKnownHosts(st.KnownHostsPath())}
}

// fixtureDir is an empty directory named after the test and the checkout
// it runs in, the same on every run there, removed when the test ends.
// (Two checkouts testing at once do not destroy each other's machines.)
func fixtureDir(t *testing.T) string {
	wd, _ := os.Getwd()
	sum := sha256.Sum256([]byte(wd))
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()) + "-" + hex.EncodeToString(sum[:3])
	dir := filepath.Join(os.TempDir(), "envrun-providertest", name)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.RemoveAll(dir)
		os.Remove(filepath.Dir(dir)) // the last test to end removes it
	})
	return dir
}

// Dial connects to inst with the environment key, pinning first, as the
// engine does, the host key the provider reported: a provider that reports
// none (neither HostKey nor ReadHostKey) cannot be connected to.
func (f *Fixture) Dial(t *testing.T, ctx context.Context, inst *provider.Instance) *comm.Client {
	t.Helper()
	key := inst.HostKey
	if inst.ReadHostKey != nil {
		k, err := inst.ReadHostKey(ctx)
		if err != nil {
			t.Fatalf("read the host key of %s: %v", f.Machine.Name, err)
		}
		key = k
	}
	if key != nil {
		if err := f.Known.Pin(inst.Addr, key, f.Machine.Name, inst.ID); err != nil {
			t.Fatal(err)
		}
	}
	timeout := inst.SSHTimeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	c, err := comm.WaitDial(ctx, comm.Config{
		Machine: f.Machine.Name, Addr: inst.Addr, User: inst.User,
		Signer: f.Env.Key.Signer, HostKey: f.Known.Callback(f.Machine.Name),
	}, timeout)
	if err != nil {
		t.Fatalf("SSH to %s: %v", inst.Addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func state1(t *testing.T, ctx context.Context, p provider.Provider, name string) provider.MachineState {
	t.Helper()
	list, err := p.Machines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		if m.Name == name {
			return m
		}
	}
	return provider.MachineState{Name: name, State: provider.NotCreated}
}

// Run runs the whole suite.
func Run(t *testing.T, cfg Config) {
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	f := Open(t, ctx, cfg)
	p, m, n := f.Provider, f.Machine, f.Network

	if err := p.EnsureNetwork(ctx, n); err != nil {
		t.Fatalf("EnsureNetwork: %v", err)
	}
	if err := p.EnsureNetwork(ctx, n); err != nil {
		t.Fatalf("EnsureNetwork again (must adopt the existing network): %v", err)
	}
	other := *n
	other.Subnet = netip.MustParsePrefix("10.254.254.0/24")
	other.Gateway = netip.MustParseAddr("10.254.254.1")
	if err := p.EnsureNetwork(ctx, &other); err == nil || !strings.Contains(err.Error(), n.Name) {
		t.Errorf("EnsureNetwork with the same name and another subnet: got %v, want an error naming %q", err, n.Name)
	}

	inst, err := p.Up(ctx, m)
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
	if !inst.Created || !inst.Started {
		t.Errorf("first Up: Created=%v Started=%v, want both", inst.Created, inst.Started)
	}
	host, _, _ := net.SplitHostPort(inst.Addr)
	c := f.Dial(t, ctx, inst)
	out, err := c.Output(ctx, "hostname -f; ip -4 -o addr show", nil)
	if err != nil {
		t.Fatalf("run over SSH: %v", err)
	}
	if !strings.Contains(out, m.Hostname) {
		t.Errorf("hostname -f: %q does not contain %q", out, m.Hostname)
	}
	if !strings.Contains(out, m.IP().String()+"/24") {
		t.Errorf("addresses %q lack the static IP %s (SSH went to %s)", out, m.IP(), host)
	}
	c.Close()

	again, err := p.Up(ctx, m)
	if err != nil {
		t.Fatalf("second Up: %v", err)
	}
	if again.Created || again.Started || again.ID != inst.ID {
		t.Errorf("second Up on a running machine: Created=%v Started=%v ID %s→%s, want nothing done", again.Created, again.Started, inst.ID, again.ID)
	}
	if st := state1(t, ctx, p, m.Name); st.State != provider.Running || st.IP != m.IP().String() {
		t.Errorf("Machines: %+v, want running at %s", st, m.IP())
	}
	if nets, err := p.Networks(ctx); err != nil || len(nets) != 1 || nets[0].Name != n.Name {
		t.Errorf("Networks: %+v, %v; want [%s]", nets, err, n.Name)
	}

	if err := p.Halt(ctx, m.Name); err != nil {
		t.Fatalf("Halt: %v", err)
	}
	if st := state1(t, ctx, p, m.Name); st.State != provider.Stopped {
		t.Errorf("after Halt: state %s, want stopped", st.State)
	}
	if err := p.Halt(ctx, m.Name); err != nil {
		t.Errorf("Halt of a stopped machine: %v", err)
	}
	started, err := p.Up(ctx, m)
	if err != nil {
		t.Fatalf("Up after Halt: %v", err)
	}
	if started.Created || !started.Started || started.ID != inst.ID {
		t.Errorf("Up after Halt: Created=%v Started=%v ID %s→%s, want the same machine started", started.Created, started.Started, inst.ID, started.ID)
	}
	c = f.Dial(t, ctx, started)
	if _, err := c.Output(ctx, "true", nil); err != nil {
		t.Errorf("SSH after restart: %v", err)
	}
	c.Close()

	if err := p.Destroy(ctx, m.Name); err != nil {
		t.Fatalf("Destroy: %v", err)
	}
	if st := state1(t, ctx, p, m.Name); st.State != provider.NotCreated {
		t.Errorf("after Destroy: %+v", st)
	}
	if err := p.Destroy(ctx, m.Name); err != nil {
		t.Errorf("Destroy of a missing machine: %v", err)
	}
	if err := p.DestroyNetwork(ctx, n.Name); err != nil {
		t.Fatalf("DestroyNetwork: %v", err)
	}
	if nets, err := p.Networks(ctx); err != nil || len(nets) != 0 {
		t.Errorf("Networks after DestroyNetwork: %+v, %v", nets, err)
	}
	if err := p.DestroyNetwork(ctx, n.Name); err != nil {
		t.Errorf("DestroyNetwork of a missing network: %v", err)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// CheckDefaults fails t unless every key of the schema's table (a
// provider table: docker, libvirt, virtualbox) that declares a Default
// has that value in o, a provider's Options as it decoded a machine that
// did not give the key: the provider's effective defaults are the
// schema's, which the reference and the editor definitions show.
func CheckDefaults(t *testing.T, table string, o any) {
	t.Helper()
	st := reflect.ValueOf(o).Elem()
	fields := map[string]reflect.Value{}
	for i := 0; i < st.NumField(); i++ {
		if tag := st.Type().Field(i).Tag.Get("opt"); tag != "" && tag != "-" {
			fields[tag] = st.Field(i)
		}
	}
	n := 0
	for _, k := range spec.EnvfileSchema.Table(table).Keys {
		if k.Default == nil {
			continue
		}
		n++
		f, ok := fields[k.Name]
		if !ok {
			t.Errorf("%s.%s: the schema declares a default (%v), but %T has no field for the key", table, k.Name, k.Default, o)
			continue
		}
		if got := f.Interface(); !reflect.DeepEqual(got, k.Default) {
			t.Errorf("%s.%s: the provider's default is %#v, the schema's %#v", table, k.Name, got, k.Default)
		}
	}
	if n == 0 {
		t.Errorf("the schema's %s table declares no default: nothing was checked", table)
	}
}
