package luaapi

import (
	"context"
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"github.com/envrun/envrun/engine/spec"
)

// hook makes a Lua function into a step. The engine calls it as a Go
// closure; calls are serialised, because a Lua state is single-threaded.
func (l *loader) hook(fn *lua.LFunction) *spec.Hook {
	h := &spec.Hook{StepInfo: spec.StepInfo{Kind: "hook"}}
	if fn.Proto != nil {
		h.Pos = spec.Pos{File: fn.Proto.SourceName, Line: fn.Proto.LineDefined}
	} else {
		h.Pos = l.pos()
	}
	env, abs := l.env, l.abs
	h.Fn = func(ctx context.Context, m *spec.Machine, r spec.Runner) error {
		env.mu.Lock()
		defer env.mu.Unlock()
		L := env.L
		L.SetContext(ctx)
		defer L.RemoveContext()
		err := L.CallByParam(lua.P{Fn: fn, NRet: 0, Protect: true}, machineObject(ctx, L, m, r, abs))
		if err != nil {
			if ctx.Err() != nil {
				return context.Cause(ctx)
			}
			return convertError(err)
		}
		return nil
	}
	return h
}

// machineObject is the `m` a hook receives: m.name, m.hostname, m.ip,
// m.user, m.groups, m:run(cmd) and m:upload(src, dst).
func machineObject(ctx context.Context, L *lua.LState, m *spec.Machine, r spec.Runner, abs func(string) string) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("name", lua.LString(m.Name))
	t.RawSetString("hostname", lua.LString(m.Hostname))
	if ip := m.IP(); ip.IsValid() {
		t.RawSetString("ip", lua.LString(ip.String()))
	}
	t.RawSetString("user", lua.LString(m.User))
	groups := L.NewTable()
	for _, g := range m.Groups {
		groups.Append(lua.LString(g))
	}
	t.RawSetString("groups", groups)
	t.RawSetString("run", L.NewFunction(func(L *lua.LState) int {
		cmd := L.CheckString(2)
		out, err := r.Run(ctx, cmd)
		if err != nil {
			L.RaiseError("m:run: %v", err)
		}
		L.Push(lua.LString(out))
		return 1
	}))
	t.RawSetString("upload", L.NewFunction(func(L *lua.LState) int {
		src, dst := L.CheckString(2), L.CheckString(3)
		if err := r.Upload(ctx, abs(src), dst); err != nil {
			L.RaiseError("m:upload: %v", err)
		}
		return 0
	}))
	mt := L.NewTable()
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(fmt.Sprintf("machine %q", m.Name)))
		return 1
	}))
	L.SetMetatable(t, mt)
	return t
}
