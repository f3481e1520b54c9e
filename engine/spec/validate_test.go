package spec

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func pos(line int) Pos { return Pos{File: "Envfile.lua", Line: line} }

func net24(name, subnet string, line int) *Network {
	p := netip.MustParsePrefix(subnet)
	return &Network{Name: name, Subnet: p, Gateway: p.Addr().Next(), Pos: pos(line)}
}

func mach(name string, line int, nets ...Attachment) *Machine {
	return &Machine{Name: name, Hostname: name, User: DefaultUser, Networks: nets, Pos: pos(line)}
}

func at(network, ip string) Attachment {
	return Attachment{Network: network, IP: netip.MustParseAddr(ip)}
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "setup.sh")
	os.WriteFile(script, []byte("true"), 0o644)
	tests := []struct {
		name string
		ef   *Envfile
		want []string // substrings, each expected in the error; none means valid
	}{
		{
			name: "valid two hosts",
			ef: &Envfile{
				Networks: []*Network{net24("n", "10.1.0.0/24", 1)},
				Machines: []*Machine{mach("a", 2, at("n", "10.1.0.10")), mach("b", 3, at("n", "10.1.0.11"))},
			},
		},
		{
			name: "duplicate machine",
			ef:   &Envfile{Machines: []*Machine{mach("a", 2), mach("a", 5)}},
			want: []string{`Envfile.lua:5: machine "a" is defined twice (first at Envfile.lua:2)`},
		},
		{
			name: "duplicate IP across machines",
			ef: &Envfile{
				Networks: []*Network{net24("n", "10.1.0.0/24", 1)},
				Machines: []*Machine{mach("a", 2, at("n", "10.1.0.10")), mach("b", 3, at("n", "10.1.0.10"))},
			},
			want: []string{`Envfile.lua:3: machine "b": IP 10.1.0.10 is already used by machine "a"`},
		},
		{
			name: "IP outside subnet, on gateway, network and broadcast address",
			ef: &Envfile{
				Networks: []*Network{net24("n", "10.1.0.0/24", 1)},
				Machines: []*Machine{
					mach("a", 2, at("n", "10.2.0.10")),
					mach("b", 3, at("n", "10.1.0.1")),
					mach("c", 4, at("n", "10.1.0.0")),
					mach("d", 5, at("n", "10.1.0.255")),
				},
			},
			want: []string{
				"Envfile.lua:2: machine \"a\": IP 10.2.0.10 on network \"n\" is outside subnet 10.1.0.0/24",
				"Envfile.lua:3: machine \"b\": IP 10.1.0.1 on network \"n\" is the network's gateway",
				"Envfile.lua:4: machine \"c\": IP 10.1.0.0 on network \"n\" is the network address",
				"Envfile.lua:5: machine \"d\": IP 10.1.0.255 on network \"n\" is the broadcast address",
			},
		},
		{
			name: "overlapping subnets",
			ef:   &Envfile{Networks: []*Network{net24("a", "10.1.0.0/24", 1), {Name: "b", Subnet: netip.MustParsePrefix("10.1.0.0/16"), Gateway: netip.MustParseAddr("10.1.255.254"), Pos: pos(2)}}},
			want: []string{`Envfile.lua:2: network "b": subnet 10.1.0.0/16 overlaps subnet 10.1.0.0/24 of network "a"`},
		},
		{
			name: "gateway outside subnet",
			ef:   &Envfile{Networks: []*Network{{Name: "a", Subnet: netip.MustParsePrefix("10.1.0.0/24"), Gateway: netip.MustParseAddr("10.9.0.1"), Pos: pos(1)}}},
			want: []string{`network "a": gateway 10.9.0.1 is outside subnet 10.1.0.0/24`},
		},
		{
			name: "unknown network with suggestion",
			ef: &Envfile{
				Networks: []*Network{net24("backend", "10.1.0.0/24", 1)},
				Machines: []*Machine{mach("a", 2, at("backnd", "10.1.0.10"))},
			},
			want: []string{`machine "a": unknown network "backnd" (did you mean "backend"?)`},
		},
		{
			name: "bad names and hostnames",
			ef: &Envfile{Machines: []*Machine{
				{Name: "a b", Hostname: "ok", User: "vagrant", Pos: pos(1)},
				{Name: "c", Hostname: "-bad.local", User: "vagrant", Pos: pos(2)},
				{Name: "d", Hostname: strings.Repeat("x", 64), User: "vagrant", Pos: pos(3)},
				{Name: "e", Hostname: "e", User: "Bad User", Pos: pos(4)},
			}},
			want: []string{
				`machine "a b": name must be`,
				`machine "c": hostname "-bad.local" has an invalid label "-bad"`,
				`machine "d": hostname`,
				`machine "e": user "Bad User" is not a valid user name`,
			},
		},
		{
			name: "duplicate hostname",
			ef:   &Envfile{Machines: []*Machine{{Name: "a", Hostname: "web.local", User: "vagrant", Pos: pos(1)}, {Name: "b", Hostname: "WEB.local", User: "vagrant", Pos: pos(2)}}},
			want: []string{`machine "b": hostname "WEB.local" is already used by machine "a"`},
		},
		{
			name: "negative sizes",
			ef:   &Envfile{Machines: []*Machine{{Name: "a", Hostname: "a", User: "vagrant", CPUs: -1, Memory: -5, Pos: pos(1)}}},
			want: []string{"cpus must be at least 1, got -1", "memory must be at least 64 MiB, got -5 MiB"},
		},
		{
			name: "depends_on cycle and unknown",
			ef: &Envfile{Machines: []*Machine{
				{Name: "a", Hostname: "a", User: "vagrant", DependsOn: []string{"b"}, Pos: pos(1)},
				{Name: "b", Hostname: "b", User: "vagrant", DependsOn: []string{"a", "zz"}, Pos: pos(2)},
				{Name: "c", Hostname: "c", User: "vagrant", DependsOn: []string{"c"}, Pos: pos(3)},
			}},
			want: []string{
				"Envfile.lua:1: depends_on forms a cycle: a → b → a",
				`machine "b": depends_on: unknown machine "zz"`,
				`machine "c": depends_on names the machine itself`,
			},
		},
		{
			name: "ansible references",
			ef: &Envfile{
				Machines: []*Machine{mach("web", 1)},
				Steps: []Step{
					&Ansible{StepInfo: StepInfo{Kind: "ansible", Name: "site", Pos: pos(2)}, Hosts: []string{"wbe"}, After: []string{"db", "site"}},
					&Ansible{StepInfo: StepInfo{Kind: "ansible", Name: "x", Pos: pos(3)}, Hosts: []string{"web"}, After: []string{"y"}},
					&Ansible{StepInfo: StepInfo{Kind: "ansible", Name: "y", Pos: pos(4)}, Hosts: []string{"web"}, After: []string{"x"}},
				},
			},
			want: []string{
				`ansible "site": hosts: unknown machine "wbe" (did you mean "web"?)`,
				`ansible "site": after: no global step or machine "db"`,
				`ansible "site": after names the step itself`,
				"Envfile.lua:3: after forms a cycle: x → y → x",
			},
		},
		{
			name: "missing files",
			ef: &Envfile{Dir: dir, Machines: []*Machine{{Name: "a", Hostname: "a", User: "vagrant", Pos: pos(1), Steps: []Step{
				&Shell{StepInfo: StepInfo{Kind: "shell", Name: "shell#1", Pos: pos(2)}, Path: script},
				&Shell{StepInfo: StepInfo{Kind: "shell", Name: "shell#2", Pos: pos(3)}, Path: filepath.Join(dir, "nope.sh")},
				&File{StepInfo: StepInfo{Kind: "file", Name: "file#3", Pos: pos(4)}, Source: dir, Destination: "/x"},
				&File{StepInfo: StepInfo{Kind: "file", Name: "file#4", Pos: pos(5)}, Source: filepath.Join(dir, "gone"), Destination: "/x"},
			}}}},
			want: []string{
				`Envfile.lua:3: machine "a": shell step "shell#2": path nope.sh does not exist`,
				`Envfile.lua:5: machine "a": file step "file#4": source gone does not exist`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.ef)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !IsInvalid(err) {
				t.Errorf("error %T is not a spec error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q; got:\n%v", w, err)
				}
			}
			if n := strings.Count(err.Error(), "\n") + 1; n != len(tt.want) {
				t.Errorf("got %d problems, want %d:\n%v", n, len(tt.want), err)
			}
		})
	}
}

