package modules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/envrun/envrun/internal/suggest"
)

// ManifestFile is the file at a module's root that declares what it needs.
const ManifestFile = "envrun-module.lua"

// Manifest is what a module says about itself.
type Manifest struct {
	Description string
	// Dependencies maps module names to "SOURCE@REF". A relative SOURCE is
	// relative to the requiring module's own source (a folder, or a URL
	// as with git's relative submodule URLs).
	Dependencies map[string]string
}

// Project is the modules of one Envfile: its lock file, and the cache.
type Project struct {
	Envfile  string // absolute path of the Envfile
	LockPath string
	Cache    *Cache
	// ReadManifest reads a module's envrun-module.lua (the Lua front end
	// does). Nil means modules declare no dependencies.
	ReadManifest func(path string) (*Manifest, error)
	// Logf reports fetches as they happen; may be nil.
	Logf func(format string, args ...any)

	mu   sync.Mutex
	lock *Lock             // read on first use by Dir
	dirs map[string]string // verified folders, by module name
}

// NewProject returns the modules of the Envfile at envfile (absolute).
func NewProject(envfile string, cache *Cache) *Project {
	return &Project{Envfile: envfile, LockPath: LockPath(envfile), Cache: cache}
}

func (p *Project) envDir() string  { return filepath.Dir(p.Envfile) }
func (p *Project) envName() string { return filepath.Base(p.Envfile) }

func (p *Project) logf(format string, args ...any) {
	if p.Logf != nil {
		p.Logf(format, args...)
	}
}

// ReadLock reads the project's lock file (empty when there is none).
func (p *Project) ReadLock() (*Lock, error) {
	return ReadLock(p.LockPath)
}

// Dir returns the verified folder of the locked module name, or "" when
// the lock has no such module. A module missing from the cache is fetched
// (at its locked commit); a cached copy whose content hash differs from
// the lock is an error that names the module. Dir is what `require` uses.
func (p *Project) Dir(ctx context.Context, name string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lock == nil {
		l, err := p.ReadLock()
		if err != nil {
			return "", err
		}
		p.lock, p.dirs = l, map[string]string{}
	}
	if d, ok := p.dirs[name]; ok {
		return d, nil
	}
	e, ok := p.lock.Modules[name]
	if !ok {
		return "", nil
	}
	d, err := p.Ensure(ctx, name, e)
	if err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Base(p.LockPath), err)
	}
	p.dirs[name] = d
	return d, nil
}

// Names lists the locked modules (for messages); nil when the lock cannot
// be read.
func (p *Project) Names() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lock == nil {
		return nil
	}
	return p.lock.Names()
}

// Ensure returns the cached folder of a locked module after checking its
// content hash, fetching the locked commit first when the cache lacks it:
// from the cache's mirror of the source if it has the commit (no network),
// else from the source.
func (p *Project) Ensure(ctx context.Context, name string, e *Entry) (string, error) {
	src := Resolve(e.Source, p.envDir())
	dir := p.Cache.ModuleDir(src, e.Commit)
	got, err := Hash(dir)
	if err == nil {
		if got != e.Hash {
			return "", &HashMismatchError{Name: name, Dir: dir, Want: e.Hash, Got: got}
		}
		return dir, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("module %q: %w", name, err)
	}
	m, err := p.Cache.mirrorFor(ctx, src)
	if err != nil {
		return "", fmt.Errorf("module %q: %w", name, err)
	}
	if !m.has(ctx, e.Commit) {
		p.logf("fetching module %s (%s, commit %.12s)", name, displaySource(e.Source, e.Ref), e.Commit)
		if err := m.fetch(ctx); err != nil {
			return "", fmt.Errorf("module %q is not in the cache, and fetching it failed: %w", name, err)
		}
		if !m.has(ctx, e.Commit) {
			if err := m.fetchCommit(ctx, e.Commit); err != nil || !m.has(ctx, e.Commit) {
				return "", fmt.Errorf("module %q: %s no longer has the locked commit %s (history rewritten?): run `envrun module update %s`", name, e.Source, e.Commit, name)
			}
		}
	}
	dir, _, err = p.Cache.export(ctx, name, m, e.Commit, e.Hash)
	return dir, err
}

