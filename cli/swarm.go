package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/envrun/envrun/engine/provider"
)

// swarmCommand is `envrun swarm init`: what the swarm check tells users to
// run with docker commands, done by envrun for the Envfile's engines.
func (a *app) swarmCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "swarm",
		Short: "Make the engines of the Envfile's spanning networks one Docker swarm",
	}
	var o provider.SwarmOptions
	init := &cobra.Command{
		Use:   "init",
		Short: "Form the swarm (init on the first engine, join of the others) and make the spanning networks",
		Long: `swarm init makes the Docker engines of the Envfile's networks with
span = true one swarm, and creates those networks as attachable overlay
networks: swarm init on the first engine (the default engine when it has a
machine on such a network), swarm join of the others as workers. It is
idempotent: engines already in the swarm and networks already made are left
alone. An engine in another swarm is an error that says what to run; envrun
never makes an engine leave a swarm.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.mutate(cmd, func(s *session) error {
				if err := s.env.Open(cmd.Context()); err != nil {
					return err
				}
				sw, ok := s.env.Provider().(provider.Swarm)
				if !ok {
					return fmt.Errorf("the %s provider has no swarms: swarm init is for Docker environments whose networks span engines", s.env.Provider().Name())
				}
				return sw.SwarmInit(cmd.Context(), o)
			})
		},
	}
	f := init.Flags()
	f.StringVar(&o.AdvertiseAddr, "advertise-addr", "", "an address of the first engine's host that the other engines reach (as docker swarm init --advertise-addr)")
	f.StringVar(&o.ListenAddr, "listen-addr", "", "where the manager listens (default 0.0.0.0:2377)")
	f.StringSliceVar(&o.DefaultAddrPool, "default-addr-pool", nil, "the swarm's address pools, CIDR (default Docker's 10.0.0.0/8)")
	f.Uint32Var(&o.SubnetSize, "default-addr-pool-mask-length", 0, "the prefix length of the pools' subnets (default 24)")
	cmd.AddCommand(init)
	return cmd
}
