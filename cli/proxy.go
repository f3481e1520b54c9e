package cli

import (
	"io"

	"github.com/spf13/cobra"
)

// proxyCommand is envrun as an OpenSSH ProxyCommand: it joins its stdin
// and stdout to a machine's sshd on the route envrun uses itself (through
// the engine's API, or a jump host), so that plain `ssh -F` and Ansible
// reach machines this host cannot route to. ssh-config and inventory
// write it where it is needed.
func (a *app) proxyCommand() *cobra.Command {
	return &cobra.Command{
		Use:    "proxy NAME",
		Short:  "Join stdin and stdout to a machine's SSH server (an OpenSSH ProxyCommand)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withSession(cmd, false, func(s *session) error {
				eps, err := s.env.Endpoints(cmd.Context(), args)
				if err != nil {
					return err
				}
				conn, err := s.env.Proxy(cmd.Context(), args[0], eps[0].Addr)
				if err != nil {
					return err
				}
				defer conn.Close()
				done := make(chan error, 1)
				go func() {
					_, err := io.Copy(a.stdout, conn)
					done <- err
				}()
				go func() {
					io.Copy(conn, a.stdin)
					if cw, ok := conn.(interface{ CloseWrite() error }); ok {
						cw.CloseWrite()
					}
				}()
				return <-done
			})
		},
	}
}
