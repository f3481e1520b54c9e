//go:build libvirt_dlopen && cgo

package libvirt

import (
	"io/fs"
	"strings"
	"testing"
	"time"
)

type fakeInfo struct{ mode fs.FileMode }

func (f fakeInfo) Name() string       { return "kvm" }
func (f fakeInfo) Size() int64        { return 0 }
func (f fakeInfo) Mode() fs.FileMode  { return f.mode }
func (f fakeInfo) ModTime() time.Time { return time.Time{} }
func (f fakeInfo) IsDir() bool        { return false }
func (f fakeInfo) Sys() any           { return nil }

// TestKVMAdvice: the warning comes for a /dev/kvm only root may open,
// unless qemu runs as root; a device the kvm group may open, or none, gives
// none.
func TestKVMAdvice(t *testing.T) {
	dev := func(perm fs.FileMode) fs.FileInfo { return fakeInfo{fs.ModeDevice | fs.ModeCharDevice | perm} }
	for _, c := range []struct {
		name string
		dev  fs.FileInfo
		conf string
		want bool
	}{
		{"root only, Debian's default user", dev(0o600), "#user = \"root\"\n", true},
		{"root only, no qemu.conf", dev(0o600), "", true},
		{"root only, another user", dev(0o600), "user = \"libvirt-qemu\"\n", true},
		{"root only, qemu as root", dev(0o600), "  user = \"root\"\n", false},
		{"root only, qemu as uid 0", dev(0o600), "user = \"+0\"\n", false},
		{"the kvm group's (udev)", dev(0o660), "", false},
		{"everyone's", dev(0o666), "", false},
		{"no device", nil, "", false},
		{"not a device", fakeInfo{0o600}, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := kvmAdvice(c.dev, c.conf)
			if (got != "") != c.want {
				t.Fatalf("kvmAdvice = %q, want a warning: %v", got, c.want)
			}
			if c.want && !strings.Contains(got, "chmod 0660 /dev/kvm") {
				t.Errorf("the warning does not say what to do: %q", got)
			}
		})
	}
}
