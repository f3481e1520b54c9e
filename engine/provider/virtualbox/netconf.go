package virtualbox

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"runtime"
	"strings"
)

// NetworksConfPath is where VirtualBox reads the host-only ranges it
// allows on Linux, macOS and Solaris (6.1.28 and later).
const NetworksConfPath = "/etc/vbox/networks.conf"

// DefaultHostOnlyRange is what VirtualBox 6.1.28+ allows when
// networks.conf does not exist.
var DefaultHostOnlyRange = netip.MustParsePrefix("192.168.56.0/21")

// NetworksConf is the parsed /etc/vbox/networks.conf: lines "* RANGE..."
// (IPv4 and IPv6 prefixes, several per line); lines starting with # are
// comments. Present is false when the file does not exist, in which case
// only DefaultHostOnlyRange is allowed.
type NetworksConf struct {
	Present bool
	Ranges  []netip.Prefix
}

// ParseNetworksConf parses the content of networks.conf.
func ParseNetworksConf(content string) (NetworksConf, error) {
	nc := NetworksConf{Present: true}
	for i, line := range strings.Split(content, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rest, ok := strings.CutPrefix(line, "*")
		if !ok {
			return nc, fmt.Errorf("%s:%d: expected \"* RANGE...\", got %q", NetworksConfPath, i+1, line)
		}
		for _, f := range strings.Fields(rest) {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nc, fmt.Errorf("%s:%d: %v", NetworksConfPath, i+1, err)
			}
			nc.Ranges = append(nc.Ranges, p.Masked())
		}
	}
	return nc, nil
}

// Allowed ranges: the file's, or the default when there is none.
func (nc NetworksConf) Allowed() []netip.Prefix {
	if !nc.Present {
		return []netip.Prefix{DefaultHostOnlyRange}
	}
	return nc.Ranges
}

// Allows reports whether subnet lies wholly inside an allowed range.
func (nc NetworksConf) Allows(subnet netip.Prefix) bool {
	for _, r := range nc.Allowed() {
		if r.Addr().Is4() == subnet.Addr().Is4() && r.Bits() <= subnet.Bits() && r.Contains(subnet.Masked().Addr()) {
			return true
		}
	}
	return false
}

// Advice says how to allow subnet, for error messages.
func (nc NetworksConf) Advice(subnet netip.Prefix) string {
	var allowed []string
	for _, r := range nc.Allowed() {
		allowed = append(allowed, r.String())
	}
	where := "there is no " + NetworksConfPath + ", so VirtualBox allows only " + DefaultHostOnlyRange.String()
	if nc.Present {
		where = NetworksConfPath + " allows " + strings.Join(allowed, " ")
		if len(allowed) == 0 {
			where = NetworksConfPath + " allows no range"
		}
	}
	return fmt.Sprintf("VirtualBox (6.1.28 and later) refuses host-only networks outside the ranges it allows, and %s. "+
		"Choose a subnet inside them, or allow this one by adding the line\n    * %s\nto %s (as root: "+
		"sudo mkdir -p /etc/vbox && echo '* %s' | sudo tee -a %s)",
		where, subnet.Masked(), NetworksConfPath, subnet.Masked(), NetworksConfPath)
}

// readNetworksConf reads the host's networks.conf. Hosts other than
// Linux, macOS and Solaris have no such restriction (nil, nil).
func readNetworksConf(goos string) (*NetworksConf, error) {
	switch goos {
	case "linux", "darwin", "solaris", "illumos":
	default:
		return nil, nil
	}
	data, err := os.ReadFile(NetworksConfPath)
	if errors.Is(err, fs.ErrNotExist) {
		return &NetworksConf{}, nil
	}
	if err != nil {
		return nil, err
	}
	nc, err := ParseNetworksConf(string(data))
	return &nc, err
}

var hostGOOS = runtime.GOOS
