package luaapi

import (
	"reflect"
	"slices"
	"testing"

	"github.com/envrun/envrun/engine/spec"
)

// TestDefaultsMerge: defaults { } reach every machine, declared before or
// after it; a machine's own values win, tables merge key by key, and the
// defaults' steps run first.
func TestDefaultsMerge(t *testing.T) {
	ef := mustLoad(t, map[string]string{"Envfile.lua": `
box "debian/bookworm"
network "lan" { subnet = "172.27.3.0/24" }
machine "early" { networks = { lan = "172.27.3.10" }, memory = 1024, user = "admin",
	groups = { "web" }, vars = { b = 3 }, ssh = { forward_agent = false },
	synced_folders = { ["own"] = "/srv" },
	docker = { env = { B = "2" }, privileged = false },
	provision = { shell { name = "own", inline = "echo own" } } }
defaults {
	memory = 256, cpus = 2, user = "ops", groups = { "base", "web" }, vars = { a = 1, b = 2 },
	ssh = { forward_agent = true, port = 2222 },
	synced_folders = { ["shared"] = "/shared", ["other"] = "/srv" },
	docker = { env = { A = "1" }, privileged = true },
	provision = { shell { name = "base", inline = "echo base" } },
}
machine "late" { networks = { lan = "172.27.3.11" }, ssh = { port = 22 } }
`})
	early, late := ef.Machine("early"), ef.Machine("late")
	if early.Memory != 1024 || early.CPUs != 2 || early.User != "admin" {
		t.Errorf("early: memory %d cpus %d user %s, want 1024 2 admin", early.Memory, early.CPUs, early.User)
	}
	if late.Memory != 256 || late.CPUs != 2 || late.User != "ops" {
		t.Errorf("late: memory %d cpus %d user %s, want 256 2 ops", late.Memory, late.CPUs, late.User)
	}
	if want := []string{"base", "web"}; !reflect.DeepEqual(early.Groups, want) {
		t.Errorf("early groups %v, want %v", early.Groups, want)
	}
	if want := map[string]any{"a": float64(1), "b": float64(3)}; !reflect.DeepEqual(early.Vars, want) {
		t.Errorf("early vars %#v, want %#v", early.Vars, want)
	}
	if early.SSH.ForwardAgent || !late.SSH.ForwardAgent {
		t.Errorf("forward_agent: early %v (own false wins), late %v (default true)", early.SSH.ForwardAgent, late.SSH.ForwardAgent)
	}
	if early.SSH.Port != 2222 || late.SSH.Port != 22 {
		t.Errorf("ssh.port: early %d (the default's: ssh merges key by key), late %d (own 22 wins)", early.SSH.Port, late.SSH.Port)
	}
	var guests []string
	for _, sf := range early.SyncedFolders {
		guests = append(guests, sf.Guest+"<"+sf.Host[len(ef.Dir)+1:])
	}
	if want := []string{"/shared<shared", "/srv<own"}; !reflect.DeepEqual(guests, want) {
		t.Errorf("early synced folders %v, want %v (its own /srv wins)", guests, want)
	}
	d := early.Providers["docker"].Values
	if d["privileged"] != false || !reflect.DeepEqual(d["env"], map[string]any{"B": "2"}) {
		t.Errorf("early docker %v: its own keys win whole", d)
	}
	if d := late.Providers["docker"].Values; d["privileged"] != true {
		t.Errorf("late docker %v, want the defaults'", d)
	}
	var names []string
	for _, s := range early.Steps {
		names = append(names, s.Info().Name)
	}
	if want := []string{"base", "own"}; !reflect.DeepEqual(names, want) {
		t.Errorf("early steps %v, want %v", names, want)
	}
	if len(late.Steps) != 1 || late.Steps[0] == early.Steps[0] {
		t.Errorf("late steps %v: want its own copy of the defaults' step", late.Steps)
	}
}

func TestTriggers(t *testing.T) {
	ef := mustLoad(t, map[string]string{"Envfile.lua": `
box "debian/bookworm"
trigger "vpn" { before = { "up", "provision" }, run = "./vpn.sh", on_error = "continue" }
trigger "note" { after = "destroy", run = { "notify-send", "gone" }, env = { X = "1" } }
`})
	want := []*spec.Trigger{
		{Name: "vpn", When: "before", Events: []string{"up", "provision"}, Inline: "./vpn.sh", OnError: "continue", Pos: spec.Pos{File: "Envfile.lua", Line: 3}},
		{Name: "note", When: "after", Events: []string{"destroy"}, Argv: []string{"notify-send", "gone"}, Env: map[string]string{"X": "1"}, OnError: "fail", Pos: spec.Pos{File: "Envfile.lua", Line: 4}},
	}
	// The keys each gave, which the defaults step leaves alone (on_error
	// given "continue" stays, the other gets the schema's "fail").
	for i, keys := range [][]string{{"before", "on_error", "run"}, {"after", "env", "run"}} {
		if got := slices.Sorted(slices.Values(ef.Triggers[i].Given)); !slices.Equal(got, keys) {
			t.Errorf("trigger %s: given %q, want %q", ef.Triggers[i].Name, got, keys)
		}
		ef.Triggers[i].Given = nil
	}
	if !reflect.DeepEqual(ef.Triggers, want) {
		t.Errorf("triggers:\n%+v\n%+v\nwant\n%+v\n%+v", ef.Triggers[0], ef.Triggers[1], want[0], want[1])
	}
	if got := ef.TriggersFor("before", "provision"); len(got) != 1 || got[0].Name != "vpn" {
		t.Errorf("TriggersFor(before, provision) = %v", got)
	}
	if got := ef.TriggersFor("after", "up"); len(got) != 0 {
		t.Errorf("TriggersFor(after, up) = %v", got)
	}
}
