package cli

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/state"
)

// snapshot, reload, suspend and resume.

// mutate loads the Envfile, takes the lock, runs f and closes the session.
func (a *app) mutate(cmd *cobra.Command, f func(*session) error) (err error) {
	s, err := a.load(cmd.Context(), cmd, true)
	if err != nil {
		return err
	}
	defer func() { s.finish(err) }()
	return f(s)
}

// splitSnap splits `[NAME...] SNAP` into the machines and the snapshot.
func splitSnap(args []string) ([]string, string) {
	return args[:len(args)-1], args[len(args)-1]
}

func (a *app) snapshotCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "snapshot",
		Short: "Save, restore, list and delete snapshots of machines",
		Long: `snapshot keeps named snapshots of machines: of the named machines, or of
the whole environment when none are named. A snapshot holds the machine's
disk and its provisioning state: a restored machine is as provisioned as it
was when saved, and the next up provisions what was not.

Docker commits the container to an image (envrun-snapshot/PROJECT) and
restores by making the container anew from it, with the same IP, hostname,
keys and host key; libvirt takes internal snapshots of the machine's disk
(and of its memory when it runs).
destroy removes a machine's snapshots with it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	var force bool
	save := &cobra.Command{
		Use:   "save [NAME...] SNAPSHOT",
		Short: "Save a snapshot of the machines (every created one when none are named)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			names, snap := splitSnap(args)
			return a.mutate(cmd, func(s *session) error { return s.env.SnapshotSave(cmd.Context(), names, snap, force) })
		},
	}
	save.Flags().BoolVar(&force, "force", false, "replace a snapshot of that name")
	restore := &cobra.Command{
		Use:   "restore [NAME...] SNAPSHOT",
		Short: "Bring machines back to a snapshot (every machine that has it when none are named)",
		Long: `restore brings the named machines, or every machine that has the snapshot,
back to it: the machine runs again as it was when saved, at the same IP and
hostname, with the same host key, and as provisioned as it was then.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			names, snap := splitSnap(args)
			return a.mutate(cmd, func(s *session) error { return s.env.SnapshotRestore(cmd.Context(), names, snap) })
		},
	}
	del := &cobra.Command{
		Use:   "delete [NAME...] SNAPSHOT",
		Short: "Delete a snapshot (of every machine that has it when none are named)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			names, snap := splitSnap(args)
			return a.mutate(cmd, func(s *session) error { return s.env.SnapshotDelete(cmd.Context(), names, snap) })
		},
	}
	var asJSON bool
	list := &cobra.Command{
		Use:   "list [NAME...]",
		Short: "List the snapshots of the machines (all when none are named)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withSession(cmd, false, func(s *session) error {
				rows, err := s.env.Snapshots(cmd.Context(), args)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(a.stdout, rows)
				}
				if len(rows) == 0 {
					fmt.Fprintln(a.stderr, "no snapshots")
					return nil
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "MACHINE\tSNAPSHOT\tSAVED\tPROVISIONED")
				for _, r := range rows {
					prov := "no"
					if r.Provisioned {
						prov = "yes"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Machine, r.Name, r.Created.Local().Format(time.DateTime), prov)
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	push := &cobra.Command{
		Use:   "push [NAME...]",
		Short: "Save an unnamed snapshot of the machines, for pop",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.mutate(cmd, func(s *session) error {
				snap, err := s.env.SnapshotPush(cmd.Context(), args)
				if err == nil {
					fmt.Fprintln(a.stdout, snap)
				}
				return err
			})
		},
	}
	var keep bool
	pop := &cobra.Command{
		Use:   "pop [NAME...]",
		Short: "Restore the machines to their last pushed snapshot, and delete it",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.mutate(cmd, func(s *session) error { return s.env.SnapshotPop(cmd.Context(), args, keep) })
		},
	}
	pop.Flags().BoolVar(&keep, "no-delete", false, "keep the snapshot after restoring it")
	for _, c := range []*cobra.Command{save, restore, del, push, pop} {
		a.parallelFlag(c)
	}
	save.ValidArgsFunction = a.completeMachinesThenSnapshot(false)
	restore.ValidArgsFunction = a.completeMachinesThenSnapshot(true)
	del.ValidArgsFunction = a.completeMachinesThenSnapshot(true)
	for _, c := range []*cobra.Command{list, push, pop} {
		c.ValidArgsFunction = a.completeNames(0, (*candidates).machines)
	}
	cmd.AddCommand(save, restore, del, list, push, pop)
	return cmd
}

