//go:build libvirt_dlopen && cgo

package libvirt

import "testing"

// Only a local system or session libvirt, named plainly, is read over the
// protocol; anything else keeps to libvirt.so, which knows its transports.
func TestRPCSocket(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", "/run/user/1000")
	for uri, want := range map[string]string{
		"qemu:///system":                       "/var/run/libvirt/libvirt-sock",
		"qemu:///session":                      "/run/user/1000/libvirt/libvirt-sock",
		"qemu+ssh://root@10.250.0.1/system":    "",
		"qemu+unix:///system?socket=/tmp/sock": "",
		"qemu:///system?socket=/tmp/sock":      "",
		"qemu://host/system":                   "",
		"test:///default":                      "",
		"qemu:///embed?root=/tmp/x":            "",
		"not a uri\x00":                        "",
	} {
		if got := rpcSocket(uri); got != want {
			t.Errorf("rpcSocket(%q) = %q, want %q", uri, got, want)
		}
	}
}
