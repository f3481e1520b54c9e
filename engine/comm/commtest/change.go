package commtest

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Changer changes a tree at random: create, modify, delete, rename, a
// folder replaced by a file and back, permission changes, symlinks, and an
// editor's save (write a temporary file, rename it over the original).
type Changer struct {
	root string
	// outside is a file outside the tree that symlinks may point at: the
	// caller's own, so that a copy that follows a link cannot harm the
	// host, and the caller checks it is unchanged.
	outside string
	r       *rand.Rand
	n       int // names made so far
	// touched are the paths (absolute) changed since TakeTouched.
	touched []string
}

// TakeTouched returns the paths (absolute) the changes since the last call
// touched, as a file watcher would report them.
func (c *Changer) TakeTouched() []string {
	t := c.touched
	c.touched = nil
	return t
}

// NewChanger changes the tree under root with the randomness of r; its
// symlinks point inside the tree, at a missing sibling, or at the file
// outside (absolute), which must be the caller's (see Outside).
func NewChanger(root, outside string, r *rand.Rand) *Changer {
	return &Changer{root: root, outside: outside, r: r}
}

// Outside makes a file for a Changer's absolute symlinks to point at, in a
// folder of the test's, and returns its path and a check that it is
// unchanged: writing through a link must never reach it.
func Outside(t interface {
	TempDir() string
	Fatal(...any)
	Errorf(string, ...any)
	Cleanup(func())
}) string {
	p := filepath.Join(t.TempDir(), "outside-target")
	const content = "a file outside the tree: nothing may write through a link to it\n"
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		fi, err := os.Stat(p)
		got, _ := os.ReadFile(p)
		if err != nil || string(got) != content || fi.Mode().Perm() != 0o644 {
			t.Errorf("the file outside the tree that symlinks point at changed (written or chmodded through a link): %v, mode %v, %q", err, fi.Mode(), got)
		}
	})
	return p
}

// list returns the paths under root (relative), folders if dirs, else the
// others.
func (c *Changer) list(dirs bool) []string {
	return c.listIf(func(d fs.DirEntry) bool { return d.IsDir() == dirs })
}

// regular lists the regular files: what is written to (writing through a
// symlink changes another path than the one touched).
func (c *Changer) regular() []string {
	return c.listIf(func(d fs.DirEntry) bool { return d.Type().IsRegular() })
}

func (c *Changer) listIf(keep func(fs.DirEntry) bool) []string {
	var out []string
	filepath.WalkDir(c.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == c.root {
			return nil
		}
		if keep(d) {
			rel, _ := filepath.Rel(c.root, p)
			out = append(out, rel)
		}
		return nil
	})
	slices.Sort(out)
	return out
}

func (c *Changer) pick(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[c.r.IntN(len(list))]
}

// dir is a folder to make something in: the root or one below.
func (c *Changer) dir() string {
	if c.r.IntN(3) == 0 {
		return "."
	}
	if d := c.pick(c.list(true)); d != "" {
		return d
	}
	return "."
}

func (c *Changer) name() string {
	c.n++
	return fmt.Sprintf("n%d", c.n)
}

func (c *Changer) abs(rel string) string {
	p := filepath.Join(c.root, rel)
	c.touched = append(c.touched, p)
	return p
}

func (c *Changer) content() []byte {
	return []byte(strings.Repeat(fmt.Sprintf("%d ", c.r.IntN(1000)), c.r.IntN(200)))
}

// Apply makes n changes and says what they were.
func (c *Changer) Apply(n int) []string {
	var done []string
	for range n {
		done = append(done, c.one())
	}
	return done
}

func (c *Changer) one() string {
	files, dirs, regular := c.list(false), c.list(true), c.regular()
	switch k := c.r.IntN(11); {
	case k == 0 || len(regular) == 0:
		p := filepath.Join(c.dir(), c.name())
		os.WriteFile(c.abs(p), c.content(), 0o644)
		return "create " + p
	case k == 1:
		p := filepath.Join(c.dir(), c.name())
		os.Mkdir(c.abs(p), 0o755)
		if c.r.IntN(2) == 0 {
			os.WriteFile(c.abs(filepath.Join(p, c.name())), c.content(), 0o644)
		}
		return "mkdir " + p
	case k == 2:
		p := c.pick(regular)
		os.WriteFile(c.abs(p), c.content(), 0o644)
		return "modify " + p
	case k == 3:
		p := c.pick(files)
		os.Remove(c.abs(p))
		return "delete " + p
	case k == 4:
		p, to := c.pick(append(files, dirs...)), filepath.Join(c.dir(), c.name())
		if strings.HasPrefix(to+"/", p+"/") {
			return "rename skipped"
		}
		os.Rename(c.abs(p), c.abs(to))
		return "rename " + p + " → " + to
	case k == 5 && len(dirs) > 0:
		p := c.pick(dirs)
		os.RemoveAll(c.abs(p))
		os.WriteFile(c.abs(p), c.content(), 0o644)
		return "folder → file " + p
	case k == 6:
		p := c.pick(files)
		os.Remove(c.abs(p))
		os.Mkdir(c.abs(p), 0o755)
		os.WriteFile(c.abs(filepath.Join(p, c.name())), c.content(), 0o600)
		return "file → folder " + p
	case k == 7:
		p := c.pick(regular)
		modes := []os.FileMode{0o600, 0o640, 0o644, 0o700, 0o755}
		os.Chmod(c.abs(p), modes[c.r.IntN(len(modes))])
		return "chmod " + p
	case k == 8:
		p := c.pick(regular)
		tmp := filepath.Join(filepath.Dir(p), "."+filepath.Base(p)+".swp")
		os.WriteFile(c.abs(tmp), c.content(), 0o644)
		os.Rename(c.abs(tmp), c.abs(p))
		return "editor save " + p
	case k == 9:
		p := filepath.Join(c.dir(), c.name())
		os.Symlink(c.pick(append(files, "../outside", c.outside)), c.abs(p))
		return "symlink " + p
	default:
		if len(dirs) > 0 && c.r.IntN(2) == 0 {
			p := c.pick(dirs)
			os.Chmod(c.abs(p), []os.FileMode{0o700, 0o750, 0o755}[c.r.IntN(3)])
			return "chmod folder " + p
		}
		p := c.pick(regular)
		if f, err := os.OpenFile(c.abs(p), os.O_APPEND|os.O_WRONLY, 0); err == nil {
			f.Write(c.content())
			f.Close()
		}
		return "append " + p
	}
}
