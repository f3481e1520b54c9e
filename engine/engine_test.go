package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/timing"
	"github.com/envrun/envrun/engine/ui"
)

// fakeProvider keeps machines in memory. It stands in for a backend in
// engine unit tests only; providers are proven against their real backends.
type fakeProvider struct {
	mu       sync.Mutex
	machines map[string]*provider.MachineState
	nets     map[string]bool
	ups      []string
	next     int
	failUp   map[string]bool
	// settle is the Instance.Settle Up gives a machine that was there
	// (inst is that instance).
	settle map[string]func(ctx context.Context, run func(context.Context, comm.Cmd) error, inst *provider.Instance) error
}

func newFake() *fakeProvider {
	return &fakeProvider{machines: map[string]*provider.MachineState{}, nets: map[string]bool{}, failUp: map[string]bool{}}
}

func (f *fakeProvider) Name() string { return "fake" }
func (f *fakeProvider) Close() error { return nil }

func (f *fakeProvider) EnsureNetwork(ctx context.Context, n *spec.Network) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nets[n.Name] = true
	return nil
}

func (f *fakeProvider) Up(ctx context.Context, m *spec.Machine) (*provider.Instance, error) {
	defer timing.Start(ctx, "create")()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ups = append(f.ups, m.Name)
	if f.failUp[m.Name] {
		return nil, errors.New("no room")
	}
	for _, a := range m.Networks {
		if !f.nets[a.Network] {
			return nil, fmt.Errorf("network %s not created before machine %s", a.Network, m.Name)
		}
	}
	inst := &provider.Instance{Addr: m.IP().String() + ":22", User: m.User}
	if st, ok := f.machines[m.Name]; ok {
		inst.ID = st.ID
		if st.State != provider.Running {
			st.State, inst.Started = provider.Running, true
		}
		if settle := f.settle[m.Name]; settle != nil {
			inst.Settle = func(ctx context.Context, run func(context.Context, comm.Cmd) error) error {
				return settle(ctx, run, inst)
			}
		}
		return inst, nil
	}
	f.next++
	inst.ID, inst.Created, inst.Started = fmt.Sprintf("id%d", f.next), true, true
	f.machines[m.Name] = &provider.MachineState{Name: m.Name, ID: inst.ID, State: provider.Running, IP: m.IP().String()}
	return inst, nil
}

func (f *fakeProvider) Halt(ctx context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if st, ok := f.machines[name]; ok {
		st.State = provider.Stopped
	}
	return nil
}

func (f *fakeProvider) Destroy(ctx context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.machines, name)
	return nil
}

func (f *fakeProvider) DestroyNetwork(ctx context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.nets, name)
	return nil
}

