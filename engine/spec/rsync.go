package spec

import (
	"path"
	"strconv"
)

// RsyncKind is the kind of the step that copies an rsync synced folder.
const RsyncKind = "rsync"

// RsyncStep is the upload that copies rsync folder sf (the n-th of its
// machine, counted from 1) into machine m: a file step of the folder to
// its guest path that sends what changed, named "rsync#n", placed at the
// machine. Folders called .envrun are never sent, nor what sf.Exclude
// names. Without owner and group the machine's login user writes the copy
// (and is given the guest path when it cannot make it: see
// comm.UploadOptions.Claim); with either, root writes it and chowns it to
// OWNER:GROUP, OWNER defaulting to the machine's user and GROUP to
// OWNER's login group.
func RsyncStep(m *Machine, sf SyncedFolder, n int) *File {
	f := &File{
		StepInfo: StepInfo{Kind: RsyncKind, Name: RsyncKind + "#" + strconv.Itoa(n), Pos: m.Pos, Run: RunOnce},
		Source:   sf.Host, Destination: path.Clean(sf.Guest), Exclude: sf.Exclude, Sync: SyncChanges,
	}
	folder := sf
	f.Folder = &folder
	if sf.Owner != "" || sf.Group != "" {
		owner := sf.Owner
		if owner == "" {
			owner = m.User
		}
		f.Chown, f.Privileged = owner+":"+sf.Group, true
	}
	return f
}

// IsRsync reports whether s is the upload of an rsync synced folder.
func IsRsync(s Step) bool {
	f, ok := s.(*File)
	return ok && f.Folder != nil
}

// fillRsyncSteps puts the uploads of m's rsync folders before its own steps,
// in guest path order, replacing those an earlier run of the defaults step
// put there: the Envfile's steps keep their places and default names.
func fillRsyncSteps(m *Machine) {
	own := m.Steps[:0:0]
	for _, s := range m.Steps {
		if !IsRsync(s) {
			own = append(own, s)
		}
	}
	var steps []Step
	for _, sf := range m.SyncedFolders {
		if sf.Type == SyncedRsync {
			steps = append(steps, RsyncStep(m, sf, len(steps)+1))
		}
	}
	if len(steps) == 0 {
		m.Steps = own
		return
	}
	m.Steps = append(steps, own...)
}
