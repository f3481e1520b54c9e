package docker

import (
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/suggest"
)

// Options is a machine's `docker = { ... }` table.
type Options struct {
	Image      string            `opt:"image"`       // an image to run instead of the box
	Build      string            `opt:"build"`       // a folder with a Dockerfile, built through the API
	Base       string            `opt:"base"`        // an image the box's recipe is built on (catalog.go)
	Family     string            `opt:"family"`      // the package manager of Base; "" guesses
	HostConfig map[string]any    `opt:"host_config"` // HostConfig fields envrun does not model, as the API spells them
	Dockerfile string            `opt:"dockerfile"`  // its name inside Build
	Cmd        any               `opt:"cmd"`         // a string (run by /bin/sh -c) or a list
	Privileged bool              `opt:"privileged"`
	Env        map[string]string `opt:"env"`
	CapAdd     []string          `opt:"cap_add"`
	Tmpfs      []string          `opt:"tmpfs"`

	// The engine the machine runs on, and how it is reached: see
	// endpoint.go and route.go. Every machine that names one names the same.
	Host    string `opt:"host"`    // a DOCKER_HOST-style address
	Context string `opt:"context"` // a docker context
	Reach   string `opt:"reach"`   // direct, jump or engine; "" chooses
	// DefaultRoute names the network the default route goes through; ""
	// is the first network the machine declares that is not isolated.
	DefaultRoute string `opt:"default_route"`

	// owner, when set, is the uid and gid the machine's user takes so
	// that it can write its synced folders (see folderOwner). Not a key.
	owner *ids
}

// ids are a uid and a gid.
type ids struct{ UID, GID int }

// capRE is a Linux capability name, with or without CAP_, or ALL.
var capRE = regexp.MustCompile(`^(?:CAP_)?[A-Z][A-Z_]*$`)

// checkOptions is the Driver's CheckOptions: m's docker table decodes,
// and docker.base has a recipe in ef (whose box_catalog entries may give
// its family).
func checkOptions(ef *spec.Envfile, m *spec.Machine, _ spec.Options) error {
	o, err := decodeOptions(m, "")
	if err != nil || (o.Base == "" && o.Family == "") {
		return err
	}
	var user []*spec.BoxEntry
	if ef != nil {
		user = ef.BoxCatalog
	}
	if _, _, err := recipeFor(m.Box, o, user); err != nil {
		return spec.Errorf(m.Providers["docker"].Pos, "machine %q: docker: %v", m.Name, err)
	}
	return nil
}

// newOptions is a docker table with nothing given: the schema's defaults
// (spec.EnvfileSchema's docker table), which decodeOptions reads the
// machine's table over.
func newOptions() *Options {
	o := &Options{}
	spec.OptionDefaults("docker", o)
	return o
}

