//go:build linux

package cli_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The tests of this file prove what a Vagrantfile does once for all
// machines (issue 21, item 6) on real Docker machines: defaults { },
// host triggers, a forwarded SSH agent, and an Ansible group that shares
// a machine's name. They use 172.27.0.0/16 and names with t-par/tpar.

const parityEnvfile = `
box "debian/bookworm"
network "tparlan" { subnet = "172.27.10.0/24" }
defaults {
  memory = 256,
  groups = { "tparall" },
  vars = { tpar_from = "defaults" },
  ssh = { forward_agent = true },
  provision = { shell { name = "base", inline = "echo base >/tmp/t-par-base" } },
}
machine "t-par-web" {
  networks = { tparlan = "172.27.10.10" },
  vars = { tpar_from = "machine" },
  provision = {
    shell { name = "agent", privileged = false, inline = "ssh-add -l >/tmp/t-par-agent 2>&1; echo $? >>/tmp/t-par-agent" },
  },
}
machine "tpardb" { networks = { tparlan = "172.27.10.11" }, memory = 320, ssh = { forward_agent = false } }
ansible "tparplay" { playbook = "play.yml", groups = { tpardb = { "t-par-web" } } }
trigger "mark" { before = { "up", "halt" }, run = "echo before-$ENVRUN_EVENT:$ENVRUN_MACHINES >>triggers.log" }
trigger "soft" { before = "up", run = "echo soft failing; exit 3", on_error = "continue" }
trigger "done" { after = { "up", "destroy" }, run = { "sh", "-c", "echo after-$ENVRUN_EVENT:$TPAR >>triggers.log" }, env = { TPAR = "x" } }
`

// parityPlay says which machines are in the group tpardb (t-par-web,
// not the machine tpardb) and whether the agent reached them: the
// inventory forwards it where the machine asks for it.
const parityPlay = `- hosts: all
  gather_facts: false
  tasks:
    - shell: "echo {{ tpar_from }} {{ 'tpardb' in group_names }} >/tmp/t-par-play; ssh-add -l >>/tmp/t-par-play 2>&1; true"
`

// startAgent runs an ssh-agent of the test's own, holding a fresh key
// whose comment is comment, and returns its socket.
func startAgent(t *testing.T, comment string) string {
	t.Helper()
	for _, tool := range []string{"ssh-agent", "ssh-add", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			requireTool(t, tool)
		}
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "agent.sock")
	ctx, cancel := context.WithCancel(context.Background())
	agent := exec.CommandContext(ctx, "ssh-agent", "-D", "-a", sock)
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); agent.Wait() })
	key := filepath.Join(dir, "key")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		add := exec.Command("ssh-add", key)
		add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
		out, err := add.CombinedOutput()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ssh-add: %v %s", err, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return sock
}

// requireTool fails (CI) or skips the test when tool is missing.
func requireTool(t *testing.T, tool string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed (CI=true: a missing tool is a failure)", tool)
	}
	t.Skipf("%s is not installed", tool)
}

