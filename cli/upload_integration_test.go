package cli_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/comm/commtest"
)

// uploadEnvfile copies the project folder into the machine, as users
// write it, leaving out their own secrets; and keeps a tree in sync for
// the watch test. Subnet 172.26.1.0/24 (helper range of these tests).
const uploadEnvfile = `box "debian/bookworm"
network "u-net" { subnet = "172.26.1.0/24", gateway = "172.26.1.1" }
machine "u-up" {
  networks = { ["u-net"] = "172.26.1.10" },
  provision = {
    file { source = ".", destination = "/home/vagrant/project", exclude = { "secret.txt", "build/" } },
    file { name = "tree", source = "tree", destination = "/home/vagrant/tree" },
    file { name = "full", source = "full", destination = "/home/vagrant/full", sync = "full" },
  },
}
`

// guestSnapshot describes a folder on the machine as commtest.Snapshot
// does on the host.
func guestSnapshot(t testing.TB, w *world, machine, dir string) map[string]string {
	t.Helper()
	out, err := w.exec(machine, "sh", "-c", "cd "+dir+" && "+commtest.SnapshotScript)
	if err != nil {
		t.Fatalf("snapshot of %s on %s: %v\n%s", dir, machine, err, out)
	}
	return commtest.ParseSnapshot(out)
}

