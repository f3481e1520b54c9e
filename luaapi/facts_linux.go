package luaapi

import "golang.org/x/sys/unix"

// hostMemoryMiB is the host's memory in MiB.
func hostMemoryMiB() int64 {
	var si unix.Sysinfo_t
	if err := unix.Sysinfo(&si); err != nil {
		return 0
	}
	return int64(uint64(si.Totalram) * uint64(si.Unit) >> 20)
}
