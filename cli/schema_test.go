package cli

import (
	"slices"
	"testing"

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
