package comm

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/comm/commtest"
	"github.com/envrun/envrun/internal/ignore"
)

// snapshot is commtest.Snapshot, failing the test on error.
func snapshot(t testing.TB, root string, skip func(string) bool) map[string]string {
	t.Helper()
	m, err := commtest.Snapshot(root, skip)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var diffSnapshots = commtest.Diff

func write(t testing.TB, path, data string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func needTar(t *testing.T) {
	if _, err := exec.LookPath("tar"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tar is missing")
		}
		t.Skip("tar is missing")
	}
}

// project writes a project folder with what an upload must keep (modes,
// an empty folder, symlinks in and out of the tree) and what it must
// leave out (.envrun/, excluded paths).
func project(t *testing.T) (src, outside string) {
	base := t.TempDir()
	src, outside = filepath.Join(base, "project"), filepath.Join(base, "outside")
	write(t, filepath.Join(outside, "secret"), "outside the tree\n", 0o600)
	write(t, filepath.Join(src, "README"), "hello\n", 0o644)
	write(t, filepath.Join(src, "bin", "run.sh"), "#!/bin/sh\necho run\n", 0o755)
	write(t, filepath.Join(src, "private", "notes"), "mine\n", 0o600)
	os.Chmod(filepath.Join(src, "private"), 0o700)
	write(t, filepath.Join(src, "with space", "it's.txt"), "quoted\n", 0o644)
	write(t, filepath.Join(src, strings.Repeat("long-name/", 12), "file"), "deep\n", 0o644)
	os.MkdirAll(filepath.Join(src, "empty", "nested-empty"), 0o755)
	os.Symlink("README", filepath.Join(src, "link-in"))
	os.Symlink("../outside", filepath.Join(src, "link-out"))
	os.Symlink("/etc", filepath.Join(src, "link-abs"))
	write(t, filepath.Join(src, ".envrun", "id_ed25519"), "PRIVATE KEY\n", 0o600)
	write(t, filepath.Join(src, "sub", ".envrun", "state.json"), "{}\n", 0o600)
	write(t, filepath.Join(src, "app.log"), "log\n", 0o644)
	write(t, filepath.Join(src, "node_modules", "x", "index.js"), "x\n", 0o644)
	write(t, filepath.Join(src, "keep", "app.log.txt"), "not a log\n", 0o644)
	return src, outside
}

// leftOut is what project's upload leaves out with excludeProject.
var excludeProject = []string{"*.log", "node_modules/"}

func leftOut(rel string) bool {
	return rel == "app.log" || rel == "node_modules" || rel == ".envrun" || rel == "sub/.envrun"
}

// TestUploadTree sends a folder as one tar stream: modes, empty folders
// and symlinks kept (never followed), .envrun and excluded paths left out.
func TestUploadTree(t *testing.T) {
	needTar(t)
	src, outside := project(t)
	guest := t.TempDir()
	c := (&localServer{dir: guest}).dial(t)
	dst := filepath.Join(guest, "home", "project")
	if err := c.UploadTree(context.Background(), src, dst, UploadOptions{Exclude: excludeProject}); err != nil {
		t.Fatal(err)
	}
	want, got := snapshot(t, src, leftOut), snapshot(t, dst, nil)
	if d := diffSnapshots(want, got); d != "" {
		t.Fatalf("the copy differs:\n%s", d)
	}
	for _, p := range []string{".envrun", "sub/.envrun", "app.log", "node_modules"} {
		if _, err := os.Lstat(filepath.Join(dst, p)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s was uploaded", p)
		}
	}
	if fi, err := os.Lstat(filepath.Join(dst, "link-out")); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("link-out is not a symlink on the machine: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dst, "link-out", "secret")); err != nil {
		t.Logf("link-out dangles on the machine, as it should without ../outside there: %v", err)
	}
	_ = outside

	// Into a folder (a trailing slash), and a single file.
	if err := c.Upload(context.Background(), src, filepath.Join(guest, "into")+"/"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(guest, "into", "project", "README")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(guest, "into", "project", ".envrun")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Upload (a hook's m:upload) sent .envrun: %v", err)
	}
	if err := c.Upload(context.Background(), filepath.Join(src, "bin", "run.sh"), filepath.Join(guest, "one", "run")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(guest, "one", "run")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("single file: %v %v", fi, err)
	}
	if err := c.Upload(context.Background(), filepath.Join(src, ".envrun", "id_ed25519"), guest+"/"); err == nil {
		t.Error("a file inside .envrun was uploaded")
	}
}

// TestUploadChanges sends only what changed and removes what was removed,
// leaving alone what the machine made itself.
func TestUploadChanges(t *testing.T) {
	needTar(t)
	src, _ := project(t)
	guest := t.TempDir()
	c := (&localServer{dir: guest}).dial(t)
	dst := filepath.Join(guest, "project")
	var said []string
	opts := UploadOptions{Exclude: excludeProject, Changes: true, Progress: func(f string, a ...any) { said = append(said, fmt.Sprintf(f, a...)) }}
	if err := c.UploadTree(context.Background(), src, dst, opts); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dst, "built-on-the-machine"), "x\n", 0o644)
	// One change of each kind.
	write(t, filepath.Join(src, "README"), "hello again\n", 0o644)
	os.Chmod(filepath.Join(src, "bin", "run.sh"), 0o700)
	os.RemoveAll(filepath.Join(src, "private"))
	write(t, filepath.Join(src, "private"), "a file now\n", 0o644)
	os.Remove(filepath.Join(src, "link-in"))
	os.Mkdir(filepath.Join(src, "link-in"), 0o755)
	os.RemoveAll(filepath.Join(src, "empty"))
	os.Rename(filepath.Join(src, "with space"), filepath.Join(src, "renamed"))
	write(t, filepath.Join(src, "app.log"), "more log\n", 0o644)
	said = nil
	if err := c.UploadTree(context.Background(), src, dst, opts); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, src, leftOut)
	want["built-on-the-machine"] = "file 644 " + fmt.Sprintf("%x", sha256.Sum256([]byte("x\n")))
	if d := diffSnapshots(want, snapshot(t, dst, nil)); d != "" {
		t.Fatalf("the copy differs:\n%s", d)
	}
	// README, run.sh, private, link-in, renamed/ and its file: 6 sent;
	// private/, link-in, empty/, with space/: 4 removed.
	if len(said) != 1 || said[0] != "upload 6 changed path(s) to "+dst+", remove 4" {
		t.Errorf("progress: %q", said)
	}
	said = nil
	if err := c.UploadTree(context.Background(), src, dst, opts); err != nil {
		t.Fatal(err)
	}
	if len(said) != 1 || !strings.Contains(said[0], "nothing changed") {
		t.Errorf("progress with nothing changed: %q", said)
	}
}

