// Package shquote quotes strings for a POSIX shell: the one quoter of
// envrun.
package shquote

import "strings"

// Quote quotes s for a POSIX shell. Words made only of safe characters
// are left as they are.
func Quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,@+%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
