package shquote

import "testing"

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"plain":     "plain",
		"a b":       "'a b'",
		"it's":      `'it'\''s'`,
		"":          "''",
		"K=v/x:1,2": "K=v/x:1,2",
		"$HOME":     "'$HOME'",
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}
