package luaapi

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	lua "github.com/yuin/gopher-lua"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/suggest"
)

// registerEnvrun adds the functions of the `envrun` table, which the
// standard library is built on and Envfiles and modules may use too:
//
//	envrun.path(rel)            rel against the calling file's folder
//	envrun.read(path)           a file's text (path against the Envfile's folder)
//	envrun.render(text, vars)   a Go text/template rendered with a Lua table
//	envrun.machine_info(name)   what the Envfile says of a machine, or nil
//	envrun.machine(name)        another machine, in a running hook
//	envrun.defer(fn)            a step computed once the whole Envfile ran
//	envrun.suggest(word, list)  the likely intended word of list, or nil
func (l *loader) registerEnvrun(t *lua.LTable) {
	for name, fn := range map[string]lua.LGFunction{
		"path":         l.envrunPath,
		"read":         l.envrunRead,
		"render":       l.envrunRender,
		"machine_info": l.envrunMachineInfo,
		"machine":      l.envrunMachine,
		"defer":        l.envrunDefer,
		"suggest":      envrunSuggest,
	} {
		t.RawSetString(name, l.L.NewFunction(fn))
	}
	l.registerData(t)
}

// envrunRead is envrun.read(path [, default]). The file is one of the
// Envfile's sources: `envrun watch` loads the Envfile again when it
// changes. With a default, a missing file gives the default, and its
// creation later is a change too.
//
// Loading an Envfile must not act on the host, and what it reads it may
// show (validate, graph, inventory print what the Envfile made of it), so
// a file is read only inside the Envfile's folder or a folder Lua code was
// loaded from (a module's own folder), symbolic links resolved.
func (l *loader) envrunRead(L *lua.LState) int {
	data, ok := l.readSource(L, "envrun.read", l.abs(L.CheckString(1)), L.GetTop() >= 2)
	if !ok {
		L.Push(L.Get(2))
		return 1
	}
	L.Push(lua.LString(data))
	return 1
}

// readable reports why envrun.read may not read p, or nil.
func (l *loader) readable(p string) error {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return nil // not there: os.ReadFile says so
	}
	dirs := []string{l.ef.Dir}
	for _, c := range l.chunks {
		if c.root != nil && c.root.dir != "" && !slices.Contains(dirs, c.root.dir) {
			dirs = append(dirs, c.root.dir)
		}
	}
	for _, d := range dirs {
		if rd, err := filepath.EvalSymlinks(d); err == nil {
			if rel, err := filepath.Rel(rd, real); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
				return nil
			}
		}
	}
	return fmt.Errorf("%s is outside the Envfile's folder (%s) and the modules' folders: loading an Envfile reads nothing else of this host (copy the file beside the Envfile, or use a file { source = } step, which runs at up)", p, l.ef.Dir)
}

// envrunRender is envrun.render(text, vars [, name]): text is a Go
// text/template (https://pkg.go.dev/text/template), vars its data. A
// missing key is an error, not "<no value>". Besides the standard
// functions it has join (a list and a separator).
func (l *loader) envrunRender(L *lua.LState) int {
	text := L.CheckString(1)
	name := L.OptString(3, "template")
	var data any = map[string]any{}
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		v, err := toGo(L.Get(2), 0)
		if err != nil {
			l.raise(l.pos(), "envrun.render %s: vars: %v", name, err)
		}
		data = wholeNumbers(v)
	}
	out, err := Render(name, text, data)
	if err != nil {
		l.raise(l.pos(), "%v", err)
	}
	L.Push(lua.LString(out))
	return 1
}

// Render renders a Go text/template the way envrun.render does.
func Render(name, text string, data any) (string, error) {
	tmpl, err := template.New(name).Option("missingkey=error").Funcs(template.FuncMap{
		"join": func(list []any, sep string) string {
			parts := make([]string, len(list))
			for i, v := range list {
				parts[i] = fmt.Sprint(v)
			}
			return strings.Join(parts, sep)
		},
	}).Parse(text)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	if err := tmpl.Execute(&out, data); err != nil {
		return "", err
	}
	return out.String(), nil
}

// wholeNumbers turns Lua's whole numbers into int64, so that a template
// prints 1000000 as 1000000, not 1e+06.
func wholeNumbers(v any) any {
	switch v := v.(type) {
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v)
		}
	case []any:
		for i := range v {
			v[i] = wholeNumbers(v[i])
		}
	case map[string]any:
		for k := range v {
			v[k] = wholeNumbers(v[k])
		}
	}
	return v
}

