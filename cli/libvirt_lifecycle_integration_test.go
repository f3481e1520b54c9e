//go:build libvirt_dlopen && cgo

package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lvLifecycleEnvfile: one VM on an isolated network of 172.23.10.0/24,
// with a step counted in /var/tmp/provisioned.
const lvLifecycleEnvfile = `
box "debian/bookworm"
network "n" { subnet = "172.23.10.0/24", isolated = true }
machine "web" {
  networks = { n = "172.23.10.10" },
  memory = MEMORY,
  libvirt = { boot_timeout = 1500 },
  provision = { shell { inline = "echo run >> /var/tmp/provisioned" } },
}
`

// TestIntegrationLibvirtLifecycle proves snapshots (libvirt's internal
// snapshots), suspend/resume (a managed save) and reload (the domain
// defined anew over its disk) on one real VM, booted once.
func TestIntegrationLibvirtLifecycle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "t-snap-lv")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w := newLibvirtWorldIn(t, dir, strings.ReplaceAll(lvLifecycleEnvfile, "MEMORY", "384"))
	// A first boot under software emulation on a loaded host takes
	// minutes: longer than mustRun waits.
	long := func(args ...string) result {
		t.Helper()
		r := w.start(nil, args...).wait(30 * time.Minute)
		if r.code != 0 {
			t.Fatalf("envrun %s: %s", strings.Join(args, " "), r)
		}
		return r
	}
	long("up")
	runs := func() int { return strings.Count(w.remote("web", "cat /var/tmp/provisioned"), "run") }
	w.remote("web", "echo one > /var/tmp/state")
	w.mustRun("snapshot", "save", "s1")
	rows := w.snapshotList()
	if len(rows) != 1 || rows[0].Machine != "web" || rows[0].Name != "s1" || !rows[0].Provisioned {
		t.Fatalf("snapshot list: %+v, want web s1, provisioned", rows)
	}
	if n := w.status()["web"].Snapshots; n != 1 {
		t.Errorf("status counts %d snapshot(s), want 1", n)
	}
	w.mustFail(2, `no snapshot "s2" of web`, "snapshot", "restore", "web", "s2")

	w.remote("web", "echo two > /var/tmp/state")
	w.mustRun("snapshot", "restore", "s1")
	if out := strings.TrimSpace(w.remote("web", "cat /var/tmp/state")); out != "one" {
		t.Errorf("after restoring s1: /var/tmp/state is %q, want one", out)
	}
	if r := w.mustRun("up"); strings.Contains(r.stderr, "[shell") || runs() != 1 {
		t.Errorf("up after restoring a provisioned snapshot ran steps:\n%s", r.stderr)
	}

	w.mustRun("suspend")
	if st := w.status()["web"].State; st != "suspended" {
		t.Errorf("after suspend: web is %q, want suspended", st)
	}
	w.mustRun("resume")
	if st := w.status()["web"].State; st != "running" {
		t.Errorf("after resume: web is %q, want running", st)
	}
	if out := strings.TrimSpace(w.remote("web", "cat /var/tmp/state")); out != "one" {
		t.Errorf("after resume: /var/tmp/state is %q, want one", out)
	}

	w.writeEnvfile(strings.ReplaceAll(lvLifecycleEnvfile, "MEMORY", "448"))
	if r := w.mustRun("up"); !strings.Contains(r.stderr, "settings in the Envfile changed") {
		t.Errorf("up does not say the settings changed:\n%s", r.stderr)
	}
	r := long("reload")
	if !strings.Contains(r.stderr, "defining VM") {
		t.Errorf("reload did not define the VM anew:\n%s", r.stderr)
	}
	if out := strings.TrimSpace(w.remote("web", "cat /var/tmp/state")); out != "one" {
		t.Errorf("after reload: /var/tmp/state is %q, want one (the disk kept)", out)
	}
	if runs() != 1 {
		t.Errorf("reload keeping the disk ran the step again")
	}
	if r := w.mustRun("up"); strings.Contains(r.stderr, "settings in the Envfile changed") || strings.Contains(r.stderr, "[shell") {
		t.Errorf("up after reload still warns or provisions:\n%s", r.stderr)
	}
	w.mustRun("snapshot", "delete", "web", "s1")
	if rows := w.snapshotList(); len(rows) != 0 {
		t.Errorf("after delete: %+v", rows)
	}
}
