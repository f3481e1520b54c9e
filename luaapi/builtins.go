package luaapi

import (
	"fmt"
	"maps"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/suggest"
)

// openLibs opens the parts of Lua's standard library an Envfile needs. No
// io, no os.execute/exit/remove, no dofile/loadfile: an Envfile describes
// an environment; it does not act on the host while loading.
func (l *loader) openLibs() {
	L := l.L
	for _, lib := range []struct {
		name string
		fn   lua.LGFunction
	}{
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.OsLibName, lua.OpenOs},
	} {
		L.Push(L.NewFunction(lib.fn))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	for _, name := range []string{"dofile", "loadfile", "module"} {
		L.SetGlobal(name, lua.LNil)
	}
	guardRep(L)
	L.SetGlobal("error", L.NewFunction(luaError))
	osLib := L.GetGlobal("os").(*lua.LTable)
	keep := L.NewTable()
	keep.RawSetString("difftime", osLib.RawGetString("difftime"))
	// What the load read of the environment and the clock is recorded,
	// so that a cache of its results (shell completion) knows its inputs.
	keep.RawSetString("getenv", L.NewFunction(func(L *lua.LState) int {
		name := L.CheckString(1)
		if l.env.Getenv == nil {
			l.env.Getenv = map[string]*string{}
		}
		v, ok := os.LookupEnv(name)
		if !ok {
			l.env.Getenv[name] = nil
			L.Push(lua.LNil)
			return 1
		}
		l.env.Getenv[name] = &v
		L.Push(lua.LString(v))
		return 1
	}))
	for _, name := range []string{"time", "date", "clock"} {
		fn := osLib.RawGetString(name).(*lua.LFunction).GFunction
		keep.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			l.env.Clock = true
			return fn(L)
		}))
	}
	L.SetGlobal("os", keep)
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		parts := make([]string, L.GetTop())
		for i := range parts {
			parts[i] = L.ToStringMeta(L.Get(i + 1)).String()
		}
		fmt.Fprintln(l.opts.Print, strings.Join(parts, "\t"))
		return 0
	}))
}

// luaError is Lua's error(message [, level]). gopher-lua's own counts
// its own Go frame as level 1, so that error(msg, 2) blames the function
// that called error instead of its caller; helper modules rely on levels
// to point errors at the line that misused them.
func luaError(L *lua.LState) int {
	obj := L.CheckAny(1)
	level := L.OptInt(2, 1)
	if s, ok := obj.(lua.LString); ok && level > 0 {
		if dbg, ok := L.GetStack(level); ok {
			if _, err := L.GetInfo("Sl", dbg, lua.LNil); err == nil && dbg.CurrentLine > 0 {
				obj = lua.LString(fmt.Sprintf("%s:%d: %s", dbg.Source, dbg.CurrentLine, s))
			}
		}
	}
	L.Error(obj, 0)
	return 0
}

// register installs envrun's builtins as globals.
func (l *loader) register() {
	L := l.L
	for name, fn := range map[string]lua.LGFunction{
		"box":      l.box,
		"provider": l.provider,
		"network":  l.curried("network", l.network),
		"engine":   l.curried("engine", l.engine),
		"machine":  l.curried("machine", l.machine),
		"ansible":  l.curried("ansible", l.ansible),
		"trigger":  l.curried("trigger", l.trigger),
		"defaults": l.defaultsBuiltin,
		"machines": l.machines,
		"shell":    l.shell,
		"file":     l.file,
		"require":  l.require,
	} {
		L.SetGlobal(name, L.NewFunction(fn))
	}
	L.SetGlobal("box_catalog", L.NewFunction(l.curried("box_catalog", l.boxCatalog)))
	envrun := L.NewTable()
	envrun.RawSetString("dir", lua.LString(l.ef.Dir))
	envrun.RawSetString("envfile", lua.LString(l.ef.Path))
	l.registerEnvrun(envrun)
	l.factsMeta(envrun)
	L.SetGlobal("envrun", envrun)
	l.strictGlobals()
}

