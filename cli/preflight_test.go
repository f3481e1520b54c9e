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

// TestUpWithoutAnsible: `envrun up` on an Envfile with an ansible step,
// where ansible-playbook is not installed, exits 1 with a message naming
// the Debian package, and creates nothing, not even .envrun/.
func TestUpWithoutAnsible(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"Envfile.lua": `box "debian/bookworm"
machine "m" {}
ansible "site" { playbook = "site.yml", hosts = machines() }
`,
		"site.yml": "- hosts: all\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", t.TempDir())
	t.Setenv("ENVRUN_PROVIDER", "docker")
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), []string{"-f", filepath.Join(dir, "Envfile.lua"), "up"}, strings.NewReader(""), &stdout, &stderr)
	if code != cli.ExitFailed {
		t.Errorf("exit %d, want %d", code, cli.ExitFailed)
	}
	want := `Envfile.lua:3: ansible "site": ansible-playbook is not installed (not on PATH): install Debian's ansible package (sudo apt-get install ansible)`
	if !strings.HasPrefix(stderr.String(), "envrun: ") || !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr:\n%s\nwant it to contain:\n%s", stderr.String(), want)
	}
	if _, err := os.Stat(filepath.Join(dir, ".envrun")); err == nil {
		t.Error(".envrun/ was created")
	}
}
