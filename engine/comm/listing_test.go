//go:build !windows

package comm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/envrun/envrun/internal/ignore"
)

// said collects what an upload's Progress is told.
type said []string

func (s *said) progress(f string, a ...any) { *s = append(*s, fmt.Sprintf(f, a...)) }

// upload runs UploadTree over a new connection to s (no record of earlier
// uploads) and returns what it said.
func uploadFresh(t *testing.T, s *localServer, src, dst string, opts UploadOptions) said {
	t.Helper()
	var got said
	opts.Progress = got.progress
	if err := s.dial(t).UploadTree(context.Background(), src, dst, opts); err != nil {
		t.Fatal(err)
	}
	return got
}

func wantSaid(t *testing.T, got said, want ...string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("progress said %q, want %q among it", got, w)
		}
	}
}

// TestUploadNewConnectionSendsDifferences: a connection with no record of
// an earlier upload (a new watch's first re-run, `envrun provision`) asks
// the machine what it has and sends only what differs: a changed file, a
// mode, a folder now a file, a symlink's new target, a new folder; a file
// changed within the same second at the same size goes when the watcher
// names it. What the machine made itself stays, unless Delete, and
// .envrun and excluded paths stay always. Right after a full upload
// nothing differs: the machine's tar kept the times.
func TestUploadNewConnectionSendsDifferences(t *testing.T) {
	needTar(t)
	for _, tc := range []struct {
		name         string
		watcher, del bool
		want         string
	}{
		// README, bin/run.sh, private, link-in, new, new/deep,
		// new/deep/file; the watcher also names it's.txt. Removed: private
		// (a folder there), keep/app.log.txt when the watcher says it went
		// or with Delete (which removed built-on-the-machine before).
		{"watch", true, false, "upload 8 changed path(s) to %s, remove 2"},
		{"provision", false, false, "upload 7 changed path(s) to %s, remove 1"},
		{"delete", false, true, "upload 7 changed path(s) to %s, remove 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, _ := project(t)
			guest := t.TempDir()
			server := &localServer{dir: guest}
			dst := filepath.Join(guest, "project")
			opts := UploadOptions{Exclude: excludeProject, Changes: true, Delete: tc.del}
			all, err := Scan(src, ignore.New(src, excludeProject))
			if err != nil {
				t.Fatal(err)
			}
			// Nothing there yet: the whole folder streams, as the walk finds it.
			first := uploadFresh(t, server, src, dst, opts)
			wantSaid(t, first, "upload "+src+" to "+dst)
			if len(first) != 1 {
				t.Errorf("a first upload into nothing said %q: it compares nothing and sends the %d paths as one stream", first, len(all))
			}
			write(t, filepath.Join(dst, "built-on-the-machine"), "x\n", 0o644)
			write(t, filepath.Join(dst, "node_modules", "y", "index.js"), "the machine's\n", 0o644)
			write(t, filepath.Join(dst, ".envrun", "state.json"), "{}\n", 0o600)
			// The 29 paths sent and the 6 the machine made.
			unchanged := []string{dst + ": compare with what the machine has there (35 paths)", dst + ": nothing changed since the last upload"}
			if tc.del {
				unchanged[1] = fmt.Sprintf("upload 0 changed path(s) to %s, remove 1", dst) // built-on-the-machine
			}
			wantSaid(t, uploadFresh(t, server, src, dst, opts), unchanged...)

			var touched []string
			touch := func(rel string) { touched = append(touched, filepath.Join(src, rel)) }
			write(t, filepath.Join(src, "README"), "hello again\n", 0o644)
			touch("README")
			os.Chmod(filepath.Join(src, "bin", "run.sh"), 0o700)
			touch("bin/run.sh")
			os.RemoveAll(filepath.Join(src, "private"))
			write(t, filepath.Join(src, "private"), "a file now\n", 0o644)
			touch("private")
			touch("private/notes")
			os.Remove(filepath.Join(src, "link-in"))
			os.Symlink("bin", filepath.Join(src, "link-in"))
			touch("link-in")
			os.Remove(filepath.Join(src, "keep", "app.log.txt"))
			touch("keep/app.log.txt")
			write(t, filepath.Join(src, "new", "deep", "file"), "new\n", 0o640)
			touch("new")
			touch("new/deep")
			touch("new/deep/file")
			if tc.watcher {
				// The same size within the same second: only the
				// watcher's word sends it.
				quoted := filepath.Join(src, "with space", "it's.txt")
				fi, err := os.Stat(quoted)
				if err != nil {
					t.Fatal(err)
				}
				write(t, quoted, "QUOTED\n", 0o644)
				os.Chtimes(quoted, fi.ModTime(), fi.ModTime())
				touch("with space/it's.txt")
				opts.Changed = touched
			}
			there := 35
			if tc.del {
				there = 34
			}
			wantSaid(t, uploadFresh(t, server, src, dst, opts),
				fmt.Sprintf("%s: compare with what the machine has there (%d paths)", dst, there),
				fmt.Sprintf(tc.want, dst))
			machineMade := func(rel string) bool {
				return rel == "node_modules" || rel == ".envrun" || rel == "built-on-the-machine" ||
					!tc.watcher && !tc.del && rel == "keep/app.log.txt"
			}
			if d := diffSnapshots(snapshot(t, src, leftOut), snapshot(t, dst, machineMade)); d != "" {
				t.Fatalf("the copy differs:\n%s", d)
			}
			for f, want := range map[string]bool{
				"built-on-the-machine": !tc.del, "node_modules/y/index.js": true, ".envrun/state.json": true,
				"keep/app.log.txt": !tc.watcher && !tc.del,
			} {
				if _, err := os.Lstat(filepath.Join(dst, f)); (err == nil) != want {
					t.Errorf("%s on the machine: there = %v, want %v", f, err == nil, want)
				}
			}

			// One file: over SFTP, as a re-run's.
			opts.Changed = nil
			write(t, filepath.Join(src, "bin", "run.sh"), "#!/bin/sh\necho changed\n", 0o700)
			wantSaid(t, uploadFresh(t, server, src, dst, opts), fmt.Sprintf("upload 1 changed path(s) to %s, remove 0 (SFTP)", dst))
			if d := diffSnapshots(snapshot(t, src, leftOut), snapshot(t, dst, machineMade)); d != "" {
				t.Fatalf("the copy differs after one more change:\n%s", d)
			}
		})
	}
}

