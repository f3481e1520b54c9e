package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const blockingEnvfile = `
box "debian/bookworm"
network "n" { subnet = "SUBNET.0/24" }
machine "web" {
  networks = { n = "SUBNET.10" },
  synced_folders = { ["./ctl"] = "/ctl" },
  provision = {
    shell { inline = [[
echo run >> /var/tmp/provisioned
if [ -e /ctl/block ]; then touch /ctl/blocking; sleep 600; fi
]] },
  },
}
`

func blockingWorld(t *testing.T, subnet string) *world {
	w := newWorld(t, strings.ReplaceAll(blockingEnvfile, "SUBNET", subnet))
	os.MkdirAll(filepath.Join(w.dir, "ctl"), 0o755)
	return w
}

// startBlocked starts `envrun up` and waits until web's step blocks.
func (w *world) startBlocked(t *testing.T) *running {
	t.Helper()
	ctl := filepath.Join(w.dir, "ctl")
	os.Remove(filepath.Join(ctl, "blocking"))
	os.WriteFile(filepath.Join(ctl, "block"), nil, 0o644)
	t.Cleanup(func() { os.Remove(filepath.Join(ctl, "block")) })
	p := w.start(nil, "up")
	eventually(t, 2*time.Minute, func() string {
		if _, err := os.Stat(filepath.Join(ctl, "blocking")); err != nil {
			return "web's step never started blocking:\n" + p.stderrText()
		}
		return ""
	})
	return p
}

// TestIntegrationInterrupt sends SIGINT to `envrun up`: the first cancels
// the work in flight, removes what was half-made, ends the step on the
// machine, and exits 130 within 5 s with no process left behind; a second
// SIGINT exits at once even when the work does not stop.
func TestIntegrationInterrupt(t *testing.T) {
	w := blockingWorld(t, "172.31.62")

	t.Run("half-made container", func(t *testing.T) {
		w := w.with(t)
		p := w.start([]string{"ENVRUN_TEST_PAUSE=container-created:web"}, "up")
		p.pause("container-created:web")
		if st := w.machines()["web"]; st != "created" {
			t.Fatalf("web's container is %q, want created", st)
		}
		sent := time.Now()
		p.signal(syscall.SIGINT)
		r := p.wait(10 * time.Second)
		if took := time.Since(sent); r.code != 130 || took > 5*time.Second {
			t.Errorf("want exit 130 within 5 s of SIGINT, got it after %s: %s", took, r)
		}
		if st, ok := w.machines()["web"]; ok {
			t.Errorf("the half-made container was left behind (%s)", st)
		}
		if s := p.strays(); len(s) > 0 {
			t.Errorf("processes left in envrun's process group: %v", s)
		}
	})

	t.Run("in a step", func(t *testing.T) {
		w := w.with(t)
		p := w.startBlocked(t)
		sent := time.Now()
		p.signal(syscall.SIGINT)
		r := p.wait(10 * time.Second)
		if took := time.Since(sent); r.code != 130 || took > 5*time.Second {
			t.Errorf("want exit 130 within 5 s of SIGINT, got it after %s: %s", took, r)
		}
		if !strings.Contains(r.stderr, "interrupted") {
			t.Errorf("no word of the interruption:\n%s", r.stderr)
		}
		if s := p.strays(); len(s) > 0 {
			t.Errorf("processes left in envrun's process group: %v", s)
		}
		eventually(t, 8*time.Second, func() string {
			out, _ := w.exec("web", "ps", "-eo", "args")
			if strings.Contains(out, "sleep 600") || strings.Contains(out, "envrun-step") {
				return "the interrupted step still runs on web:\n" + out
			}
			return ""
		})
		// The lock went with it, and the step runs again next time.
		os.Remove(filepath.Join(w.dir, "ctl", "block"))
		w.mustRun("up")
		if out, _ := w.exec("web", "cat", "/var/tmp/provisioned"); strings.Count(out, "run") != 2 {
			t.Errorf("the interrupted step did not run again: %q", out)
		}
	})

	t.Run("second SIGINT", func(t *testing.T) {
		w := w.with(t)
		// A pause that ignores cancellation stands for work that does not
		// stop at once.
		p := w.start([]string{"ENVRUN_TEST_PAUSE=ssh-wait:web!"}, "up", "--provision")
		p.pause("ssh-wait:web")
		p.signal(syscall.SIGINT)
		p.waitFor("press Ctrl-C again", 5*time.Second)
		time.Sleep(time.Second)
		if !p.alive() {
			t.Fatal("envrun exited at the first SIGINT although its work did not stop")
		}
		sent := time.Now()
		p.signal(syscall.SIGINT)
		r := p.wait(5 * time.Second)
		if took := time.Since(sent); r.code != 130 || took > time.Second {
			t.Errorf("second SIGINT: want exit 130 at once, got it after %s: %s", took, r)
		}
	})
}

// alive reports whether envrun still runs (not yet exited, zombie or not).
func (p *running) alive() bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	return err == nil && !strings.Contains(string(data), ") Z ")
}

// TestIntegrationLock proves one writer at a time: while `envrun up`
// runs, every other mutating command fails at once naming its PID and
// command, read-only commands still work, and once the holder is killed
// with kill -9 its lock is taken over.
func TestIntegrationLock(t *testing.T) {
	w := blockingWorld(t, "172.31.63")
	holder := w.start([]string{"ENVRUN_TEST_PAUSE=ssh-wait:web"}, "up")
	holder.pause("ssh-wait:web")
	pid := holder.cmd.Process.Pid

	for _, args := range [][]string{{"up"}, {"provision"}, {"halt"}, {"destroy", "-f"}, {"up", "web"}} {
		r := w.run(args...)
		if r.code != 1 || r.took > 2*time.Second {
			t.Errorf("envrun %s while locked: want exit 1 at once: %s", strings.Join(args, " "), r)
		}
		if !strings.Contains(r.stderr, fmt.Sprintf("pid %d", pid)) || !strings.Contains(r.stderr, "`envrun up`") {
			t.Errorf("envrun %s: the message does not name the holder (pid %d, envrun up):\n%s", strings.Join(args, " "), pid, r.stderr)
		}
	}
	readOnly := [][]string{{"status"}, {"ssh-config"}, {"graph"}, {"validate"}}
	if r := w.run("--help"); strings.Contains(r.stdout, "\n  inventory ") {
		readOnly = append(readOnly, []string{"inventory"})
	} else {
		t.Log("no inventory command in this build: not checked")
	}
	for _, args := range readOnly {
		if r := w.run(args...); r.code != 0 {
			t.Errorf("read-only envrun %s while locked: %s", strings.Join(args, " "), r)
		}
	}
	if st := w.machines()["web"]; st != "running" {
		t.Fatalf("a refused command changed the environment: web is %q", st)
	}

	holder.kill9()
	r := w.mustRun("up")
	if !strings.Contains(r.stderr, "ok") {
		t.Errorf("up after the holder died: %s", r)
	}
	lock, _ := os.ReadFile(filepath.Join(w.dir, ".envrun", "lock"))
	if strings.Contains(string(lock), fmt.Sprintf(`"pid":%d`, pid)) {
		t.Errorf("the dead holder is still recorded in the lock: %s", lock)
	}
}
