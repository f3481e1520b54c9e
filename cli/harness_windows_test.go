package cli_test

import "os/exec"

// ownGroup: the CLI tests run envrun as another user on Unix only.
func ownGroup(cmd *exec.Cmd, uid, gid uint32, groups []uint32) {
	if uid != 0 {
		panic("running envrun as another user needs Unix")
	}
}

// killGroup kills envrun; envrun's job objects end what it started.
func killGroup(cmd *exec.Cmd) { cmd.Process.Kill() }
