package guest

import (
	"errors"
	"strings"

	"github.com/envrun/envrun/engine/comm"
)

// folderFailPrefix starts the line a script writes on stderr when the
// guest cannot mount a synced folder (the script's fail_folder): then the
// folder's tag, ": " and why, on one line.
const folderFailPrefix = "envrun synced folder "

// FolderFailure is a synced folder the guest could not mount: the tag of
// its Mount (Mount.Name) and the guest's reason, such as "the machine's
// kernel (6.1.0-28-amd64) has no 9p module".
type FolderFailure struct {
	Tag, Reason string
}

// FindFolderFailure finds, in err, the failure of a script of this
// package (a *comm.ExitError: Script, Remount, Reconfigure), the synced
// folder the guest could not mount; false when the script failed for
// another reason.
func FindFolderFailure(err error) (FolderFailure, bool) {
	var ee *comm.ExitError
	if !errors.As(err, &ee) {
		return FolderFailure{}, false
	}
	lines := strings.Split(ee.Stderr, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		rest, ok := strings.CutPrefix(strings.TrimSpace(lines[i]), folderFailPrefix)
		if !ok {
			continue
		}
		if tag, reason, ok := strings.Cut(rest, ": "); ok && tag != "" && !strings.ContainsAny(tag, " \t") {
			return FolderFailure{Tag: tag, Reason: strings.TrimSpace(reason)}, true
		}
	}
	return FolderFailure{}, false
}

// FSModules are the kernel modules the guest needs for a synced folder of
// file system fsType ("9p", "virtiofs"); none for another.
func FSModules(fsType string) []string {
	return fsModules[fsType]
}
