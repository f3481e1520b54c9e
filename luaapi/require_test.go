package luaapi

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/spec"
)

// dirModules is a Modules over plain folders, for luaapi's own tests (the
// real one, with git and the lock, is engine/modules.Project).
type dirModules struct {
	dirs  map[string]string
	err   error
	asked []string
}

func (m *dirModules) Dir(_ context.Context, name string) (string, error) {
	m.asked = append(m.asked, name)
	if m.err != nil {
		return "", m.err
	}
	return m.dirs[name], nil
}

// tree writes files (slash paths under root) and returns root.
func tree(t *testing.T, root string, files map[string]string) string {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// requireFixture is a project folder, a fetched module "web" and an
// ENVRUN_PATH folder.
type requireFixture struct {
	root, project, web, path string
	mods                     *dirModules
}

func newRequireFixture(t *testing.T, project, web, path map[string]string) *requireFixture {
	root := t.TempDir()
	f := &requireFixture{
		root:    root,
		project: tree(t, filepath.Join(root, "project"), project),
		web:     tree(t, filepath.Join(root, "cache", "web@1234"), web),
		path:    tree(t, filepath.Join(root, "lib"), path),
	}
	f.mods = &dirModules{dirs: map[string]string{"web": f.web}}
	return f
}

func (f *requireFixture) load(t *testing.T) (*Env, error) {
	t.Helper()
	t.Chdir(f.project)
	var out strings.Builder
	env, err := Load(context.Background(), "Envfile.lua", Options{Path: []string{f.path}, Modules: f.mods, Print: &out, LockFile: filepath.Join(f.project, "Envfile.lock")})
	if env != nil {
		t.Cleanup(env.Close)
	}
	return env, err
}

func TestRequireSearchOrder(t *testing.T) {
	f := newRequireFixture(t,
		map[string]string{
			"Envfile.lua": `
local a = require "shadow"         -- the Envfile's folder wins over the module and the path
local w = require "web"            -- the fetched module's init.lua
local n = require "web.nodes"      -- a file of the fetched module
local p = require "onpath"         -- ENVRUN_PATH, last
local c = require "envrun.cluster" -- the standard library
assert(a == "project" and w.name == "web" and n == "nodes" and p == "path" and type(c.define) == "function")
`,
			"shadow.lua": `return "project"`,
		},
		map[string]string{
			"init.lua":   `return { name = "web" }`,
			"nodes.lua":  `return "nodes"`,
			"shadow.lua": `return "module"`,
		},
		map[string]string{"onpath.lua": `return "path"`, "web.lua": `return "path web"`, "shadow.lua": `return "path"`},
	)
	env, err := f.load(t)
	if err != nil {
		t.Fatal(err)
	}
	// Every Lua file read, fetched ones included, is a source (watch),
	// and so is the lock file that chose the fetched ones.
	want := []string{
		filepath.Join(f.project, "Envfile.lua"), filepath.Join(f.project, "shadow.lua"),
		filepath.Join(f.web, "init.lua"), filepath.Join(f.web, "nodes.lua"), filepath.Join(f.path, "onpath.lua"),
		filepath.Join(f.project, "Envfile.lock"),
	}
	if !slices.Equal(env.Spec.Sources, want) {
		t.Errorf("Sources:\n%q\nwant\n%q", env.Spec.Sources, want)
	}
	// The lock is asked only for names the Envfile's folder lacks.
	if !slices.Equal(f.mods.asked, []string{"web", "onpath"}) {
		t.Errorf("modules asked for %q, want web (once: cached) and onpath", f.mods.asked)
	}
}

func TestRequireRelative(t *testing.T) {
	f := newRequireFixture(t,
		map[string]string{
			"Envfile.lua": `
local web = require "web"
assert(web.util == "web util", "init.lua's .util is the module's util.lua: " .. tostring(web.util))
assert(web.nodes.util == "web util", "nodes.lua's .util is its sibling")
assert(web.nodes.deep == "deep helper", "a package's init.lua starts from its own folder")
assert(web.nodes.up == "web util", "two dots go up one package")
assert(web.name == "web" and web.file:find("init.lua$"), "a module gets its name and file as ...")
assert(web.here:find("/cache/web@1234/files/motd$"), "envrun.path is relative to the calling file: " .. web.here)
local lib = require "lib.a"
assert(lib == "lib b", "relative requires work in the Envfile's folder too")
machine(web.machine) {}
`,
			"util.lua":     `return "project util"`, // must not be taken for web's
			"web/util.lua": `return "project web util"`,
			"lib/a.lua":    `return require ".b"`,
			"lib/b.lua":    `return "lib b"`,
		},
		map[string]string{
			"init.lua": `
local name, file = ...
local nodes = require ".nodes"
return { name = name, file = file, util = require ".util", nodes = nodes, machine = nodes.make(),
         here = envrun.path("files/motd") }`,
			"util.lua":        `return "web util"`,
			"nodes.lua":       `return { util = require ".util", deep = require(".deep").helper, up = require(".deep").up, make = function() return "from-module" end }`,
			"deep/init.lua":   `return { helper = require ".helper", up = require "..util" }`,
			"deep/helper.lua": `return "deep helper"`,
		},
		nil,
	)
	env, err := f.load(t)
	if err != nil {
		t.Fatal(err)
	}
	// A module has the builtins: it declared a machine.
	if m := env.Spec.Machine("from-module"); m == nil {
		t.Errorf("the machine the module declared is missing")
	}
}

func TestRequireErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		envfile  string
		web      map[string]string
		modErr   error
		wantFile string // "" means the Envfile
		wantLine int
		want     string
	}{
		{
			name:     "error inside a module",
			envfile:  "local web = require 'web'\nweb.broken()\n",
			web:      map[string]string{"init.lua": "local M = {}\nfunction M.broken()\n  local x = nil\n  return x.field\nend\nreturn M\n"},
			wantFile: "init.lua", wantLine: 4, want: "attempt to index a non-table object(nil) with key 'field'",
		},
		{
			name:     "bad declaration inside a module",
			envfile:  "require 'web'\n",
			web:      map[string]string{"init.lua": "\n\nmachine 'x' { cpu = 1 }\n"},
			wantFile: "init.lua", wantLine: 3, want: `machine "x": unknown key "cpu" (did you mean "cpus"?)`,
		},
		{
			name:     "syntax error inside a module file",
			envfile:  "require 'web.sub'\n",
			web:      map[string]string{"init.lua": "return {}", "sub.lua": "local = 1\n"},
			wantFile: "sub.lua", wantLine: 1, want: "syntax error",
		},
		{
			name:     "relative require above the module",
			envfile:  "\nrequire 'web'\n",
			web:      map[string]string{"init.lua": "return require '..other'\n"},
			wantFile: "init.lua", wantLine: 1, want: `require "..other": goes above module "web"`,
		},
		{
			name:     "relative name not found stays in the module",
			envfile:  "require 'web'\n",
			web:      map[string]string{"init.lua": "\nreturn require '.missing'\n"},
			wantFile: "init.lua", wantLine: 2, want: `module "web.missing" not found`,
		},
		{
			name:     "hash mismatch",
			envfile:  "box 'x'\nlocal web = require 'web'\n",
			modErr:   errors.New(`Envfile.lock: module "web": content hash mismatch`),
			wantLine: 2, want: `require "web": Envfile.lock: module "web": content hash mismatch`,
		},
		{
			name:     "unknown module",
			envfile:  "\nrequire 'nosuch.thing'\n",
			wantLine: 2, want: "envrun module add nosuch SOURCE[@REF]",
		},
		{
			name:     "loop",
			envfile:  "require 'web'\n",
			web:      map[string]string{"init.lua": "require '.a'", "a.lua": "require 'web'"},
			wantFile: "a.lua", wantLine: 1, want: "the module requires itself",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			web := tc.web
			if web == nil {
				web = map[string]string{"init.lua": "return {}"}
			}
			f := newRequireFixture(t, map[string]string{"Envfile.lua": tc.envfile}, web, nil)
			f.mods.err = tc.modErr
			_, err := f.load(t)
			var e *spec.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v (%T), want a *spec.Error", err, err)
			}
			wantFile := "Envfile.lua"
			if tc.wantFile != "" {
				wantFile = filepath.Join(f.web, tc.wantFile)
			}
			if e.Pos.File != wantFile || e.Pos.Line != tc.wantLine || !strings.Contains(e.Msg, tc.want) {
				t.Errorf("got %s:%d: %s\nwant %s:%d: ...%s...", e.Pos.File, e.Pos.Line, e.Msg, wantFile, tc.wantLine, tc.want)
			}
		})
	}
}

