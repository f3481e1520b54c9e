package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/pause"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provision"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/timing"
	"github.com/envrun/envrun/engine/ui"
)

// ProvisionMode says when machine steps run.
type ProvisionMode int

const (
	ProvisionAuto  ProvisionMode = iota // when a machine is new or never finished them
	ProvisionNone                       // never (--no-provision)
	ProvisionForce                      // always (`envrun provision`)
)

// PlanOptions shape a plan.
type PlanOptions struct {
	// Machines limits the plan to these machines and what they depend on;
	// empty means all. Global steps are planned only when every machine
	// they cover is in the plan.
	Machines  []string
	Provision ProvisionMode
	// Existing plans for machines that already run: they are not created
	// (`envrun provision`).
	Existing bool
	// Steps, when not empty, plans a partial run (`envrun watch`): exactly
	// these steps, each on its running machine, then the global steps that
	// declare `after` on one of them — those only, not the steps after
	// those in turn (a step that should follow a change further up the
	// chain names that step in its `after` too). Planned steps keep the
	// order `up` gives them: a machine's steps their Envfile order, a
	// global step after the planned steps of its hosts and after the
	// planned global steps it follows through `after`, directly or not.
	// No network is touched, no machine made, and nothing else runs:
	// Machines, Provision and Existing are ignored.
	Steps []StepRef
}

// StepRef names a step: one of a machine's (Machine set) or a global one
// (Machine empty).
type StepRef struct {
	Machine string
	Step    string
}

func (r StepRef) String() string {
	if r.Machine == "" {
		return r.Step
	}
	return r.Machine + "/" + r.Step
}

// StepOf returns the step a graph node runs, if it runs one.
func StepOf(n graph.Node) (StepRef, bool) {
	switch n := n.(type) {
	case *stepNode:
		return StepRef{Machine: n.run.m.Name, Step: n.s.Info().Name}, true
	case *globalNode:
		return StepRef{Step: n.s.Info().Name}, true
	}
	return StepRef{}, false
}

// Node IDs, as they appear in `envrun graph` and in summaries.
func networkID(name string) string       { return "network:" + name }
func machineID(name string) string       { return "machine:" + name }
func stepID(machine, step string) string { return machine + "/" + step }
func doneID(machine string) string       { return machine + "/done" }
func globalID(kind, name string) string  { return kind + ":" + name }

// Select returns the named machines and, transitively, the machines they
// depend on, in Envfile order. Unknown names are a usage error.
func (e *Env) Select(names []string) ([]*spec.Machine, error) {
	if len(names) == 0 {
		return e.Spec.Machines, nil
	}
	want := map[string]bool{}
	var add func(string)
	add = func(n string) {
		if want[n] {
			return
		}
		want[n] = true
		for _, d := range e.Spec.Machine(n).DependsOn {
			add(d)
		}
	}
	for _, n := range names {
		if e.Spec.Machine(n) == nil {
			return nil, &UsageError{fmt.Errorf("no machine %q in %s%s", n, e.Spec.Path, spec.DidYouMean(n, e.Spec.MachineNames()))}
		}
		add(n)
	}
	var out []*spec.Machine
	for _, m := range e.Spec.Machines {
		if want[m.Name] {
			out = append(out, m)
		}
	}
	return out, nil
}