// strictGlobals makes reading an undefined global an error that names it
// and suggests the closest defined name: `machin "web" {}` says
// unknown name "machin" (did you mean "machine"?) instead of
// "attempt to call a nil value".
func (l *loader) strictGlobals() {
	L := l.L
	globals := L.Get(lua.GlobalsIndex).(*lua.LTable)
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		name := L.CheckString(2)
		var known []string
		globals.ForEach(func(k, _ lua.LValue) {
			if s, ok := k.(lua.LString); ok {
				known = append(known, string(s))
			}
		})
		slices.Sort(known)
		l.raise(l.pos(), "unknown name %q%s (a global that was never set)", name, suggest.DidYouMean(name, known))
		return 0
	}))
	L.SetMetatable(globals, mt)
}

// curried lets a declaration be written `kind "name" { ... }` as well as
// `kind("name", { ... })`.
func (l *loader) curried(kind string, declare func(name string, t *lua.LTable, pos spec.Pos) lua.LValue) lua.LGFunction {
	return func(L *lua.LState) int {
		name, ok := L.Get(1).(lua.LString)
		if !ok {
			l.raise(l.pos(), "%s: the first argument must be the %s's name (a string), got %s", kind, kind, typeName(L.Get(1)))
		}
		if L.GetTop() >= 2 {
			t, ok := L.Get(2).(*lua.LTable)
			if !ok {
				l.raise(l.pos(), "%s %q: expected a table of settings, got %s", kind, name, typeName(L.Get(2)))
			}
			L.Push(declare(string(name), t, l.pos()))
			return 1
		}
		L.Push(L.NewFunction(func(L *lua.LState) int {
			t, ok := L.Get(1).(*lua.LTable)
			if !ok {
				l.raise(l.pos(), "%s %q: expected a table of settings, like %s %q { ... }, got %s", kind, name, kind, name, typeName(L.Get(1)))
			}
			L.Push(declare(string(name), t, l.pos()))
			return 1
		}))
		return 1
	}
}

func (l *loader) box(L *lua.LState) int {
	name, ok := L.Get(1).(lua.LString)
	if !ok || name == "" {
		l.raise(l.pos(), "box: expected a box name (a string like \"debian/bookworm\"), got %s", typeName(L.Get(1)))
	}
	l.ef.Box = string(name)
	return 0
}

func (l *loader) provider(L *lua.LState) int {
	name, ok := L.Get(1).(lua.LString)
	if !ok {
		l.raise(l.pos(), "provider: expected a provider name (a string), got %s", typeName(L.Get(1)))
	}
	if !slices.Contains(spec.Providers, string(name)) {
		l.raise(l.pos(), "provider: unknown provider %q%s (known: %s)", name,
			suggest.DidYouMean(string(name), spec.Providers), strings.Join(spec.Providers, ", "))
	}
	if r := l.env.ProviderRead; r.Pos.File != "" && r.Name != string(name) && l.providerLate {
		l.raise(l.pos(), "provider %q: envrun.provider was read before, at %s, and gave %s: call provider \"NAME\" before reading envrun.provider", name, r.Pos, quoteOrNil(r.Name))
	}
	l.ef.Provider, l.ef.ProviderPos = string(name), l.pos()
	return 0
}

func (l *loader) network(name string, t *lua.LTable, pos spec.Pos) lua.LValue {
	f := l.read("network", fmt.Sprintf("network %q", name), pos, t)
	n := &spec.Network{Name: name, Pos: pos, Given: f.given}
	f.into(n)
	l.ef.Networks = append(l.ef.Networks, n)
	return lua.LString(name)
}

