package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/envrun/envrun/engine/ui"
)

// TestLoadListsTheLockAsASource: watch reloads the Envfile when one of its
// sources changes, and `envrun module update` changes which module files
// load by changing Envfile.lock.
func TestLoadListsTheLockAsASource(t *testing.T) {
	dir := t.TempDir()
	envfile := filepath.Join(dir, "Envfile.lua")
	lock := filepath.Join(dir, "Envfile.lock")
	os.WriteFile(envfile, []byte(`box "debian/bookworm"
machine "m" {}`), 0o644)
	os.WriteFile(lock, []byte(`{"version": 1, "modules": {"web": {"source": "../web", "commit": "`+strings.Repeat("a", 40)+`", "hash": "h1:x", "direct": true}}}`), 0o644)
	t.Setenv("ENVRUN_CACHE", filepath.Join(dir, "cache"))
	t.Setenv("ENVRUN_PROVIDER", "docker")
	a := &app{stdout: io.Discard, stderr: io.Discard, file: envfile, ui: ui.Discard()}
	s, err := a.load(context.Background(), &cobra.Command{}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer s.close()
	if got := s.lua.Spec.Sources; !slices.Equal(got, []string{envfile, lock}) {
		t.Errorf("Sources %q, want the Envfile and its lock", got)
	}

	// A lock that cannot be read is bad input.
	os.WriteFile(lock, []byte(`{"version": 1, "modules": {"web": {}}}`), 0o644)
	if _, err := a.load(context.Background(), &cobra.Command{}, false); err == nil || exitCode(context.Background(), err) != ExitBadInput {
		t.Errorf("load with a broken lock: %v, want exit 2", err)
	}
}
