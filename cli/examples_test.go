package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envrun/envrun/cli"
)

// TestExamplesValidate: every example of examples/ loads and passes
// `envrun validate` for Docker and for libvirt (VirtualBox's checks
// depend on the host's allowed host-only ranges), and `envrun inventory`
// prints an inventory for each; neither makes anything. The examples are
// copied first, so no .envrun/ can appear beside them.
func TestExamplesValidate(t *testing.T) {
	dirs, err := filepath.Glob("../examples/*/Envfile.lua")
	if err != nil || len(dirs) < 5 {
		t.Fatalf("examples: %v %v", dirs, err)
	}
	for _, envfile := range dirs {
		src := filepath.Dir(envfile)
		t.Run(filepath.Base(src), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), filepath.Base(src))
			if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
				t.Fatal(err)
			}
			t.Chdir(dir)
			for _, p := range []string{"docker", "libvirt"} {
				t.Setenv("ENVRUN_PROVIDER", p)
				cmds := []string{"validate", "inventory"}
				if p == "libvirt" {
					cmds = cmds[:1] // inventory opens the provider, which needs a build with libvirt
				}
				for _, cmd := range cmds {
					var stdout, stderr bytes.Buffer
					if code := cli.Run(context.Background(), []string{cmd}, strings.NewReader(""), &stdout, &stderr); code != 0 {
						t.Errorf("%s: envrun %s: exit %d\n%s", p, cmd, code, stderr.String())
					}
					if cmd == "inventory" && !strings.Contains(stdout.String(), "ansible_host:") {
						t.Errorf("%s: envrun inventory printed no hosts:\n%s", p, stdout.String())
					}
				}
			}
			if _, err := os.Stat(filepath.Join(dir, ".envrun")); err == nil {
				t.Error("validate or inventory created .envrun/")
			}
		})
	}
}
