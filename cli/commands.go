package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/internal/safefile"
	"github.com/envrun/envrun/internal/shquote"
)

func (a *app) parallelFlag(cmd *cobra.Command) {
	cmd.Flags().IntVar(&a.parallel, "parallel", 0, fmt.Sprintf("how many things to do at once (default %d)", engine.DefaultParallel()))
}

func (a *app) upCommand() *cobra.Command {
	var noProvision, forceProvision, timings bool
	var steps []string
	cmd := &cobra.Command{
		Use:   "up [NAME...]",
		Short: "Create and start the machines and networks, then provision them",
		Long: `up brings the environment (or the named machines and what they depend on)
up: networks, then machines, then each machine's steps, then global steps,
in parallel where the graph allows. A machine's steps run when it is new or
never finished them; run again, up changes nothing and is fast.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if noProvision && forceProvision {
				return flagError{errors.New("--no-provision and --provision are exclusive")}
			}
			if noProvision && len(steps) > 0 {
				return flagError{errors.New("--no-provision and --step are exclusive")}
			}
			mode := engine.ProvisionAuto
			switch {
			case noProvision:
				mode = engine.ProvisionNone
			case forceProvision:
				mode = engine.ProvisionForce
			}
			return a.walk(cmd, "up", engine.PlanOptions{Machines: args, Provision: mode, Only: steps}, timings)
		},
	}
	cmd.Flags().StringSliceVar(&steps, "step", nil, "run only the steps of this name (repeat, or a comma list), run = \"never\" ones too; machines still come up")
	cmd.Flags().BoolVar(&noProvision, "no-provision", false, "do not run provisioning steps")
	cmd.Flags().BoolVar(&forceProvision, "provision", false, "run the provisioning steps even on provisioned machines")
	cmd.Flags().BoolVar(&timings, "timings", false, "print where the time went, per machine and step")
	a.parallelFlag(cmd)
	return cmd
}

func (a *app) provisionCommand() *cobra.Command {
	var timings bool
	var steps []string
	cmd := &cobra.Command{
		Use:   "provision [NAME...]",
		Short: "Run the provisioning steps again on running machines",
		Long: `provision runs the steps of the named machines (all when none) again, then
the global steps (ansible) whose machines are all among them. With --step,
only the steps of those names run (run = "never" steps too).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.walk(cmd, "provision", engine.PlanOptions{Machines: args, Provision: engine.ProvisionForce, Existing: true, Only: steps}, timings)
		},
	}
	cmd.Flags().StringSliceVar(&steps, "step", nil, "run only the steps of this name (repeat, or a comma list), run = \"never\" ones too")
	cmd.Flags().BoolVar(&timings, "timings", false, "print where the time went, per machine and step")
	a.parallelFlag(cmd)
	return cmd
}

