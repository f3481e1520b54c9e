package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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
