package spec

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The types the Envfile's schema (schema.go) is written in. The loader
// checks tables against it, the defaults step and Validate read it, and
// `envrun lua-defs` and the reference (docs/reference.md) are made from it.

// Kind is what a key's value is.
type Kind string

const (
	KindString   Kind = "string"
	KindInt      Kind = "integer"
	KindBool     Kind = "boolean"
	KindDuration Kind = "duration" // "90s", "10m", "1h30m", or seconds
	KindPath     Kind = "path"     // a string; relative to the Envfile's folder
	KindIP       Kind = "ip"       // an IPv4 or IPv6 address
	KindCIDR     Kind = "cidr"     // a subnet, like "172.20.1.0/24"
	KindPort     Kind = "port"     // a port forward, like "8080:80"
	KindEnum     Kind = "enum"     // one of Type.Enum
	KindList     Kind = "list"     // of Type.Elem; a lone value is a list of one
	KindMap      Kind = "map"      // names to Type.Elem
	KindTable    Kind = "table"    // the schema's table Type.Table
	KindAny      Kind = "any"      // plain data: strings, numbers, booleans, lists, tables
	KindSteps    Kind = "steps"    // a provision list: steps and Lua functions
	KindFunc     Kind = "function" // a Lua function
	KindStep     Kind = "step"     // a step value (shell {...}, file {...})
	KindUnion    Kind = "union"    // any of Type.Of
)

// Type is a key's type.
type Type struct {
	Kind  Kind
	Elem  *Type    // KindList, KindMap
	Enum  []string // KindEnum
	Table string   // KindTable
	Of    []Type   // KindUnion
}

// The types of the schema.
var (
	String   = Type{Kind: KindString}
	Int      = Type{Kind: KindInt}
	Bool     = Type{Kind: KindBool}
	Duration = Type{Kind: KindDuration}
	Path     = Type{Kind: KindPath}
	IP       = Type{Kind: KindIP}
	CIDR     = Type{Kind: KindCIDR}
	PortType = Type{Kind: KindPort}
	Any      = Type{Kind: KindAny}
	Steps    = Type{Kind: KindSteps}
	Func     = Type{Kind: KindFunc}
	StepType = Type{Kind: KindStep}
)

// ListOf is a list of t.
func ListOf(t Type) Type { return Type{Kind: KindList, Elem: &t} }

// MapOf is a table of names to t.
func MapOf(t Type) Type { return Type{Kind: KindMap, Elem: &t} }

// EnumOf is one of values.
func EnumOf(values ...string) Type { return Type{Kind: KindEnum, Enum: values} }

// TableOf is the schema's table called name.
func TableOf(name string) Type { return Type{Kind: KindTable, Table: name} }

// OneOf is any of ts.
func OneOf(ts ...Type) Type { return Type{Kind: KindUnion, Of: ts} }

// String names the type as messages and the reference do.
func (t Type) String() string {
	switch t.Kind {
	case KindList:
		return "list of " + plural(t.Elem.String())
	case KindMap:
		return "table of names to " + plural(t.Elem.String())
	case KindEnum:
		q := make([]string, len(t.Enum))
		for i, v := range t.Enum {
			q[i] = strconv.Quote(v)
		}
		return "one of " + strings.Join(q, ", ")
	case KindTable:
		return t.Table + " table"
	case KindUnion:
		parts := make([]string, len(t.Of))
		for i, o := range t.Of {
			parts[i] = o.String()
		}
		return strings.Join(parts, " or ")
	case KindIP:
		return "IP address"
	case KindCIDR:
		return "CIDR subnet"
	case KindPort:
		return "port forward"
	case KindInt:
		return "whole number"
	}
	return string(t.Kind)
}

func plural(s string) string {
	switch {
	case strings.HasPrefix(s, "one of "), strings.HasPrefix(s, "list of "), strings.HasPrefix(s, "table of "), strings.HasSuffix(s, "s"):
		return s
	case s == "any":
		return "values"
	case strings.HasSuffix(s, " table"):
		return s + "s"
	}
	return s + "s"
}