func displaySource(source, ref string) string {
	if ref == "" {
		return source
	}
	return source + "@" + ref
}

// requirement is one module asked for by the Envfile or by a module.
type requirement struct {
	name   string
	source string // as written
	ref    string
	by     string // the Envfile's file name, or the requiring module
	base   string // what a relative source is relative to
}

// ConflictError is one module name required at two versions.
type ConflictError struct {
	Name   string
	First  string // "by X (SOURCE@REF, commit C)"
	Second string
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("module %q is required at two versions: %s and %s; a module name has one version in an Envfile: make them agree",
		e.Name, e.First, e.Second)
}

// InputError is a problem the user must fix in what they asked for (a
// bad name, an unknown ref): the command line or a module's manifest.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

type chosen struct {
	entry    *Entry
	resolved string // resolved source
	dir      string
	first    string // who asked first, described
}

// resolve computes the lock for the direct requirements: each module's
// commit (kept from old when its requirement is unchanged and it is not
// being updated), then its manifest's dependencies, breadth first, one
// version per name.
func (p *Project) resolve(ctx context.Context, direct []requirement, old *Lock, update func(string) bool) (*Lock, error) {
	slices.SortFunc(direct, func(a, b requirement) int { return strings.Compare(a.name, b.name) })
	queue := direct
	picked := map[string]*chosen{}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		if err := CheckName(r.name); err != nil {
			return nil, &InputError{fmt.Errorf("%s: %w", r.by, err)}
		}
		if err := CheckRef(r.ref); err != nil {
			return nil, &InputError{fmt.Errorf("%s: module %q: %w", r.by, r.name, err)}
		}
		src, err := joinSource(r.base, r.source)
		if err != nil {
			return nil, &InputError{fmt.Errorf("%s: module %q: %w", r.by, r.name, err)}
		}
		if c, ok := picked[r.name]; ok {
			if err := p.agree(ctx, c, r, src); err != nil {
				return nil, err
			}
			if r.by == p.envName() {
				c.entry.Direct = true
			} else {
				c.entry.RequiredBy = append(c.entry.RequiredBy, r.by)
			}
			continue
		}
		c, err := p.pick(ctx, r, src, old, update)
		if err != nil {
			return nil, err
		}
		picked[r.name] = c
		deps, err := p.dependencies(r.name, c)
		if err != nil {
			return nil, err
		}
		queue = append(queue, deps...)
	}
	l := &Lock{Version: LockVersion, Modules: map[string]*Entry{}}
	for name, c := range picked {
		l.Modules[name] = c.entry
	}
	return l, nil
}

// pick locks one module: its old entry when the requirement is the same
// and it is not being updated, else whatever the ref names now.
func (p *Project) pick(ctx context.Context, r requirement, src string, old *Lock, update func(string) bool) (*chosen, error) {
	portable := p.portable(r, src)
	e := &Entry{Source: portable, Ref: r.ref, Direct: r.by == p.envName()}
	if !e.Direct {
		e.RequiredBy = []string{r.by}
	}
	c := &chosen{entry: e, resolved: src}
	if o, ok := old.Modules[r.name]; ok && !update(r.name) && o.Ref == r.ref && Same(Resolve(o.Source, p.envDir()), src) {
		dir, err := p.Ensure(ctx, r.name, o)
		if err != nil {
			return nil, err
		}
		e.Commit, e.Hash, c.dir = o.Commit, o.Hash, dir
		c.first = describe(r, portable, o.Commit)
		return c, nil
	}
	m, err := p.Cache.mirrorFor(ctx, src)
	if err != nil {
		return nil, err
	}
	p.logf("fetching module %s (%s)", r.name, displaySource(portable, r.ref))
	commit, err := m.resolve(ctx, r.ref)
	if err != nil {
		var ge *gitError
		if errors.As(err, &ge) || errors.Is(err, ErrNoGit) {
			return nil, fmt.Errorf("module %q: %w", r.name, err)
		}
		return nil, &InputError{fmt.Errorf("%s: module %q: %w", r.by, r.name, err)}
	}
	dir, hash, err := p.Cache.export(ctx, r.name, m, commit, "")
	if err != nil {
		return nil, err
	}
	if !hasLua(dir) {
		return nil, &InputError{fmt.Errorf("%s: module %q: %s has no Lua file: is it an envrun module?", r.by, r.name, displaySource(portable, r.ref))}
	}
	e.Commit, e.Hash, c.dir = commit, hash, dir
	c.first = describe(r, portable, commit)
	return c, nil
}

