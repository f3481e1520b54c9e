//go:build unix

package cli_test

import (
	"os/exec"
	"syscall"
)

// ownGroup makes cmd lead a process group of its own, run as user uid
// (group gid, or uid's when 0, and the supplementary groups) unless uid is
// 0.
func ownGroup(cmd *exec.Cmd, uid, gid uint32, groups []uint32) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if uid != 0 {
		if gid == 0 {
			gid = uid
		}
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uid, Gid: gid, Groups: groups}
	}
}

// killGroup kills cmd's process group, whatever is left of it.
func killGroup(cmd *exec.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
