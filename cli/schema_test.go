package cli

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/spf13/cobra"

	"github.com/envrun/envrun/engine/provider/docker"
	"github.com/envrun/envrun/engine/provider/libvirt"
	"github.com/envrun/envrun/engine/provider/virtualbox"
	"github.com/envrun/envrun/engine/spec"
)

// TestProviderTablesInSchema: the keys each provider's Options decodes are
// its table's keys in the Envfile's schema, which the loader checks and
// the reference shows; and every provider has its table.
func TestProviderTablesInSchema(t *testing.T) {
	options := map[string]any{"docker": &docker.Options{}, "libvirt": &libvirt.Options{}, "virtualbox": &virtualbox.Options{}}
	for _, d := range Drivers {
		o, ok := options[d.Name]
		if !ok {
			t.Errorf("provider %s: no Options in this test", d.Name)
			continue
		}
		schema := slices.Sorted(slices.Values(spec.EnvfileSchema.Table(d.Name).KeyNames()))
		if got := spec.OptionKeys(o); !slices.Equal(got, schema) {
			t.Errorf("%s.Options decodes %v; the schema's %s table has %v", d.Name, got, d.Name, schema)
		}
	}
}

// TestCompleteStepNames: a flag named step completes the Envfile's step
// names, global ones first, each once.
func TestCompleteStepNames(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ENVRUN_CACHE", filepath.Join(dir, "cache"))
	if err := os.WriteFile(filepath.Join(dir, "Envfile.lua"), []byte(`box "b"
local common = shell { name = "common", inline = "true" }
machine "a" { provision = { common, shell { inline = "x" } } }
machine "b" { provision = { common, function(m) end } }
ansible "site" { playbook = "Envfile.lua" }
`), 0o644); err != nil {
		t.Fatal(err)
	}
	a := &app{file: filepath.Join(dir, "Envfile.lua")}
	cmd := &cobra.Command{Use: "x"}
	cmd.Flags().String("step", "", "")
	got, _ := a.completeNames(1, (*candidates).steps)(cmd, nil, "")
	if want := []string{"site", "common", "shell#2", "hook#2"}; !slices.Equal(got, want) {
		t.Errorf("step names %q, want %q", got, want)
	}
}
