package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/luaapi"
)

const rsyncEnvfile = `
box "debian/bookworm"
network "n" { subnet = "10.77.0.0/24" }
defaults { synced_folders = { ["."] = { guest = "/vagrant", type = "rsync", exclude = { "*.log" } } } }
machine "web" {
  networks = { n = "10.77.0.10" },
  synced_folders = { ["src"] = "/src", ["www"] = { guest = "/var/www", type = "rsync", owner = "www-data" } },
  provision = { shell { inline = "true" }, file { source = "src", destination = "/tmp/src" } },
}
`

// loadRsync loads rsyncEnvfile from a folder that has src/ and www/ and
// opens it on the fake provider.
func loadRsync(t *testing.T, fp *fakeProvider, log *cmdLog) *Env {
	t.Helper()
	return loadRsyncEnvfile(t, rsyncEnvfile, fp, log)
}

func loadRsyncEnvfile(t *testing.T, envfile string, fp *fakeProvider, log *cmdLog) *Env {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"src", "www"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "Envfile.lua"), []byte(envfile), 0o644); err != nil {
		t.Fatal(err)
	}
	lenv, err := luaapi.Load(context.Background(), filepath.Join(dir, "Envfile.lua"), luaapi.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(lenv.Close)
	return newTestEnv(t, lenv.Spec, fp, log)
}

