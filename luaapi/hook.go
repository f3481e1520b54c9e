package luaapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/shquote"
)

// A hook runs as a coroutine of the Envfile's Lua state. The state is
// single-threaded, so Lua code of all hooks runs one at a time; but when a
// hook calls m:run or m:upload the coroutine yields, the state is unlocked
// while the command runs, and hooks of other machines go on meanwhile.

// hookOp is the work behind one m:run or m:upload call. It runs with the
// Lua state unlocked and must not touch it.
type hookOp func(ctx context.Context) (lua.LValue, error)

// hookWrapperSrc turns a yielding Go operation into a method that returns
// its result or raises its error at the line that called it.
const hookWrapperSrc = `
local yield_op, raise = ...
return function(kind)
  return function(self, ...)
    local ok, result = yield_op(kind, self, ...)
    if not ok then raise(result, 2) end
    return result
  end
end
`

// hook makes a Lua function into a step. The engine calls it as a Go
// closure, from any goroutine.
func (l *loader) hook(fn *lua.LFunction) *spec.Hook {
	h := &spec.Hook{StepInfo: spec.StepInfo{Kind: "hook"}}
	if fn.Proto != nil {
		h.Pos = spec.Pos{File: fn.Proto.SourceName, Line: fn.Proto.LineDefined}
	} else {
		h.Pos = l.pos()
	}
	l.hooks = append(l.hooks, hookFunc{h, fn})
	env, abs := l.env, l.abs
	h.Fn = func(ctx context.Context, m *spec.Machine, r spec.Runner) error {
		env.mu.Lock()
		locked := true
		defer func() {
			if locked {
				env.mu.Unlock()
			}
		}()
		L := env.L
		L.SetContext(ctx)
		co, cancel := L.NewThread()
		L.RemoveContext()
		defer cancel()
		if env.active == nil {
			env.active = map[*lua.LState]spec.Runner{}
		}
		env.active[co] = r
		defer delete(env.active, co) // runs before the unlock above: the state is locked again then
		obj, err := env.machineObject(m, r, abs)
		if err != nil {
			return err
		}
		args := []lua.LValue{obj}
		for {
			st, err, vals := L.Resume(co, fn, args...)
			switch st {
			case lua.ResumeOK:
				return nil
			case lua.ResumeError:
				if ctx.Err() != nil {
					return context.Cause(ctx)
				}
				return convertError(err)
			}
			op, ok := yieldedOp(vals)
			if !ok {
				return fmt.Errorf("%s: the hook yielded a value to envrun; a coroutine in a hook must resume its own yields", h.Pos)
			}
			env.mu.Unlock()
			locked = false
			val, opErr := op(ctx)
			env.mu.Lock()
			locked = true
			if opErr != nil {
				args = []lua.LValue{lua.LFalse, lua.LString(opErr.Error())}
			} else {
				args = []lua.LValue{lua.LTrue, val}
			}
		}
	}
	return h
}

// envrunMachine is envrun.machine(name), called by a running hook:
// another machine of the environment, as the hook's own m is, when the
// graph provisions it before the hook's machine (depends_on).
func (l *loader) envrunMachine(L *lua.LState) int {
	name := L.CheckString(1)
	env := l.env
	r, ok := env.active[L]
	if !ok {
		L.RaiseError("envrun.machine(%q): only a hook (a function step) that runs can reach a machine; envrun.machine_info tells what the Envfile says of one", name)
	}
	pf, ok := r.(spec.PeerFinder)
	if !ok {
		L.RaiseError("envrun.machine(%q): this hook cannot reach other machines", name)
	}
	m, pr, err := pf.Peer(name)
	if err != nil {
		L.RaiseError("envrun.machine: %v", err)
	}
	obj, err := env.machineObject(m, pr, l.abs)
	if err != nil {
		L.RaiseError("envrun.machine(%q): %v", name, err)
	}
	L.Push(obj)
	return 1
}

func yieldedOp(vals []lua.LValue) (hookOp, bool) {
	if len(vals) != 1 {
		return nil, false
	}
	ud, ok := vals[0].(*lua.LUserData)
	if !ok {
		return nil, false
	}
	op, ok := ud.Value.(hookOp)
	return op, ok
}

// runnerKey is where a machine object keeps its runner, out of Lua's reach
// (a light userdata under a key no script can name).
const runnerKey = "\x00envrun.runner"

// hookRunner is what a machine object's methods act on.
type hookRunner struct {
	r   spec.Runner
	abs func(string) string
}

