package engine

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/suggest"
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
	// Reload reloads the machines named in Machines (all when none) before
	// the walk goes on as up's: each is stopped, made to match the
	// Envfile, and started (`envrun reload`).
	Reload bool
	// Steps, when not empty, plans a partial run (`envrun watch`): exactly
	// these steps, each on its running machine, then the global steps that
	// declare `after` on one of them (but run = "never" ones) — those only, not the steps after
	// those in turn (a step that should follow a change further up the
	// chain names that step in its `after` too). Planned steps keep the
	// order `up` gives them: a machine's steps their Envfile order, a
	// global step after the planned steps of its hosts and after the
	// planned global steps it follows through `after`, directly or not.
	// No network is touched, no machine made, and nothing else runs:
	// Machines, Provision and Existing are ignored.
	Steps []StepRef
	// Changed, with Steps, are the files (absolute paths) whose change
	// calls for the run: a file step then looks at those only, instead of
	// its whole source. nil means unknown.
	Changed []string
	// Only, when not empty, runs just the steps of these names (--step):
	// of the planned machines, each machine's steps of that name, whether
	// it ran them before or not, and global steps of that name over
	// planned machines; `run = "never"` steps too. Machines still come up;
	// a machine is not marked provisioned by such a run.
	Only []string
	// Folders runs just the uploads of the planned machines' rsync synced
	// folders (`envrun rsync`), on running machines (set Existing); no
	// other step, no global step. A machine is not marked provisioned.
	Folders bool
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
			return nil, &UsageError{fmt.Errorf("no machine %q in %s%s", n, e.Spec.Path, suggest.DidYouMean(n, e.Spec.MachineNames()))}
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

