package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	dcontext "github.com/docker/cli/cli/context/docker"
	"github.com/docker/cli/cli/context/store"

	"github.com/envrun/envrun/cli"
)

// TestInvalidEnvfiles runs every Envfile of testdata/invalid through
// `envrun validate` and `envrun up`: each must exit 2, print each of its
// `-- want:` lines (FILE:LINE: message) and create nothing.
func TestInvalidEnvfiles(t *testing.T) {
	files, err := filepath.Glob("../testdata/invalid/*.lua")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".lua"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			wants := regexp.MustCompile(`(?m)^-- want: (.*)$`).FindAllStringSubmatch(string(src), -1)
			if len(wants) == 0 {
				t.Fatalf("%s has no -- want: line", file)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "Envfile.lua"), src, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Chdir(dir)
			t.Setenv("ENVRUN_PROVIDER", "docker")
			// The docker CLI's configuration: none of this user's contexts.
			t.Setenv("DOCKER_CONFIG", t.TempDir())
			for _, cmd := range []string{"validate", "up", "graph"} {
				var stdout, stderr bytes.Buffer
				code := cli.Run(context.Background(), []string{cmd}, strings.NewReader(""), &stdout, &stderr)
				if code != cli.ExitBadInput {
					t.Errorf("envrun %s: exit status %d, want %d; stderr:\n%s", cmd, code, cli.ExitBadInput, stderr.String())
				}
				for _, w := range wants {
					if !strings.Contains(stderr.String(), w[1]) {
						t.Errorf("envrun %s: stderr lacks %q; got:\n%s", cmd, w[1], stderr.String())
					}
				}
				if !regexp.MustCompile(`^Envfile\.lua:\d+( \(called from Envfile\.lua:\d+\))?: `).MatchString(stderr.String()) {
					t.Errorf("envrun %s: stderr does not start with FILE:LINE:\n%s", cmd, stderr.String())
				}
				if stdout.Len() > 0 {
					t.Errorf("envrun %s: printed results for a bad Envfile: %s", cmd, stdout.String())
				}
			}
			if _, err := os.Stat(filepath.Join(dir, ".envrun")); err == nil {
				t.Errorf("a bad Envfile created .envrun/")
			}
		})
	}
}

