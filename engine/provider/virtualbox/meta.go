package virtualbox

import (
	"sort"
	"strings"
)

// What envrun knows about a VM it made is kept in the VM itself, in its
// description (shown by `showvminfo --machinereadable`, so one call reads a
// machine's state and its metadata), as "envrun.KEY=VALUE" lines under a
// heading for people who look at the VM in VirtualBox's window.
const metaHeading = "Made by envrun: do not edit the envrun.* lines."

// Metadata keys.
const (
	metaProject = "project"
	metaMachine = "machine"
	metaEnvfile = "envfile"
	metaUser    = "user"
	metaIP      = "ip"
	metaSSH     = "ssh"     // 127.0.0.1:PORT, the NAT forward used at first contact
	metaKey     = "key"     // fingerprint of the authorized environment key
	metaConfig  = "config"  // hash of the settings the VM was made with
	metaBox     = "box"     // the box (of a machine's VM, or that a box's base VM holds)
	metaBoxHash = "boxhash" // on a box's base VM: the hash of its box.ovf
	metaGuest   = "guest"   // hash of what the guest was set up with (guestSig)
	metaMounts  = "mounts"  // the shared folders the guest mounts: JSON [{Name, Guest}]
)

// encodeMeta renders metadata as a VM description, keys sorted.
func encodeMeta(meta map[string]string) string {
	keys := make([]string, 0, len(meta))
	for k, v := range meta {
		if v != "" { // an empty value reads back as none
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(metaHeading)
	for _, k := range keys {
		b.WriteString("\nenvrun." + k + "=" + strings.ReplaceAll(meta[k], "\n", " "))
	}
	return b.String()
}

// decodeMeta reads the envrun lines of a VM description; nil when there
// are none (not envrun's VM).
func decodeMeta(description string) map[string]string {
	var meta map[string]string
	for _, l := range strings.Split(description, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimRight(l, "\r"), "envrun.")
		if !ok {
			continue
		}
		k, v, ok := strings.Cut(rest, "=")
		if !ok {
			continue
		}
		if meta == nil {
			meta = map[string]string{}
		}
		meta[k] = v
	}
	return meta
}