// Plan builds the dependency graph. It needs no backend: `envrun graph`
// shows it without touching anything.
func (e *Env) Plan(opts PlanOptions) (*graph.Graph, error) {
	if len(opts.Steps) > 0 {
		return e.planSteps(opts.Steps)
	}
	machines, err := e.Select(opts.Machines)
	if err != nil {
		return nil, err
	}
	g := graph.New()
	p := &plan{e: e, opts: opts, runs: map[string]*machineRun{}}
	inPlan := map[string]bool{}
	usedNets := map[string]bool{}
	for _, m := range machines {
		inPlan[m.Name] = true
		for _, a := range m.Networks {
			usedNets[a.Network] = true
		}
	}
	if !opts.Existing {
		for _, n := range e.Spec.Networks {
			if usedNets[n.Name] {
				g.Add(&networkNode{p: p, n: n})
			}
		}
	}
	for _, m := range machines {
		run := &machineRun{m: m}
		p.runs[m.Name] = run
		g.Add(&machineNode{p: p, run: run})
		if !opts.Existing {
			for _, a := range m.Networks {
				g.Connect(networkID(a.Network), machineID(m.Name))
			}
		}
		prev := machineID(m.Name)
		if opts.Provision != ProvisionNone {
			for _, s := range m.Steps {
				n := &stepNode{p: p, run: run, s: s}
				g.Add(n)
				g.Connect(prev, n.ID())
				prev = n.ID()
			}
		}
		g.Add(&doneNode{p: p, run: run})
		g.Connect(prev, doneID(m.Name))
	}
	// depends_on: a machine starts once what it depends on is provisioned.
	for _, m := range machines {
		for _, d := range m.DependsOn {
			g.Connect(doneID(d), machineID(m.Name))
		}
	}
	if opts.Provision != ProvisionNone {
		planned := map[string]bool{}
		for _, s := range e.Spec.Steps {
			hosts := globalHosts(s)
			if !allIn(hosts, inPlan) {
				continue
			}
			n := &globalNode{p: p, s: s}
			g.Add(n)
			planned[s.Info().Name] = true
			for _, h := range hosts {
				g.Connect(doneID(h), n.ID())
			}
		}
		for _, s := range e.Spec.Steps {
			if a, ok := s.(*spec.Ansible); ok && planned[a.Name] {
				for _, dep := range a.After {
					if dn := e.Spec.Step(dep); dn != nil && planned[dep] {
						g.Connect(globalID(dn.Info().Kind, dep), globalID(a.Kind, a.Name))
					}
				}
			}
		}
	}
	if err := g.Check(); err != nil {
		return nil, err
	}
	return g, nil
}

// planSteps plans a partial run: see PlanOptions.Steps.
func (e *Env) planSteps(refs []StepRef) (*graph.Graph, error) {
	want := map[StepRef]bool{}
	for _, r := range refs {
		if err := e.checkRef(r); err != nil {
			return nil, err
		}
		want[r] = true
	}
	// Global steps that declare `after` on an asked global step follow
	// it; not the steps after those (see PlanOptions.Steps).
	for _, s := range e.Spec.Steps {
		a, ok := s.(*spec.Ansible)
		if !ok {
			continue
		}
		for _, dep := range a.After {
			if slices.Contains(refs, StepRef{Step: dep}) {
				want[StepRef{Step: a.Name}] = true
				break
			}
		}
	}
	// The machines involved: those with a planned step, and the hosts of
	// planned global steps.
	involved := map[string]bool{}
	for r := range want {
		if r.Machine != "" {
			involved[r.Machine] = true
			continue
		}
		for _, h := range globalHosts(e.Spec.Step(r.Step)) {
			involved[h] = true
		}
	}
	g := graph.New()
	p := &plan{e: e, opts: PlanOptions{Steps: refs, Provision: ProvisionForce, Existing: true}, runs: map[string]*machineRun{}}
	last := map[string]string{} // machine → ID of its last planned node
	for _, m := range e.Spec.Machines {
		if !involved[m.Name] {
			continue
		}
		run := &machineRun{m: m}
		p.runs[m.Name] = run
		g.Add(&machineNode{p: p, run: run})
		prev := machineID(m.Name)
		for _, s := range m.Steps {
			if want[StepRef{Machine: m.Name, Step: s.Info().Name}] {
				n := &stepNode{p: p, run: run, s: s}
				g.Add(n)
				g.Connect(prev, n.ID())
				prev = n.ID()
			}
		}
		last[m.Name] = prev
	}
	for _, s := range e.Spec.Steps {
		if !want[StepRef{Step: s.Info().Name}] {
			continue
		}
		n := &globalNode{p: p, s: s}
		g.Add(n)
		for _, h := range globalHosts(s) {
			g.Connect(last[h], n.ID())
		}
	}
	// The order of `up` among the planned global steps: each waits for
	// the planned steps it follows through `after`, directly or through
	// steps left out of this run (the after graph has no cycles:
	// Validate).
	for _, s := range e.Spec.Steps {
		if !want[StepRef{Step: s.Info().Name}] {
			continue
		}
		for _, dep := range e.afterClosure(s) {
			if want[StepRef{Step: dep}] {
				g.Connect(globalID(e.Spec.Step(dep).Info().Kind, dep), globalID(s.Info().Kind, s.Info().Name))
			}
		}
	}
	if err := g.Check(); err != nil {
		return nil, err
	}
	return g, nil
}

