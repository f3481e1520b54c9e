package cli

import (
	"context"
	"errors"
	"os"

	"github.com/spf13/cobra"

	"github.com/envrun/envrun/engine/watch"
)

func (a *app) watchCommand() *cobra.Command {
	var prune bool
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Bring the environment up, then re-run the steps whose files change",
		Long: `watch brings the environment up as up does, then watches the files the
steps read and re-runs exactly the steps a change affects, on the machines
that have them, then the global steps that declare after on those. A step's
files are its watch = {...} list, or else what it reads: a shell step's
path, a file step's source, an ansible step's playbook with roles/,
group_vars/, host_vars/, templates/ and files/ beside it, its config and
galaxy_requirements (-v prints them). Changes to the Envfile or a module it
requires re-load it: new machines come up, changed steps re-run, and an
Envfile that does not load is reported while the last good one stays.

Ctrl-C stops watching and leaves the machines running: the exit status is
0 when nothing was running, 130 when steps were cut short.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			s, err := a.load(cmd.Context(), cmd, true)
			if err != nil {
				return err
			}
			defer func() {
				// The watch closed the environment; the lock is ours. As
				// after up: a watch that failed before anything was made
				// leaves no .envrun/ it made.
				rollback := err != nil && s.madeState && !s.env.Opened()
				s.lk.Unlock()
				if rollback {
					os.RemoveAll(s.env.State.Path)
				}
			}()
			err = watch.Run(cmd.Context(), s.loaded(), watch.Options{
				UI:    a.ui,
				Prune: prune,
				Load: func(ctx context.Context) (*watch.Loaded, error) {
					s, err := a.loadEnv(ctx)
					if err != nil {
						return nil, err
					}
					return s.loaded(), nil
				},
			})
			if errors.Is(err, watch.ErrCutShort) {
				return reported{err} // the walk's summary said what was cut short
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&prune, "prune", false, "destroy machines that an edit removes from the Envfile (default: report them, leave them running)")
	a.parallelFlag(cmd)
	return cmd
}

// loaded hands the session's environment (not its lock) to the watch.
func (s *session) loaded() *watch.Loaded {
	return watch.FromEnv(s.env, func() {
		s.env.Close()
		s.lua.Close()
	})
}