func (a *app) rsyncCommand() *cobra.Command {
	var timings bool
	cmd := &cobra.Command{
		Use:   "rsync [NAME...]",
		Short: "Copy the rsync synced folders to running machines again",
		Long: `rsync copies the type = "rsync" synced folders of the named machines (all
that have some when none) to them again, as up does when it starts a machine, and nothing
else runs (Vagrant's vagrant rsync). What changed since the last copy is
sent, over what the machine has; ` + "`envrun watch`" + ` keeps the folders in sync
as files change.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.walk(cmd, "rsync", engine.PlanOptions{Machines: args, Provision: engine.ProvisionNone, Existing: true, Folders: true}, timings)
		},
	}
	cmd.Flags().BoolVar(&timings, "timings", false, "print where the time went, per machine and step")
	a.parallelFlag(cmd)
	return cmd
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// walk loads, locks and carries out a plan for command event (up,
// provision) between its triggers, then prints the summary.
func (a *app) walk(cmd *cobra.Command, event string, opts engine.PlanOptions, timings bool) (err error) {
	t0 := time.Now()
	s, err := a.load(cmd.Context(), cmd, true)
	if err != nil {
		return err
	}
	defer func() { s.finish(err) }()
	if err := a.runTriggers(cmd.Context(), s, "before", event, opts.Machines); err != nil {
		return err
	}
	rep, err := s.env.Walk(cmd.Context(), opts)
	a.stopProgress()
	if rep == nil {
		return err
	}
	a.recordTimings(s, rep, cmd, time.Since(t0))
	s.env.Summary(rep, time.Since(t0), timings)
	if err != nil {
		return reported{err}
	}
	return a.runTriggers(cmd.Context(), s, "after", event, opts.Machines)
}

func (a *app) statusCommand() *cobra.Command {
	var asJSON, all bool
	cmd := &cobra.Command{
		Use:   "status [--all]",
		Short: "Show each machine, its provider, state and IP",
		Long: `status lists the Envfile's machines with their provider, state, IP, hostname
and the engine they run on, and the machines of this environment that the
Envfile no longer names.

With --all it lists instead every machine of every envrun environment the
providers hold on this host (Vagrant's global-status), with the Envfile each
was made from, read from the labels and metadata envrun puts on containers
and VMs: no Envfile is needed and nothing is loaded. --provider P asks P
only; otherwise a provider whose backend does not answer is skipped with a
warning.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if all {
				rows, err := a.allMachines(cmd.Context(), a.provider)
				if err != nil {
					return err
				}
				return printAllMachines(a.stdout, rows, asJSON)
			}
			return a.withSession(cmd, false, func(s *session) error {
				rows, err := s.env.Status(cmd.Context())
				if err != nil {
					return err
				}
				nets, err := s.env.OrphanNetworks(cmd.Context())
				if err != nil {
					return err
				}
				for _, n := range nets {
					fmt.Fprintf(a.stderr, "network %s (%s) of this environment is no longer in the Envfile: `envrun destroy` removes it\n", n.Name, n.Subnet)
				}
				if asJSON {
					if rows == nil {
						rows = []engine.MachineStatus{}
					}
					return writeJSON(a.stdout, rows)
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
				// A PORTS column only when a machine forwards ports.
				ports := slices.ContainsFunc(rows, func(r engine.MachineStatus) bool { return len(r.Ports) > 0 })
				header := "NAME\tPROVIDER\tSTATE\tIP\tHOSTNAME\tENGINE\tSNAPSHOTS"
				if ports {
					header += "\tPORTS"
				}
				fmt.Fprintln(tw, header)
				orphans := 0
				for _, r := range rows {
					st := r.State
					if r.Orphan {
						st += " (not in the Envfile)"
						orphans++
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d", r.Name, r.Provider, st, dash(r.IP), dash(r.Hostname), engineColumn(r), r.Snapshots)
					if ports {
						fmt.Fprintf(tw, "\t%s", dash(portsColumn(r.Ports)))
					}
					fmt.Fprintln(tw)
				}
				tw.Flush()
				if orphans > 0 {
					fmt.Fprintf(a.stderr, "%d machine(s) of this environment are no longer in the Envfile: `envrun destroy NAME` removes them\n", orphans)
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&all, "all", false, "every envrun environment on this host's providers, with its Envfile")
	return cmd
}

// portsColumn is a machine's forwarded ports: "8080->80, 32768->443 (auto)".
func portsColumn(ports []engine.PortStatus) string {
	parts := make([]string, len(ports))
	for i, p := range ports {
		parts[i] = p.String()
		if p.Corrected {
			parts[i] += " (auto)"
		}
	}
	return strings.Join(parts, ", ")
}

func (a *app) portCommand() *cobra.Command {
	var guest int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "port NAME [--guest PORT]",
		Short: "Show the host ports forwarded to a machine",
		Long: `port lists the host ports forwarded to machine NAME as they are bound now:
with auto_correct, a port taken when the machine was made was replaced by a
free one, and this shows which. With --guest, only the host port that
reaches that guest port is printed (for scripts).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withSession(cmd, false, func(s *session) error {
				ports, err := s.env.Ports(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				if guest > 0 {
					for _, p := range ports {
						if p.Guest == guest {
							fmt.Fprintln(a.stdout, p.Host)
							return nil
						}
					}
					return fmt.Errorf("%s forwards no host port to guest port %d", args[0], guest)
				}
				if asJSON {
					if ports == nil {
						ports = []engine.PortStatus{}
					}
					return writeJSON(a.stdout, ports)
				}
				if len(ports) == 0 {
					fmt.Fprintf(a.stderr, "%s forwards no ports\n", args[0])
				}
				for _, p := range ports {
					g, h := strconv.Itoa(p.Guest), strconv.Itoa(p.Host)
					if p.Protocol != "tcp" {
						g += "/" + p.Protocol
					}
					if p.HostIP != "" {
						h = p.HostIP + ":" + h
					}
					note := ""
					if p.Corrected {
						note = " (auto_correct: the asked port was taken)"
					}
					fmt.Fprintf(a.stdout, "%6s (guest) => %s (host)%s\n", g, h, note)
				}
				return nil
			})
		},
	}
	cmd.Flags().IntVar(&guest, "guest", 0, "print only the host port forwarded to this guest port")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// engineColumn is where a machine runs and how it is reached:
// "ssh://me@bighost (jump)"; the reach alone when the provider names no
// engine.
func engineColumn(r engine.MachineStatus) string {
	switch {
	case r.Engine == "":
		return dash(r.Reach)
	case r.Reach == "":
		return r.Engine
	}
	return r.Engine + " (" + r.Reach + ")"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (a *app) sshConfigCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "ssh-config [NAME...]",
		Short: "Print OpenSSH configuration for the machines (for ssh -F)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withSession(cmd, false, func(s *session) error {
				eps, err := s.env.Endpoints(cmd.Context(), args)
				if err != nil {
					return err
				}
				fmt.Fprint(a.stdout, s.env.SSHConfig(eps))
				return nil
			})
		},
	}
}

func (a *app) inventoryCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "inventory",
		Short: "Print the Ansible inventory of the machines (for ansible -i)",
		Long: `inventory prints the Ansible inventory (YAML) of every machine: its static IP,
user, the environment key, host key checking against the pinned keys, its
groups and vars, and the groups of the Envfile's ansible steps. It touches
nothing, so it works before anything runs:

    ansible all -i <(envrun inventory) -m ping
    ansible-playbook -i <(envrun inventory) site.yml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withSession(cmd, false, func(s *session) error {
				data, err := s.env.Inventory(cmd.Context())
				if err != nil {
					return err
				}
				return writeInventory(a.stdout, data)
			})
		},
	}
}

func (a *app) sshCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "ssh [NAME] [-- COMMAND...]",
		Short: "Open a shell on a machine, or run COMMAND there and exit with its status",
		Long: `ssh opens an interactive shell on machine NAME with OpenSSH, or runs COMMAND
and exits with its status. One argument after -- is a shell command line;
several are quoted one by one. Without NAME, the machine with primary = true,
or the only machine of the Envfile.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			named := len(args) > 0 && cmd.ArgsLenAtDash() != 0
			if cmd.ArgsLenAtDash() > 1 {
				return flagError{fmt.Errorf("ssh takes one machine name before --")}
			}
			name, remote := "", args
			if named {
				name, remote = args[0], args[1:]
			}
			return a.withSession(cmd, false, func(s *session) error {
				if !named {
					m, err := s.env.Spec.Primary()
					if err != nil {
						return flagError{err}
					}
					name = m.Name
				}
				eps, err := s.env.Endpoints(cmd.Context(), []string{name})
				if err != nil {
					return err
				}
				if err := s.env.RequireRunning(cmd.Context(), name); err != nil {
					return err
				}
				if _, ok, _ := s.env.KnownHosts().Lookup(eps[0].Addr); !ok {
					return fmt.Errorf("%s has no pinned host key yet: run `envrun up %s` first", name, name)
				}
				line := ""
				switch len(remote) {
				case 0:
				case 1:
					line = remote[0]
				default:
					quoted := make([]string, len(remote))
					for i, r := range remote {
						quoted[i] = shquote.Quote(r)
					}
					line = strings.Join(quoted, " ")
				}
				if path, err := exec.LookPath("ssh"); err == nil {
					return a.openSSH(cmd, s, eps[0], path, line)
				}
				if line == "" {
					return errors.New("an interactive shell needs OpenSSH's ssh client (apt-get install openssh-client)")
				}
				c, err := s.env.Dial(cmd.Context(), eps[0])
				if err != nil {
					return err
				}
				defer c.Close()
				err = c.Run(cmd.Context(), comm.Cmd{Command: line, Stdin: a.stdin, Stdout: a.stdout, Stderr: a.stderr})
				var exit *comm.ExitError
				if errors.As(err, &exit) {
					return exitError(exit.Status)
				}
				return err
			})
		},
	}
}

// openSSH runs OpenSSH with the environment's configuration.
func (a *app) openSSH(cmd *cobra.Command, s *session, ep engine.Endpoint, sshPath, line string) error {
	if err := s.env.State.Ensure(); err != nil {
		return err
	}
	cfg := s.env.State.Join("ssh_config")
	if err := safefile.WriteFile(cfg, []byte(s.env.SSHConfig([]engine.Endpoint{ep})), 0o600); err != nil {
		return err
	}
	argv := []string{"-F", cfg, ep.Machine.Name}
	if line != "" {
		argv = append(argv, "--", line)
	}
	c := exec.CommandContext(cmd.Context(), sshPath, argv...)
	c.Stdin, c.Stdout, c.Stderr = a.stdin, a.stdout, a.stderr
	err := c.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exitError(exit.ExitCode())
	}
	return err
}

func (a *app) haltCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "halt [NAME...]",
		Short: "Stop machines (all when none are named)",
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			s, err := a.load(cmd.Context(), cmd, true)
			if err != nil {
				return err
			}
			defer func() { s.finish(err) }()
			if err := a.runTriggers(cmd.Context(), s, "before", "halt", args); err != nil {
				return err
			}
			if err := s.env.Halt(cmd.Context(), args); err != nil {
				return err
			}
			return a.runTriggers(cmd.Context(), s, "after", "halt", args)
		},
	}
	a.parallelFlag(cmd)
	return cmd
}

func (a *app) destroyCommand() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "destroy [NAME...] [-f]",
		Short: "Remove machines; with no names, also the networks and state",
		RunE: func(cmd *cobra.Command, args []string) (err error) {
			s, err := a.load(cmd.Context(), cmd, true)
			if err != nil {
				return err
			}
			defer func() { s.finish(err) }()
			if !force {
				what := "every machine, network and the state of " + s.env.Spec.Path
				if len(args) > 0 {
					what = strings.Join(args, ", ")
				}
				ok, err := a.confirm(fmt.Sprintf("Destroy %s?", what))
				if err != nil {
					return err
				}
				if !ok {
					return errors.New("not destroyed")
				}
			}
			if err := a.runTriggers(cmd.Context(), s, "before", "destroy", args); err != nil {
				return err
			}
			if err := s.env.Destroy(cmd.Context(), args); err != nil {
				return err
			}
			defer func() {
				if err == nil {
					err = a.runTriggers(cmd.Context(), s, "after", "destroy", args)
				}
			}()
			if len(args) == 0 {
				s.lk.Unlock()
				s.lk = nil
				os.Remove(s.env.State.Join("lock"))
				os.Remove(s.env.State.Path) // only if empty
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "do not ask for confirmation (-f after destroy means --force; name the Envfile with --file)")
	a.parallelFlag(cmd)
	return cmd
}

// confirm asks a yes/no question on a terminal; elsewhere it refuses.
func (a *app) confirm(question string) (bool, error) {
	f, ok := a.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return false, &engine.UsageError{Err: errors.New("destroy asks for confirmation, and stdin is not a terminal: add -f")}
	}
	fmt.Fprintf(a.stderr, "%s [y/N] ", question)
	line, _ := bufio.NewReader(a.stdin).ReadString('\n')
	line = strings.ToLower(strings.TrimSpace(line))
	return line == "y" || line == "yes", nil
}

func (a *app) graphCommand() *cobra.Command {
	var noProvision bool
	var format, output string
	cmd := &cobra.Command{
		Use:   "graph [NAME...]",
		Short: "Print the dependency graph in Graphviz DOT, or render it as SVG or PNG",
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withSession(cmd, false, func(s *session) error {
				mode := engine.ProvisionAuto
				if noProvision {
					mode = engine.ProvisionNone
				}
				g, err := s.env.Plan(engine.PlanOptions{Machines: args, Provision: mode})
				if err != nil {
					return err
				}
				var dot bytes.Buffer
				if err := g.DOTStyled(&dot, "envrun", engine.DOTAttrs, engine.DOTEdgeAttrs); err != nil {
					return err
				}
				out := dot.Bytes()
				if format != "dot" {
					if out, err = renderDOT(out, format); err != nil {
						return err
					}
				}
				if output != "" {
					return os.WriteFile(output, out, 0o644)
				}
				_, err = a.stdout.Write(out)
				return err
			})
		},
	}
	cmd.Flags().BoolVar(&noProvision, "no-provision", false, "leave provisioning steps out")
	cmd.Flags().StringVar(&format, "format", "dot", "dot (Graphviz DOT), svg or png (rendered with Graphviz's dot)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE instead of stdout")
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		switch format {
		case "dot", "svg", "png":
			return nil
		}
		return flagError{fmt.Errorf("--format %q: want dot, svg or png", format)}
	}
	return cmd
}

func (a *app) validateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Load and check the Envfile; touch nothing",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withSession(cmd, false, func(s *session) error {
				ef := s.env.Spec
				if err := s.env.CheckBoxes(cmd.Context()); err != nil {
					return err
				}
				steps := 0
				for _, m := range ef.Machines {
					steps += len(m.Steps)
				}
				prov := "no provider is available here"
				if d := s.env.Driver; d != nil {
					prov = fmt.Sprintf("provider %s (from %s)", d.Name, s.env.ProviderSource)
				}
				fmt.Fprintf(a.stdout, "%s: ok: %d machine(s), %d network(s), %d machine step(s), %d global step(s); %s\n",
					ef.Path, len(ef.Machines), len(ef.Networks), steps, len(ef.Steps), prov)
				return nil
			})
		},
	}
}
