package luaapi

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/suggest"
)

// fields is a declaration's table read against its table of the schema
// (spec.EnvfileSchema): unknown keys, wrong types and missing keys are
// errors at once, naming the key (and the closest known key). It checks
// structure and types only: defaults are spec.FillDefaults's, ranges
// spec.Validate's.
type fields struct {
	l      *loader
	what   string // `machine "web"`, for messages
	pos    spec.Pos
	t      *lua.LTable
	schema *spec.Table
	given  spec.Keys // the keys present
	vals   []any     // each key's value, converted, by its index in schema.Keys
}

// read checks t against the schema's table called table and converts
// every key it gives.
func (l *loader) read(table, what string, pos spec.Pos, t *lua.LTable) *fields {
	st := spec.EnvfileSchema.Table(table)
	f := &fields{l: l, what: what, pos: pos, t: t, schema: st, vals: make([]any, len(st.Keys)), given: make(spec.Keys, 0, 8)}
	var unknown []string
	present := make([]bool, len(st.Keys))
	t.ForEach(func(k, v lua.LValue) {
		ks, ok := k.(lua.LString)
		if !ok {
			f.fail("unexpected %s %s in the table: every entry needs a key (like %s)", typeName(v), luaRepr(v), st.Keys[0].Example)
		}
		if why, refused := st.Refused[string(ks)]; refused {
			f.fail("%s: %s", ks, why)
		}
		if i := st.Index(string(ks)); i < 0 {
			unknown = append(unknown, string(ks))
		} else {
			present[i] = true
		}
		f.given = append(f.given, string(ks))
	})
	if len(unknown) > 0 {
		slices.Sort(unknown)
		k := unknown[0]
		f.fail("unknown key %q%s", k, suggest.DidYouMean(k, st.KeyNames()))
	}
	for i := range st.Keys {
		k := &st.Keys[i]
		if !present[i] {
			if k.Required {
				f.fail("%s is missing (like %s)", k.Name, k.Example)
			}
			continue
		}
		f.vals[i] = f.convert(k.Name, k.Type, t.RawGetString(k.Name))
	}
	for _, group := range st.Exclusive {
		var given []string
		for _, k := range group {
			if f.given.Has(k) {
				given = append(given, k)
			}
		}
		switch {
		case len(given) == 0:
			f.fail("give %s (like %s)", strings.Join(group, " or "), st.Key(group[0]).Example)
		case len(given) > 1:
			f.fail("%s are exclusive: give one", strings.Join(given, " and "))
		}
	}
	return f
}

// into stores every given key that names a spec field in that field of
// the struct into points to.
func (f *fields) into(into any) {
	for i := range f.schema.Keys {
		k := &f.schema.Keys[i]
		if v := f.vals[i]; v != nil && k.Field != "" && k.Type.Kind != spec.KindUnion {
			spec.SetField(into, k, v)
		}
	}
}

// val is key's converted value, nil when it is absent.
func (f *fields) val(key string) any {
	for i := range f.schema.Keys {
		if f.schema.Keys[i].Name == key {
			return f.vals[i]
		}
	}
	panic("luaapi: no key " + key + " in the schema's " + f.schema.Name + " table")
}

func (f *fields) fail(format string, args ...any) {
	f.l.raise(f.pos, "%s: %s", f.what, fmt.Sprintf(format, args...))
}

func (f *fields) typeFail(name string, t spec.Type, got lua.LValue) {
	f.fail("%s: expected %s, got %s", name, luaTypeName(t), typeName(got))
}

// luaTypeName names the Lua value a type takes, for type errors.
func luaTypeName(t spec.Type) string {
	switch t.Kind {
	case spec.KindInt:
		return "number"
	case spec.KindString, spec.KindPath, spec.KindEnum, spec.KindIP, spec.KindCIDR, spec.KindPort:
		return "string"
	case spec.KindBool:
		return "boolean"
	case spec.KindDuration:
		return `duration string (like "10m")`
	case spec.KindList:
		return "list of " + strings.TrimSuffix(luaTypeName(*t.Elem), "s") + "s"
	case spec.KindMap, spec.KindTable, spec.KindSteps:
		return "table"
	case spec.KindUnion:
		parts := make([]string, len(t.Of))
		for i, o := range t.Of {
			parts[i] = luaTypeName(o)
		}
		return strings.Join(parts, " or ")
	}
	return t.String()
}