// TestUploadChangesRandom applies a long random sequence of changes to a
// tree, uploading the changes every few (every other time told which
// paths changed, as watch does), and compares both trees each time.
func TestUploadChangesRandom(t *testing.T) {
	needTar(t)
	src := filepath.Join(t.TempDir(), "src")
	os.Mkdir(src, 0o755)
	guest := t.TempDir()
	c := (&localServer{dir: guest}).dial(t)
	dst := filepath.Join(guest, "copy")
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	ch := commtest.NewChanger(src, commtest.Outside(t), rand.New(rand.NewPCG(seed, 1)))
	for round := range 60 {
		ops := ch.Apply(1 + round%7)
		opts := UploadOptions{Changes: true}
		if round%2 == 1 {
			// As under watch: only the paths the changes touched are
			// looked at.
			opts.Changed = ch.TakeTouched()
		}
		ch.TakeTouched()
		if err := c.UploadTree(context.Background(), src, dst, opts); err != nil {
			t.Fatalf("round %d (%s): %v", round, strings.Join(ops, "; "), err)
		}
		if d := diffSnapshots(snapshot(t, src, nil), snapshot(t, dst, nil)); d != "" {
			t.Fatalf("round %d, after %s, the copy differs:\n%s", round, strings.Join(ops, "; "), d)
		}
	}
}

