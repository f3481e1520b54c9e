//go:build libvirt_dlopen && cgo

package libvirt

import (
	"path/filepath"
	"slices"
	"testing"

	"libvirt.org/go/libvirtxml"

	"github.com/envrun/envrun/engine/spec"
)

// TestDiskPathsFromDefinition: the no-op up's drift check reads the
// overlay's and the data disks' paths off the domain's definition, and
// gets the paths the definition was made with (so the settings hash is
// the one recorded, and nothing is asked of the pool).
func TestDiskPathsFromDefinition(t *testing.T) {
	dir := "/var/lib/libvirt/images/envrun"
	disks := []spec.Disk{{Size: 1}, {Size: 2}}
	data := dataDiskPathsIn(dir, "proj-web", disks)
	x, err := domainXML(domainParams{Name: "proj-web", Type: "qemu", Meta: testMeta(), Disk: dir + "/proj-web.qcow2", DataDisks: data, Opts: &Options{}})
	if err != nil {
		t.Fatal(err)
	}
	var def libvirtxml.Domain
	if err := def.Unmarshal(x); err != nil {
		t.Fatal(err)
	}
	disk := diskPath(&def, "proj-web.qcow2")
	if disk != dir+"/proj-web.qcow2" {
		t.Errorf("diskPath = %q", disk)
	}
	if got := dataDiskPathsIn(filepath.Dir(disk), "proj-web", disks); !slices.Equal(got, data) {
		t.Errorf("data disks %q, want %q", got, data)
	}
	if diskPath(&def, "other.qcow2") != "" || diskPath(nil, "proj-web.qcow2") != "" {
		t.Errorf("diskPath found a disk that is not there")
	}
}