// TestUploadNewConnectionOddNames: the listing holds any name and any
// symlink target (newlines, " -> ", a leading dash, a target ending in a
// newline).
func TestUploadNewConnectionOddNames(t *testing.T) {
	needTar(t)
	src := t.TempDir()
	write(t, filepath.Join(src, "odd\nname"), "1", 0o644)
	write(t, filepath.Join(src, "a -> b"), "2", 0o644)
	write(t, filepath.Join(src, "-dash", "end\n"), "3", 0o644)
	os.Symlink("x\ny", filepath.Join(src, "odd-link"))
	os.Symlink("t\n", filepath.Join(src, "nl-link"))
	guest := t.TempDir()
	server := &localServer{dir: guest}
	dst := filepath.Join(guest, "copy")
	opts := UploadOptions{Changes: true}
	uploadFresh(t, server, src, dst, opts)
	wantSaid(t, uploadFresh(t, server, src, dst, opts), dst+": nothing changed since the last upload")
	os.Remove(filepath.Join(src, "nl-link"))
	os.Symlink("t\n\n", filepath.Join(src, "nl-link"))
	wantSaid(t, uploadFresh(t, server, src, dst, opts), fmt.Sprintf("upload 1 changed path(s) to %s, remove 0 (SFTP)", dst))
	if d := diffSnapshots(snapshot(t, src, nil), snapshot(t, dst, nil)); d != "" {
		t.Fatalf("the copy differs:\n%s", d)
	}
}

