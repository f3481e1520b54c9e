//go:build !linux

package luaapi

// hostMemoryMiB is 0 (unknown) where envrun does not read it yet.
func hostMemoryMiB() int64 { return 0 }