func TestOptionsDecode(t *testing.T) {
	type conf struct {
		Graphics string            `opt:"graphics"`
		CPUs     int               `opt:"cpus"`
		On       bool              `opt:"on"`
		Tags     []string          `opt:"tags"`
		Env      map[string]string `opt:"env"`
	}
	ok := Options{Pos: pos(3), Values: map[string]any{
		"graphics": "spice", "cpus": 2.0, "on": true, "tags": []any{"a", "b"}, "env": map[string]any{"K": "V"},
	}}
	var c conf
	if err := ok.Decode("libvirt", &c); err != nil {
		t.Fatal(err)
	}
	if c.Graphics != "spice" || c.CPUs != 2 || !c.On || len(c.Tags) != 2 || c.Env["K"] != "V" {
		t.Errorf("decoded %+v", c)
	}
	bad := Options{Pos: pos(3), Values: map[string]any{"grapics": "x", "cpus": 1.5, "on": "yes", "tags": []any{1.0}}}
	err := bad.Decode("libvirt", &conf{})
	for _, w := range []string{
		`Envfile.lua:3: libvirt: unknown key "grapics" (did you mean "graphics"?)`,
		"libvirt.cpus: expected integer, got number",
		"libvirt.on: expected boolean, got string",
		"libvirt.tags: item 1: expected string, got integer",
	} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
}
