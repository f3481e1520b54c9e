package provider

import (
	"os"

	"github.com/envrun/envrun/engine/spec"
)

// FolderOwner is the uid and gid machine m's user takes in its guest so
// that it can write m's synced folders, where the guest sees the host's
// owners (Docker's bind mounts; libvirt's virtiofs, and 9p for what the
// host made): the host user's when envrun does not run as root, as
// devcontainers do (updateRemoteUserUID); when envrun runs as root, the
// owner of the first synced folder that root does not own. Root's files
// stay root's: envrun changes no host file's owner, and a folder root
// owns is written by root in the guest only (the providers warn). ok is
// false when m has no mounted synced folder (an rsync folder's copy is
// the machine user's already), when m's user is root, when every folder
// is root's, and where files have no uid (Windows).
func FolderOwner(m *spec.Machine) (uid, gid int, ok bool) {
	folders := m.MountedFolders()
	if len(folders) == 0 || m.User == "root" {
		return 0, 0, false
	}
	if uid := os.Getuid(); uid > 0 { // -1 on Windows
		return uid, os.Getgid(), true
	} else if uid < 0 {
		return 0, 0, false
	}
	for _, sf := range folders {
		fi, err := os.Stat(sf.Host)
		if err != nil {
			continue
		}
		if uid, gid, ok := FileOwner(fi); ok && uid != 0 {
			return uid, gid, true
		}
	}
	return 0, 0, false
}
