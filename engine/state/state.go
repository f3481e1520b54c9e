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
	"slices"
	"strings"

	"github.com/envrun/envrun/internal/safefile"
	"github.com/envrun/envrun/internal/statedir"
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

// Dir is an environment's state folder.
type Dir struct {
	Path string // absolute
}

// ForEnvfile returns the state folder of the Envfile at path. Nothing is
// created.
func ForEnvfile(envfile string) Dir {
	return Dir{Path: filepath.Join(filepath.Dir(envfile), statedir.Name)}
}

// Ensure creates the folder (mode 0700) if it is missing, and refuses one
// envrun must not write in (see Check).
func (d Dir) Ensure() error {
	if err := os.Mkdir(d.Path, 0o700); err == nil || !errors.Is(err, fs.ErrExist) {
		if err != nil {
			return fmt.Errorf("create state folder: %w", err)
		}
		if err := safefile.WriteFile(filepath.Join(d.Path, ".gitignore"), []byte("*\n"), 0o600); err != nil {
			return fmt.Errorf("create state folder: %w", err)
		}
		return nil
	}
	return d.Check()
}

// Check refuses a state folder that envrun must not read secrets from,
// write in or empty: a symbolic link (a committed `.envrun -> ~/.ssh`
// would have envrun adopt, rewrite and on destroy delete what it points
// at), anything but a folder, a folder of another user, or one that others
// can read. A missing folder passes.
func (d Dir) Check() error {
	fi, err := os.Lstat(d.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(d.Path)
		return fmt.Errorf("%s is a symbolic link (to %s): envrun keeps the environment's private key in %s and empties it on destroy, so it must be a folder of its own; remove the link and envrun makes the folder",
			d.Path, target, statedir.Name)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a folder: envrun keeps the environment's state there; move it away", d.Path)
	}
	return checkPrivate(d.Path, fi)
}

// Exists reports whether the folder exists.
func (d Dir) Exists() bool {
	_, err := os.Lstat(d.Path)
	return err == nil
}

// Mkdir makes the folder elem inside the state folder (mode 0700) and the
// folders on its way, refusing any that is a symbolic link or not a folder.
func (d Dir) Mkdir(elem ...string) (string, error) {
	dir := d.Path
	for _, e := range elem {
		dir = filepath.Join(dir, e)
		if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return "", err
		}
		fi, err := os.Lstat(dir)
		if err != nil {
			return "", err
		}
		if !fi.IsDir() {
			return "", fmt.Errorf("%s is not a folder envrun made (a symbolic link or a file): remove it", dir)
		}
	}
	return dir, nil
}

// The files envrun makes in the state folder: RemoveOwn removes these and
// nothing else.
var (
	ownFiles    = []string{".gitignore", "id_ed25519", "id_ed25519.pub", "known_hosts", "state.json", "ssh_config", "timings.json", "last.log"}
	ownPatterns = []string{"console-*.log", "forward-*.json", "forward-*.lock", "forward-*.log", ".*.tmp*"} // libvirt's serial logs and port forwarders; WriteFile's temporaries
	ownDirs     = []string{"ansible"}                                                                       // an Ansible step's inventory, extra vars and sockets
)

// RemoveOwn removes the files and folders envrun makes in the state folder,
// by name, but for the lock, which its holder removes on exit. Anything
// else found there is left alone and returned, by name.
func (d Dir) RemoveOwn() (left []string, err error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(d.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, ent := range entries {
		name := ent.Name()
		if name == "lock" {
			continue
		}
		own := slices.Contains(ownFiles, name) && !ent.IsDir()
		for _, pat := range ownPatterns {
			if ok, _ := filepath.Match(pat, name); ok && !ent.IsDir() {
				own = true
			}
		}
		if slices.Contains(ownDirs, name) && ent.Type().IsDir() {
			// os.RemoveAll removes symbolic links inside, never what they
			// point at.
			if err := os.RemoveAll(filepath.Join(d.Path, name)); err != nil {
				return left, err
			}
			continue
		}
		if !own {
			left = append(left, name)
			continue
		}
		if err := os.Remove(filepath.Join(d.Path, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return left, err
		}
	}
	return left, nil
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
	data, err := safefile.ReadFile(path)
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
