package luaapi

import (
	"os"
	"runtime"
	"slices"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/suggest"
)

// envrun.provider and envrun.host: facts an Envfile may choose by (a
// box by architecture, workers by CPU count, a synced-folder type by
// provider). Both are read-only, and neither acts on the host: the
// provider is found as `up` finds it, asking a backend whether it answers
// only when nothing names one, and only when a script reads it.

// factsMeta makes envrun.provider and envrun.host read-only fields of
// the envrun table, computed when first read.
func (l *loader) factsMeta(envrun *lua.LTable) {
	L := l.L
	var host *lua.LTable
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		switch L.CheckString(2) {
		case "provider":
			if p := l.readProvider(); p != "" {
				L.Push(lua.LString(p))
			} else {
				L.Push(lua.LNil)
			}
			return 1
		case "host":
			if host == nil {
				host = l.hostFacts()
			}
			L.Push(host)
			return 1
		}
		L.Push(lua.LNil)
		return 1
	}))
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		k := L.Get(2)
		if s, ok := k.(lua.LString); ok && (s == "provider" || s == "host") {
			l.raise(l.pos(), "envrun.%s is read-only (the provider is chosen by --provider, ENVRUN_PROVIDER or provider \"NAME\")", s)
		}
		L.RawSet(L.CheckTable(1), k, L.Get(3))
		return 0
	}))
	L.SetMetatable(envrun, mt)
}

// readProvider is the provider this run uses, as engine.New chooses it,
// remembered with where it was first read.
func (l *loader) readProvider() string {
	if l.env.ProviderRead.Pos.File != "" {
		return l.env.ProviderRead.Name
	}
	name := l.opts.Provider
	if name == "" {
		if l.env.Getenv == nil {
			l.env.Getenv = map[string]*string{}
		}
		v, ok := os.LookupEnv("ENVRUN_PROVIDER")
		if ok {
			l.env.Getenv["ENVRUN_PROVIDER"] = &v
		} else {
			l.env.Getenv["ENVRUN_PROVIDER"] = nil
		}
		name = v
	}
	if name != "" && !slices.Contains(spec.Providers, name) {
		l.raise(l.pos(), "envrun.provider: unknown provider %q%s (known: %s)", name,
			suggest.DidYouMean(name, spec.Providers), strings.Join(spec.Providers, ", "))
	}
	if name == "" {
		// A provider "NAME" call later would choose another: refused.
		l.providerLate = true
		name = l.ef.Provider
	}
	if name == "" && l.opts.FallbackProvider != nil {
		name = l.opts.FallbackProvider()
	}
	l.env.ProviderRead = ProviderRead{Name: name, Pos: l.pos()}
	return name
}

// ProviderRead is what envrun.provider gave the script, and where it was
// first read ("" Pos.File: never read).
type ProviderRead struct {
	Name string
	Pos  spec.Pos
}

// hostFacts is envrun.host, a read-only table.
func (l *loader) hostFacts() *lua.LTable {
	L := l.L
	facts := L.NewTable()
	facts.RawSetString("os", lua.LString(runtime.GOOS))
	facts.RawSetString("arch", lua.LString(runtime.GOARCH))
	facts.RawSetString("cpus", lua.LNumber(runtime.NumCPU()))
	facts.RawSetString("memory", lua.LNumber(hostMemoryMiB()))
	return readOnly(l, facts, "envrun.host")
}

// readOnly is a proxy of t that refuses assignments.
func readOnly(l *loader, t *lua.LTable, what string) *lua.LTable {
	L := l.L
	proxy := L.NewTable()
	mt := L.NewTable()
	mt.RawSetString("__index", t)
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		l.raise(l.pos(), "%s is read-only", what)
		return 0
	}))
	mt.RawSetString("__metatable", lua.LString(what))
	L.SetMetatable(proxy, mt)
	return proxy
}
