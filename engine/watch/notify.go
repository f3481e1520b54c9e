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
	roots  []string        // the paths asked for, cleaned and absolute
	dirs   map[string]bool // folders with an inotify watch
}

// NewNotifier starts a notifier with nothing to watch. onChange and
// onError are called from its goroutine, one at a time; errors of an
// exhausted inotify limit say how to raise it.
func NewNotifier(onChange func(string), onError func(error)) (*Notifier, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch files: %w", explainLimit(err))
	}
	n := &Notifier{fs: fw, onChange: onChange, onError: onError, done: make(chan struct{}), dirs: map[string]bool{}}
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
	old := n.dirs
	n.dirs = map[string]bool{}
	var errs []error
	for _, r := range clean {
		if err := n.ensure(r); err != nil {
			errs = append(errs, err)
		}
	}
	for d := range old {
		if !n.dirs[d] {
			n.fs.Remove(d) // gone already, or no longer needed
		}
	}
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
	if n.dirs[dir] {
		return nil
	}
	if err := n.fs.Add(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // gone meanwhile: its parent's event will say so
		}
		return fmt.Errorf("watch %s: %w", dir, explainLimit(err))
	}
	n.dirs[dir] = true
	return nil
}

// addTree watches dir and every folder below it that is not ignored. When
// found is not nil, it is called for every file and folder found below
// dir: what was made in a new folder before its watch was in place.
func (n *Notifier) addTree(dir string, found func(string, bool)) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
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
		if n.dirs[p] {
			// A watched folder went away (inotify dropped its watch): watch
			// the nearest parent that remains, for the roots it held.
			for d := range n.dirs {
				if within(d, p) {
					n.fs.Remove(d) // a folder moved away keeps its inotify watch
					delete(n.dirs, d)
				}
			}
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
