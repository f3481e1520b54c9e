package cli_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// killEnvfile has two networks and two machines; web's step blocks while
// ctl/block exists in the Envfile's folder (synced to /ctl), and every step
// run is counted in the machine's /var/tmp/provisioned.
const killEnvfile = `
box "debian/bookworm"
network "front" { subnet = "172.31.60.0/24" }
network "back" { subnet = "172.31.61.0/24" }
machine "web" {
  networks = { front = "172.31.60.10", back = "172.31.61.10" },
  synced_folders = { ["./ctl"] = "/ctl" },
  provision = {
    shell { inline = [[
echo run >> /var/tmp/provisioned
if [ -e /ctl/block ]; then touch /ctl/blocking; sleep 600; fi
]] },
  },
}
machine "db" {
  networks = { back = "172.31.61.20" },
  provision = { shell { inline = "echo run >> /var/tmp/provisioned" } },
}
`

// TestIntegrationKill9 kills `envrun up` with SIGKILL at several points —
// creating networks, creating a container, waiting for SSH, in the middle
// of a provisioning step — and proves that the next `envrun up` converges:
// every machine running and provisioned, machines cut off provisioned
// again, no orphaned or duplicate container or network, and that `envrun
// destroy` then leaves nothing.
func TestIntegrationKill9(t *testing.T) {
	w := newWorld(t, killEnvfile)
	ctl := filepath.Join(w.dir, "ctl")
	os.MkdirAll(ctl, 0o755)

	tests := []struct {
		name  string
		point string // pause point; "" for the blocking step
		// after checks what the killed run left, proving it was cut off
		// where intended.
		after func(t *testing.T) string
		// runs is how many times web's step ran once the next up is done.
		runs int
	}{
		{
			name: "creating networks", point: "network-created:front",
			after: func(t *testing.T) string {
				// back, and db on it, may be made too: the graph runs them
				// in parallel. web needs front.
				if nets := w.networkNames(); !slices.Contains(nets, "front") || w.machines()["web"] != "" {
					return "want network front and no container for web, got networks " + strings.Join(nets, ",")
				}
				return ""
			},
			runs: 1,
		},
		{
			name: "creating a container", point: "container-created:web",
			after: func(t *testing.T) string {
				if st := w.machines()["web"]; st != "created" {
					return "want web's container half-made (created), got " + st
				}
				return ""
			},
			runs: 1,
		},
		{
			name: "waiting for SSH", point: "ssh-wait:web",
			after: func(t *testing.T) string {
				if st := w.machines()["web"]; st != "running" {
					return "want web running, got " + st
				}
				return ""
			},
			runs: 1,
		},
		{
			name: "provisioning",
			after: func(t *testing.T) string {
				// The killed run's step must stop on the machine: its
				// supervisor sees the connection close.
				out, _ := w.exec("web", "ps", "-eo", "args")
				if strings.Contains(out, "sleep 600") {
					return "the cut-off step still runs on web:\n" + out
				}
				return ""
			},
			runs: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := w.with(t)
			killUpAt(t, w, ctl, tt.point)
			eventually(t, 15*time.Second, func() string { return tt.after(t) })
			webBefore := w.containerID("web")

			r := w.mustRun("up")
			if st := w.machines(); len(st) != 2 || st["web"] != "running" || st["db"] != "running" {
				t.Errorf("after the next up: containers %v, want web and db running", st)
			}
			if nets := w.networkNames(); len(nets) != 2 {
				t.Errorf("after the next up: networks %v, want front and back once each", nets)
			}
			if tt.name == "waiting for SSH" && w.containerID("web") != webBefore {
				t.Errorf("a running, never provisioned container was made anew instead of adopted")
			}
			// web's step ran exactly as often as planned. db runs beside
			// web, and may have been cut off anywhere (ran once, or once
			// more when the kill came before it was recorded as done).
			out, err := w.exec("web", "cat", "/var/tmp/provisioned")
			if got := strings.Count(out, "run"); err != nil || got != tt.runs {
				t.Errorf("web's step ran %d time(s) (%v), want %d\n%s", got, err, tt.runs, r.stderr)
			}
			out, err = w.exec("db", "cat", "/var/tmp/provisioned")
			if got := strings.Count(out, "run"); err != nil || got < 1 || got > 2 {
				t.Errorf("db's step ran %d time(s) (%v), want 1 or 2\n%s", got, err, r.stderr)
			}
			// Converged: one more up does nothing.
			again := w.mustRun("up")
			if strings.Contains(again.stderr, "creating") || strings.Contains(again.stderr, "[shell") {
				t.Errorf("up on a converged environment did work:\n%s", again.stderr)
			}
			w.mustRun("destroy", "-f")
			if c, n := w.containers(), w.networks(); len(c)+len(n) > 0 {
				t.Errorf("destroy left %d container(s), %d network(s)", len(c), len(n))
			}
			if _, err := os.Stat(filepath.Join(w.dir, ".envrun")); err == nil {
				t.Errorf("destroy left .envrun/")
			}
		})
	}
}

// TestIntegrationOrphans proves that machines and networks of the
// environment that the Envfile no longer names are listed by `envrun
// status` and removed by `envrun destroy`.
func TestIntegrationOrphans(t *testing.T) {
	w := newWorld(t, strings.ReplaceAll(strings.ReplaceAll(killEnvfile, "172.31.60.", "172.31.66."), "172.31.61.", "172.31.67."))
	os.MkdirAll(filepath.Join(w.dir, "ctl"), 0o755)
	w.mustRun("up", "--no-provision")
	w.writeEnvfile(`
box "debian/bookworm"
network "front" { subnet = "172.31.66.0/24" }
machine "web" { networks = { front = "172.31.66.10" } }
`)
	r := w.mustRun("status")
	if !strings.Contains(r.stdout, "db") || !strings.Contains(r.stdout, "(not in the Envfile)") {
		t.Errorf("status does not list the orphan machine db:\n%s", r)
	}
	if !strings.Contains(r.stderr, "network back") {
		t.Errorf("status does not list the orphan network back:\n%s", r)
	}
	w.mustRun("destroy", "-f", "db")
	if st := w.machines(); len(st) != 1 || st["web"] == "" {
		t.Errorf("destroy db (an orphan, by name): containers %v, want web alone", st)
	}
	w.mustRun("destroy", "-f")
	if c, n := w.containers(), w.networks(); len(c)+len(n) > 0 {
		t.Errorf("destroy left %d container(s), %d network(s) (orphans included)", len(c), len(n))
	}
}

// killUpAt starts `envrun up` in w and kills it with SIGKILL at pause
// point, or, for "", while web's step blocks (ctl/block in the Envfile's
// folder, synced to /ctl).
func killUpAt(t *testing.T, w *world, ctl, point string) {
	t.Helper()
	os.Remove(filepath.Join(ctl, "blocking"))
	var env []string
	if point != "" {
		env = []string{"ENVRUN_TEST_PAUSE=" + point}
	} else {
		os.WriteFile(filepath.Join(ctl, "block"), nil, 0o644)
	}
	p := w.start(env, "up")
	if point != "" {
		p.pause(point)
	} else {
		eventually(t, 3*time.Minute, func() string {
			if _, err := os.Stat(filepath.Join(ctl, "blocking")); err != nil {
				return "web's step never started blocking:\n" + p.stderrText()
			}
			return ""
		})
	}
	p.kill9()
	os.Remove(filepath.Join(ctl, "block"))
}
