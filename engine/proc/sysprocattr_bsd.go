//go:build unix && !linux

package proc

import "syscall"

// No Pdeathsig outside Linux: the command outlives an envrun killed with
// kill -9 (the package comment says so).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
