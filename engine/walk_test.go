package engine_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/engine/ui"
	"github.com/envrun/envrun/luaapi"
)

// fakeProvider runs no machine: Up reports running instances (or the
// error set for a machine) and records the calls. Only for engine tests.
type fakeProvider struct {
	mu   sync.Mutex
	fail map[string]error
	ups  []string
}

func (p *fakeProvider) Name() string                                             { return "fake" }
func (p *fakeProvider) EnsureNetwork(ctx context.Context, n *spec.Network) error { return nil }
func (p *fakeProvider) Halt(ctx context.Context, name string) error              { return nil }
func (p *fakeProvider) Destroy(ctx context.Context, name string) error           { return nil }
func (p *fakeProvider) DestroyNetwork(ctx context.Context, name string) error    { return nil }
func (p *fakeProvider) Machines(ctx context.Context) ([]provider.MachineState, error) {
	return nil, nil
}
func (p *fakeProvider) Networks(ctx context.Context) ([]provider.NetworkState, error) {
	return nil, nil
}
func (p *fakeProvider) Close() error { return nil }

// Up reports the machine running already (neither created nor started),
// so that a machine the cache calls provisioned needs no SSH.
func (p *fakeProvider) Up(ctx context.Context, m *spec.Machine) (*provider.Instance, error) {
	p.mu.Lock()
	p.ups = append(p.ups, m.Name)
	err := p.fail[m.Name]
	p.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return &provider.Instance{ID: "id-" + m.Name, Addr: net.JoinHostPort(m.IP().String(), "22"), User: m.User}, nil
}

func (p *fakeProvider) calls() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.ups)
}

func (p *fakeProvider) driver() *provider.Driver {
	return &provider.Driver{
		Name:      "fake",
		Available: func(context.Context) error { return nil },
		Open:      func(context.Context, provider.Env) (provider.Provider, error) { return p, nil },
	}
}

