package luaapi

import (
	"fmt"
	"slices"

	lua "github.com/yuin/gopher-lua"

	"github.com/envrun/envrun/engine/spec"
)

// Keys every step takes.
var commonStepKeys = []string{"name", "timeout", "watch"}

func (l *loader) stepInfo(kind string, f *fields) spec.StepInfo {
	info := spec.StepInfo{Kind: kind, Name: f.str("name"), Pos: f.pos, Timeout: f.duration("timeout")}
	if f.has("timeout") && info.Timeout <= 0 {
		f.fail("timeout must be positive")
	}
	for _, w := range f.strList("watch") {
		info.Watch = append(info.Watch, l.abs(w))
	}
	return info
}

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

func (l *loader) shell(L *lua.LState) int {
	t, pos := l.stepArg(L, "shell", `shell { inline = "echo hi" }`)
	f := l.newFields("shell", pos, t, append([]string{"inline", "path", "args", "privileged", "env", "secret_env"}, commonStepKeys...)...)
	s := &spec.Shell{
		StepInfo:   l.stepInfo("shell", f),
		Inline:     f.str("inline"),
		Path:       l.abs(f.str("path")),
		Args:       f.strList("args"),
		Privileged: f.boolean("privileged", true),
		Env:        f.strMap("env"),
	}
	switch {
	case s.Inline == "" && s.Path == "":
		f.fail("give inline = \"COMMAND\" or path = \"SCRIPT\"")
	case s.Inline != "" && s.Path != "":
		f.fail("inline and path are exclusive: give one")
	}
	// secret_env: like env, but the values are never printed.
	for k, v := range f.strMap("secret_env") {
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
	return l.push(L, s)
}

func (l *loader) file(L *lua.LState) int {
	t, pos := l.stepArg(L, "file", `file { source = "motd.txt", destination = "/tmp/motd" }`)
	f := l.newFields("file", pos, t, append([]string{"source", "destination", "exclude", "sync"}, commonStepKeys...)...)
	s := &spec.File{
		StepInfo:    l.stepInfo("file", f),
		Source:      l.abs(f.str("source")),
		Destination: f.str("destination"),
		Exclude:     f.strList("exclude"),
		Sync:        f.str("sync"),
	}
	if s.Source == "" {
		f.fail("source is missing")
	}
	if s.Destination == "" {
		f.fail("destination is missing")
	}
	return l.push(L, s)
}

var ansibleKeys = append([]string{
	"playbook", "hosts", "extra_vars", "groups", "after", "limit", "tags", "skip_tags",
	"become", "verbose", "vault_password_file", "config", "galaxy_requirements", "forks",
}, commonStepKeys...)

func (l *loader) ansible(name string, t *lua.LTable, pos spec.Pos) lua.LValue {
	f := l.newFields(fmt.Sprintf("ansible %q", name), pos, t, ansibleKeys...)
	info := l.stepInfo("ansible", f)
	if info.Name != "" {
		f.fail("name: an ansible step is named by ansible %q itself", name)
	}
	info.Name = name
	a := &spec.Ansible{
		StepInfo:           info,
		Playbook:           l.abs(f.str("playbook")),
		After:              f.strList("after"),
		Limit:              f.str("limit"),
		Tags:               f.strList("tags"),
		SkipTags:           f.strList("skip_tags"),
		Become:             f.boolean("become", false),
		VaultPasswordFile:  l.abs(f.str("vault_password_file")),
		Config:             l.abs(f.str("config")),
		GalaxyRequirements: l.abs(f.str("galaxy_requirements")),
		Forks:              f.integer("forks", 0),
	}
	if a.Playbook == "" {
		f.fail("playbook is missing")
	}
	if f.has("hosts") {
		a.Hosts = f.strList("hosts")
		if a.Hosts == nil {
			a.Hosts = []string{}
		}
	}
	switch v := f.get("verbose").(type) {
	case lua.LBool:
		if v {
			a.Verbose = 1
		}
	case lua.LNumber:
		a.Verbose = f.integer("verbose", 0)
		if a.Verbose < 0 || a.Verbose > 6 {
			f.fail("verbose: expected 0 to 6, got %d", a.Verbose)
		}
	case *lua.LNilType:
	default:
		f.typeFail("verbose", "boolean or number", v)
	}
	if ev := f.plain("extra_vars"); ev != nil {
		m, ok := ev.(map[string]any)
		if !ok {
			f.fail("extra_vars: expected a table of names to values, got a list")
		}
		a.ExtraVars = m
	}
	if g := f.table("groups"); g != nil {
		a.Groups = map[string][]string{}
		gf := &fields{l: l, what: f.what + ": groups", pos: pos, t: g}
		g.ForEach(func(k, _ lua.LValue) {
			ks, ok := k.(lua.LString)
			if !ok {
				f.fail("groups: expected { GROUP = { machines... } }, got key %s", luaRepr(k))
			}
			a.Groups[string(ks)] = gf.strList(string(ks))
		})
	}
	l.ef.Steps = append(l.ef.Steps, a)
	return lua.LString(name)
}