// TestIntegrationDefaultsTriggersDocker: defaults { } reach every machine
// (memory, groups, vars, steps first, ssh), the machine's own values win;
// triggers run on the host around up, halt and destroy, in order, with
// on_error = "continue" going on and a failing trigger stopping up before
// anything is made; ssh.forward_agent forwards the test's agent to shell
// steps, `envrun ssh` and Ansible; an Ansible group may share a machine's
// name, with a warning.
func TestIntegrationDefaultsTriggersDocker(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("ansible-playbook"); err != nil {
		requireTool(t, "ansible-playbook")
	}
	sock := startAgent(t, "t-par-agent-key")
	// First a failing trigger: up stops before anything is made.
	w := newWorld(t, `
box "debian/bookworm"
network "tparlan" { subnet = "172.27.10.0/24" }
machine "t-par-web" { networks = { tparlan = "172.27.10.10" } }
trigger "vpn" { before = "up", run = "echo no vpn; exit 4" }
`)
	w.env = []string{"SSH_AUTH_SOCK=" + sock}
	r := w.run("up")
	if r.code != 1 || !strings.Contains(r.stderr, `Envfile.lua:5: trigger "vpn" (before up): exit status 4`) || !strings.Contains(r.stderr, "no vpn") {
		t.Fatalf("up with a failing before trigger: want exit 1 naming the trigger and its output; %s", r)
	}
	if cs := w.containers(); len(cs) != 0 {
		t.Fatalf("a failed before trigger left containers: %v", cs)
	}
	if ns := w.networks(); len(ns) != 0 {
		t.Fatalf("a failed before trigger left networks: %v", ns)
	}

	w.writeEnvfile(parityEnvfile)
	if err := os.WriteFile(filepath.Join(w.dir, "play.yml"), []byte(parityPlay), 0o644); err != nil {
		t.Fatal(err)
	}
	r = w.mustRun("up")
	if !strings.Contains(r.stderr, `group "tpardb" has a machine's name`) {
		t.Errorf("no warning for the group named like a machine:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "soft failing") || !strings.Contains(r.stderr, `on_error = "continue": going on`) {
		t.Errorf("the on_error = continue trigger's output and warning are missing:\n%s", r.stderr)
	}

	// defaults: memory (its own wins), the step before the machine's own.
	for name, mib := range map[string]int64{"t-par-web": 256, "tpardb": 320} {
		out, err := exec.Command("docker", "inspect", "-f", "{{.HostConfig.Memory}}", w.project+"-"+name).Output()
		if err != nil || strings.TrimSpace(string(out)) != strconv.FormatInt(mib<<20, 10) {
			t.Errorf("%s: memory %q (%v), want %d MiB", name, out, err, mib)
		}
		if out, err := w.exec(name, "cat", "/tmp/t-par-base"); err != nil || out != "base\n" {
			t.Errorf("%s: the defaults' step did not run: %v %s", name, err, out)
		}
	}
	// The agent: in the machine's step, through envrun ssh and Ansible;
	// not where the machine turned it off.
	if out, _ := w.exec("t-par-web", "cat", "/tmp/t-par-agent"); !strings.Contains(out, "t-par-agent-key (ED25519)") || !strings.HasSuffix(out, "0\n") {
		t.Errorf("the shell step saw no forwarded agent:\n%s", out)
	}
	if r := w.mustRun("ssh", "t-par-web", "--", "ssh-add -l"); !strings.Contains(r.stdout, "t-par-agent-key (ED25519)") {
		t.Errorf("envrun ssh: no forwarded agent: %s", r)
	}
	if out, _ := w.exec("t-par-web", "cat", "/tmp/t-par-play"); !strings.HasPrefix(out, "machine True\n") || !strings.Contains(out, "t-par-agent-key (ED25519)") {
		t.Errorf("the play on t-par-web (group tpardb): want the machine's var and the agent, got:\n%s", out)
	}
	if out, _ := w.exec("tpardb", "cat", "/tmp/t-par-play"); !strings.HasPrefix(out, "defaults False\n") || strings.Contains(out, "t-par-agent-key") {
		t.Errorf("the play on tpardb (host tpardb): want the defaults' var and no agent, got:\n%s", out)
	}
	if cfg := w.mustRun("ssh-config").stdout; strings.Count(cfg, "ForwardAgent yes") != 1 {
		t.Errorf("ssh-config: want ForwardAgent for t-par-web only:\n%s", cfg)
	}
	var inv struct {
		All struct {
			Hosts    map[string]map[string]any `yaml:"hosts"`
			Children map[string]struct {
				Hosts map[string]any `yaml:"hosts"`
			} `yaml:"children"`
		} `yaml:"all"`
	}
	if err := yaml.Unmarshal([]byte(w.mustRun("inventory").stdout), &inv); err != nil {
		t.Fatal(err)
	}
	if inv.All.Hosts["t-par-web"]["ansible_ssh_extra_args"] != "-o ForwardAgent=yes" || inv.All.Hosts["tpardb"]["ansible_ssh_extra_args"] != nil {
		t.Errorf("inventory: forward agent args: %v", inv.All.Hosts)
	}
	if _, ok := inv.All.Children["tparall"].Hosts["tpardb"]; !ok {
		t.Errorf("inventory: the defaults' group tparall lacks tpardb: %v", inv.All.Children)
	}

	w.mustRun("halt", "tpardb")
	w.mustRun("destroy", "-f")
	log, err := os.ReadFile(filepath.Join(w.dir, "triggers.log"))
	if want := "before-up:t-par-web tpardb\nafter-up:x\nbefore-halt:tpardb\nafter-destroy:x\n"; err != nil || string(log) != want {
		t.Errorf("triggers.log:\n%s(%v)\nwant:\n%s", log, err, want)
	}
}
