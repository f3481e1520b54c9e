// Package commtest helps test uploads: it describes trees so that two can
// be compared, and changes a tree at random the ways people and editors
// do. Used by engine/comm's tests, the CLI's integration tests and
// scripts/bench.
package commtest

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Snapshot describes the tree under root, one entry per path (relative,
// slash-separated, "." for root): type, mode, and a file's checksum or a
// symlink's target. skip, when set, leaves paths out (and what a skipped
// folder holds).
func Snapshot(root string, skip func(rel string) bool) (map[string]string, error) {
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if skip != nil && skip(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out[rel] = "link " + l
		case d.IsDir():
			out[rel] = fmt.Sprintf("dir %o", info.Mode().Perm())
		case d.Type().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = fmt.Sprintf("file %o %x", info.Mode().Perm(), sha256.Sum256(data))
		}
		return nil
	})
	return out, err
}

// ParseSnapshot reads the lines of `find` run on a machine (see
// SnapshotScript) into a snapshot.
func ParseSnapshot(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		path, desc, ok := strings.Cut(line, "\t")
		if ok {
			m[path] = desc
		}
	}
	return m
}

// SnapshotScript prints, run with sh in a folder on a machine, the
// snapshot of that folder in ParseSnapshot's form (GNU find, sha256sum).
const SnapshotScript = `find . -mindepth 1 -printf '%P\t%y %m %l\n' | while IFS='	' read -r p rest; do
  set -- $rest
  case $1 in
  f) echo "$p	file $2 $(sha256sum < "$p" | cut -d' ' -f1)";;
  d) echo "$p	dir $2";;
  l) echo "$p	link $3";;
  esac
done
echo ".	dir $(stat -c %a .)"`

// Diff lists how got differs from want, one line per path; "" when equal.
func Diff(want, got map[string]string) string {
	var lines []string
	for p, w := range want {
		if g, ok := got[p]; !ok {
			lines = append(lines, "missing "+p+" ("+w+")")
		} else if g != w {
			lines = append(lines, fmt.Sprintf("%s: got %s, want %s", p, g, w))
		}
	}
	for p, g := range got {
		if _, ok := want[p]; !ok {
			lines = append(lines, "extra "+p+" ("+g+")")
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