// envrunMachineInfo is envrun.machine_info(name): { name, hostname, ip,
// user, groups, networks = { NET = IP } } of a machine declared so far, or
// nil. Inside envrun.defer it sees every machine of the Envfile.
func (l *loader) envrunMachineInfo(L *lua.LState) int {
	declared := l.ef.Machine(L.CheckString(1))
	if declared == nil {
		L.Push(lua.LNil)
		return 1
	}
	// With its defaults (hostname, user) as the engine will see it; the
	// defaults step fills the machine itself once the Envfile ran.
	m := &spec.Machine{}
	*m = *declared
	spec.FillMachineDefaults(l.ef, m)
	t := L.NewTable()
	t.RawSetString("name", lua.LString(m.Name))
	t.RawSetString("hostname", lua.LString(m.Hostname))
	t.RawSetString("user", lua.LString(m.User))
	if ip := m.IP(); ip.IsValid() {
		t.RawSetString("ip", lua.LString(ip.String()))
	}
	nets := L.NewTable()
	for _, a := range m.Networks {
		nets.RawSetString(a.Network, lua.LString(a.IP.String()))
	}
	t.RawSetString("networks", nets)
	groups := L.NewTable()
	for _, g := range m.Groups {
		groups.Append(lua.LString(g))
	}
	t.RawSetString("groups", groups)
	L.Push(t)
	return 1
}

// deferredStep stands in a machine's provision list for a step that
// envrun.defer computes once the whole Envfile ran, when every machine is
// known (/etc/hosts entries of all machines, the address of a machine
// declared later).
type deferredStep struct {
	spec.StepInfo
	fn *lua.LFunction
}

const deferredKind = "deferred"

func (l *loader) envrunDefer(L *lua.LState) int {
	fn, ok := L.Get(1).(*lua.LFunction)
	if !ok {
		l.raise(l.pos(), "envrun.defer: expected a function(machine_name) that returns a step, got %s", typeName(L.Get(1)))
	}
	return l.push(L, &deferredStep{StepInfo: spec.StepInfo{Kind: deferredKind, Pos: l.pos()}, fn: fn})
}

// resolveDeferred replaces every deferred step by the step its function
// returns for the machine. Errors point at where the step was deferred
// when they arise in the standard library.
func (l *loader) resolveDeferred() error {
	for _, m := range l.ef.Machines {
		for i, s := range m.Steps {
			d, ok := s.(*deferredStep)
			if !ok {
				continue
			}
			step, err := l.callDeferred(d, m.Name)
			if err != nil {
				return err
			}
			info := step.Info()
			info.Pos = d.Pos
			if info.Name == "" {
				info.Name = info.Kind + strings.TrimPrefix(d.Name, deferredKind)
			}
			m.Steps[i] = step
		}
	}
	return nil
}

func (l *loader) callDeferred(d *deferredStep, machine string) (spec.Step, error) {
	L := l.L
	err := L.CallByParam(lua.P{Fn: d.fn, NRet: 1, Protect: true}, lua.LString(machine))
	if err != nil {
		err = convertError(err)
		if e, ok := err.(*spec.Error); ok && (e.Pos.File == "" || l.stdlib[e.Pos.File]) {
			e.Pos = d.Pos
		}
		return nil, err
	}
	v := L.Get(-1)
	L.Pop(1)
	var step spec.Step
	switch v := v.(type) {
	case *lua.LFunction:
		step = l.hook(v)
	case *lua.LUserData:
		if s, ok := v.Value.(spec.Step); ok && s.Info().Kind != "ansible" && s.Info().Kind != deferredKind {
			step = copyStep(s)
		}
	}
	if step == nil {
		return nil, spec.Errorf(d.Pos, "machine %q: the function given to envrun.defer returned %s, not a step (shell {...}, file {...} or a function)", machine, typeName(v))
	}
	return step, nil
}

func envrunSuggest(L *lua.LState) int {
	word := L.CheckString(1)
	list := L.CheckTable(2)
	var known []string
	for i := 1; i <= list.Len(); i++ {
		if s, ok := list.RawGetInt(i).(lua.LString); ok {
			known = append(known, string(s))
		}
	}
	if s := suggest.Closest(word, known); s != "" {
		L.Push(lua.LString(s))
	} else {
		L.Push(lua.LNil)
	}
	return 1
}
