package cli_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docker/docker/api/types/filters"
	dimage "github.com/docker/docker/api/types/image"

	"github.com/envrun/envrun/engine/provider/docker"
)

// The snapshot, reload and suspend tests run on their own subnets
// (172.23.0.0/16) and in folders named t-snap-*, so they run beside the
// other integration tests without the engine lock.

// snapEnvfile: web and db on one network, each with a step counted in
// /var/tmp/provisioned; spare is never brought up.
const snapEnvfile = `
box "debian/bookworm"
network "n" { subnet = "SUBNET.0/24" }
machine "web" {
  hostname = "web.snap.test",
  networks = { n = "SUBNET.10" },
  provision = { shell { inline = "echo run >> /var/tmp/provisioned" } },
}
machine "db" {
  networks = { n = "SUBNET.20" },
  provision = { shell { inline = "echo run >> /var/tmp/provisioned" } },
}
machine "spare" { networks = { n = "SUBNET.30" } }
`

// snapWorld is a world in a folder named t-snap-NAME, on subnet (three
// octets) of 172.23.0.0/16, whose snapshot images are removed at the end
// whatever happens.
func snapWorld(t *testing.T, name, subnet, envfile string) *world {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "t-snap-"+name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w := newWorldIn(t, dir, strings.ReplaceAll(envfile, "SUBNET", subnet))
	t.Cleanup(func() {
		for _, im := range w.snapshotImages() {
			for _, tag := range im.RepoTags {
				w.docker.ImageRemove(context.Background(), tag, dimage.RemoveOptions{Force: true})
			}
			w.docker.ImageRemove(context.Background(), im.ID, dimage.RemoveOptions{Force: true})
		}
	})
	return w
}

// snapshotImages lists the images labelled as the world's snapshots,
// untagged ones too.
func (w *world) snapshotImages() []dimage.Summary {
	w.t.Helper()
	f := filters.NewArgs(filters.Arg("label", docker.LabelProject+"="+w.project), filters.Arg("label", docker.LabelSnapshot))
	list, err := w.docker.ImageList(context.Background(), dimage.ListOptions{All: true, Filters: f})
	if err != nil {
		w.t.Fatal(err)
	}
	return list
}

type snapRow struct {
	Machine, Name string
	Provisioned   bool
}

func (w *world) snapshotList(args ...string) []snapRow {
	w.t.Helper()
	r := w.mustRun(append([]string{"snapshot", "list", "--json"}, args...)...)
	var rows []snapRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		w.t.Fatalf("snapshot list --json: %v\n%s", err, r)
	}
	return rows
}

type statusRow struct {
	Name, State, IP string
	Interfaces      map[string]string
	Snapshots       int
}

func (w *world) status() map[string]statusRow {
	w.t.Helper()
	r := w.mustRun("status", "--json")
	var rows []statusRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		w.t.Fatalf("status --json: %v\n%s", err, r)
	}
	out := map[string]statusRow{}
	for _, r := range rows {
		out[r.Name] = r
	}
	return out
}

// runs is how many times machine's step ran on its current file system.
func (w *world) runs(machine string) int {
	out, _ := w.exec(machine, "cat", "/var/tmp/provisioned")
	return strings.Count(out, "run")
}

func (w *world) mustFail(code int, want string, args ...string) result {
	w.t.Helper()
	r := w.run(args...)
	if r.code != code || !strings.Contains(r.stderr, want) {
		w.t.Errorf("envrun %s: want exit %d saying %q, got %s", strings.Join(args, " "), code, want, r)
	}
	return r
}