func (l *loader) engine(name string, t *lua.LTable, pos spec.Pos) lua.LValue {
	f := l.read("engine", fmt.Sprintf("engine %q", name), pos, t)
	en := &spec.Engine{Name: name, Pos: pos, Given: f.given}
	f.into(en)
	l.ef.Engines = append(l.ef.Engines, en)
	return lua.LString(name)
}

// boxCatalog is box_catalog "NAME" { ... }: an entry of the Docker box
// catalog, checked by spec.Validate and the Docker provider.
func (l *loader) boxCatalog(name string, t *lua.LTable, pos spec.Pos) lua.LValue {
	f := l.read("box_catalog", fmt.Sprintf("box_catalog %q", name), pos, t)
	b := &spec.BoxEntry{Name: name, Pos: pos, Given: f.given}
	f.into(b)
	l.ef.BoxCatalog = append(l.ef.BoxCatalog, b)
	return lua.LString(name)
}

func (l *loader) machine(name string, t *lua.LTable, pos spec.Pos) lua.LValue {
	f := l.read("machine", fmt.Sprintf("machine %q", name), pos, t)
	m := &spec.Machine{Name: name, Providers: map[string]spec.Options{}, Pos: pos, Given: f.given}
	l.machineFields(f, m, pos)
	nets, _ := f.val("networks").(map[string]netip.Addr)
	for net, ip := range nets {
		m.Networks = append(m.Networks, spec.Attachment{Network: net, IP: ip})
	}
	l.sortNetworks(m)
	if auto, ok := f.val("autostart").(bool); ok {
		m.NoAutostart = !auto
	}
	if ports, ok := f.val("ports").([]any); ok {
		m.Ports = l.ports(f, ports)
	}
	l.ef.Machines = append(l.ef.Machines, m)
	return lua.LString(name)
}

// machineFields reads what machine { } and defaults { } share into m.
func (l *loader) machineFields(f *fields, m *spec.Machine, pos spec.Pos) {
	f.into(m)
	folders, _ := f.val("synced_folders").(map[string]any)
	for host, v := range folders {
		sf := spec.SyncedFolder{Host: l.abs(host)}
		switch v := v.(type) {
		case string:
			sf.Guest = v
		case map[string]any:
			sf.Guest, _ = v["guest"].(string)
			sf.Owner, _ = v["owner"].(string)
			sf.Group, _ = v["group"].(string)
			sf.Type, _ = v["type"].(string)
			switch ex := v["exclude"].(type) { // checked by read: strings
			case string:
				sf.Exclude = []string{ex}
			case []any:
				for _, p := range ex {
					sf.Exclude = append(sf.Exclude, p.(string))
				}
			}
		}
		m.SyncedFolders = append(m.SyncedFolders, sf)
	}
	slices.SortFunc(m.SyncedFolders, func(a, b spec.SyncedFolder) int { return strings.Compare(a.Guest, b.Guest) })
	if v, ok := f.val("ssh").(map[string]any); ok { // read against the schema's ssh table
		ssh := spec.EnvfileSchema.Table("ssh")
		for _, k := range slices.Sorted(maps.Keys(v)) {
			spec.SetField(&m.SSH, ssh.Key(k), v[k])
			m.SSH.Given = append(m.SSH.Given, k)
		}
	}
	for _, p := range spec.Providers {
		if v, ok := f.val(p).(map[string]any); ok {
			m.Providers[p] = spec.Options{Values: v, Pos: pos}
		}
	}
	if prov, ok := f.val("provision").(*lua.LTable); ok {
		m.Steps = l.steps(f, prov)
	}
}

