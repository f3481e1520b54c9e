package luaapi

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/suggest"
)

// Manifest is a module's envrun-module.lua: plain data, like a LuaRocks
// rockspec.
//
//	description = "two web servers behind a proxy"
//	dependencies = {
//	  base = "https://git.example.com/envrun-base.git@v1.2.0",
//	  tls  = { source = "../tls", ref = "v2" },
//	}
type Manifest struct {
	Description  string
	Dependencies map[string]string // name → "SOURCE@REF"
}

// manifestTimeout stops a manifest that loops.
var manifestTimeout = 5 * time.Second

// ReadManifest evaluates a module manifest. It runs with no library and no
// builtin at all: it can only assign data, and a runaway loop is stopped.
func ReadManifest(path string) (*Manifest, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	ctx, cancel := context.WithTimeout(context.Background(), manifestTimeout)
	defer cancel()
	L.SetContext(ctx)
	fn, err := compile(L, src, path)
	if err != nil {
		return nil, err
	}
	L.Push(fn)
	if err := L.PCall(0, 0, nil); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s: did not finish within %s", path, manifestTimeout)
		}
		return nil, convertError(err)
	}
	m := &Manifest{Dependencies: map[string]string{}}
	g := L.Get(lua.GlobalsIndex).(*lua.LTable)
	manifestKeys := spec.EnvfileSchema.Table("module").KeyNames()
	var bad []string
	g.ForEach(func(k, v lua.LValue) {
		if ks, ok := k.(lua.LString); !ok || !slices.Contains(manifestKeys, string(ks)) {
			bad = append(bad, k.String())
		}
	})
	if len(bad) > 0 {
		slices.Sort(bad)
		return nil, fmt.Errorf("%s: unknown key %q%s (a manifest sets %s)", path, bad[0], suggest.DidYouMean(bad[0], manifestKeys), strings.Join(manifestKeys, " and "))
	}
	switch v := g.RawGetString("description").(type) {
	case *lua.LNilType:
	case lua.LString:
		m.Description = string(v)
	default:
		return nil, fmt.Errorf("%s: description: expected a string, got %s", path, typeName(v))
	}
	switch v := g.RawGetString("dependencies").(type) {
	case *lua.LNilType:
	case *lua.LTable:
		var err error
		v.ForEach(func(k, d lua.LValue) {
			if err != nil {
				return
			}
			name, ok := k.(lua.LString)
			if !ok {
				err = fmt.Errorf("%s: dependencies: expected { NAME = \"SOURCE@REF\" }, got key %s", path, luaRepr(k))
				return
			}
			m.Dependencies[string(name)], err = dependency(path, string(name), d)
		})
		if err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%s: dependencies: expected a table, got %s", path, typeName(v))
	}
	return m, nil
}

// dependency reads "SOURCE@REF" or { source = "SOURCE", ref = "REF" }.
func dependency(path, name string, v lua.LValue) (string, error) {
	switch v := v.(type) {
	case lua.LString:
		return string(v), nil
	case *lua.LTable:
		var source, ref string
		var err error
		v.ForEach(func(k, x lua.LValue) {
			s, ok := x.(lua.LString)
			switch {
			case err != nil:
			case k == lua.LString("source") && ok:
				source = string(s)
			case k == lua.LString("ref") && ok:
				ref = string(s)
			default:
				err = fmt.Errorf("%s: dependencies.%s: expected source = \"...\" and ref = \"...\", got %s = %s", path, name, luaRepr(k), luaRepr(x))
			}
		})
		if err == nil && source == "" {
			err = fmt.Errorf("%s: dependencies.%s: source is missing", path, name)
		}
		if ref != "" {
			source += "@" + ref
		}
		return source, err
	}
	return "", fmt.Errorf("%s: dependencies.%s: expected \"SOURCE@REF\" or { source =, ref = }, got %s", path, name, typeName(v))
}
