//go:build !libvirt_dlopen || !cgo

package libvirt

import (
	"context"
	"errors"
	"testing"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

// Built without libvirt, the driver still checks libvirt tables (a typo
// never waits for a machine with libvirt), and says why it cannot run.
func TestStubDriver(t *testing.T) {
	if err := Driver.Available(context.Background()); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Available: %v, want ErrNotBuilt", err)
	}
	if _, err := Driver.Open(context.Background(), provider.Env{}); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Open: %v, want ErrNotBuilt", err)
	}
	if _, err := Driver.OpenBoxes(context.Background(), nil); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("OpenBoxes: %v, want ErrNotBuilt", err)
	}
	m := &spec.Machine{Name: "a", Providers: map[string]spec.Options{"libvirt": {Values: map[string]any{"grpahics": "spice"}}}}
	if err := Driver.CheckOptions(nil, m, m.Providers["libvirt"]); err == nil {
		t.Error("CheckOptions accepted a typo")
	}
}