func (f *fakeProvider) Machines(ctx context.Context) ([]provider.MachineState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []provider.MachineState
	for _, m := range f.machines {
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b provider.MachineState) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (f *fakeProvider) Networks(ctx context.Context) ([]provider.NetworkState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []provider.NetworkState
	for n := range f.nets {
		out = append(out, provider.NetworkState{Name: n})
	}
	return out, nil
}

// fakeConn records the commands a machine was sent.
type fakeConn struct {
	machine string
	log     *cmdLog
}

type cmdLog struct {
	mu   sync.Mutex
	cmds []string // "machine: command"
	fail map[string]bool
}

func (c *fakeConn) Run(ctx context.Context, cmd comm.Cmd) error {
	if cmd.Label == interfacesLabel {
		return nil // asked of every machine connected to: not a step
	}
	c.log.mu.Lock()
	defer c.log.mu.Unlock()
	c.log.cmds = append(c.log.cmds, c.machine+": "+cmd.Command)
	if c.log.fail[c.machine] {
		return &comm.ExitError{Cmd: cmd.Command, Status: 1, Stderr: "step broke"}
	}
	return nil
}

func (c *fakeConn) Upload(ctx context.Context, src, dst string) error {
	c.log.mu.Lock()
	defer c.log.mu.Unlock()
	c.log.cmds = append(c.log.cmds, c.machine+": upload "+dst)
	return nil
}

func (c *fakeConn) UploadTree(ctx context.Context, src, dst string, opts comm.UploadOptions) error {
	if opts.Changed != nil {
		c.log.mu.Lock()
		c.log.cmds = append(c.log.cmds, fmt.Sprintf("%s: changed %q", c.machine, opts.Changed))
		c.log.mu.Unlock()
	}
	return c.Upload(ctx, src, dst)
}

func (c *fakeConn) Close() error { return nil }

func (l *cmdLog) count(machine string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.cmds {
		if strings.HasPrefix(c, machine+": ") {
			n++
		}
	}
	return n
}

func testEnvfile(dir string) *spec.Envfile {
	p := netip.MustParsePrefix("10.77.0.0/24")
	pos := spec.Pos{File: "Envfile.lua", Line: 1}
	shell := func(name string) spec.Step {
		return &spec.Shell{StepInfo: spec.StepInfo{Kind: "shell", Name: name, Pos: pos}, Inline: "true"}
	}
	mk := func(name, ip string, deps ...string) *spec.Machine {
		return &spec.Machine{Name: name, Hostname: name, User: "vagrant", Pos: pos, DependsOn: deps,
			Networks: []spec.Attachment{{Network: "n", IP: netip.MustParseAddr(ip)}},
			Steps:    []spec.Step{shell("shell#1"), shell("shell#2")}}
	}
	return &spec.Envfile{
		Path: filepath.Join(dir, "Envfile.lua"), Dir: dir,
		Networks: []*spec.Network{{Name: "n", Subnet: p, Gateway: p.Addr().Next(), Pos: pos}},
		Machines: []*spec.Machine{mk("a", "10.77.0.10"), mk("b", "10.77.0.11"), mk("c", "10.77.0.12", "a")},
	}
}

func newTestEnv(t *testing.T, ef *spec.Envfile, fp *fakeProvider, log *cmdLog) *Env {
	t.Helper()
	d := &provider.Driver{
		Name:      "fake",
		Available: func(context.Context) error { return nil },
		Open:      func(context.Context, provider.Env) (provider.Provider, error) { return fp, nil },
	}
	e, err := New(context.Background(), ef, Options{Drivers: []*provider.Driver{d}, Parallel: 4})
	if err != nil {
		t.Fatal(err)
	}
	e.dial = func(ctx context.Context, cfg comm.Config, _ time.Duration) (Conn, error) {
		return &fakeConn{machine: cfg.Machine, log: log}, nil
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func TestUpProvisionsOnceThenNothing(t *testing.T) {
	ef := testEnvfile(t.TempDir())
	fp, log := newFake(), &cmdLog{}
	e := newTestEnv(t, ef, fp, log)
	if _, err := e.Walk(context.Background(), PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"a", "b", "c"} {
		if n := log.count(m); n != 2 {
			t.Errorf("%s ran %d steps, want 2", m, n)
		}
	}
	// A second up, in a new process (a new Env on the same state), runs
	// no step.
	e2 := newTestEnv(t, ef, fp, log)
	if _, err := e2.Walk(context.Background(), PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := log.count("a"); n != 2 {
		t.Errorf("second up re-ran a's steps (%d commands)", n)
	}
	// provision runs them again; --no-provision never.
	if _, err := e2.Walk(context.Background(), PlanOptions{Machines: []string{"b"}, Provision: ProvisionForce, Existing: true}); err != nil {
		t.Fatal(err)
	}
	if log.count("b") != 4 || log.count("a") != 2 {
		t.Errorf("provision b: a=%d b=%d commands, want 2 and 4", log.count("a"), log.count("b"))
	}
	// A machine made anew (destroyed outside envrun) is provisioned again.
	fp.Destroy(context.Background(), "c")
	if _, err := e2.Walk(context.Background(), PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	if log.count("c") != 4 {
		t.Errorf("recreated c ran %d commands in all, want 4", log.count("c"))
	}
}

// --timings lists every node that ran, in graph order, with a machine's
// phases (the provider's, then the SSH wait) below it; barrier nodes are
// left out.
func TestTimingsShowMachinePhasesAndSteps(t *testing.T) {
	ef := testEnvfile(t.TempDir())
	e := newTestEnv(t, ef, newFake(), &cmdLog{})
	var out bytes.Buffer
	e.UI = ui.New(&out, ui.Normal)
	rep, err := e.Walk(context.Background(), PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e.Summary(rep, time.Second, true)
	got := out.String()
	var order []int
	for _, want := range []string{"timings:", "network:n", "machine:a", "create ", "SSH wait ", "a/shell#1", "a/shell#2", "machine:b", "machine:c", "c/shell#2", "envrun: ok: 3 machine(s)"} {
		i := strings.Index(got, want)
		if i < 0 {
			t.Fatalf("timings lack %q:\n%s", want, got)
		}
		order = append(order, i)
	}
	if !slices.IsSorted(order) {
		t.Errorf("timings out of graph order:\n%s", got)
	}
	if strings.Contains(got, "/done") {
		t.Errorf("timings show barrier nodes:\n%s", got)
	}
}

func TestUpFailureSkipsDependentsOnly(t *testing.T) {
	ef := testEnvfile(t.TempDir())
	fp, log := newFake(), &cmdLog{fail: map[string]bool{"a": true}}
	e := newTestEnv(t, ef, fp, log)
	rep, err := e.Walk(context.Background(), PlanOptions{})
	if err == nil {
		t.Fatal("a failing step did not fail the walk")
	}
	want := map[string]graph.Status{
		"network:n": graph.OK, "machine:a": graph.OK, "a/shell#1": graph.Failed, "a/shell#2": graph.Skipped,
		"a/done": graph.Skipped, "machine:c": graph.Skipped, "c/done": graph.Skipped,
		"machine:b": graph.OK, "b/shell#2": graph.OK, "b/done": graph.OK,
	}
	for id, st := range want {
		if got := rep.Result(id).Status; got != st {
			t.Errorf("%s: %s, want %s", id, got, st)
		}
	}
	if c := rep.Result("machine:c").Cause; c != "a/shell#1" {
		t.Errorf("c skipped because of %q", c)
	}
	if !strings.Contains(err.Error(), `Envfile.lua:1: shell step "shell#1": command "true" failed: exit status 1: step broke`) {
		t.Errorf("error = %v", err)
	}
	// The failed machine is provisioned on the next up; the others not.
	log.fail = nil
	if _, err := e.Walk(context.Background(), PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	if log.count("a") != 3 || log.count("b") != 2 || log.count("c") != 2 {
		t.Errorf("after a fixed up: a=%d b=%d c=%d, want 3 2 2", log.count("a"), log.count("b"), log.count("c"))
	}
}

func TestPlanSelectsDependencies(t *testing.T) {
	ef := testEnvfile(t.TempDir())
	e := newTestEnv(t, ef, newFake(), &cmdLog{})
	g, err := e.Plan(PlanOptions{Machines: []string{"c"}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, n := range g.Nodes() {
		ids = append(ids, n.ID())
	}
	got := strings.Join(ids, " ")
	want := "network:n machine:a a/shell#1 a/shell#2 a/done machine:c c/shell#1 c/shell#2 c/done"
	if got != want {
		t.Errorf("plan for c:\n%s\nwant:\n%s", got, want)
	}
	if !slices.Contains(g.Deps("machine:c"), "a/done") {
		t.Errorf("machine:c waits for %v, want a/done (depends_on)", g.Deps("machine:c"))
	}
	if _, err := e.Plan(PlanOptions{Machines: []string{"zz"}}); err == nil {
		t.Error("an unknown machine name was accepted")
	}
}

func TestDestroyAllRemovesNetworksAndState(t *testing.T) {
	ef := testEnvfile(t.TempDir())
	fp := newFake()
	e := newTestEnv(t, ef, fp, &cmdLog{})
	if _, err := e.Walk(context.Background(), PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	// An orphan: a machine of this environment the Envfile no longer names.
	fp.machines["old"] = &provider.MachineState{Name: "old", ID: "x", State: provider.Running}
	rows, err := e.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if last := rows[len(rows)-1]; last.Name != "old" || !last.Orphan {
		t.Errorf("status does not list the orphan: %+v", rows)
	}
	if err := e.Destroy(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if len(fp.machines) != 0 || len(fp.nets) != 0 {
		t.Errorf("left %v and %v", fp.machines, fp.nets)
	}
	if e.cache.provisioned("a", "id1") {
		t.Error("the cache survived destroy")
	}
}

// An up cut off after the networks were made, before any machine was,
// leaves the environment on that provider: a later command that names no
// provider (destroy) must go there, not to the first available one.
func TestProviderRememberedOnceANetworkExists(t *testing.T) {
	ef := testEnvfile(t.TempDir())
	fp := newFake()
	for _, m := range ef.Machines {
		fp.failUp[m.Name] = true
	}
	e := newTestEnv(t, ef, fp, &cmdLog{})
	if _, err := e.Walk(context.Background(), PlanOptions{}); err == nil {
		t.Fatal("the walk succeeded with every Up failing")
	}
	if !fp.nets["n"] {
		t.Fatal("the network was not made")
	}
	first := &provider.Driver{Name: "first", Available: func(context.Context) error { return nil }}
	fake := &provider.Driver{Name: "fake", Open: func(context.Context, provider.Env) (provider.Provider, error) { return fp, nil }}
	e2, err := New(context.Background(), ef, Options{Drivers: []*provider.Driver{first, fake}})
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if e2.Driver.Name != "fake" || e2.ProviderSource != "the environment's state" {
		t.Errorf("chose %s (from %s), want fake from the environment's state", e2.Driver.Name, e2.ProviderSource)
	}
}

// TestSettle: what a provider leaves for the guest once connected
// (Instance.Settle) runs before the machine's steps, on its connection; a
// Settle that fails fails the machine, its steps not run.
func TestSettle(t *testing.T) {
	fp, log := newFake(), &cmdLog{}
	e := newTestEnv(t, testEnvfile(t.TempDir()), fp, log)
	ctx := context.Background()
	if _, err := e.Walk(ctx, PlanOptions{Machines: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.Halt(ctx, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	fail := false
	fp.settle = map[string]func(context.Context, func(context.Context, comm.Cmd) error, *provider.Instance) error{
		"a": func(ctx context.Context, run func(context.Context, comm.Cmd) error, _ *provider.Instance) error {
			if err := run(ctx, comm.Cmd{Command: "remount"}); err != nil {
				return err
			}
			if fail {
				return errors.New("metadata not recorded")
			}
			return nil
		},
	}
	log.cmds = nil
	if _, err := e.Walk(ctx, PlanOptions{Machines: []string{"a"}, Provision: ProvisionForce}); err != nil {
		t.Fatal(err)
	}
	if len(log.cmds) != 3 || log.cmds[0] != "a: remount" {
		t.Errorf("ran %q, want the settle's command, then the two steps", log.cmds)
	}
	if err := e.Halt(ctx, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	fail, log.cmds = true, nil
	if _, err := e.Walk(ctx, PlanOptions{Machines: []string{"a"}, Provision: ProvisionForce}); err == nil || !strings.Contains(err.Error(), "metadata not recorded") {
		t.Errorf("a failed Settle: %v, want its error", err)
	}
	if got := strings.Join(log.cmds, "; "); got != "a: remount" {
		t.Errorf("after a failed Settle, ran %q", got)
	}
	// The next up of the running, provisioned machine tries again.
	fail, log.cmds = false, nil
	if _, err := e.Walk(ctx, PlanOptions{Machines: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(log.cmds, "; "); got != "a: remount" {
		t.Errorf("the up after a failed Settle ran %q, want the settle again", got)
	}
}

// A Settle that moves the machine's sshd (libvirt: a reload's ssh.port):
// the engine pins the machine's key at the new address, and the machine's
// steps go over a connection to it.
func TestSettleMovesSSH(t *testing.T) {
	fp, log := newFake(), &cmdLog{}
	e := newTestEnv(t, testEnvfile(t.TempDir()), fp, log)
	var mu sync.Mutex
	var dials []string
	e.dial = func(ctx context.Context, cfg comm.Config, _ time.Duration) (Conn, error) {
		mu.Lock()
		dials = append(dials, cfg.Machine+" "+cfg.Addr)
		mu.Unlock()
		return &fakeConn{machine: cfg.Machine, log: log}, nil
	}
	ctx := context.Background()
	if _, err := e.Walk(ctx, PlanOptions{Machines: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.Halt(ctx, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	_, key, err := comm.NewHostKey()
	if err != nil {
		t.Fatal(err)
	}
	fp.settle = map[string]func(context.Context, func(context.Context, comm.Cmd) error, *provider.Instance) error{
		"a": func(ctx context.Context, run func(context.Context, comm.Cmd) error, inst *provider.Instance) error {
			if err := run(ctx, comm.Cmd{Command: "move sshd"}); err != nil {
				return err
			}
			host, _, _ := net.SplitHostPort(inst.Addr)
			inst.Addr, inst.HostKey = net.JoinHostPort(host, "2200"), key
			return nil
		},
	}
	mu.Lock()
	dials = nil
	mu.Unlock()
	log.cmds = nil
	if _, err := e.Walk(ctx, PlanOptions{Machines: []string{"a"}, Provision: ProvisionForce}); err != nil {
		t.Fatal(err)
	}
	ip := e.Spec.Machine("a").IP().String()
	if want := []string{"a " + ip + ":22", "a " + ip + ":2200"}; !slices.Equal(dials, want) {
		t.Errorf("dialled %q, want %q: the old port for the settle, the new for the steps", dials, want)
	}
	if len(log.cmds) != 3 || log.cmds[0] != "a: move sshd" {
		t.Errorf("ran %q, want the settle's command, then the two steps", log.cmds)
	}
	pinned, ok, err := e.known.Lookup(ip + ":2200")
	if err != nil || !ok || pinned.Machine != "a" || string(pinned.Key.Marshal()) != string(key.Marshal()) {
		t.Errorf("the key pinned at the new address: %+v, %v, %v", pinned, ok, err)
	}
}
