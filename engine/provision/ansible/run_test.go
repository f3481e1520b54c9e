package ansible

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/golden"
)

func TestRunArgs(t *testing.T) {
	tests := []struct {
		name      string
		step      spec.Ansible
		hosts     int
		extraVars string
	}{
		{name: "plain", step: spec.Ansible{Playbook: "/env/site.yml"}, hosts: 2},
		{name: "everything", hosts: 3, extraVars: "/env/.envrun/ansible/site/extra_vars.json", step: spec.Ansible{
			Playbook: "/env/site.yml", Become: true, Verbose: 3, Limit: "app:!db", Tags: []string{"a", "b"},
			SkipTags: []string{"slow"}, VaultPasswordFile: "/env/vault pass", Forks: 20,
		}},
		{name: "no hosts still one fork", step: spec.Ansible{Playbook: "/env/site.yml"}},
		// Values that look like options stay the values of theirs.
		{name: "values like options", hosts: 1, step: spec.Ansible{Playbook: "/env/site.yml",
			Limit: "--module-path=/tmp/evil", Tags: []string{"-e", "x=1"}, SkipTags: []string{"--syntax-check"}}},
	}
	var b strings.Builder
	for _, tt := range tests {
		r := &Run{Step: &tt.step, Inventory: "/env/.envrun/ansible/site/inventory.yml", Hosts: tt.hosts}
		b.WriteString("# " + tt.name + "\n")
		for _, a := range r.Args(tt.extraVars) {
			b.WriteString(a + "\n")
		}
		b.WriteString("\n")
	}
	golden.Check(t, "testdata/args.txt", b.String())
	// Each Envfile value is inside its own --option=VALUE argument.
	r := &Run{Step: &tests[3].step, Inventory: "inv", Hosts: 1}
	for _, a := range r.Args("") {
		if a == "--module-path=/tmp/evil" || a == "-e" || a == "--syntax-check" {
			t.Errorf("an Envfile value became an option of its own: %q in %q", a, r.Args(""))
		}
	}
}

func TestRunEnv(t *testing.T) {
	home, etc, dir, withCfg := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	t.Setenv("HOME", home)
	systemConfig = filepath.Join(etc, "ansible.cfg")
	defer func() { systemConfig = "/etc/ansible/ansible.cfg" }()
	if err := os.WriteFile(filepath.Join(withCfg, "ansible.cfg"), []byte("[defaults]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fast := []string{"ANSIBLE_PIPELINING=True", "ANSIBLE_RETRY_FILES_ENABLED=False", "ANSIBLE_INVENTORY_ENABLED=yaml", "ANSIBLE_INVENTORY_UNPARSED_FAILED=true"}
	tests := []struct {
		name    string
		step    spec.Ansible
		color   bool
		environ []string
		want    []string // exactly these ANSIBLE_* / PYTHON* settings
	}{
		{
			name: "defaults", step: spec.Ansible{Playbook: filepath.Join(dir, "site.yml")},
			want: append(fast, "ANSIBLE_SSH_ARGS=-o ControlMaster=auto -o ControlPersist=60s", "PYTHONUNBUFFERED=1",
				"ANSIBLE_NOCOLOR=True", "ANSIBLE_SSH_CONTROL_PATH_DIR=/cp"),
		},
		{
			// An ansible.cfg beside the playbook may have ssh_args of its own.
			name: "ansible.cfg beside the playbook", step: spec.Ansible{Playbook: filepath.Join(withCfg, "site.yml")},
			want: append(fast, "PYTHONUNBUFFERED=1", "ANSIBLE_NOCOLOR=True", "ANSIBLE_SSH_CONTROL_PATH_DIR=/cp"),
		},
		{
			name: "the user's own settings are kept", color: true,
			step:    spec.Ansible{Playbook: filepath.Join(dir, "site.yml"), Config: "/env/ansible.cfg"},
			environ: []string{"HOME=/root", "ANSIBLE_PIPELINING=False"},
			want: []string{"ANSIBLE_PIPELINING=False", "ANSIBLE_RETRY_FILES_ENABLED=False", "ANSIBLE_INVENTORY_ENABLED=yaml", "ANSIBLE_INVENTORY_UNPARSED_FAILED=true",
				"PYTHONUNBUFFERED=1", "ANSIBLE_FORCE_COLOR=True", "ANSIBLE_CONFIG=/env/ansible.cfg", "ANSIBLE_SSH_CONTROL_PATH_DIR=/cp"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Run{Step: &tt.step, Color: tt.color}
			var got []string
			for _, kv := range r.Env(tt.environ, "/cp") {
				if strings.HasPrefix(kv, "ANSIBLE_") || strings.HasPrefix(kv, "PYTHON") {
					got = append(got, kv)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