// TestUploadWithoutTar falls back to SFTP, with the same result, and says
// so.
func TestUploadWithoutTar(t *testing.T) {
	needTar(t)
	bin := t.TempDir()
	for _, tool := range []string{"sh", "mkdir", "dd", "rm"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatal(err)
		}
		os.Symlink(p, filepath.Join(bin, tool))
	}
	src, _ := project(t)
	guest := t.TempDir()
	c := (&localServer{dir: guest, env: []string{"PATH=" + bin}}).dial(t)
	dst := filepath.Join(guest, "project")
	var warned []string
	opts := UploadOptions{Exclude: excludeProject, Changes: true, Warnf: func(f string, a ...any) { warned = append(warned, fmt.Sprintf(f, a...)) }}
	if err := c.UploadTree(context.Background(), src, dst, opts); err != nil {
		t.Fatal(err)
	}
	if d := diffSnapshots(snapshot(t, src, leftOut), snapshot(t, dst, nil)); d != "" {
		t.Fatalf("the copy differs:\n%s", d)
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "no tar on local") {
		t.Errorf("warnings: %q", warned)
	}
	os.RemoveAll(filepath.Join(src, "bin"))
	write(t, filepath.Join(src, "README"), "changed\n", 0o644)
	if err := c.UploadTree(context.Background(), src, dst, opts); err != nil {
		t.Fatal(err)
	}
	if d := diffSnapshots(snapshot(t, src, leftOut), snapshot(t, dst, nil)); d != "" {
		t.Fatalf("the copy differs after changes:\n%s", d)
	}
}

// TestUploadFailureReportsStale: a transfer cut part way (the machine's
// tar reads 8 KiB, then the stream breaks) names what may be stale, and
// the next upload compares the whole tree with the machine's copy again.
func TestUploadFailureReportsStale(t *testing.T) {
	needTar(t)
	realTar, _ := exec.LookPath("tar")
	bin, guest := t.TempDir(), t.TempDir()
	cut := filepath.Join(guest, "cut-next")
	write(t, filepath.Join(bin, "tar"), fmt.Sprintf(`#!/bin/sh
if [ -e %[1]s ]; then rm %[1]s; head -c 8192 | %[2]s "$@"; exit 2; fi
exec %[2]s "$@"
`, cut, realTar), 0o755)
	c := (&localServer{dir: guest, env: []string{"PATH=" + bin + ":" + os.Getenv("PATH")}}).dial(t)
	src, _ := project(t)
	dst := filepath.Join(guest, "project")
	opts := UploadOptions{Exclude: excludeProject, Changes: true}
	if err := c.UploadTree(context.Background(), src, dst, opts); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		write(t, filepath.Join(src, "more", fmt.Sprint(i)), strings.Repeat("x", 1000), 0o644)
	}
	write(t, filepath.Join(src, "README"), "changed\n", 0o644)
	write(t, cut, "", 0o644)
	err := c.UploadTree(context.Background(), src, dst, opts)
	var ue *UploadError
	if !errors.As(err, &ue) {
		t.Fatalf("want an UploadError, got %v", err)
	}
	if !slices.Contains(ue.Stale, "more/19") || !slices.Contains(ue.Stale, "README") || len(ue.Stale) != 22 {
		t.Errorf("stale: %q", ue.Stale)
	}
	if !strings.Contains(err.Error(), "README, more, more/0, more/1, more/10 and 17 more there may be stale") {
		t.Errorf("message: %v", err)
	}
	// What the machine has is unknown now: the next upload compares it
	// all, which mends a file the failed run did not even touch.
	write(t, filepath.Join(dst, "bin", "run.sh"), "damaged\n", 0o755)
	if err := c.UploadTree(context.Background(), src, dst, opts); err != nil {
		t.Fatal(err)
	}
	if d := diffSnapshots(snapshot(t, src, leftOut), snapshot(t, dst, nil)); d != "" {
		t.Fatalf("the copy differs after the retry:\n%s", d)
	}
}

func TestDiff(t *testing.T) {
	f := func(size int64) entry { return entry{mode: 0o644, size: size} }
	d := func() entry { return entry{mode: fs.ModeDir | 0o755} }
	old := Tree{".": d(), "a": d(), "a/x": f(1), "a-b": f(1), "b": f(1), "c": d(), "c/y": f(1), "keep": f(1)}
	now := Tree{".": d(), "a": f(2), "a-b": f(1), "b": d(), "b/z": f(1), "keep": f(1), "new": f(3)}
	got := Diff(old, now)
	if want := []string{"a", "b", "c"}; !slices.Equal(got.Remove, want) {
		t.Errorf("remove %q, want %q", got.Remove, want)
	}
	if want := []string{"a", "b", "b/z", "new"}; !slices.Equal(got.Send, want) {
		t.Errorf("send %q, want %q", got.Send, want)
	}
	if all := Diff(nil, now); len(all.Remove) != 0 || len(all.Send) != len(now) {
		t.Errorf("from nothing: %+v", all)
	}
}

