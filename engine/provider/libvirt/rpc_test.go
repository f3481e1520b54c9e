//go:build libvirt_dlopen && cgo

package libvirt

import (
	"os"
	"path/filepath"
	"testing"

	"libvirt.org/go/libvirt"
)

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

// The default libvirt is looked at only where it answers; a local one
// whose socket is not there is not asked through libvirt.so, which would
// be loaded for nothing (and would start a session daemon).
func TestAnswersNoSocket(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	p := &Provider{conns: map[string]*libvirt.Connect{}, rpcs: map[string]*rpcReads{}}
	if p.answers(t.Context(), "qemu:///session") {
		t.Error("a session libvirt with no socket answers")
	}
	if len(p.conns) != 0 {
		t.Errorf("libvirt.so was asked: %d connections", len(p.conns))
	}
	if _, err := os.Stat(filepath.Join(os.Getenv("XDG_RUNTIME_DIR"), "libvirt")); err == nil {
		t.Error("a session daemon was started")
	}
}
