package luaapi

import (
	"context"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/envrun/envrun/engine/spec"
)

// schemaRunner is a hook's runner that records what the hook runs, lists
// the machine's interfaces and reaches any peer.
type schemaRunner struct{ ran *[]string }

func (r schemaRunner) Run(_ context.Context, cmd string) (string, error) {
	*r.ran = append(*r.ran, cmd)
	return "", nil
}

func (schemaRunner) Upload(context.Context, string, string) error { return nil }

func (schemaRunner) Interfaces() map[string]string { return map[string]string{"n": "eth1"} }

func (r schemaRunner) Peer(name string) (*spec.Machine, spec.Runner, error) {
	return &spec.Machine{Name: name, Hostname: name, User: "vagrant",
		Networks: []spec.Attachment{{Network: "n", IP: netip.MustParseAddr("10.9.0.11")}}}, r, nil
}

// TestRuntimeObjectsInSchema walks the objects envrun hands Lua code — a
// hook's m and what envrun.machine returns, the envrun table,
// envrun.host, envrun.yaml and envrun.json, what envrun.machine_info
// returns — and fails when one has a field the schema (spec.EnvfileSchema,
// which the editor definitions and docs/reference.md are made from) does
// not declare, or lacks one it declares: runtime and schema cannot drift.
func TestRuntimeObjectsInSchema(t *testing.T) {
	const src = `box "b"
network "n" { subnet = "10.9.0.0/24" }
seen = { envrun = { envrun }, host = { envrun.host }, envrun_yaml = { envrun.yaml }, envrun_json = { envrun.json }, hook_machine = {} }
machine "cp" { networks = { n = "10.9.0.11" } }
machine "m" {
  networks = { n = "10.9.0.10" },
  groups = { "g" },
  depends_on = { "cp" },
  provision = {
    function(m)
      table.insert(seen.hook_machine, m)
      table.insert(seen.hook_machine, envrun.machine("cp"))
    end,
  },
}
seen.machine_info = { envrun.machine_info("m") }
`
	path := filepath.Join(t.TempDir(), "Envfile.lua")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	env, err := Load(context.Background(), path, Options{Print: io.Discard, Provider: "docker"})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	m := env.Spec.Machine("m")
	var ran []string
	if err := m.Steps[0].(*spec.Hook).Fn(context.Background(), m, schemaRunner{&ran}); err != nil {
		t.Fatal(err)
	}

	seen := env.L.GetGlobal("seen").(*lua.LTable)
	for _, name := range []string{"envrun", "host", "envrun_yaml", "envrun_json", "hook_machine", "machine_info"} {
		objects, _ := seen.RawGetString(name).(*lua.LTable)
		if objects == nil || objects.Len() == 0 {
			t.Errorf("%s: the test saw no such object", name)
			continue
		}
		if name == "hook_machine" && objects.Len() != 2 {
			t.Errorf("%d machine objects seen, want the hook's m and envrun.machine's", objects.Len())
		}
		schema := declared(name)
		for i := 1; i <= objects.Len(); i++ {
			obj := objects.RawGetInt(i)
			keys := fieldNames(obj)
			for _, k := range keys {
				if !slices.Contains(schema, k) {
					t.Errorf("%s.%s exists at run time, but the schema's %s does not declare it", name, k, name)
				}
			}
			for _, k := range schema {
				// envrun.provider and envrun.host are answered by a
				// function (the envrun table's __index), not stored.
				if !slices.Contains(keys, k) && env.L.GetField(obj, k) == lua.LNil {
					t.Errorf("the schema declares %s.%s, which the object %v lacks", name, k, keys)
				}
			}
		}
	}
}

// declared lists the fields and functions the schema declares of the
// object called name: the envrun global, or a table of the schema.
func declared(name string) []string {
	var out []string
	if name == "envrun" {
		g := spec.EnvfileSchema.Globals[0]
		for _, f := range g.Fields {
			out = append(out, f.Name)
		}
		for _, f := range g.Funcs {
			out = append(out, f.Name)
		}
		return out
	}
	tb := spec.EnvfileSchema.Table(name)
	out = tb.KeyNames()
	for _, f := range tb.Methods {
		out = append(out, f.Name)
	}
	return out
}

// fieldNames lists the fields a script can name on v: its own string keys
// (not envrun's hidden ones, which no script can write) and those of the
// table its metatable's __index is (a read-only proxy's).
func fieldNames(v lua.LValue) []string {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil
	}
	var out []string
	t.ForEach(func(k, _ lua.LValue) {
		if s, ok := k.(lua.LString); ok && identRE.MatchString(string(s)) {
			out = append(out, string(s))
		}
	})
	if mt, ok := t.Metatable.(*lua.LTable); ok {
		out = append(out, fieldNames(mt.RawGetString("__index"))...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