// afterClosure lists the global steps s follows through `after`, directly
// or not, each once.
func (e *Env) afterClosure(s spec.Step) []string {
	var out []string
	var visit func(spec.Step)
	visit = func(s spec.Step) {
		a, ok := s.(*spec.Ansible)
		if !ok {
			return
		}
		for _, dep := range a.After {
			if d := e.Spec.Step(dep); d != nil && !slices.Contains(out, dep) {
				out = append(out, dep)
				visit(d)
			}
		}
	}
	visit(s)
	return out
}

// checkRef fails unless r names a step of the Envfile.
func (e *Env) checkRef(r StepRef) error {
	if r.Machine == "" {
		if e.Spec.Step(r.Step) == nil {
			return &UsageError{fmt.Errorf("no global step %q in %s", r.Step, e.Spec.Path)}
		}
		return nil
	}
	m := e.Spec.Machine(r.Machine)
	if m == nil {
		return &UsageError{fmt.Errorf("no machine %q in %s%s", r.Machine, e.Spec.Path, spec.DidYouMean(r.Machine, e.Spec.MachineNames()))}
	}
	var names []string
	for _, s := range m.Steps {
		if s.Info().Name == r.Step {
			return nil
		}
		names = append(names, s.Info().Name)
	}
	return &UsageError{fmt.Errorf("machine %q has no step %q%s", r.Machine, r.Step, spec.DidYouMean(r.Step, names))}
}

// plannedMachines lists the machines a plan brings up or runs steps on.
func plannedMachines(g *graph.Graph) []string {
	var out []string
	for _, n := range g.Nodes() {
		if m, ok := n.(*machineNode); ok {
			out = append(out, m.run.m.Name)
		}
	}
	return out
}

func globalHosts(s spec.Step) []string {
	if a, ok := s.(*spec.Ansible); ok {
		return a.Hosts
	}
	return nil
}

func allIn(names []string, set map[string]bool) bool {
	for _, n := range names {
		if !set[n] {
			return false
		}
	}
	return true
}

// plan is the shared state of one walk.
type plan struct {
	e    *Env
	opts PlanOptions
	runs map[string]*machineRun
}

// machineRun is what a walk learns about one machine.
type machineRun struct {
	m *spec.Machine

	mu        sync.Mutex
	inst      *provider.Instance
	provision bool // its steps run in this walk
	done      bool // they all ran in this walk
}

func (r *machineRun) state() (*provider.Instance, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.inst, r.provision
}

type networkNode struct {
	p *plan
	n *spec.Network
}

func (n *networkNode) ID() string { return networkID(n.n.Name) }

func (n *networkNode) Execute(ctx context.Context) error {
	e := n.p.e
	if err := e.prov.EnsureNetwork(ctx, n.n); err != nil {
		return err
	}
	// From now on the environment exists on this provider: a later command
	// that names none (destroy after an interrupted up) must find it.
	return e.cache.update(func(d *cacheData) { d.Provider = e.Driver.Name })
}

type machineNode struct {
	p   *plan
	run *machineRun
	// phases are where its time went (the provider's calls, the SSH
	// wait), for --timings.
	phases timing.Recorder
}

func (n *machineNode) ID() string { return machineID(n.run.m.Name) }

