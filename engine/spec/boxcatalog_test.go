package spec

import (
	"strings"
	"testing"
)

func TestCheckBoxEntry(t *testing.T) {
	for _, tt := range []struct {
		name, base, want string
	}{
		{"myorg/base", "ubuntu:22.04", ""},
		{"base", "registry.local:5000/acme/base:1", ""},
		{"myorg/ubuntu-*", "ubuntu:$1", ""},
		{"*/*", "registry.local/$1/$2:latest", ""},
		{"myorg/*-*", "registry.local/$1:${2}-slim", ""},
		{"", "x", "the name is a box name"},
		{"/x", "x", "the name is a box name"},
		{"a/b/c", "x", "the name is a box name"},
		{"a b", "x", "the name is a box name"},
		{"myorg/**", "x", "has **"},
		{"myorg/x", "", "is not an image name"},
		{"myorg/x", "ubuntu 22.04", "is not an image name"},
		{"myorg/x", "ubuntu:$1", `$1, but the name "myorg/x" has 0 *`},
		{"myorg/*", "ubuntu:${2}", `${2}, but the name "myorg/*" has 1 *`},
		{"myorg/*", "ubuntu:$0", `$0, but`},
		{"myorg/*", "ubuntu:$1_x", `write $1_x as ${1}_x`},
		{"myorg/*", "ubuntu:$x", `a $ stands for what a * of the name matched`},
	} {
		got := checkBoxEntry(&BoxEntry{Name: tt.name, Base: tt.base})
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%q { base = %q }: %q, want %q", tt.name, tt.base, got, tt.want)
		}
	}
	b := &BoxEntry{Name: "my.org/ubuntu-*"}
	if re := b.Pattern(); !re.MatchString("my.org/ubuntu-22.04") || re.MatchString("myxorg/ubuntu-22.04") || re.MatchString("my.org/ubuntu-") || re.MatchString("my.org/ubuntu-a/b") {
		t.Errorf("pattern %s", re)
	}
}
