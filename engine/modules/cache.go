package modules

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/envrun/envrun/engine/state"
)

// Cache is the module cache shared by every project of a user:
//
//	DIR/git/BASE-KEY.git     a bare mirror of each source
//	DIR/modules/BASE@COMMIT  the files of one commit, read-only
//
// A folder under modules/ is only ever trusted after its content hash is
// checked against the project's lock, so projects can share it safely.
type Cache struct {
	Dir string
}

// DefaultCacheDir is $ENVRUN_CACHE, or envrun/ in the user's cache folder
// ($XDG_CACHE_HOME or ~/.cache).
func DefaultCacheDir() (string, error) {
	d, err := state.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no folder for the module cache (%v): set ENVRUN_CACHE", err)
	}
	return d, nil
}

// ModuleDir is where the files of commit of source live in the cache.
func (c *Cache) ModuleDir(source, commit string) string {
	return filepath.Join(c.Dir, "modules", repoBase(source)+"@"+commit)
}

// Hash is the content hash of a module folder: go.sum's h1: hash of every
// file's path and content.
func Hash(dir string) (string, error) {
	return dirhash.HashDir(dir, "", dirhash.Hash1)
}

// HashMismatchError is a cached module whose files are not what the lock
// says.
type HashMismatchError struct {
	Name       string
	Dir        string
	Want, Got  string
	FromSource bool // Got is a fresh export from the source, not the cache
}

func (e *HashMismatchError) Error() string {
	if e.FromSource {
		return fmt.Sprintf("module %q: the locked commit's files hash to %s, but the lock says %s: the lock was edited by hand, or is from another envrun; run `envrun module update %s` to lock it anew",
			e.Name, e.Got, e.Want, e.Name)
	}
	return fmt.Sprintf("module %q: content hash mismatch: the lock says %s, but the cached files in %s hash to %s; someone changed them: remove that folder to fetch the module again",
		e.Name, e.Want, e.Dir, e.Got)
}

// export writes the files of commit from the mirror into the cache, checks
// them against want (when not ""), and returns the folder and its hash. A
// folder already there is replaced if it differs from the commit's files.
func (c *Cache) export(ctx context.Context, name string, m *mirror, commit, want string) (dir, hash string, err error) {
	dir = c.ModuleDir(m.source, commit)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", "", fmt.Errorf("module cache: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".export-*")
	if err != nil {
		return "", "", fmt.Errorf("module cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := m.archive(ctx, commit, pw)
		pw.CloseWithError(err)
		done <- err
	}()
	xerr := extract(pr, tmp)
	if xerr == nil {
		io.Copy(io.Discard, pr) // the archive's padding after its end marker
	}
	pr.CloseWithError(xerr) // on an error, stop git's writes
	if err := <-done; err != nil {
		return "", "", fmt.Errorf("module %q: export commit %s: %w", name, commit, err)
	}
	if xerr != nil {
		return "", "", fmt.Errorf("module %q at commit %.12s: %w", name, commit, xerr)
	}
	if hash, err = Hash(tmp); err != nil {
		return "", "", err
	}
	if want != "" && hash != want {
		return "", "", &HashMismatchError{Name: name, Want: want, Got: hash, FromSource: true}
	}
	if old, err := Hash(dir); err == nil {
		if old == hash {
			return dir, hash, nil
		}
		if err := os.RemoveAll(dir); err != nil { // a changed copy: replace it
			return "", "", fmt.Errorf("module cache: replace %s: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old, herr := Hash(dir); herr == nil && old == hash {
			return dir, hash, nil // another envrun put it there meanwhile
		}
		return "", "", fmt.Errorf("module cache: %w", err)
	}
	return dir, hash, nil
}

// extract unpacks a tar stream of regular files and folders into dir.
// Files are made read-only: the cache is not a place to edit modules.
func extract(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read archive: %w", err)
		}
		name := path.Clean(h.Name)
		if name == "." || h.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		if !fs.ValidPath(name) {
			return fmt.Errorf("archive entry %q leaves the module folder", h.Name)
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			mode := fs.FileMode(0o444)
			if h.Mode&0o111 != 0 {
				mode = 0o555
			}
			f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fmt.Errorf("write %s: %w", name, err)
			}
		case tar.TypeSymlink:
			return fmt.Errorf("%s is a symbolic link: modules are plain files (git submodules and links are not supported)", name)
		default:
			return fmt.Errorf("%s: unsupported archive entry type %q", name, h.Typeflag)
		}
	}
}

// hasLua reports whether a module folder holds any Lua file.
func hasLua(dir string) bool {
	found := false
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".lua") {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}