// dockerConfigWith makes a docker CLI configuration folder whose context
// store (written by the docker CLI's own store package, as `docker
// context create` writes it) holds contexts, name → engine address, and
// makes it $DOCKER_CONFIG for the test.
func dockerConfigWith(t *testing.T, contexts map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	cfg := store.NewConfig(func() any { return &map[string]any{} },
		store.EndpointTypeGetter(dcontext.DockerEndpoint, func() any { return &dcontext.EndpointMeta{} }))
	s := store.New(filepath.Join(dir, "contexts"), cfg)
	for name, host := range contexts {
		err := s.CreateOrUpdate(store.Metadata{Name: name, Metadata: map[string]any{},
			Endpoints: map[string]any{dcontext.DockerEndpoint: dcontext.EndpointMeta{Host: host}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("DOCKER_CONFIG", dir)
	return dir
}

// TestUnknownDockerContext: a docker context the Envfile names that the
// docker CLI's store lacks is a bad Envfile: exit 2, FILE:LINE:, the
// closest known name and every known one, before anything is made (no
// engine is asked: the store is files). A context the store has passes.
// The same name from DOCKER_CONTEXT is the environment's fault: exit 1,
// one line naming DOCKER_CONTEXT, with the same hints.
func TestUnknownDockerContext(t *testing.T) {
	cfg := dockerConfigWith(t, map[string]string{"t-remote": "ssh://root@192.0.2.1", "t-desktop": "unix:///tmp/t-desktop.sock"})
	t.Setenv("ENVRUN_PROVIDER", "docker")
	t.Setenv("DOCKER_HOST", "")
	t.Setenv("DOCKER_CONTEXT", "")
	known := "or choose one of: default, t-desktop, t-remote"
	for _, c := range []struct {
		name, envfile, env string
		provider           string // ENVRUN_PROVIDER, "-" for none; default docker
		cmds               []string
		code               int
		want               []string
	}{
		{name: "machine", cmds: []string{"validate", "up", "status"}, code: cli.ExitBadInput, envfile: `box "debian/bookworm"
machine "a" { docker = { context = "t-remot" } }
`, want: []string{`Envfile.lua:2: machine "a": docker.context: docker context "t-remot" does not exist in ` + filepath.Join(cfg, "contexts") + ` (did you mean "t-remote"?): create it with ` + "`docker context create t-remot --docker host=...`, " + known}},
		// No provider named: the choice of one says it (docker's
		// availability check reads the store before any engine).
		{name: "machine, provider not named", provider: "-", cmds: []string{"validate", "up"}, code: cli.ExitBadInput, envfile: `box "debian/bookworm"
machine "a" { docker = { context = "t-remot" } }
`, want: []string{`Envfile.lua:2: machine "a": docker.context: docker context "t-remot" does not exist in `, `(did you mean "t-remote"?)`}},
		{name: "engine", cmds: []string{"validate", "up", "status"}, code: cli.ExitBadInput, envfile: `box "debian/bookworm"
engine "big" { context = "t-dekstop" }
machine "m" { engine = "big" }
`, want: []string{`Envfile.lua:2: engine "big": context: docker context "t-dekstop" does not exist in`, `(did you mean "t-desktop"?)`, known}},
		{name: "far from any", cmds: []string{"validate"}, code: cli.ExitBadInput, envfile: `box "debian/bookworm"
machine "a" { docker = { context = "zzzzzz" } }
`, want: []string{`Envfile.lua:2: machine "a": docker.context: docker context "zzzzzz" does not exist in ` + filepath.Join(cfg, "contexts") + `: create it`, known}},
		{name: "known", cmds: []string{"validate"}, code: 0, envfile: `box "debian/bookworm"
machine "a" { docker = { context = "t-remote" } }
machine "b" { docker = { context = "t-remote" } }
`},
		{name: "DOCKER_CONTEXT", cmds: []string{"up", "status"}, code: cli.ExitFailed, env: "t-remot", envfile: `box "debian/bookworm"
machine "a" {}
`, want: []string{`docker context "t-remot" (from DOCKER_CONTEXT) does not exist in ` + filepath.Join(cfg, "contexts") + ` (did you mean "t-remote"?): create it with ` + "`docker context create t-remot --docker host=...`, " + known}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "Envfile.lua"), []byte(c.envfile), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Chdir(dir)
			t.Setenv("DOCKER_CONTEXT", c.env)
			if c.provider == "-" {
				t.Setenv("ENVRUN_PROVIDER", "")
			}
			for _, cmd := range c.cmds {
				var stdout, stderr bytes.Buffer
				code := cli.Run(context.Background(), []string{cmd}, strings.NewReader(""), &stdout, &stderr)
				if code != c.code {
					t.Errorf("envrun %s: exit status %d, want %d; stderr:\n%s", cmd, code, c.code, stderr.String())
				}
				for _, w := range c.want {
					if !strings.Contains(stderr.String(), w) {
						t.Errorf("envrun %s: stderr lacks %q; got:\n%s", cmd, w, stderr.String())
					}
				}
				if c.code == 0 {
					continue
				}
				if n := strings.Count(strings.TrimSpace(stderr.String()), "\n"); n != 0 {
					t.Errorf("envrun %s: %d lines, want one:\n%s", cmd, n+1, stderr.String())
				}
				fileLine := regexp.MustCompile(`^Envfile\.lua:\d+: `).MatchString(stderr.String())
				if fileLine != (c.code == cli.ExitBadInput) {
					t.Errorf("envrun %s: starts with FILE:LINE: %v, want %v:\n%s", cmd, fileLine, c.code == cli.ExitBadInput, stderr.String())
				}
			}
			if _, err := os.Stat(filepath.Join(dir, ".envrun")); err == nil {
				t.Errorf("made .envrun/")
			}
		})
	}
}
