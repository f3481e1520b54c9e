package spec

import (
	"fmt"
	"reflect"
	"strconv"
)

// FillDefaults is the step between loading and Validate (load → defaults →
// validate, as lima's FillDefault): it fills every key the Envfile left
// out with the schema's Default, and the defaults computed from other
// settings (a machine's hostname is its name), and puts the upload of each
// rsync synced folder before its machine's steps (RsyncStep). It fills only
// what was left out, so it can run again after more steps were added.
func FillDefaults(e *Envfile) {
	for _, n := range e.Networks {
		FillKeys(EnvfileSchema.Table("network"), n.Given, n)
		if !n.Gateway.IsValid() && n.Subnet.IsValid() {
			n.Gateway = n.Subnet.Masked().Addr().Next()
		}
	}
	for _, m := range e.Machines {
		FillMachineDefaults(e, m)
		n := 0
		for _, s := range m.Steps {
			if !IsRsync(s) {
				n++
				FillStepDefaults(s, n)
			}
		}
		fillRsyncSteps(m)
	}
	for i, s := range e.Steps {
		FillStepDefaults(s, i+1)
		if a, ok := s.(*Ansible); ok && a.Hosts == nil && !a.Given.Has("hosts") {
			a.Hosts = e.MachineNames()
		}
	}
	for _, t := range e.Triggers {
		FillKeys(EnvfileSchema.Table("trigger"), t.Given, t)
	}
}

// FillMachineDefaults fills the defaults of one machine (not of its steps).
func FillMachineDefaults(e *Envfile, m *Machine) {
	FillKeys(EnvfileSchema.Table("machine"), m.Given, m)
	FillKeys(EnvfileSchema.Table("ssh"), m.SSH.Given, &m.SSH)
	if m.Hostname == "" {
		m.Hostname = m.Name
	}
	if m.Box == "" {
		m.Box = e.Box
	}
}

// FillStepDefaults fills the defaults of the n-th step of a list. A step of a
// kind the schema has no table for (a hook) gets its name only.
func FillStepDefaults(s Step, n int) {
	info := s.Info()
	if info.Name == "" {
		info.Name = info.Kind + "#" + strconv.Itoa(n)
	}
	for _, t := range EnvfileSchema.Tables {
		if t.Name == info.Kind {
			FillKeys(t, info.Given, s)
		}
	}
}

// FillKeys sets each key of t that has a Default, that was not given and
// whose field (Key.Field) of the struct into points to is still zero.
func FillKeys(t *Table, given Keys, into any) {
	v := reflect.ValueOf(into)
	for i := range t.Keys {
		k := &t.Keys[i]
		if k.Default == nil || given.Has(k.Name) {
			continue
		}
		if f := field(v, k); f.IsValid() && f.IsZero() {
			SetField(into, k, k.Default)
		}
	}
}

// OptionDefaults sets each field of the struct into points to (a
// provider's Options, its fields tagged `opt:"key"`) whose key in the
// schema's table has a Default to that Default: a provider starts from
// them and decodes the machine's table over them (Options.Decode). It
// panics when a Default does not fit its field.
func OptionDefaults(table string, into any) {
	t := EnvfileSchema.Table(table)
	st := reflect.ValueOf(into).Elem()
	for i := 0; i < st.NumField(); i++ {
		k := t.Key(st.Type().Field(i).Tag.Get("opt"))
		if k == nil || k.Default == nil {
			continue
		}
		f, dv := st.Field(i), reflect.ValueOf(k.Default)
		switch {
		case dv.Type().AssignableTo(f.Type()):
			f.Set(dv)
		case dv.Type().ConvertibleTo(f.Type()) && dv.Kind() == f.Kind():
			f.Set(dv.Convert(f.Type()))
		default:
			panic(fmt.Sprintf("spec: %s.%s: the default %v (%T) does not go into field %s (%s)", table, k.Name, k.Default, k.Default, st.Type().Field(i).Name, f.Type()))
		}
	}
}
