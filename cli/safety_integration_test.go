package cli_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The data-safety tests of issue 13 on Docker. Subnets 172.25.0.0/16 and
// folder names starting d- are theirs.

// safetyDir is a folder named d-NAME-* for an environment, removed after
// the test (after the world's own clean-up, which is registered later).
func safetyDir(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "d-"+name+"-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// listDir is a folder's entries and their content, to see that nothing
// changed.
func listDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		out[e.Name()] = string(data)
	}
	return out
}

// TestIntegrationStateLinkRefused: a .envrun that is a symbolic link (a
// committed `.envrun -> ../precious`, or one to ~/.ssh) is refused by
// every command, naming .envrun, with exit 1; nothing is made, and the
// folder it points at keeps every file as it was — destroy empties
// nothing through it.
func TestIntegrationStateLinkRefused(t *testing.T) {
	root := safetyDir(t, "link")
	precious := filepath.Join(root, "precious")
	os.Mkdir(precious, 0o700)
	os.WriteFile(filepath.Join(precious, "id_ed25519"), []byte("the user's own key\n"), 0o600)
	os.WriteFile(filepath.Join(precious, "known_hosts"), []byte("@cert-authority *.example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE9V3C6ReSsyTiSHnSiPjhbDM6yRFBNnc+BUwgt/3xNm\n"), 0o600)
	os.WriteFile(filepath.Join(precious, "notes"), []byte("keep me\n"), 0o600)
	before := listDir(t, precious)
	env := filepath.Join(root, "env")
	os.Mkdir(env, 0o755)
	if err := os.Symlink("../precious", filepath.Join(env, ".envrun")); err != nil {
		t.Fatal(err)
	}
	w := newWorldIn(t, env, `
box "debian/bookworm"
network "n" { subnet = "172.25.1.0/24" }
machine "web" { networks = { n = "172.25.1.10" } }
`)
	for _, args := range [][]string{{"up"}, {"status"}, {"ssh-config"}, {"destroy", "-f"}} {
		r := w.run(args...)
		if r.code != 1 || !strings.Contains(r.stderr, filepath.Join(env, ".envrun")+" is a symbolic link") {
			t.Errorf("envrun %s: want exit 1 and a refusal naming .envrun: %s", strings.Join(args, " "), r)
		}
	}
	if c, n := w.containers(), w.networks(); len(c)+len(n) > 0 {
		t.Errorf("%d container(s) and %d network(s) were made", len(c), len(n))
	}
	after := listDir(t, precious)
	if len(after) != len(before) {
		t.Errorf("the link's target now holds %v, had %v", after, before)
	}
	for name, data := range before {
		if after[name] != data {
			t.Errorf("%s in the link's target changed: %q, was %q", name, after[name], data)
		}
	}
}