// methodFactory compiles the wrapper once per Lua state. Called with the
// state locked.
func (e *Env) methodFactory() (*lua.LFunction, error) {
	if e.hookMethods != nil {
		return e.hookMethods, nil
	}
	L := e.L
	chunk, err := L.Load(strings.NewReader(hookWrapperSrc), "envrun/hook.lua")
	if err != nil {
		return nil, err
	}
	yieldOp := L.NewFunction(func(L *lua.LState) int {
		kind := L.CheckString(1)
		self := L.CheckTable(2)
		hr, ok := self.RawGetString(runnerKey).(*lua.LUserData)
		if !ok {
			L.RaiseError("m:%s must be called as a method of the machine a hook was given (m:%s(...))", kind, kind)
		}
		h := hr.Value.(*hookRunner)
		var op hookOp
		switch kind {
		case "run":
			cmd := L.CheckString(3)
			op = func(ctx context.Context) (lua.LValue, error) {
				out, err := h.r.Run(ctx, cmd)
				if err != nil {
					return nil, fmt.Errorf("m:run: %w", err)
				}
				return lua.LString(out), nil
			}
		case "read":
			path := L.CheckString(3)
			op = func(ctx context.Context) (lua.LValue, error) {
				out, err := h.r.Run(ctx, "cat -- "+shquote.Quote(path))
				if err != nil {
					return nil, fmt.Errorf("m:read %s: %w", path, err)
				}
				return lua.LString(out), nil
			}
		case "upload":
			src, dst := h.abs(L.CheckString(3)), L.CheckString(4)
			op = func(ctx context.Context) (lua.LValue, error) {
				if err := h.r.Upload(ctx, src, dst); err != nil {
					return nil, fmt.Errorf("m:upload: %w", err)
				}
				return lua.LNil, nil
			}
		}
		ud := L.NewUserData()
		ud.Value = op
		return L.Yield(ud)
	})
	// The wrapper raises with envrun's own error (luaError), never the
	// global `error`, which an Envfile may redefine: a failed m:run must
	// fail the hook, at the hook's line.
	raise := L.NewFunction(luaError)
	if err := L.CallByParam(lua.P{Fn: chunk, NRet: 1, Protect: true}, yieldOp, raise); err != nil {
		return nil, err
	}
	e.hookMethods = L.Get(-1).(*lua.LFunction)
	L.Pop(1)
	return e.hookMethods, nil
}

// machineObject is the `m` a hook receives, and what envrun.machine
// returns: m.name, m.hostname, m.ip, m.user, m.groups, m.interfaces
// ({ NETWORK = "eth1" }), m:run(cmd), m:read(path) and m:upload(src,
// dst). Called with the state locked.
func (e *Env) machineObject(m *spec.Machine, r spec.Runner, abs func(string) string) (*lua.LTable, error) {
	L := e.L
	factory, err := e.methodFactory()
	if err != nil {
		return nil, err
	}
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
	if il, ok := r.(spec.InterfaceLister); ok {
		ifaces := L.NewTable()
		for n, dev := range il.Interfaces() {
			ifaces.RawSetString(n, lua.LString(dev))
		}
		t.RawSetString("interfaces", ifaces)
	}
	ud := L.NewUserData()
	ud.Value = &hookRunner{r: r, abs: abs}
	t.RawSetString(runnerKey, ud)
	for _, kind := range []string{"run", "read", "upload"} {
		if err := L.CallByParam(lua.P{Fn: factory, NRet: 1, Protect: true}, lua.LString(kind)); err != nil {
			return nil, err
		}
		t.RawSetString(kind, L.Get(-1))
		L.Pop(1)
	}
	mt := L.NewTable()
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(fmt.Sprintf("machine %q", m.Name)))
		return 1
	}))
	L.SetMetatable(t, mt)
	return t, nil
}

// hookFunc is a hook and its function, whose digest is taken once the
// Envfile ran (captured values are final then).
type hookFunc struct {
	h  *spec.Hook
	fn *lua.LFunction
}

// digestHooks sets every hook's Digest.
func (l *loader) digestHooks() {
	for _, hf := range l.hooks {
		d := sha256.New()
		digestValue(d, hf.fn, 4)
		hf.h.Digest = hex.EncodeToString(d.Sum(nil))
	}
}

// digestValue writes what makes v behave as it does: a function's code,
// constants and nested functions (not its line numbers, so that moving a
// hook does not change it) and the values it captures; a table's entries.
// depth bounds how far tables and captured functions are followed.
func digestValue(w io.Writer, v lua.LValue, depth int) {
	if depth < 0 {
		io.WriteString(w, "…")
		return
	}
	switch v := v.(type) {
	case *lua.LFunction:
		if v.Proto == nil {
			io.WriteString(w, "gofunction;")
			return
		}
		digestProto(w, v.Proto)
		for _, uv := range v.Upvalues {
			digestValue(w, uv.Value(), depth-1)
		}
		io.WriteString(w, ";")
	case *lua.LTable:
		type kv struct{ k, v lua.LValue }
		var entries []kv
		v.ForEach(func(k, val lua.LValue) { entries = append(entries, kv{k, val}) })
		slices.SortFunc(entries, func(a, b kv) int {
			return strings.Compare(a.k.Type().String()+a.k.String(), b.k.Type().String()+b.k.String())
		})
		io.WriteString(w, "{")
		for _, e := range entries {
			digestValue(w, e.k, depth-1)
			io.WriteString(w, "=")
			digestValue(w, e.v, depth-1)
			io.WriteString(w, ",")
		}
		io.WriteString(w, "}")
	case lua.LString, lua.LNumber, lua.LBool, *lua.LNilType:
		fmt.Fprintf(w, "%s:%q;", v.Type(), v.String())
	default:
		fmt.Fprintf(w, "%s;", v.Type())
	}
}

func digestProto(w io.Writer, p *lua.FunctionProto) {
	fmt.Fprintf(w, "fn(%d,%d,%d)[", p.NumParameters, p.IsVarArg, p.NumUpvalues)
	for _, c := range p.Code {
		fmt.Fprintf(w, "%x,", c)
	}
	io.WriteString(w, "]")
	for _, c := range p.Constants {
		fmt.Fprintf(w, "%s:%q;", c.Type(), c.String())
	}
	for _, sub := range p.FunctionPrototypes {
		digestProto(w, sub)
	}
}