// Range bounds a number or a duration (in seconds); nil ends are open.
type Range struct {
	Min, Max *float64
	// Positive: greater than zero (Min is then unset).
	Positive bool
}

// AtLeast is the range [n, ∞).
func AtLeast(n float64) *Range { return &Range{Min: &n} }

// Between is the range [lo, hi].
func Between(lo, hi float64) *Range { return &Range{Min: &lo, Max: &hi} }

// Positive is the range (0, ∞).
var Positive = &Range{Positive: true}

// Check reports why n (in unit) is out of the range, or "". shown is how
// to show n ("-5s"), "" for the number itself.
func (r *Range) Check(n float64, unit, shown string) string {
	u := ""
	if unit != "" {
		u = " " + unit
	}
	got := shown
	if got == "" {
		got = formatNumber(n) + u
	}
	switch {
	case r == nil:
		return ""
	case r.Positive && n <= 0:
		return "must be positive, got " + got
	case r.Min != nil && r.Max != nil && (n < *r.Min || n > *r.Max):
		return fmt.Sprintf("must be %s to %s%s, got %s", formatNumber(*r.Min), formatNumber(*r.Max), u, got)
	case r.Min != nil && r.Max == nil && n < *r.Min:
		return fmt.Sprintf("must be at least %s%s, got %s", formatNumber(*r.Min), u, got)
	case r.Max != nil && r.Min == nil && n > *r.Max:
		return fmt.Sprintf("must be at most %s%s, got %s", formatNumber(*r.Max), u, got)
	}
	return ""
}

// String is the range in words, for the reference.
func (r *Range) String() string {
	switch {
	case r == nil:
		return ""
	case r.Positive:
		return "> 0"
	case r.Min != nil && r.Max != nil:
		return formatNumber(*r.Min) + " to " + formatNumber(*r.Max)
	case r.Min != nil:
		return "≥ " + formatNumber(*r.Min)
	case r.Max != nil:
		return "≤ " + formatNumber(*r.Max)
	}
	return ""
}

func formatNumber(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }

// Key is one key of a table.
type Key struct {
	Name     string
	Type     Type
	Required bool
	// Default is filled in by the defaults step (FillDefaults) when the
	// key is left out; nil when there is none or it is computed.
	Default any
	// DefaultDoc says the default in words when it is computed (or
	// decided by a provider); the reference shows it.
	DefaultDoc string
	Range      *Range // checked by Validate
	Unit       string // of numbers: "MiB", "seconds"
	Doc        string // one line
	Example    string // Lua, like `cpus = 2`
	// Field is the Go field of the spec the loader fills from the key
	// (with Default and Range applied by name); "" when the builtin
	// reads the key itself.
	Field string
}

// DefaultText is the default as the reference and definitions show it.
func (k *Key) DefaultText() string {
	switch {
	case k.DefaultDoc != "":
		return k.DefaultDoc
	case k.Default == nil:
		return ""
	}
	switch d := k.Default.(type) {
	case string:
		return strconv.Quote(d)
	case time.Duration:
		return strconv.Quote(formatDuration(d))
	}
	return fmt.Sprint(k.Default)
}