// TestIntegrationSyncedProjectHidesState: a machine with the project
// folder synced in sees an empty, read-only .envrun there, and the
// environment key's bytes are nowhere in its file system. destroy then
// removes the files envrun made in .envrun/ by name and leaves one of the
// user's there, saying so.
func TestIntegrationSyncedProjectHidesState(t *testing.T) {
	w := newWorldIn(t, safetyDir(t, "sync"), `
box "debian/bookworm"
network "n" { subnet = "172.25.2.0/24" }
machine "web" { networks = { n = "172.25.2.10" }, synced_folders = { ["."] = "/project" } }
`)
	w.mustRun("up")
	key, err := os.ReadFile(filepath.Join(w.dir, ".envrun", "id_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(key)), "\n")
	needle := lines[len(lines)/2] // a line of the key's base64
	if out, err := w.exec("web", "ls", "/project/Envfile.lua"); err != nil {
		t.Fatalf("the project folder is not synced: %v %s", err, out)
	}
	if out, err := w.exec("web", "sh", "-c", "ls -A /project/.envrun"); err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("the guest sees .envrun's files: %q (%v)", out, err)
	}
	if out, err := w.exec("web", "sh", "-c", "touch /project/.envrun/x"); err == nil {
		t.Errorf("the guest could write in .envrun: %s", out)
	}
	out, _ := w.exec("web", "sh", "-c", "grep -rlF -e '"+needle+"' / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev 2>/dev/null; true")
	if strings.TrimSpace(out) != "" {
		t.Errorf("the environment key's bytes are in the guest, in:\n%s", out)
	}
	// destroy: envrun's own files go, the user's stays and is named.
	os.WriteFile(filepath.Join(w.dir, ".envrun", "mine.txt"), []byte("x"), 0o600)
	r := w.mustRun("destroy", "-f")
	if !strings.Contains(r.stderr, "files envrun did not make, left as they are: mine.txt") {
		t.Errorf("destroy does not say what it left: %s", r)
	}
	if got := listDir(t, filepath.Join(w.dir, ".envrun")); len(got) != 1 || got["mine.txt"] != "x" {
		t.Errorf(".envrun holds %v after destroy, want mine.txt alone", got)
	}
}

// TestIntegrationDockerForeignContainer: a container that has a machine's
// name but not this environment's label is refused ("exists and is not
// envrun's"), and left as it was: not removed, not started.
func TestIntegrationDockerForeignContainer(t *testing.T) {
	w := newWorldIn(t, safetyDir(t, "foreign"), `
box "debian/bookworm"
network "n" { subnet = "172.25.3.0/24" }
machine "web" { networks = { n = "172.25.3.10" } }
`)
	name := w.project + "-web"
	out, err := exec.Command("docker", "create", "--name", name, "envrun/box:debian-bookworm", "sleep", "600").Output()
	if err != nil {
		t.Fatalf("docker create: %v", err)
	}
	id := strings.TrimSpace(string(out))
	t.Cleanup(func() { exec.Command("docker", "rm", "-f", id).Run() })
	r := w.run("up")
	if r.code != 1 || !strings.Contains(r.stderr, "a container named "+name+" exists and is not envrun's") {
		t.Errorf("up over a foreign container: want exit 1 and a refusal: %s", r)
	}
	state, err := exec.Command("docker", "inspect", "-f", "{{.Id}} {{.State.Status}}", name).Output()
	if err != nil || strings.TrimSpace(string(state)) != id+" created" {
		t.Errorf("the foreign container was changed: %q %v, want %s created", state, err, id)
	}
}

// TestIntegrationAnsibleYAML11Names: machines "1" and "null" in groups
// "yes" and "no" (names YAML 1.1 reads as a number, null and booleans)
// reach the real ansible-playbook as they are: one play runs on both, and
// each machine's group_names is its own. A playbook that leaves one of
// the step's machines out fails the step, naming the machine, where
// ansible-playbook exits 0.
func TestIntegrationAnsibleYAML11Names(t *testing.T) {
	e := newEnv(t, "", map[string]string{
		"Envfile.lua": `
box "debian/bookworm"
network "n" { subnet = "172.25.4.0/24" }
machine "1" { networks = { n = "172.25.4.10" }, groups = { "yes" } }
machine "null" { networks = { n = "172.25.4.11" }, groups = { "no" } }
ansible "site" { playbook = "site.yml", hosts = { "1", "null" } }
ansible "only_yes" { playbook = "only-yes.yml", hosts = { "1", "null" }, after = { "site" } }
`,
		"site.yml": `
- hosts: all
  gather_facts: false
  tasks:
    - ansible.builtin.copy:
        content: "{{ inventory_hostname }}={{ group_names | join(',') }}"
        dest: /tmp/groups
`,
		"only-yes.yml": `
- hosts: "yes"
  gather_facts: false
  tasks:
    - ansible.builtin.command: "true"
`,
	})
	code, _, stderr := e.run(context.Background(), "up")
	if code != 1 {
		t.Fatalf("up: exit %d, want 1 (only_yes leaves null out)\n%s", code, stderr)
	}
	for machine, want := range map[string]string{"1": "1=yes", "null": "null=no"} {
		if got := e.remote(machine, "cat /tmp/groups"); got != want {
			t.Errorf("machine %s: group_names %q, want %q", machine, got, want)
		}
	}
	if !strings.Contains(stderr, "ansible-playbook exited 0 but its play recap does not list null") {
		t.Errorf("the step over fewer machines was not failed, naming null:\n%s", stderr)
	}
	if strings.Contains(stderr, "FAILED ansible:site") {
		t.Errorf("site failed:\n%s", stderr)
	}
}

// TestRunawayLoadStopsOnCtrlC: a load that never ends — a busy loop, a
// tail-recursive one, a pattern that backtracks for ages — stops on the
// first Ctrl-C within a second, exit status 130, with the real binary.
func TestRunawayLoadStopsOnCtrlC(t *testing.T) {
	bin := envrunBinary(t)
	for name, src := range map[string]string{
		"loop":    "while true do end",
		"tail":    "local function f(n) return f(n + 1) end f(1)",
		"pattern": `string.find(("a"):rep(40), ("a*"):rep(40) .. "b")`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "Envfile.lua"), []byte("box \"debian/bookworm\"\n"+src+"\n"), 0o644)
			c := exec.Command(bin, "validate")
			c.Dir, c.Env = dir, append(os.Environ(), "ENVRUN_PROVIDER=docker")
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Second) // well into the load (the binary has its Ctrl-C handler)
			t0 := time.Now()
			c.Process.Signal(os.Interrupt)
			done := make(chan error, 1)
			go func() { done <- c.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				c.Process.Kill()
				t.Fatal("envrun did not stop within 10 s of Ctrl-C")
			}
			if took := time.Since(t0); took > time.Second || c.ProcessState.ExitCode() != 130 {
				t.Errorf("exit %d %s after Ctrl-C, want 130 within 1 s", c.ProcessState.ExitCode(), took)
			}
		})
	}
}