func (n *machineNode) Execute(ctx context.Context) error {
	e, m := n.p.e, n.run.m
	e.observePhases(n)
	ctx = timing.With(ctx, &n.phases)
	t0 := time.Now()
	if inst, ok := e.liveInstance(m.Name); ok && len(n.p.opts.Steps) > 0 {
		// A partial run (envrun watch) on a machine whose connection
		// lasts: it runs as it was when connected, and asking the backend
		// again would only slow the re-run down.
		n.run.mu.Lock()
		n.run.inst, n.run.provision = inst, true
		n.run.mu.Unlock()
		e.UI.Debugf(m.Name, "connected already")
		return nil
	}
	inst, err := e.prov.Up(ctx, m)
	if err != nil {
		return err
	}
	if err := e.pin(m, inst); err != nil {
		return err
	}
	var run bool
	switch n.p.opts.Provision {
	case ProvisionForce:
		run = true
	case ProvisionAuto:
		run = inst.Created || !e.cache.provisioned(m.Name, inst.ID)
	}
	n.run.mu.Lock()
	n.run.inst, n.run.provision = inst, run
	n.run.mu.Unlock()
	if inst.Created {
		e.forgetConn(m.Name)
		if err := e.cache.update(func(d *cacheData) {
			d.Provider = e.Driver.Name
			d.Machines[m.Name] = machineCache{ID: inst.ID}
		}); err != nil {
			return err
		}
	}
	if !inst.Started && !run {
		e.UI.Debugf(m.Name, "running, nothing to do")
		return nil
	}
	if err := pause.At(ctx, "ssh-wait:"+m.Name); err != nil {
		return err
	}
	if _, err := e.connect(ctx, m, inst); err != nil {
		return err
	}
	what := "up"
	if inst.Created {
		what = "created"
	} else if inst.Started {
		what = "started"
	}
	if len(n.p.opts.Steps) > 0 && what == "up" {
		// A partial run on a running machine: nothing worth a line.
		e.UI.Debugf(m.Name, "up, SSH ready at %s (%s)", inst.Addr, time.Since(t0).Round(time.Millisecond))
		return nil
	}
	e.UI.Infof(m.Name, "%s, SSH ready at %s (%.1fs)", what, inst.Addr, time.Since(t0).Seconds())
	return nil
}

type stepNode struct {
	p   *plan
	run *machineRun
	s   spec.Step
}

func (n *stepNode) ID() string { return stepID(n.run.m.Name, n.s.Info().Name) }

func (n *stepNode) Execute(ctx context.Context) error {
	inst, run := n.run.state()
	if !run {
		return nil
	}
	e, m, info := n.p.e, n.run.m, n.s.Info()
	ctx, cancel := context.WithTimeoutCause(ctx, info.EffectiveTimeout(), errStepTimeout)
	defer cancel()
	c, err := e.connect(ctx, m, inst)
	if err != nil {
		return err
	}
	e.UI.Infof(m.Name, "[%s] %s", info.Name, stepSummary(n.s))
	stdout := e.UI.Writer(m.Name, ui.Normal)
	stderr := e.UI.Writer(m.Name, ui.Normal)
	defer stdout.Close()
	defer stderr.Close()
	err = provision.Run(ctx, n.s, m, c, provision.Output{
		Stdout: stdout, Stderr: stderr, Interfaces: e.cache.interfaces(m.Name, inst.ID),
		Debugf: func(f string, a ...any) { e.UI.Debugf(m.Name, f, a...) },
		Warnf:  func(f string, a ...any) { e.UI.Warnf(m.Name, f, a...) },
	})
	return stepError(ctx, info, err)
}

var errStepTimeout = errors.New("step timed out")

// stepError places a step's failure at the step's position.
func stepError(ctx context.Context, info *spec.StepInfo, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(context.Cause(ctx), errStepTimeout) {
		err = fmt.Errorf("timed out after %s (set the step's timeout to allow longer)", info.EffectiveTimeout())
	}
	return fmt.Errorf("%s: %s step %q: %w", info.Pos, info.Kind, info.Name, err)
}

func stepSummary(s spec.Step) string {
	switch s := s.(type) {
	case *spec.Shell:
		if s.Path != "" {
			return "shell " + s.Path
		}
		first, _, _ := strings.Cut(strings.TrimSpace(s.Inline), "\n")
		return "shell: " + first
	case *spec.File:
		return fmt.Sprintf("file %s → %s", s.Source, s.Destination)
	case *spec.Hook:
		return "Lua hook at " + s.Pos.String()
	case *spec.Ansible:
		return "ansible-playbook " + s.Playbook
	}
	return s.Info().Kind
}

