package cli

import (
	"errors"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/provider"
)

func TestReadVersion(t *testing.T) {
	drivers := []*provider.Driver{
		{Name: "docker"},
		{Name: "libvirt", NotBuilt: errors.New("built without libvirt support: use -tags libvirt_dlopen")},
	}
	tests := []struct {
		name      string
		buildInfo string // as `go version -m` prints it
		want      []string
	}{
		{"a tagged release", `path	github.com/envrun/envrun
mod	github.com/envrun/envrun	v1.4.0
build	GOOS=darwin
build	GOARCH=arm64
build	vcs=git
build	vcs.revision=0123456789abcdef0123456789abcdef01234567
build	vcs.time=2026-12-01T10:00:00Z
build	vcs.modified=false
`, []string{
			"envrun v1.4.0\n",
			"revision:  0123456789abcdef0123456789abcdef01234567, 2026-12-01T10:00:00Z\n",
			"go:        go1.26.8 darwin/arm64\n",
			"providers: docker\n",
			"(libvirt is not: built without libvirt support: use -tags libvirt_dlopen)",
		}},
		{"a checkout with changes", `path	github.com/envrun/envrun
mod	github.com/envrun/envrun	v0.0.0-20261201100000-0123456789ab+dirty
build	GOOS=linux
build	GOARCH=amd64
build	vcs=git
build	vcs.revision=0123456789abcdef0123456789abcdef01234567
build	vcs.modified=true
`, []string{
			"envrun v0.0.0-20261201100000-0123456789ab+dirty\n",
			"revision:  0123456789abcdef0123456789abcdef01234567 (modified)\n",
			"go:        go1.26.8 linux/amd64\n",
		}},
		{"no VCS information", `path	github.com/envrun/envrun
mod	github.com/envrun/envrun	(devel)
build	GOOS=windows
build	GOARCH=amd64
`, []string{
			"envrun (devel)\n",
			"revision:  unknown (built without VCS information)\n",
			"go:        go1.26.8 windows/amd64\n",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bi, err := debug.ParseBuildInfo(tt.buildInfo)
			if err != nil {
				t.Fatal(err)
			}
			bi.GoVersion = "go1.26.8" // a line of its own in `go version -m`, not parsed
			got := readVersion(bi, drivers).String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in:\n%s", w, got)
				}
			}
		})
	}
}

// A version set at link time (-ldflags -X .../cli.Version=v2.0.0) wins over
// the stamped one.
func TestReadVersionLinkTime(t *testing.T) {
	defer func(v string) { Version = v }(Version)
	Version = "v2.0.0"
	bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}
	v := readVersion(bi, []*provider.Driver{{Name: "docker"}})
	if v.Version != "v2.0.0" || len(v.Providers) != 1 || !v.Providers[0].BuiltIn {
		t.Errorf("got %+v", v)
	}
}
