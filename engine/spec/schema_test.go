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
		"port": &Port{}, "trigger": &Trigger{},
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
	fail := &Trigger{Name: "vpn"}
	goOn := &Trigger{Name: "log", OnError: OnErrorContinue, Given: Keys{"on_error"}}
	e := &Envfile{Box: "debian/bookworm",
		Networks: []*Network{{Name: "n", Subnet: netip.MustParsePrefix("10.9.0.0/24")}},
		Machines: []*Machine{{Name: "web", Steps: []Step{sh, off}}, {Name: "db", Hostname: "db.local", User: "admin", Box: "other", SSH: SSH{Port: 2222, Given: Keys{"port"}}}},
		Steps:    []Step{a, none},
		Triggers: []*Trigger{fail, goOn},
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
		if web.SSH.Port != 22 || web.SSH.ForwardAgent || db.SSH.Port != 2222 {
			t.Errorf("ssh.port: default %d, given 2222: %d", web.SSH.Port, db.SSH.Port)
		}
		if fail.OnError != OnErrorFail || goOn.OnError != OnErrorContinue {
			t.Errorf("trigger on_error: default %q, given continue: %q", fail.OnError, goOn.OnError)
		}
	}
}

// TestDefaultSSHPort: the port providers compare with (a machine on 22
// needs no sshd set-up) is the ssh table's default the defaults step
// fills, one value.
func TestDefaultSSHPort(t *testing.T) {
	k := EnvfileSchema.Table("ssh").Key("port")
	if d, ok := k.Default.(int); !ok || d != DefaultSSHPort || DefaultSSHPort != 22 {
		t.Errorf("ssh.port's default %v, DefaultSSHPort %d: want both 22", k.Default, DefaultSSHPort)
	}
	if got := (SSH{}).PortOrDefault(); got != DefaultSSHPort {
		t.Errorf("PortOrDefault of an unfilled ssh table: %d", got)
	}
}

// TestOptionDefaults: a provider's Options start from the schema's
// defaults of its table, converted to the fields' types; a default that
// does not fit its field is a programming error.
func TestOptionDefaults(t *testing.T) {
	var o struct {
		BootTimeout int    `opt:"boot_timeout"`
		Graphics    string `opt:"graphics"`
		URI         string `opt:"uri"`
		Untagged    int
	}
	OptionDefaults("libvirt", &o)
	if o.BootTimeout != 300 || o.Graphics != "none" || o.URI != "" || o.Untagged != 0 {
		t.Errorf("defaults %+v", o)
	}
	defer func() {
		if recover() == nil {
			t.Error("a string default into an int field did not panic")
		}
	}()
	var bad struct {
		Graphics int `opt:"graphics"`
	}
	OptionDefaults("libvirt", &bad)
}

// TestDecodeDisks: a disks list is read against the schema's disk table:
// its keys (the closest one suggested), the size's presence, type and
// range, in GiB.
func TestDecodeDisks(t *testing.T) {
	tests := []struct {
		name string
		list []any
		want string
	}{
		{"ok", []any{map[string]any{"size": 1.0}, map[string]any{"size": 65536.0}}, ""},
		{"not a table", []any{10.0}, "item 1: expected a table like { size = 10 }, got integer"},
		{"misspelt", []any{map[string]any{"sise": 1.0}}, `item 1: unknown key "sise" (did you mean "size"?)`},
		{"missing", []any{map[string]any{}}, "item 1: size is missing (like size = 10)"},
		{"fraction", []any{map[string]any{"size": 1.5}}, "item 1: size: expected a whole number of GiB, got 1.5"},
		{"zero", []any{map[string]any{"size": 1.0}, map[string]any{"size": 0.0}}, "item 2: size must be 1 to 65536 GiB, got 0 GiB"},
		{"too big", []any{map[string]any{"size": 65537.0}}, "item 1: size must be 1 to 65536 GiB, got 65537 GiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := DecodeDisks(tt.list)
			switch {
			case tt.want == "" && (err != nil || len(d) != 2 || d[1].Size != 65536):
				t.Errorf("got %v, %v", d, err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
