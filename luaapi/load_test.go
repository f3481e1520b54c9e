package luaapi

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/envrun/envrun/engine/spec"
)

// load writes files into a temp folder (Envfile.lua among them), changes
// into it and loads the Envfile.
func load(t *testing.T, files map[string]string, opts Options) (*Env, error) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	env, err := Load(context.Background(), "Envfile.lua", opts)
	if env != nil {
		t.Cleanup(env.Close)
	}
	return env, err
}

func mustLoad(t *testing.T, files map[string]string) *spec.Envfile {
	t.Helper()
	env, err := load(t, files, Options{Print: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	return env.Spec
}

func TestLoadContractExample(t *testing.T) {
	src, err := os.ReadFile("../examples/two-host/Envfile.lua")
	if err != nil {
		t.Fatal(err)
	}
	ef := mustLoad(t, map[string]string{"Envfile.lua": string(src), "motd.txt": "hi", "provision.yml": "[]"})
	if ef.Box != "debian/bookworm" {
		t.Errorf("box = %q", ef.Box)
	}
	if len(ef.Networks) != 1 || ef.Networks[0].Subnet.String() != "172.20.1.0/24" || ef.Networks[0].Gateway.String() != "172.20.1.1" {
		t.Fatalf("networks = %+v", ef.Networks)
	}
	if got := ef.MachineNames(); strings.Join(got, ",") != "machine1,machine2" {
		t.Fatalf("machines = %v", got)
	}
	m := ef.Machines[1]
	if m.Hostname != "machine2.local" || m.IP().String() != "172.20.1.21" || m.CPUs != 1 || m.Memory != 512 ||
		m.User != "vagrant" || m.Box != "debian/bookworm" || strings.Join(m.Groups, ",") != "app" {
		t.Errorf("machine2 = %+v", m)
	}
	if m.Pos.File != "Envfile.lua" || m.Pos.Line != 12 {
		t.Errorf("machine2 declared at %s, want Envfile.lua:12 (the machine call in the loop)", m.Pos)
	}
	if lv := m.Providers["libvirt"].Values; lv["graphics"] != "spice" || lv["video"] != "qxl" {
		t.Errorf("libvirt overrides = %v", lv)
	}
	if vb := m.Providers["virtualbox"].Values; vb["name"] != "machine2" {
		t.Errorf("virtualbox overrides = %v", vb)
	}
	if len(m.Steps) != 3 {
		t.Fatalf("steps = %d, want 3", len(m.Steps))
	}
	sh, ok := m.Steps[0].(*spec.Shell)
	if !ok || sh.Inline != "echo ready > /tmp/ready" || !sh.Privileged || sh.Name != "shell#1" || sh.Pos.Line != 20 {
		t.Errorf("step 1 = %+v", m.Steps[0])
	}
	f, ok := m.Steps[1].(*spec.File)
	if !ok || f.Source != filepath.Join(ef.Dir, "motd.txt") || f.Destination != "/tmp/motd" || f.Name != "file#2" {
		t.Errorf("step 2 = %+v", m.Steps[1])
	}
	h, ok := m.Steps[2].(*spec.Hook)
	if !ok || h.Fn == nil || h.Pos.Line != 22 || h.Name != "hook#3" {
		t.Errorf("step 3 = %+v", m.Steps[2])
	}
	if ef.Machines[0].Steps[0] == m.Steps[0] {
		t.Error("machines share step values; each needs its own")
	}
	if len(ef.Steps) != 1 {
		t.Fatalf("global steps = %d", len(ef.Steps))
	}
	a := ef.Steps[0].(*spec.Ansible)
	if a.Name != "site" || strings.Join(a.Hosts, ",") != "machine1,machine2" || a.ExtraVars["user"] != "vagrant" ||
		a.Playbook != filepath.Join(ef.Dir, "provision.yml") {
		t.Errorf("ansible = %+v", a)
	}
	if err := spec.Validate(ef); err != nil {
		t.Errorf("the contract example does not validate: %v", err)
	}
}

func TestDeclarationForms(t *testing.T) {
	ef := mustLoad(t, map[string]string{"Envfile.lua": `
network("n", { subnet = "10.5.0.0/24" })
machine("a", { networks = { n = "10.5.0.9" }, groups = { "web" } })
machine "b" { depends_on = "a", ports = { "8080:80", "127.0.0.1:5353:53/udp" } }
local web = machines { group = "web" }
local all = machines()
machine "c" { hostname = #web .. "-" .. #all }
ansible "s" { playbook = "p.yml" }
`, "p.yml": ""})
	if n := ef.Networks[0]; n.Gateway.String() != "10.5.0.1" {
		t.Errorf("default gateway = %s, want the first address", n.Gateway)
	}
	b := ef.Machine("b")
	if strings.Join(b.DependsOn, ",") != "a" || len(b.Ports) != 2 || b.Ports[1].HostIP != "127.0.0.1" || b.Ports[1].Protocol != "udp" {
		t.Errorf("b = %+v", b)
	}
	if c := ef.Machine("c"); c.Hostname != "1-2" {
		t.Errorf("machines() saw %q, want 1 web and 2 in all", c.Hostname)
	}
	if a := ef.Steps[0].(*spec.Ansible); strings.Join(a.Hosts, ",") != "a,b,c" {
		t.Errorf("ansible hosts default = %v, want every machine", a.Hosts)
	}
}

func TestRequire(t *testing.T) {
	lib := t.TempDir()
	os.WriteFile(filepath.Join(lib, "shared.lua"), []byte(`return { from = "path" }`), 0o644)
	stdlib := fstest.MapFS{"greet.lua": {Data: []byte(`local M = {} function M.web(n) machine(n) {} end return M`)}}
	env, err := load(t, map[string]string{
		"Envfile.lua": `
local g = require "envrun.greet"
local h = require "lib.helpers"
local s = require "shared"
assert(require "lib.helpers" == h, "modules load once")
g.web("w1")
h.define("w2")
machine "w3" { hostname = s.from }
`,
		"lib/helpers.lua": `return { define = function(n) machine(n) {} end }`,
	}, Options{Path: []string{lib}, Stdlib: stdlib})
	if err != nil {
		t.Fatal(err)
	}
	ef := env.Spec
	if got := strings.Join(ef.MachineNames(), ","); got != "w1,w2,w3" {
		t.Fatalf("machines = %s", got)
	}
	if p := ef.Machine("w1").Pos; p.String() != "Envfile.lua:6" {
		t.Errorf("a machine defined by a stdlib helper is at %s, want the caller's line Envfile.lua:6", p)
	}
	if p := ef.Machine("w2").Pos; p.File != filepath.Join("lib", "helpers.lua") || p.Line != 1 || p.Caller != "Envfile.lua:7" {
		t.Errorf("a machine defined in a project module is at %s, want the module's line, called from Envfile.lua:7", p)
	}
	if ef.Machine("w3").Hostname != "path" {
		t.Error("ENVRUN_PATH module not used")
	}
	if len(ef.Sources) != 3 {
		t.Errorf("sources = %v, want the Envfile and its two file modules", ef.Sources)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"unknown key", `machine "a" { hostnme = "x" }`, `Envfile.lua:1: machine "a": unknown key "hostnme" (did you mean "hostname"?)`},
		{"wrong type", "\nmachine \"a\" { memory = \"lots\" }", `Envfile.lua:2: machine "a": memory: expected number, got string`},
		{"list item", `machine "a" { "oops" }`, `machine "a": unexpected string "oops" in the table`},
		{"table expected", `machine "a" "b"`, `Envfile.lua:1: machine "a": expected a table of settings`},
		{"no name", `machine { }`, `machine: the first argument must be the machine's name`},
		{"bad step", `machine "a" { provision = { 42 } }`, `provision: item 1: expected a step (shell {...}, file {...}) or a function, got number`},
		{"shell without command", `machine "a" { provision = { shell { } } }`, `shell: give inline or path (like inline = "systemctl restart nginx")`},
		{"shell both", `machine "a" { provision = { shell { inline = "x", path = "y" } } }`, `shell: inline and path are exclusive`},
		{"shell typo", `machine "a" { provision = { shell { inlne = "x" } } }`, `shell: unknown key "inlne" (did you mean "inline"?)`},
		{"bad timeout", `machine "a" { provision = { shell { inline = "x", timeout = "soon" } } }`, `timeout: "soon" is not a duration`},
		{"bad port", `machine "a" { ports = { "80" } }`, `ports: "80" is not HOST:GUEST`},
		{"bad ip", `machine "a" { networks = { n = "10.0.0.300" } }`, `networks.n: "10.0.0.300" is not an IP address`},
		{"ansible in machine", `machine "a" { provision = { ansible "x" { playbook = "p" } } }`, `ansible "x" runs once over many machines`},
		{"unknown module", `require "nothere"`, `module "nothere" not found; looked in:`},
		{"require loop", `require "loop"`, `require "loop": the module requires itself`},
		{"syntax", "machine \"a\" {\n  hostname = \n}", `Envfile.lua:3: syntax error`},
		{"no os.execute", `os.execute("true")`, `attempt to call a non-function object`},
		{"no io", `io.open("x")`, `unknown name "io"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, map[string]string{"Envfile.lua": tt.src, "loop.lua": `require "loop"`}, Options{Print: &bytes.Buffer{}})
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			var se *spec.Error
			if !errors.As(err, &se) {
				t.Errorf("error %T is not a *spec.Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
		})
	}
}

func TestPrintGoesToPrintWriter(t *testing.T) {
	var out bytes.Buffer
	if _, err := load(t, map[string]string{"Envfile.lua": `print("hello", 42)`}, Options{Print: &out}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "hello\t42\n" {
		t.Errorf("print wrote %q", out.String())
	}
}

type fakeRunner struct {
	cmds    []string
	uploads []string
	fail    bool
}

func (f *fakeRunner) Run(ctx context.Context, cmd string) (string, error) {
	f.cmds = append(f.cmds, cmd)
	if f.fail {
		return "", errors.New(`command "false" failed: exit status 1: nope`)
	}
	return "out:" + cmd, nil
}

func (f *fakeRunner) Upload(ctx context.Context, src, dst string) error {
	f.uploads = append(f.uploads, src+"→"+dst)
	return nil
}

func TestHook(t *testing.T) {
	env, err := load(t, map[string]string{"Envfile.lua": `
network "n" { subnet = "10.5.0.0/24" }
seen = {}
machine "a" { hostname = "a.local", networks = { n = "10.5.0.7" }, provision = {
  function(m)
    local out = m:run("hostname -f")
    m:upload("files/x", "/tmp/x")
    seen[#seen + 1] = m.name .. " " .. m.hostname .. " " .. m.ip .. " " .. out
  end,
  function(m)
    m:run("false")
  end,
} }
`}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := env.Spec.Machine("a")
	r := &fakeRunner{}
	if err := m.Steps[0].(*spec.Hook).Fn(context.Background(), m, r); err != nil {
		t.Fatal(err)
	}
	if len(r.cmds) != 1 || r.cmds[0] != "hostname -f" || len(r.uploads) != 1 || !strings.HasSuffix(r.uploads[0], "/files/x→/tmp/x") {
		t.Errorf("hook ran %v and uploaded %v", r.cmds, r.uploads)
	}
	if got := env.L.GetGlobal("seen").(*lua.LTable).RawGetInt(1).String(); got != "a a.local 10.5.0.7 out:hostname -f" {
		t.Errorf("the hook saw %q", got)
	}
	r.fail = true
	err = m.Steps[1].(*spec.Hook).Fn(context.Background(), m, r)
	if err == nil || !strings.Contains(err.Error(), "Envfile.lua:11:") || !strings.Contains(err.Error(), "exit status 1") {
		t.Errorf("failing m:run: %v; want the hook's line and the command's status", err)
	}
}

// barrierRunner's Run waits until n calls are in flight at once.
type barrierRunner struct {
	arrived chan struct{}
	release chan struct{}
}

func (b *barrierRunner) Run(ctx context.Context, cmd string) (string, error) {
	b.arrived <- struct{}{}
	select {
	case <-b.release:
		return "ok", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (b *barrierRunner) Upload(ctx context.Context, src, dst string) error { return nil }

// TestHooksRunConcurrently proves that the Lua state is not held while a
// hook's command runs: two hooks' m:run calls are in flight at once.
func TestHooksRunConcurrently(t *testing.T) {
	env, err := load(t, map[string]string{"Envfile.lua": `
results = {}
for _, n in ipairs({ "a", "b" }) do
  machine(n) { provision = { function(m) results[m.name] = m:run("slow") end } }
end
`}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := &barrierRunner{arrived: make(chan struct{}, 2), release: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	errs := make(chan error, 2)
	for _, name := range []string{"a", "b"} {
		m := env.Spec.Machine(name)
		go func() { errs <- m.Steps[0].(*spec.Hook).Fn(ctx, m, b) }()
	}
	for range 2 {
		select {
		case <-b.arrived:
		case <-ctx.Done():
			t.Fatal("the second hook's m:run never started while the first one ran: hooks are serialised through their commands")
		}
	}
	close(b.release)
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	res := env.L.GetGlobal("results").(*lua.LTable)
	if res.RawGetString("a").String() != "ok" || res.RawGetString("b").String() != "ok" {
		t.Errorf("results: a=%v b=%v", res.RawGetString("a"), res.RawGetString("b"))
	}
}

// TestHookFailsWhateverErrorIs checks that a failed m:run fails the hook at
// its line even when the Envfile redefines the global `error`: the raise is
// envrun's own, not whatever `error` holds when the first hook runs.
func TestHookFailsWhateverErrorIs(t *testing.T) {
	env, err := load(t, map[string]string{"Envfile.lua": `
network "n" { subnet = "10.5.0.0/24" }
error = function(msg) return msg end
machine "a" { networks = { n = "10.5.0.7" }, provision = {
  function(m)
    m:run("false")
  end,
} }
`}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := env.Spec.Machine("a")
	err = m.Steps[0].(*spec.Hook).Fn(context.Background(), m, &fakeRunner{fail: true})
	if err == nil || !strings.Contains(err.Error(), "Envfile.lua:6:") || !strings.Contains(err.Error(), "exit status 1") {
		t.Errorf("failing m:run with error redefined: %v; want the hook's line and the command's status", err)
	}
}

// TestReadStaysInside: envrun.read reads inside the Envfile's folder and
// the folders Lua was loaded from (a module's, through the standard
// library's template.render_file too), and refuses anything else of the
// host, also through a symbolic link or "..".
func TestReadStaysInside(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(outside, []byte("s3cret"), 0o600)
	mods := t.TempDir()
	os.WriteFile(filepath.Join(mods, "mymod.lua"), []byte(`
local template = require "envrun.template"
return { text = envrun.read(envrun.path("mine.txt")), rendered = template.render_file(envrun.path("mine.txt"), {}) }
`), 0o644)
	os.WriteFile(filepath.Join(mods, "mine.txt"), []byte("module's own"), 0o644)
	_, err := load(t, map[string]string{"Envfile.lua": `
local m = require "mymod"
assert(m.text == "module's own" and m.rendered == "module's own")
assert(envrun.read("here.txt") == "beside")
`, "here.txt": "beside"}, Options{Path: []string{mods}})
	if err != nil {
		t.Fatalf("reading inside: %v", err)
	}
	for name, call := range map[string]string{
		"absolute": `envrun.read("` + outside + `")`,
		"dotdot":   `envrun.read("DOTDOT")`,
		"link":     `envrun.read("link")`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			os.Symlink(outside, filepath.Join(dir, "link"))
			rel, _ := filepath.Rel(dir, outside)
			call = strings.Replace(call, "DOTDOT", rel, 1)
			os.WriteFile(filepath.Join(dir, "Envfile.lua"), []byte("local x = "+call+"\n"), 0o644)
			t.Chdir(dir)
			_, err := Load(context.Background(), "Envfile.lua", Options{})
			if err == nil || !strings.Contains(err.Error(), "Envfile.lua:1: envrun.read: ") || !strings.Contains(err.Error(), "is outside the Envfile's folder") {
				t.Errorf("got %v, want a refusal at Envfile.lua:1", err)
			}
		})
	}
}

func TestPortsAutostartPrimary(t *testing.T) {
	ef := mustLoad(t, map[string]string{"Envfile.lua": `
machine "a" { ports = "8080:80", primary = true }
machine "b" { autostart = false, ports = { "9090:90", { host = 8080, guest = 80, auto_correct = true },
                                           { host = 5353, guest = 53, protocol = "udp", host_ip = "127.0.0.1" } } }
`})
	a, b := ef.Machine("a"), ef.Machine("b")
	if a.NoAutostart || !a.Primary || len(a.Ports) != 1 || a.Ports[0] != (spec.Port{Host: 8080, Guest: 80, Protocol: "tcp"}) {
		t.Errorf("a = %+v", a)
	}
	want := []spec.Port{
		{Host: 9090, Guest: 90, Protocol: "tcp"},
		{Host: 8080, Guest: 80, Protocol: "tcp", AutoCorrect: true},
		{HostIP: "127.0.0.1", Host: 5353, Guest: 53, Protocol: "udp"},
	}
	if !b.NoAutostart || b.Primary || !slices.Equal(b.Ports, want) {
		t.Errorf("b = %+v, ports %+v; want %+v", b, b.Ports, want)
	}
}

// TestLoadMemoryBlowUp: a load that asks for more memory than envrun lets
// it take ends with an Envfile error naming the line, not the Go
// runtime's out-of-memory crash: one huge string at once, and a table or
// string that grows without end (the memory watch, lowered here).
func TestLoadMemoryBlowUp(t *testing.T) {
	t.Run("one huge string", func(t *testing.T) {
		for _, src := range []string{`local s = ("x"):rep(1e11)`, `local s = string.rep("ab", 2^40)`} {
			_, err := load(t, map[string]string{"Envfile.lua": "\n" + src + "\n"}, Options{Print: &bytes.Buffer{}})
			if err == nil || !strings.Contains(err.Error(), "Envfile.lua:2:") || !strings.Contains(err.Error(), "string.rep: the result would be") {
				t.Errorf("%s: %v, want a string.rep error at Envfile.lua:2", src, err)
			}
		}
		// Small repetitions still work.
		if _, err := load(t, map[string]string{"Envfile.lua": `assert(("ab"):rep(3) == "ababab" and ("x"):rep(-1) == "")`}, Options{Print: &bytes.Buffer{}}); err != nil {
			t.Fatal(err)
		}
	})
	for _, tc := range []struct{ name, src string }{
		{"a table without end", "local t = {}\nfor i = 1, 1e12 do t[i] = {i} end"},
		{"a string without end", "local s = 'x'\nwhile true do s = s .. s .. 'y' end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(m uint64) { maxLoadMemory = m }(maxLoadMemory)
			maxLoadMemory = 128 << 20
			_, err := load(t, map[string]string{"Envfile.lua": tc.src}, Options{Print: &bytes.Buffer{}})
			if err == nil || !strings.Contains(err.Error(), "Envfile.lua") || !strings.Contains(err.Error(), "more than 128 MiB of memory") {
				t.Fatalf("%v, want the load stopped past 128 MiB", err)
			}
		})
	}
}

// TestBoxCatalogEntries: box_catalog entries, from the Envfile and from a
// module it requires, reach the spec in declaration order, each at the
// line (and file) that declared it; both call forms work.
func TestBoxCatalogEntries(t *testing.T) {
	ef := mustLoad(t, map[string]string{
		"lib/boxes.lua": `box_catalog "myorg/ubuntu-*" { base = "registry.local/ubuntu:$1", family = "apt" }
return {}
`,
		"Envfile.lua": `require "lib.boxes"
local name = box_catalog("myorg/base", { base = "ubuntu:22.04" })
machine "a" { box = name }
`})
	if len(ef.BoxCatalog) != 2 {
		t.Fatalf("entries: %+v", ef.BoxCatalog)
	}
	m, e := ef.BoxCatalog[0], ef.BoxCatalog[1]
	if m.Name != "myorg/ubuntu-*" || m.Base != "registry.local/ubuntu:$1" || m.Family != "apt" || filepath.Base(m.Pos.File) != "boxes.lua" || m.Pos.Line != 1 {
		t.Errorf("the module's entry: %+v", m)
	}
	if e.Name != "myorg/base" || e.Base != "ubuntu:22.04" || e.Family != "" || e.Pos.File != "Envfile.lua" || e.Pos.Line != 2 {
		t.Errorf("the Envfile's entry: %+v", e)
	}
	if ef.Machine("a").Box != "myorg/base" {
		t.Errorf("box_catalog does not return the entry's name: %q", ef.Machine("a").Box)
	}
}