// TestIntegrationSnapshot saves, lists, restores, deletes, pushes and
// pops snapshots on Docker, checking that a restored machine has its saved
// file system, IP, hostname and host key (ssh through the pinned key
// works), and the provisioning state it had when saved.
func TestIntegrationSnapshot(t *testing.T) {
	t.Parallel()
	w := snapWorld(t, "snap", "172.23.1", snapEnvfile)
	w.mustRun("up", "--no-provision", "web", "db")
	w.mustRun("snapshot", "save", "web", "bare")
	w.mustRun("up", "web", "db")
	if w.runs("web") != 1 || w.runs("db") != 1 {
		t.Fatalf("steps ran %d, %d times, want once each", w.runs("web"), w.runs("db"))
	}
	w.exec("web", "sh", "-c", "echo one > /var/tmp/state")
	w.mustRun("snapshot", "save", "one") // the whole environment: web and db, spare is not created
	rows := w.snapshotList()
	if len(rows) != 3 {
		t.Fatalf("snapshot list: %v, want web bare, web one, db one", rows)
	}
	for _, r := range rows {
		if want := r.Name == "one"; r.Provisioned != want {
			t.Errorf("snapshot %s of %s: provisioned %v, want %v", r.Name, r.Machine, r.Provisioned, want)
		}
	}
	if st := w.status(); st["web"].Snapshots != 2 || st["db"].Snapshots != 1 || st["spare"].Snapshots != 0 {
		t.Errorf("status counts snapshots %d, %d, %d, want 2, 1, 0", st["web"].Snapshots, st["db"].Snapshots, st["spare"].Snapshots)
	}
	// TAB completes the snapshot names of the machines given.
	if r := w.mustRun("__complete", "snapshot", "restore", "web", ""); !strings.HasPrefix(r.stdout, "db\nspare\nbare\none\n") {
		t.Errorf("completion of snapshot restore web: %q, want the other machines, then bare and one", r.stdout)
	}
	if r := w.mustRun("__complete", "snapshot", "delete", "db", "o"); !strings.HasPrefix(r.stdout, "one\n:4") {
		t.Errorf("completion of snapshot delete db o: %q, want one", r.stdout)
	}
	if r := w.mustRun("status"); !strings.Contains(r.stdout, "SNAPSHOTS") {
		t.Errorf("status has no SNAPSHOTS column:\n%s", r.stdout)
	}

	t.Run("errors", func(t *testing.T) {
		w := w.with(t)
		w.mustFail(2, `already has a snapshot "one"`, "snapshot", "save", "web", "one")
		w.mustFail(2, `no snapshot "nope" of web`, "snapshot", "restore", "web", "nope")
		w.mustFail(2, `no snapshot "onr" in this environment (did you mean "one"?`, "snapshot", "restore", "onr")
		w.mustFail(2, `no snapshot "nope"`, "snapshot", "delete", "nope")
		w.mustFail(1, "cannot save a snapshot of spare: not created", "snapshot", "save", "spare", "x")
		w.mustFail(2, `no machine "wbe"`, "snapshot", "save", "wbe", "x")
		w.mustFail(2, `snapshot name "-x"`, "snapshot", "save", "web", "--", "-x")
		w.mustFail(2, "no pushed snapshot", "snapshot", "pop")
	})

	t.Run("restore", func(t *testing.T) {
		w := w.with(t)
		before := w.containerID("web")
		hostKey, _ := w.exec("web", "cat", "/etc/ssh/ssh_host_ed25519_key.pub")
		w.exec("web", "sh", "-c", "echo two > /var/tmp/state")
		r := w.mustRun("snapshot", "restore", "web", "one")
		if !strings.Contains(r.stderr, "restored snapshot one, SSH ready") {
			t.Errorf("restore does not say it restored:\n%s", r.stderr)
		}
		if w.containerID("web") == before {
			t.Errorf("web's container was not made anew")
		}
		if out, _ := w.exec("web", "cat", "/var/tmp/state"); strings.TrimSpace(out) != "one" {
			t.Errorf("web's /var/tmp/state is %q after restoring one, want one", out)
		}
		if out, _ := w.exec("web", "cat", "/etc/ssh/ssh_host_ed25519_key.pub"); out != hostKey {
			t.Errorf("web's host key changed with the restore:\n%s\nwas\n%s", out, hostKey)
		}
		// Through the pinned host key, at the same IP and hostname.
		out := w.mustRun("ssh", "web", "--", "hostname -f; ip -o -4 addr show; cat /var/tmp/state").stdout
		if !strings.Contains(out, "web.snap.test") || !strings.Contains(out, "172.23.1.10/") || !strings.Contains(out, "one") {
			t.Errorf("ssh web after the restore:\n%s", out)
		}
		// Provisioned when saved: up runs nothing.
		r = w.mustRun("up", "web", "db")
		if strings.Contains(r.stderr, "[shell") || w.runs("web") != 1 {
			t.Errorf("up after restoring a provisioned snapshot ran steps (web ran %d times):\n%s", w.runs("web"), r.stderr)
		}
		// Not provisioned when saved: up provisions it.
		w.mustRun("snapshot", "restore", "web", "bare")
		if n := w.runs("web"); n != 0 {
			t.Errorf("web ran its step %d times on the bare snapshot, want 0", n)
		}
		w.mustRun("up", "web", "db")
		if n := w.runs("web"); n != 1 {
			t.Errorf("up after restoring an unprovisioned snapshot: web ran its step %d times, want 1", n)
		}
		if n := w.runs("db"); n != 1 {
			t.Errorf("db, not restored, ran its step %d times, want 1", n)
		}
	})

	t.Run("whole environment", func(t *testing.T) {
		w := w.with(t)
		w.exec("db", "sh", "-c", "echo changed > /var/tmp/state")
		r := w.mustRun("snapshot", "restore", "one")
		for _, m := range []string{"web", "db"} {
			if !strings.Contains(r.stderr, m) {
				t.Errorf("restore of the environment does not name %s:\n%s", m, r.stderr)
			}
		}
		if out, _ := w.exec("db", "cat", "/var/tmp/state"); out != "" && !strings.Contains(out, "No such file") {
			t.Errorf("db's /var/tmp/state after restoring one: %q, want none", out)
		}
		if out, _ := w.exec("web", "cat", "/var/tmp/state"); strings.TrimSpace(out) != "one" {
			t.Errorf("web's /var/tmp/state is %q, want one", out)
		}
	})

	t.Run("push and pop", func(t *testing.T) {
		w := w.with(t)
		w.exec("web", "sh", "-c", "echo pushed > /var/tmp/state")
		r := w.mustRun("snapshot", "push", "web")
		name := strings.TrimSpace(r.stdout)
		if !strings.HasPrefix(name, "push-") {
			t.Fatalf("push printed %q, want the snapshot's name", r.stdout)
		}
		w.exec("web", "sh", "-c", "echo later > /var/tmp/state")
		w.mustRun("snapshot", "pop")
		if out, _ := w.exec("web", "cat", "/var/tmp/state"); strings.TrimSpace(out) != "pushed" {
			t.Errorf("web's /var/tmp/state after pop: %q, want pushed", out)
		}
		for _, r := range w.snapshotList("web") {
			if r.Name == name {
				t.Errorf("pop kept the snapshot %s", name)
			}
		}
	})

	t.Run("delete and destroy", func(t *testing.T) {
		w := w.with(t)
		w.mustRun("snapshot", "delete", "db", "one")
		if rows := w.snapshotList("db"); len(rows) != 0 {
			t.Errorf("db's snapshots after deleting one: %v", rows)
		}
		if r := w.mustRun("__complete", "snapshot", "restore", "db", ""); strings.Contains(r.stdout, "one\n") {
			t.Errorf("completion of snapshot restore db after deleting one: %q, still offers it", r.stdout)
		}
		if rows := w.snapshotList("web"); len(rows) != 2 {
			t.Errorf("web's snapshots: %v, want bare and one", rows)
		}
		w.mustRun("destroy", "-f", "web")
		for _, im := range w.snapshotImages() {
			if im.Labels[docker.LabelMachine] == "web" {
				t.Errorf("destroy web left its snapshot image %s %v", im.ID, im.RepoTags)
			}
		}
		// db runs from its deleted snapshot's image: destroy removes that
		// too.
		w.mustRun("destroy", "-f")
		if ims := w.snapshotImages(); len(ims) != 0 {
			t.Errorf("destroy left %d snapshot image(s)", len(ims))
		}
	})
}