// decodeOptions reads m's docker table; paths are resolved against dir.
func decodeOptions(m *spec.Machine, dir string) (*Options, error) {
	o := newOptions()
	raw, ok := m.Providers["docker"]
	if !ok {
		return o, nil
	}
	what := fmt.Sprintf("machine %q: docker", m.Name)
	if err := raw.Decode(what, o); err != nil {
		return nil, err
	}
	if o.Image != "" && o.Build != "" {
		return nil, spec.Errorf(raw.Pos, "%s: image and build are exclusive: build makes the image", what)
	}
	if (o.Image != "" || o.Build != "") && (o.Base != "" || o.Family != "") {
		return nil, spec.Errorf(raw.Pos, "%s: base makes the box's image from a recipe: it does not go with image or build", what)
	}
	if o.Family != "" && !slices.Contains(Families, o.Family) {
		return nil, spec.Errorf(raw.Pos, "%s.family: unknown family %q%s (known: %s)", what, o.Family, suggest.DidYouMean(o.Family, Families), strings.Join(Families, ", "))
	}
	if why := checkHostConfig(o.HostConfig); why != "" {
		return nil, spec.Errorf(raw.Pos, "%s.host_config: %s", what, why)
	}
	if o.Host != "" && o.Context != "" {
		return nil, spec.Errorf(raw.Pos, "%s: host and context are exclusive: a context names a host", what)
	}
	switch cmd := o.Cmd.(type) {
	case nil, string:
	case []any:
		for i, c := range cmd {
			if _, ok := c.(string); !ok {
				return nil, spec.Errorf(raw.Pos, "%s.cmd: item %d: expected string, got %s", what, i+1, spec.TypeName(c))
			}
		}
	default:
		return nil, spec.Errorf(raw.Pos, "%s.cmd: expected string or list of strings, got %s", what, spec.TypeName(o.Cmd))
	}
	for _, k := range slices.Sorted(maps.Keys(o.Env)) {
		switch {
		case k == "":
			return nil, spec.Errorf(raw.Pos, "%s.env: a variable has an empty name", what)
		case strings.ContainsAny(k, "=\x00"):
			return nil, spec.Errorf(raw.Pos, "%s.env: variable name %q holds '=' or a NUL byte: Docker would read another variable", what, k)
		case strings.ContainsRune(o.Env[k], 0):
			return nil, spec.Errorf(raw.Pos, "%s.env.%s: the value holds a NUL byte", what, k)
		}
	}
	for _, c := range o.CapAdd {
		if !capRE.MatchString(c) {
			return nil, spec.Errorf(raw.Pos, "%s.cap_add: %q is not a capability name (such as NET_ADMIN or CAP_NET_ADMIN)", what, c)
		}
	}
	for _, t := range o.Tmpfs {
		if !path.IsAbs(t) || strings.ContainsAny(t, ":,\x00") {
			return nil, spec.Errorf(raw.Pos, "%s.tmpfs: %q is not an absolute guest path (options are not taken here)", what, t)
		}
	}
	if o.DefaultRoute != "" && !slices.ContainsFunc(m.Networks, func(a spec.Attachment) bool { return a.Network == o.DefaultRoute }) {
		var names []string
		for _, a := range m.Networks {
			names = append(names, a.Network)
		}
		return nil, spec.Errorf(raw.Pos, "%s.default_route: %q is not one of the machine's networks%s (its networks: %v)",
			what, o.DefaultRoute, suggest.DidYouMean(o.DefaultRoute, names), names)
	}
	if o.Build != "" {
		if !filepath.IsAbs(o.Build) {
			o.Build = filepath.Join(dir, o.Build)
		}
		if _, err := os.Stat(filepath.Join(o.Build, o.Dockerfile)); err != nil {
			return nil, spec.Errorf(raw.Pos, "%s.build: no %s in %s", what, o.Dockerfile, o.Build)
		}
	}
	return o, nil
}

// command is the container's command: the user's, or the setup script
// and sshd on port (sshdCommand).
func (o *Options) command(setup string, port int) []string {
	switch cmd := o.Cmd.(type) {
	case string:
		return []string{"/bin/sh", "-c", cmd}
	case []any:
		out := make([]string, len(cmd))
		for i, c := range cmd {
			out[i] = c.(string)
		}
		return out
	}
	return sshdCommand(setup, port)
}

// engineOf is the engine the Envfile's machines choose, and how they are
// reached: every machine that sets docker.host, docker.context or
// docker.reach must agree (one engine per environment).
func engineOf(ef *spec.Envfile) (engineChoice, error) {
	var c engineChoice
	var from *spec.Machine
	for _, m := range ef.Machines {
		o, err := decodeOptions(m, ef.Dir)
		if err != nil {
			return c, err
		}
		mc := engineChoice{Host: o.Host, Context: o.Context, Reach: o.Reach}
		if mc == (engineChoice{}) {
			continue
		}
		if from != nil && mc != c {
			return c, spec.Errorf(m.Providers["docker"].Pos, "machine %q: docker: host, context and reach must be the same for every machine that sets them (machine %q sets %s): one environment runs on one engine", m.Name, from.Name, c)
		}
		c, from = mc, m
	}
	return c, nil
}

func (c engineChoice) String() string {
	var parts []string
	for _, kv := range [][2]string{{"host", c.Host}, {"context", c.Context}, {"reach", c.Reach}} {
		if kv[1] != "" {
			parts = append(parts, fmt.Sprintf("%s = %q", kv[0], kv[1]))
		}
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}
