package luaapi

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/envrun/envrun/engine/spec"
)

// stepArg reads the single table argument of a step builtin.
func (l *loader) stepArg(L *lua.LState, kind, example string) (*lua.LTable, spec.Pos) {
	pos := l.pos()
	t, ok := L.Get(1).(*lua.LTable)
	if !ok || L.GetTop() != 1 {
		l.raise(pos, "%s: expected one table of settings, like %s, got %s", kind, example, typeName(L.Get(1)))
	}
	return t, pos
}

func (l *loader) push(L *lua.LState, s spec.Step) int {
	ud := L.NewUserData()
	ud.Value = s
	L.Push(ud)
	return 1
}

// shell is shell { ... }, a step value, or shell "NAME" { ... }, a
// global shell step.
func (l *loader) shell(L *lua.LState) int {
	if _, ok := L.Get(1).(lua.LString); ok {
		return l.curried("shell", l.globalShell)(L)
	}
	t, pos := l.stepArg(L, "shell", `shell { inline = "echo hi" }`)
	f := l.read("shell", "shell", pos, t)
	s := &spec.Shell{StepInfo: spec.StepInfo{Kind: "shell", Pos: pos, Given: f.given}}
	l.shellInto(f, s)
	return l.push(L, s)
}

// globalShell is shell "NAME" { hosts = ..., after = ..., ... }.
func (l *loader) globalShell(name string, t *lua.LTable, pos spec.Pos) lua.LValue {
	f := l.read("global_shell", fmt.Sprintf("shell %q", name), pos, t)
	s := &spec.Shell{StepInfo: spec.StepInfo{Kind: "shell", Name: name, Pos: pos, Given: f.given}}
	l.shellInto(f, s)
	l.ef.Steps = append(l.ef.Steps, s)
	return lua.LString(name)
}

// shellInto fills s from the keys read and checks what the schema
// cannot.
func (l *loader) shellInto(f *fields, s *spec.Shell) {
	f.into(s)
	if f.val("interpreter") != nil && strings.TrimSpace(s.Interpreter) == "" {
		f.fail("interpreter: expected a command such as \"bash -eu\", got an empty string")
	}
	// secret_env: like env, but the values are never printed.
	secret, _ := f.val("secret_env").(map[string]string)
	for k, v := range secret {
		if s.Env == nil {
			s.Env = map[string]string{}
		}
		if _, dup := s.Env[k]; dup {
			f.fail("secret_env.%s is also in env", k)
		}
		s.Env[k] = v
		s.Secret = append(s.Secret, k)
	}
	slices.Sort(s.Secret)
}

func (l *loader) file(L *lua.LState) int {
	t, pos := l.stepArg(L, "file", `file { source = "motd.txt", destination = "/tmp/motd" }`)
	f := l.read("file", "file", pos, t)
	s := &spec.File{StepInfo: spec.StepInfo{Kind: "file", Pos: pos, Given: f.given}}
	f.into(s)
	return l.push(L, s)
}

func (l *loader) ansible(name string, t *lua.LTable, pos spec.Pos) lua.LValue {
	f := l.read("ansible", fmt.Sprintf("ansible %q", name), pos, t)
	a := &spec.Ansible{StepInfo: spec.StepInfo{Kind: "ansible", Name: name, Pos: pos, Given: f.given}}
	f.into(a)
	switch v := f.val("verbose").(type) {
	case bool:
		if v {
			a.Verbose = 1
		}
	case int:
		a.Verbose = v
	}
	for _, kv := range []struct {
		key  string
		vars map[string]map[string]any
	}{{"group_vars", a.GroupVars}, {"host_vars", a.HostVars}} {
		for _, owner := range slices.Sorted(maps.Keys(kv.vars)) {
			for _, k := range slices.Sorted(maps.Keys(kv.vars[owner])) {
				if spec.IsConnectionVar(k) {
					f.fail("%s.%s.%s: a connection setting, which envrun's inventory gives (the machine's address, user and key)", kv.key, owner, k)
				}
			}
		}
	}
	for i, arg := range a.RawArguments {
		if err := spec.CheckPlaybookArg(arg); err != nil {
			f.fail("raw_arguments: item %d: %v", i+1, err)
		}
	}
	l.ef.Steps = append(l.ef.Steps, a)
	return lua.LString(name)
}
