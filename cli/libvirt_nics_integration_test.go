//go:build libvirt_dlopen && cgo

package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"libvirt.org/go/libvirtxml"
)

// lvNICsEnvfile declares three isolated networks of 172.21.0.0/16 in an
// order neither their names nor their subnets sort in (zeta, alpha, mid),
// and one machine on all three, listed in yet another order.
const lvNICsEnvfile = `
box "debian/bookworm"
network "zeta"  { subnet = "172.21.13.0/24", isolated = true }
network "alpha" { subnet = "172.21.11.0/24", isolated = true }
network "mid"   { subnet = "172.21.12.0/24", isolated = true }
machine "web" {
  networks = { alpha = "172.21.11.10", mid = "172.21.12.10", zeta = "172.21.13.10" },
  memory = 384,
  libvirt = { boot_timeout = 1500 },
  provision = {
    function(m) m:run("echo zeta=" .. m.interfaces.zeta .. " alpha=" .. m.interfaces.alpha .. " mid=" .. m.interfaces.mid .. " >/var/tmp/h21-hook") end,
  },
}
`

// TestIntegrationLibvirtNICOrder boots one VM on three networks and
// proves the interfaces follow the declared order of the networks: the
// domain's NICs are in that order on ascending PCI slots, the guest names
// them eth0, eth1, eth2 in that order (each with its network's address),
// and hooks (m.interfaces), status --json and the inventory's
// envrun_interfaces say the same.
func TestIntegrationLibvirtNICOrder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "h21-nics")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w := newLibvirtWorldIn(t, dir, lvNICsEnvfile)
	// A first boot under software emulation on a loaded host takes
	// minutes: longer than mustRun waits.
	if r := w.start(nil, "up").wait(30 * time.Minute); r.code != 0 {
		t.Fatalf("up: %s", r)
	}
	declared := []string{"zeta", "alpha", "mid"}
	addr := map[string]string{"zeta": "172.21.13.10", "alpha": "172.21.11.10", "mid": "172.21.12.10"}
	want := map[string]string{"zeta": "eth0", "alpha": "eth1", "mid": "eth2"}

	// The domain: NICs in declared order, on ascending PCI slots.
	dom, err := w.c.LookupDomainByName(w.project + "-web")
	if err != nil {
		t.Fatal(err)
	}
	x, err := dom.GetXMLDesc(0)
	dom.Free()
	if err != nil {
		t.Fatal(err)
	}
	var d libvirtxml.Domain
	if err := d.Unmarshal(x); err != nil {
		t.Fatal(err)
	}
	if len(d.Devices.Interfaces) != len(declared) {
		t.Fatalf("the domain has %d NICs, want %d:\n%s", len(d.Devices.Interfaces), len(declared), x)
	}
	var last uint
	for i, nic := range d.Devices.Interfaces {
		if got := nic.Source.Network.Network; got != w.project+"-"+declared[i] {
			t.Errorf("NIC %d is on %s, want %s", i, got, w.project+"-"+declared[i])
		}
		pci := nic.Address.PCI
		slot := *pci.Bus<<8 | *pci.Slot
		if i > 0 && slot <= last {
			t.Errorf("NIC %d (%s) is on PCI bus %d slot %d, before the NIC declared before it", i, declared[i], *pci.Bus, *pci.Slot)
		}
		last = slot
	}

	// The guest: eth0, eth1, eth2 in PCI order, each with its network's address.
	out := w.remote("web", `for i in eth0 eth1 eth2; do echo "$i $(basename "$(readlink -f /sys/class/net/$i/device/..)")"; done; ip -o -4 addr show`)
	pciOf := regexp.MustCompile(`(?m)^(eth[0-2]) (\S+)$`).FindAllStringSubmatch(out, -1)
	if len(pciOf) != 3 || !(pciOf[0][2] < pciOf[1][2] && pciOf[1][2] < pciOf[2][2]) {
		t.Errorf("want eth0, eth1, eth2 on ascending PCI addresses:\n%s", out)
	}
	for _, n := range declared {
		if !regexp.MustCompile(`\b` + want[n] + `\s+inet ` + regexp.QuoteMeta(addr[n]) + `/24 `).MatchString(out) {
			t.Errorf("want %s (network %s) on %s:\n%s", addr[n], n, want[n], out)
		}
	}

	// What envrun tells: hooks, status --json, the inventory.
	if out := strings.TrimSpace(w.remote("web", "cat /var/tmp/h21-hook")); out != "zeta=eth0 alpha=eth1 mid=eth2" {
		t.Errorf("the hook's m.interfaces: %q", out)
	}
	if got := w.status()["web"].Interfaces; len(got) != 3 || got["zeta"] != "eth0" || got["alpha"] != "eth1" || got["mid"] != "eth2" {
		t.Errorf("status --json interfaces: %v, want %v", got, want)
	}
	if inv := w.mustRun("inventory").stdout; !strings.Contains(inv, "      envrun_interfaces:\n        alpha: eth1\n        mid: eth2\n        zeta: eth0\n") {
		t.Errorf("the inventory's envrun_interfaces:\n%s", inv)
	}
}
