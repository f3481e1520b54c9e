package engine

import (
	"maps"
	"sync"

	"github.com/envrun/envrun/engine/state"
)

// cache remembers what envrun did that the backend cannot tell: which
// machine instance finished its provisioning, which global steps ran over
// which instances. It is keyed by backend instance IDs, so a machine made
// anew is never taken for provisioned, and losing the file only means
// provisioning runs again. Written atomically after every change.
type cache struct {
	path string
	mu   sync.Mutex
	data cacheData
}

type cacheData struct {
	Provider string                  `json:"provider,omitempty"`
	Machines map[string]machineCache `json:"machines,omitempty"`
	Steps    map[string]stepCache    `json:"steps,omitempty"`
	Route    *routeCache             `json:"route,omitempty"`
	// Snapshots are the names of each machine's snapshots, as envrun last
	// saw or made them: what shell completion offers, read without asking
	// the backend.
	Snapshots map[string][]string `json:"snapshots,omitempty"`
}

type machineCache struct {
	ID          string `json:"id"`
	Provisioned bool   `json:"provisioned"`
	// Interfaces are the instance's interface names by network, as it
	// told them when last connected.
	Interfaces map[string]string `json:"interfaces,omitempty"`
	// SSHPort is the port the instance's sshd listened on when envrun
	// last connected (ssh.port as the instance was made): ssh-config
	// and the inventory use it without asking the backend.
	SSHPort int `json:"ssh_port,omitempty"`
	// Restoring is the snapshot a restore was started to and has not
	// finished (adopting the snapshot's provisioning state clears it): a
	// run killed in between leaves it for the next to finish the restore.
	Restoring string `json:"restoring,omitempty"`
}

type stepCache struct {
	Hosts map[string]string `json:"hosts"` // machine → instance ID it ran over
}

// openCache reads the cache. A damaged one is an empty one, and warn
// says so (once: the next write replaces the file).
func openCache(st state.Dir, warn func(format string, args ...any)) *cache {
	c := &cache{path: st.Join("state.json")}
	if err := state.ReadJSON(c.path, &c.data); err != nil {
		c.data = cacheData{}
		warn("%v; envrun reads what exists from the backend and provisions every machine again", err)
	}
	return c
}

func (c *cache) update(f func(*cacheData)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.data.Machines == nil {
		c.data.Machines = map[string]machineCache{}
	}
	if c.data.Steps == nil {
		c.data.Steps = map[string]stepCache{}
	}
	f(&c.data)
	return state.WriteJSON(c.path, c.data)
}

func (c *cache) provider() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.data.Provider
}

func (c *cache) provisioned(machine, id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	mc, ok := c.data.Machines[machine]
	return ok && mc.ID == id && mc.Provisioned
}

func (c *cache) stepDone(step string, hosts map[string]string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	sc, ok := c.data.Steps[step]
	return ok && maps.Equal(sc.Hosts, hosts)
}

// sshPort is the SSH port machine name's instance was last reached on,
// or def when the cache does not know it.
func (c *cache) sshPort(name string, def int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if mc, ok := c.data.Machines[name]; ok && mc.SSHPort != 0 {
		return mc.SSHPort
	}
	return def
}