func hostSnapshot(t testing.TB, dir string, skip func(string) bool) map[string]string {
	t.Helper()
	m, err := commtest.Snapshot(dir, skip)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestIntegrationUploadProject: `file { source = "." }` copies the project
// into a real machine as one tar stream, with modes, empty folders and
// symlinks, without .envrun/ (the key's bytes are nowhere in the guest)
// and without what exclude names. Then `envrun watch` keeps the tree
// folder equal to the host's through a long random sequence of changes,
// sending only what changed (its first re-run, on a connection of its
// own, compares with what the machine has), and a step with sync = "full"
// sends its whole folder on every re-run. An `envrun provision` after it
// finds nothing to send.
func TestIntegrationUploadProject(t *testing.T) {
	wd := newWorld(t, uploadEnvfile)
	dir := wd.dir
	writeFile(t, filepath.Join(dir, "src", "main.go"), "package main\n")
	writeFile(t, filepath.Join(dir, "secret.txt"), "the user's own secret\n")
	writeFile(t, filepath.Join(dir, "build", "out.bin"), "built\n")
	writeFile(t, filepath.Join(dir, "tree", "a"), "a\n")
	writeFile(t, filepath.Join(dir, "full", "a"), "a\n")
	writeFile(t, filepath.Join(dir, "full", "b"), "b\n")
	os.MkdirAll(filepath.Join(dir, "empty", "deeper"), 0o750)
	os.Symlink("../secret.txt", filepath.Join(dir, "src", "link"))
	os.WriteFile(filepath.Join(dir, "run.sh"), []byte("#!/bin/sh\n"), 0o755)

	wd.mustRun("up")
	key, err := os.ReadFile(filepath.Join(dir, ".envrun", "id_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	// The key's body lines: any one of them found in the guest is a leak.
	var needles []string
	for _, l := range strings.Split(string(key), "\n") {
		if len(l) >= 40 && !strings.HasPrefix(l, "-----") {
			needles = append(needles, l)
		}
	}
	if len(needles) == 0 {
		t.Fatalf("no key body in %q", key)
	}
	grep := fmt.Sprintf("grep -rlF -e %s /home /root /tmp /srv /opt 2>/dev/null; true", strings.Join(needles, " -e "))
	if out, err := wd.exec("u-up", "sh", "-c", grep); err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("the environment key's bytes are in the machine: %s %v", out, err)
	}
	skip := func(rel string) bool {
		return rel == ".envrun" || rel == "secret.txt" || rel == "build"
	}
	want := hostSnapshot(t, dir, skip)
	got := guestSnapshot(t, wd, "u-up", "/home/vagrant/project")
	if d := commtest.Diff(want, got); d != "" {
		t.Errorf("the project on the machine differs from the host's (less .envrun, secret.txt, build/):\n%s", d)
	}
	if out, _ := wd.exec("u-up", "stat", "-c", "%U %a", "/home/vagrant/project/run.sh"); strings.TrimSpace(out) != "vagrant 755" {
		t.Errorf("run.sh on the machine: %q, want vagrant's, 755", out)
	}

	t.Run("watch syncs a long random sequence of changes", func(t *testing.T) {
		tree := filepath.Join(dir, "tree")
		w := startWatch(t, wd, "-v")
		w.waitLine(t, 0, "watching ", 3*time.Minute)
		seed := rand.Uint64()
		t.Logf("seed %d", seed)
		ch := commtest.NewChanger(tree, commtest.Outside(t), rand.New(rand.NewPCG(seed, 2)))
		const rounds = 25
		var ops []string
		for round := range rounds {
			ops = append(ops, ch.Apply(1+round%6)...)
			want := hostSnapshot(t, tree, nil)
			deadline := time.Now().Add(60 * time.Second)
			for {
				got := guestSnapshot(t, wd, "u-up", "/home/vagrant/tree")
				d := commtest.Diff(want, got)
				if d == "" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("round %d: after %s\nthe machine's tree differs:\n%s\nwatch said:\n%s", round, strings.Join(ops, "; "), d, w.text(0))
				}
				time.Sleep(200 * time.Millisecond)
			}
		}
		text := w.text(0)
		if !strings.Contains(text, "changed path(s) to /home/vagrant/tree") {
			t.Errorf("no re-run sent only the changes:\n%s", text)
		}
		// Both ways of sending a batch ran, and left the same tree.
		if !strings.Contains(text, ", remove 0 (SFTP)") || !regexp.MustCompile(`remove \d+\n`).MatchString(text) {
			t.Errorf("the re-runs did not send both small batches (over SFTP) and others (tar):\n%s", text)
		}
		// The watch's first re-run knew nothing of what up sent: it
		// compared with what the machine has, and sent no whole folder.
		if !strings.Contains(text, "/home/vagrant/tree: compare with what the machine has there (") ||
			strings.Contains(text, "/tree to /home/vagrant/tree") {
			t.Errorf("the watch's first re-run did not compare with the machine's copy, or sent the whole tree:\n%s", text)
		}

		// sync = "full": a re-run sends the whole folder, so a file the
		// machine changed comes back though only another changed here.
		if out, err := wd.exec("u-up", "sh", "-c", "echo damaged >/home/vagrant/full/b"); err != nil {
			t.Fatalf("%v %s", err, out)
		}
		for i := range 2 {
			m := w.mark()
			writeFile(t, filepath.Join(dir, "full", "a"), fmt.Sprintf("a, change %d\n", i))
			at := w.waitLine(t, m, "/full to /home/vagrant/full", time.Minute) // "upload SRC to DST": the whole folder
			w.waitLine(t, at, "envrun: ok: re-ran", time.Minute)
			want, got := hostSnapshot(t, filepath.Join(dir, "full"), nil), guestSnapshot(t, wd, "u-up", "/home/vagrant/full")
			if d := commtest.Diff(want, got); d != "" {
				t.Fatalf("re-run %d of the sync = \"full\" step: the machine's folder differs:\n%s\nwatch said:\n%s", i, d, w.text(m))
			}
		}
		if code, _ := w.interrupt(t, 10*time.Second); code != 0 {
			t.Errorf("watch exit status %d", code)
		}

		// A new connection: provision compares, finds the tree equal.
		r := wd.with(t).mustRun("provision", "-v", "--step", "tree")
		if !strings.Contains(r.stderr, "/home/vagrant/tree: nothing changed since the last upload") {
			t.Errorf("provision after the watch did not find the tree equal:\n%s", r.stderr)
		}
	})
}
