package comm

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/envrun/envrun/internal/ignore"
	"github.com/envrun/envrun/internal/statedir"
)

// entry is one path of a tree as an upload sees it.
type entry struct {
	mode  fs.FileMode // type bits and permissions
	size  int64
	mtime time.Time
	link  string // a symlink's target
}

// same reports whether the machine's copy of old needs no sending for e.
func (e entry) same(old entry) bool {
	if e.mode != old.mode {
		return false
	}
	switch {
	case e.mode.IsRegular():
		return e.size == old.size && e.mtime.Equal(old.mtime)
	case e.mode&fs.ModeSymlink != 0:
		return e.link == old.link
	}
	return true // a folder whose mode is unchanged
}

func sameType(a, b fs.FileMode) bool { return a.Type() == b.Type() }

// Tree is what a folder holds, as an upload sends it: paths relative to
// the folder, slash-separated, "." for the folder itself. Regular files,
// folders and symlinks only (sockets, devices and pipes are not copied);
// symlinks are never followed.
type Tree map[string]entry

// Paths returns the tree's paths sorted, so that a folder comes before
// what it holds.
func (t Tree) Paths() []string {
	out := make([]string, 0, len(t))
	for p := range t {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// matcher says which paths (relative to a scan's root) are left out.
type matcher interface {
	MatchRel(rel string, isDir bool) bool
}

// Scan reads the tree under root, leaving out every folder called
// statedir.Name and what exclude matches (patterns relative to root; nil for
// none).
func Scan(root string, exclude matcher) (Tree, error) {
	t := Tree{}
	err := walk(root, exclude, func(rel string, e entry) error {
		t[rel] = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// walk calls fn for every path of the tree under root that Scan keeps,
// a folder before what it holds.
func walk(root string, exclude matcher, fn func(rel string, e entry) error) error {
	if exclude == nil {
		exclude = (*ignore.Patterns)(nil)
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != root && errors.Is(err, fs.ErrNotExist) {
				return nil // gone while we walked: the next run sees that
			}
			return err
		}
		rel := "."
		if p != root {
			rel = filepath.ToSlash(p[len(root)+1:])
			if d.IsDir() && d.Name() == statedir.Name {
				return filepath.SkipDir
			}
			if exclude.MatchRel(rel, d.IsDir()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		info, err := d.Info()
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		e := entry{mode: info.Mode().Type() | info.Mode().Perm()}
		switch {
		case info.Mode().IsRegular():
			e.size, e.mtime = info.Size(), info.ModTime()
		case info.Mode()&fs.ModeSymlink != 0:
			if e.link, err = os.Readlink(p); err != nil {
				return err
			}
		case info.IsDir():
			e.mtime = info.ModTime()
		default:
			return nil // sockets, devices, pipes: not copied
		}
		return fn(rel, e)
	})
}

// Delta is what makes the machine's copy of old equal to now: Remove
// first (each a path to remove with what it holds), then Send.
type Delta struct {
	Remove []string
	Send   []string // sorted: a folder before what it holds
}

// Empty reports whether nothing needs doing.
func (d Delta) Empty() bool { return len(d.Remove) == 0 && len(d.Send) == 0 }

// Diff returns what turns a copy of old into a copy of now: paths gone
// from now or whose type changed are removed (the topmost only), paths
// new, changed or re-typed are sent. A nil old sends everything and
// removes nothing.
func Diff(old, now Tree) Delta {
	var d Delta
	for _, p := range old.Paths() {
		e, ok := now[p]
		if ok && sameType(e.mode, old[p].mode) {
			continue
		}
		if n := len(d.Remove); n > 0 && within(p, d.Remove[n-1]) {
			continue // its folder goes already
		}
		d.Remove = append(d.Remove, p)
	}
	for _, p := range now.Paths() {
		if o, ok := old[p]; ok && now[p].same(o) {
			continue
		}
		d.Send = append(d.Send, p)
	}
	return d
}

// within reports whether slash path p is dir or inside it.
func within(p, dir string) bool {
	return p == dir || dir == "." || strings.HasPrefix(p, dir+"/")
}

// destination resolves an upload's destination as Upload documents it.
func destination(src, dst string) string {
	if strings.HasSuffix(dst, "/") {
		return path.Join(dst, filepath.Base(src))
	}
	return dst
}

// checkSource refuses a source inside an environment's private folder.
func checkSource(src string) error {
	for _, part := range strings.Split(filepath.ToSlash(filepath.Clean(src)), "/") {
		if part == statedir.Name {
			return fmt.Errorf("%s is inside %s, the environment's private folder: envrun never uploads it", src, statedir.Name)
		}
	}
	return nil
}
