//go:build linux

// Linux only: mounts a tmpfs.

package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const backendEnvfile = `
box "debian/bookworm"
network "n" { subnet = "172.31.69.0/24" }
machine "web" { networks = { n = "172.31.69.10" } }
`

// TestIntegrationBackendDown runs envrun when the Docker engine cannot
// serve it — not running, socket refused, or no room for .envrun/: a clear
// message, exit status 1, and nothing made (no .envrun/, no container or
// network).
func TestIntegrationBackendDown(t *testing.T) {
	noState := func(t *testing.T, w *world) {
		t.Helper()
		if _, err := os.Stat(filepath.Join(w.dir, ".envrun")); err == nil {
			t.Errorf(".envrun/ was left behind")
		}
		if c, n := w.containers(), w.networks(); len(c)+len(n) > 0 {
			t.Errorf("%d container(s) and %d network(s) were made", len(c), len(n))
		}
	}

	t.Run("engine not running", func(t *testing.T) {
		w := newWorld(t, backendEnvfile)
		sock := "unix://" + filepath.Join(t.TempDir(), "docker.sock")
		w.env = []string{"DOCKER_HOST=" + sock}
		for _, args := range [][]string{{"up"}, {"status"}, {"destroy", "-f"}} {
			r := w.run(args...)
			// The engine is named with what chose it and what to do.
			if r.code != 1 || !strings.Contains(r.stderr, "cannot reach the Docker engine at "+sock+" (chosen by DOCKER_HOST)") ||
				!strings.Contains(r.stderr, "start that engine, or choose another one") {
				t.Errorf("envrun %s: want exit 1 and the engine named as down: %s", strings.Join(args, " "), r)
			}
		}
		// Without a provider named, none is found, and that is said. libvirt,
		// when built in (-tags libvirt_dlopen), is made unreachable too.
		w.env = append(w.env, "ENVRUN_PROVIDER=",
			"LIBVIRT_DEFAULT_URI=qemu+unix:///system?socket="+filepath.Join(t.TempDir(), "libvirt-sock"))
		if r := w.run("up"); r.code != 1 || !strings.Contains(r.stderr, "no provider is available") {
			t.Errorf("up with no provider named: %s", r)
		}
		w.env = nil
		noState(t, w)
	})

	t.Run("permission denied", func(t *testing.T) {
		w := newWorldIn(t, nobodyDir(t), backendEnvfile)
		w.asNobody("DOCKER_HOST=unix:///var/run/docker.sock") // not in the docker group
		r := w.run("up")
		if r.code != 1 || !strings.Contains(r.stderr, "permission denied") || !strings.Contains(r.stderr, "docker group") {
			t.Errorf("up without access to the socket: want exit 1 and the fix: %s", r)
		}
		w.uid = 0
		noState(t, w)
	})

	t.Run("disk full", func(t *testing.T) {
		if os.Geteuid() != 0 {
			t.Skip("needs root to mount a small tmpfs")
		}
		dir := t.TempDir()
		if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "envrun-test-full", dir).CombinedOutput(); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("mount tmpfs: %v %s", err, out)
			}
			t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
		}
		t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
		w := newWorldIn(t, dir, backendEnvfile)
		// Fill the file system.
		f, err := os.Create(filepath.Join(dir, "filler"))
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4096)
		for {
			if _, err := f.Write(buf); err != nil {
				break
			}
		}
		f.Close()
		r := w.run("up")
		if r.code != 1 || !strings.Contains(r.stderr, "no space left on device") {
			t.Errorf("up on a full disk: want exit 1 and the cause: %s", r)
		}
		noState(t, w)
	})
}
