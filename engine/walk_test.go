package engine

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/provision/ansible"
	"github.com/envrun/envrun/engine/ui"
	"github.com/envrun/envrun/luaapi"
)

// loadLua writes an Envfile (and files beside it) to a temp folder, loads
// it with the Lua front end and opens it on the fake provider, with fake
// SSH connections (log) and playbook runs (plays).
func loadLua(t *testing.T, envfile string, files map[string]string, fp *fakeProvider, log *cmdLog, plays *playLog) *Env {
	t.Helper()
	dir := t.TempDir()
	files["Envfile.lua"] = envfile
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lenv, err := luaapi.Load(context.Background(), filepath.Join(dir, "Envfile.lua"), luaapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(lenv.Close)
	e := newTestEnv(t, lenv.Spec, fp, log)
	if plays != nil {
		e.playbook = plays.run
	}
	return e
}

// playLog records the ansible runs of a walk instead of running them.
type playLog struct {
	mu   sync.Mutex
	runs []string // "step: host,host"
	fail map[string]error
}

func (p *playLog) run(ctx context.Context, r *ansible.Run) error {
	inv, err := os.ReadFile(r.Inventory)
	if err != nil {
		return err
	}
	var hosts []string
	for _, m := range regexp.MustCompile(`(?m)^    (\w+):$`).FindAllStringSubmatch(string(inv), -1) {
		hosts = append(hosts, m[1])
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.runs = append(p.runs, r.Step.Name+": "+strings.Join(hosts, ","))
	return p.fail[r.Step.Name]
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
	e := loadLua(t, graphEnvfile, map[string]string{"site.yml": "- hosts: all\n"}, newFake(), &cmdLog{}, &playLog{})
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
			g, err := e.Plan(PlanOptions{Machines: tt.machines})
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
machine "e" {
  networks = { net = "172.31.33.14" },
  provision = { shell { inline = "false" }, shell { inline = "true" } },
}
ansible "everything" { playbook = "site.yml", hosts = { "a", "b", "c", "d" } }
ansible "cd" { playbook = "site.yml", hosts = { "c", "d" } }
ansible "later" { playbook = "site.yml", hosts = { "c" }, after = { "everything" } }
`

// TestWalkFailurePropagation: a machine that fails skips exactly its own
// steps, the machines that depend on it and the global steps over it or
// after those; a failed step skips its machine's later steps; everything
// else runs, and the summary says what was skipped and why.
func TestWalkFailurePropagation(t *testing.T) {
	for range 20 { // the walk is parallel: the outcome must not vary
		fp := newFake()
		fp.failUp["a"] = true
		log := &cmdLog{fail: map[string]bool{"e": true}}
		plays := &playLog{}
		var out bytes.Buffer
		e := loadLua(t, failEnvfile, map[string]string{"site.yml": "- hosts: all\n", "f.txt": "x"}, fp, log, plays)
		e.UI = ui.New(&out, ui.Quiet)
		rep, err := e.Walk(context.Background(), PlanOptions{})
		if err == nil || !strings.Contains(err.Error(), "no room") {
			t.Fatalf("Walk error = %v, want the failure of a", err)
		}
		want := map[string]struct {
			status graph.Status
			cause  string
		}{
			"network:net": {graph.OK, ""}, "machine:a": {graph.Failed, ""},
			"a/shell#1": {graph.Skipped, "machine:a"}, "a/file#2": {graph.Skipped, "machine:a"}, "a/done": {graph.Skipped, "machine:a"},
			"machine:b": {graph.Skipped, "machine:a"}, "b/shell#1": {graph.Skipped, "machine:a"}, "b/done": {graph.Skipped, "machine:a"},
			"machine:c": {graph.OK, ""}, "c/shell#1": {graph.OK, ""}, "c/done": {graph.OK, ""},
			"machine:d": {graph.OK, ""}, "d/done": {graph.OK, ""},
			"machine:e": {graph.OK, ""}, "e/shell#1": {graph.Failed, ""}, "e/shell#2": {graph.Skipped, "e/shell#1"},
			"e/done":             {graph.Skipped, "e/shell#1"},
			"ansible:everything": {graph.Skipped, "machine:a"}, "ansible:cd": {graph.OK, ""},
			"ansible:later": {graph.Skipped, "machine:a"},
		}
		for id, w := range want {
			r := rep.Result(id)
			if r == nil {
				t.Fatalf("%s is not in the report", id)
			}
			if r.Status != w.status || r.Cause != w.cause {
				t.Errorf("%s: %s (cause %q), want %s (cause %q) (%v)", id, r.Status, r.Cause, w.status, w.cause, r.Err)
			}
		}
		if len(rep.Results) != len(want) {
			t.Errorf("the report has %d nodes, want %d", len(rep.Results), len(want))
		}
		if got := strings.Join(plays.runs, "; "); got != "cd: c,d" {
			t.Errorf("playbooks ran %q, want only cd over c and d", got)
		}
		e.Summary(rep, time.Second, false)
		for _, line := range []string{
			"FAILED machine:a: no room",
			"FAILED e/shell#1: ",
			"skipped because machine:a failed:",
			"a/shell#1, a/file#2 (steps of a)",
			"machine:b and its 1 step(s) (depends_on a)",
			"ansible:everything (runs over a, b)",
			"ansible:later (after ansible:everything)",
			"skipped because e/shell#1 failed:",
			"e/shell#2 (later steps of e)",
			"envrun: 2 failed, 10 skipped, 0 canceled, 8 ok",
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
	fp := newFake()
	e := loadLua(t, graphEnvfile, map[string]string{"site.yml": "- hosts: all\n"}, fp, &cmdLog{}, &playLog{})
	t.Setenv("PATH", t.TempDir())
	_, err := e.Walk(context.Background(), PlanOptions{})
	if err == nil {
		t.Fatal("Walk succeeded without ansible-playbook")
	}
	for _, want := range []string{"Envfile.lua:10: ansible \"deploy\"", "ansible-playbook is not installed", "apt-get install ansible"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if len(fp.ups) > 0 {
		t.Errorf("machines were brought up before the check: %v", fp.ups)
	}
	if e.State.Exists() {
		t.Errorf("%s was created", e.State.Path)
	}
	// Without provisioning there is no ansible step: no check.
	if _, err := e.Walk(context.Background(), PlanOptions{Provision: ProvisionNone}); err != nil {
		t.Errorf("--no-provision walk: %v", err)
	}
}
