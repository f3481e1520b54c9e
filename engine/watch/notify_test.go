package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/envrun/envrun/engine/comm/commtest"
)

// notifierFixture runs a real Notifier on a temp folder. Besides the paths
// a test watches it watches sentinel/, where expect writes a new file
// after the test's actions: one inotify queue keeps events in order, so
// once the sentinel is reported, everything the actions caused has been.
type notifierFixture struct {
	t         *testing.T
	dir       string
	n         *Notifier
	changes   chan string
	sentinels int
}

func newNotifierFixture(t *testing.T) *notifierFixture {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f := &notifierFixture{t: t, dir: dir, changes: make(chan string, 1000)}
	if err := os.Mkdir(f.path("sentinel"), 0o755); err != nil {
		t.Fatal(err)
	}
	f.n, err = NewNotifier(func(p string) { f.changes <- p }, func(err error) { t.Errorf("notifier error: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.n.Close() })
	return f
}

func (f *notifierFixture) path(rel string) string { return filepath.Join(f.dir, rel) }

func (f *notifierFixture) watch(rels ...string) {
	f.t.Helper()
	roots := []string{f.path("sentinel")}
	for _, r := range rels {
		roots = append(roots, f.path(r))
	}
	if err := f.n.Watch(roots); err != nil {
		f.t.Fatal(err)
	}
}

func (f *notifierFixture) write(rel, data string) {
	f.t.Helper()
	p := f.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		f.t.Fatal(err)
	}
}

// reported returns what was reported since the last call (relative,
// sorted, each once, sentinels left out), up to a new sentinel.
func (f *notifierFixture) reported() []string {
	f.t.Helper()
	f.sentinels++
	s := fmt.Sprintf("sentinel/%d", f.sentinels)
	f.write(s, "")
	want := f.path(s)
	var got []string
	deadline := time.After(10 * time.Second)
	for {
		select {
		case p := <-f.changes:
			if p == want {
				return f.rels(got)
			}
			if !strings.HasPrefix(p, f.path("sentinel")+"/") {
				got = append(got, p)
			}
		case <-deadline:
			f.t.Fatalf("the sentinel was not reported; reported: %q", got)
		}
	}
}

// expect checks that exactly rels were reported since the last check.
func (f *notifierFixture) expect(rels ...string) {
	f.t.Helper()
	slices.Sort(rels)
	if got := f.reported(); !slices.Equal(got, rels) {
		f.t.Errorf("reported %q, want %q", got, rels)
	}
}

func (f *notifierFixture) rels(paths []string) []string {
	var out []string
	for _, p := range paths {
		r, _ := filepath.Rel(f.dir, p)
		out = append(out, r)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (f *notifierFixture) mkdir(rel string) {
	f.t.Helper()
	if err := os.MkdirAll(f.path(rel), 0o755); err != nil {
		f.t.Fatal(err)
	}
}

func TestNotifierFolderTreeAndNewFolders(t *testing.T) {
	f := newNotifierFixture(t)
	f.write("src/a/x", "1")
	f.watch("src")
	f.write("src/a/x", "2")
	f.expect("src/a/x")

	// A folder tree made at once: its folders and files are reported
	// even if they were made before the watch on their folder was in
	// place (a file step's copy needs the empty folders too), and the new
	// folders are watched from then on.
	f.mkdir("src/b/c/d")
	f.write("src/b/c/d/y", "1")
	f.expect("src/b", "src/b/c", "src/b/c/d", "src/b/c/d/y")
	f.write("src/b/c/z", "1")
	f.write("src/b/c/d/y", "2")
	f.expect("src/b/c/z", "src/b/c/d/y")
	if !slices.Contains(f.n.Dirs(), f.path("src/b/c/d")) {
		t.Errorf("new folder not watched; watched: %q", f.n.Dirs())
	}
	// A deletion is a change too.
	os.Remove(f.path("src/a/x"))
	f.expect("src/a/x")
	// So are an empty folder and a folder's new mode.
	f.mkdir("src/empty")
	f.expect("src/empty")
	os.Chmod(f.path("src/b"), 0o700)
	f.expect("src/b")
}

func TestNotifierFileThroughItsFolder(t *testing.T) {
	f := newNotifierFixture(t)
	f.write("scripts/a.sh", "1")
	f.watch("scripts/a.sh")
	f.write("scripts/a.sh", "2")
	f.expect("scripts/a.sh")
	// Saved the way vim and many editors do: a new file renamed over. The
	// temporary file is reported too (no step reads it: the mapper says so).
	f.write("scripts/a.sh.new", "3")
	if err := os.Rename(f.path("scripts/a.sh.new"), f.path("scripts/a.sh")); err != nil {
		t.Fatal(err)
	}
	f.expect("scripts/a.sh", "scripts/a.sh.new")
	// The folder is removed and made again: the file is still watched.
	if err := os.RemoveAll(f.path("scripts")); err != nil {
		t.Fatal(err)
	}
	f.expect("scripts", "scripts/a.sh")
	f.write("scripts/a.sh", "4")
	f.expect("scripts/a.sh")
	f.write("scripts/a.sh", "5")
	f.expect("scripts/a.sh")
}

func TestNotifierMissingPathAppears(t *testing.T) {
	f := newNotifierFixture(t)
	f.write("site.yml", "")
	f.watch("site.yml", "roles")
	f.mkdir("roles/web/tasks")
	f.write("roles/web/tasks/main.yml", "1")
	f.expect("roles", "roles/web", "roles/web/tasks", "roles/web/tasks/main.yml")
	f.write("roles/web/tasks/main.yml", "2")
	f.expect("roles/web/tasks/main.yml")
	// A missing file in a missing folder.
	f.watch("site.yml", "deep/er/file.txt")
	f.write("deep/er/file.txt", "1")
	f.expect("deep/er/file.txt")
}

func TestNotifierIgnores(t *testing.T) {
	f := newNotifierFixture(t)
	f.mkdir("src/node_modules/pkg")
	f.mkdir("src/.git/objects")
	f.n.SetIgnore(NewIgnore(f.dir, []string{"node_modules/", "*.log"}))
	f.watch("src")
	for _, d := range f.n.Dirs() {
		if strings.Contains(d, "node_modules") || strings.Contains(d, ".git") {
			t.Errorf("ignored folder %s is watched", d)
		}
	}
	f.write("src/node_modules/pkg/index.js", "1")
	f.write("src/.git/HEAD", "1")
	f.write("src/.main.go.swp", "1")
	f.write("src/debug.log", "1")
	f.write("src/main.go~", "1")
	f.mkdir("src/later/node_modules")
	f.write("src/later/node_modules/x.js", "1")
	f.write("src/main.go", "1")
	f.expect("src/later", "src/main.go")
	if slices.Contains(f.n.Dirs(), f.path("src/later/node_modules")) {
		t.Errorf("a new ignored folder is watched")
	}
}

func TestNotifierWatchReplacesRoots(t *testing.T) {
	f := newNotifierFixture(t)
	f.write("a/x", "")
	f.write("b/y", "")
	f.watch("a", "b")
	f.watch("b")
	if got, want := f.rels(f.n.Dirs()), []string{"b", "sentinel"}; !slices.Equal(got, want) {
		t.Errorf("watched %q, want %q", got, want)
	}
	f.write("a/x", "1")
	f.write("b/y", "1")
	f.expect("b/y")
}

func TestExplainLimit(t *testing.T) {
	dir := t.TempDir()
	old := procSys
	procSys = dir
	t.Cleanup(func() { procSys = old })
	if err := os.MkdirAll(filepath.Join(dir, "fs/inotify"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "fs/inotify/max_user_watches"), []byte("8192\n"), 0o644)
	tests := []struct {
		name string
		err  error
		want []string // substrings; none means unchanged
	}{
		{name: "watch limit", err: &os.SyscallError{Syscall: "inotify_add_watch", Err: syscall.ENOSPC},
			want: []string{"inotify watch limit", "(fs.inotify.max_user_watches = 8192)", "`sudo sysctl fs.inotify.max_user_watches=524288`", IgnoreFile}},
		{name: "instance limit", err: syscall.EMFILE,
			want: []string{"too many inotify instances", "`sudo sysctl fs.inotify.max_user_instances=512`"}},
		{name: "queue overflow", err: fmt.Errorf("read: %w", fsnotify.ErrEventOverflow),
			want: []string{"some were lost", "fs.inotify.max_queued_events=65536"}},
		{name: "other errors pass", err: os.ErrPermission},
		{name: "nil", err: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := explainLimit(tt.err)
			if len(tt.want) == 0 {
				if got != tt.err {
					t.Fatalf("explainLimit(%v) = %v, want it unchanged", tt.err, got)
				}
				return
			}
			var le *LimitError
			if !errors.As(got, &le) || !errors.Is(got, tt.err) {
				t.Fatalf("explainLimit(%v) = %#v, want a *LimitError wrapping it", tt.err, got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got.Error(), w) {
					t.Errorf("message %q lacks %q", got, w)
				}
			}
			if explainLimit(got) != got {
				t.Error("explaining twice changed the error")
			}
		})
	}
}

// TestNotifierRealWatchLimit reaches the kernel's inotify watch limit for
// real, in a user namespace of its own where the limit is set low, and
// checks that the notifier says how to raise it.
func TestNotifierRealWatchLimit(t *testing.T) {
	if os.Getenv("ENVRUN_TEST_INOTIFY_LIMIT") == "1" {
		watchLimitChild(t)
		return
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("needs unshare(1) (util-linux)")
	}
	cmd := exec.Command(unshare, "--user", "--map-root-user", os.Args[0], "-test.run=^TestNotifierRealWatchLimit$", "-test.v")
	cmd.Env = append(os.Environ(), "ENVRUN_TEST_INOTIFY_LIMIT=1")
	out, err := cmd.CombinedOutput()
	if err != nil && strings.Contains(string(out), "unshare failed") {
		t.Skipf("user namespaces are not available here: %s", out)
	}
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("the child test did not pass:\n%s", out)
	}
}

func watchLimitChild(t *testing.T) {
	if err := os.WriteFile("/proc/sys/user/max_inotify_watches", []byte("4"), 0o644); err != nil {
		t.Fatalf("lower the limit in the user namespace: %v", err)
	}
	dir := t.TempDir()
	for _, d := range []string{"a", "b", "c", "d", "e", "f"} {
		os.MkdirAll(filepath.Join(dir, d), 0o755)
	}
	n, err := NewNotifier(func(string) {}, func(error) {})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	err = n.Watch([]string{dir})
	var le *LimitError
	if !errors.As(err, &le) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Watch over the limit: %v, want a *LimitError for ENOSPC", err)
	}
	if !strings.Contains(err.Error(), "sudo sysctl fs.inotify.max_user_watches=") {
		t.Errorf("no advice in %q", err)
	}
	t.Logf("error shown: %v", err)
}

// TestNotifierFollowsRandomChanges replays random changes (the ways people
// and editors change a tree, folder renames among them) and then checks
// that every folder of the tree is still watched: a new file in each is
// reported. A renamed folder keeps its inotify watch under its old path in
// fsnotify, so this is where a watch is lost.
func TestNotifierFollowsRandomChanges(t *testing.T) {
	for i := range 40 {
		seed := uint64(i)
		if i == 0 {
			seed = 8434253452713068144 // lost n8/ in CI: rename src → n8
		}
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			f := newNotifierFixture(t)
			f.write("tree/src/main.go", "package main\n")
			f.write("tree/a", "a\n")
			f.mkdir("tree/empty/deeper")
			os.Symlink("../a", f.path("tree/src/link"))
			os.WriteFile(f.path("tree/run.sh"), []byte("#!/bin/sh\n"), 0o755)
			f.watch("tree")
			ch := commtest.NewChanger(f.path("tree"), commtest.Outside(t), rand.New(rand.NewPCG(seed, 3)))
			var ops []string
			for round := range 8 {
				ops = append(ops, ch.Apply(1+round)...)
				f.reported()
				var probes []string
				filepath.WalkDir(f.path("tree"), func(p string, d fs.DirEntry, err error) error {
					if err == nil && d.IsDir() {
						rel, _ := filepath.Rel(f.dir, filepath.Join(p, fmt.Sprintf(".probe%d", round)))
						probes = append(probes, rel)
					}
					return nil
				})
				for _, p := range probes {
					f.write(p, "")
				}
				got := f.reported()
				for _, p := range probes {
					if !slices.Contains(got, p) {
						t.Fatalf("round %d: after %s\n%s was not reported: its folder lost its watch (watched: %q)", round, strings.Join(ops, "; "), p, f.n.Dirs())
					}
				}
				for _, p := range probes {
					os.Remove(f.path(p))
				}
			}
		})
	}
}
