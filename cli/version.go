package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/envrun/envrun/engine/provider"
)

// versionInfo is what `envrun version` reports about this binary.
type versionInfo struct {
	// Version is the module version: -ldflags -X cli.Version when given,
	// else what the go command stamped (a tag, or a pseudo-version made
	// from the commit), else "(devel)".
	Version  string `json:"version"`
	Revision string `json:"revision,omitempty"` // VCS commit it was built from
	Time     string `json:"time,omitempty"`     // the commit's time
	// Modified: built from a tree with uncommitted changes.
	Modified  bool            `json:"modified,omitempty"`
	Go        string          `json:"go"`
	Platform  string          `json:"platform"`
	Providers []providerBuild `json:"providers"`
}

type providerBuild struct {
	Name    string `json:"name"`
	BuiltIn bool   `json:"built_in"`
	// Why says how to build the provider in when it is not.
	Why string `json:"why,omitempty"`
}

// readVersion describes this binary from its build information.
func readVersion(bi *debug.BuildInfo, drivers []*provider.Driver) versionInfo {
	v := versionInfo{Version: Version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		if bi.GoVersion != "" {
			v.Go = bi.GoVersion
		}
		if v.Version == "dev" && bi.Main.Version != "" {
			v.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Revision = s.Value
			case "vcs.time":
				v.Time = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			case "GOOS":
				v.Platform = s.Value + v.Platform[strings.IndexByte(v.Platform, '/'):]
			case "GOARCH":
				v.Platform = v.Platform[:strings.IndexByte(v.Platform, '/')+1] + s.Value
			}
		}
	}
	if v.Version == "dev" {
		v.Version = "(devel)"
	}
	for _, d := range drivers {
		p := providerBuild{Name: d.Name, BuiltIn: d.NotBuilt == nil}
		if d.NotBuilt != nil {
			p.Why = d.NotBuilt.Error()
		}
		v.Providers = append(v.Providers, p)
	}
	return v
}

func currentVersion() versionInfo {
	bi, _ := debug.ReadBuildInfo()
	return readVersion(bi, Drivers)
}

// String is the text of `envrun version` and `envrun --version`.
func (v versionInfo) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "envrun %s\n", v.Version)
	if v.Revision != "" {
		fmt.Fprintf(&b, "revision:  %s", v.Revision)
		if v.Modified {
			b.WriteString(" (modified)")
		}
		if v.Time != "" {
			fmt.Fprintf(&b, ", %s", v.Time)
		}
		b.WriteString("\n")
	} else {
		b.WriteString("revision:  unknown (built without VCS information)\n")
	}
	fmt.Fprintf(&b, "go:        %s %s\n", v.Go, v.Platform)
	var in, out []string
	for _, p := range v.Providers {
		if p.BuiltIn {
			in = append(in, p.Name)
		} else {
			out = append(out, fmt.Sprintf("%s is not: %s", p.Name, p.Why))
		}
	}
	fmt.Fprintf(&b, "providers: %s\n", strings.Join(in, ", "))
	for _, o := range out {
		fmt.Fprintf(&b, "           (%s)\n", o)
	}
	return b.String()
}

func (a *app) versionCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print which envrun this is: version, commit, Go and the providers built in",
		Long: `version prints the module version, the commit envrun was built from (and
whether the tree had uncommitted changes), the Go version and platform, and
which providers this binary has (libvirt needs cgo and -tags libvirt_dlopen).
envrun --version prints the same.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := currentVersion()
			if asJSON {
				return writeJSON(a.stdout, v)
			}
			_, err := fmt.Fprint(a.stdout, v)
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
