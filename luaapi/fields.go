package luaapi

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/suggest"
)

// fields reads a declaration's table: it refuses unknown keys at once (with
// the closest known key) and reads each key with a type check whose message
// names the key and the expected type.
type fields struct {
	l    *loader
	what string // `machine "web"`, for messages
	pos  spec.Pos
	t    *lua.LTable
}

// newFields checks t against the known keys.
func (l *loader) newFields(what string, pos spec.Pos, t *lua.LTable, known ...string) *fields {
	f := &fields{l: l, what: what, pos: pos, t: t}
	var unknown []string
	t.ForEach(func(k, v lua.LValue) {
		ks, ok := k.(lua.LString)
		if !ok {
			f.fail("unexpected %s %s in the table: every entry needs a key (like hostname = ...)", typeName(v), luaRepr(v))
		}
		if !slices.Contains(known, string(ks)) {
			unknown = append(unknown, string(ks))
		}
	})
	if len(unknown) > 0 {
		slices.Sort(unknown)
		k := unknown[0]
		f.fail("unknown key %q%s", k, suggest.DidYouMean(k, known))
	}
	return f
}

func (f *fields) fail(format string, args ...any) {
	f.l.raise(f.pos, "%s: %s", f.what, fmt.Sprintf(format, args...))
}

func (f *fields) typeFail(key, want string, got lua.LValue) {
	f.fail("%s: expected %s, got %s", key, want, typeName(got))
}

func (f *fields) get(key string) lua.LValue { return f.t.RawGetString(key) }

func (f *fields) has(key string) bool { return f.get(key) != lua.LNil }

// str reads a string; absent is "".
func (f *fields) str(key string) string {
	switch v := f.get(key).(type) {
	case *lua.LNilType:
		return ""
	case lua.LString:
		return string(v)
	default:
		f.typeFail(key, "string", v)
	}
	return ""
}

// integer reads a whole number; absent is def.
func (f *fields) integer(key string, def int) int {
	switch v := f.get(key).(type) {
	case *lua.LNilType:
		return def
	case lua.LNumber:
		n := float64(v)
		if n != math.Trunc(n) || math.Abs(n) > math.MaxInt32 {
			f.fail("%s: expected a whole number, got %v", key, n)
		}
		return int(n)
	default:
		f.typeFail(key, "number", v)
	}
	return def
}

// boolean reads a boolean; absent is def.
func (f *fields) boolean(key string, def bool) bool {
	switch v := f.get(key).(type) {
	case *lua.LNilType:
		return def
	case lua.LBool:
		return bool(v)
	default:
		f.typeFail(key, "boolean", v)
	}
	return def
}

// duration reads "10m", "90s", "1h30m", or a number of seconds.
func (f *fields) duration(key string) time.Duration {
	switch v := f.get(key).(type) {
	case *lua.LNilType:
		return 0
	case lua.LNumber:
		return time.Duration(float64(v) * float64(time.Second))
	case lua.LString:
		d, err := time.ParseDuration(string(v))
		if err != nil {
			f.fail("%s: %q is not a duration (like \"90s\", \"10m\", \"1h\")", key, string(v))
		}
		return d
	default:
		f.typeFail(key, "duration string (like \"10m\")", v)
	}
	return 0
}

// strList reads a list of strings; a lone string is a list of one.
func (f *fields) strList(key string) []string {
	v := f.get(key)
	switch v := v.(type) {
	case *lua.LNilType:
		return nil
	case lua.LString:
		return []string{string(v)}
	case *lua.LTable:
		return f.l.stringList(f, key, v)
	}
	f.typeFail(key, "list of strings", v)
	return nil
}

func (l *loader) stringList(f *fields, key string, t *lua.LTable) []string {
	n := t.Len()
	out := make([]string, 0, n)
	count := 0
	t.ForEach(func(k, _ lua.LValue) { count++ })
	if count != n {
		f.fail("%s: expected a list of strings, got a table with keys", key)
	}
	for i := 1; i <= n; i++ {
		s, ok := t.RawGetInt(i).(lua.LString)
		if !ok {
			f.fail("%s: item %d: expected string, got %s", key, i, typeName(t.RawGetInt(i)))
		}
		out = append(out, string(s))
	}
	return out
}

// strMap reads a table of string keys to string values.
func (f *fields) strMap(key string) map[string]string {
	t := f.table(key)
	if t == nil {
		return nil
	}
	out := map[string]string{}
	t.ForEach(func(k, v lua.LValue) {
		ks, ok := k.(lua.LString)
		if !ok {
			f.fail("%s: expected a table of names to strings, got key %s", key, luaRepr(k))
		}
		switch v := v.(type) {
		case lua.LString:
			out[string(ks)] = string(v)
		case lua.LNumber, lua.LBool:
			out[string(ks)] = v.String()
		default:
			f.fail("%s.%s: expected string, got %s", key, ks, typeName(v))
		}
	})
	return out
}

// table reads a table; absent is nil.
func (f *fields) table(key string) *lua.LTable {
	switch v := f.get(key).(type) {
	case *lua.LNilType:
		return nil
	case *lua.LTable:
		return v
	default:
		f.typeFail(key, "table", v)
	}
	return nil
}

// plain reads any value as plain Go data (for vars and extra_vars).
func (f *fields) plain(key string) any {
	v, err := toGo(f.get(key), 0)
	if err != nil {
		f.fail("%s: %v", key, err)
	}
	return v
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
