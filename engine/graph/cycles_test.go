package graph

import (
	"strings"
	"testing"
)

func TestFindCycles(t *testing.T) {
	edges := map[string][]string{"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}, "e": {"a"}}
	got := FindCycles([]string{"a", "b", "c", "d", "e"}, func(s string) []string { return edges[s] })
	if len(got) != 2 {
		t.Fatalf("cycles = %v, want 2", got)
	}
	for _, c := range got {
		switch strings.Join(c, ",") {
		case "a,b,c", "d":
		default:
			t.Errorf("unexpected cycle %v", c)
		}
	}
}
