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

// TestIntegrationInventoryGroupsExample brings up examples/inventory-groups
// as it is but for its subnet, with a real ansible-playbook: each host sees
// its groups (the child group deployments too) and the variables of every
// origin (group_vars, host_vars over the machine's vars, the example's own
// inventory/); --diff shows; a second up runs the run = "always" step again
// and not the play; the run = "never" step runs only when --step names it.
func TestIntegrationInventoryGroupsExample(t *testing.T) {
	t.Parallel()
	ansibletest.Require(t)
	dir := filepath.Join(t.TempDir(), "t-lua-invex")
	if err := os.CopyFS(dir, os.DirFS("../examples/inventory-groups")); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(dir, "Envfile.lua"))
	if err != nil || !strings.Contains(string(src), "172.20.40.") {
		t.Fatalf("examples/inventory-groups/Envfile.lua no longer has 172.20.40.: adapt this test (%v)", err)
	}
	w := newWorldIn(t, dir, strings.ReplaceAll(string(src), "172.20.40.", "172.26.9."))
	r := w.mustRun("up")
	for m, want := range map[string]string{
		"web1": "web1 groups=deployments,web env=dev tier=t1 port=8080 primary=True motd=welcome pg=- backup=-",
		"db1":  "db1 groups=db,deployments env=dev tier=t1 port=- primary=False motd=- pg=16 backup=02:00",
	} {
		if out, err := w.exec(m, "cat", "/tmp/inventory-facts"); err != nil || out != want {
			t.Errorf("%s: /tmp/inventory-facts = %q (%v), want %q", m, out, err, want)
		}
	}
	if !strings.Contains(r.stderr+r.stdout, "+web1 groups=deployments,web") {
		t.Errorf("ansible-playbook did not get --diff:\n%s", r)
	}
	if strings.Contains(r.stderr, "cache reset") {
		t.Errorf("up ran the run = \"never\" step:\n%s", r.stderr)
	}
	r = w.mustRun("up")
	if strings.Contains(r.stderr, "PLAY [") || strings.Contains(r.stderr, "cache reset") {
		t.Errorf("a second up ran the play or the never step:\n%s", r.stderr)
	}
	if out, _ := w.exec("web1", "cat", "/tmp/up-stamps"); strings.Count(out, "\n") != 2 {
		t.Errorf("the run = \"always\" step ran %d time(s) over two ups, want 2", strings.Count(out, "\n"))
	}
	r = w.mustRun("provision", "web1", "--step", "reset-cache")
	if !strings.Contains(r.stderr, "web1 | cache reset") || strings.Contains(r.stderr, "PLAY [") {
		t.Errorf("provision --step reset-cache:\n%s", r.stderr)
	}
	if out, _ := w.exec("web1", "cat", "/tmp/up-stamps"); strings.Count(out, "\n") != 2 {
		t.Errorf("provision --step ran a step it does not name: %d stamps", strings.Count(out, "\n"))
	}
}
