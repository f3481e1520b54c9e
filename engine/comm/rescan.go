package comm

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/envrun/envrun/internal/ignore"
	"github.com/envrun/envrun/internal/statedir"
)

// Rescan brings tree t, scanned under root earlier, up to date for the
// paths changed (absolute; paths outside root are ignored) and returns
// what changed as a Delta. Only the changed paths, what is below them and
// their folders are looked at: with a watcher's list of changed paths, a
// re-run costs what changed, not the size of the tree. A changed path
// whose folder changed type (a file replaced by a folder) counts as that
// folder. t is updated in place.
func Rescan(t Tree, root string, exclude *ignore.Patterns, changed []string) (Delta, error) {
	roots := map[string]bool{}
	for _, p := range changed {
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			continue
		}
		rel = filepath.ToSlash(rel)
		roots[settled(t, root, rel)] = true
	}
	// The topmost roots only: what is below one is looked at with it.
	var tops []string
	for _, r := range slices.Sorted(func(yield func(string) bool) {
		for r := range roots {
			if !yield(r) {
				return
			}
		}
	}) {
		if n := len(tops); n > 0 && within(r, tops[n-1]) {
			continue
		}
		tops = append(tops, r)
	}
	if slices.Contains(tops, ".") {
		now, err := Scan(root, exclude)
		if err != nil {
			return Delta{}, err
		}
		d := Diff(t, now)
		clear(t)
		for p, e := range now {
			t[p] = e
		}
		return d, nil
	}
	// What t holds under the roots, taken out of it.
	isTop := map[string]bool{}
	for _, r := range tops {
		isTop[r] = true
	}
	old := Tree{}
	for p, e := range t {
		for a := p; ; {
			if isTop[a] {
				old[p] = e
				break
			}
			i := strings.LastIndexByte(a, '/')
			if i < 0 {
				break
			}
			a = a[:i]
		}
	}
	for p := range old {
		delete(t, p)
	}
	// What is there now.
	now := Tree{}
	for _, r := range tops {
		if skipped(root, r, exclude) {
			continue
		}
		sub, err := Scan(filepath.Join(root, filepath.FromSlash(r)), subPatterns{exclude, r})
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return Delta{}, err
		}
		for p, e := range sub {
			if p == "." {
				now[r] = e
			} else {
				now[r+"/"+p] = e
			}
		}
	}
	for p, e := range now {
		t[p] = e
	}
	return Diff(old, now), nil
}

// settled returns rel, or the topmost of its folders that t does not know
// as the folder it is now (made, or a file before): the change to look
// at.
func settled(t Tree, root, rel string) string {
	if rel == "." {
		return rel
	}
	parts := strings.Split(rel, "/")
	for i := 1; i < len(parts); i++ {
		dir := strings.Join(parts[:i], "/")
		e, ok := t[dir]
		if !ok || !e.mode.IsDir() {
			return dir
		}
		if fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(dir))); err != nil || !fi.IsDir() {
			return dir
		}
	}
	return rel
}

// skipped reports whether rel (under root) or one of its folders is
// never uploaded.
func skipped(root, rel string, exclude *ignore.Patterns) bool {
	for _, part := range strings.Split(rel, "/") {
		if part == statedir.Name {
			return true
		}
	}
	for a := path.Dir(rel); a != "."; a = path.Dir(a) {
		if exclude.MatchRel(a, true) {
			return true
		}
	}
	fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(rel)))
	return err == nil && exclude.MatchRel(rel, fi.IsDir())
}

// subPatterns are exclude patterns applied below folder prefix of their
// root.
type subPatterns struct {
	p      *ignore.Patterns
	prefix string
}

func (s subPatterns) MatchRel(rel string, isDir bool) bool {
	return s.p.MatchRel(s.prefix+"/"+rel, isDir)
}
