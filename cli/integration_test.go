package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"

	"github.com/envrun/envrun/cli"
	"github.com/envrun/envrun/engine/provider/docker"
	"github.com/envrun/envrun/engine/provider/providertest"
	"github.com/envrun/envrun/engine/state"
)

// twoHost is the contract's example without its Ansible step, on a subnet
// of this test's own. The shell step counts its runs, to prove a second up
// changes nothing.
const twoHost = `
box "debian/bookworm"

network "scznet" { subnet = "172.30.20.0/24", gateway = "172.30.20.1" }

local hosts = {
  { name = "machine1", ip = "172.30.20.20", hostname = "machine1.local" },
  { name = "machine2", ip = "172.30.20.21", hostname = "machine2.local" },
}

for _, h in ipairs(hosts) do
  machine(h.name) {
    hostname = h.hostname,
    networks = { scznet = h.ip },
    cpus = 1, memory = 512,
    groups = { "app" },
    libvirt = { graphics = "spice", video = "qxl" },
    virtualbox = { name = h.name },
    provision = {
      shell { inline = "echo ready > /tmp/ready; echo run >> /tmp/runs" },
      file { source = "motd.txt", destination = "/tmp/motd" },
      function(m) m:run("echo " .. m.name .. " " .. m.ip .. " > /tmp/hook") end,
    },
  }
end
`

type runResult struct {
	code           int
	stdout, stderr string
}

func envrun(t *testing.T, args ...string) runResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return runResult{code, stdout.String(), stderr.String()}
}