func formatDuration(d time.Duration) string {
	s := d.String() // 10m0s → 10m, 1h0m0s → 1h
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Table is a table of settings (a builtin's argument, a provider table)
// or an object a script receives (the machine a hook gets).
type Table struct {
	Name    string
	Doc     string
	Keys    []Key
	Example string
	// Exclusive groups keys of which exactly one must be given.
	Exclusive [][]string
	// Refused are keys refused with a reason of their own.
	Refused map[string]string
	// Methods are the functions of an object (m:run).
	Methods []Builtin
	// Object: a value given to Lua code, not a table the Envfile writes.
	Object bool
	// Call is how the reference writes a method's call: "m:" (when
	// empty), or "envrun.yaml." for a table of functions.
	Call string
}

// Key returns the key called name, or nil.
func (t *Table) Key(name string) *Key {
	if i := t.Index(name); i >= 0 {
		return &t.Keys[i]
	}
	return nil
}

// Index returns the index in Keys of the key called name, or -1.
func (t *Table) Index(name string) int {
	for i := range t.Keys {
		if t.Keys[i].Name == name {
			return i
		}
	}
	return -1
}

// KeyNames lists the table's keys in order.
func (t *Table) KeyNames() []string {
	names := make([]string, len(t.Keys))
	for i, k := range t.Keys {
		names[i] = k.Name
	}
	return names
}

// Param is an argument or a result of a builtin.
type Param struct {
	Name     string
	Type     Type
	Optional bool
	Doc      string
}

// Builtin is a global function of the Envfile (or a function of the
// envrun table, or a method of an object).
type Builtin struct {
	Name string // "machine", "envrun.read", "run"
	Doc  string
	// Form is how the builtin is written, when it is not a plain call:
	// `machine "NAME" { ... }`.
	Form    string
	Params  []Param
	Returns []Param
	Example string
}

// Schema is every builtin and table of the Envfile.
type Schema struct {
	Builtins []Builtin
	Tables   []*Table
	// Globals are tables of functions and values (envrun).
	Globals []Global
}

// Global is a global table of functions and values.
type Global struct {
	Name   string
	Doc    string
	Fields []Key
	Funcs  []Builtin
}

// Table returns the table called name; it panics when there is none, as
// a misspelt name in the schema is a programming error.
func (s *Schema) Table(name string) *Table {
	for _, t := range s.Tables {
		if t.Name == name {
			return t
		}
	}
	panic("spec: no table " + strconv.Quote(name) + " in the schema")
}

// Keys is the set of keys an Envfile's table gave: the defaults step
// fills only what was left out, and Validate checks the ranges of what
// was given (an explicit `cpus = 0` is wrong, a missing one is the
// provider's default). A list, not a map: a table has a handful of keys,
// and the loader makes one per declaration.
type Keys []string

// Has reports whether key was given.
func (k Keys) Has(key string) bool { return slices.Contains(k, key) }

// field returns v's field of the key, or an invalid Value when k has none.
func field(v reflect.Value, k *Key) reflect.Value {
	if k.Field == "" {
		return reflect.Value{}
	}
	type fieldOf struct {
		t    reflect.Type
		name string
	}
	at := fieldOf{v.Type(), k.Field}
	index, ok := fieldIndex.Load(at)
	if !ok {
		sf, found := v.Type().Elem().FieldByName(k.Field)
		if !found {
			panic(fmt.Sprintf("spec: schema key %q names field %s, which %s lacks", k.Name, k.Field, v.Type()))
		}
		index, _ = fieldIndex.LoadOrStore(at, sf.Index)
	}
	return v.Elem().FieldByIndex(index.([]int))
}

// fieldIndex caches where each struct keeps each key's field: looking a
// field up by name allocates, and the loader does it for every machine.
var fieldIndex sync.Map

// SetField stores val in the Go field of key k of the struct into points
// to, converting between the loader's types and the field's (an int into
// an int field, a []string into a []string field). It panics when the
// schema and the struct disagree.
func SetField(into any, k *Key, val any) {
	f := field(reflect.ValueOf(into), k)
	if !f.IsValid() {
		return
	}
	rv := reflect.ValueOf(val)
	switch {
	case !rv.IsValid():
		f.Set(reflect.Zero(f.Type()))
	case rv.Type().AssignableTo(f.Type()):
		f.Set(rv)
	case rv.Type().ConvertibleTo(f.Type()):
		f.Set(rv.Convert(f.Type()))
	default:
		panic(fmt.Sprintf("spec: key %q: a %s does not go into field %s (%s)", k.Name, rv.Type(), k.Field, f.Type()))
	}
}