type doneNode struct {
	p   *plan
	run *machineRun
}

func (n *doneNode) ID() string { return doneID(n.run.m.Name) }

func (n *doneNode) Execute(ctx context.Context) error {
	inst, run := n.run.state()
	if !run {
		return nil
	}
	n.run.mu.Lock()
	n.run.done = true
	n.run.mu.Unlock()
	m := n.run.m
	return n.p.e.cache.update(func(d *cacheData) {
		d.Provider = n.p.e.Driver.Name
		mc := d.Machines[m.Name]
		if mc.ID != inst.ID {
			mc = machineCache{ID: inst.ID}
		}
		mc.Provisioned = true
		d.Machines[m.Name] = mc
	})
}

type globalNode struct {
	p *plan
	s spec.Step
}

func (n *globalNode) ID() string { return globalID(n.s.Info().Kind, n.s.Info().Name) }

func (n *globalNode) Execute(ctx context.Context) error {
	e, info := n.p.e, n.s.Info()
	hosts := map[string]string{}
	var runs []*machineRun
	fresh := false
	for _, h := range globalHosts(n.s) {
		run := n.p.runs[h]
		runs = append(runs, run)
		run.mu.Lock()
		hosts[h] = run.inst.ID
		fresh = fresh || run.done
		run.mu.Unlock()
	}
	if n.p.opts.Provision == ProvisionAuto && !fresh && e.cache.stepDone(info.Name, hosts) {
		e.UI.Debugf("", "%s %q: already ran over these machines", info.Kind, info.Name)
		return nil
	}
	ctx, cancel := context.WithTimeoutCause(ctx, info.EffectiveTimeout(), errStepTimeout)
	defer cancel()
	e.UI.Infof(info.Name, "%s", stepSummary(n.s))
	if err := stepError(ctx, info, e.runGlobal(ctx, n.s, runs)); err != nil {
		return err
	}
	return e.cache.update(func(d *cacheData) { d.Steps[info.Name] = stepCache{Hosts: hosts} })
}

// pin records the host key the backend reports for a machine. A key the
// backend reports for an instance other than the pinned one replaces the
// pin (the machine was made anew); for the same instance it must match.
func (e *Env) pin(m *spec.Machine, inst *provider.Instance) error {
	if inst.HostKey == nil {
		return nil
	}
	pinned, ok, err := e.known.Lookup(inst.Addr)
	if err != nil {
		return err
	}
	if ok && pinned.ID == inst.ID && pinned.Machine == m.Name {
		if string(pinned.Key.Marshal()) != string(inst.HostKey.Marshal()) {
			return &comm.HostKeyChangedError{Machine: m.Name, Addr: inst.Addr, Want: pinned.Key, Got: inst.HostKey, File: e.known.Path()}
		}
		return nil
	}
	return e.known.Pin(inst.Addr, inst.HostKey, m.Name, inst.ID)
}

// Conn is a connection to a running machine: what steps run on.
// *comm.Client is the real one.
type Conn interface {
	provision.Target
	Close() error
}

