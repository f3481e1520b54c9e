package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestIntegrationSwarm brings up the contract's two-host example with
// machine1 on this host's engine and machine2 on a second engine, the
// network a Swarm overlay across both, on one rig shared by the subtests
// in order: without a swarm, up fails, says what to run and makes
// nothing; `envrun swarm init` forms the swarm and the overlay network,
// and again changes nothing; up copies the box image to the second engine
// and brings both up with their static IPs, reaching each other by IP and
// hostname, the play over both; watch re-provisions machine2 when a file
// changes; an up killed with SIGKILL across both engines converges on the
// next; destroy leaves nothing on either engine.
func TestIntegrationSwarm(t *testing.T) {
	r := newSwarmRig(t)
	dir := r.swarmExample(t, true)
	path := filepath.Join(dir, "Envfile.lua")
	must := func(t *testing.T, args ...string) string { t.Helper(); return r.mustEnvrun(t, dir, args...) }
	step := func(name string, f func(t *testing.T)) {
		if !t.Run(name, f) {
			t.FailNow() // each subtest starts where the one before left
		}
	}

	step("no swarm", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		out, err := r.envrun(ctx, dir, "up")
		cancel()
		if err == nil {
			t.Fatalf("up without a swarm succeeded:\n%s", out)
		}
		for _, want := range []string{`network "scznet" spans`, "which must be nodes of one Docker swarm",
			"envrun swarm init --advertise-addr ADDRESS",
			"docker -H " + hostEngine + " swarm init --advertise-addr ADDRESS",
			"docker -H " + r.host + " swarm join --token TOKEN ADDRESS:2377"} {
			if !strings.Contains(out, want) {
				t.Errorf("up without a swarm: the output lacks %q:\n%s", want, out)
			}
		}
		if n := countOn(t, hostEngine, path) + countOn(t, r.host, path); n != 0 {
			t.Errorf("up without a swarm made %d containers, networks or volumes", n)
		}
	})

	step("swarm init", func(t *testing.T) {
		out := must(t, r.swarmInitArgs()...)
		for _, want := range []string{"the default engine is the manager of a new swarm", `engine "far" joined the swarm of the default engine`,
			`network "scznet": attachable overlay network`} {
			if !strings.Contains(out, want) {
				t.Errorf("swarm init's output lacks %q:\n%s", want, out)
			}
		}
		if got := strings.TrimSpace(rigRun(t, "docker", "-H", r.host, "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}")); got != "active false" {
			t.Errorf("the second engine's swarm state: %q, want a worker", got)
		}
		// Again: nothing to do, said so.
		out = must(t, r.swarmInitArgs()...)
		for _, want := range []string{"the default engine is a manager of swarm", `engine "far" is in the swarm already`} {
			if !strings.Contains(out, want) || strings.Contains(out, "joined") || strings.Contains(out, "new swarm") {
				t.Errorf("a second swarm init: want %q and nothing made:\n%s", want, out)
			}
		}
		if out := rigRun(t, "docker", "network", "ls", "--filter", "label=io.envrun.network=scznet", "--format", "{{.Name}} {{.Scope}}"); !strings.Contains(out, "scznet swarm") {
			t.Errorf("no overlay network scznet on the manager:\n%s", out)
		}
	})

	step("up", func(t *testing.T) {
		out := must(t, "up")
		for _, want := range []string{"copying image envrun/box:debian-bookworm from the default engine to engine \"far\"",
			"copied image envrun/box:debian-bookworm",
			"machine2 | [shell#1] shell: echo ready > /tmp/ready", "site     | PLAY RECAP"} {
			if !strings.Contains(out, want) {
				t.Errorf("up's output lacks %q:\n%s", want, out)
			}
		}
		var rows []map[string]any
		if err := json.Unmarshal([]byte(must(t, "status", "--json")), &rows); err != nil {
			t.Fatal(err)
		}
		wantEngine := map[string]string{"machine1": hostEngine, "machine2": r.host}
		wantIP := map[string]string{"machine1": "172.25.1.20", "machine2": "172.25.1.21"}
		for _, row := range rows {
			name, _ := row["name"].(string)
			if row["engine"] != wantEngine[name] || row["reach"] != "engine" || row["state"] != "running" || row["ip"] != wantIP[name] {
				t.Errorf("status row %v: want engine %q, reach engine, running, ip %s", row, wantEngine[name], wantIP[name])
			}
		}
		if len(rows) != 2 {
			t.Errorf("status lists %d machines, want 2", len(rows))
		}
		// The overlay carries TCP and DNS both ways, by IP and by hostname.
		probe := `getent hosts %[1]s | awk '{print $1}'; exec 3<>/dev/tcp/%[1]s/22 && head -c 7 <&3; echo; exec 3<>/dev/tcp/%[2]s/22 && head -c 7 <&3`
		for _, c := range [][3]string{{"machine1", "machine2.local", "172.25.1.21"}, {"machine2", "machine1.local", "172.25.1.20"}} {
			got := must(t, "ssh", c[0], "--", "bash -c "+shellQuote(fmt.Sprintf(probe, c[1], c[2])))
			if want := c[2] + "\nSSH-2.0\nSSH-2.0"; got != want {
				t.Errorf("%s to %s over the overlay: %q, want %q", c[0], c[1], got, want)
			}
		}
		if got := must(t, "ssh", "machine2", "--", "hostname -f; ip -o -4 addr show | grep -c 172.25.1.21; cat /etc/envrun-play-hosts /tmp/ready"); got != "machine2.local\n1\nmachine1,machine2\nready\n" {
			t.Errorf("machine2 on the second engine: %q, want its hostname, its static IP, the play's hosts and the shell step's file", got)
		}
		// A second up changes nothing and runs no play.
		if out := must(t, "up"); strings.Contains(out, "PLAY [") || strings.Contains(out, "copying") {
			t.Errorf("a second up ran the playbook or copied the image again:\n%s", out)
		}
	})

	step("watch", func(t *testing.T) {
		w := &world{t: t, dir: dir, bin: r.bin, env: []string{"DOCKER_HOST=", "DOCKER_CONTEXT="}}
		p := startWatch(t, w)
		p.waitLine(t, 0, "watching ", 3*time.Minute)
		rigWrite(t, filepath.Join(dir, "motd.txt"), "changed by the swarm test\n")
		deadline := time.Now().Add(2 * time.Minute)
		for {
			got, _ := r.envrun(context.Background(), dir, "ssh", "machine2", "--", "cat /tmp/motd")
			if got == "changed by the swarm test\n" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("machine2's /tmp/motd is %q 2 min after motd.txt changed under watch:\n%s", got, p.text(0))
			}
			time.Sleep(time.Second)
		}
		p.interrupt(t, time.Minute)
	})

	step("kill -9", func(t *testing.T) {
		must(t, "destroy", "-f")
		w := &world{t: t, dir: dir, bin: r.bin, env: []string{"DOCKER_HOST=", "DOCKER_CONTEXT="}}
		// Killed when machine2's container exists on the second engine and
		// is not yet started; machine1 is wherever it got to.
		p := w.start([]string{"ENVRUN_TEST_PAUSE=container-created:machine2"}, "up")
		p.pause("container-created:machine2")
		p.kill9()
		out := must(t, "up")
		if got := containersOn(t, hostEngine, path); len(got) != 1 || got["machine1"] != "running" {
			t.Errorf("after the next up, this host's engine has %v, want machine1 running:\n%s", got, out)
		}
		if got := containersOn(t, r.host, path); len(got) != 1 || got["machine2"] != "running" {
			t.Errorf("after the next up, the second engine has %v, want machine2 running:\n%s", got, out)
		}
		if got := must(t, "ssh", "machine2", "--", "cat /etc/envrun-play-hosts /tmp/ready; getent hosts machine1.local"); got != "machine1,machine2\nready\n172.25.1.20     machine1.local\n" {
			t.Errorf("machine2 after the killed up and the next: %q", got)
		}
		if out := must(t, "up"); strings.Contains(out, "creating") || strings.Contains(out, "PLAY [") {
			t.Errorf("up on the converged environment did work:\n%s", out)
		}
	})

	t.Run("figures", func(t *testing.T) { swarmFigures(t, r, dir) })

	step("destroy", func(t *testing.T) {
		// Destroying machine2, the last of the environment on the second
		// engine, leaves nothing there; destroying all removes the overlay.
		must(t, "destroy", "-f", "machine2")
		if n := leftOn(t, r.host, path); n != 0 {
			t.Errorf("destroy machine2 left %d objects on the second engine", n)
		}
		must(t, "destroy", "-f")
		for _, h := range []string{hostEngine, r.host} {
			if n := leftOn(t, h, path); n != 0 {
				t.Errorf("destroy left %d containers, networks or volumes on %s", n, h)
			}
		}
	})
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
