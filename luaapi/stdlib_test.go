package luaapi

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/envrun/envrun/internal/golden"

	lua "github.com/yuin/gopher-lua"

	"github.com/envrun/envrun/engine/spec"
)

// TestStdlibLua runs the Lua-side tests of the standard library:
// stdlib/tests/*_test.lua. Each file is loaded as an Envfile with a few
// test builtins; each test "NAME" of it runs in a fresh load of its own:
//
//	test(name, fn)       declares a test
//	eq(got, want, msg)   deep equality of values and tables
//	ok(cond, msg)
//	raises(fn, text)     fn raises an error containing text; returns it
//	finish()             ends the load as Load would (deferred steps);
//	                     returns nil or the error's text (and then drops
//	                     the deferred steps, so that the load ends well)
//	steps_of(machine)    the machine's steps as tables: kind, name,
//	                     inline, privileged, timeout (s), watch, pos
//	here()               the line it is called on
//	sources()            the files the load read (Envfile.Sources)
//	golden(name, text)   text equals stdlib/tests/golden/NAME (-update
//	                     rewrites it)
func TestStdlibLua(t *testing.T) {
	files, err := filepath.Glob("../stdlib/tests/*_test.lua")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Lua tests: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), "_test.lua"), func(t *testing.T) {
			names := luaTests(t, file, "")
			if len(names) == 0 {
				t.Fatalf("%s declares no test", file)
			}
			for _, name := range names {
				t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) { luaTests(t, file, name) })
			}
		})
	}
}

// luaTests loads file and runs the test called only (none when "") and
// returns the names of the tests it declares.
func luaTests(t *testing.T, file, only string) []string {
	t.Helper()
	var names []string
	ran := false
	opts := Options{Print: io.Discard, testing: func(l *loader) {
		L := l.L
		set := func(name string, fn lua.LGFunction) { L.SetGlobal(name, L.NewFunction(fn)) }
		set("test", func(L *lua.LState) int {
			name := L.CheckString(1)
			fn := L.CheckFunction(2)
			names = append(names, name)
			if name == only {
				ran = true
				L.Push(fn)
				L.Call(0, 0)
			}
			return 0
		})
		set("eq", func(L *lua.LState) int {
			got, want := L.Get(1), L.Get(2)
			if !luaEqual(got, want, 0) {
				L.RaiseError("%s: got %s, want %s", L.OptString(3, "eq"), dump(got, 0), dump(want, 0))
			}
			return 0
		})
		set("ok", func(L *lua.LState) int {
			if !lua.LVAsBool(L.Get(1)) {
				L.RaiseError("%s", L.OptString(2, "not ok"))
			}
			return 0
		})
		set("raises", func(L *lua.LState) int {
			fn := L.CheckFunction(1)
			want := L.CheckString(2)
			err := L.CallByParam(lua.P{Fn: fn, NRet: 0, Protect: true})
			if err == nil {
				L.RaiseError("raises: no error, want one containing %q", want)
			}
			msg := convertError(err).Error()
			if !strings.Contains(msg, want) {
				L.RaiseError("raises: error %q does not contain %q", msg, want)
			}
			L.Push(lua.LString(msg))
			return 1
		})
		set("finish", func(L *lua.LState) int {
			if err := l.finish(); err != nil {
				// Drop the steps that failed, so that the load's own
				// finish at the end succeeds.
				for _, m := range l.ef.Machines {
					m.Steps = slices.DeleteFunc(m.Steps, func(s spec.Step) bool { return s.Info().Kind == deferredKind })
				}
				L.Push(lua.LString(err.Error()))
				return 1
			}
			L.Push(lua.LNil)
			return 1
		})
		set("steps_of", func(L *lua.LState) int {
			m := l.ef.Machine(L.CheckString(1))
			if m == nil {
				L.RaiseError("steps_of: no machine %q", L.CheckString(1))
			}
			out := L.NewTable()
			for i, s := range m.Steps { // as the engine will see them
				c := copyStep(s)
				spec.FillStepDefaults(c, i+1)
				out.Append(stepTable(L, c))
			}
			L.Push(out)
			return 1
		})
		set("here", func(L *lua.LState) int {
			dbg, ok := L.GetStack(1)
			if ok {
				L.GetInfo("l", dbg, lua.LNil)
			}
			L.Push(lua.LNumber(dbg.CurrentLine))
			return 1
		})
		set("golden", func(L *lua.LState) int {
			name, text := L.CheckString(1), L.CheckString(2)
			path := filepath.Join("..", "stdlib", "tests", "golden", name)
			if golden.Updating() {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					L.RaiseError("%v", err)
				}
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					L.RaiseError("%v", err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				L.RaiseError("golden: %v (run go test -update to write it)", err)
			}
			if string(want) != text {
				L.RaiseError("golden %s differs:\n--- got\n%s\n--- want\n%s", name, text, want)
			}
			return 0
		})
		set("sources", func(L *lua.LState) int {
			out := L.NewTable()
			for _, s := range l.ef.Sources {
				out.Append(lua.LString(s))
			}
			L.Push(out)
			return 1
		})
	}}
	env, err := Load(context.Background(), file, opts)
	if err != nil {
		t.Fatalf("%v", err)
	}
	env.Close()
	if only != "" && !ran {
		t.Fatalf("test %q did not run", only)
	}
	return names
}

func stepTable(L *lua.LState, s spec.Step) *lua.LTable {
	info := s.Info()
	t := L.NewTable()
	t.RawSetString("kind", lua.LString(info.Kind))
	t.RawSetString("name", lua.LString(info.Name))
	t.RawSetString("pos", lua.LString(info.Pos.String()))
	t.RawSetString("timeout", lua.LNumber(info.Timeout.Seconds()))
	watch := L.NewTable()
	for _, w := range info.Watch {
		watch.Append(lua.LString(w))
	}
	t.RawSetString("watch", watch)
	if sh, ok := s.(*spec.Shell); ok {
		t.RawSetString("inline", lua.LString(sh.Inline))
		t.RawSetString("privileged", lua.LBool(sh.Privileged))
	}
	return t
}

func luaEqual(a, b lua.LValue, depth int) bool {
	ta, ok1 := a.(*lua.LTable)
	tb, ok2 := b.(*lua.LTable)
	if !ok1 || !ok2 {
		return a == b || (a.Type() == b.Type() && a.String() == b.String() && a.Type() != lua.LTTable)
	}
	if depth > 20 {
		return false
	}
	same := true
	count := 0
	ta.ForEach(func(k, v lua.LValue) {
		count++
		if !luaEqual(v, tb.RawGet(k), depth+1) {
			same = false
		}
	})
	tb.ForEach(func(_, _ lua.LValue) { count-- })
	return same && count == 0
}

func dump(v lua.LValue, depth int) string {
	t, ok := v.(*lua.LTable)
	if !ok {
		return luaRepr(v)
	}
	if depth > 5 {
		return "{...}"
	}
	var parts []string
	n := t.Len()
	for i := 1; i <= n; i++ {
		parts = append(parts, dump(t.RawGetInt(i), depth+1))
	}
	var keys []string
	t.ForEach(func(k, val lua.LValue) {
		if num, ok := k.(lua.LNumber); ok && int(num) >= 1 && int(num) <= n {
			return
		}
		keys = append(keys, fmt.Sprintf("%s = %s", k.String(), dump(val, depth+1)))
	})
	slices.Sort(keys)
	return "{ " + strings.Join(append(parts, keys...), ", ") + " }"
}
