package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/fsnotify/fsnotify"
)

// Notifier watches files and folders for changes with fsnotify. A folder is
// watched recursively, and folders made inside it later are watched too; a
// file is watched through its folder, so that editors that save by
// renaming a new file over the old one are seen; a path that does not
// exist yet is watched through its nearest existing parent until it
// appears. It reports every changed file in the folders it watches, less
// the ignored ones: files beside a watched one too, so that `-v` can say
// that a change concerns no step.
type Notifier struct {
	fs       *fsnotify.Watcher
	onChange func(path string)
	onError  func(error)
	done     chan struct{}

	mu     sync.Mutex
	ignore *Ignore
	roots  []string          // the paths asked for, cleaned and absolute
	dirs   map[string]fileID // folders with an inotify watch, and which folder each is
	byID   map[fileID]string // the path each watched folder is watched under
	// visited, while Watch runs, collects the folders it still needs.
	visited map[string]bool
}

// fileID identifies a folder whatever its name: inotify watches a folder,
// not a path, and hands back the watch a folder already has when it is
// watched again under a new name.
type fileID struct{ dev, ino uint64 }

// NewNotifier starts a notifier with nothing to watch. onChange and
// onError are called from its goroutine, one at a time; errors of an
// exhausted inotify limit say how to raise it.
func NewNotifier(onChange func(string), onError func(error)) (*Notifier, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch files: %w", explainLimit(err))
	}
	n := &Notifier{fs: fw, onChange: onChange, onError: onError, done: make(chan struct{}),
		dirs: map[string]fileID{}, byID: map[fileID]string{}}
	go n.loop()
	return n, nil
}

// Close stops watching. No callback runs after it returns.
func (n *Notifier) Close() error {
	err := n.fs.Close()
	<-n.done
	return err
}

// SetIgnore replaces the ignore rules; nil ignores only the built-in names.
func (n *Notifier) SetIgnore(ig *Ignore) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.ignore = ig
}

// Watch makes the watched paths exactly roots (absolute), adding watches
// for new ones and removing those no longer needed.
func (n *Notifier) Watch(roots []string) error {
	clean := make([]string, 0, len(roots))
	for _, r := range roots {
		clean = append(clean, filepath.Clean(r))
	}
	slices.Sort(clean)
	clean = slices.Compact(clean)
	n.mu.Lock()
	defer n.mu.Unlock()
	n.roots = clean
	n.visited = map[string]bool{}
	var errs []error
	for _, r := range clean {
		if err := n.ensure(r); err != nil {
			errs = append(errs, err)
		}
	}
	for d := range n.dirs {
		if !n.visited[d] {
			n.forget(d) // gone already, or no longer needed
		}
	}
	n.visited = nil
	return errors.Join(errs...)
}

// Dirs lists the folders watched now, sorted.
func (n *Notifier) Dirs() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]string, 0, len(n.dirs))
	for d := range n.dirs {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// ensure watches what root needs: its tree when it is a folder, its folder
// when it is a file, its nearest existing parent when it is missing.
// Called with mu held.
func (n *Notifier) ensure(root string) error {
	for {
		fi, err := os.Stat(root)
		switch {
		case err == nil && fi.IsDir():
			return n.addTree(root, nil)
		case err == nil:
			return n.add(filepath.Dir(root))
		}
		dir := filepath.Dir(root)
		for {
			if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
				break
			}
			if filepath.Dir(dir) == dir {
				return nil
			}
			dir = filepath.Dir(dir)
		}
		if err := n.add(dir); err != nil {
			return err
		}
		// The next folder down may have been made before the watch was in
		// place, with no event to tell: look again.
		next := root
		for filepath.Dir(next) != dir {
			next = filepath.Dir(next)
		}
		if _, err := os.Stat(next); err != nil {
			return nil
		}
	}
}

