package modules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/envrun/envrun/internal/safefile"
)

// LockVersion is the format of Envfile.lock this envrun writes and reads.
const LockVersion = 1

// Lock is Envfile.lock: every module the Envfile uses, directly or through
// another module, pinned to a commit and the hash of its files.
type Lock struct {
	Version int               `json:"version"`
	Modules map[string]*Entry `json:"modules"`
}

// Entry is one locked module.
type Entry struct {
	// Source is the git repository: a URL, or a path (relative to the
	// Envfile's folder when it was given relative).
	Source string `json:"source"`
	// Ref is the tag, branch or commit asked for; "" is the default branch.
	Ref string `json:"ref,omitempty"`
	// Commit is the full commit id Ref resolved to.
	Commit string `json:"commit"`
	// Hash is the content hash of the module's files at Commit, in the
	// h1: form of go.sum.
	Hash string `json:"hash"`
	// Direct is set for modules added with `envrun module add`.
	Direct bool `json:"direct,omitempty"`
	// RequiredBy names the modules whose envrun-module.lua asks for this
	// one (sorted); the Envfile's own modules are Direct instead.
	RequiredBy []string `json:"required_by,omitempty"`
}

// LockPath is the lock file of the Envfile at envfile: beside it, with
// .lock for .lua (Envfile.lua → Envfile.lock).
func LockPath(envfile string) string {
	return strings.TrimSuffix(envfile, filepath.Ext(envfile)) + ".lock"
}

// ReadLock reads a lock file. A missing file is an empty lock.
func ReadLock(path string) (*Lock, error) {
	l := &Lock{Version: LockVersion, Modules: map[string]*Entry{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(l); err != nil {
		return nil, fmt.Errorf("%s is not a valid lock file: %w (remove it and add the modules again with `envrun module add`)", path, err)
	}
	if l.Version != LockVersion {
		return nil, fmt.Errorf("%s has format version %d; this envrun reads version %d", path, l.Version, LockVersion)
	}
	if l.Modules == nil {
		l.Modules = map[string]*Entry{}
	}
	for _, name := range l.Names() {
		e := l.Modules[name]
		var bad error
		switch {
		case e == nil:
			bad = errors.New("empty entry")
		case CheckName(name) != nil:
			bad = CheckName(name)
		case e.Source == "":
			bad = errors.New("no source")
		case !commitRE.MatchString(e.Commit):
			bad = fmt.Errorf("commit %q is not a full commit id", e.Commit)
		case !strings.HasPrefix(e.Hash, "h1:"):
			bad = fmt.Errorf("hash %q is not an h1: hash", e.Hash)
		case CheckRef(e.Ref) != nil:
			bad = CheckRef(e.Ref)
		}
		if bad != nil {
			return nil, fmt.Errorf("%s: module %q: %v", path, name, bad)
		}
	}
	return l, nil
}

// Write writes the lock atomically, modules sorted by name. The file is
// meant to be committed with the Envfile.
func (l *Lock) Write(path string) error {
	l.Version = LockVersion
	data, err := l.Marshal()
	if err != nil {
		return err
	}
	return safefile.WriteFile(path, data, 0o644)
}

// Marshal is the lock file's text.
func (l *Lock) Marshal() ([]byte, error) {
	for _, e := range l.Modules {
		slices.Sort(e.RequiredBy)
		e.RequiredBy = slices.Compact(e.RequiredBy)
	}
	data, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Names lists the locked modules, sorted.
func (l *Lock) Names() []string {
	names := make([]string, 0, len(l.Modules))
	for n := range l.Modules {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Requirers names who needs module name, for messages: the Envfile (as
// envfile) when it is direct, then the modules that require it.
func (e *Entry) Requirers(envfile string) []string {
	var out []string
	if e.Direct {
		out = append(out, envfile)
	}
	return append(out, e.RequiredBy...)
}
