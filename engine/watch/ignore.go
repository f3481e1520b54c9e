package watch

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/envrun/envrun/internal/ignore"
	"github.com/envrun/envrun/internal/statedir"
)

// IgnoreFile is the name of the file of ignore patterns beside the Envfile.
// It has the syntax of .gitignore; patterns are relative to its folder.
const IgnoreFile = ".envrunignore"

// ignoredDirs are folders whose contents the watch never looks at, wherever
// they are.
var ignoredDirs = []string{".git", ".hg", ".svn", statedir.Name}

// editorFiles are the temporary, backup and swap files editors write beside
// the file being edited (names, matched as filepath.Match patterns).
var editorFiles = []string{
	".*.sw[a-p]", ".*.sw[a-p]x", // vim swap files (.x.swp, .x.swo, ...)
	"4913",       // vim's probe for a writable folder
	"*~",         // vim, emacs and others: backups
	".#*", "#*#", // emacs: locks, auto-saves
	"*___jb_tmp___", "*___jb_old___", // JetBrains safe write
	".goutputstream-*", // gedit
	"*.kate-swp",       // kate
	".DS_Store",
}

// Ignore says which paths the watch leaves alone: the folders of
// ignoredDirs, editor temporary files, and the patterns of .envrunignore.
// The zero value ignores only the built-in names.
type Ignore struct {
	p *ignore.Patterns
}

// NewIgnore compiles .gitignore-style patterns relative to root.
func NewIgnore(root string, patterns []string) *Ignore {
	return &Ignore{p: ignore.New(root, patterns)}
}

// LoadIgnore reads root/.envrunignore; a missing file means no patterns.
func LoadIgnore(root string) (*Ignore, error) {
	data, err := os.ReadFile(filepath.Join(root, IgnoreFile))
	if errors.Is(err, fs.ErrNotExist) {
		return NewIgnore(root, nil), nil
	}
	if err != nil {
		return nil, err
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return NewIgnore(root, lines), nil
}

// Patterns are the .envrunignore patterns in force.
func (ig *Ignore) Patterns() []string { return ig.p.List() }

// Match reports whether the watch ignores path (absolute). isDir says
// whether path is a folder, for patterns that end in a slash.
func (ig *Ignore) Match(path string, isDir bool) bool {
	parts := strings.Split(filepath.ToSlash(path), "/")
	for _, p := range parts {
		if slices.Contains(ignoredDirs, p) {
			return true
		}
	}
	if !isDir {
		base := parts[len(parts)-1]
		for _, pat := range editorFiles {
			if ok, _ := filepath.Match(pat, base); ok {
				return true
			}
		}
	}
	if ig == nil {
		return false
	}
	return ig.p.Match(path, isDir) // below their folder only
}
