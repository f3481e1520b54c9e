package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/provision/ansible/ansibletest"
)

// TestIntegrationAnsibleInventoryAsWritten: a real ansible-playbook run
// over real containers sees child groups, group variables (all and a
// group's), host variables over a machine's vars, the user's own
// inventory beside envrun's (whose connection settings still win), and a
// raw argument (--diff).
func TestIntegrationAnsibleInventoryAsWritten(t *testing.T) {
	t.Parallel()
	ansibletest.Require(t)
	dir := filepath.Join(t.TempDir(), "t-lua-inventory")
	if err := os.MkdirAll(filepath.Join(dir, "inventory"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		// The user's inventory (a folder: Ansible skips *.ini files in one): a
		// variable of a group, and an address of the test's network no machine has
		// for web1, which envrun's inventory (given last) overrides.
		"inventory/hosts": "[web]\nweb1 ansible_host=172.26.2.99 from_user_inventory=yes\n\n[web:vars]\nuser_group_var=hello\n",
		"site.yml": `- hosts: deployments
  gather_facts: false
  tasks:
    - name: check what the inventory says
      ansible.builtin.assert:
        that:
          - env == "dev"
          - tier == "t1"
          - (inventory_hostname != "web1") or (http_port == 80 and primary and a == 2 and from_user_inventory == "yes" and user_group_var == "hello")
          - (inventory_hostname != "db1") or (a is not defined)
    - name: write the facts
      ansible.builtin.copy:
        dest: /tmp/inventory-facts
        content: "{{ inventory_hostname }} {{ group_names | sort | join(',') }} {{ env }} {{ tier }}\n"
`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w := newWorldIn(t, dir, `
box "debian/bookworm"
network "n" { subnet = "172.26.2.0/24" }
machine "web1" { networks = { n = "172.26.2.10" }, groups = { "web" }, vars = { a = 1 } }
machine "db1" { networks = { n = "172.26.2.11" }, groups = { "db" } }
ansible "site" {
  playbook = "site.yml",
  inventory_path = "inventory/",
  children = { deployments = { "web", "db" } },
  group_vars = { all = { env = "dev" }, deployments = { tier = "t1" }, web = { http_port = 80 } },
  host_vars = { web1 = { primary = true, a = 2 } },
  raw_arguments = { "--diff" },
}
`)
	r := w.run("up")
	if r.code != 0 {
		t.Fatalf("up: %s", r)
	}
	for m, want := range map[string]string{"web1": "web1 deployments,web dev t1\n", "db1": "db1 db,deployments dev t1\n"} {
		if out, err := w.exec(m, "cat", "/tmp/inventory-facts"); err != nil || out != want {
			t.Errorf("%s: /tmp/inventory-facts = %q (%v), want %q", m, out, err, want)
		}
	}
	// --diff made the copy task show its change.
	if !strings.Contains(r.stderr+r.stdout, "+web1 deployments,web dev t1") {
		t.Errorf("ansible-playbook did not get --diff: no diff in the output:\n%s", r)
	}
}
