package spec

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

// TestSchema checks the schema against itself and the spec: every key is
// documented with an example, every nested table exists, and every Field
// is a field of the struct its table fills.
func TestSchema(t *testing.T) {
	structs := map[string]any{
		"machine": &Machine{}, "defaults": &Machine{}, "network": &Network{}, "engine": &Engine{},
		"shell": &Shell{}, "global_shell": &Shell{}, "file": &File{}, "ansible": &Ansible{}, "ssh": &SSH{},
	}
	structs["box_catalog"] = &BoxEntry{} // boxcatalog.go
	var checkType func(where string, ty Type)
	checkType = func(where string, ty Type) {
		switch ty.Kind {
		case KindTable:
			if !strings.Contains(tableNames(), " "+ty.Table+" ") {
				t.Errorf("%s: no table %q", where, ty.Table)
			}
		case KindList, KindMap:
			checkType(where, *ty.Elem)
		case KindUnion:
			for _, o := range ty.Of {
				checkType(where, o)
			}
		case KindEnum:
			if len(ty.Enum) == 0 {
				t.Errorf("%s: an enum without values", where)
			}
		}
	}
	seen := map[string]bool{}
	for _, tb := range EnvfileSchema.Tables {
		if seen[tb.Name] {
			t.Errorf("table %q twice", tb.Name)
		}
		seen[tb.Name] = true
		if tb.Doc == "" {
			t.Errorf("table %q has no Doc", tb.Name)
		}
		keys := map[string]bool{}
		for _, k := range tb.Keys {
			where := tb.Name + "." + k.Name
			if keys[k.Name] {
				t.Errorf("%s: twice", where)
			}
			keys[k.Name] = true
			if k.Doc == "" || strings.Contains(k.Doc, "\n") {
				t.Errorf("%s: Doc must be one line", where)
			}
			if !tb.Object && !strings.HasPrefix(k.Example, k.Name+" = ") {
				t.Errorf("%s: Example %q does not set the key", where, k.Example)
			}
			checkType(where, k.Type)
			s, ok := structs[tb.Name]
			if k.Field == "" {
				continue
			}
			if !ok {
				t.Errorf("%s: Field %s, but table %s fills no struct", where, k.Field, tb.Name)
				continue
			}
			if !reflect.ValueOf(s).Elem().FieldByName(k.Field).IsValid() {
				t.Errorf("%s: %T has no field %s", where, s, k.Field)
			}
			if k.Default != nil && reflect.TypeOf(k.Default) != reflect.ValueOf(s).Elem().FieldByName(k.Field).Type() {
				t.Errorf("%s: Default is a %T, the field a %s", where, k.Default, reflect.ValueOf(s).Elem().FieldByName(k.Field).Type())
			}
		}
		for _, group := range tb.Exclusive {
			for _, k := range group {
				if !keys[k] {
					t.Errorf("table %s: exclusive key %q is not a key", tb.Name, k)
				}
			}
		}
	}
	for _, b := range EnvfileSchema.Builtins {
		for _, p := range b.Params {
			checkType(b.Name, p.Type)
		}
	}
}

func tableNames() string {
	s := " "
	for _, t := range EnvfileSchema.Tables {
		s += t.Name + " "
	}
	return s
}

// TestFillDefaults: defaults fill what was left out, and only that; a
// second run changes nothing.
func TestFillDefaults(t *testing.T) {
	sh := &Shell{StepInfo: StepInfo{Kind: "shell"}}
	off := &Shell{StepInfo: StepInfo{Kind: "shell", Name: "quiet", Given: Keys{"privileged"}}}
	a := &Ansible{StepInfo: StepInfo{Kind: "ansible", Name: "site"}}
	none := &Ansible{StepInfo: StepInfo{Kind: "ansible", Name: "none", Given: Keys{"hosts"}}, Hosts: []string{}}
	e := &Envfile{Box: "debian/bookworm",
		Networks: []*Network{{Name: "n", Subnet: netip.MustParsePrefix("10.9.0.0/24")}},
		Machines: []*Machine{{Name: "web", Steps: []Step{sh, off}}, {Name: "db", Hostname: "db.local", User: "admin", Box: "other"}},
		Steps:    []Step{a, none},
	}
	for range 2 {
		FillDefaults(e)
		web, db := e.Machines[0], e.Machines[1]
		if web.Hostname != "web" || web.User != DefaultUser || web.Box != "debian/bookworm" {
			t.Errorf("web: hostname %q, user %q, box %q", web.Hostname, web.User, web.Box)
		}
		if db.Hostname != "db.local" || db.User != "admin" || db.Box != "other" {
			t.Errorf("db: given settings changed: %q %q %q", db.Hostname, db.User, db.Box)
		}
		if e.Networks[0].Gateway.String() != "10.9.0.1" {
			t.Errorf("gateway %s", e.Networks[0].Gateway)
		}
		if sh.Name != "shell#1" || !sh.Privileged || sh.Timeout != DefaultStepTimeout {
			t.Errorf("shell: name %q, privileged %v, timeout %s", sh.Name, sh.Privileged, sh.Timeout)
		}
		if off.Name != "quiet" || off.Privileged {
			t.Errorf("privileged = false given: name %q, privileged %v", off.Name, off.Privileged)
		}
		if strings.Join(a.Hosts, ",") != "web,db" || len(none.Hosts) != 0 {
			t.Errorf("ansible hosts: default %v, given empty %v", a.Hosts, none.Hosts)
		}
	}
}