// toolsOnly is a PATH folder with links to the named programs of this
// host (or, with via, to that one program: busybox).
func toolsOnly(t *testing.T, via string, tools ...string) string {
	bin := t.TempDir()
	for _, tool := range tools {
		p := via
		if p == "" {
			var err error
			if p, err = exec.LookPath(tool); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Symlink(p, filepath.Join(bin, tool)); err != nil {
			t.Fatal(err)
		}
	}
	return bin
}

// TestUploadNewConnectionWithoutListing: a machine that cannot list (no
// stat here) gets the whole folder, as before, and the progress says why;
// the watcher's removals and Delete still apply.
func TestUploadNewConnectionWithoutListing(t *testing.T) {
	needTar(t)
	bin := toolsOnly(t, "", "sh", "mkdir", "dd", "rm", "tar", "find")
	src, _ := project(t)
	guest := t.TempDir()
	server := &localServer{dir: guest, env: []string{"PATH=" + bin}}
	dst := filepath.Join(guest, "project")
	opts := UploadOptions{Exclude: excludeProject, Changes: true, Delete: true}
	// No folder there yet: nothing to list.
	wantSaid(t, uploadFresh(t, server, src, dst, opts), "upload "+src+" to "+dst)
	write(t, filepath.Join(dst, "built-on-the-machine"), "x\n", 0o644)
	got := uploadFresh(t, server, src, dst, opts)
	wantSaid(t, got, "upload "+src+" to "+dst, "remove 1 path(s) from "+dst+" that the source does not have")
	if len(got) == 0 || !strings.HasPrefix(got[0], dst+": could not list what the machine has there, so the whole folder goes (") ||
		!strings.Contains(got[0], "stat") {
		t.Errorf("progress said %q, want why the whole folder goes first", got)
	}
	os.RemoveAll(filepath.Join(src, "private"))
	write(t, filepath.Join(src, "private"), "a file now\n", 0o644)
	opts.Changed = []string{filepath.Join(src, "private"), filepath.Join(src, "private", "notes")}
	// The folder the watcher saw become a file is removed first (tar
	// would not put a file over it).
	wantSaid(t, uploadFresh(t, server, src, dst, opts), "upload "+src+" to "+dst)
	if d := diffSnapshots(snapshot(t, src, leftOut), snapshot(t, dst, nil)); d != "" {
		t.Fatalf("the copy differs:\n%s", d)
	}
}

// TestUploadNewConnectionBusybox: the listing and the upload work with
// busybox's sh, find, stat, readlink and tar (Alpine's), and busybox's
// tar keeps the times.
func TestUploadNewConnectionBusybox(t *testing.T) {
	busybox, err := exec.LookPath("busybox")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("busybox is missing")
		}
		t.Skip("busybox is missing")
	}
	bin := toolsOnly(t, busybox, "sh", "find", "stat", "readlink", "tar", "dd", "rm", "mkdir")
	src, _ := project(t)
	guest := t.TempDir()
	server := &localServer{dir: guest, env: []string{"PATH=" + bin}}
	dst := filepath.Join(guest, "project")
	opts := UploadOptions{Exclude: excludeProject, Changes: true}
	wantSaid(t, uploadFresh(t, server, src, dst, opts), "upload "+src+" to "+dst)
	wantSaid(t, uploadFresh(t, server, src, dst, opts), dst+": nothing changed since the last upload")
	write(t, filepath.Join(src, "README"), "hello again\n", 0o644)
	os.Chmod(filepath.Join(src, "bin", "run.sh"), 0o700)
	os.RemoveAll(filepath.Join(src, "private"))
	write(t, filepath.Join(src, "private"), "a file now\n", 0o644)
	os.Remove(filepath.Join(src, "link-in"))
	os.Symlink("bin", filepath.Join(src, "link-in"))
	wantSaid(t, uploadFresh(t, server, src, dst, opts), fmt.Sprintf("upload 4 changed path(s) to %s, remove 1", dst))
	if d := diffSnapshots(snapshot(t, src, leftOut), snapshot(t, dst, nil)); d != "" {
		t.Fatalf("the copy differs:\n%s", d)
	}
}

// TestUploadNewConnectionPrivileged: a privileged upload lists through
// sudo, and with Chown a path whose owner is not the one asked for is
// sent again (and the tree chowned).
func TestUploadNewConnectionPrivileged(t *testing.T) {
	needTar(t)
	if os.Geteuid() != 0 {
		t.Skip("chown to another user needs root")
	}
	bin, guest := t.TempDir(), t.TempDir()
	log := filepath.Join(t.TempDir(), "sudo.log")
	write(t, filepath.Join(bin, "sudo"), fmt.Sprintf("#!/bin/sh\necho \"$*\" >>%s\n[ \"$1\" = -n ] && shift\nexec \"$@\"\n", log), 0o755)
	server := &localServer{dir: guest, env: []string{"PATH=" + bin + ":" + os.Getenv("PATH")}}
	src, _ := project(t)
	dst := filepath.Join(guest, "opt", "project")
	opts := UploadOptions{Exclude: excludeProject, Changes: true, Privileged: true, Chown: "nobody:65534"}
	uploadFresh(t, server, src, dst, opts)
	owner := func(rel string) uint32 {
		fi, err := os.Lstat(filepath.Join(dst, rel))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Sys().(*syscall.Stat_t).Uid
	}
	if owner("README") != 65534 {
		t.Fatalf("README's owner is %d, want 65534", owner("README"))
	}
	wantSaid(t, uploadFresh(t, server, src, dst, opts), dst+": nothing changed since the last upload")
	if err := os.Lchown(filepath.Join(dst, "README"), 0, 0); err != nil {
		t.Fatal(err)
	}
	wantSaid(t, uploadFresh(t, server, src, dst, opts), fmt.Sprintf("upload 1 changed path(s) to %s, remove 0", dst))
	if owner("README") != 65534 {
		t.Errorf("README's owner is %d after the upload, want 65534", owner("README"))
	}
	if d := diffSnapshots(snapshot(t, src, leftOut), snapshot(t, dst, nil)); d != "" {
		t.Fatalf("the copy differs:\n%s", d)
	}
	calls, _ := os.ReadFile(log)
	if n := strings.Count(string(calls), "exec find . -exec"); n != 3 {
		t.Errorf("%d listings through sudo, want 3:\n%s", n, calls)
	}
}