// TestUploadNewConnectionRemovesWhatWent: a watch's first upload goes over
// a connection that knows nothing of earlier uploads, so it compares with
// what the machine has, which cannot tell what envrun sent from what the
// machine made; a path the watcher says went is removed on the machine
// (it stayed there).
func TestUploadNewConnectionRemovesWhatWent(t *testing.T) {
	needTar(t)
	src := t.TempDir()
	for _, f := range []string{"a", "b", "sub/c", "keep.log"} {
		write(t, filepath.Join(src, f), f, 0o644)
	}
	guest := t.TempDir()
	dst := filepath.Join(guest, "copy")
	first := (&localServer{dir: guest}).dial(t)
	opts := UploadOptions{Changes: true, Exclude: []string{"*.log"}}
	if err := first.UploadTree(context.Background(), src, dst, opts); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dst, "keep.log"), "the machine's own", 0o644)
	for _, f := range []string{"a", "sub/c", "keep.log"} {
		os.Remove(filepath.Join(src, f))
	}
	again := (&localServer{dir: guest}).dial(t)
	opts.Changed = []string{filepath.Join(src, "a"), filepath.Join(src, "sub/c"), filepath.Join(src, "keep.log"), "/elsewhere/x"}
	if err := again.UploadTree(context.Background(), src, dst, opts); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]bool{"a": false, "sub/c": false, "b": true, "keep.log": true} {
		if _, err := os.Lstat(filepath.Join(dst, f)); (err == nil) != want {
			t.Errorf("%s on the machine: there = %v, want %v", f, err == nil, want)
		}
	}
}

// TestUploadNewConnectionReplacesFolderByFile: a folder that became a file
// (or a symlink) is replaced on the machine by a new connection's upload
// (tar alone refuses: "File exists"); what the machine made in a folder
// still a folder stays.
func TestUploadNewConnectionReplacesFolderByFile(t *testing.T) {
	needTar(t)
	src := t.TempDir()
	write(t, filepath.Join(src, "src", "main.go"), "package main\n", 0o644)
	write(t, filepath.Join(src, "lib", "x"), "x", 0o644)
	write(t, filepath.Join(src, "stays", "y"), "y", 0o644)
	guest := t.TempDir()
	dst := filepath.Join(guest, "copy")
	if err := (&localServer{dir: guest}).dial(t).UploadTree(context.Background(), src, dst, UploadOptions{Changes: true}); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dst, "stays", "machine-made"), "the machine's own", 0o644)
	os.RemoveAll(filepath.Join(src, "src"))
	write(t, filepath.Join(src, "src"), "now a file\n", 0o644)
	os.RemoveAll(filepath.Join(src, "lib"))
	os.Symlink("stays", filepath.Join(src, "lib"))
	write(t, filepath.Join(src, "stays", "z"), "z", 0o644)
	opts := UploadOptions{Changes: true, Changed: []string{
		filepath.Join(src, "src"), filepath.Join(src, "src", "main.go"),
		filepath.Join(src, "lib"), filepath.Join(src, "lib", "x"),
		filepath.Join(src, "stays"), filepath.Join(src, "stays", "z"),
	}}
	if err := (&localServer{dir: guest}).dial(t).UploadTree(context.Background(), src, dst, opts); err != nil {
		t.Fatal(err)
	}
	if d := diffSnapshots(snapshot(t, src, nil), snapshot(t, dst, func(rel string) bool { return rel == "stays/machine-made" })); d != "" {
		t.Errorf("the machine's copy differs:\n%s", d)
	}
	if _, err := os.Stat(filepath.Join(dst, "stays", "machine-made")); err != nil {
		t.Errorf("a folder still a folder lost what the machine made in it: %v", err)
	}
}

// TestUploadFolderInTheWay: without a watcher's word, a full upload does
// not remove a folder on the machine where the source now has a file or a
// symlink (as rsync without --delete does not); the error says which and
// what to do.
func TestUploadFolderInTheWay(t *testing.T) {
	needTar(t)
	for _, kind := range []string{"file", "symlink"} {
		t.Run(kind, func(t *testing.T) {
			src := t.TempDir()
			write(t, filepath.Join(src, "src", "main.go"), "package main\n", 0o644)
			guest := t.TempDir()
			dst := filepath.Join(guest, "copy")
			if err := (&localServer{dir: guest}).dial(t).UploadTree(context.Background(), src, dst, UploadOptions{}); err != nil {
				t.Fatal(err)
			}
			os.RemoveAll(filepath.Join(src, "src"))
			if kind == "file" {
				write(t, filepath.Join(src, "src"), "now a file\n", 0o644)
			} else {
				os.Symlink("elsewhere", filepath.Join(src, "src"))
			}
			err := (&localServer{dir: guest}).dial(t).UploadTree(context.Background(), src, dst, UploadOptions{})
			if want := filepath.Join(dst, "src") + " is a folder on"; err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "rm -r") {
				t.Errorf("got %v, want an error saying %q and what to do", err, want)
			}
			if _, err := os.Stat(filepath.Join(dst, "src", "main.go")); err != nil {
				t.Errorf("the machine's folder was touched: %v", err)
			}
		})
	}
}

