//go:build unix

package provider

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/envrun/envrun/engine/spec"
)

// The uid and gid a machine's user takes for its synced folders, when
// envrun runs as root: the first folder root does not own; none when
// every folder is root's, for root's machine, or for rsync folders only.
// (As another user, the host user's: the Docker provider's
// TestIntegrationSyncedFoldersDocker runs envrun as one.)
func TestFolderOwner(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs folders of other owners: run as root")
	}
	dir := t.TempDir()
	mk := func(name string, uid, gid int) string {
		p := filepath.Join(dir, name)
		if err := os.Mkdir(p, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rootDir, a, b := mk("root", 0, 0), mk("a", 1777, 1778), mk("b", 1000, 1000)
	tests := []struct {
		name    string
		user    string
		folders []spec.SyncedFolder
		ok      bool
		uid     int
		gid     int
	}{
		{"first folder", "vagrant", []spec.SyncedFolder{{Host: a, Guest: "/a"}, {Host: b, Guest: "/b"}}, true, 1777, 1778},
		{"root's skipped", "vagrant", []spec.SyncedFolder{{Host: rootDir, Guest: "/r"}, {Host: b, Guest: "/b"}}, true, 1000, 1000},
		{"missing skipped", "vagrant", []spec.SyncedFolder{{Host: filepath.Join(dir, "none"), Guest: "/n"}, {Host: a, Guest: "/a"}}, true, 1777, 1778},
		{"only root's", "vagrant", []spec.SyncedFolder{{Host: rootDir, Guest: "/r"}}, false, 0, 0},
		{"rsync only", "vagrant", []spec.SyncedFolder{{Host: a, Guest: "/a", Type: spec.SyncedRsync}}, false, 0, 0},
		{"rsync skipped", "vagrant", []spec.SyncedFolder{{Host: a, Guest: "/a", Type: spec.SyncedRsync}, {Host: b, Guest: "/b", Type: spec.Synced9p}}, true, 1000, 1000},
		{"root's machine", "root", []spec.SyncedFolder{{Host: a, Guest: "/a"}}, false, 0, 0},
		{"no folders", "vagrant", nil, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uid, gid, ok := FolderOwner(&spec.Machine{Name: "web", User: tt.user, SyncedFolders: tt.folders})
			if ok != tt.ok || uid != tt.uid || gid != tt.gid {
				t.Errorf("FolderOwner = %d, %d, %v; want %d, %d, %v", uid, gid, ok, tt.uid, tt.gid, tt.ok)
			}
		})
	}
}
