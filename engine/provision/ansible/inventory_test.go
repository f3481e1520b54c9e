package ansible

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/provision/ansible/ansibletest"
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

// TestInventoryYAML11: names and values that YAML 1.1 (Ansible's PyYAML)
// reads as numbers, null or booleans are quoted, so that the real
// ansible-inventory sees machines "1" and "null" in groups "yes" and "no",
// each group with its own members.
func TestInventoryYAML11(t *testing.T) {
	inv := Inventory{
		Source: "/work/yaml11/Envfile.lua",
		Hosts: []Host{
			{Name: "1", Addr: "10.0.0.5:22", User: "vagrant", Groups: []string{"yes", "on"},
				Vars: map[string]any{"when": "1:20", "octal": "0o17", "n": "n", "null": "~"}},
			{Name: "null", Addr: "10.0.0.6:22", User: "vagrant", Groups: []string{"no", "off"}},
		},
		Groups:         map[string][]string{"true": {"1", "null"}},
		KeyFile:        "/work/yaml11/.envrun/id_ed25519",
		KnownHostsFile: "/work/yaml11/.envrun/known_hosts",
	}
	got, err := inv.YAML()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "yaml11.yml"), string(got))

	ansibletest.Require(t)
	file := filepath.Join(t.TempDir(), "inventory.yml")
	os.WriteFile(file, got, 0o600)
	c := exec.Command("ansible-inventory", "-i", file, "--list")
	c.Env = append(os.Environ(), "ANSIBLE_INVENTORY_UNPARSED_FAILED=true", "ANSIBLE_INVENTORY_ENABLED=yaml")
	out, err := c.Output()
	if err != nil {
		t.Fatalf("ansible-inventory: %v\n%s", err, out)
	}
	var list map[string]struct {
		Hosts []string `json:"hosts"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"yes": "1", "on": "1", "no": "null", "off": "null", "true": "1,null"}
	for g, hosts := range want {
		if got := strings.Join(list[g].Hosts, ","); got != hosts {
			t.Errorf("group %q holds %q, want %q (ansible-inventory --list:\n%s)", g, got, hosts, out)
		}
	}
	var vars struct {
		Meta struct {
			Hostvars map[string]map[string]any `json:"hostvars"`
		} `json:"_meta"`
	}
	json.Unmarshal(out, &vars)
	for k, v := range map[string]any{"when": "1:20", "octal": "0o17", "n": "n", "null": "~"} {
		if got := vars.Meta.Hostvars["1"][k]; got != v {
			t.Errorf("var %s of host 1 is %#v, want %q", k, got, v)
		}
	}
}
