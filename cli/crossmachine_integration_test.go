package cli_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// kubeadmLab is a kubeadm lab's shape: the control plane makes join.sh
// (slowly: the sleep would break a join that did not wait for it); worker1
// fetches it from the control plane with envrun.machine in a hook, ordered
// by its depends_on; worker2 comes up alongside the control plane and runs
// the copy in the shared folder through a global shell step after the
// control plane. worker3 reaches the control plane without depends_on.
const kubeadmLab = `
box "debian/bookworm"
network "lab" { subnet = "172.22.16.0/24" }
machine "controlplane" {
  networks = { lab = "172.22.16.10" },
  synced_folders = { ["./configs"] = "/vagrant/configs" },
  provision = {
    shell { name = "init", inline = [[
sleep 4
printf 'echo joined-$(hostname) > /tmp/joined; date +%%s.%%N >> /tmp/joined\n' > /tmp/join.sh
cp /tmp/join.sh /vagrant/configs/join.sh
date +%s.%N > /tmp/cp-done
]] },
  },
}
machine "worker1" {
  networks = { lab = "172.22.16.11" },
  depends_on = { "controlplane" },
  provision = {
    function(m)
      local join = envrun.machine("controlplane"):read("/tmp/join.sh")
      m:run(join)
    end,
  },
}
machine "worker2" {
  networks = { lab = "172.22.16.12" },
  synced_folders = { ["./configs"] = "/vagrant/configs" },
}
shell "join" { hosts = { "worker2" }, after = { "controlplane" }, inline = "sh /vagrant/configs/join.sh" }
machine "worker3" {
  networks = { lab = "172.22.16.13" },
  autostart = false,
  provision = {
    function(m)
      envrun.machine("controlplane"):read("/tmp/join.sh")
    end,
  },
}
`

// TestIntegrationCrossMachineSteps brings the kubeadm-shaped lab up on
// Docker: each worker ran the control plane's join.sh, after the control
// plane finished making it (its timestamps say so), in the order the graph
// gives (`envrun graph` shows the edges), and a hook that reaches a
// machine its own does not depend on fails, naming the depends_on to add.
func TestIntegrationCrossMachineSteps(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "h16-lab")
	if err := os.MkdirAll(filepath.Join(dir, "configs"), 0o777); err != nil {
		t.Fatal(err)
	}
	w := newWorldIn(t, dir, kubeadmLab)
	graph := w.mustRun("graph").stdout
	for _, edge := range []string{`"controlplane/done" -> "machine:worker1"`, `"controlplane/done" -> "shell:join"`, `"worker2/done" -> "shell:join"`} {
		if !strings.Contains(graph, edge) {
			t.Errorf("envrun graph lacks %s:\n%s", edge, graph)
		}
	}
	w.mustRun("up")
	stamp := func(machine, file string, line int) float64 {
		t.Helper()
		out, err := w.exec(machine, "cat", file)
		if err != nil {
			t.Fatalf("%s: cat %s: %v %s", machine, file, err, out)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) <= line {
			t.Fatalf("%s:%s: %q", machine, file, out)
		}
		if line == 1 && lines[0] != "joined-"+machine {
			t.Errorf("%s:%s says %q, want joined-%s", machine, file, lines[0], machine)
		}
		f, err := strconv.ParseFloat(lines[line], 64)
		if err != nil {
			t.Fatalf("%s:%s: %v", machine, file, err)
		}
		return f
	}
	cp := stamp("controlplane", "/tmp/cp-done", 0)
	for _, worker := range []string{"worker1", "worker2"} {
		if joined := stamp(worker, "/tmp/joined", 1); joined < cp {
			t.Errorf("%s joined at %.3f, before the control plane made join.sh (%.3f)", worker, joined, cp)
		}
	}
	if _, ok := w.machines()["worker3"]; ok {
		t.Errorf("worker3 (autostart = false) came up with up")
	}
	r := w.run("up", "worker3")
	if r.code == 0 || !strings.Contains(r.stderr, `machine "controlplane" is not ordered before "worker3"`) ||
		!strings.Contains(r.stderr, `add depends_on = { "controlplane" } to machine "worker3"`) {
		t.Errorf("up worker3: want a failure naming the missing depends_on: %s", r)
	}
}
