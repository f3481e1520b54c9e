package ansible

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/envrun/envrun/internal/golden"
)

func TestInventoryYAML(t *testing.T) {
	tests := []struct {
		name string
		inv  Inventory
	}{
		{
			name: "two-host.yml",
			inv: Inventory{
				Source: "/work/two-host/Envfile.lua",
				Hosts: []Host{
					{Name: "machine1", Addr: "172.20.1.20:22", User: "vagrant", Groups: []string{"app"}},
					{Name: "machine2", Addr: "172.20.1.21:22", User: "vagrant", Groups: []string{"app"}},
				},
				KeyFile:        "/work/two-host/.envrun/id_ed25519",
				KnownHostsFile: "/work/two-host/.envrun/known_hosts",
			},
		},
		{
			name: "vars-groups.yml",
			inv: Inventory{
				Source: "/home/me/my env/Envfile.lua",
				Hosts: []Host{
					{Name: "db", Addr: "10.0.0.5:22", User: "admin", Groups: []string{"data", "backup"},
						Vars: map[string]any{
							"port": 5432.0, "ratio": 0.5, "big": 1e6, "enabled": true,
							"answer": "yes", "tags": []any{"a", 2.0}, "nested": map[string]any{"k": "v"},
							"empty": "",
						}},
					{Name: "web", Addr: "127.0.0.1:2222", User: "vagrant", Groups: []string{"front"},
						Vars: map[string]any{"ansible_user": "root", "ansible_python_interpreter": "/usr/bin/python3"}},
					{Name: "lone", Addr: "10.0.0.7:22", User: "vagrant"},
				},
				// Extra groups: "ghost" is not in this inventory and is left out.
				Groups: map[string][]string{
					"monitored": {"web", "db", "ghost"},
					"front":     {"web", "lone"},
				},
				KeyFile:        "/home/me/my env/.envrun/id_ed25519",
				KnownHostsFile: "/home/me/my env/.envrun/known_hosts",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.inv.YAML()
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tt.name), string(got))
		})
	}
}

func TestInventoryBadAddr(t *testing.T) {
	inv := Inventory{Hosts: []Host{{Name: "m", Addr: "10.0.0.1", User: "u"}}}
	if _, err := inv.YAML(); err == nil || !strings.Contains(err.Error(), `host m: address "10.0.0.1"`) {
		t.Fatalf("got %v, want an error naming the host and its address", err)
	}
}