// dialSSH waits for the machine's SSH and connects.
func dialSSH(ctx context.Context, cfg comm.Config, timeout time.Duration) (Conn, error) {
	c, err := comm.WaitDial(ctx, cfg, timeout)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// machineConn is the one SSH connection to a machine, dialled on first use.
type machineConn struct {
	mu     sync.Mutex
	inst   *provider.Instance // what client was dialled for
	client Conn
}

// ended reports whether c's connection has ended (a Conn that cannot tell
// is taken as alive).
func ended(c Conn) bool {
	d, ok := c.(interface{ Done() <-chan struct{} })
	if !ok {
		return false
	}
	select {
	case <-d.Done():
		return true
	default:
		return false
	}
}

// liveInstance returns the instance of the machine's connection while that
// connection lasts: the machine runs as it was when dialled.
func (e *Env) liveInstance(name string) (*provider.Instance, bool) {
	e.mu.Lock()
	mc, ok := e.conns[name]
	e.mu.Unlock()
	if !ok {
		return nil, false
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if mc.client == nil || ended(mc.client) {
		return nil, false
	}
	return mc.inst, true
}

func (c *machineConn) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.client != nil {
		c.client.Close()
		c.client = nil
	}
}

// sshTimeout bounds the wait for a machine's SSH after it starts.
const sshTimeout = 2 * time.Minute

// connect returns the machine's connection, dialling (and waiting for SSH)
// on first use. One connection serves all the machine's steps.
func (e *Env) connect(ctx context.Context, m *spec.Machine, inst *provider.Instance) (Conn, error) {
	e.mu.Lock()
	mc, ok := e.conns[m.Name]
	if !ok {
		mc = &machineConn{}
		e.conns[m.Name] = mc
	}
	e.mu.Unlock()
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if mc.client != nil && mc.inst.ID == inst.ID && !ended(mc.client) {
		return mc.client, nil
	}
	if mc.client != nil {
		mc.client.Close()
		mc.client = nil
	}
	timeout := inst.SSHTimeout
	if timeout <= 0 {
		timeout = sshTimeout
	}
	route, err := e.Route(ctx)
	if err != nil {
		return nil, err
	}
	end := timing.Start(ctx, "SSH wait")
	c, err := e.dial(ctx, comm.Config{
		Machine:   m.Name,
		Addr:      inst.Addr,
		User:      inst.User,
		Signer:    e.key.Signer,
		HostKey:   e.known.Callback(m.Name),
		Keepalive: e.keepalive,
		Via:       e.via(route, m.Name, inst.Addr),
	}, timeout)
	if err != nil {
		return nil, e.withConsole(m.Name, err)
	}
	e.UI.Debugf(m.Name, "SSH connected to %s in %s", inst.Addr, end().Round(time.Millisecond))
	mc.client, mc.inst = c, inst
	e.learnInterfaces(ctx, m, inst.ID, c)
	return c, nil
}

// withConsole adds the last lines of the machine's console log to an SSH
// wait that timed out, when the provider keeps one.
func (e *Env) withConsole(name string, err error) error {
	var wait *comm.WaitError
	con, ok := e.prov.(provider.Console)
	if !ok || !errors.As(err, &wait) {
		return err
	}
	return provider.WithConsole(con, name, err)
}

func (e *Env) forgetConn(name string) {
	e.mu.Lock()
	mc := e.conns[name]
	delete(e.conns, name)
	e.mu.Unlock()
	if mc != nil {
		mc.close()
	}
}

// DOTEdgeAttrs labels the edges that the Envfile asked for by name in
// `envrun graph`: depends_on between machines, after between global steps.
func DOTEdgeAttrs(from, to graph.Node) string {
	switch from.(type) {
	case *doneNode:
		if _, ok := to.(*machineNode); ok {
			return `label="depends_on", style=dashed`
		}
	case *globalNode:
		if _, ok := to.(*globalNode); ok {
			return `label="after", style=dashed`
		}
	}
	return ""
}

// DOTAttrs styles graph nodes for `envrun graph`.
func DOTAttrs(n graph.Node) string {
	switch n := n.(type) {
	case *networkNode:
		return fmt.Sprintf(`shape=ellipse, label="network %s\n%s", tooltip="%s"`, n.n.Name, n.n.Subnet, n.n.Pos)
	case *machineNode:
		m := n.run.m
		label := "machine " + m.Name
		if ip := m.IP(); ip.IsValid() {
			label += `\n` + ip.String()
		}
		return fmt.Sprintf(`shape=box3d, label="%s", tooltip="%s"`, label, m.Pos)
	case *stepNode:
		return fmt.Sprintf(`shape=box, style=rounded, tooltip="%s"`, n.s.Info().Pos)
	case *doneNode:
		return `shape=point, xlabel="` + n.ID() + `"`
	case *globalNode:
		return fmt.Sprintf(`shape=hexagon, tooltip="%s"`, n.s.Info().Pos)
	}
	return ""
}