// TestIntegrationSuspend suspends and resumes a machine; status shows it,
// and up resumes one too.
func TestIntegrationSuspend(t *testing.T) {
	t.Parallel()
	w := snapWorld(t, "suspend", "172.23.2", snapEnvfile)
	w.mustRun("up", "--no-provision", "web")
	w.mustRun("suspend", "web")
	if st := w.status()["web"].State; st != "suspended" {
		t.Errorf("status after suspend: web is %q, want suspended", st)
	}
	if st := w.machines()["web"]; st != "paused" {
		t.Errorf("web's container is %q, want paused", st)
	}
	w.mustFail(1, "cannot resume spare: not created", "resume", "spare")
	w.mustRun("resume", "web")
	if st := w.status()["web"].State; st != "running" {
		t.Errorf("status after resume: web is %q, want running", st)
	}
	w.mustRun("ssh", "web", "--", "true")
	w.mustRun("suspend")
	r := w.mustRun("up", "--no-provision", "web")
	if st := w.machines()["web"]; st != "running" || !strings.Contains(r.stderr, "resuming") {
		t.Errorf("up on a suspended machine: web is %q:\n%s", st, r.stderr)
	}
	// A suspended machine halts.
	w.mustRun("suspend", "web")
	w.mustRun("halt", "web")
	if st := w.machines()["web"]; st != "exited" {
		t.Errorf("halt of a suspended machine: web is %q, want exited", st)
	}
	w.mustFail(1, "only a running machine can be suspended", "suspend", "web")
}

