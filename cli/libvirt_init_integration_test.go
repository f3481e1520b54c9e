//go:build libvirt_dlopen && cgo

package cli_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	lv "libvirt.org/go/libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/envrun/envrun/engine/provider/libvirt"
	"github.com/envrun/envrun/engine/provider/providertest"
)

// TestIntegrationLibvirtInit: `envrun init --provider libvirt` chooses a
// subnet beside libvirt networks in the way, found through the real
// libvirtd: networks of the test's that are defined and not started, so
// no interface of this host has their address and only libvirt knows of
// them. Once with --subnet, once from init's own pools (the network put
// where init chose first); each Envfile names the provider and validates.
// No VM is booted.
func TestIntegrationLibvirtInit(t *testing.T) {
	providertest.Require(t, libvirt.Driver)
	c, err := lv.NewConnect(libvirt.DefaultURI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// block defines, and does not start, a libvirt network on subnet.
	block := func(subnet netip.Prefix) {
		t.Helper()
		n := libvirtxml.Network{
			Name: fmt.Sprintf("envrun-test-init-%08x", rand.Uint32()),
			IPs:  []libvirtxml.NetworkIP{{Address: subnet.Addr().Next().String(), Prefix: uint(subnet.Bits())}},
		}
		x, err := n.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		net, err := c.NetworkDefineXML(x)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { net.Undefine(); net.Free() })
	}
	bin := envrunBinary(t)
	chosen := regexp.MustCompile(`machine\(s\) on (\S+/24)`)
	// initIn runs init in a new folder, checks what it wrote and returns
	// the subnet it chose.
	initIn := func(args ...string) netip.Prefix {
		t.Helper()
		w := &world{t: t, dir: t.TempDir(), bin: bin, prov: "libvirt"}
		r := w.mustRun(append([]string{"init", "--provider", "libvirt", "-v", "1"}, args...)...)
		m := chosen.FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("init does not say the subnet: %s", r)
		}
		subnet := netip.MustParsePrefix(m[1])
		envfile, err := os.ReadFile(filepath.Join(w.dir, "Envfile.lua"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"\nprovider \"libvirt\"\n", fmt.Sprintf("subnet = %q", subnet.String())} {
			if !strings.Contains(string(envfile), want) {
				t.Errorf("the Envfile lacks %q:\n%s", want, envfile)
			}
		}
		w.mustRun("validate")
		if strings.Contains(r.stderr, "the networks of libvirt are not known") {
			t.Errorf("init did not ask libvirt:\n%s", r.stderr)
		}
		return subnet
	}

	block(netip.MustParsePrefix("10.231.60.0/24"))
	if got := initIn("--subnet", "10.231.60.0/23"); got.String() != "10.231.61.0/24" {
		t.Errorf("init --subnet 10.231.60.0/23 chose %s, want 10.231.61.0/24 beside the libvirt network on 10.231.60.0/24", got)
	}

	first := initIn()
	block(first)
	second := initIn()
	if second.Overlaps(first) {
		t.Errorf("init chose %s again, where a libvirt network now is", second)
	}
	// And nothing any libvirt network has.
	nets, err := c.ListAllNetworks(0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range nets {
		x, _ := nets[i].GetXMLDesc(0)
		nets[i].Free()
		var n libvirtxml.Network
		if n.Unmarshal(x) != nil {
			continue
		}
		for _, ip := range n.IPs {
			addr, err := netip.ParseAddr(ip.Address)
			if err != nil || !addr.Is4() {
				continue
			}
			bits := int(ip.Prefix)
			if ip.Netmask != "" {
				m, _ := netip.ParseAddr(ip.Netmask)
				b := m.As4()
				bits = 0
				for _, x := range b {
					for ; x&0x80 != 0; x <<= 1 {
						bits++
					}
				}
			}
			if p := netip.PrefixFrom(addr, bits).Masked(); p.Overlaps(second) {
				t.Errorf("init chose %s, which libvirt network %s has (%s)", second, n.Name, p)
			}
		}
	}
}
