package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/spec"
)

// partialEnvfile has three machines (db waits for web) and global steps
// ordered by after: base → app → deploy → audit, and other on its own.
func partialEnvfile() *spec.Envfile {
	shell := func(name string) spec.Step {
		return &spec.Shell{StepInfo: spec.StepInfo{Kind: "shell", Name: name}, Inline: "true"}
	}
	ansible := func(name string, hosts []string, after ...string) spec.Step {
		return &spec.Ansible{StepInfo: spec.StepInfo{Kind: "ansible", Name: name}, Playbook: "/p/" + name + ".yml", Hosts: hosts, After: after}
	}
	return &spec.Envfile{
		Path:     "/p/Envfile.lua",
		Dir:      "/p",
		Networks: []*spec.Network{{Name: "net"}},
		Machines: []*spec.Machine{
			{Name: "web", Networks: []spec.Attachment{{Network: "net"}}, Steps: []spec.Step{shell("a"), shell("b"), shell("c")}},
			{Name: "db", DependsOn: []string{"web"}, Networks: []spec.Attachment{{Network: "net"}}, Steps: []spec.Step{shell("a")}},
			{Name: "cache", Steps: []spec.Step{shell("a")}},
		},
		Steps: []spec.Step{
			ansible("deploy", []string{"web"}, "app"),
			ansible("base", []string{"web", "db"}),
			ansible("app", []string{"web"}, "base"),
			ansible("other", []string{"cache"}),
			ansible("audit", []string{"web"}, "deploy"),
		},
	}
}

// edges lists a graph as "from -> to" lines, nodes in order.
func edges(g *graph.Graph) (nodes, out []string) {
	for _, n := range g.Nodes() {
		nodes = append(nodes, n.ID())
		for _, d := range g.Deps(n.ID()) {
			out = append(out, d+" -> "+n.ID())
		}
	}
	slices.Sort(out)
	return nodes, out
}

func TestPlanSteps(t *testing.T) {
	web := func(s string) StepRef { return StepRef{Machine: "web", Step: s} }
	tests := []struct {
		name  string
		steps []StepRef
		nodes []string
		edges []string
	}{
		{
			name:  "one step on one machine",
			steps: []StepRef{web("b")},
			nodes: []string{"machine:web", "web/b"},
			edges: []string{"machine:web -> web/b"},
		},
		{
			name:  "a machine's steps keep their order, whatever the order asked",
			steps: []StepRef{web("c"), web("a")},
			nodes: []string{"machine:web", "web/a", "web/c"},
			edges: []string{"machine:web -> web/a", "web/a -> web/c"},
		},
		{
			name:  "machines run side by side: depends_on is for bringing up",
			steps: []StepRef{{Machine: "db", Step: "a"}, web("a")},
			nodes: []string{"machine:web", "web/a", "machine:db", "db/a"},
			edges: []string{"machine:db -> db/a", "machine:web -> web/a"},
		},
		{
			// Not deploy, which declares after on app: app only re-runs
			// because of base (issue 5: "then the global steps that
			// declare after on them; nothing else").
			name:  "a global step, then those that declare after on it, not those after them",
			steps: []StepRef{{Step: "base"}},
			nodes: []string{"machine:web", "machine:db", "ansible:base", "ansible:app"},
			edges: []string{"ansible:base -> ansible:app", "machine:db -> ansible:base", "machine:web -> ansible:app", "machine:web -> ansible:base"},
		},
		{
			name:  "a global step in the middle of the chain, then the one after it",
			steps: []StepRef{{Step: "app"}},
			nodes: []string{"machine:web", "ansible:deploy", "ansible:app"},
			edges: []string{"ansible:app -> ansible:deploy", "machine:web -> ansible:app", "machine:web -> ansible:deploy"},
		},
		{
			name:  "a global step last in the after chain runs alone",
			steps: []StepRef{{Step: "audit"}},
			nodes: []string{"machine:web", "ansible:audit"},
			edges: []string{"machine:web -> ansible:audit"},
		},
		{
			// deploy is not planned; audit follows base and app through
			// it, as in up.
			name:  "planned steps keep up's order through a step left out",
			steps: []StepRef{{Step: "audit"}, {Step: "base"}},
			nodes: []string{"machine:web", "machine:db", "ansible:base", "ansible:app", "ansible:audit"},
			edges: []string{
				"ansible:app -> ansible:audit", "ansible:base -> ansible:app", "ansible:base -> ansible:audit",
				"machine:db -> ansible:base", "machine:web -> ansible:app", "machine:web -> ansible:audit", "machine:web -> ansible:base",
			},
		},
		{
			name:  "a global step waits for the planned steps of its hosts",
			steps: []StepRef{{Step: "app"}, web("b")},
			nodes: []string{"machine:web", "web/b", "ansible:deploy", "ansible:app"},
			edges: []string{"ansible:app -> ansible:deploy", "machine:web -> web/b", "web/b -> ansible:app", "web/b -> ansible:deploy"},
		},
		{
			name:  "a step asked twice is planned once",
			steps: []StepRef{{Step: "other"}, {Step: "other"}},
			nodes: []string{"machine:cache", "ansible:other"},
			edges: []string{"machine:cache -> ansible:other"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Env{Spec: partialEnvfile()}
			g, err := e.Plan(PlanOptions{Steps: tt.steps, Machines: []string{"cache"}, Provision: ProvisionNone})
			if err != nil {
				t.Fatal(err)
			}
			nodes, es := edges(g)
			slices.Sort(tt.edges)
			if !slices.Equal(nodes, tt.nodes) {
				t.Errorf("nodes:\n\t%s\nwant:\n\t%s", strings.Join(nodes, "\n\t"), strings.Join(tt.nodes, "\n\t"))
			}
			if !slices.Equal(es, tt.edges) {
				t.Errorf("edges:\n\t%s\nwant:\n\t%s", strings.Join(es, "\n\t"), strings.Join(tt.edges, "\n\t"))
			}
			for _, n := range g.Nodes() {
				ref, ok := StepOf(n)
				if strings.HasPrefix(n.ID(), "machine:") {
					if ok {
						t.Errorf("StepOf(%s) = %v", n.ID(), ref)
					}
					continue
				}
				if !ok {
					t.Errorf("StepOf(%s): not a step", n.ID())
				}
			}
			if got, want := plannedMachines(g), machineNodes(tt.nodes); !slices.Equal(got, want) {
				t.Errorf("planned machines %q, want %q", got, want)
			}
		})
	}
}

