package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/cli"
	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provider/docker"
	"github.com/envrun/envrun/engine/provider/providertest"
	"github.com/envrun/envrun/engine/provision/ansible/ansibletest"
)

// envrunEnv drives one environment through cli.Run, as the command line
// would, and destroys it when the test ends.
type envrunEnv struct {
	t    testing.TB
	dir  string
	file string
	args []string // before every command's own: -f FILE, --provider P
}

// newEnv writes files (name → content) to a temp folder, or copies the
// folder from when it is not "", and registers `envrun destroy`. The
// machines are Docker's.
func newEnv(t testing.TB, from string, files map[string]string) *envrunEnv {
	t.Helper()
	return newEnvOn(t, docker.Driver, from, files)
}

// newEnvOn is newEnv on the provider of driver.
func newEnvOn(t testing.TB, driver *provider.Driver, from string, files map[string]string) *envrunEnv {
	t.Helper()
	providertest.Require(t, driver)
	ansibletest.Require(t)
	dir := t.TempDir()
	if from != "" {
		entries, err := os.ReadDir(from)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			data, err := os.ReadFile(filepath.Join(from, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(dir, "Envfile.lua")
	e := &envrunEnv{t: t, dir: dir, file: file, args: []string{"-f", file, "--provider", driver.Name}}
	t.Cleanup(func() {
		if code, _, stderr := e.run(context.Background(), "destroy", "--force"); code != 0 {
			t.Errorf("destroy: exit %d\n%s", code, stderr)
		}
	})
	return e
}

// run runs envrun -f FILE --provider P ARGS... and returns its exit status
// and output.
func (e *envrunEnv) run(ctx context.Context, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := cli.Run(ctx, append(slices.Clip(e.args), args...), strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// mustRun runs envrun and fails the test unless it exits 0.
func (e *envrunEnv) mustRun(args ...string) (string, string) {
	e.t.Helper()
	code, stdout, stderr := e.run(context.Background(), args...)
	if code != 0 {
		e.t.Fatalf("envrun %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout, stderr
}

// remote runs a command on a machine with `envrun ssh` and returns stdout.
func (e *envrunEnv) remote(machine, cmd string) string {
	e.t.Helper()
	stdout, _ := e.mustRun("ssh", machine, "--", cmd)
	return stdout
}

// bash runs a bash command line in the environment's folder (envrun is on
// PATH: testscript.Main put the test binary there under that name).
// Each call has SSH control sockets of its own, closed afterwards, so that
// no call reuses another's authenticated connection (or leaves it behind).
func (e *envrunEnv) bash(line string) (string, error) {
	cp, err := os.MkdirTemp("", "cp")
	if err != nil {
		e.t.Fatal(err)
	}
	defer closeMasters(e.t, cp)
	c := exec.Command("bash", "-c", line)
	c.Dir = e.dir
	c.Env = append(os.Environ(), "ANSIBLE_SSH_CONTROL_PATH_DIR="+cp)
	out, err := c.CombinedOutput()
	return string(out), err
}

// closeMasters ends the SSH masters with a socket in dir, and removes it.
func closeMasters(t testing.TB, dir string) {
	socks, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, s := range socks {
		if out, err := exec.Command("ssh", "-o", "ControlPath="+s, "-O", "exit", "x").CombinedOutput(); err != nil {
			t.Logf("close %s: %v: %s", s, err, out)
		}
	}
	os.RemoveAll(dir)
}

// strays lists the live processes whose command line names path: ansible
// workers, ssh masters (their title names the control socket).
func strays(path string) []string {
	var out []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil || len(data) == 0 {
			continue
		}
		cmdline := strings.ReplaceAll(string(data), "\x00", " ")
		if strings.Contains(cmdline, path) {
			out = append(out, filepath.Base(filepath.Dir(p))+": "+cmdline)
		}
	}
	return out
}

// exampleWith is examples/two-host/Envfile.lua with each replacement made;
// a replacement that no longer applies fails the test, so the tests follow
// the example as it changes.
func exampleWith(t *testing.T, replacements ...[2]string) map[string]string {
	t.Helper()
	data, err := os.ReadFile("../examples/two-host/Envfile.lua")
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	for _, r := range replacements {
		if !strings.Contains(src, r[0]) {
			t.Fatalf("examples/two-host/Envfile.lua no longer has %q: adapt this test", r[0])
		}
		src = strings.ReplaceAll(src, r[0], r[1])
	}
	return map[string]string{"Envfile.lua": src}
}

// TestIntegrationTwoHostExample brings up the contract's two-host example
// as it is but for its subnet (Docker, 172.30.25.0/24 instead of
// 172.20.1.0/24, so that it never meets the example a developer runs by
// hand) through the command line: shell, file
// and Lua hook steps on each machine, then ONE ansible-playbook run over
// both, with fact gathering and become. Then it uses the inventory by
// hand, and shows that host key checking is on.
func TestIntegrationTwoHostExample(t *testing.T) {
	e := newEnv(t, "../examples/two-host", exampleWith(t, [2]string{"172.20.1.", "172.30.25."}))
	_, stderr := e.mustRun("up")
	checkExampleUp(t, e, stderr)
	if _, stderr := e.mustRun("up"); strings.Contains(stderr, "PLAY [") {
		t.Errorf("a second up ran the playbook again:\n%s", stderr)
	}
	checkExampleInventory(t, e, "172.30.25.21")
	out, err := e.bash("ansible-playbook -i <(envrun inventory) -e user=vagrant provision.yml")
	if err != nil || !regexp.MustCompile(`machine2\s+: ok=3 `).MatchString(out) {
		t.Fatalf("ansible-playbook -i <(envrun inventory): %v\n%s", err, out)
	}
}

// checkExampleUp checks what `envrun up` of the two-host example did, on
// any provider: each machine's own steps, then one play over both
// machines, with fact gathering, become and the extra vars; and that the
// run's SSH masters and workers ended with it.
func checkExampleUp(t *testing.T, e *envrunEnv, stderr string) {
	t.Helper()
	for _, want := range []string{
		"machine1 | [shell#1] shell: echo ready > /tmp/ready",
		"machine2 | [hook#3] Lua hook at",
		"site     | TASK [Gathering Facts]",
		"site     | TASK [Record which hosts this one play covered]",
		"site     | PLAY RECAP",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("up's output lacks %q:\n%s", want, stderr)
		}
	}
	if n := strings.Count(stderr, "PLAY ["); n != 1 {
		t.Errorf("%d plays ran, want 1:\n%s", n, stderr)
	}
	for _, m := range []string{"machine1", "machine2"} {
		// One play covered both machines: each records the same play hosts.
		if got := e.remote(m, "cat /etc/envrun-play-hosts"); got != "machine1,machine2\n" {
			t.Errorf("%s: /etc/envrun-play-hosts = %q, want both machines from one play", m, got)
		}
		// become: /etc is root's; the file is too.
		if got := e.remote(m, "stat -c %U /etc/envrun-play-hosts"); got != "root\n" {
			t.Errorf("%s: /etc/envrun-play-hosts is owned by %q, want root", m, got)
		}
		if got, want := e.remote(m, "cat /home/vagrant/greeting"), "provisioned by ansible for vagrant on "+m+"\n"; got != want {
			t.Errorf("%s: greeting = %q, want %q (extra_vars)", m, got, want)
		}
		if got := e.remote(m, "cat /tmp/ready /tmp/motd"); got != "ready\nWelcome to an envrun machine.\n" {
			t.Errorf("%s: shell and file steps left %q", m, got)
		}
	}
	// The run's SSH masters and workers are gone with it.
	if s := strays(filepath.Join(e.dir, ".envrun")); len(s) > 0 {
		t.Errorf("processes outlived envrun up:\n%s", strings.Join(s, "\n"))
	}
}

// checkExampleInventory uses `envrun inventory` of the two-host example by
// hand, and shows that host key checking is on: with another key pinned
// for machine2 (at ip2), neither envrun's inventory nor the run's own
// reaches it, and with the right key back it does. (machine2 alone: on
// VMs without KVM, every Python start on a machine costs seconds.)
func checkExampleInventory(t *testing.T, e *envrunEnv, ip2 string) {
	t.Helper()
	// The inventory works as it is, from a pipe.
	out, err := e.bash("ansible all -i <(envrun inventory) -m ping -o")
	if err != nil || strings.Count(out, "SUCCESS") != 2 {
		t.Fatalf("ansible all -i <(envrun inventory) -m ping: %v\n%s", err, out)
	}

	kh := filepath.Join(e.dir, ".envrun", "known_hosts")
	orig, err := os.ReadFile(kh)
	if err != nil {
		t.Fatal(err)
	}
	_, other, err := comm.NewHostKey()
	if err != nil {
		t.Fatal(err)
	}
	var tampered []string
	swapped := false
	for _, l := range strings.Split(strings.TrimSpace(string(orig)), "\n") {
		if f := strings.Fields(l); len(f) == 4 && f[0] == ip2 {
			l = f[0] + " " + comm.FormatPublicKey(other) + " " + f[3]
			swapped = true
		}
		tampered = append(tampered, l)
	}
	if !swapped {
		t.Fatalf("no key pinned for %s in known_hosts:\n%s", ip2, orig)
	}
	if err := os.WriteFile(kh, []byte(strings.Join(tampered, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, inv := range []string{"<(envrun inventory)", ".envrun/ansible/site/inventory.yml"} {
		out, err = e.bash("ansible machine2 -i " + inv + " -m ping -o")
		if err == nil || !strings.Contains(out, "machine2 | UNREACHABLE") || !strings.Contains(out, "Host key verification failed") {
			t.Errorf("with a wrong key pinned for machine2, ansible -i %s: %v\n%s", inv, err, out)
		}
	}
	if err := os.WriteFile(kh, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err = e.bash("ansible machine2 -i <(envrun inventory) -m ping -o"); err != nil {
		t.Errorf("with the right key back: %v\n%s", err, out)
	}
}

// TestIntegrationAnsibleFailure: a playbook that fails on one machine
// fails the step with status 1, and the summary names the host and the
// task; the step is not taken for done, so the next up runs it again.
func TestIntegrationAnsibleFailure(t *testing.T) {
	e := newEnv(t, "", map[string]string{
		"Envfile.lua": `
box "debian/bookworm"
network "net" { subnet = "172.31.34.0/24" }
for i, n in ipairs({ "good", "bad" }) do
  machine(n) { networks = { net = "172.31.34." .. (10 + i) }, vars = { should_fail = (n == "bad") } }
end
ansible "site" { playbook = "site.yml", hosts = machines(), tags = { "always", "t" } }
ansible "after_site" { playbook = "site.yml", hosts = { "good" }, after = { "site" } }
`,
		"site.yml": `
- hosts: all
  gather_facts: false
  tasks:
    - name: Fail where asked
      ansible.builtin.shell: "echo broken on purpose >&2; exit 3"
      when: should_fail
      tags: [t]
    - name: Untagged, not run
      ansible.builtin.command: "false"
`,
	})
	code, _, stderr := e.run(context.Background(), "up")
	if code != 1 {
		t.Fatalf("up: exit %d, want 1\n%s", code, stderr)
	}
	for _, want := range []string{
		`FAILED ansible:site: `,
		`ansible-playbook failed on 1 of 2 host(s) (exit status 2): bad: failed at task "Fail where asked": non-zero return code: broken on purpose`,
		"skipped because ansible:site failed:",
		"ansible:after_site",
		"(after ansible:site)",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("up's output lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "Untagged, not run") {
		t.Errorf("tags were not passed: an untagged task ran:\n%s", stderr)
	}
	if code, _, stderr := e.run(context.Background(), "up"); code != 1 || !strings.Contains(stderr, "TASK [Fail where asked]") {
		t.Errorf("the failed step did not run again on the next up (exit %d):\n%s", code, stderr)
	}
}

// TestIntegrationAnsibleInterrupt: cancelling envrun (Ctrl-C) stops a
// running playbook at once, and leaves no ansible, ssh or task process
// behind: the playbook has connected to both machines (facts) and runs a
// long command on this host for each when it is interrupted.
func TestIntegrationAnsibleInterrupt(t *testing.T) {
	marker := fmt.Sprintf("envrun-interrupt-%d", time.Now().UnixNano())
	// The killed tasks' module payload folders (Ansible's, on this host)
	// go in a folder of the test's, not in /tmp.
	payloads := t.TempDir()
	e := newEnv(t, "", map[string]string{
		"Envfile.lua": `
box "debian/bookworm"
network "net" { subnet = "172.31.36.0/24" }
machine "m1" { networks = { net = "172.31.36.10" } }
machine "m2" { networks = { net = "172.31.36.11" } }
ansible "slow" { playbook = "slow.yml", hosts = machines() }
`,
		"slow.yml": `
- hosts: all
  tasks:
    - name: Sleep here, for each machine
      ansible.builtin.shell: "sleep 300; : ` + marker + `"
      delegate_to: localhost
      environment: { TMPDIR: "` + payloads + `" }
`,
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	var code int
	var stderr string
	go func() {
		code, _, stderr = e.run(ctx, "up")
		close(done)
	}()
	deadline := time.Now().Add(2 * time.Minute)
	for len(strays(marker)) < 2 {
		select {
		case <-done:
			t.Fatalf("up ended before the interrupt (exit %d):\n%s", code, stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the playbook never reached its long task")
		}
		time.Sleep(100 * time.Millisecond)
	}
	state := filepath.Join(e.dir, ".envrun")
	if len(strays(filepath.Join(state, "ansible", "slow", "cp"))) == 0 {
		t.Fatal("no SSH master runs for the playbook: the test would prove nothing about them")
	}
	t0 := time.Now()
	cancel()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("envrun did not return within 30s of the interrupt")
	}
	if d := time.Since(t0); d > 10*time.Second {
		t.Errorf("envrun took %s to stop after the interrupt", d)
	}
	if code == 0 {
		t.Errorf("an interrupted up exited 0:\n%s", stderr)
	}
	for _, what := range []string{state, marker} {
		if s := strays(what); len(s) > 0 {
			t.Errorf("processes outlived the interrupted run:\n%s", strings.Join(s, "\n"))
		}
	}
}
