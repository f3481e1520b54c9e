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

// A remote system libvirt named plainly is read through the SSH
// connection envrun shares with its host; with a keyfile (which that
// connection would not use) or any other path it keeps to libvirt.so.
func TestRPCRemote(t *testing.T) {
	for uri, want := range map[string]string{
		"qemu+ssh://root@10.250.0.1/system":            "root@10.250.0.1",
		"qemu+ssh://host.example:2222/system":          "host.example:2222",
		"qemu+ssh://root@10.250.0.1/session":           "",
		"qemu+ssh://root@host/system?keyfile=/tmp/key": "",
		"qemu:///system":                               "",
		"qemu+unix:///system?socket=/tmp/sock":         "",
		"qemu+tcp://host/system":                       "",
	} {
		got := ""
		if j := rpcRemote(uri); j != nil {
			got = j.String()
		}
		if got != want {
			t.Errorf("rpcRemote(%q) = %q, want %q", uri, got, want)
		}
	}
}