// add watches one folder. Called with mu held.
func (n *Notifier) add(dir string) error {
	if n.visited != nil {
		n.visited[dir] = true
	}
	if _, ok := n.dirs[dir]; ok {
		return nil
	}
	fi, err := os.Stat(dir)
	if gone(err) {
		return nil // gone meanwhile: its parent's event will say so
	}
	id, known := fileID{}, false
	if err == nil {
		id, known = fileIDOf(fi)
	}
	if old, ok := n.byID[id]; known && ok && old != dir {
		// The folder was renamed and its old name is still watched (the
		// rename's event is still to come). inotify would hand the new
		// name the old watch, which fsnotify keeps under the old name, and
		// which goes when the rename's event drops the old name: drop it,
		// and the old names below it, now, so that the new names get
		// watches of their own.
		n.forgetTree(old)
	}
	if err := n.fs.Add(dir); err != nil {
		if gone(err) {
			return nil
		}
		return fmt.Errorf("watch %s: %w", dir, explainLimit(err))
	}
	n.dirs[dir] = id
	if known {
		n.byID[id] = dir
	}
	return nil
}

// forgetTree stops watching dir and the folders below it; it reports
// whether there were any. Called with mu held.
func (n *Notifier) forgetTree(dir string) bool {
	found := false
	for d := range n.dirs {
		if within(d, dir) {
			n.forget(d)
			found = true
		}
	}
	return found
}

// forget stops watching one folder. Called with mu held.
func (n *Notifier) forget(dir string) {
	n.fs.Remove(dir) // fails when inotify dropped the watch already
	if id := n.dirs[dir]; n.byID[id] == dir {
		delete(n.byID, id)
	}
	delete(n.dirs, dir)
}

// addTree watches dir and every folder below it that is not ignored. When
// found is not nil, it is called for every file and folder found below
// dir: what was made in a new folder before its watch was in place.
func (n *Notifier) addTree(dir string, found func(string, bool)) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if gone(err) {
				return nil
			}
			return err
		}
		if n.ignore.Match(p, d.IsDir()) && p != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if found != nil && p != dir {
			found(p, d.IsDir())
		}
		if d.IsDir() {
			return n.add(p)
		}
		return nil
	})
}

// gone reports whether err says a path went away while it was being
// watched or walked: removed, or a folder on it replaced by a file.
func gone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// within reports whether p is root or inside it.
func within(p, root string) bool {
	return p == root || strings.HasPrefix(p, root+string(filepath.Separator)) || root == string(filepath.Separator)
}

func (n *Notifier) loop() {
	defer close(n.done)
	for {
		select {
		case ev, ok := <-n.fs.Events:
			if !ok {
				return
			}
			for _, p := range n.handle(ev) {
				n.onChange(p)
			}
		case err, ok := <-n.fs.Errors:
			if !ok {
				return
			}
			n.onError(explainLimit(err))
		}
	}
}

// handle keeps the watches in step with an event and returns the changed
// paths to report.
func (n *Notifier) handle(ev fsnotify.Event) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	p := filepath.Clean(ev.Name)
	var out []string
	// Folders count too: a new empty folder, or a folder's new mode, is
	// a change a file step's copy must follow.
	report := func(p string, isDir bool) {
		if !n.ignore.Match(p, isDir) {
			out = append(out, p)
		}
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		// A watched folder went away: stop watching it and what it held (a
		// folder moved away keeps its inotify watch), and watch the
		// nearest parent that remains for the roots it held.
		if _, ok := n.dirs[p]; ok {
			n.forgetTree(p)
			for _, r := range n.roots {
				if within(r, p) || within(p, r) {
					if err := n.ensure(r); err != nil {
						n.onError(err)
					}
				}
			}
		}
		report(p, false)
		return out
	}
	fi, err := os.Stat(p)
	isDir := err == nil && fi.IsDir()
	if isDir && ev.Has(fsnotify.Create) {
		if n.ignore.Match(p, true) {
			return nil
		}
		for _, r := range n.roots {
			switch {
			case within(p, r):
				// A new folder inside a watched tree: watch it, and report
				// it and what was already made in it.
				report(p, true)
				if err := n.addTree(p, report); err != nil {
					n.onError(err)
				}
			case within(r, p):
				// A missing root, or a folder on its way to one, appeared.
				// Watch first, then look: what is made after the watch is
				// in place is an event, what was made before is found.
				if err := n.ensure(r); err != nil {
					n.onError(err)
				}
				switch fi, err := os.Stat(r); {
				case err == nil && fi.IsDir():
					if err := n.addTree(r, report); err != nil {
						n.onError(err)
					}
				case err == nil:
					report(r, false)
				}
			}
		}
		return out
	}
	report(p, isDir)
	return out
}
