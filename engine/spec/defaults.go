package spec

import (
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
		fillKeys(EnvfileSchema.Table("network"), n.Given, n)
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
}

// FillMachineDefaults fills the defaults of one machine (not of its steps).
func FillMachineDefaults(e *Envfile, m *Machine) {
	fillKeys(EnvfileSchema.Table("machine"), m.Given, m)
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
			fillKeys(t, info.Given, s)
		}
	}
}

// fillKeys sets each key of t that has a Default, that was not given and
// whose field is still zero.
func fillKeys(t *Table, given Keys, into any) {
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