// TestRsyncFolderIsAnUpload: each rsync synced folder (the defaults' one
// too) becomes an upload before the machine's own steps, in guest path
// order, whose default names do not move; the provider mounts the others
// only.
func TestRsyncFolderIsAnUpload(t *testing.T) {
	e := loadRsync(t, newFake(), &cmdLog{})
	m := e.Spec.Machine("web")
	var names []string
	for _, s := range m.Steps {
		names = append(names, s.Info().Kind+" "+s.Info().Name)
	}
	if want := []string{"rsync rsync#1", "rsync rsync#2", "shell shell#1", "file file#2"}; !slices.Equal(names, want) {
		t.Fatalf("steps %v, want %v", names, want)
	}
	r1, r2 := m.Steps[0].(*spec.File), m.Steps[1].(*spec.File)
	if r1.Source != e.Spec.Dir || r1.Destination != "/vagrant" || !slices.Equal(r1.Exclude, []string{"*.log"}) || r1.Chown != "" || r1.Privileged || r1.Sync != spec.SyncChanges {
		t.Errorf("rsync#1 = %+v: want the project to /vagrant, *.log excluded, as the login user, changes only", r1)
	}
	if r2.Destination != "/var/www" || r2.Chown != "www-data:" || !r2.Privileged {
		t.Errorf("rsync#2 = %+v: want /var/www written as root, chowned www-data:", r2)
	}
	if got := m.MountedFolders(); len(got) != 1 || got[0].Guest != "/src" {
		t.Errorf("mounted folders %+v, want /src only", got)
	}
	g, err := e.Plan(PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, got := edges(g)
	for _, want := range []string{"machine:web -> web/rsync#1", "web/rsync#1 -> web/rsync#2", "web/rsync#2 -> web/shell#1"} {
		if !slices.Contains(got, want) {
			t.Errorf("plan lacks %s: %v", want, got)
		}
	}
	// --no-provision still copies the folders.
	g, err = e.Plan(PlanOptions{Provision: ProvisionNone})
	if err != nil {
		t.Fatal(err)
	}
	nodes, _ := edges(g)
	if want := []string{"network:n", "machine:web", "web/rsync#1", "web/rsync#2", "web/done"}; !slices.Equal(nodes, want) {
		t.Errorf("--no-provision plans %v, want %v", nodes, want)
	}
}

// TestRsyncRunsWhenTheMachineStarts: the folders are copied when up makes
// or starts the machine, and when its steps run (provision); a no-op up
// of a running machine copies nothing.
func TestRsyncRunsWhenTheMachineStarts(t *testing.T) {
	fp, log := newFake(), &cmdLog{}
	e := loadRsync(t, fp, log)
	uploads := func() []string {
		log.mu.Lock()
		defer log.mu.Unlock()
		var out []string
		for _, c := range log.cmds {
			if _, dst, ok := strings.Cut(c, ": upload "); ok {
				out = append(out, dst)
			}
		}
		log.cmds = nil
		return out
	}
	walk := func(what string, opts PlanOptions, want ...string) {
		t.Helper()
		if _, err := e.Walk(context.Background(), opts); err != nil {
			t.Fatal(err)
		}
		if got := uploads(); !slices.Equal(got, want) {
			t.Errorf("%s uploaded %v, want %v", what, got, want)
		}
	}
	walk("the first up", PlanOptions{}, "/vagrant", "/var/www", "/tmp/src")
	walk("a no-op up", PlanOptions{})
	fp.Halt(context.Background(), "web")
	walk("up of a stopped machine", PlanOptions{}, "/vagrant", "/var/www")
	walk("provision", PlanOptions{Provision: ProvisionForce, Existing: true}, "/vagrant", "/var/www", "/tmp/src")
	walk("provision --step rsync#2", PlanOptions{Provision: ProvisionForce, Existing: true, Only: []string{"rsync#2"}}, "/var/www")
	walk("envrun rsync", PlanOptions{Provision: ProvisionNone, Existing: true, Folders: true}, "/vagrant", "/var/www")
	fp.Halt(context.Background(), "web")
	walk("up --no-provision of a stopped machine", PlanOptions{Provision: ProvisionNone}, "/vagrant", "/var/www")
	// up --step: the step named, and the folders when the machine starts.
	walk("up --step file#2 of a running machine", PlanOptions{Only: []string{"file#2"}}, "/tmp/src")
	fp.Halt(context.Background(), "web")
	walk("up --step file#2 of a stopped machine", PlanOptions{Only: []string{"file#2"}}, "/vagrant", "/var/www", "/tmp/src")
	if err := e.Destroy(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	walk("up --step file#2 of a new machine", PlanOptions{Only: []string{"file#2"}}, "/vagrant", "/var/www", "/tmp/src")
}

// TestRsyncCommandSkipsMachinesWithoutFolders: envrun rsync alone copies
// to the machines that have rsync folders, and a stopped machine with
// none does not stop it; a stopped machine with some does, naming it.
func TestRsyncCommandSkipsMachinesWithoutFolders(t *testing.T) {
	fp, log := newFake(), &cmdLog{}
	e := loadRsyncEnvfile(t, `
box "debian/bookworm"
machine "web" { synced_folders = { ["www"] = { guest = "/var/www", type = "rsync" } } }
machine "db" {}
`, fp, log)
	ctx := context.Background()
	if _, err := e.Walk(ctx, PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	rsync := PlanOptions{Provision: ProvisionNone, Existing: true, Folders: true}
	if err := e.Halt(ctx, []string{"db"}); err != nil {
		t.Fatal(err)
	}
	log.mu.Lock()
	log.cmds = nil
	log.mu.Unlock()
	if _, err := e.Walk(ctx, rsync); err != nil {
		t.Fatalf("envrun rsync with db stopped: %v", err)
	}
	log.mu.Lock()
	got := strings.Join(log.cmds, "\n")
	log.mu.Unlock()
	if !strings.Contains(got, "web: upload /var/www") || strings.Contains(got, "db:") {
		t.Errorf("envrun rsync ran:\n%s\nwant web's upload only", got)
	}
	if err := e.Halt(ctx, []string{"web"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Walk(ctx, rsync); err == nil || !strings.Contains(err.Error(), "web is") {
		t.Errorf("envrun rsync with web stopped: %v, want an error naming web", err)
	}
}

// TestRsyncCommandWithoutFolders: envrun rsync where no machine has an
// rsync folder is a usage error, not a silent success.
func TestRsyncCommandWithoutFolders(t *testing.T) {
	e := newTestEnv(t, testEnvfile(t.TempDir()), newFake(), &cmdLog{})
	_, err := e.Plan(PlanOptions{Provision: ProvisionNone, Existing: true, Folders: true})
	var ue *UsageError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), `none of a, b, c has a type = "rsync" synced folder`) {
		t.Errorf("got %v, want a usage error naming the machines", err)
	}
}
