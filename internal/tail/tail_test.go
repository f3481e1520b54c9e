package tail

import "testing"

func TestLines(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{{"a\nb\nc\n", 2, "b\nc"}, {"a", 5, "a"}, {"", 1, ""}} {
		if got := Lines(tt.in, tt.n); got != tt.want {
			t.Errorf("Lines(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
