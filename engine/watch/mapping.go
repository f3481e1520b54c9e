package watch

import (
	"os"
	"path/filepath"
	"slices"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/ignore"
)

// Watched is one path a step depends on, and why.
type Watched struct {
	Path string // absolute; a file, or a folder and everything in it
	Why  string // "watch", or the step setting it was inferred from
	// Exclude are paths below Path that do not count (a file step's
	// `exclude`); nil for none.
	Exclude *ignore.Patterns
}

// covers reports whether a change of p (absolute) counts for w.
func (w Watched) covers(p string) bool {
	if !within(p, w.Path) {
		return false
	}
	if w.Exclude.Empty() {
		return true
	}
	if w.Exclude.Match(filepath.Dir(p), true) {
		return false
	}
	fi, err := os.Lstat(p)
	if err != nil { // gone: it was a file or a folder
		return !w.Exclude.Match(p, false) && !w.Exclude.Match(p, true)
	}
	return !w.Exclude.Match(p, fi.IsDir())
}

// ansibleDirs are the folders beside a playbook that Ansible reads.
var ansibleDirs = []string{"roles", "group_vars", "host_vars", "templates", "files"}

// StepPaths are the paths whose change re-runs step s: its `watch` list
// when it has one, otherwise what the step reads — a shell step's script,
// a file step's source (a file, or a folder and all in it), an ansible
// step's playbook with the roles/, group_vars/, host_vars/, templates/ and
// files/ folders beside it, its config and its galaxy requirements. An
// inline shell step and a Lua hook read no file: they change with the
// Envfile.
func StepPaths(s spec.Step) []Watched {
	if w := s.Info().Watch; len(w) > 0 {
		out := make([]Watched, len(w))
		for i, p := range w {
			out[i] = Watched{Path: filepath.Clean(p), Why: "watch"}
		}
		return out
	}
	var out []Watched
	add := func(p, why string) {
		if p != "" {
			out = append(out, Watched{Path: filepath.Clean(p), Why: why})
		}
	}
	switch s := s.(type) {
	case *spec.Shell:
		add(s.Path, "path")
	case *spec.File:
		add(s.Source, "source")
		if len(s.Exclude) > 0 {
			out[len(out)-1].Exclude = ignore.New(filepath.Clean(s.Source), s.Exclude)
		}
	case *spec.Ansible:
		add(s.Playbook, "playbook")
		if s.Playbook != "" {
			dir := filepath.Dir(s.Playbook)
			for _, d := range ansibleDirs {
				add(filepath.Join(dir, d), d+"/ beside the playbook")
			}
		}
		add(s.Config, "config")
		add(s.GalaxyRequirements, "galaxy_requirements")
	}
	return out
}

// Rule ties a step to the paths it depends on.
type Rule struct {
	Step  engine.StepRef
	Paths []Watched
}

// Rules lists the watched paths of every step of ef, machine steps in
// Envfile order, then global steps. Steps that depend on no file are left
// out.
func Rules(ef *spec.Envfile) []Rule {
	var out []Rule
	for _, m := range ef.Machines {
		for _, s := range m.Steps {
			if s.Info().Run == spec.RunNever {
				continue // only --step runs it: its files are not watched
			}
			if ps := StepPaths(s); len(ps) > 0 {
				out = append(out, Rule{Step: engine.StepRef{Machine: m.Name, Step: s.Info().Name}, Paths: ps})
			}
		}
	}
	for _, s := range ef.Steps {
		if s.Info().Run == spec.RunNever {
			continue
		}
		if ps := StepPaths(s); len(ps) > 0 {
			out = append(out, Rule{Step: engine.StepRef{Step: s.Info().Name}, Paths: ps})
		}
	}
	return out
}

// Mapper says what a batch of changed paths means for an Envfile.
type Mapper struct {
	Rules   []Rule
	Sources []string // the Envfile and the modules it required
	Ignore  *Ignore
	// IgnorePath is the .envrunignore file.
	IgnorePath string
}

// NewMapper maps changes for ef under the ignore rules ig.
func NewMapper(ef *spec.Envfile, ig *Ignore) *Mapper {
	return &Mapper{
		Rules:      Rules(ef),
		Sources:    slices.Clone(ef.Sources),
		Ignore:     ig,
		IgnorePath: filepath.Join(ef.Dir, IgnoreFile),
	}
}

// Roots are the paths to watch: every step's, the Lua sources and the
// ignore file.
func (m *Mapper) Roots() []string {
	var out []string
	for _, r := range m.Rules {
		for _, w := range r.Paths {
			out = append(out, w.Path)
		}
	}
	out = append(out, m.Sources...)
	out = append(out, m.IgnorePath)
	slices.Sort(out)
	return slices.Compact(out)
}

// Change is what a batch of changed paths calls for.
type Change struct {
	Paths      []string         // the changed paths that matter, in batch order
	Envfile    bool             // the Envfile or a module it required changed
	IgnoreFile bool             // .envrunignore changed
	Steps      []engine.StepRef // the steps to re-run, in Envfile order
	Unused     []string         // changed paths no step depends on
	Ignored    []string         // changed paths the ignore rules leave out
}

// Empty reports whether the change calls for nothing.
func (c *Change) Empty() bool {
	return !c.Envfile && !c.IgnoreFile && len(c.Steps) == 0
}

// Map sorts a batch of changed paths (absolute).
func (m *Mapper) Map(paths []string) *Change {
	c := &Change{}
	hit := map[int]bool{}
	for _, p := range paths {
		p = filepath.Clean(p)
		switch {
		case p == m.IgnorePath:
			c.IgnoreFile = true
			c.Paths = append(c.Paths, p)
			continue
		case slices.Contains(m.Sources, p):
			c.Envfile = true
			c.Paths = append(c.Paths, p)
			continue
		case m.Ignore.Match(p, false):
			c.Ignored = append(c.Ignored, p)
			continue
		}
		used := false
		for i, r := range m.Rules {
			for _, w := range r.Paths {
				if w.covers(p) {
					hit[i], used = true, true
				}
			}
		}
		if used {
			c.Paths = append(c.Paths, p)
		} else {
			c.Unused = append(c.Unused, p)
		}
	}
	for i, r := range m.Rules {
		if hit[i] {
			c.Steps = append(c.Steps, r.Step)
		}
	}
	return c
}
