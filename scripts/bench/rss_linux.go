package main

import (
	"os"
	"syscall"
)

// childMaxRSS is the peak resident memory, in MiB, of a command that has
// exited.
func childMaxRSS(ps *os.ProcessState) float64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024 // KiB on Linux
	}
	return 0
}

// selfMaxRSS is this process's peak resident memory in MiB.
func selfMaxRSS() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}

// selfCPU is the CPU time (user + system) this process has used, in
// milliseconds: on a shared machine it tells work from waiting.
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}