// agree checks that a second requirement of a picked module asks for the
// same repository at the same commit.
func (p *Project) agree(ctx context.Context, c *chosen, r requirement, src string) error {
	portable := p.portable(r, src)
	conflict := func(commit string) error {
		return &ConflictError{Name: r.name, First: c.first, Second: describe(r, portable, commit)}
	}
	if !Same(c.resolved, src) {
		return conflict("")
	}
	if r.ref == c.entry.Ref {
		return nil
	}
	m, err := p.Cache.mirrorFor(ctx, src)
	if err != nil {
		return err
	}
	commit, err := m.resolve(ctx, r.ref)
	if err != nil {
		return &InputError{fmt.Errorf("%s: module %q: %w", r.by, r.name, err)}
	}
	if commit != c.entry.Commit {
		return conflict(commit)
	}
	return nil
}

func describe(r requirement, source, commit string) string {
	s := fmt.Sprintf("by %s (%s", r.by, displaySource(source, r.ref))
	if commit != "" {
		s += fmt.Sprintf(", commit %.12s", commit)
	}
	return s + ")"
}

// portable is how r's resolved source src is written in the lock.
func (p *Project) portable(r requirement, src string) string {
	return Portable(src, IsLocal(r.source) && !filepath.IsAbs(r.source), p.envDir())
}

// dependencies reads a picked module's manifest.
func (p *Project) dependencies(name string, c *chosen) ([]requirement, error) {
	file := filepath.Join(c.dir, ManifestFile)
	if _, err := os.Stat(file); err != nil || p.ReadManifest == nil {
		return nil, nil
	}
	mf, err := p.ReadManifest(file)
	if err != nil {
		return nil, &InputError{fmt.Errorf("module %q: %w", name, err)}
	}
	var deps []requirement
	for dep, spec := range mf.Dependencies {
		source, ref := SplitRef(spec)
		deps = append(deps, requirement{name: dep, source: source, ref: ref, by: name, base: c.resolved})
	}
	slices.SortFunc(deps, func(a, b requirement) int { return strings.Compare(a.name, b.name) })
	return deps, nil
}

// joinSource resolves source against base: a local path against a folder,
// a relative path against a URL's path (as git does for relative submodule
// URLs). A URL or absolute path is returned as it is.
func joinSource(base, source string) (string, error) {
	if source == "" {
		return "", errors.New("no source")
	}
	if !IsLocal(source) || filepath.IsAbs(source) {
		return Resolve(source, ""), nil
	}
	switch {
	case IsLocal(base):
		return Resolve(source, base), nil
	case strings.Contains(base, "://"):
		i := strings.Index(base, "://") + 3
		j := strings.IndexByte(base[i:], '/')
		if j < 0 {
			return base + "/" + path.Clean(source), nil
		}
		return base[:i+j] + path.Join(base[i+j:], source), nil
	default: // scp-like host:path
		i := strings.IndexByte(base, ':')
		return base[:i+1] + path.Join(base[i+1:], source), nil
	}
}

