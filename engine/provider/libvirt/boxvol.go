package libvirt

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/envrun/envrun/engine/provider"
)

// A box is kept as volumes in envrun's storage pool, named after it:
//
//	envrun-box-<name>.img      the disk image (qcow2), backing every machine's overlay
//	envrun-box-<name>.vmlinuz  the kernel, for boxes booted directly
//	envrun-box-<name>.initrd   its initrd
//	envrun-box-<name>.json     boxMeta; written last, so a box exists once it does
//
// where <name> is the box's name with every byte but [A-Za-z0-9._-]
// written %XX ("debian/bookworm" → "debian%2Fbookworm").

// PoolName is envrun's storage pool, made on first use.
const PoolName = "envrun"

const boxPrefix = "envrun-box-"

// Box volume kinds, by suffix.
const (
	boxImage  = ".img"
	boxKernel = ".vmlinuz"
	boxInitrd = ".initrd"
	boxJSON   = ".json"
)

// boxVolume is the name of a box's volume of the given kind.
func boxVolume(box, kind string) string { return boxPrefix + escapeBox(box) + kind }

// parseBoxVolume returns the box and kind of a volume name, ok false for
// volumes that are not boxes'.
func parseBoxVolume(vol string) (box, kind string, ok bool) {
	rest, found := strings.CutPrefix(vol, boxPrefix)
	if !found {
		return "", "", false
	}
	for _, k := range []string{boxImage, boxKernel, boxInitrd, boxJSON} {
		if esc, found := strings.CutSuffix(rest, k); found {
			name, err := url.PathUnescape(esc)
			return name, k, err == nil
		}
	}
	return "", "", false
}

func escapeBox(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// boxMeta is what envrun records about a box in its .json volume.
type boxMeta struct {
	Name        string    `json:"name"`
	Provider    string    `json:"provider"` // always "libvirt"
	VirtualSize uint64    `json:"virtual_size"`
	Kernel      bool      `json:"kernel,omitempty"` // it has a kernel and initrd volume
	Initrd      bool      `json:"initrd,omitempty"`
	Cmdline     string    `json:"cmdline,omitempty"`
	Source      string    `json:"source"` // the file's path, or the URL it was downloaded from
	Added       time.Time `json:"added"`
	// Origin is where a downloaded box came from (catalog, version).
	Origin *provider.BoxOrigin `json:"origin,omitempty"`
}

// envrunBoxFields are envrun's extension of a Vagrant box's metadata.json:
// a box booted directly names its kernel, initrd (files in the archive)
// and kernel command line under "envrun".
type envrunBoxFields struct {
	Kernel  string `json:"kernel"`
	Initrd  string `json:"initrd"`
	Cmdline string `json:"cmdline"`
}

// boxPlan is what a box file holds, read before anything is uploaded.
type boxPlan struct {
	Vagrant bool   // a Vagrant-format box; else a plain qcow2 image
	Image   string // archive member of the disk image
	Kernel  string // archive members, "" when none
	Initrd  string
	Cmdline string
}

// planBox reads what the box file holds and checks it is a libvirt box.
func planBox(file string) (*boxPlan, error) {
	if fi, err := os.Stat(file); err != nil {
		return nil, err
	} else if fi.IsDir() {
		return nil, fmt.Errorf("%s is a folder: libvirt boxes are added from a box file (a tar with metadata.json and box.img) or a qcow2 image", file)
	}
	meta, err := provider.ReadBoxMetadata(file)
	if err != nil {
		if !isNotVagrant(err) {
			return nil, err
		}
		size, err := qcow2FileSize(file)
		if err != nil {
			return nil, err
		}
		if size == 0 {
			return nil, fmt.Errorf("%s is neither a Vagrant-format box nor a qcow2 image (convert a raw image with `qemu-img convert -O qcow2`)", file)
		}
		return &boxPlan{}, nil
	}
	if meta.Provider != "libvirt" {
		return nil, fmt.Errorf("%s is a box for %q, not for libvirt", filepath.Base(file), meta.Provider)
	}
	if meta.Format != "" && meta.Format != "qcow2" {
		return nil, fmt.Errorf("%s: libvirt boxes hold a qcow2 image; metadata.json says format %q", filepath.Base(file), meta.Format)
	}
	plan := &boxPlan{Vagrant: true, Image: "box.img"}
	if raw, ok := meta.Fields["envrun"]; ok {
		var ext envrunBoxFields
		if err := json.Unmarshal(raw, &ext); err != nil {
			return nil, fmt.Errorf("%s: metadata.json: envrun: %w", filepath.Base(file), err)
		}
		if ext.Initrd != "" && ext.Kernel == "" {
			return nil, fmt.Errorf("%s: metadata.json: envrun.initrd without envrun.kernel", filepath.Base(file))
		}
		plan.Kernel, plan.Initrd, plan.Cmdline = ext.Kernel, ext.Initrd, ext.Cmdline
	}
	return plan, nil
}

// qcow2Size reads the virtual size from a qcow2 header, 0 when head is not
// one.
func qcow2Size(head []byte) uint64 {
	if len(head) < 32 || string(head[:4]) != "QFI\xfb" {
		return 0
	}
	return binary.BigEndian.Uint64(head[24:32])
}

func isNotVagrant(err error) bool { return errors.Is(err, provider.ErrNotVagrantBox) }

// qcow2FileSize is the virtual size of the qcow2 image file, 0 when it is
// not one.
func qcow2FileSize(file string) (uint64, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	head := make([]byte, 32)
	if _, err := io.ReadFull(f, head); err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return 0, err
	}
	return qcow2Size(head), nil
}