// reloadEnvfile: one machine with a docker setting that the test changes.
const reloadEnvfile = `
box "debian/bookworm"
network "n" { subnet = "SUBNET.0/24" }
machine "web" {
  networks = { n = "SUBNET.10" },
  docker = { env = { STAGE = "STAGEVALUE" } },
  provision = { shell { inline = "echo run >> /var/tmp/provisioned" } },
}
`

// TestIntegrationReload proves reload: unchanged settings restart the
// container; changed ones make it anew keeping its file system and
// provisioning state; --provision runs the steps again.
func TestIntegrationReload(t *testing.T) {
	t.Parallel()
	w := snapWorld(t, "reload", "172.23.3", strings.ReplaceAll(reloadEnvfile, "STAGEVALUE", "one"))
	w.mustRun("up")
	w.exec("web", "sh", "-c", "echo kept > /var/tmp/state; echo '10.9.9.9 edited.test' >> /etc/hosts")
	id := w.containerID("web")

	r := w.mustRun("reload")
	if w.containerID("web") != id || !strings.Contains(r.stderr, "settings unchanged") {
		t.Errorf("reload with unchanged settings did not restart the same container:\n%s", r.stderr)
	}
	if w.runs("web") != 1 {
		t.Errorf("reload ran the step again (%d runs)", w.runs("web"))
	}

	w.writeEnvfile(strings.ReplaceAll(strings.ReplaceAll(reloadEnvfile, "STAGEVALUE", "two"), "SUBNET", "172.23.3"))
	if r := w.mustRun("up"); !strings.Contains(r.stderr, "settings in the Envfile changed") {
		t.Errorf("up does not say the settings changed:\n%s", r.stderr)
	}
	r = w.mustRun("reload", "web")
	if w.containerID("web") == id {
		t.Errorf("reload with changed settings kept the old container:\n%s", r.stderr)
	}
	if out, _ := w.exec("web", "sh", "-c", "echo $STAGE; cat /var/tmp/state"); out != "two\nkept\n" {
		t.Errorf("after reload: STAGE and /var/tmp/state are %q, want two, kept", out)
	}
	// /etc/hosts is still the machine's own file, as edited, and still
	// one a rename can replace (Ansible's way).
	if out, err := w.exec("web", "sh", "-c", "readlink /etc/hosts && getent hosts edited.test && cp /etc/hosts /tmp/h && mv /tmp/h /etc/hosts"); err != nil || !strings.Contains(out, "/run/envrun/hosts") {
		t.Errorf("after reload, /etc/hosts lost its edit or is Docker's again (%v):\n%s", err, out)
	}
	if w.runs("web") != 1 || strings.Contains(r.stderr, "[shell") {
		t.Errorf("reload keeping the disk ran the step again (%d runs):\n%s", w.runs("web"), r.stderr)
	}
	if r := w.mustRun("up"); strings.Contains(r.stderr, "settings in the Envfile changed") || strings.Contains(r.stderr, "[shell") {
		t.Errorf("up after reload still warns or provisions:\n%s", r.stderr)
	}
	for _, im := range w.snapshotImages() {
		// The image the container runs from stays, untagged, until the
		// container goes.
		if len(im.RepoTags) > 0 && im.RepoTags[0] != "<none>:<none>" {
			t.Errorf("reload left image %v behind", im.RepoTags)
		}
	}
	w.mustRun("reload", "--provision")
	if w.runs("web") != 2 {
		t.Errorf("reload --provision: the step ran %d times in all, want 2", w.runs("web"))
	}
	w.mustFail(2, `no machine "wbe"`, "reload", "wbe")
}

