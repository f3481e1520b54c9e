// Package luadefs makes, from the Envfile's schema (spec.EnvfileSchema),
// what editors and linters need to know of an Envfile: definitions for
// Lua's language server (LuaLS), its .luarc.json, and luacheck's globals;
// and the reference of builtins (docs/reference.md).
package luadefs

//go:generate go run ./gen ../../docs/reference.md ../../testdata/lua-defs

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/luaapi"
)

// Marker is in the first lines of every file envrun lua-defs writes: a
// file without it is the user's, and is never overwritten.
const Marker = "Written by envrun lua-defs"

// DefsDir is where the definitions go, inside the folder given.
const DefsDir = ".luals"

// File is one file lua-defs writes, its path relative to the folder.
type File struct {
	Path string
	Data []byte
}

// Files are the files lua-defs writes for schema s.
func Files(s *spec.Schema) []File {
	return []File{
		{Path: DefsDir + "/envrun.lua", Data: []byte(Definitions(s))},
		{Path: ".luarc.json", Data: luarc()},
		{Path: ".luacheckrc", Data: []byte(Luacheck(s))},
	}
}

// HasMarker reports whether data (a file's start) was written by lua-defs.
func HasMarker(data []byte) bool {
	if len(data) > 512 {
		data = data[:512]
	}
	return strings.Contains(string(data), Marker)
}

func luarc() []byte {
	data, _ := json.MarshalIndent(map[string]any{
		"$comment":                 Marker + " (envrun's definitions for Lua's language server); it rewrites this file, remove this line to keep your edits.",
		"runtime.version":          "Lua 5.1",
		"workspace.library":        []string{DefsDir},
		"workspace.ignoreDir":      []string{".envrun"},
		"diagnostics.libraryFiles": "Disable",
	}, "", "  ")
	return append(data, '\n')
}

// Luacheck is a .luacheckrc whose std is an Envfile's globals: envrun's
// builtins and the part of Lua's standard library an Envfile has, all
// read-only; a module manifest sets its two keys and nothing else.
func Luacheck(s *spec.Schema) string {
	var b strings.Builder
	fmt.Fprintf(&b, "-- %s: the globals of an Envfile, for luacheck. It rewrites this\n-- file; remove these lines to keep your edits.\n", Marker)
	b.WriteString("stds.envrun = {\n  read_globals = {\n")
	globals := map[string][]string{}
	for name, fields := range luaapi.StandardGlobals() {
		globals[name] = slices.DeleteFunc(fields, func(f string) bool { return strings.HasPrefix(f, "__") })
	}
	for _, bi := range s.Builtins {
		globals[bi.Name] = nil
	}
	for _, g := range s.Globals {
		var fields []string
		for _, f := range g.Fields {
			fields = append(fields, f.Name)
		}
		for _, f := range g.Funcs {
			fields = append(fields, f.Name)
		}
		slices.Sort(fields)
		globals[g.Name] = fields
	}
	for _, name := range slices.Sorted(maps.Keys(globals)) {
		fields := globals[name]
		if fields == nil {
			fmt.Fprintf(&b, "    %q,\n", name)
			continue
		}
		q := make([]string, len(fields))
		for i, f := range fields {
			q[i] = fmt.Sprintf("%q", f)
		}
		fmt.Fprintf(&b, "    %s = { fields = { %s } },\n", name, strings.Join(q, ", "))
	}
	b.WriteString("  },\n}\nstd = \"envrun\"\nmax_line_length = false\nunused_args = false -- a hook's m, an envrun.defer function's machine name\n")
	var manifest []string
	for _, k := range s.Table("module").Keys {
		manifest = append(manifest, fmt.Sprintf("%q", k.Name))
	}
	fmt.Fprintf(&b, "-- A module's envrun-module.lua only assigns its keys.\nfiles[\"**/envrun-module.lua\"] = { std = \"none\", globals = { %s } }\n", strings.Join(manifest, ", "))
	return b.String()
}
