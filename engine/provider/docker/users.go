package docker

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"

	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/internal/safefile"
)

// passwdEntry is what envrun needs of a user of an image.
type passwdEntry struct {
	UID  int    `json:"uid"`
	GID  int    `json:"gid"`
	Home string `json:"home"`
}

// userCache remembers the entries of images' users by image ID, in the
// user's cache folder. An image ID names the image's content, so an entry
// never goes stale, and a new machine of a known image needs no read of
// /etc/passwd out of its container (a mount of its file system, as costly
// as the keys' copy). Losing the file costs one read per image.
type userCache struct {
	path string // "" when there is no cache folder: memory only

	once sync.Once
	mu   sync.Mutex
	m    map[string]passwdEntry
}

const userCacheFile = "docker-users.json"

func openUserCache() *userCache {
	c := &userCache{}
	if dir, err := state.UserCacheDir(); err == nil {
		c.path = filepath.Join(dir, userCacheFile)
	}
	return c
}

func (c *userCache) load() {
	c.once.Do(func() {
		m := map[string]passwdEntry{}
		if c.path != "" {
			if data, err := os.ReadFile(c.path); err == nil {
				// A damaged file is only a miss.
				if json.Unmarshal(data, &m) != nil || m == nil {
					m = map[string]passwdEntry{}
				}
			}
		}
		c.mu.Lock()
		c.m = m
		c.mu.Unlock()
	})
}

// get returns the entry of key (image ID and user name).
func (c *userCache) get(key string) (passwdEntry, bool) {
	c.load()
	c.mu.Lock()
	defer c.mu.Unlock()
	pw, ok := c.m[key]
	return pw, ok && pw.Home != ""
}

// put records an entry and saves the cache; a cache that cannot be saved
// is kept in memory only.
func (c *userCache) put(key string, pw passwdEntry) {
	c.load()
	c.mu.Lock()
	c.m[key] = pw
	data, err := json.MarshalIndent(c.m, "", "  ")
	c.mu.Unlock()
	if err != nil || c.path == "" {
		return
	}
	if os.MkdirAll(filepath.Dir(c.path), 0o755) == nil {
		safefile.WriteFile(c.path, data, 0o644)
	}
}