func mustEnvrun(t *testing.T, args ...string) runResult {
	t.Helper()
	r := envrun(t, args...)
	if r.code != 0 {
		t.Fatalf("envrun %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// projectObjects counts the containers and networks Docker has for project.
func projectObjects(t *testing.T, project string) (containers, networks int) {
	t.Helper()
	c, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	f := filters.NewArgs(filters.Arg("label", docker.LabelProject+"="+project))
	cs, err := c.ContainerList(context.Background(), container.ListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	ns, err := c.NetworkList(context.Background(), network.ListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	return len(cs), len(ns)
}

func TestIntegrationTwoHostDocker(t *testing.T) {
	providertest.Require(t, docker.Driver)
	if _, err := exec.LookPath("ssh"); err != nil {
		t.Fatalf("OpenSSH's ssh client is needed: %v", err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Envfile.lua"), []byte(twoHost), 0o644)
	os.WriteFile(filepath.Join(dir, "motd.txt"), []byte("welcome\n"), 0o644)
	t.Chdir(dir)
	t.Setenv("ENVRUN_PROVIDER", "")
	project := state.ProjectID(filepath.Join(dir, "Envfile.lua"))
	t.Cleanup(func() { envrun(t, "destroy", "-f") })

	mustEnvrun(t, "up")

	// This host's own engine: its bridges are this host's networks, so
	// the machines are reached directly, unasked. up found that out and
	// kept it in .envrun/state.json: the next command does not find it
	// out again (-v says when it does, as it does once the kept route is
	// gone).
	if r := mustEnvrun(t, "status", "-v"); strings.Contains(r.stderr, "machines are reached") {
		t.Errorf("status after up found out the route again:\n%s", r.stderr)
	}
	for _, row := range statusRows(t) {
		if row["reach"] != "direct" || row["engine"] == "" || row["engine"] == nil {
			t.Errorf("status row %v: want reach direct, on a named engine", row)
		}
	}
	statePath := filepath.Join(dir, ".envrun", "state.json")
	var kept map[string]any
	if err := state.ReadJSON(statePath, &kept); err != nil || kept["route"] == nil {
		t.Fatalf("state.json keeps no route (%v): %v", err, kept)
	}
	delete(kept, "route")
	if err := state.WriteJSON(statePath, kept); err != nil {
		t.Fatal(err)
	}
	if r := mustEnvrun(t, "status", "-v"); !strings.Contains(r.stderr, "machines are reached direct") {
		t.Errorf("status with no kept route did not find it out:\n%s", r.stderr)
	}
	if r := mustEnvrun(t, "status", "-v"); strings.Contains(r.stderr, "machines are reached") {
		t.Errorf("status found out the route again:\n%s", r.stderr)
	}

	// Plain OpenSSH reaches each machine by name with envrun's config, with
	// host key checking on, and finds hostname, static IP and steps' work.
	cfg := filepath.Join(dir, "ssh_config")
	os.WriteFile(cfg, []byte(mustEnvrun(t, "ssh-config").stdout), 0o600)
	for _, m := range []struct{ name, ip string }{{"machine1", "172.30.20.20"}, {"machine2", "172.30.20.21"}} {
		out, err := exec.Command("ssh", "-F", cfg, m.name,
			"hostname -f; ip -4 -o addr show; cat /tmp/ready /tmp/motd /tmp/hook /tmp/runs").CombinedOutput()
		if err != nil {
			t.Fatalf("ssh %s: %v\n%s", m.name, err, out)
		}
		s := string(out)
		for _, want := range []string{m.name + ".local\n", m.ip + "/24", "ready\n", "welcome\n", m.name + " " + m.ip + "\n"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: output lacks %q:\n%s", m.name, want, s)
			}
		}
		if n := strings.Count(s, "run\n"); n != 1 {
			t.Errorf("%s: the shell step ran %d times, want 1", m.name, n)
		}
	}

	// envrun ssh runs a command and exits with its status.
	if r := envrun(t, "ssh", "machine2", "--", "cat /tmp/ready; exit 3"); r.code != 3 || r.stdout != "ready\n" {
		t.Errorf("envrun ssh: exit %d, stdout %q; want 3 and \"ready\\n\"", r.code, r.stdout)
	}

	// A second up changes nothing: same containers, steps not run again.
	before := statusIDs(t)
	mustEnvrun(t, "up")
	if after := statusIDs(t); after != before {
		t.Errorf("second up changed the machines: %s → %s", before, after)
	}
	out, err := exec.Command("ssh", "-F", cfg, "machine1", "cat /tmp/runs").CombinedOutput()
	if err != nil || strings.Count(string(out), "run\n") != 1 {
		t.Errorf("after a second up the shell step ran %q times (err %v), want once", out, err)
	}

	// provision runs the steps again.
	mustEnvrun(t, "provision", "machine1")
	out, _ = exec.Command("ssh", "-F", cfg, "machine1", "cat /tmp/runs").CombinedOutput()
	if strings.Count(string(out), "run\n") != 2 {
		t.Errorf("after provision the shell step ran %q, want twice", out)
	}

	// halt stops, up starts again without provisioning.
	mustEnvrun(t, "halt", "machine2")
	if s := status(t)["machine2"]; s != "stopped" {
		t.Errorf("after halt machine2 is %s", s)
	}
	mustEnvrun(t, "up")
	if s := status(t)["machine2"]; s != "running" {
		t.Errorf("after up machine2 is %s", s)
	}

	// destroy -f leaves no container, network or state behind.
	mustEnvrun(t, "destroy", "-f")
	if c, n := projectObjects(t, project); c != 0 || n != 0 {
		t.Errorf("after destroy: %d containers and %d networks of the project remain", c, n)
	}
	if _, err := os.Stat(filepath.Join(dir, ".envrun")); err == nil {
		t.Error("after destroy .envrun/ remains")
	}
}

func statusRows(t *testing.T) []map[string]any {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal([]byte(mustEnvrun(t, "status", "--json").stdout), &rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

func status(t *testing.T) map[string]string {
	out := map[string]string{}
	for _, r := range statusRows(t) {
		out[r["name"].(string)] = r["state"].(string)
	}
	return out
}

func statusIDs(t *testing.T) string {
	var ids []string
	for _, r := range statusRows(t) {
		ids = append(ids, r["name"].(string)+"="+r["id"].(string)+"/"+r["state"].(string))
	}
	return strings.Join(ids, ",")
}
