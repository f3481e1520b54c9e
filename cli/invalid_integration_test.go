package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestIntegrationInvalidEnvfiles runs the real binary's `up` on every
// Envfile of testdata/invalid with the Docker engine running: each exits 2
// with FILE:LINE: and its expected messages, and creates nothing — no
// container or network with the environment's label, no .envrun/.
func TestIntegrationInvalidEnvfiles(t *testing.T) {
	files, err := filepath.Glob("../testdata/invalid/*.lua")
	if err != nil || len(files) < 30 {
		t.Fatalf("the corpus has %d files, want 30 or more (%v)", len(files), err)
	}
	wantRE := regexp.MustCompile(`(?m)^-- want: (.*)$`)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".lua"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			w := newWorld(t, string(src))
			for _, args := range [][]string{{"up"}, {"--provider", "docker", "up"}} {
				r := w.run(args...)
				if r.code != 2 || !regexp.MustCompile(`^Envfile\.lua:\d+( \(called from Envfile\.lua:\d+\))?: `).MatchString(r.stderr) {
					t.Errorf("envrun %s: want exit 2 and FILE:LINE: first: %s", strings.Join(args, " "), r)
				}
				for _, m := range wantRE.FindAllStringSubmatch(string(src), -1) {
					if !strings.Contains(r.stderr, m[1]) {
						t.Errorf("envrun %s: stderr lacks %q:\n%s", strings.Join(args, " "), m[1], r.stderr)
					}
				}
			}
			if c, n := w.containers(), w.networks(); len(c)+len(n) > 0 {
				t.Errorf("a bad Envfile created %d container(s) and %d network(s)", len(c), len(n))
			}
			if _, err := os.Stat(filepath.Join(w.dir, ".envrun")); err == nil {
				t.Errorf("a bad Envfile created .envrun/")
			}
		})
	}
}