// convert checks v against t and returns it as Go data: string, int, bool,
// time.Duration, netip.Addr, netip.Prefix, spec.Port, a slice or a map of
// those, map[string]any for a nested table or plain data, *lua.LTable for
// a provision list. name is the key (or "key.sub") for messages.
func (f *fields) convert(name string, t spec.Type, v lua.LValue) any {
	switch t.Kind {
	case spec.KindString, spec.KindPath, spec.KindEnum, spec.KindIP, spec.KindCIDR, spec.KindPort:
		s, ok := v.(lua.LString)
		if !ok {
			f.typeFail(name, t, v)
		}
		return f.convertString(name, t, string(s))
	case spec.KindInt:
		n, ok := v.(lua.LNumber)
		if !ok {
			f.typeFail(name, t, v)
		}
		if float64(n) != math.Trunc(float64(n)) || math.Abs(float64(n)) > math.MaxInt32 {
			f.fail("%s: expected a whole number, got %v", name, float64(n))
		}
		return int(n)
	case spec.KindBool:
		b, ok := v.(lua.LBool)
		if !ok {
			f.typeFail(name, t, v)
		}
		return bool(b)
	case spec.KindDuration:
		switch v := v.(type) {
		case lua.LNumber:
			return time.Duration(float64(v) * float64(time.Second))
		case lua.LString:
			d, err := time.ParseDuration(string(v))
			if err != nil {
				f.fail("%s: %q is not a duration (like \"90s\", \"10m\", \"1h\")", name, string(v))
			}
			return d
		}
		f.typeFail(name, t, v)
	case spec.KindList:
		return f.convertList(name, t, v)
	case spec.KindMap:
		return f.convertMap(name, t, v)
	case spec.KindTable:
		tv, ok := v.(*lua.LTable)
		if !ok {
			f.typeFail(name, t, v)
		}
		f.l.read(t.Table, f.what+": "+name, f.pos, tv)
		plain, err := toGo(tv, 0)
		if err != nil {
			f.fail("%s: %v", name, err)
		}
		m, ok := plain.(map[string]any)
		if !ok {
			f.fail("%s: expected a table of settings, got a list", name)
		}
		return m
	case spec.KindAny:
		plain, err := toGo(v, 0)
		if err != nil {
			f.fail("%s: %v", name, err)
		}
		return plain
	case spec.KindSteps:
		tv, ok := v.(*lua.LTable)
		if !ok {
			f.typeFail(name, t, v)
		}
		return tv
	case spec.KindUnion:
		for _, o := range t.Of {
			if luaTypeName(o) == luaTypeName(spec.Type{Kind: kindOf(v)}) || (o.Kind == spec.KindList && kindOf(v) == spec.KindMap) {
				return f.convert(name, o, v)
			}
		}
		f.typeFail(name, t, v)
	default:
		panic("luaapi: a " + string(t.Kind) + " cannot be a key's type")
	}
	return nil
}

// kindOf is the kind a Lua value reads as first.
func kindOf(v lua.LValue) spec.Kind {
	switch v.(type) {
	case lua.LString:
		return spec.KindString
	case lua.LNumber:
		return spec.KindInt
	case lua.LBool:
		return spec.KindBool
	case *lua.LTable:
		return spec.KindMap
	}
	return spec.KindAny
}

func (f *fields) convertString(name string, t spec.Type, s string) any {
	switch t.Kind {
	case spec.KindPath:
		return f.l.abs(s)
	case spec.KindEnum:
		if !slices.Contains(t.Enum, s) {
			f.fail("%s: unknown value %q%s (known: %s)", name, s, suggest.DidYouMean(s, t.Enum), strings.Join(t.Enum, ", "))
		}
	case spec.KindIP:
		ip, err := netip.ParseAddr(s)
		if err != nil {
			f.fail("%s: %q is not an IP address", name, s)
		}
		return ip
	case spec.KindCIDR:
		p, err := netip.ParsePrefix(s)
		if err != nil {
			f.fail("%s %q is not a CIDR subnet (like \"172.20.1.0/24\")", name, s)
		}
		if p.Masked() != p {
			f.fail("%s %q has host bits set (did you mean %q?)", name, s, p.Masked().String())
		}
		return p
	case spec.KindPort:
		p, err := ParsePort(s)
		if err != nil {
			f.fail("%s: %v", name, err)
		}
		return p
	}
	return s
}

// convertList reads a list; a lone value is a list of one.
func (f *fields) convertList(name string, t spec.Type, v lua.LValue) any {
	elem := *t.Elem
	var items []lua.LValue
	tv, ok := v.(*lua.LTable)
	// A list of tables ({ { size = 10 } }) is a list; a lone table of
	// settings ({ size = 10 }) one item.
	listOfTables := ok && elem.Kind == spec.KindTable && tv.Len() > 0
	if ok && (elem.Kind != spec.KindMap && elem.Kind != spec.KindTable || listOfTables) {
		n, count := tv.Len(), 0
		tv.ForEach(func(_, _ lua.LValue) { count++ })
		if count != n {
			f.fail("%s: expected a %s, got a table with keys", name, luaTypeName(t))
		}
		for i := 1; i <= n; i++ {
			items = append(items, tv.RawGetInt(i))
		}
	} else if _, isTable := v.(*lua.LTable); isTable || accepts(elem, v) {
		items = []lua.LValue{v}
	} else {
		f.typeFail(name, t, v)
	}
	switch elem.Kind {
	case spec.KindString, spec.KindPath, spec.KindEnum:
		out := make([]string, len(items))
		for i, it := range items {
			out[i] = f.convertItem(name, i, elem, it).(string)
		}
		return out
	case spec.KindPort:
		out := make([]spec.Port, len(items))
		for i, it := range items {
			out[i] = f.convertItem(name, i, elem, it).(spec.Port)
		}
		return out
	}
	out := make([]any, len(items))
	for i, it := range items {
		out[i] = f.convertItem(name, i, elem, it)
	}
	return out
}

