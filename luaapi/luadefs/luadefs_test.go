package luadefs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/yuin/gopher-lua/parse"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/golden"
)

// TestDefinitions: the LuaLS definitions parse as Lua, and every builtin,
// envrun function, table, key and method of the schema is in them with
// its description, so that definitions and loader cannot drift.
func TestDefinitions(t *testing.T) {
	s := spec.EnvfileSchema
	defs := Definitions(s)
	if _, err := parse.Parse(strings.NewReader(defs), "envrun.lua"); err != nil {
		t.Fatalf("the definitions do not parse: %v", err)
	}
	has := func(what, text string) {
		t.Helper()
		if !strings.Contains(defs, text) {
			t.Errorf("%s: the definitions lack %q", what, text)
		}
	}
	for _, b := range s.Builtins {
		has(b.Name, "function "+b.Name+"(")
		has(b.Name, "---"+b.Doc+"\n")
	}
	for _, g := range s.Globals {
		for _, f := range g.Funcs {
			has(g.Name+"."+f.Name, "function "+g.Name+"."+f.Name+"(")
			has(g.Name+"."+f.Name, "---"+f.Doc+"\n")
		}
		for _, f := range g.Fields {
			has(g.Name+"."+f.Name, "---@field "+f.Name+" ")
		}
	}
	for _, tb := range s.Tables {
		has(tb.Name, "---@class "+className(tb.Name)+"\n")
		for _, k := range tb.Keys {
			has(tb.Name+"."+k.Name, "---@field "+k.Name)
			has(tb.Name+"."+k.Name, " "+k.Doc+".")
			if k.Type.Kind == spec.KindEnum {
				has(tb.Name+"."+k.Name, "---@alias "+aliasName(tb.Name, k.Name)+" ")
			}
		}
		for _, m := range tb.Methods {
			sep := ":"
			if tb.Call != "" {
				sep = "."
			}
			has(tb.Name+sep+m.Name, sep+m.Name+"(")
		}
	}
}

// TestGolden keeps a copy of what lua-defs writes under testdata/, so that
// a reviewer sees every change to it (go test -update, or go generate).
func TestGolden(t *testing.T) {
	for _, f := range Files(spec.EnvfileSchema) {
		golden.Check(t, filepath.Join("../../testdata/lua-defs", f.Path), string(f.Data))
		if !HasMarker(f.Data) {
			t.Errorf("%s has no marker line", f.Path)
		}
	}
}

// TestReferenceIsCurrent fails when docs/reference.md is not what the
// schema makes: run `go generate ./luaapi/luadefs`.
func TestReferenceIsCurrent(t *testing.T) {
	const path = "../../docs/reference.md"
	want := Reference(spec.EnvfileSchema)
	if golden.Updating() {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s is stale: run `go generate ./luaapi/luadefs` and commit it", path)
	}
}

// TestLuacheck runs the real luacheck with the generated .luacheckrc over
// the examples, the valid Envfiles and modules of testdata/ and the Lua
// standard library: no warning at all; and a misspelt builtin is flagged.
func TestLuacheck(t *testing.T) {
	luacheck, err := exec.LookPath("luacheck")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("luacheck is not installed (Debian's lua-check)")
		}
		t.Skip("luacheck is not installed (Debian's lua-check)")
	}
	dir := t.TempDir()
	rc := filepath.Join(dir, ".luacheckrc")
	if err := os.WriteFile(rc, []byte(Luacheck(spec.EnvfileSchema)), 0o644); err != nil {
		t.Fatal(err)
	}
	// Every file is copied into one project folder, the .luacheckrc at its
	// top: luacheck matches its files patterns (envrun-module.lua) against
	// paths below the folder it runs in.
	var files []string
	put := func(name string, data []byte) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	for _, pattern := range []string{"examples/*/*.lua", "testdata/modules/*/*.lua", "stdlib/*.lua"} {
		m, _ := filepath.Glob("../../" + pattern)
		for _, f := range m {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			put(strings.TrimPrefix(f, "../../"), data)
		}
	}
	// The Lua files of the CLI scripts (a manifest under its real name).
	scripts, _ := filepath.Glob("../../testdata/script/*.txtar")
	for _, s := range scripts {
		ar, err := txtar.ParseFile(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if !strings.HasSuffix(f.Name, ".lua") {
				continue
			}
			name := f.Name
			if strings.HasSuffix(name, "module.lua") {
				name = strings.TrimSuffix(name, ".lua") + "/envrun-module.lua"
			}
			put(filepath.Join("script", strings.TrimSuffix(filepath.Base(s), ".txtar"), name), f.Data)
		}
	}
	if len(files) < 15 {
		t.Fatalf("only %d Lua files found: %v", len(files), files)
	}
	run := func(files ...string) (string, error) {
		cmd := exec.Command(luacheck, append([]string{"--config", rc, "--formatter", "plain", "--codes"}, files...)...)
		cmd.Dir = dir // as an editor runs it, in the project
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run(files...); err != nil || out != "" {
		t.Errorf("luacheck over %d files: %v\n%s", len(files), err, out)
	}
	files = nil
	put("typo/Envfile.lua", []byte("box \"debian/bookworm\"\nmachnie \"web\" {}\nenvrun.pth(\"x\")\n"))
	out, err := run(files...)
	if err == nil || !strings.Contains(out, "Envfile.lua:2:1: (W113) accessing undefined variable 'machnie'") ||
		!strings.Contains(out, "Envfile.lua:3:1: (W143) accessing undefined field 'pth' of global 'envrun'") {
		t.Errorf("luacheck did not flag the misspelt names: %v\n%s", err, out)
	}
}