// TestIntegrationSnapshotKill kills (kill -9) and interrupts (SIGINT) a
// snapshot restore and a reload between removing the old container and
// making the new one, and proves that the next command converges: the
// machine comes back from the snapshot (or its own file system), as
// provisioned as it was, with nothing left over.
func TestIntegrationSnapshotKill(t *testing.T) {
	t.Parallel()
	w := snapWorld(t, "kill", "172.23.4", strings.ReplaceAll(reloadEnvfile, "STAGEVALUE", "one"))
	w.mustRun("up")
	w.exec("web", "sh", "-c", "echo saved > /var/tmp/state")
	w.mustRun("snapshot", "save", "s1")
	w.exec("web", "sh", "-c", "echo later > /var/tmp/state")

	check := func(t *testing.T, w *world, next []string, want string) {
		t.Helper()
		r := w.mustRun(next...)
		if st := w.machines(); len(st) != 1 || st["web"] != "running" {
			t.Errorf("after %v: containers %v, want web running", next, st)
		}
		if out, _ := w.exec("web", "cat", "/var/tmp/state"); strings.TrimSpace(out) != want {
			t.Errorf("after %v: /var/tmp/state is %q, want %q\n%s", next, out, want, r.stderr)
		}
		if n := w.runs("web"); n != 1 {
			t.Errorf("after %v: the step ran %d times, want 1 (the snapshot was provisioned)", next, n)
		}
		if r := w.mustRun("up"); strings.Contains(r.stderr, "creating") || strings.Contains(r.stderr, "[shell") {
			t.Errorf("up after %v did work:\n%s", next, r.stderr)
		}
		for _, im := range w.snapshotImages() {
			for _, tag := range im.RepoTags {
				if strings.Contains(tag, "_") {
					t.Errorf("left behind: image %s", tag)
				}
			}
		}
	}
	for _, tc := range []struct {
		name, point string
		sig         syscall.Signal
		args, next  []string
		want        string
	}{
		{"restore kill -9 before removing", "snapshot-pending:web", syscall.SIGKILL, []string{"snapshot", "restore", "s1"}, []string{"snapshot", "restore", "s1"}, "saved"},
		{"restore kill -9 after removing", "container-removed:web", syscall.SIGKILL, []string{"snapshot", "restore", "s1"}, []string{"up"}, "saved"},
		{"restore SIGINT after removing", "container-removed:web", syscall.SIGINT, []string{"snapshot", "restore", "web", "s1"}, []string{"snapshot", "restore", "web", "s1"}, "saved"},
		{"reload kill -9 after removing", "container-removed:web", syscall.SIGKILL, []string{"reload"}, []string{"up"}, "later"},
		{"reload SIGINT after removing", "container-removed:web", syscall.SIGINT, []string{"reload"}, []string{"reload"}, "later"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := w.with(t)
			w.exec("web", "sh", "-c", "echo later > /var/tmp/state")
			if tc.args[0] == "reload" {
				// A changed setting: reload makes the container anew.
				stage := "two"
				if strings.Contains(must(w.exec("web", "sh", "-c", "echo $STAGE")), "two") {
					stage = "three"
				}
				w.writeEnvfile(strings.ReplaceAll(strings.ReplaceAll(reloadEnvfile, "STAGEVALUE", stage), "SUBNET", "172.23.4"))
			}
			p := w.start([]string{"ENVRUN_TEST_PAUSE=" + tc.point}, tc.args...)
			p.pause(tc.point)
			if tc.sig == syscall.SIGKILL {
				p.kill9()
			} else {
				p.signal(tc.sig)
				if r := p.wait(10 * time.Second); r.code != 130 {
					t.Errorf("SIGINT: want exit 130: %s", r)
				}
			}
			check(t, w, tc.next, tc.want)
		})
	}
}

func must(s string, _ error) string { return s }

