package ansible

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// endLateMasters stops the SSH masters of dir that closeMasters could not
// reach: one that bound its socket after the folder was read (an
// interrupted run's ssh still logging in when ansible-playbook was
// stopped) goes on for ControlPersist with no socket left to ask. OpenSSH
// titles a master "ssh: SOCKET [mux]"; it is found by that title.
func endLateMasters(dir string) int {
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	prefix := []byte("ssh: " + dir + string(filepath.Separator))
	n := 0
	for _, p := range procs {
		title, err := os.ReadFile(p)
		if err != nil || !bytes.HasPrefix(title, prefix) || !bytes.Contains(title, []byte("[mux]")) {
			continue
		}
		pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p)))
		if err == nil && syscall.Kill(pid, syscall.SIGTERM) == nil {
			n++
		}
	}
	return n
}
