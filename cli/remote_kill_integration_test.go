package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestIntegrationRemoteKill9 is TestIntegrationKill9 on the jump
// transport: envrun runs in the rig's client namespace on an ssh://
// engine, is killed with SIGKILL while it waits for a machine's SSH through
// the jump host and in the middle of a step run through it, and the next
// up converges; destroy then leaves nothing.
func TestIntegrationRemoteKill9(t *testing.T) {
	r := newRig(t, 4)
	w := newWorld(t, strings.NewReplacer("172.31.60.", "172.23.20.", "172.31.61.", "172.23.21.").Replace(killEnvfile))
	// w's commands run envrun in the client namespace, with the rig's home.
	wrapper := filepath.Join(w.dir, "t-envrun-in-ns")
	home, _ := os.UserHomeDir()
	rigWrite(t, wrapper, fmt.Sprintf("#!/bin/sh\nexec ip netns exec %s sh -c 'mount --bind %s %s && exec %s \"$@\"' envrun \"$@\"\n", r.ns, r.home, home, r.bin))
	os.Chmod(wrapper, 0o755)
	w.bin = wrapper
	w.env = []string{"DOCKER_HOST=ssh://root@" + r.hostIP, "DOCKER_CONTEXT=", "DOCKER_CONFIG=" + filepath.Join(r.home, ".docker")}
	ctl := filepath.Join(w.dir, "ctl")
	os.MkdirAll(ctl, 0o755)
	r.unreachable(w.dir, "172.23.20.10:22")

	for _, tt := range []struct {
		name, point string
		runs        int
	}{
		{"waiting for SSH", "ssh-wait:web", 1},
		{"provisioning", "", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := w.with(t)
			killUpAt(t, w, ctl, tt.point)
			if tt.point == "" {
				eventually(t, 30*time.Second, func() string {
					if out, _ := w.exec("web", "ps", "-eo", "args"); strings.Contains(out, "sleep 600") {
						return "the cut-off step still runs on web:\n" + out
					}
					return ""
				})
			}
			r := w.mustRun("up")
			if st := w.machines(); len(st) != 2 || st["web"] != "running" || st["db"] != "running" {
				t.Errorf("after the next up: containers %v, want web and db running", st)
			}
			out, err := w.exec("web", "cat", "/var/tmp/provisioned")
			if got := strings.Count(out, "run"); err != nil || got != tt.runs {
				t.Errorf("web's step ran %d time(s) (%v), want %d\n%s", got, err, tt.runs, r.stderr)
			}
			again := w.mustRun("up")
			if strings.Contains(again.stderr, "creating") || strings.Contains(again.stderr, "[shell") {
				t.Errorf("up on a converged environment did work:\n%s", again.stderr)
			}
			w.mustRun("destroy", "-f")
			if c, n := w.containers(), w.networks(); len(c)+len(n) > 0 {
				t.Errorf("destroy left %d container(s), %d network(s)", len(c), len(n))
			}
		})
	}
}
