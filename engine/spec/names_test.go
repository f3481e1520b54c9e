package spec

import (
	"regexp"
	"strings"
	"testing"
)

// TestNameChecks compares the loops of names.go with the expressions they
// stand for, on edge cases and on every short string of a small alphabet.
func TestNameChecks(t *testing.T) {
	checks := []struct {
		name string
		re   *regexp.Regexp
		fn   func(string) bool
	}{
		{"name", regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$`), isName},
		{"user", regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`), isUser},
		{"label", regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`), isLabel},
		{"env", regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`), isEnvName},
	}
	inputs := []string{"", "web1", "Web-1_x", "é", "a.b", "a b", "a\n", "\na",
		strings.Repeat("a", 31), strings.Repeat("a", 32), strings.Repeat("a", 33),
		strings.Repeat("a", 62), strings.Repeat("a", 63), strings.Repeat("a", 64)}
	alphabet := []string{"a", "Z", "0", "_", "-", "."}
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		inputs = append(inputs, prefix)
		if n == 0 {
			return
		}
		for _, c := range alphabet {
			gen(prefix+c, n-1)
		}
	}
	gen("", 4)
	for _, c := range checks {
		for _, s := range inputs {
			if got, want := c.fn(s), c.re.MatchString(s); got != want {
				t.Errorf("%s(%q) = %v, the expression says %v", c.name, s, got, want)
			}
		}
	}
}
