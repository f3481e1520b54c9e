// Package ignore matches paths against .gitignore patterns: `envrun
// watch`'s .envrunignore and the `exclude` list of a file step.
package ignore

import (
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// Patterns are compiled .gitignore patterns, relative to a root folder.
// The zero value and nil match nothing.
type Patterns struct {
	root string
	list []string
	m    gitignore.Matcher
}

// New compiles .gitignore-style patterns relative to root. Blank lines and
// comments are dropped, as git does.
func New(root string, patterns []string) *Patterns {
	p := &Patterns{root: root}
	var ps []gitignore.Pattern
	for _, s := range patterns {
		s = strings.TrimRight(s, " \t\r")
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		p.list = append(p.list, s)
		ps = append(ps, gitignore.ParsePattern(s, nil))
	}
	if len(ps) > 0 {
		p.m = gitignore.NewMatcher(ps)
	}
	return p
}

// List are the patterns in force.
func (p *Patterns) List() []string {
	if p == nil {
		return nil
	}
	return p.list
}

// Empty reports whether no pattern is in force.
func (p *Patterns) Empty() bool { return p == nil || p.m == nil }

// Match reports whether path (absolute) is matched; isDir says whether it
// is a folder, for patterns that end in a slash. Paths outside the root,
// and the root itself, never match.
func (p *Patterns) Match(path string, isDir bool) bool {
	if p.Empty() {
		return false
	}
	rel, err := filepath.Rel(p.root, path)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return false
	}
	return p.MatchRel(filepath.ToSlash(rel), isDir)
}

// MatchRel is Match for a slash-separated path relative to the root.
func (p *Patterns) MatchRel(rel string, isDir bool) bool {
	if p.Empty() || rel == "" || rel == "." {
		return false
	}
	return p.m.Match(strings.Split(rel, "/"), isDir)
}
