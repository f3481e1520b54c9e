//go:build libvirt_dlopen && cgo

package libvirt

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/spec"
)

func TestCheckURI(t *testing.T) {
	tests := []struct {
		uri  string
		want string // "" when allowed
	}{
		{"qemu:///system", ""},
		{"qemu:///session", ""},
		{"qemu+unix:///system?socket=/run/libvirt/libvirt-sock", ""},
		{"qemu+ssh://admin@kvm1.example.org:2222/system", ""},
		{"qemu+ssh://10.0.0.5/system?keyfile=/home/me/.ssh/id_ed25519", ""},
		{"test:///default", ""},
		{"qemu+ext:///system?command=/tmp/prog", "not qemu+ext://"},
		{"qemu+ssh://host/system?command=/tmp/prog", `parameter "command" is not one envrun allows for qemu+ssh (allowed: keyfile)`},
		{"qemu+ssh://host/system?netcat=/tmp/nc", `parameter "netcat"`},
		{"qemu+ssh://host/system?socket=/tmp/s", `parameter "socket"`},
		{"qemu+unix:///system?socket=/tmp/s;touch+x", "invalid semicolon"},
		{"qemu+unix:///system?socket=/tmp/s%20x", "want one absolute path"},
		{"qemu+ssh://-oProxyCommand=touch/system", "is not a host name or IP address"},
		{"qemu+ssh://u:pw@host/system", "no password"},
		{"qemu+ssh://host/system?keyfile=../k", "want one absolute path"},
		{"qemu+unix:///system?socket=/a/../b", "want one absolute path"},
		{"qemu+tcp://host/system", "not qemu+tcp://"},
		{"qemu+libssh2://host/system", "not qemu+libssh2://"},
		{"qemu://host/system", "reached over SSH"},
		{"qemu:///embed?root=/tmp", "the path is /system or /session"},
		{"qemu:///system?mode=legacy", `parameter "mode" is not one envrun allows for qemu (allowed: none)`},
		{"lxc:///", "not lxc://"},
		{"qemu:system", "is not a libvirt URI"},
		{"test:///tmp/file.xml", "test:///default"},
	}
	for _, tt := range tests {
		err := CheckURI(tt.uri)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v, want it allowed", tt.uri, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want an error with %q", tt.uri, err, tt.want)
		}
	}
}

// TestConnectRunsNoProgram: a URI that would have libvirt run a program
// (the ext transport's command=) is refused before libvirt sees it, as an
// Envfile error, and the program does not run.
func TestConnectRunsNoProgram(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	prog := filepath.Join(dir, "prog")
	os.WriteFile(prog, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755)
	for _, uri := range []string{"qemu+ext:///system?command=" + prog, "qemu+ssh://localhost/system?command=" + prog} {
		_, err := connect(context.Background(), uri)
		if err == nil || !spec.IsInvalid(err) {
			t.Errorf("connect %s: %v, want an Envfile error (exit 2)", uri, err)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Fatalf("connect %s ran the program", uri)
		}
	}
}
