package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/spec"
)

func TestDefaultStepTimeout(t *testing.T) {
	if spec.DefaultStepTimeout != 10*time.Minute {
		t.Errorf("default step timeout %s, want 10m", spec.DefaultStepTimeout)
	}
	var info spec.StepInfo
	if got := info.EffectiveTimeout(); got != 10*time.Minute {
		t.Errorf("a step without timeout gets %s, want 10m", got)
	}
}

// TestIntegrationStepsThatHang proves that a step cannot hang envrun: a
// step past its timeout fails with the step's FILE:LINE and the timeout,
// and is ended on the machine; a machine that stops answering (docker
// pause freezes it, with its network still up) is detected by SSH
// keepalives and reported instead of waited for.
func TestIntegrationStepsThatHang(t *testing.T) {
	w := newWorld(t, `
box "debian/bookworm"
network "n" { subnet = "172.31.64.0/24" }
machine "web" {
  networks = { n = "172.31.64.10" },
  provision = { shell { inline = "sleep 600", timeout = "2s" } },
}
`)
	t.Run("step timeout", func(t *testing.T) {
		w := w.with(t)
		r := w.run("up")
		if r.code != 1 || !strings.Contains(r.stderr, "Envfile.lua:6: shell step \"shell#1\": timed out after 2s") {
			t.Fatalf("want exit 1 and the step's timeout at its FILE:LINE: %s", r)
		}
		if r.took > 30*time.Second {
			t.Errorf("a 2s timeout took %s", r.took)
		}
		eventually(t, 8*time.Second, func() string {
			if out, _ := w.exec("web", "ps", "-eo", "args"); strings.Contains(out, "sleep 600") {
				return "the timed-out step still runs on web:\n" + out
			}
			return ""
		})
	})

	t.Run("dead connection", func(t *testing.T) {
		w := w.with(t)
		ctl := filepath.Join(w.dir, "ctl")
		os.MkdirAll(ctl, 0o755)
		w.writeEnvfile(`
box "debian/bookworm"
network "n" { subnet = "172.31.64.0/24" }
machine "web" {
  networks = { n = "172.31.64.10" },
  provision = { shell { inline = "touch /tmp/blocking; sleep 600" } },
}
`)
		w.env = []string{"ENVRUN_SSH_KEEPALIVE=1s"}
		defer func() { w.env = nil }()
		p := w.start(nil, "provision")
		eventually(t, time.Minute, func() string {
			if _, err := w.exec("web", "test", "-e", "/tmp/blocking"); err != nil {
				return "the step did not start:\n" + p.stderrText()
			}
			return ""
		})
		name := w.project + "-web"
		if out, err := exec.Command("docker", "pause", name).CombinedOutput(); err != nil {
			t.Fatalf("docker pause: %v %s", err, out)
		}
		defer exec.Command("docker", "unpause", name).Run()
		paused := time.Now()
		r := p.wait(30 * time.Second)
		if r.code != 1 || !strings.Contains(r.stderr, "no answer to keepalives") {
			t.Errorf("want exit 1 and the lost connection reported: %s", r)
		}
		if took := time.Since(paused); took > 10*time.Second {
			t.Errorf("the dead connection was noticed after %s, want a few keepalive intervals (1s)", took)
		}
	})
}
