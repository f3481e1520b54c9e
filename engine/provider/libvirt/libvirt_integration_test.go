//go:build libvirt_dlopen && cgo

package libvirt_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	lv "libvirt.org/go/libvirt"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provider/libvirt"
	"github.com/envrun/envrun/engine/provider/providertest"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
)

// These tests run against the real libvirtd (qemu:///system, or
// LIBVIRT_DEFAULT_URI) and boot real VMs from the debian/bookworm box
// (made from Debian's packages when it is missing). Their networks are
// isolated and in 10.231.40.0/24 to 10.231.49.0/24.

func TestIntegrationConformance(t *testing.T) {
	providertest.Run(t, providertest.Config{
		Driver:  libvirt.Driver,
		Box:     "debian/bookworm",
		Subnet:  netip.MustParsePrefix("10.231.40.0/24"),
		Network: func(n *spec.Network) { n.Isolated = true },
		Timeout: 10 * time.Minute,
	})
}

// A guest that ignores the ACPI power button is stopped hard once its
// halt_timeout has passed. SeaBIOS with nothing to boot is such a guest.
func TestIntegrationHaltPullsThePlug(t *testing.T) {
	f := providertest.Open(t, context.Background(), providertest.Config{
		Driver: libvirt.Driver, Box: "debian/bookworm", Subnet: netip.MustParsePrefix("10.231.42.0/24"),
		Network: func(n *spec.Network) { n.Isolated = true },
		Machine: func(m *spec.Machine) {
			m.Providers["libvirt"] = spec.Options{Values: map[string]any{"halt_timeout": 3.0}}
		},
	})
	c, err := lv.NewConnect(libvirt.DefaultURI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	name := f.Env.Project + "-" + f.Machine.Name
	meta := fmt.Sprintf(`<envrun:machine xmlns:envrun="%s"><project>%s</project><name>%s</name><hostkey>x</hostkey><key>x</key></envrun:machine>`,
		libvirt.MetaNS, f.Env.Project, f.Machine.Name)
	dom, err := c.DomainCreateXML(fmt.Sprintf(`<domain type="qemu"><name>%s</name><metadata>%s</metadata><memory unit="MiB">32</memory>
		<os><type>hvm</type><boot dev="hd"/></os><features><acpi/></features></domain>`, name, meta), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { dom.Destroy(); dom.Free() }()
	time.Sleep(time.Second) // let SeaBIOS start
	t0 := time.Now()
	if err := f.Provider.Halt(context.Background(), f.Machine.Name); err != nil {
		t.Fatal(err)
	}
	took := time.Since(t0)
	if took < 3*time.Second || took > 20*time.Second {
		t.Errorf("Halt took %s; want the 3 s halt_timeout, then a hard stop", took)
	}
	if st, _, err := dom.GetState(); err == nil && st != lv.DOMAIN_SHUTOFF {
		t.Errorf("after Halt the domain is in state %d", st)
	}
}

// boxFile writes a Vagrant-format libvirt box with a small qcow2 image and
// a kernel and initrd (not bootable: the store does not boot them).
func boxFile(t *testing.T, dir string) string {
	t.Helper()
	img := filepath.Join(dir, "box.img")
	if out, err := exec.Command("qemu-img", "create", "-q", "-f", "qcow2", img, "64M").CombinedOutput(); err != nil {
		t.Fatalf("qemu-img: %v: %s", err, out)
	}
	imgData, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	meta, _ := json.Marshal(map[string]any{"provider": "libvirt", "format": "qcow2", "virtual_size": 1,
		"envrun": map[string]string{"kernel": "vmlinuz", "initrd": "initrd.img", "cmdline": "root=/dev/vda"}})
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, m := range []struct {
		name string
		data []byte
	}{{"./box.img", imgData}, {"./vmlinuz", []byte("kernel")}, {"./initrd.img", []byte("initrd")}, {"./metadata.json", meta}} {
		tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.data)), Typeflag: tar.TypeReg})
		tw.Write(m.data)
	}
	tw.Close()
	zw.Close()
	path := filepath.Join(dir, "test.box")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestIntegrationBoxStore(t *testing.T) {
	providertest.Require(t, libvirt.Driver)
	ctx := context.Background()
	dir := t.TempDir()
	file := boxFile(t, dir)
	store, err := libvirt.Driver.OpenBoxes(ctx, ui.Discard())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	name := fmt.Sprintf("envrun-test/box-%d", time.Now().UnixNano())
	t.Cleanup(func() { store.RemoveBox(ctx, name) })
	if err := store.AddBox(ctx, name, file, false); err != nil {
		t.Fatal(err)
	}
	find := func() *provider.BoxInfo {
		boxes, err := store.Boxes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range boxes {
			if b.Name == name {
				return &b
			}
		}
		return nil
	}
	b := find()
	if b == nil || b.Provider != "libvirt" || b.Size <= 0 || !strings.HasSuffix(b.Path, ".img") {
		t.Fatalf("Boxes: %+v", b)
	}
	if err := store.AddBox(ctx, name, file, false); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("adding it again: %v, want an error saying it exists", err)
	}

	// A plain qcow2 image replaces it with --force.
	plain := filepath.Join(dir, "box.img")
	if err := store.AddBox(ctx, name, plain, true); err != nil {
		t.Fatalf("AddBox --force with a plain qcow2: %v", err)
	}

	// A machine's disk on the box keeps it from going.
	c, err := lv.NewConnect(libvirt.DefaultURI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pool, err := c.LookupStoragePoolByName(libvirt.PoolName)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Free()
	overlay := fmt.Sprintf("envrun-test-%d.qcow2", time.Now().UnixNano())
	vol, err := pool.StorageVolCreateXML(fmt.Sprintf(`<volume><name>%s</name><capacity>67108864</capacity>
		<target><format type="qcow2"/></target><backingStore><path>%s</path><format type="qcow2"/></backingStore></volume>`, overlay, find().Path), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { vol.Delete(0); vol.Free() }()
	if err := store.RemoveBox(ctx, name); err == nil || !strings.Contains(err.Error(), "is the base of the disks "+overlay) {
		t.Errorf("RemoveBox of a box in use: %v", err)
	}
	vol.Delete(0)
	if err := store.RemoveBox(ctx, name); err != nil {
		t.Fatal(err)
	}
	if b := find(); b != nil {
		t.Errorf("box still listed after RemoveBox: %+v", b)
	}
	if err := store.RemoveBox(ctx, name); err == nil {
		t.Error("RemoveBox of a missing box succeeded")
	}
	if err := store.AddBox(ctx, name, filepath.Join(dir, "nope"), false); err == nil {
		t.Error("AddBox of a missing file succeeded")
	}
}
