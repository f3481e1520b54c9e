package cli

import (
	"github.com/spf13/cobra"

	"github.com/envrun/envrun/engine/forward"
)

// forwardCommand is the port forwarder of one machine (`ports` on
// libvirt): envrun starts it detached, with the host ports bound already
// (see package forward), and it runs until halt, suspend or destroy ends it.
func (a *app) forwardCommand() *cobra.Command {
	return &cobra.Command{
		Use:    forward.Command + " SPEC",
		Short:  "Forward a machine's host ports (started by envrun up)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		// Neither progress display nor Envfile: a process of its own.
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error { return nil },
		RunE: func(cmd *cobra.Command, args []string) error {
			return forward.Main(cmd.Context(), args[0], a.stderr)
		},
	}
}
