package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/internal/safefile"
	"github.com/envrun/envrun/luaapi"
)

// A TAB must answer at once, and loading a large Envfile does not (a
// 1,000-machine one takes about as long as validate). So the names a load
// found are kept in the user's cache folder with everything the load
// depended on: the content of every file it read (the Envfile, the modules
// it required, envrun.read's files, Envfile.lock), the environment
// variables it read, ENVRUN_PATH and this envrun binary. The next TAB
// reads them back and rehashes the sources; any difference, and the
// Envfile is loaded again. A load that read the clock is not kept.
//
// The cache lives in state.UserCacheDir, not in .envrun: completion
// creates nothing beside the Envfile, and reads and writes there through
// safefile (no symbolic link followed). At most once a day, a write also
// removes the caches of Envfiles that are gone and of those not completed
// for completeCacheMaxAge (pruneCompleteCache).

// candidates are the names completion offers.
type candidates struct {
	Machines []string `json:"machines"`
	Steps    []string `json:"steps"`
}

func (c *candidates) machines() []string { return c.Machines }
func (c *candidates) steps() []string    { return c.Steps }

// completeCacheVersion changes when the cache's format or meaning does.
const completeCacheVersion = 1

// completeCache is one Envfile's cache file.
type completeCache struct {
	Version    int                `json:"version"`
	Envfile    string             `json:"envfile"`     // absolute path: the cache goes with it
	Binary     string             `json:"binary"`      // this envrun: path, size, mtime
	EnvrunPath string             `json:"envrun_path"` // ENVRUN_PATH
	Sources    map[string]string  `json:"sources"`     // absolute path: sha256 of its content
	Getenv     map[string]*string `json:"getenv"`
	candidates
}

// completionCandidates returns the names of the Envfile for a completion,
// from the cache when it is current, or nil when the Envfile does not
// load. Nothing it does prints; a cache it cannot read or write is
// ignored.
func (a *app) completionCandidates(ctx context.Context) *candidates {
	path, err := a.findEnvfile()
	if err != nil {
		return nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil
	}
	cachePath := completeCachePath(abs)
	key := completeCache{Version: completeCacheVersion, Binary: binaryID(), EnvrunPath: os.Getenv("ENVRUN_PATH")}
	if cachePath != "" {
		var c completeCache
		if state.ReadJSON(cachePath, &c) == nil && c.current(key) {
			now := time.Now()
			_ = os.Chtimes(cachePath, now, now) // in use: not pruned
			return &c.candidates
		}
	}
	mods, lockPath, err := a.loadModules(abs)
	if err != nil {
		return nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, completeTimeout)
	defer cancel()
	env, err := luaapi.Load(ctx, abs, luaapi.Options{Path: luaapi.PathFromEnv(), Print: io.Discard, Modules: mods, LockFile: lockPath})
	if err != nil {
		return nil
	}
	defer env.Close()
	key.candidates = candidates{Machines: env.Spec.MachineNames(), Steps: stepNames(env.Spec)}
	if cachePath != "" && !env.Clock {
		key.Envfile = abs
		key.Getenv = env.Getenv
		key.Sources = map[string]string{}
		for _, p := range env.Spec.Sources {
			sum, err := fileSum(p)
			if err != nil {
				return &key.candidates
			}
			key.Sources[p] = sum
		}
		_ = state.WriteJSON(cachePath, key) // a cache: best effort
		pruneCompleteCache(filepath.Dir(cachePath), time.Now())
	}
	return &key.candidates
}

// current reports whether c was made by a load with the inputs of key and
// the sources as they are now.
func (c *completeCache) current(key completeCache) bool {
	if c.Version != key.Version || c.Binary != key.Binary || c.EnvrunPath != key.EnvrunPath || len(c.Sources) == 0 {
		return false
	}
	for name, want := range c.Getenv {
		v, ok := os.LookupEnv(name)
		if ok != (want != nil) || (ok && v != *want) {
			return false
		}
	}
	for p, want := range c.Sources {
		if sum, err := fileSum(p); err != nil || sum != want {
			return false
		}
	}
	return true
}

// completeCacheMaxAge is how long the cache of an Envfile not completed
// since is kept.
const completeCacheMaxAge = 90 * 24 * time.Hour

// pruneCompleteCache removes from dir the caches of Envfiles that no
// longer exist (a project moved, a temporary folder) and of those not
// completed for completeCacheMaxAge; it does the work at most once a day,
// as a marker file's time says, so that a TAB stays instant.
func pruneCompleteCache(dir string, now time.Time) {
	marker := filepath.Join(dir, ".pruned")
	if fi, err := os.Stat(marker); err == nil && now.Sub(fi.ModTime()) < 24*time.Hour {
		return
	}
	if err := safefile.WriteFile(marker, nil, 0o600); err != nil {
		return
	}
	_ = os.Chtimes(marker, now, now)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range files {
		fi, err := os.Lstat(f)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		var c completeCache
		gone := false
		if state.ReadJSON(f, &c) == nil && c.Envfile != "" {
			_, err := os.Stat(c.Envfile)
			gone = errors.Is(err, fs.ErrNotExist)
		}
		if gone || now.Sub(fi.ModTime()) > completeCacheMaxAge {
			os.Remove(f)
		}
	}
}

// completeCachePath is where the completion cache of the Envfile at abs
// is kept, or "" when there is no user cache folder.
func completeCachePath(abs string) string {
	dir, err := state.UserCacheDir()
	if err != nil {
		return ""
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, "complete", hex.EncodeToString(sum[:12])+".json")
}

// fileSum is the sha256 of the file at p.
func fileSum(p string) (string, error) {
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "absent", nil // an optional settings file the load did without
	}
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// binaryID names this envrun build: its standard library is embedded, so
// another binary may load the same Envfile differently.
func binaryID() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return exe
	}
	return exe + " " + strconv.FormatInt(fi.Size(), 10) + " " + fi.ModTime().UTC().Format(time.RFC3339Nano)
}
