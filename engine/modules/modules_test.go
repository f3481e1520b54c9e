package modules_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/envrun/envrun/internal/golden"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/envrun/envrun/engine/modules"
	"github.com/envrun/envrun/luaapi"
)

// fixture is a project folder with an Envfile, a module cache, and a
// folder for module repositories, all in one temp folder:
//
//	ROOT/project/Envfile.lua
//	ROOT/cache/
//	ROOT/NAME/ (repositories, so that the Envfile's "../NAME" is one)
type fixture struct {
	t    *testing.T
	root string
	p    *modules.Project
}

func newFixture(t *testing.T) *fixture {
	gitTestEnv(t)
	root := t.TempDir()
	envfile := filepath.Join(root, "project", "Envfile.lua")
	if err := os.MkdirAll(filepath.Dir(envfile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(envfile, []byte("-- empty\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, root: root, p: project(envfile, filepath.Join(root, "cache"))}
}

// project is a fresh Project, as a new envrun process would make it.
func project(envfile, cache string) *modules.Project {
	p := modules.NewProject(envfile, &modules.Cache{Dir: cache})
	p.ReadManifest = readManifest
	return p
}

func readManifest(path string) (*modules.Manifest, error) {
	m, err := luaapi.ReadManifest(path)
	if err != nil {
		return nil, err
	}
	return &modules.Manifest{Description: m.Description, Dependencies: m.Dependencies}, nil
}

// lockedWeb releases web v1.0.0 and writes a lock of it.
func (f *fixture) lockedWeb() *modules.Lock {
	f.t.Helper()
	f.repo("web").release("v1.0.0", webV1)
	l := f.add(empty(), "web", "../web", "v1.0.0")
	if err := l.Write(f.p.LockPath); err != nil {
		f.t.Fatal(err)
	}
	return l
}

func (f *fixture) repo(name string) *repo { return newRepo(f.t, filepath.Join(f.root, name)) }

func (f *fixture) add(l *modules.Lock, name, source, ref string) *modules.Lock {
	f.t.Helper()
	nl, err := f.p.Add(context.Background(), l, name, source, ref)
	if err != nil {
		f.t.Fatalf("add %s %s@%s: %v", name, source, ref, err)
	}
	return nl
}

func empty() *modules.Lock {
	return &modules.Lock{Version: modules.LockVersion, Modules: map[string]*modules.Entry{}}
}

// wantHash computes a module's content hash independently of the cache:
// from the files as the test wrote them.
func wantHash(t *testing.T, files map[string]string) string {
	var names []string
	for n, c := range files {
		if c != "" {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	h, err := dirhash.Hash1(names, func(n string) (io.ReadCloser, error) {
		return io.NopCloser(strings.NewReader(files[n])), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

var webV1 = map[string]string{
	"init.lua":  "local M = {}\nM.version = 1\nreturn M\n",
	"nodes.lua": "return { count = 2 }\n",
}

func TestAddLocksCommitAndHash(t *testing.T) {
	f := newFixture(t)
	web := f.repo("web")
	commit := web.release("v1.0.0", webV1)
	web.release("v2.0.0", map[string]string{"init.lua": "return { version = 2 }\n"})

	l := f.add(empty(), "web", "../web", "v1.0.0")
	e := l.Modules["web"]
	if e == nil {
		t.Fatalf("lock has no web: %+v", l.Modules)
	}
	if e.Commit != commit || e.Ref != "v1.0.0" || e.Source != "../web" || !e.Direct {
		t.Errorf("entry %+v, want commit %s of ../web@v1.0.0, direct", e, commit)
	}
	if want := wantHash(t, webV1); e.Hash != want {
		t.Errorf("hash %s, want %s (the hash of the files at v1.0.0)", e.Hash, want)
	}

	// The lock is the golden file: reproducible commits make it stable.
	lockPath := f.p.LockPath
	if err := l.Write(lockPath); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(lockPath)
	golden.Check(t, "testdata/add.lock.golden", string(got))

	// A fresh process finds the module through the lock, verified.
	p := project(f.p.Envfile, f.p.Cache.Dir)
	dir, err := p.Dir(context.Background(), "web")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "init.lua"))
	if err != nil || string(data) != webV1["init.lua"] {
		t.Errorf("cached init.lua: %q, %v; want v1's", data, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "init.lua")); err != nil || fi.Mode().Perm()&0o222 != 0 {
		t.Errorf("cached files must be read-only: %v %v", fi.Mode(), err)
	}
	if d, err := p.Dir(context.Background(), "nosuch"); d != "" || err != nil {
		t.Errorf("Dir of a module not in the lock: %q, %v; want \"\", nil", d, err)
	}
}

func TestUpdateToNewTag(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	web := f.repo("web")
	c1 := web.release("v1.0.0", webV1)
	l1 := f.add(empty(), "web", "../web", "v1.0.0")

	v2 := map[string]string{"init.lua": "return { version = 2 }\n", "nodes.lua": ""}
	c2 := web.release("v2.0.0", v2)

	// Update without a new ref keeps a tag where it is.
	same, err := f.p.Update(ctx, l1, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if ch := modules.Changes(l1, same); len(ch) != 0 || same.Modules["web"].Commit != c1 {
		t.Errorf("update with the tag unchanged: changes %q, commit %s; want none, %s", ch, same.Modules["web"].Commit, c1)
	}

	l2, err := f.p.Update(ctx, l1, []string{"web"}, "v2.0.0")
	if err != nil {
		t.Fatal(err)
	}
	e := l2.Modules["web"]
	if e.Commit != c2 || e.Ref != "v2.0.0" || e.Hash != wantHash(t, v2) {
		t.Errorf("after update to v2.0.0: %+v, want commit %s", e, c2)
	}
	want := fmt.Sprintf("updated web v1.0.0 (%.12s) → v2.0.0 (%.12s)", c1, c2)
	if ch := modules.Changes(l1, l2); len(ch) != 1 || ch[0] != want {
		t.Errorf("changes %q, want [%q]", ch, want)
	}

	// A branch moves: update follows it.
	lb := f.add(empty(), "web", "../web", "main")
	web.write(map[string]string{"extra.lua": "return 3\n"})
	c3 := web.commit("on main")
	if lb.Modules["web"].Commit != c2 {
		t.Fatalf("main was at %s, locked %s", c2, lb.Modules["web"].Commit)
	}
	lb2, err := f.p.Update(ctx, lb, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if lb2.Modules["web"].Commit != c3 {
		t.Errorf("update of a branch: commit %s, want the new head %s", lb2.Modules["web"].Commit, c3)
	}

	// Unknown names and refs are the user's to fix, with what exists.
	_, err = f.p.Update(ctx, l1, []string{"wbe"}, "")
	var in *modules.InputError
	if !errors.As(err, &in) || !strings.Contains(err.Error(), `did you mean "web"`) {
		t.Errorf("update of an unknown module: %v", err)
	}
	_, err = f.p.Update(ctx, l1, []string{"web"}, "v9.9.9")
	if !errors.As(err, &in) || !strings.Contains(err.Error(), `no tag, branch or commit "v9.9.9"`) || !strings.Contains(err.Error(), "v2.0.0") {
		t.Errorf("update to an unknown tag: %v", err)
	}
}

func TestTamperedCacheIsAnError(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	l := f.lockedWeb()
	dir, err := project(f.p.Envfile, f.p.Cache.Dir).Dir(ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T)
	}{
		{"changed file", func(t *testing.T) {
			p := filepath.Join(dir, "init.lua")
			os.Chmod(p, 0o644)
			if err := os.WriteFile(p, []byte("os.exit(1)\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"added file", func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, "evil.lua"), []byte("return 1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"removed file", func(t *testing.T) {
			if err := os.Remove(filepath.Join(dir, "nodes.lua")); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Start from a good copy: export it again from the mirror.
			os.RemoveAll(dir)
			if _, err := project(f.p.Envfile, f.p.Cache.Dir).Dir(ctx, "web"); err != nil {
				t.Fatal(err)
			}
			tc.tamper(t)
			_, err := project(f.p.Envfile, f.p.Cache.Dir).Dir(ctx, "web")
			var mm *modules.HashMismatchError
			if !errors.As(err, &mm) || mm.Name != "web" || !strings.Contains(err.Error(), `module "web": content hash mismatch`) ||
				!strings.Contains(err.Error(), dir) || !strings.HasPrefix(err.Error(), "Envfile.lock: ") {
				t.Errorf("load with a tampered cache: %v; want a hash mismatch naming web, its folder and the lock", err)
			}
		})
	}

	// A lock whose hash was edited does not match a fresh export either.
	os.RemoveAll(dir)
	l.Modules["web"].Hash = "h1:" + strings.Repeat("A", 43) + "="
	l.Write(f.p.LockPath)
	_, err = project(f.p.Envfile, f.p.Cache.Dir).Dir(ctx, "web")
	var mm *modules.HashMismatchError
	if !errors.As(err, &mm) || !mm.FromSource || !strings.Contains(err.Error(), "envrun module update web") {
		t.Errorf("load with an edited lock: %v", err)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("a module that failed its hash check was left in the cache")
	}
}

func TestOfflineAfterLock(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.lockedWeb()
	// The source is gone for good.
	if err := os.RemoveAll(filepath.Join(f.root, "web")); err != nil {
		t.Fatal(err)
	}

	// With the module cached, loading runs no git at all: without git on
	// PATH it still works.
	path := os.Getenv("PATH")
	t.Setenv("PATH", "")
	dir, err := project(f.p.Envfile, f.p.Cache.Dir).Dir(ctx, "web")
	if err != nil {
		t.Fatalf("offline load from the cache: %v", err)
	}
	t.Setenv("PATH", path)

	// With the files gone but the cache's git mirror there, the locked
	// commit is exported again from the mirror, still offline.
	os.RemoveAll(dir)
	if _, err := project(f.p.Envfile, f.p.Cache.Dir).Dir(ctx, "web"); err != nil {
		t.Fatalf("offline load from the mirror: %v", err)
	}

	// With nothing cached and no source, the error names the module.
	os.RemoveAll(f.p.Cache.Dir)
	_, err = project(f.p.Envfile, f.p.Cache.Dir).Dir(ctx, "web")
	if err == nil || !strings.Contains(err.Error(), `module "web" is not in the cache, and fetching it failed`) {
		t.Errorf("load with no cache and no source: %v", err)
	}
}

// TestFetchOnFirstUse: a lock made elsewhere (another machine, a fresh
// cache) fetches the locked commit on first use, not what the ref names
// now.
func TestFetchOnFirstUse(t *testing.T) {
	f := newFixture(t)
	web := f.repo("web")
	c1 := web.release("v1.0.0", webV1)
	l := f.add(empty(), "web", "../web", "main")
	l.Write(f.p.LockPath)
	web.write(map[string]string{"init.lua": "return { version = 'moved' }\n"})
	web.commit("main moves on")

	var logs []string
	p := project(f.p.Envfile, filepath.Join(f.root, "other-cache"))
	p.Logf = func(format string, args ...any) { logs = append(logs, fmt.Sprintf(format, args...)) }
	dir, err := p.Dir(context.Background(), "web")
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "init.lua")); string(data) != webV1["init.lua"] {
		t.Errorf("fetched init.lua %q, want the locked commit %s's", data, c1)
	}
	if len(logs) != 1 || !strings.Contains(logs[0], "fetching module web") {
		t.Errorf("progress: %q", logs)
	}
}

func TestTransitiveDependency(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	base := f.repo("base")
	baseV1 := map[string]string{"init.lua": "return { name = 'base' }\n"}
	bc := base.release("v1.0.0", baseV1)
	web := f.repo("web")
	web.release("v1.0.0", map[string]string{
		"init.lua":          "local base = require 'base'\nreturn { base = base }\n",
		"envrun-module.lua": "description = 'web servers'\ndependencies = { base = '../base@v1.0.0' }\n",
	})

	l := f.add(empty(), "web", "../web", "v1.0.0")
	b := l.Modules["base"]
	if b == nil {
		t.Fatalf("the dependency is not locked: %v", l.Names())
	}
	if b.Direct || !slices.Equal(b.RequiredBy, []string{"web"}) || b.Commit != bc || b.Source != "../base" || b.Hash != wantHash(t, baseV1) {
		t.Errorf("dependency entry %+v; want base from ../base at %s, required by web", b, bc)
	}
	if _, err := f.p.Remove(ctx, l, "base"); err == nil || !strings.Contains(err.Error(), "web requires it") {
		t.Errorf("remove of a dependency: %v", err)
	}
	l2, err := f.p.Remove(ctx, l, "web")
	if err != nil {
		t.Fatal(err)
	}
	if len(l2.Modules) != 0 {
		t.Errorf("after removing web: %v, want nothing left", l2.Names())
	}
	if ch := modules.Changes(l, l2); !slices.Equal(ch, []string{"removed base", "removed web"}) {
		t.Errorf("changes %q", ch)
	}

	// Adding the dependency as the Envfile's own at the same version
	// makes it direct, still required by web.
	l3 := f.add(l, "base", "../base", bc)
	if b := l3.Modules["base"]; !b.Direct || !slices.Equal(b.RequiredBy, []string{"web"}) || b.Ref != bc {
		t.Errorf("base added directly: %+v", b)
	}
}

func TestVersionConflictNamesBothRequirers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	base := f.repo("base")
	b1 := base.release("v1.0.0", map[string]string{"init.lua": "return 1\n"})
	base.release("v2.0.0", map[string]string{"init.lua": "return 2\n"})
	for name, ref := range map[string]string{"web": "v1.0.0", "db": "v2.0.0", "cache": b1} {
		f.repo(name).release("v1.0.0", map[string]string{
			"init.lua":          "return require 'base'\n",
			"envrun-module.lua": "dependencies = { base = { source = '../base', ref = '" + ref + "' } }\n",
		})
	}
	f.repo("other").release("v1.0.0", map[string]string{"init.lua": "return 0\n"})
	l := f.add(empty(), "web", "../web", "v1.0.0")

	// The same commit by another name is no conflict.
	l = f.add(l, "cache", "../cache", "v1.0.0")
	if b := l.Modules["base"]; !slices.Equal(b.RequiredBy, []string{"cache", "web"}) {
		t.Errorf("base required by %q, want cache and web", b.RequiredBy)
	}

	for _, tc := range []struct {
		name, module, source, ref string
		want                      []string
	}{
		{"two modules", "db", "../db", "v1.0.0", []string{
			`module "base" is required at two versions`,
			"by cache (../base@" + b1 + ", commit " + b1[:12] + ")",
			"by db (../base@v2.0.0, commit ",
		}},
		{"the Envfile and a module", "base", "../base", "v2.0.0", []string{
			`module "base" is required at two versions`, "by Envfile.lua (../base@v2.0.0", "by cache (../base@" + b1,
		}},
		{"another source", "base", "../other", "v1.0.0", []string{
			"by Envfile.lua (../other@v1.0.0", "by cache (../base@",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.p.Add(ctx, l, tc.module, tc.source, tc.ref)
			var ce *modules.ConflictError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a conflict", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestAddRefusesWhatIsNotAModule(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := f.repo("notes")
	r.release("v1", map[string]string{"README.md": "no Lua here\n"})
	link := f.repo("link")
	link.write(map[string]string{"init.lua": "return 1\n"})
	if err := os.Symlink("/etc/passwd", filepath.Join(link.Dir, "passwd.lua")); err != nil {
		t.Fatal(err)
	}
	link.commit("a link")
	for _, tc := range []struct {
		name, module, source, ref, want string
	}{
		{"no Lua", "notes", "../notes", "v1", "has no Lua file"},
		{"symbolic link", "link", "../link", "", "passwd.lua is a symbolic link"},
		{"bad name", "a.b", "../notes", "", "a name is one word"},
		{"reserved name", "envrun", "../notes", "", "standard library"},
		{"bad ref", "notes", "../notes", "--upload-pack=x", "not a tag, branch or commit"},
		{"missing source", "gone", "../gone", "", "fetch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.p.Add(ctx, empty(), tc.module, tc.source, tc.ref)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestSourcesRunNoProgram: a module source that would have git run a
// command (ext::) or read this host's files through a URL (file://) is
// refused by git itself, also when the user's environment allows every
// transport; a local path the Envfile wrote still works.
func TestSourcesRunNoProgram(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	r := f.repo("mod")
	r.release("v1", map[string]string{"init.lua": "return 1\n"})
	t.Setenv("GIT_ALLOW_PROTOCOL", "ext:file:https:ssh")
	marker := filepath.Join(t.TempDir(), "ran")
	for _, source := range []string{"ext::touch% " + marker, "file://" + r.Dir} {
		_, err := f.p.Add(ctx, empty(), "mod", source, "v1")
		if err == nil || !strings.Contains(err.Error(), "not allowed") {
			t.Errorf("source %s: %v, want git's refusal of the transport", source, err)
		}
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("an ext:: source ran its command")
	}
	if _, err := f.p.Add(ctx, empty(), "mod", "../mod", "v1"); err != nil {
		t.Errorf("a local path: %v", err)
	}
}

func TestSplitRef(t *testing.T) {
	for _, tc := range []struct{ in, source, ref string }{
		{"../web", "../web", ""},
		{"../web@v1.2.0", "../web", "v1.2.0"},
		{"/srv/git/web@feature/x", "/srv/git/web", "feature/x"},
		{"https://git.example.com/org/web.git", "https://git.example.com/org/web.git", ""},
		{"https://user@git.example.com/org/web.git", "https://user@git.example.com/org/web.git", ""},
		{"https://user@git.example.com/org/web.git@main", "https://user@git.example.com/org/web.git", "main"},
		{"git@git.example.com:org/web.git", "git@git.example.com:org/web.git", ""},
		{"git@git.example.com:org/web.git@v2", "git@git.example.com:org/web.git", "v2"},
		{"file:///srv/web@0123abc", "file:///srv/web", "0123abc"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			s, r := modules.SplitRef(tc.in)
			if s != tc.source || r != tc.ref {
				t.Errorf("SplitRef(%q) = %q, %q; want %q, %q", tc.in, s, r, tc.source, tc.ref)
			}
		})
	}
}

func TestReadLockRefusesBadLocks(t *testing.T) {
	good := `{"version": 1, "modules": {"web": {"source": "../web", "commit": "` + strings.Repeat("a", 40) + `", "hash": "h1:x"}}}`
	for _, tc := range []struct{ name, text, want string }{
		{"not JSON", "{", "not a valid lock file"},
		{"unknown key", `{"version": 1, "modulez": {}}`, `unknown field "modulez"`},
		{"newer format", `{"version": 2, "modules": {}}`, "format version 2"},
		{"short commit", strings.Replace(good, strings.Repeat("a", 40), "abc", 1), `module "web": commit "abc" is not a full commit id`},
		{"bad hash", strings.Replace(good, "h1:x", "md5:x", 1), `hash "md5:x"`},
		{"bad name", strings.Replace(good, `"web"`, `"we b"`, 1), "a name is one word"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "Envfile.lock")
			os.WriteFile(p, []byte(tc.text), 0o644)
			_, err := modules.ReadLock(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
				t.Errorf("got %v, want an error naming the file and containing %q", err, tc.want)
			}
		})
	}
	p := filepath.Join(t.TempDir(), "Envfile.lock")
	os.WriteFile(p, []byte(good), 0o644)
	if l, err := modules.ReadLock(p); err != nil || l.Modules["web"] == nil {
		t.Errorf("a good lock: %v, %v", l, err)
	}
	if l, err := modules.ReadLock(filepath.Join(t.TempDir(), "none.lock")); err != nil || len(l.Modules) != 0 {
		t.Errorf("a missing lock is empty: %v, %v", l, err)
	}
}

// BenchmarkLoadCached is what every `envrun up` pays per module it
// requires: the content hash check of the cached files.
func BenchmarkLoadCached(b *testing.B) {
	gitTestEnv(b)
	root := b.TempDir()
	envfile := filepath.Join(root, "project", "Envfile.lua")
	os.MkdirAll(filepath.Dir(envfile), 0o755)
	os.WriteFile(envfile, nil, 0o644)
	r := newRepo(b, filepath.Join(root, "web"))
	files := map[string]string{}
	for i := range 20 {
		files[fmt.Sprintf("lib/part%d.lua", i)] = strings.Repeat(fmt.Sprintf("-- line of part %d\n", i), 100)
	}
	files["init.lua"] = "return {}\n"
	r.release("v1", files)
	p := project(envfile, filepath.Join(root, "cache"))
	l, err := p.Add(context.Background(), empty(), "web", "../web", "v1")
	if err != nil {
		b.Fatal(err)
	}
	l.Write(p.LockPath)
	b.ResetTimer()
	for b.Loop() {
		if _, err := project(envfile, p.Cache.Dir).Dir(context.Background(), "web"); err != nil {
			b.Fatal(err)
		}
	}
}
