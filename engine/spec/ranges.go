package spec

import (
	"maps"
	"reflect"
	"slices"
	"time"
)

// ranges reports each key of table t, given or set, whose value is out of
// the schema's range: one wording for every range ("cpus must be at least
// 1, got 0").
func (v *validator) ranges(pos Pos, what string, t *Table, given Keys, of any) {
	for _, why := range OutOfRange(t, given, of) {
		v.add(pos, "%s: %s", what, why)
	}
}

// OutOfRange says, for each key of table t with a Range whose field
// (Key.Field) of the struct of points to is out of it, "KEY why" ("cpus
// must be at least 1, got 0"). A field left at zero is checked only when
// its key was given: a missing key is the provider's default.
func OutOfRange(t *Table, given Keys, of any) []string {
	rv := reflect.ValueOf(of)
	var out []string
	for i := range t.Keys {
		k := &t.Keys[i]
		if k.Range == nil {
			continue
		}
		f := field(rv, k)
		if !f.IsValid() || (f.IsZero() && !given.Has(k.Name)) {
			continue
		}
		var n float64
		var d time.Duration
		isDuration := f.Type() == durationType
		switch {
		case isDuration:
			d = time.Duration(f.Int())
			n = d.Seconds()
		case f.CanInt():
			n = float64(f.Int())
		case f.CanFloat():
			n = f.Float()
		default:
			continue
		}
		if why := k.Range.Check(n, k.Unit, ""); why != "" {
			if isDuration { // shown as written, only when it is wrong
				why = k.Range.Check(n, k.Unit, d.String())
			}
			out = append(out, k.Name+" "+why)
		}
	}
	return out
}

var durationType = reflect.TypeFor[time.Duration]()

// providerRanges checks the numbers of a machine's provider tables.
func (v *validator) providerRanges(m *Machine, what string) {
	if len(m.Providers) == 0 {
		return
	}
	for _, name := range slices.Sorted(maps.Keys(m.Providers)) {
		o := m.Providers[name]
		t := EnvfileSchema.Table(name)
		for i := range t.Keys {
			k := &t.Keys[i]
			n, ok := o.Values[k.Name].(float64)
			if k.Range == nil || !ok {
				continue
			}
			if why := k.Range.Check(n, k.Unit, ""); why != "" {
				v.add(o.Pos, "%s: %s.%s %s", what, name, k.Name, why)
			}
		}
	}
}
