// Package state is the .envrun/ folder beside an Envfile: the environment's
// SSH key, pinned host keys, the lock, logs and a cache of what was done.
// What exists is always read from the backend; files here are either secrets
// envrun made (the key) or caches that can be lost without harm.
package state

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/envrun/envrun/internal/safefile"
)

// UserCacheDir is the folder of the caches a user's environments share
// (modules, what envrun learnt of images): $ENVRUN_CACHE, or envrun/ in
// the user's cache folder ($XDG_CACHE_HOME or ~/.cache). Nothing is
// created.
func UserCacheDir() (string, error) {
	if d := os.Getenv("ENVRUN_CACHE"); d != "" {
		return filepath.Abs(d)
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "envrun"), nil
}

// DirName is the state folder's name beside the Envfile.
const DirName = ".envrun"

// Dir is an environment's state folder.
type Dir struct {
	Path string // absolute
}

// ForEnvfile returns the state folder of the Envfile at path. Nothing is
// created.
func ForEnvfile(envfile string) Dir {
	return Dir{Path: filepath.Join(filepath.Dir(envfile), DirName)}
}

// Ensure creates the folder (mode 0700) if it is missing, and refuses one
// that others can read.
func (d Dir) Ensure() error {
	if err := os.Mkdir(d.Path, 0o700); err == nil || !errors.Is(err, fs.ErrExist) {
		if err != nil {
			return fmt.Errorf("create state folder: %w", err)
		}
		if err := os.WriteFile(filepath.Join(d.Path, ".gitignore"), []byte("*\n"), 0o600); err != nil {
			return fmt.Errorf("create state folder: %w", err)
		}
		return nil
	}
	fi, err := os.Stat(d.Path)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a folder", d.Path)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("state folder %s has mode %04o: others could read the environment's private key; fix it with: chmod 700 %s",
			d.Path, fi.Mode().Perm(), d.Path)
	}
	return nil
}

// Exists reports whether the folder exists.
func (d Dir) Exists() bool {
	_, err := os.Stat(d.Path)
	return err == nil
}

// Join returns a path inside the folder.
func (d Dir) Join(elem ...string) string {
	return filepath.Join(append([]string{d.Path}, elem...)...)
}

// KeyPath is the environment's private SSH key.
func (d Dir) KeyPath() string { return d.Join("id_ed25519") }

// KnownHostsPath holds the pinned host keys, in OpenSSH's format.
func (d Dir) KnownHostsPath() string { return d.Join("known_hosts") }

// WriteJSON writes v as indented JSON, atomically.
func WriteJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return safefile.WriteFile(path, append(data, '\n'), 0o600)
}

// ReadJSON reads path into v. A missing file leaves v alone and is not an
// error; a corrupt one is reported, so that callers may treat caches as
// empty.
func ReadJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s is corrupt: %w", path, err)
	}
	return nil
}

var projectRE = regexp.MustCompile(`[^a-z0-9]+`)

// ProjectID names an environment in backends (labels, name prefixes):
// the Envfile's folder name, made safe, and a short hash of its absolute
// path, so two checkouts of one project never share machines.
func ProjectID(envfile string) string {
	abs, err := filepath.Abs(envfile)
	if err != nil {
		abs = envfile
	}
	dir := filepath.Dir(abs)
	sum := sha256.Sum256([]byte(dir))
	base := strings.Trim(projectRE.ReplaceAllString(strings.ToLower(filepath.Base(dir)), "-"), "-")
	if len(base) > 24 {
		base = strings.TrimRight(base[:24], "-")
	}
	if base == "" {
		base = "env"
	}
	return base + "-" + hex.EncodeToString(sum[:])[:8]
}
