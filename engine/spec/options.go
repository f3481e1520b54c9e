package spec

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/envrun/envrun/internal/suggest"
)

// Options is a per-provider override table (`libvirt = { ... }`), kept as
// plain values — string, float64, bool, []any, map[string]any — for the
// provider to decode into its own struct with Decode.
type Options struct {
	Values map[string]any
	Pos    Pos
}

// Decode fills the struct that into points to from o. Fields are matched by
// their `opt:"key"` tag; a key no field names is an error that suggests the
// closest one, and so is a value of the wrong type. Supported field types:
// string, bool, int, float64, []string, map[string]string, map[string]any and
// any.
func (o Options) Decode(section string, into any) error {
	rv := reflect.ValueOf(into)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		panic("spec: Decode needs a pointer to a struct")
	}
	st := rv.Elem()
	fields := map[string]reflect.Value{}
	var known []string
	for i := 0; i < st.NumField(); i++ {
		tag := st.Type().Field(i).Tag.Get("opt")
		if tag == "" || tag == "-" {
			continue
		}
		fields[tag] = st.Field(i)
		known = append(known, tag)
	}
	keys := make([]string, 0, len(o.Values))
	for k := range o.Values {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var errs Errors
	for _, k := range keys {
		f, ok := fields[k]
		if !ok {
			errs = append(errs, Errorf(o.Pos, "%s: unknown key %q%s", section, k, suggest.DidYouMean(k, known)))
			continue
		}
		if err := assign(f, o.Values[k]); err != nil {
			errs = append(errs, Errorf(o.Pos, "%s.%s: %v", section, k, err))
		}
	}
	return errs.Err()
}

// OptionKeys lists the `opt` tags of the struct into points to: the keys a
// provider decodes, which must be its table's keys in the schema.
func OptionKeys(into any) []string {
	st := reflect.TypeOf(into).Elem()
	var keys []string
	for i := 0; i < st.NumField(); i++ {
		if tag := st.Field(i).Tag.Get("opt"); tag != "" && tag != "-" {
			keys = append(keys, tag)
		}
	}
	slices.Sort(keys)
	return keys
}

func assign(f reflect.Value, v any) error {
	switch f.Kind() {
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return typeErr("string", v)
		}
		f.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return typeErr("boolean", v)
		}
		f.SetBool(b)
	case reflect.Int:
		n, ok := v.(float64)
		if !ok || n != math.Trunc(n) {
			return typeErr("integer", v)
		}
		f.SetInt(int64(n))
	case reflect.Float64:
		n, ok := v.(float64)
		if !ok {
			return typeErr("number", v)
		}
		f.SetFloat(n)
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			if s, isStr := v.(string); isStr { // a lone string is a list of one
				list, ok = []any{s}, true
			}
		}
		if ok && f.Type().Elem().Kind() == reflect.Interface { // a list of anything: the provider reads it
			f.Set(reflect.ValueOf(list))
			return nil
		}
		if !ok || f.Type().Elem().Kind() != reflect.String {
			return typeErr("list of strings", v)
		}
		out := make([]string, len(list))
		for i, e := range list {
			s, ok := e.(string)
			if !ok {
				return fmt.Errorf("item %d: %w", i+1, typeErr("string", e))
			}
			out[i] = s
		}
		f.Set(reflect.ValueOf(out))
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return typeErr("table", v)
		}
		switch f.Type().Elem().Kind() {
		case reflect.String:
			out := make(map[string]string, len(m))
			for k, e := range m {
				s, ok := e.(string)
				if !ok {
					return fmt.Errorf("%s: %w", k, typeErr("string", e))
				}
				out[k] = s
			}
			f.Set(reflect.ValueOf(out))
		case reflect.Interface:
			f.Set(reflect.ValueOf(m))
		default:
			panic("spec: unsupported map field " + f.Type().String())
		}
	case reflect.Interface:
		if v != nil {
			f.Set(reflect.ValueOf(v))
		}
	default:
		panic("spec: unsupported option field " + f.Type().String())
	}
	return nil
}

func typeErr(want string, got any) error {
	return fmt.Errorf("expected %s, got %s", want, TypeName(got))
}

// TypeName names the Lua type of a plain value, for messages.
func TypeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "nil"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if v == math.Trunc(v) {
			return "integer"
		}
		return "number"
	case []any:
		return "list"
	case map[string]any:
		return "table"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", v), "*")
}
