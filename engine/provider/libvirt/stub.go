//go:build !libvirt_dlopen || !cgo

package libvirt

import (
	"context"
	"errors"
	"net/netip"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
)

// ErrNotBuilt is what the libvirt driver reports in an envrun built
// without libvirt support.
var ErrNotBuilt = errors.New("this envrun was built without libvirt support: build it with cgo and `-tags libvirt_dlopen` (go build -tags libvirt_dlopen .)")

var notBuilt = ErrNotBuilt

func available(ctx context.Context) error { return ErrNotBuilt }

func availableFor(ctx context.Context, ef *spec.Envfile) error { return ErrNotBuilt }

func open(ctx context.Context, env provider.Env) (provider.Provider, error) {
	return nil, ErrNotBuilt
}

func openBoxes(ctx context.Context, u *ui.UI) (provider.BoxStore, error) {
	return nil, ErrNotBuilt
}

func allMachines(ctx context.Context) ([]provider.EnvMachine, error) {
	return nil, ErrNotBuilt
}

func subnets(ctx context.Context) ([]netip.Prefix, error) { return nil, ErrNotBuilt }
