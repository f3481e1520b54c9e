package engine

import (
	"context"
	"fmt"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
)

// networkNode makes one of the Envfile's networks, before any machine on it.
type networkNode struct {
	nodeBase
	p *plan
	n *spec.Network
}

func (n *networkNode) ID() string { return networkID(n.n.Name) }

func (n *networkNode) Execute(ctx context.Context) error {
	e := n.p.e
	if err := e.prov.EnsureNetwork(ctx, n.n); err != nil {
		return err
	}
	// From now on the environment exists on this provider: a later command
	// that names none (destroy after an interrupted up) must find it.
	return e.cache.update(func(d *cacheData) { d.Provider = e.Driver.Name })
}

func (n *networkNode) scope() string { return "" }

func (n *networkNode) dotAttrs() string {
	return fmt.Sprintf(`shape=ellipse, label="network %s\n%s", tooltip="%s"`, n.n.Name, n.n.Subnet, n.n.Pos)
}

func (n *networkNode) timingKind() (string, string) { return "network", "" }

func (n *networkNode) row() (string, string) { return ui.NetworkRow(n.n.Name), "network " + n.n.Name }

func (n *networkNode) showStart(w *walkProgress) {
	row := ui.NetworkRow(n.n.Name)
	w.e.UI.Start(row)
	w.e.UI.Phase(row, "creating")
}

func (n *networkNode) finished(*walkProgress) (string, bool) { return "ready", true }
