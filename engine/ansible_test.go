package engine

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/provision/ansible/ansibletest"
	"github.com/envrun/envrun/engine/ui"
)

// TestIntegrationAnsibleRunLocal runs a real ansible-playbook through the
// engine over machines that Ansible reaches with its local connection (so
// no machine is needed): the galaxy requirements are installed first, and
// the play sees one run over both hosts, their groups (the machines' and
// the step's), their vars and the extra variables with their types.
func TestIntegrationAnsibleRunLocal(t *testing.T) {
	ansibletest.Require(t)
	tmp := t.TempDir()
	// A role in a tarball, installed by ansible-galaxy from requirements.yml.
	role := filepath.Join(tmp, "src", "myrole")
	for name, content := range map[string]string{
		"tasks/main.yml": `- name: Record what the play sees
  ansible.builtin.copy:
    dest: "{{ out }}/{{ inventory_hostname }}"
    content: "{{ [inventory_hostname, port | type_debug, port, flags.a, group_names | join('+'), ansible_play_hosts_all | join('+'), greeting] | join(' ') }}\n"
`,
		"meta/main.yml": "galaxy_info: {author: envrun, description: test, license: MIT, min_ansible_version: '2.9', platforms: []}\ndependencies: []\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(role, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(role, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tarball := filepath.Join(tmp, "myrole.tar.gz")
	if out, err := exec.Command("tar", "-C", filepath.Dir(role), "-czf", tarball, "myrole").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	t.Setenv("ANSIBLE_ROLES_PATH", filepath.Join(tmp, "roles"))
	out := filepath.Join(tmp, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}

	var log bytes.Buffer
	e := loadLua(t, `
box "debian/bookworm"
network "net" { subnet = "172.31.38.0/24" }
for i, n in ipairs({ "m1", "m2" }) do
  machine(n) {
    networks = { net = "172.31.38." .. (10 + i) },
    groups = { "app" },
    vars = { ansible_connection = "local", greeting = "hello-" .. n },
  }
end
ansible "site" {
  playbook = "site.yml",
  hosts = machines(),
  groups = { special = { "m2" } },
  extra_vars = { out = "`+out+`", port = 8080, flags = { a = true } },
  galaxy_requirements = "requirements.yml",
}
`, map[string]string{
		"site.yml":         "- hosts: all\n  gather_facts: false\n  roles: [myrole]\n",
		"requirements.yml": "- src: " + tarball + "\n  name: myrole\n",
	}, newFake(), &cmdLog{}, nil)
	e.UI = ui.New(&log, ui.Normal)
	if _, err := e.Walk(context.Background(), PlanOptions{}); err != nil {
		t.Fatalf("walk: %v\n%s", err, log.String())
	}
	for host, want := range map[string]string{
		"m1": "m1 int 8080 True app m1+m2 hello-m1\n",
		"m2": "m2 int 8080 True app+special m1+m2 hello-m2\n",
	} {
		got, err := os.ReadFile(filepath.Join(out, host))
		if err != nil {
			t.Fatalf("%v\n%s", err, log.String())
		}
		if string(got) != want {
			t.Errorf("%s saw %q, want %q", host, got, want)
		}
	}
	for _, want := range []string{"site | - myrole was installed successfully", "site | PLAY RECAP"} {
		if !strings.Contains(squeeze(log.String()), want) {
			t.Errorf("the output lacks %q:\n%s", want, log.String())
		}
	}
	// Done over these machines: the next up does not run it again.
	log.Reset()
	if _, err := e.Walk(context.Background(), PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "PLAY") {
		t.Errorf("the step ran again over the same machines:\n%s", log.String())
	}
}
