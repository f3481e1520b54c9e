package watch

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/spec"
)

// diffEnvfile is a fresh Envfile for each test to change.
func diffEnvfile() *spec.Envfile {
	machine := func(name, ip string) *spec.Machine {
		return &spec.Machine{
			Name: name, Hostname: name + ".test", Box: "debian/bookworm", User: "vagrant", Memory: 512,
			Networks: []spec.Attachment{{Network: "net", IP: netip.MustParseAddr(ip)}},
			Groups:   []string{"app"},
			Steps: []spec.Step{
				&spec.Shell{StepInfo: spec.StepInfo{Kind: "shell", Name: "shell#1", Pos: spec.Pos{File: "Envfile.lua", Line: 3}}, Path: "/p/setup.sh"},
				&spec.File{StepInfo: spec.StepInfo{Kind: "file", Name: "file#2"}, Source: "/p/motd", Destination: "/etc/motd"},
				&spec.Hook{StepInfo: spec.StepInfo{Kind: "hook", Name: "hook#3"}, Digest: "d1"},
			},
			Providers: map[string]spec.Options{"docker": {Values: map[string]any{"privileged": false}}},
		}
	}
	return &spec.Envfile{
		Path: "/p/Envfile.lua", Dir: "/p",
		Machines: []*spec.Machine{machine("web", "10.1.0.10"), machine("db", "10.1.0.11")},
		Steps: []spec.Step{
			&spec.Ansible{StepInfo: spec.StepInfo{Kind: "ansible", Name: "site"}, Playbook: "/p/site.yml", Hosts: []string{"web", "db"},
				ExtraVars: map[string]any{"user": "vagrant"}},
			&spec.Ansible{StepInfo: spec.StepInfo{Kind: "ansible", Name: "db-only"}, Playbook: "/p/db.yml", Hosts: []string{"db"}},
		},
	}
}

