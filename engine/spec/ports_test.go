package spec

import (
	"strings"
	"testing"
)

func TestPortConflictsAcrossMachines(t *testing.T) {
	port := func(ip string, host int, auto bool) Port {
		return Port{HostIP: ip, Host: host, Guest: 80, Protocol: "tcp", AutoCorrect: auto}
	}
	tests := []struct {
		name string
		a, b Port
		want string // "" when valid
	}{
		{"same port", port("", 8080, false), port("", 8080, false),
			`Envfile.lua:3: machine "b": host port 8080/tcp is also forwarded by machine "a" (Envfile.lua:2, "8080:80")`},
		{"every address and one", port("", 8080, false), port("127.0.0.1", 8080, false), `host port 127.0.0.1:8080/tcp is also forwarded by machine "a"`},
		{"two addresses", port("127.0.0.1", 8080, false), port("127.0.0.2", 8080, false), ""},
		{"other protocol", port("", 53, false), Port{Host: 53, Guest: 53, Protocol: "udp"}, ""},
		{"auto_correct on the second", port("", 8080, false), port("", 8080, true), ""},
		{"auto_correct on the first", port("", 8080, true), port("", 8080, false), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := mach("a", 2), mach("b", 3)
			a.Ports, b.Ports = []Port{tt.a}, []Port{tt.b}
			err := Validate(&Envfile{Machines: []*Machine{a, b}})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("want valid, got %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("want %q, got %v", tt.want, err)
			case tt.want != "" && !strings.Contains(err.Error(), "auto_correct = true"):
				t.Errorf("the error does not say how to let envrun pick a port: %v", err)
			}
		})
	}
}

func TestPrimary(t *testing.T) {
	a, b, c := mach("a", 2), mach("b", 3), mach("c", 4)
	ef := &Envfile{Path: "/p/Envfile.lua", Machines: []*Machine{a, b, c}}
	if _, err := ef.Primary(); err == nil || !strings.Contains(err.Error(), "a, b, c") || !strings.Contains(err.Error(), "primary = true") {
		t.Errorf("no primary among three: %v", err)
	}
	b.Primary = true
	if m, err := ef.Primary(); err != nil || m != b {
		t.Errorf("Primary() = %v, %v; want b", m, err)
	}
	if err := Validate(ef); err != nil {
		t.Errorf("one primary: %v", err)
	}
	c.Primary = true
	err := Validate(ef)
	if err == nil || !strings.Contains(err.Error(), `Envfile.lua:4: machine "c": primary = true, and machine "b" (Envfile.lua:3) is primary already`) {
		t.Errorf("two primaries: %v", err)
	}
	one := &Envfile{Machines: []*Machine{a}}
	if m, err := one.Primary(); err != nil || m != a {
		t.Errorf("the only machine: %v, %v", m, err)
	}
}