// autostarted are the machines `up` and `provision` cover when no machine
// is named: those with autostart (the default) and, transitively, the
// machines they depend on, in Envfile order.
func (e *Env) autostarted() []*spec.Machine {
	var names []string
	for _, m := range e.Spec.Machines {
		if !m.NoAutostart {
			names = append(names, m.Name)
		}
	}
	switch len(names) {
	case len(e.Spec.Machines):
		return e.Spec.Machines
	case 0:
		return nil
	}
	machines, _ := e.Select(names) // the names are the Envfile's own
	return machines
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
	if len(opts.Machines) == 0 {
		machines = e.autostarted()
	}
	if err := e.checkStepNames(opts.Only); err != nil {
		return nil, err
	}
	if opts.Folders {
		hasRsync := func(m *spec.Machine) bool { return slices.ContainsFunc(m.Steps, spec.IsRsync) }
		if !slices.ContainsFunc(machines, hasRsync) {
			return nil, &UsageError{fmt.Errorf("no machine to sync: none of %s has a type = \"rsync\" synced folder", strings.Join(machineNames(machines), ", "))}
		}
		if len(opts.Machines) == 0 {
			// `envrun rsync` alone: the machines with something to copy,
			// whether the others run or not.
			machines = slices.DeleteFunc(slices.Clone(machines), func(m *spec.Machine) bool { return !hasRsync(m) })
		}
	}
	// keep says whether a step is planned: --step names it, or, without
	// --step, provisioning is on and the step is not run = "never". An
	// rsync folder's upload is always planned: it runs when the machine
	// starts, provisioned or not, --step or not (stepNode.runs).
	keep := func(s spec.Step) bool {
		if opts.Folders {
			return spec.IsRsync(s)
		}
		if spec.IsRsync(s) {
			return true
		}
		if len(opts.Only) > 0 {
			return slices.Contains(opts.Only, s.Info().Name)
		}
		return opts.Provision != ProvisionNone && s.Info().Run != spec.RunNever
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
		run, last := p.addMachine(g, m, keep)
		if !opts.Existing {
			for _, a := range m.Networks {
				g.Connect(networkID(a.Network), machineID(m.Name))
			}
		}
		g.Add(&doneNode{p: p, run: run})
		g.Connect(last, doneID(m.Name))
	}
	// depends_on: a machine starts once what it depends on is provisioned.
	for _, m := range machines {
		for _, d := range m.DependsOn {
			g.Connect(doneID(d), machineID(m.Name))
		}
	}
	if (opts.Provision != ProvisionNone || len(opts.Only) > 0) && !opts.Folders {
		planned := map[string]bool{}
		for _, s := range e.Spec.Steps {
			if !allIn(globalHosts(s), inPlan) || !keep(s) {
				continue
			}
			p.addGlobal(g, s, doneID)
			planned[s.Info().Name] = true
		}
		// after: a global step runs after the planned global steps and
		// the planned machines it names (a machine once provisioned).
		for _, s := range e.Spec.Steps {
			if !planned[s.Info().Name] {
				continue
			}
			id := globalID(s.Info().Kind, s.Info().Name)
			for _, dep := range globalAfter(s) {
				if dn := e.Spec.Step(dep); dn != nil && planned[dep] {
					g.Connect(globalID(dn.Info().Kind, dep), id)
				} else if inPlan[dep] {
					g.Connect(doneID(dep), id)
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
		if s.Info().Run == spec.RunNever {
			continue // only --step runs it
		}
		for _, dep := range globalAfter(s) {
			if slices.Contains(refs, StepRef{Step: dep}) {
				want[StepRef{Step: s.Info().Name}] = true
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
		_, last[m.Name] = p.addMachine(g, m, func(s spec.Step) bool {
			return want[StepRef{Machine: m.Name, Step: s.Info().Name}]
		})
	}
	for _, s := range e.Spec.Steps {
		if want[StepRef{Step: s.Info().Name}] {
			p.addGlobal(g, s, func(h string) string { return last[h] })
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

// addMachine adds the chain every plan gives a machine: the machine, then
// the steps of it that keep accepts, in Envfile order, each after the one
// before. It returns the machine's run and the ID of the chain's last node.
func (p *plan) addMachine(g *graph.Graph, m *spec.Machine, keep func(spec.Step) bool) (*machineRun, string) {
	run := &machineRun{m: m}
	p.runs[m.Name] = run
	g.Add(&machineNode{p: p, run: run})
	prev := machineID(m.Name)
	for _, s := range m.Steps {
		if keep(s) {
			n := &stepNode{p: p, run: run, s: s}
			g.Add(n)
			g.Connect(prev, n.ID())
			prev = n.ID()
		}
	}
	return run, prev
}

// addGlobal adds a global step after each of its hosts: after the node
// that hostNode names for it.
func (p *plan) addGlobal(g *graph.Graph, s spec.Step, hostNode func(machine string) string) {
	n := &globalNode{p: p, s: s}
	g.Add(n)
	for _, h := range globalHosts(s) {
		g.Connect(hostNode(h), n.ID())
	}
}

// afterClosure lists the global steps s follows through `after`, directly
// or not, each once.
func (e *Env) afterClosure(s spec.Step) []string {
	var out []string
	var visit func(spec.Step)
	visit = func(s spec.Step) {
		for _, dep := range globalAfter(s) {
			if d := e.Spec.Step(dep); d != nil && !slices.Contains(out, dep) {
				out = append(out, dep)
				visit(d)
			}
		}
	}
	visit(s)
	return out
}

// checkStepNames fails unless each name is a step's of the Envfile (a
// machine's or a global one).
func (e *Env) checkStepNames(names []string) error {
	if len(names) == 0 {
		return nil
	}
	known := map[string]bool{}
	var list []string
	add := func(n string) {
		if !known[n] {
			known[n] = true
			list = append(list, n)
		}
	}
	for _, s := range e.Spec.Steps {
		add(s.Info().Name)
	}
	for _, m := range e.Spec.Machines {
		for _, s := range m.Steps {
			add(s.Info().Name)
		}
	}
	for _, n := range names {
		if !known[n] {
			return &UsageError{fmt.Errorf("--step %s: no step %q in %s%s", n, n, e.Spec.Path, suggest.DidYouMean(n, list))}
		}
	}
	return nil
}

// forced reports whether a planned step runs whatever its machine's state:
// run = "always", named by --step, or an rsync folder's upload planned by
// `envrun rsync`.
func (p *plan) forced(s spec.Step) bool {
	return s.Info().Run == spec.RunAlways || slices.Contains(p.opts.Only, s.Info().Name) || p.opts.Folders && spec.IsRsync(s)
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
		return &UsageError{fmt.Errorf("no machine %q in %s%s", r.Machine, e.Spec.Path, suggest.DidYouMean(r.Machine, e.Spec.MachineNames()))}
	}
	var names []string
	for _, s := range m.Steps {
		if s.Info().Name == r.Step {
			return nil
		}
		names = append(names, s.Info().Name)
	}
	return &UsageError{fmt.Errorf("machine %q has no step %q%s", r.Machine, r.Step, suggest.DidYouMean(r.Step, names))}
}

func globalHosts(s spec.Step) []string {
	if g, ok := s.(spec.GlobalStep); ok {
		return g.HostNames()
	}
	return nil
}

// globalAfter are the global steps and machines s runs after.
func globalAfter(s spec.Step) []string {
	if g, ok := s.(spec.GlobalStep); ok {
		return g.AfterNames()
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