func TestCompare(t *testing.T) {
	web := func(s string) engine.StepRef { return engine.StepRef{Machine: "web", Step: s} }
	global := func(s string) engine.StepRef { return engine.StepRef{Step: s} }
	tests := []struct {
		name    string
		change  func(ef *spec.Envfile)
		added   []string
		removed []string
		remake  map[string][]string
		steps   []engine.StepRef
	}{
		{name: "nothing", change: func(*spec.Envfile) {}},
		{
			name: "positions, timeouts and watch lists are not what a step does",
			change: func(ef *spec.Envfile) {
				i := ef.Machine("web").Steps[0].Info()
				i.Pos.Line, i.Timeout, i.Watch = 30, time.Minute, []string{"/p/other"}
			},
		},
		{
			name:   "a shell step's script",
			change: func(ef *spec.Envfile) { ef.Machine("web").Steps[0].(*spec.Shell).Path = "/p/setup2.sh" },
			steps:  []engine.StepRef{web("shell#1")},
		},
		{
			name:   "a shell step's environment",
			change: func(ef *spec.Envfile) { ef.Machine("web").Steps[0].(*spec.Shell).Env = map[string]string{"A": "1"} },
			steps:  []engine.StepRef{web("shell#1")},
		},
		{
			name:   "a file step's destination",
			change: func(ef *spec.Envfile) { ef.Machine("web").Steps[1].(*spec.File).Destination = "/tmp/motd" },
			steps:  []engine.StepRef{web("file#2")},
		},
		{
			name:   "a hook's code",
			change: func(ef *spec.Envfile) { ef.Machine("web").Steps[2].(*spec.Hook).Digest = "d2" },
			steps:  []engine.StepRef{web("hook#3")},
		},
		{
			name: "a new step",
			change: func(ef *spec.Envfile) {
				m := ef.Machine("web")
				m.Steps = append(m.Steps, &spec.Shell{StepInfo: spec.StepInfo{Kind: "shell", Name: "shell#4"}, Inline: "true"})
			},
			steps: []engine.StepRef{web("shell#4")},
		},
		{
			name: "a run = \"never\" step, changed or new, runs only by --step",
			change: func(ef *spec.Envfile) {
				m := ef.Machine("web")
				sh := m.Steps[0].(*spec.Shell)
				sh.Run, sh.Path = spec.RunNever, "/p/setup2.sh"
				m.Steps = append(m.Steps, &spec.Shell{StepInfo: spec.StepInfo{Kind: "shell", Name: "shell#4", Run: spec.RunNever}, Inline: "true"})
				ef.Steps[0].Info().Run = spec.RunNever
				ef.Steps[0].(*spec.Ansible).Playbook = "/p/other.yml"
			},
		},
		{
			name: "a run = \"once\" step that changed runs again (watch re-runs what changed)",
			change: func(ef *spec.Envfile) {
				sh := ef.Machine("web").Steps[0].(*spec.Shell)
				sh.Run, sh.Path = spec.RunOnce, "/p/setup2.sh"
			},
			steps: []engine.StepRef{web("shell#1")},
		},
		{
			name:   "a removed step runs nothing",
			change: func(ef *spec.Envfile) { m := ef.Machine("web"); m.Steps = m.Steps[:2] },
		},
		{
			name:   "the user: every machine step runs as it, and the inventory says it",
			change: func(ef *spec.Envfile) { ef.Machine("web").User = "admin" },
			remake: map[string][]string{"web": {"user"}},
			steps:  []engine.StepRef{web("shell#1"), web("file#2"), web("hook#3"), global("site")},
		},
		{
			name:   "groups and variables change the inventory only",
			change: func(ef *spec.Envfile) { ef.Machine("db").Vars = map[string]any{"port": 5432.0} },
			steps:  []engine.StepRef{global("site"), global("db-only")},
		},
		{
			name: "memory and provider settings need the machine made anew",
			change: func(ef *spec.Envfile) {
				m := ef.Machine("db")
				m.Memory = 1024
				m.Providers["docker"].Values["privileged"] = true
			},
			remake: map[string][]string{"db": {"docker", "memory"}},
		},
		{
			name:   "an address: made anew, and the inventory changes",
			change: func(ef *spec.Envfile) { ef.Machine("db").Networks[0].IP = netip.MustParseAddr("10.1.0.12") },
			remake: map[string][]string{"db": {"networks"}},
			steps:  []engine.StepRef{global("site"), global("db-only")},
		},
		{
			name:   "an ansible step's variables",
			change: func(ef *spec.Envfile) { ef.Steps[0].(*spec.Ansible).ExtraVars["user"] = "root" },
			steps:  []engine.StepRef{global("site")},
		},
		{
			name:   "hosts listed in another order are the same hosts",
			change: func(ef *spec.Envfile) { ef.Steps[0].(*spec.Ansible).Hosts = []string{"db", "web"} },
		},
		{
			name: "a new machine: brought up, and the steps over it change",
			change: func(ef *spec.Envfile) {
				n := diffEnvfile().Machine("web")
				n.Name = "cache"
				ef.Machines = append(ef.Machines, n)
				a := ef.Steps[0].(*spec.Ansible)
				a.Hosts = append(a.Hosts, "cache")
			},
			added: []string{"cache"},
			steps: []engine.StepRef{global("site")},
		},
		{
			name: "a removed machine",
			change: func(ef *spec.Envfile) {
				ef.Machines = ef.Machines[:1]
				ef.Steps = ef.Steps[:1]
				ef.Steps[0].(*spec.Ansible).Hosts = []string{"web"}
			},
			removed: []string{"db"},
			steps:   []engine.StepRef{global("site")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, cur := diffEnvfile(), diffEnvfile()
			tt.change(cur)
			d := Compare(old, cur)
			if !slices.Equal(d.Added, tt.added) || !slices.Equal(d.Removed, tt.removed) {
				t.Errorf("added %q removed %q, want %q %q", d.Added, d.Removed, tt.added, tt.removed)
			}
			if got, want := fmt.Sprint(d.Remake), fmt.Sprint(orEmpty(tt.remake)); got != want {
				t.Errorf("remake %s, want %s", got, want)
			}
			if !slices.Equal(d.Steps, tt.steps) {
				t.Errorf("steps %v, want %v", d.Steps, tt.steps)
			}
			if d.Empty() != (len(tt.added)+len(tt.removed)+len(tt.remake)+len(tt.steps) == 0) {
				t.Errorf("Empty() = %v", d.Empty())
			}
		})
	}
}

func orEmpty(m map[string][]string) map[string][]string {
	if m == nil {
		return map[string][]string{}
	}
	return m
}