func TestReadManifest(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
		deps             map[string]string
	}{
		{name: "both forms", text: `description = "web"
dependencies = { base = "../base@v1", tls = { source = "https://h/tls.git", ref = "v2" }, plain = { source = "/srv/p" } }`,
			deps: map[string]string{"base": "../base@v1", "tls": "https://h/tls.git@v2", "plain": "/srv/p"}},
		{name: "empty", text: "-- nothing needed\n", deps: map[string]string{}},
		{name: "typo", text: `dependncies = {}`, want: `unknown key "dependncies" (did you mean "dependencies"?)`},
		{name: "no builtins", text: `machine "x" {}`, want: "attempt to call a non-function object"},
		{name: "bad value", text: `dependencies = { base = 1 }`, want: `dependencies.base: expected "SOURCE@REF"`},
		{name: "bad table", text: `dependencies = { base = { src = "x" } }`, want: `dependencies.base: expected source = "..." and ref = "..."`},
		{name: "runaway", text: `while true do end`, want: "did not finish within 100ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "runaway" {
				// Only the manifest that loops meets the limit: the others
				// must not fail on a slow machine.
				defer func(d time.Duration) { manifestTimeout = d }(manifestTimeout)
				manifestTimeout = 100 * time.Millisecond
			}
			p := filepath.Join(t.TempDir(), "envrun-module.lua")
			os.WriteFile(p, []byte(tc.text), 0o644)
			m, err := ReadManifest(p)
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("got %v, want an error containing %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Dependencies) != len(tc.deps) {
				t.Errorf("dependencies %v, want %v", m.Dependencies, tc.deps)
			}
			for k, v := range tc.deps {
				if m.Dependencies[k] != v {
					t.Errorf("%s = %q, want %q", k, m.Dependencies[k], v)
				}
			}
		})
	}
}