func machineNodes(ids []string) []string {
	var out []string
	for _, id := range ids {
		if m, ok := strings.CutPrefix(id, "machine:"); ok {
			out = append(out, m)
		}
	}
	return out
}

func TestPlanStepsErrors(t *testing.T) {
	tests := []struct {
		name string
		ref  StepRef
		want string
	}{
		{name: "unknown machine", ref: StepRef{Machine: "wbe", Step: "a"}, want: `no machine "wbe" in /p/Envfile.lua (did you mean "web"?)`},
		{name: "unknown machine step", ref: StepRef{Machine: "web", Step: "d"}, want: `machine "web" has no step "d"`},
		{name: "unknown global step", ref: StepRef{Step: "bsae"}, want: `no global step "bsae"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &Env{Spec: partialEnvfile()}
			_, err := e.Plan(PlanOptions{Steps: []StepRef{tt.ref}})
			var usage *UsageError
			if !errors.As(err, &usage) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want a usage error containing %q", err, tt.want)
			}
		})
	}
}

// TestPlanStepsForcesTheSteps checks what a partial plan's nodes do when
// run: its step nodes always run (as `envrun provision` would), and its
// global steps never take the cache's word that they already ran.
func TestPlanStepsForcesTheSteps(t *testing.T) {
	e := &Env{Spec: partialEnvfile()}
	g, err := e.Plan(PlanOptions{Steps: []StepRef{{Step: "other"}}, Provision: ProvisionAuto})
	if err != nil {
		t.Fatal(err)
	}
	n, ok := g.Node("ansible:other").(*globalNode)
	if !ok {
		t.Fatal("no global node")
	}
	if n.p.opts.Provision != ProvisionForce || !n.p.opts.Existing {
		t.Errorf("partial plan options %+v: want forced provisioning of existing machines", n.p.opts)
	}
	if got := fmt.Sprint(StepRef{Machine: "web", Step: "a"}, " ", StepRef{Step: "base"}); got != "web/a base" {
		t.Errorf("StepRef strings: %q", got)
	}
}

// endingConn is a fake connection that can end, as a real one does when
// the machine restarts.
type endingConn struct {
	*fakeConn
	done chan struct{}
}

func (c *endingConn) Done() <-chan struct{} { return c.done }

// TestPartialRun walks partial plans on the fake provider: exactly the
// steps asked for run, on running machines only; a machine whose
// connection lasts is not asked of the backend again, one whose
// connection ended is, and dialled again; what up remembers is left as it
// was.
func TestPartialRun(t *testing.T) {
	ef := testEnvfile(t.TempDir())
	for _, m := range ef.Machines {
		m.Steps = append(m.Steps, &spec.File{StepInfo: spec.StepInfo{Kind: "file", Name: "file#3"}, Source: "/dev/null", Destination: "/etc/" + m.Name})
	}
	fp, log := newFake(), &cmdLog{}
	e := newTestEnv(t, ef, fp, log)
	var dials []string
	var mu sync.Mutex // machines dial in parallel
	conns := map[string]*endingConn{}
	e.dial = func(ctx context.Context, cfg comm.Config, _ time.Duration) (Conn, error) {
		mu.Lock()
		defer mu.Unlock()
		dials = append(dials, cfg.Machine)
		c := &endingConn{&fakeConn{machine: cfg.Machine, log: log}, make(chan struct{})}
		conns[cfg.Machine] = c
		return c, nil
	}
	ctx := context.Background()
	if _, err := e.Walk(ctx, PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	log.cmds, fp.ups, dials = nil, nil, nil

	if _, err := e.Walk(ctx, PlanOptions{Steps: []StepRef{{Machine: "c", Step: "file#3"}, {Machine: "a", Step: "file#3"}}}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(log.cmds)
	if want := []string{"a: upload /etc/a", "c: upload /etc/c"}; !slices.Equal(log.cmds, want) {
		t.Errorf("commands %q, want %q", log.cmds, want)
	}
	if len(fp.ups) != 0 || len(dials) != 0 {
		t.Errorf("machines brought up %q, dialled %q; want none: their connections last", fp.ups, dials)
	}

	// c restarts: its connection ends. The next run asks the backend and
	// dials again.
	close(conns["c"].done)
	log.cmds = nil
	if _, err := e.Walk(ctx, PlanOptions{Steps: []StepRef{{Machine: "c", Step: "file#3"}, {Machine: "a", Step: "file#3"}}}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fp.ups, []string{"c"}) || !slices.Equal(dials, []string{"c"}) {
		t.Errorf("machines brought up %q, dialled %q; want c, c", fp.ups, dials)
	}
	if len(log.cmds) != 2 {
		t.Errorf("commands %q, want one upload on each of a and c", log.cmds)
	}

	// A stopped machine is not started for a partial run. (Its sshd
	// stopped with it: the connection ended.)
	log.cmds = nil
	fp.Halt(ctx, "b")
	close(conns["b"].done)
	_, err := e.Walk(ctx, PlanOptions{Steps: []StepRef{{Machine: "b", Step: "file#3"}}})
	if err == nil || !strings.Contains(err.Error(), "b is stopped") {
		t.Errorf("partial run on a stopped machine: %v", err)
	}
	if len(log.cmds) != 0 {
		t.Errorf("commands ran: %q", log.cmds)
	}

	// Partial runs leave up's memory alone: a later up (b restarted aside)
	// provisions nothing.
	fp.Up(ctx, ef.Machine("b"))
	log.cmds = nil
	if _, err := e.Walk(ctx, PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(log.cmds) != 0 {
		t.Errorf("up after partial runs ran %q", log.cmds)
	}
}

// A partial run hands its changed paths to the file steps it runs; a file
// step that does not run (an earlier step of its machine failed) gets
// them with the next run's.
func TestPartialRunChangedPaths(t *testing.T) {
	ef := testEnvfile(t.TempDir())
	m := ef.Machine("a")
	m.Steps = append(m.Steps, &spec.File{StepInfo: spec.StepInfo{Kind: "file", Name: "file#3"}, Source: "/dev/null", Destination: "/srv"})
	fp, log := newFake(), &cmdLog{}
	e := newTestEnv(t, ef, fp, log)
	ctx := context.Background()
	if _, err := e.Walk(ctx, PlanOptions{Machines: []string{"a"}}); err != nil {
		t.Fatal(err)
	}
	refs := []StepRef{{Machine: "a", Step: "shell#2"}, {Machine: "a", Step: "file#3"}}
	log.cmds, log.fail = nil, map[string]bool{"a": true}
	if _, err := e.Walk(ctx, PlanOptions{Steps: refs, Changed: []string{"/p/one"}}); err == nil {
		t.Fatal("the failing step did not fail")
	}
	log.cmds, log.fail = nil, nil
	if _, err := e.Walk(ctx, PlanOptions{Steps: refs, Changed: []string{"/p/two"}}); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(log.cmds, `a: changed ["/p/one" "/p/two"]`) {
		t.Errorf("commands %q: want the upload told of both runs' changes", log.cmds)
	}
	log.cmds = nil
	if _, err := e.Walk(ctx, PlanOptions{Steps: refs, Changed: []string{"/p/three"}}); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(log.cmds, `a: changed ["/p/three"]`) {
		t.Errorf("commands %q: want the upload told of this run's change only", log.cmds)
	}
	log.cmds = nil
	if _, err := e.Walk(ctx, PlanOptions{Machines: []string{"a"}, Provision: ProvisionForce}); err != nil {
		t.Fatal(err)
	}
	for _, c := range log.cmds {
		if strings.Contains(c, "changed") {
			t.Errorf("a full run was told of changes: %q", log.cmds)
		}
	}
}

// TestPlanAutostart: up without names leaves machines with autostart =
// false out, unless a machine brought up depends on them; named, they
// are planned.
func TestPlanAutostart(t *testing.T) {
	machinesIn := func(g *graph.Graph) string {
		var out []string
		for _, n := range g.Nodes() {
			if name, ok := strings.CutPrefix(n.ID(), "machine:"); ok {
				out = append(out, name)
			}
		}
		slices.Sort(out)
		return strings.Join(out, ",")
	}
	ef := partialEnvfile() // db depends on web
	ef.Machine("cache").NoAutostart = true
	e := &Env{Spec: ef}
	for _, tt := range []struct {
		names []string
		want  string
	}{
		{nil, "db,web"},
		{[]string{"cache"}, "cache"},
	} {
		g, err := e.Plan(PlanOptions{Machines: tt.names})
		if err != nil {
			t.Fatal(err)
		}
		if got := machinesIn(g); got != tt.want {
			t.Errorf("up %v plans %s, want %s", tt.names, got, tt.want)
		}
		if planned := g.Node(globalID("ansible", "other")) != nil; planned == (tt.want == "db,web") {
			t.Errorf("up %v: the ansible step over cache planned: %v", tt.names, planned)
		}
	}
	// web is needed by db: it comes up although it does not autostart.
	ef.Machine("web").NoAutostart = true
	g, err := e.Plan(PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := machinesIn(g); got != "db,web" {
		t.Errorf("up plans %s, want db and the web it depends on", got)
	}
	for _, m := range ef.Machines {
		m.NoAutostart = true
	}
	if g, err := e.Plan(PlanOptions{}); err != nil || machinesIn(g) != "" {
		t.Errorf("no machine autostarts: up plans %q (%v), want none", machinesIn(g), err)
	}
}

// TestPlanStepsLeavesRunNeverFollowers: a partial run (envrun watch) adds
// the global steps after an asked one, but not a run = "never" one: only
// --step runs it.
func TestPlanStepsLeavesRunNeverFollowers(t *testing.T) {
	ef := partialEnvfile()
	ef.Step("audit").Info().Run = spec.RunNever // after deploy
	e := &Env{Spec: ef}
	g, err := e.Plan(PlanOptions{Steps: []StepRef{{Step: "app"}}})
	if err != nil {
		t.Fatal(err)
	}
	if g.Node("ansible:deploy") == nil {
		t.Errorf("deploy (after app) is not planned")
	}
	g, err = e.Plan(PlanOptions{Steps: []StepRef{{Step: "deploy"}}})
	if err != nil {
		t.Fatal(err)
	}
	if g.Node("ansible:audit") != nil {
		t.Errorf("audit (run = \"never\", after deploy) is planned by a partial run")
	}
}