func TestParseListing(t *testing.T) {
	good := "2\n41ed 4096 1700000000\na1ff 3 1700000001\n.\x00\x00./l\nink\x00x\ny\n\x00end\n" +
		"1\n81a4 5 1700000002\n./f\x00\x00end\n"
	m, err := parseListing([]byte(good), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 3 || !m["."].mode.IsDir() || m["l\nink"].link != "x\ny" || m["f"].size != 5 || m["f"].mtime.Unix() != 1700000002 {
		t.Errorf("parsed %+v", m)
	}
	for _, bad := range []string{
		"1\n81a4 5 1700000002\n./f\x00\x00",             // cut before its end
		"2\n81a4 5 1700000002\n./f\x00\x00end\n",        // fewer lines than counted
		"1\n81a4 5\n./f\x00\x00end\n",                   // a field missing
		"1\n81a4 5 1700000002\nf\x00\x00end\n",          // not find's ./PATH
		"x\n81a4 5 1700000002\n./f\x00\x00end\n",        // no count
		"1\n81a4 5 1700000002 extra\n./f\x00\x00end\n",  // a field more
		"1\nzz 5 1700000002\n./f\x00\x00end\n",          // not a mode
		"1\n81a4 5 1700000002\n./f\x00\x00end\ntrailer", // more after
	} {
		if _, err := parseListing([]byte(bad), false); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestSameAs(t *testing.T) {
	at := time.Unix(1700000000, 600_000_000)
	file := entry{mode: 0o644, size: 5, mtime: at}
	for _, tc := range []struct {
		name  string
		there entry
		want  bool
	}{
		{"same, time rounded (tar)", entry{mode: 0o644, size: 5, mtime: time.Unix(1700000001, 0)}, true},
		{"same, time truncated (SFTP)", entry{mode: 0o644, size: 5, mtime: time.Unix(1700000000, 0)}, true},
		{"another second", entry{mode: 0o644, size: 5, mtime: time.Unix(1700000002, 0)}, false},
		{"another size", entry{mode: 0o644, size: 6, mtime: time.Unix(1700000001, 0)}, false},
		{"another mode", entry{mode: 0o600, size: 5, mtime: time.Unix(1700000001, 0)}, false},
		{"a folder", entry{mode: 0o644 | os.ModeDir}, false},
	} {
		if got := file.sameAs(tc.there); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	link := entry{mode: os.ModeSymlink | 0o755, link: "a"} // macOS has modes on links
	if !link.sameAs(entry{mode: os.ModeSymlink | 0o777, link: "a"}) || link.sameAs(entry{mode: os.ModeSymlink | 0o777, link: "b"}) {
		t.Error("a symlink is compared by its target only")
	}
	dir := entry{mode: os.ModeDir | 0o755, mtime: at}
	if !dir.sameAs(entry{mode: os.ModeDir | 0o755}) || dir.sameAs(entry{mode: os.ModeDir | 0o700}) {
		t.Error("a folder is compared by its mode only")
	}
}

// TestUploadFullSendsEverything: without Changes (a file step's
// sync = "full"), every upload sends the whole folder, on the same
// connection too: a file changed on the machine is mended though nothing
// changed here.
func TestUploadFullSendsEverything(t *testing.T) {
	needTar(t)
	src, _ := project(t)
	guest := t.TempDir()
	c := (&localServer{dir: guest}).dial(t)
	dst := filepath.Join(guest, "project")
	for i := range 3 {
		var got said
		if err := c.UploadTree(context.Background(), src, dst, UploadOptions{Exclude: excludeProject, Progress: got.progress}); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != "upload "+src+" to "+dst {
			t.Errorf("upload %d said %q, want the whole folder", i, got)
		}
		if d := diffSnapshots(snapshot(t, src, leftOut), snapshot(t, dst, nil)); d != "" {
			t.Fatalf("upload %d: the copy differs:\n%s", i, d)
		}
		write(t, filepath.Join(dst, "README"), "hello\n", 0o600) // the same bytes, another mode
	}
}
