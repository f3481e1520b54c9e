package engine

import (
	"context"
	"maps"
	"strings"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/spec"
)

// interfacesLabel labels the command that asks a machine for its
// interfaces.
const interfacesLabel = "envrun: interfaces"

// interfacesCmd lists a machine's IPv4 addresses, one interface a line.
const interfacesCmd = `PATH=$PATH:/sbin:/usr/sbin; ip -o -4 addr show`

// learnInterfaces asks machine m, just connected, which interface holds
// its address on each of its networks, and keeps the answer in the cache
// for the instance id: for hooks (m.interfaces), `status --json` and the
// inventory (envrun_interfaces). A machine that cannot tell (no ip
// command) has none; that is said with -v only.
func (e *Env) learnInterfaces(ctx context.Context, m *spec.Machine, id string, c Conn) {
	if len(m.Networks) == 0 {
		return
	}
	var out strings.Builder
	if err := c.Run(ctx, comm.Cmd{Command: interfacesCmd, Label: interfacesLabel, Stdout: &out}); err != nil {
		e.UI.Debugf(m.Name, "interface names unknown: %v", err)
		return
	}
	ifaces := parseInterfaces(out.String(), m.Networks)
	err := e.cache.update(func(d *cacheData) {
		mc := d.Machines[m.Name]
		if mc.ID != id {
			mc = machineCache{ID: id}
		}
		mc.Interfaces = ifaces
		d.Machines[m.Name] = mc
	})
	if err != nil {
		e.UI.Debugf(m.Name, "remember interface names: %v", err)
	}
}

// parseInterfaces maps each network of nets to the interface that holds
// its address in the output of `ip -o -4 addr show`.
func parseInterfaces(out string, nets []spec.Attachment) map[string]string {
	byIP := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		// 2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\ ...
		f := strings.Fields(line)
		if len(f) < 4 || f[2] != "inet" {
			continue
		}
		dev, _, _ := strings.Cut(f[1], "@")
		ip, _, _ := strings.Cut(f[3], "/")
		byIP[ip] = dev
	}
	ifaces := map[string]string{}
	for _, a := range nets {
		if dev, ok := byIP[a.IP.String()]; ok {
			ifaces[a.Network] = dev
		}
	}
	return ifaces
}

// interfaces returns what the cache knows of machine name's interfaces:
// those of the instance id, or of the last instance seen when id is "".
func (c *cache) interfaces(name, id string) map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	mc, ok := c.data.Machines[name]
	if !ok || id != "" && mc.ID != id {
		return nil
	}
	return maps.Clone(mc.Interfaces)
}
