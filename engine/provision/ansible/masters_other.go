//go:build !linux

package ansible

// endLateMasters finds no masters by their title where there is no /proc.
func endLateMasters(dir string) int { return 0 }