// completeMachinesThenSnapshot completes `[NAME...] SNAPSHOT`: machine
// names and, with snaps, the names of the snapshots the machines already
// given have (all the environment's when none), as the state folder
// records them: no engine is asked, so a TAB answers at once even when
// the engine is remote or down.
func (a *app) completeMachinesThenSnapshot(snaps bool) cobra.CompletionFunc {
	machines := a.completeNames(0, (*candidates).machines)
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		out, dir := machines(cmd, args, toComplete)
		if !snaps {
			return out, dir
		}
		path, err := a.findEnvfile()
		if err != nil {
			return out, dir
		}
		have := engine.CachedSnapshots(state.ForEnvfile(path))
		for _, m := range slices.Sorted(maps.Keys(have)) {
			if len(args) > 0 && !slices.Contains(args, m) {
				continue
			}
			for _, n := range have[m] {
				if strings.HasPrefix(n, toComplete) && !slices.Contains(out, n) && !slices.Contains(args, n) {
					out = append(out, n)
				}
			}
		}
		return out, dir
	}
}

func (a *app) reloadCommand() *cobra.Command {
	var noProvision, forceProvision, timings bool
	cmd := &cobra.Command{
		Use:   "reload [NAME...]",
		Short: "Apply changed machine settings (restart, recreate or redefine), then provision",
		Long: `reload stops the named machines (all when none), makes them match the
Envfile, starts them again and goes on as up does: what is not provisioned
is provisioned. Docker: a container whose settings are unchanged restarts;
one whose settings changed is made anew from its own file system (from its
new image when the image changed); libvirt: the VM is defined anew with the
new settings, keeping its disk (made anew when the box changed).

A machine that keeps its disk keeps its provisioning state: its steps do
not run again unless --provision says so.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if noProvision && forceProvision {
				return flagError{errors.New("--no-provision and --provision are exclusive")}
			}
			mode := engine.ProvisionAuto
			switch {
			case noProvision:
				mode = engine.ProvisionNone
			case forceProvision:
				mode = engine.ProvisionForce
			}
			return a.walk(cmd, "reload", engine.PlanOptions{Machines: args, Provision: mode, Reload: true}, timings)
		},
	}
	cmd.Flags().BoolVar(&noProvision, "no-provision", false, "do not run provisioning steps")
	cmd.Flags().BoolVar(&forceProvision, "provision", false, "run the provisioning steps even on provisioned machines")
	cmd.Flags().BoolVar(&timings, "timings", false, "print where the time went, per machine and step")
	a.parallelFlag(cmd)
	return cmd
}

func (a *app) suspendCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "suspend [NAME...]",
		Short: "Freeze running machines (all when none are named); resume or up thaws them",
		Long: `suspend freezes the named running machines (all when none): Docker pauses
the container (its processes stop, its memory stays); libvirt saves the VM's
memory to disk and stops it (a managed save). resume, or up, carries on
where they stopped. status shows them as suspended.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.mutate(cmd, func(s *session) error { return s.env.Suspend(cmd.Context(), args) })
		},
	}
	a.parallelFlag(cmd)
	return cmd
}

func (a *app) resumeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "resume [NAME...]",
		Short: "Thaw suspended machines (all when none are named)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.mutate(cmd, func(s *session) error { return s.env.Resume(cmd.Context(), args) })
		},
	}
	a.parallelFlag(cmd)
	return cmd
}