// defaultsBuiltin is defaults { ... }: settings every machine gets, merged
// by finish once the whole Envfile ran (a machine declared before it gets
// them too, as in a Vagrantfile).
func (l *loader) defaultsBuiltin(L *lua.LState) int {
	pos := l.pos()
	t, ok := L.Get(1).(*lua.LTable)
	if !ok {
		l.raise(pos, "defaults: expected a table of settings, like defaults { memory = 512 }, got %s", typeName(L.Get(1)))
	}
	if l.defaults != nil {
		l.raise(pos, "defaults: given twice (first at %s): give every default in one defaults { }", l.defaults.Pos)
	}
	f := l.read("defaults", "defaults", pos, t)
	d := &spec.Machine{Providers: map[string]spec.Options{}, Pos: pos, Given: f.given}
	l.machineFields(f, d, pos)
	l.defaults = d
	return 0
}

// mergeDefaults merges the defaults d into machine m: a key m gave wins;
// groups, vars, synced folders and provider tables merge (m's own entry
// winning); d's steps run before m's own.
func mergeDefaults(m, d *spec.Machine) {
	for _, k := range d.Given {
		switch k {
		case "box", "box_url", "box_version", "box_download_checksum", "user", "cpus", "memory":
			if m.Given.Has(k) {
				continue
			}
			switch k {
			case "box":
				m.Box = d.Box
			case "box_url":
				m.BoxURL = d.BoxURL
			case "box_version":
				m.BoxVersion = d.BoxVersion
			case "box_download_checksum":
				m.BoxDownloadChecksum = d.BoxDownloadChecksum
			case "user":
				m.User = d.User
			case "cpus":
				m.CPUs = d.CPUs
			case "memory":
				m.Memory = d.Memory
			}
		case "ssh":
			// Key by key: the machine's own win.
			if !m.SSH.Given.Has("forward_agent") {
				m.SSH.ForwardAgent = d.SSH.ForwardAgent
			}
			if !m.SSH.Given.Has("port") {
				m.SSH.Port = d.SSH.Port
			}
		case "groups":
			var gs []string
			for _, g := range append(slices.Clone(d.Groups), m.Groups...) {
				if !slices.Contains(gs, g) {
					gs = append(gs, g)
				}
			}
			m.Groups = gs
		case "vars":
			vars := maps.Clone(d.Vars)
			maps.Copy(vars, m.Vars)
			m.Vars = vars
		case "synced_folders":
			for _, sf := range d.SyncedFolders {
				if !slices.ContainsFunc(m.SyncedFolders, func(o spec.SyncedFolder) bool { return o.Guest == sf.Guest }) {
					m.SyncedFolders = append(m.SyncedFolders, sf)
				}
			}
			slices.SortFunc(m.SyncedFolders, func(a, b spec.SyncedFolder) int { return strings.Compare(a.Guest, b.Guest) })
		case "provision":
			steps := make([]spec.Step, 0, len(d.Steps)+len(m.Steps))
			for _, s := range d.Steps {
				steps = append(steps, copyStep(s))
			}
			m.Steps = append(steps, m.Steps...)
		case "docker", "libvirt", "virtualbox":
			dv := d.Providers[k]
			own, ok := m.Providers[k]
			if !ok {
				m.Providers[k] = spec.Options{Values: maps.Clone(dv.Values), Pos: dv.Pos}
				break
			}
			vals := maps.Clone(dv.Values)
			maps.Copy(vals, own.Values)
			m.Providers[k] = spec.Options{Values: vals, Pos: own.Pos}
		default:
			continue
		}
		if !m.Given.Has(k) {
			m.Given = append(m.Given, k)
		}
	}
}