// TestUploadWithoutTarReplacesLinks: over SFTP, a symlink on the machine
// where the upload puts a file or a folder is replaced, not written
// through.
func TestUploadWithoutTarReplacesLinks(t *testing.T) {
	needTar(t)
	bin := t.TempDir()
	for _, tool := range []string{"sh", "mkdir", "dd", "rm"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatal(err)
		}
		os.Symlink(p, filepath.Join(bin, tool))
	}
	outside := commtest.Outside(t)
	src := t.TempDir()
	write(t, filepath.Join(src, "f"), "new", 0o644)
	write(t, filepath.Join(src, "d", "g"), "g", 0o644)
	guest := t.TempDir()
	dst := filepath.Join(guest, "copy")
	os.MkdirAll(dst, 0o755)
	os.Symlink(outside, filepath.Join(dst, "f"))
	os.Symlink(filepath.Dir(outside), filepath.Join(dst, "d"))
	c := (&localServer{dir: guest, env: []string{"PATH=" + bin}}).dial(t)
	if err := c.UploadTree(context.Background(), src, dst, UploadOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"f", "d"} {
		if fi, err := os.Lstat(filepath.Join(dst, p)); err != nil || fi.Mode()&fs.ModeSymlink != 0 {
			t.Errorf("%s on the machine is still a link (or gone): %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(outside), "g")); err == nil {
		t.Errorf("the upload wrote through a folder link")
	}
}

// TestUploadSmallBatch: a re-run's few changes go over the connection's
// SFTP session, without starting tar (or anything) on the machine, and
// leave the same copy as tar would: modes, modification times, a new file
// in place of the old one (a program running from it goes on), a symlink
// on the machine where a file goes replaced rather than written through.
// A removal, a bigger batch or a machine without SFTP take the tar stream.
func TestUploadSmallBatch(t *testing.T) {
	needTar(t)
	realTar, _ := exec.LookPath("tar")
	for _, noSFTP := range []bool{false, true} {
		t.Run(fmt.Sprintf("noSFTP=%v", noSFTP), func(t *testing.T) {
			bin, guest := t.TempDir(), t.TempDir()
			ran := filepath.Join(t.TempDir(), "tar-ran")
			write(t, filepath.Join(bin, "tar"), fmt.Sprintf("#!/bin/sh\necho >>%s\nexec %s \"$@\"\n", ran, realTar), 0o755)
			tars := func() int {
				data, _ := os.ReadFile(ran)
				return strings.Count(string(data), "\n")
			}
			c := (&localServer{dir: guest, env: []string{"PATH=" + bin + ":" + os.Getenv("PATH")}, noSFTP: noSFTP}).dial(t)
			src, _ := project(t)
			dst := filepath.Join(guest, "project")
			opts := UploadOptions{Exclude: excludeProject, Changes: true}
			upload := func(changed ...string) {
				t.Helper()
				for i, p := range changed {
					changed[i] = filepath.Join(src, p)
				}
				opts.Changed = changed
				if err := c.UploadTree(context.Background(), src, dst, opts); err != nil {
					t.Fatal(err)
				}
				if d := diffSnapshots(snapshot(t, src, leftOut), snapshot(t, dst, nil)); d != "" {
					t.Fatalf("the copy differs:\n%s", d)
				}
			}
			upload()
			if tars() != 1 {
				t.Fatalf("the first upload ran tar %d times, want 1", tars())
			}

			outside := commtest.Outside(t)
			os.Remove(filepath.Join(dst, "README"))
			os.Symlink(outside, filepath.Join(dst, "README")) // made on the machine
			running, err := os.Open(filepath.Join(dst, "bin", "run.sh"))
			if err != nil {
				t.Fatal(err)
			}
			defer running.Close()
			before, _ := running.Stat()
			write(t, filepath.Join(src, "README"), "hello again\n", 0o600)
			stamp := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
			os.Chtimes(filepath.Join(src, "README"), stamp, stamp)
			write(t, filepath.Join(src, "bin", "run.sh"), "#!/bin/sh\necho new\n", 0o700)
			write(t, filepath.Join(src, "new", "deep", "file"), "new\n", 0o640)
			upload("README", "bin/run.sh", "new")
			want := 1
			if noSFTP {
				want = 2
			}
			if tars() != want {
				t.Errorf("4 changed paths ran tar %d times in all, want %d", tars(), want)
			}
			if fi, err := os.Lstat(filepath.Join(dst, "README")); err != nil || !fi.ModTime().Equal(stamp) {
				t.Errorf("README on the machine: %v, modified %v, want %v", err, fi.ModTime(), stamp)
			}
			if data, _ := os.ReadFile(outside); string(data) == "hello again\n" {
				t.Errorf("the upload wrote through the machine's symlink")
			}
			if after, err := os.Stat(filepath.Join(dst, "bin", "run.sh")); err != nil || os.SameFile(before, after) {
				t.Errorf("run.sh was written in place (or is gone: %v), not replaced", err)
			}

			// A removal goes as a tar stream (with its removals), and so
			// does a batch of more than smallBatch paths.
			os.Remove(filepath.Join(src, "README"))
			upload("README")
			var many []string
			for i := range smallBatch + 1 {
				many = append(many, fmt.Sprintf("many/%d", i))
				write(t, filepath.Join(src, many[i]), "x", 0o644)
			}
			upload(many...)
			if tars() != want+2 {
				t.Errorf("a removal and %d new files ran tar %d times in all, want %d", smallBatch+1, tars(), want+2)
			}
		})
	}
}

// TestUploadDeleteMirrors: with Delete, the first upload of a connection
// removes what the machine's copy holds that the source does not, except
// excluded paths and folders called .envrun, as rsync --delete; a folder
// removed is one removal.
func TestUploadDeleteMirrors(t *testing.T) {
	needTar(t)
	src := t.TempDir()
	for _, f := range []string{"a", "sub/b"} {
		write(t, filepath.Join(src, f), f, 0o644)
	}
	guest := t.TempDir()
	dst := filepath.Join(guest, "copy")
	for _, f := range []string{"stale", "sub/stale", "old/deep/x", "keep.log", "logs/deep/y.log", "build/out", ".envrun/key", "sub/.envrun/state"} {
		write(t, filepath.Join(dst, f), "the machine's", 0o644)
	}
	os.Symlink("/etc", filepath.Join(dst, "link"))
	var said []string
	c := (&localServer{dir: guest}).dial(t)
	opts := UploadOptions{Changes: true, Delete: true, Claim: true, Exclude: []string{"*.log", "build/"},
		Progress: func(f string, a ...any) { said = append(said, fmt.Sprintf(f, a...)) }}
	if err := c.UploadTree(context.Background(), src, dst, opts); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]bool{
		"a": true, "sub/b": true, "stale": false, "sub/stale": false, "old": false, "link": false,
		"keep.log": true, "logs/deep/y.log": true, "build/out": true, ".envrun/key": true, "sub/.envrun/state": true,
	} {
		if _, err := os.Lstat(filepath.Join(dst, f)); (err == nil) != want {
			t.Errorf("%s on the machine: there = %v, want %v", f, err == nil, want)
		}
	}
	if !slices.Contains(said, "upload 2 changed path(s) to "+dst+", remove 4") {
		t.Errorf("progress said %q, want a and sub/b sent, 4 removals (stale, sub/stale, old, link)", said)
	}
	if _, err := os.Stat("/etc/passwd"); err != nil {
		t.Errorf("a removal went through the link: %v", err)
	}
}

func TestExtras(t *testing.T) {
	tree := Tree{".": {}, "a": {}, "d": {}, "d/x": {}}
	listed := []string{"a", "d", "d/x", "d/y", "gone", "gone/z", "gone/z/w", "n.log", ".envrun", ".envrun/k",
		"logs", "logs/old", "logs/deep", "logs/deep/y.log", ""}
	got := extras(listed, func(p string) bool { _, ok := tree[p]; return ok }, ignore.New("/src", []string{"*.log"}))
	if want := []string{"d/y", "gone", "logs/old"}; !slices.Equal(got, want) {
		t.Errorf("extras %v, want %v", got, want)
	}
}