// Add locks module name from source at ref (a tag, branch or commit; ""
// for the default branch) as one of the Envfile's own modules, with its
// dependencies. A relative local source is relative to the Envfile's
// folder. Adding a module that is there already sets its source and ref.
func (p *Project) Add(ctx context.Context, old *Lock, name, source, ref string) (*Lock, error) {
	if err := CheckName(name); err != nil {
		return nil, &InputError{err}
	}
	reqs := p.direct(old, name)
	reqs = append(reqs, requirement{name: name, source: source, ref: ref, by: p.envName(), base: p.envDir()})
	return p.resolve(ctx, reqs, old, func(n string) bool { return n == name })
}

// Update locks anew the named modules (all when names is empty): each at
// what its ref names now. ref, when given with one name, changes that
// direct module's ref first.
func (p *Project) Update(ctx context.Context, old *Lock, names []string, ref string) (*Lock, error) {
	for _, n := range names {
		if _, ok := old.Modules[n]; !ok {
			return nil, &InputError{fmt.Errorf("no module %q in %s%s", n, filepath.Base(p.LockPath), suggest.DidYouMean(n, old.Names()))}
		}
	}
	reqs := p.direct(old, "")
	if ref != "" {
		if len(names) != 1 {
			return nil, &InputError{errors.New("a new ref (NAME@REF) needs exactly one module name")}
		}
		e := old.Modules[names[0]]
		if !e.Direct {
			return nil, &InputError{fmt.Errorf("module %q is not the Envfile's own: %s chooses its version; change it there, or add it yourself with `envrun module add`",
				names[0], strings.Join(e.RequiredBy, ", "))}
		}
		for i := range reqs {
			if reqs[i].name == names[0] {
				reqs[i].ref = ref
			}
		}
	}
	update := func(string) bool { return true }
	if len(names) > 0 {
		update = func(n string) bool { return slices.Contains(names, n) }
	}
	return p.resolve(ctx, reqs, old, update)
}

// Remove drops one of the Envfile's own modules, and the dependencies no
// other module needs.
func (p *Project) Remove(ctx context.Context, old *Lock, name string) (*Lock, error) {
	e, ok := old.Modules[name]
	switch {
	case !ok:
		return nil, &InputError{fmt.Errorf("no module %q in %s%s", name, filepath.Base(p.LockPath), suggest.DidYouMean(name, old.Names()))}
	case !e.Direct:
		return nil, &InputError{fmt.Errorf("module %q was not added by the Envfile: %s requires it (remove that instead)", name, strings.Join(e.RequiredBy, ", "))}
	}
	return p.resolve(ctx, p.direct(old, name), old, func(string) bool { return false })
}

// direct lists the lock's direct modules as requirements, but skip.
func (p *Project) direct(l *Lock, skip string) []requirement {
	var reqs []requirement
	for _, n := range l.Names() {
		if e := l.Modules[n]; e.Direct && n != skip {
			reqs = append(reqs, requirement{name: n, source: e.Source, ref: e.Ref, by: p.envName(), base: p.envDir()})
		}
	}
	return reqs
}

// Changes describes what differs between two locks, one line each.
func Changes(old, new *Lock) []string {
	var out []string
	ver := func(e *Entry) string {
		if e.Ref == "" {
			return fmt.Sprintf("%.12s", e.Commit)
		}
		return fmt.Sprintf("%s (%.12s)", e.Ref, e.Commit)
	}
	for _, n := range new.Names() {
		e := new.Modules[n]
		o, ok := old.Modules[n]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("added %s %s from %s", n, ver(e), e.Source))
		case o.Commit != e.Commit || o.Source != e.Source:
			out = append(out, fmt.Sprintf("updated %s %s → %s", n, ver(o), ver(e)))
		}
	}
	for _, n := range old.Names() {
		if _, ok := new.Modules[n]; !ok {
			out = append(out, "removed "+n)
		}
	}
	return out
}