// trigger is trigger "NAME" { ... }: a host command around a command.
func (l *loader) trigger(name string, t *lua.LTable, pos spec.Pos) lua.LValue {
	f := l.read("trigger", fmt.Sprintf("trigger %q", name), pos, t)
	tr := &spec.Trigger{Name: name, Pos: pos, Given: f.given}
	f.into(tr) // on_error, env; the defaults step fills on_error's default
	for _, when := range []string{"before", "after"} {
		switch v := f.val(when).(type) {
		case string:
			tr.When, tr.Events = when, []string{v}
		case []string:
			tr.When, tr.Events = when, v
		}
	}
	if len(tr.Events) == 0 {
		f.fail("%s: name at least one of %s", tr.When, strings.Join(spec.TriggerEvents, ", "))
	}
	switch v := f.val("run").(type) {
	case string:
		tr.Inline = v
	case []string:
		tr.Argv = v
	}
	if tr.Inline == "" && len(tr.Argv) == 0 {
		f.fail("run: expected a command, got an empty one")
	}
	for _, o := range l.ef.Triggers {
		if o.Name == name {
			f.fail("a trigger of that name exists already (%s)", o.Pos)
		}
	}
	l.ef.Triggers = append(l.ef.Triggers, tr)
	return lua.LString(name)
}

// sortNetworks orders a machine's networks as the networks were declared,
// then the unknown ones by name (Validate reports those): its IP is the
// address on the first.
func (l *loader) sortNetworks(m *spec.Machine) {
	order := map[string]int{}
	for i, n := range l.ef.Networks {
		order[n.Name] = i
	}
	slices.SortStableFunc(m.Networks, func(a, b spec.Attachment) int {
		ia, oka := order[a.Network]
		ib, okb := order[b.Network]
		switch {
		case oka && okb:
			return ia - ib
		case oka:
			return -1
		case okb:
			return 1
		}
		return strings.Compare(a.Network, b.Network)
	})
}

// steps reads a provision list: step values and Lua functions.
func (l *loader) steps(f *fields, t *lua.LTable) []spec.Step {
	n := t.Len()
	count := 0
	t.ForEach(func(_, _ lua.LValue) { count++ })
	if count != n {
		f.fail("provision: expected a list of steps, got a table with keys")
	}
	var out []spec.Step
	for i := 1; i <= n; i++ {
		var s spec.Step
		switch v := t.RawGetInt(i).(type) {
		case *lua.LFunction:
			s = l.hook(v)
		case lua.LString:
			if g := l.ef.Step(string(v)); g != nil {
				f.fail("provision: item %d: %s %q runs once over many machines: declare it outside machines, with hosts = { ... }", i, g.Info().Kind, v)
			}
			f.fail("provision: item %d: expected a step (shell {...}, file {...}) or a function, got string", i)
		case *lua.LUserData:
			st, ok := v.Value.(spec.Step)
			if !ok {
				f.fail("provision: item %d is not a step", i)
			}
			s = copyStep(st)
		default:
			f.fail("provision: item %d: expected a step (shell {...}, file {...}) or a function, got %s", i, typeName(v))
		}
		out = append(out, s)
	}
	return out
}

// copyStep copies a step value, so one value used by many machines gets
// a name of its own in each.
func copyStep(s spec.Step) spec.Step {
	switch s := s.(type) {
	case *spec.Shell:
		c := *s
		return &c
	case *spec.File:
		c := *s
		return &c
	case *spec.Hook:
		c := *s
		return &c
	case *deferredStep:
		c := *s
		return &c
	}
	return s
}

func (l *loader) machines(L *lua.LState) int {
	group := ""
	if t, ok := L.Get(1).(*lua.LTable); ok {
		group, _ = l.read("machines", "machines", l.pos(), t).val("group").(string)
	} else if L.GetTop() > 0 && L.Get(1) != lua.LNil {
		l.raise(l.pos(), "machines: expected nothing or { group = \"NAME\" }, got %s", typeName(L.Get(1)))
	}
	out := L.NewTable()
	for _, m := range l.ef.Machines {
		if group == "" || slices.Contains(m.Groups, group) {
			out.Append(lua.LString(m.Name))
		}
	}
	L.Push(out)
	return 1
}

// portTable is the schema's port table. A port written as a string
// ("8080:80/udp") takes its default protocol, its protocols and its
// ports' range too.
var portTable = spec.EnvfileSchema.Table("port")