// load writes an Envfile (and files beside it) to a temp folder and loads
// it on the fake provider.
func load(t *testing.T, p *fakeProvider, envfile string, files map[string]string, u *ui.UI) *engine.Env {
	t.Helper()
	dir := t.TempDir()
	files["Envfile.lua"] = envfile
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	lenv, err := luaapi.Load(ctx, filepath.Join(dir, "Envfile.lua"), luaapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(lenv.Close)
	e, err := engine.New(ctx, lenv.Spec, engine.Options{Drivers: []*provider.Driver{p.driver()}, Provider: "fake", UI: u})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

const graphEnvfile = `
box "debian/bookworm"
network "net" { subnet = "172.31.32.0/24" }
machine "db" {
  networks = { net = "172.31.32.10" },
  provision = { shell { inline = "true" }, shell { inline = "true" } },
}
machine "app" { networks = { net = "172.31.32.11" }, depends_on = { "db" } }
machine "cache" { networks = { net = "172.31.32.12" } }
ansible "deploy" { playbook = "site.yml", hosts = { "app" }, after = { "base" } }
ansible "base" { playbook = "site.yml", hosts = machines() }
`

// TestPlanEdges checks the graph the plan builds: depends_on makes a
// machine wait for the other's last step, a global step waits for every
// machine it runs over (a barrier) and for the steps it comes after.
func TestPlanEdges(t *testing.T) {
	e := load(t, &fakeProvider{}, graphEnvfile, map[string]string{"site.yml": "- hosts: all\n"}, nil)
	tests := []struct {
		name     string
		machines []string
		node     string
		want     []string // what node waits for; nil: not in the plan
	}{
		{"a machine waits for its network", nil, "machine:db", []string{"network:net"}},
		{"steps run in order", nil, "db/shell#2", []string{"db/shell#1"}},
		{"done follows the last step", nil, "db/done", []string{"db/shell#2"}},
		{"depends_on waits for the other's done", nil, "machine:app", []string{"db/done", "network:net"}},
		{"an independent machine waits for nothing else", nil, "machine:cache", []string{"network:net"}},
		{"a global step is a barrier over its hosts", nil, "ansible:base", []string{"app/done", "cache/done", "db/done"}},
		{"after orders global steps", nil, "ansible:deploy", []string{"ansible:base", "app/done"}},
		{"a named machine brings what it depends on", []string{"app"}, "machine:db", []string{"network:net"}},
		{"a machine not named is left out", []string{"app"}, "machine:cache", nil},
		{"a global step over a machine left out is left out", []string{"app"}, "ansible:base", nil},
		{"after a step left out only waits for its hosts", []string{"app"}, "ansible:deploy", []string{"app/done"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := e.Plan(engine.PlanOptions{Machines: tt.machines})
			if err != nil {
				t.Fatal(err)
			}
			if g.Node(tt.node) == nil {
				if tt.want != nil {
					t.Fatalf("%s is not in the plan", tt.node)
				}
				return
			}
			if tt.want == nil {
				t.Fatalf("%s is in the plan, want it left out", tt.node)
			}
			got := slices.Sorted(slices.Values(g.Deps(tt.node)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s waits for %v, want %v", tt.node, got, tt.want)
			}
		})
	}
}

const failEnvfile = `
box "debian/bookworm"
network "net" { subnet = "172.31.33.0/24" }
machine "a" {
  networks = { net = "172.31.33.10" },
  provision = { shell { inline = "true" }, file { source = "f.txt", destination = "/tmp/f" } },
}
machine "b" {
  networks = { net = "172.31.33.11" },
  depends_on = { "a" },
  provision = { shell { inline = "true" } },
}
machine "c" { networks = { net = "172.31.33.12" }, provision = { shell { inline = "true" } } }
machine "d" { networks = { net = "172.31.33.13" }, depends_on = { "c" } }
ansible "everything" { playbook = "site.yml", hosts = machines() }
ansible "cd" { playbook = "site.yml", hosts = { "c", "d" } }
ansible "later" { playbook = "site.yml", hosts = { "c" }, after = { "everything" } }
`

// TestWalkFailurePropagation: a machine that fails skips exactly its own
// steps, the machines that depend on it and the global steps over it or
// after those; everything else runs, and the summary says what was
// skipped and why.
func TestWalkFailurePropagation(t *testing.T) {
	for range 20 { // the walk is parallel: the outcome must not vary
		p := &fakeProvider{fail: map[string]error{"a": errors.New("no room for a")}}
		var out bytes.Buffer
		u := ui.New(&out, ui.Quiet)
		e := load(t, p, failEnvfile, map[string]string{"site.yml": "- hosts: all\n", "f.txt": "x"}, u)
		// c and d are provisioned and "cd" already ran over them: the walk
		// needs no SSH and no ansible-playbook for what does not fail.
		if err := state.WriteJSON(e.State.Join("state.json"), map[string]any{
			"provider": "fake",
			"machines": map[string]any{
				"c": map[string]any{"id": "id-c", "provisioned": true},
				"d": map[string]any{"id": "id-d", "provisioned": true},
			},
			"steps": map[string]any{"cd": map[string]any{"hosts": map[string]string{"c": "id-c", "d": "id-d"}}},
		}); err != nil {
			t.Fatal(err)
		}
		e = reopen(t, p, e, u)
		rep, err := e.Walk(context.Background(), engine.PlanOptions{})
		if err == nil || !strings.Contains(err.Error(), "no room for a") {
			t.Fatalf("Walk error = %v, want the failure of a", err)
		}
		want := map[string]graph.Status{
			"network:net": graph.OK, "machine:a": graph.Failed,
			"a/shell#1": graph.Skipped, "a/file#2": graph.Skipped, "a/done": graph.Skipped,
			"machine:b": graph.Skipped, "b/shell#1": graph.Skipped, "b/done": graph.Skipped,
			"machine:c": graph.OK, "c/shell#1": graph.OK, "c/done": graph.OK,
			"machine:d": graph.OK, "d/done": graph.OK,
			"ansible:everything": graph.Skipped, "ansible:cd": graph.OK, "ansible:later": graph.Skipped,
		}
		for id, st := range want {
			r := rep.Result(id)
			if r == nil {
				t.Fatalf("%s is not in the report", id)
			}
			if r.Status != st {
				t.Errorf("%s: %s, want %s (%v)", id, r.Status, st, r.Err)
			}
			if st == graph.Skipped && r.Cause != "machine:a" {
				t.Errorf("%s skipped because of %q, want machine:a", id, r.Cause)
			}
		}
		if len(rep.Results) != len(want) {
			t.Errorf("the report has %d nodes, want %d", len(rep.Results), len(want))
		}
		e.Summary(rep, time.Second, false)
		for _, line := range []string{
			"FAILED machine:a: no room for a",
			"skipped because machine:a failed:",
			"a/shell#1, a/file#2 (steps of a)",
			"machine:b and its 1 step(s) (depends_on a)",
			"ansible:everything (runs over a, b)",
			"ansible:later (after ansible:everything)",
			"envrun: 1 failed, 8 skipped, 0 canceled, 7 ok",
		} {
			if !strings.Contains(squeeze(out.String()), line) {
				t.Errorf("the summary lacks %q:\n%s", line, out.String())
			}
		}
		if strings.Contains(out.String(), "/done") {
			t.Errorf("the summary shows internal done nodes:\n%s", out.String())
		}
		if t.Failed() {
			return
		}
	}
}

// reopen makes a new Env over the same Envfile, so that it reads the state
// written after the first was made.
func reopen(t *testing.T, p *fakeProvider, e *engine.Env, u *ui.UI) *engine.Env {
	t.Helper()
	e2, err := engine.New(context.Background(), e.Spec, engine.Options{Drivers: []*provider.Driver{p.driver()}, Provider: "fake", UI: u})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e2.Close() })
	return e2
}

// squeeze collapses runs of spaces, so that column padding does not matter.
func squeeze(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// TestWalkWithoutAnsible: with no ansible-playbook installed, a plan with
// an ansible step fails before anything is made, naming the package.
func TestWalkWithoutAnsible(t *testing.T) {
	p := &fakeProvider{}
	e := load(t, p, graphEnvfile, map[string]string{"site.yml": "- hosts: all\n"}, nil)
	t.Setenv("PATH", t.TempDir())
	_, err := e.Walk(context.Background(), engine.PlanOptions{})
	if err == nil {
		t.Fatal("Walk succeeded without ansible-playbook")
	}
	for _, want := range []string{"Envfile.lua:10: ansible \"deploy\"", "ansible-playbook is not installed", "apt-get install ansible"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if calls := p.calls(); len(calls) > 0 {
		t.Errorf("machines were brought up before the check: %v", calls)
	}
	if e.State.Exists() {
		t.Errorf("%s was created", e.State.Path)
	}
	// Without provisioning there is no ansible step: no check.
	if _, err := e.Walk(context.Background(), engine.PlanOptions{Provision: engine.ProvisionNone}); err != nil {
		t.Errorf("--no-provision walk: %v", err)
	}
}
