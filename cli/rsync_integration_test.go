package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/comm/commtest"
)

// rsyncEnvfile shares the project with the machine the way Vagrant's rsync
// folders do: a copy at /vagrant (without the user's secret and build
// output), and www/ at /srv/www owned by www-data. The shell step proves
// that the copy is there before the machine's steps run. Subnet
// 172.22.160.0/24 (this test's).
const rsyncEnvfile = `box "debian/bookworm"
network "rs-net" { subnet = "172.22.160.0/24" }
machine "rs" {
  networks = { ["rs-net"] = "172.22.160.10" },
  synced_folders = {
    ["."] = { guest = "/vagrant", type = "rsync", exclude = { "secret.txt", "build/" } },
    www = { guest = "/srv/www", type = "rsync", owner = "www-data", group = "www-data" },
  },
  provision = { shell { inline = "test -f /vagrant/src/main.go && test -f /srv/www/index.html" } },
}
`

// TestIntegrationRsyncFolder: a type = "rsync" synced folder on a real
// Docker machine is a copy, not a mount: up copies the project (less
// .envrun/ and what exclude names) before the steps, as the machine's user
// (who is given /vagrant), or chowned to owner/group; a no-op up copies
// nothing, an up that starts the machine copies again; envrun rsync
// copies on demand; envrun watch sends changes, additions and removals;
// destroy leaves nothing.
func TestIntegrationRsyncFolder(t *testing.T) {
	wd := newWorld(t, rsyncEnvfile)
	dir := wd.dir
	writeFile(t, filepath.Join(dir, "src", "main.go"), "package main\n")
	writeFile(t, filepath.Join(dir, "secret.txt"), "the user's own secret\n")
	writeFile(t, filepath.Join(dir, "build", "out.bin"), "built\n")
	writeFile(t, filepath.Join(dir, "www", "index.html"), "<p>hello</p>\n")
	os.MkdirAll(filepath.Join(dir, "empty", "deeper"), 0o750)
	os.Symlink("../secret.txt", filepath.Join(dir, "src", "link"))
	os.WriteFile(filepath.Join(dir, "run.sh"), []byte("#!/bin/sh\n"), 0o755)
	skip := func(rel string) bool { return rel == ".envrun" || rel == "secret.txt" || rel == "build" }
	// same waits until the machine's copies equal the host's folders.
	same := func(t *testing.T, what string, wait time.Duration) {
		t.Helper()
		deadline := time.Now().Add(wait)
		for {
			d1 := diffTrees(t, wd, dir, "/vagrant", skip)
			d2 := diffTrees(t, wd, filepath.Join(dir, "www"), "/srv/www", nil)
			if d1 == "" && d2 == "" {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the machine's copies differ from the host's:\n/vagrant:\n%s\n/srv/www:\n%s", what, d1, d2)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	owners := func(path string) string {
		out, err := wd.exec("rs", "sh", "-c", "find "+path+" -printf '%u:%g\\n' | sort -u")
		if err != nil {
			t.Fatalf("owners of %s: %v\n%s", path, err, out)
		}
		return strings.Join(strings.Fields(out), " ")
	}

	r := wd.mustRun("up")
	// In guest path order: /srv/www, then /vagrant.
	if !strings.Contains(r.stderr, "[rsync#1] rsync "+dir+"/www → /srv/www") || !strings.Contains(r.stderr, "[rsync#2] rsync "+dir+" → /vagrant") {
		t.Errorf("up did not say it copied the folders:\n%s", r.stderr)
	}
	same(t, "after up", 0)
	if out, _ := wd.exec("rs", "sh", "-c", "test ! -e /vagrant/.envrun && test ! -e /vagrant/secret.txt && test ! -e /vagrant/build && echo absent"); strings.TrimSpace(out) != "absent" {
		t.Errorf(".envrun, secret.txt or build/ reached the machine: %q", out)
	}
	if got := owners("/vagrant"); got != "vagrant:vagrant" {
		t.Errorf("/vagrant and its files belong to %s, want vagrant:vagrant (the machine's user, given the folder)", got)
	}
	if got := owners("/srv/www"); got != "www-data:www-data" {
		t.Errorf("/srv/www and its files belong to %s, want www-data:www-data", got)
	}
	info, err := wd.docker.ContainerInspect(context.Background(), wd.containerID("rs"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range info.Mounts {
		if m.Destination == "/vagrant" || m.Destination == "/srv/www" {
			t.Errorf("Docker mounts %s (%s from %s): an rsync folder is a copy", m.Destination, m.Type, m.Source)
		}
	}

	t.Run("a no-op up copies nothing; an up that starts the machine does", func(t *testing.T) {
		writeFile(t, filepath.Join(dir, "src", "later.go"), "package later\n")
		if r := wd.mustRun("up"); strings.Contains(r.stderr, "rsync#") {
			t.Errorf("a no-op up copied:\n%s", r.stderr)
		}
		if _, err := wd.exec("rs", "test", "-e", "/vagrant/src/later.go"); err == nil {
			t.Errorf("a no-op up copied src/later.go")
		}
		wd.mustRun("halt")
		os.Remove(filepath.Join(dir, "run.sh"))
		r := wd.mustRun("up")
		if strings.Contains(r.stderr, "[shell#1]") {
			t.Errorf("up of a provisioned machine ran its steps:\n%s", r.stderr)
		}
		same(t, "after halt, up", 0)
	})

	t.Run("envrun rsync copies on demand", func(t *testing.T) {
		writeFile(t, filepath.Join(dir, "www", "about.html"), "<p>about</p>\n")
		r := wd.mustRun("rsync")
		if strings.Contains(r.stderr, "[shell#1]") {
			t.Errorf("rsync ran a step:\n%s", r.stderr)
		}
		same(t, "after envrun rsync", 0)
		if got := owners("/srv/www"); got != "www-data:www-data" {
			t.Errorf("/srv/www after rsync belongs to %s, want www-data:www-data", got)
		}
	})

	t.Run("watch sends changes, additions and removals", func(t *testing.T) {
		w := startWatch(t, wd, "-v")
		w.waitLine(t, 0, "watching ", 3*time.Minute)
		writeFile(t, filepath.Join(dir, "src", "main.go"), "package main // changed\n")
		writeFile(t, filepath.Join(dir, "src", "deep", "new.txt"), "new\n")
		os.Remove(filepath.Join(dir, "src", "later.go"))
		os.RemoveAll(filepath.Join(dir, "empty"))
		writeFile(t, filepath.Join(dir, "secret.txt"), "a new secret\n") // excluded
		writeFile(t, filepath.Join(dir, "www", "news.html"), "<p>news</p>\n")
		os.Remove(filepath.Join(dir, "www", "about.html"))
		same(t, "under watch", 60*time.Second)
		if _, err := wd.exec("rs", "test", "-e", "/vagrant/secret.txt"); err == nil {
			t.Errorf("watch sent the excluded secret.txt")
		}
		if got := owners("/srv/www"); got != "www-data:www-data" {
			t.Errorf("/srv/www under watch belongs to %s, want www-data:www-data", got)
		}
		if got := owners("/vagrant"); got != "vagrant:vagrant" {
			t.Errorf("/vagrant under watch belongs to %s, want vagrant:vagrant", got)
		}
		// The first re-run is a new connection's: it compares with what
		// the machine has (/srv/www's listing through sudo, its owner
		// compared too) and mirrors. The next sends what changed.
		writeFile(t, filepath.Join(dir, "src", "main.go"), "package main // changed again\n")
		os.RemoveAll(filepath.Join(dir, "src", "deep"))
		same(t, "under watch, again", 60*time.Second)
		text := w.text(0)
		if !strings.Contains(text, "changed path(s) to /vagrant") {
			t.Errorf("no re-run sent only the changes:\n%s", text)
		}
		for _, dst := range []string{"/vagrant", "/srv/www"} {
			if !strings.Contains(text, dst+": compare with what the machine has there (") || regexp.MustCompile(`(?m)upload /\S* to `+regexp.QuoteMeta(dst)+`$`).MatchString(text) {
				t.Errorf("the first re-run to %s did not compare with the machine's copy, or sent the whole folder:\n%s", dst, text)
			}
		}
		if code, _ := w.interrupt(t, 10*time.Second); code != 0 {
			t.Errorf("watch exit status %d", code)
		}
	})

	wd.mustRun("destroy", "-f")
	if c, n := wd.containers(), wd.networks(); len(c) > 0 || len(n) > 0 {
		t.Errorf("destroy left %d containers and %d networks", len(c), len(n))
	}
}

// diffTrees compares a host folder with its copy in a machine: "" when
// they are equal (less what skip names).
func diffTrees(t *testing.T, wd *world, host, guest string, skip func(string) bool) string {
	t.Helper()
	return commtest.Diff(hostSnapshot(t, host, skip), guestSnapshot(t, wd, "rs", guest))
}