// TestIntegrationSnapshotFlatten: each save of a restored machine makes
// its snapshot image one layer deeper; past the limit (lowered here from
// 100 to the box's depth + 2) a save flattens the image, which keeps the
// file system (/etc/hosts as the machine edited it too), the settings and
// the labels: the flattened snapshot restores with its IP, host key and
// provisioning state, and the older ones still restore.
func TestIntegrationSnapshotFlatten(t *testing.T) {
	t.Parallel()
	w := snapWorld(t, "flat", "172.23.5", strings.ReplaceAll(reloadEnvfile, "STAGEVALUE", "one"))
	w.mustRun("up")
	c, err := w.docker.ContainerInspect(context.Background(), w.containerID("web"))
	if err != nil {
		t.Fatal(err)
	}
	box, err := w.docker.ImageInspect(context.Background(), c.Image)
	if err != nil {
		t.Fatal(err)
	}
	limit := len(box.RootFS.Layers) + 2
	w.env = append(w.env, fmt.Sprintf("ENVRUN_TEST_SNAPSHOT_LAYERS=%d", limit))
	hostKey, _ := w.exec("web", "cat", "/etc/ssh/ssh_host_ed25519_key.pub")
	if _, err := w.exec("web", "sh", "-c", "echo '10.9.9.9 edited.test' >> /etc/hosts"); err != nil {
		t.Fatalf("edit /etc/hosts: %v", err)
	}
	flattened := 0
	for i := 1; i <= 4; i++ {
		w.exec("web", "sh", "-c", fmt.Sprintf("echo %d > /var/tmp/state", i))
		r := w.mustRun("snapshot", "save", "web", fmt.Sprint("s", i))
		if strings.Contains(r.stderr, "flattening snapshot") {
			flattened++
		}
		w.mustRun("snapshot", "restore", "web", fmt.Sprint("s", i))
	}
	if flattened != 1 {
		t.Errorf("%d saves flattened, want 1 (the third, %d layers deep)", flattened, limit+1)
	}
	for _, im := range w.snapshotImages() {
		if n := len(im.RepoTags); n > 0 && strings.HasSuffix(im.RepoTags[0], "._flat") {
			t.Errorf("the flatten's own image %s is left", im.RepoTags[0])
		}
		info, err := w.docker.ImageInspect(context.Background(), im.ID)
		if err == nil && len(info.RootFS.Layers) > limit {
			t.Errorf("snapshot image %v is %d layers deep, over the limit %d", im.RepoTags, len(info.RootFS.Layers), limit)
		}
	}
	if _, err := w.docker.ContainerInspect(context.Background(), w.project+"-web.flatten"); err == nil {
		t.Errorf("the flatten's container is left")
	}
	check := func(want string) {
		t.Helper()
		out := w.mustRun("ssh", "web", "--", "cat /var/tmp/state; getent hosts edited.test; echo STAGE=$STAGE; ip -o -4 addr show").stdout
		for _, s := range []string{want + "\n", "edited.test", "172.23.5.10/"} {
			if !strings.Contains(out, s) {
				t.Errorf("web after restoring s%s: no %q in\n%s", want, s, out)
			}
		}
		if out, _ := w.exec("web", "cat", "/etc/ssh/ssh_host_ed25519_key.pub"); out != hostKey {
			t.Errorf("web's host key changed with the restore")
		}
		if n := w.runs("web"); n != 1 {
			t.Errorf("web's step ran %d times on its file system, want 1", n)
		}
	}
	check("4")
	if r := w.mustRun("up"); strings.Contains(r.stderr, "[shell") {
		t.Errorf("up after restoring a flattened provisioned snapshot ran steps:\n%s", r.stderr)
	}
	w.mustRun("snapshot", "restore", "web", "s3") // the flattened one
	check("3")
	w.mustRun("snapshot", "restore", "web", "s1")
	check("1")
	// Deleting the flattened snapshot and the one saved on top of it takes
	// the image its file system was imported as with them.
	w.mustRun("snapshot", "delete", "web", "s4")
	w.mustRun("snapshot", "delete", "web", "s3")
	for _, im := range w.snapshotImages() {
		if info, err := w.docker.ImageInspect(context.Background(), im.ID); err == nil && info.Config.Labels[docker.LabelSnapshot] == "_flat" {
			t.Errorf("the flattened file system's image %s stays after its snapshot went", im.ID)
		}
	}
	w.mustRun("destroy", "-f")
	if left := w.snapshotImages(); len(left) > 0 {
		t.Errorf("destroy left snapshot images: %v", left)
	}
}