// accepts reports whether a lone value v can be an item of type elem (a
// member of a union, too).
func accepts(elem spec.Type, v lua.LValue) bool {
	if elem.Kind == spec.KindUnion {
		return slices.ContainsFunc(elem.Of, func(o spec.Type) bool { return accepts(o, v) })
	}
	return luaTypeName(elem) == luaTypeName(spec.Type{Kind: kindOf(v)})
}

// convertItem converts a list's item: type errors name the item, other
// errors (a bad port) the list.
func (f *fields) convertItem(name string, i int, elem spec.Type, v lua.LValue) any {
	if luaTypeName(elem) == "string" {
		if _, ok := v.(lua.LString); !ok {
			f.fail("%s: item %d: expected string, got %s", name, i+1, typeName(v))
		}
	}
	return f.convert(name, elem, v)
}

// convertMap reads a table of names to values.
func (f *fields) convertMap(name string, t spec.Type, v lua.LValue) any {
	tv, ok := v.(*lua.LTable)
	if !ok {
		f.typeFail(name, t, v)
	}
	elem := *t.Elem
	vals := map[string]any{}
	tv.ForEach(func(k, e lua.LValue) {
		ks, ok := k.(lua.LString)
		if !ok {
			f.fail("%s: expected a %s, got key %s", name, t, luaRepr(k))
		}
		sub := name + "." + string(ks)
		switch e := e.(type) {
		case lua.LNumber, lua.LBool:
			if elem.Kind == spec.KindString { // env = { PORT = 8080 }
				vals[string(ks)] = e.String()
				return
			}
		}
		vals[string(ks)] = f.convert(sub, elem, e)
	})
	switch elem.Kind {
	case spec.KindString, spec.KindPath, spec.KindEnum:
		return typedMap[string](vals)
	case spec.KindIP:
		return typedMap[netip.Addr](vals)
	case spec.KindList:
		if luaTypeName(*elem.Elem) == "string" {
			return typedMap[[]string](vals)
		}
	case spec.KindMap:
		if elem.Elem.Kind == spec.KindAny {
			return typedMap[map[string]any](vals)
		}
	}
	return vals
}

func typedMap[T any](vals map[string]any) map[string]T {
	out := make(map[string]T, len(vals))
	for k, v := range vals {
		out[k] = v.(T)
	}
	return out
}

// toGo converts a Lua value to plain Go data: string, float64, bool,
// []any (a list) or map[string]any (a table with string keys).
func toGo(v lua.LValue, depth int) (any, error) {
	if depth > 32 {
		return nil, fmt.Errorf("nested too deeply (a table that contains itself?)")
	}
	switch v := v.(type) {
	case *lua.LNilType:
		return nil, nil
	case lua.LString:
		return string(v), nil
	case lua.LNumber:
		return float64(v), nil
	case lua.LBool:
		return bool(v), nil
	case *lua.LTable:
		n := v.Len()
		count := 0
		v.ForEach(func(_, _ lua.LValue) { count++ })
		if n > 0 && count == n {
			out := make([]any, n)
			for i := 1; i <= n; i++ {
				e, err := toGo(v.RawGetInt(i), depth+1)
				if err != nil {
					return nil, fmt.Errorf("item %d: %w", i, err)
				}
				out[i-1] = e
			}
			return out, nil
		}
		out := make(map[string]any, count)
		var err error
		v.ForEach(func(k, val lua.LValue) {
			if err != nil {
				return
			}
			ks, ok := k.(lua.LString)
			if !ok {
				err = fmt.Errorf("a table mixes list items and keys (key %s)", luaRepr(k))
				return
			}
			var e any
			if e, err = toGo(val, depth+1); err != nil {
				err = fmt.Errorf("%s: %w", ks, err)
				return
			}
			out[string(ks)] = e
		})
		return out, err
	}
	return nil, fmt.Errorf("a %s cannot be used here", typeName(v))
}

// typeName names a Lua value's type for messages.
func typeName(v lua.LValue) string {
	switch v := v.(type) {
	case lua.LNumber:
		if float64(v) == math.Trunc(float64(v)) {
			return "number"
		}
	case *lua.LUserData:
		if s, ok := v.Value.(spec.Step); ok {
			return s.Info().Kind + " step"
		}
	}
	return v.Type().String()
}

func luaRepr(v lua.LValue) string {
	if s, ok := v.(lua.LString); ok {
		return fmt.Sprintf("%q", string(s))
	}
	return strings.TrimSpace(v.String())
}