// ports reads a machine's ports: strings (spec.Port already) and port
// tables, whose keys and types the loader checked against the schema's
// port table; its defaults and ranges apply here.
func (l *loader) ports(f *fields, items []any) []spec.Port {
	out := make([]spec.Port, 0, len(items))
	for i, it := range items {
		switch it := it.(type) {
		case spec.Port:
			out = append(out, it)
		case map[string]any:
			var p spec.Port
			given := make(spec.Keys, 0, len(it))
			for _, k := range slices.Sorted(maps.Keys(it)) {
				spec.SetField(&p, portTable.Key(k), it[k])
				given = append(given, k)
			}
			spec.FillKeys(portTable, given, &p)
			if why := spec.OutOfRange(portTable, given, &p); len(why) > 0 {
				f.fail("ports: item %d: %s", i+1, why[0])
			}
			out = append(out, p)
		}
	}
	return out
}

// ParsePort reads "8080:80", "127.0.0.1:8080:80" or "5353:53/udp".
func ParsePort(s string) (spec.Port, error) {
	var p spec.Port
	spec.FillKeys(portTable, nil, &p)
	rest := s
	if i := strings.LastIndex(rest, "/"); i >= 0 {
		p.Protocol = rest[i+1:]
		rest = rest[:i]
		if protocols := portTable.Key("protocol").Type.Enum; !slices.Contains(protocols, p.Protocol) {
			return p, fmt.Errorf("%q: protocol must be %s", s, strings.Join(protocols, " or "))
		}
	}
	parts := strings.Split(rest, ":")
	switch len(parts) {
	case 2:
	case 3:
		if _, err := netip.ParseAddr(parts[0]); err != nil {
			return p, fmt.Errorf("%q: %q is not an IP address", s, parts[0])
		}
		p.HostIP = parts[0]
		parts = parts[1:]
	default:
		return p, fmt.Errorf("%q is not HOST:GUEST (like \"8080:80\")", s)
	}
	var err error
	if p.Host, err = portNumber("host", parts[0]); err != nil {
		return p, fmt.Errorf("%q: host port %v", s, err)
	}
	if p.Guest, err = portNumber("guest", parts[1]); err != nil {
		return p, fmt.Errorf("%q: guest port %v", s, err)
	}
	return p, nil
}

// portNumber reads the port of key (host or guest) in the range of the
// port table's key.
func portNumber(key, s string) (int, error) {
	r := portTable.Key(key).Range
	n, err := strconv.Atoi(s)
	if err != nil || r.Check(float64(n), "", "") != "" {
		return 0, fmt.Errorf("%q is not a port number (%s)", s, r)
	}
	return n, nil
}

func quoteOrNil(s string) string {
	if s == "" {
		return "nil"
	}
	return strconv.Quote(s)
}

// maxRepBytes is the largest string string.rep makes in a load.
func maxRepBytes() uint64 { return maxLoadMemory / 4 }

// guardRep replaces string.rep (also ("x"):rep, through the strings'
// metatable, which shares the table) with one that refuses a result past
// maxRepBytes: ("x"):rep(1e11) is one allocation, which the Go runtime
// answers with a fatal out-of-memory crash before the load's memory watch
// (loader.wait) can see it grow.
func guardRep(L *lua.LState) {
	str, ok := L.GetGlobal("string").(*lua.LTable)
	if !ok {
		return
	}
	orig, ok := str.RawGetString("rep").(*lua.LFunction)
	if !ok {
		return
	}
	str.RawSetString("rep", L.NewFunction(func(L *lua.LState) int {
		s := L.CheckString(1)
		n := L.CheckNumber(2)
		if n > 0 && len(s) > 0 && float64(n)*float64(len(s)) > float64(maxRepBytes()) {
			L.RaiseError("string.rep: the result would be %.0f bytes, more than a load may make (%d MiB)", float64(n)*float64(len(s)), maxRepBytes()>>20)
		}
		return orig.GFunction(L)
	}))
}
