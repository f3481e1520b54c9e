package cli

import (
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/envrun/envrun/engine/modules"
	"github.com/envrun/envrun/engine/spec"
)

// Shell completion that knows the Envfile. Cobra's `completion` command
// writes the shell's script, which calls `envrun __complete ARGS...`; the
// functions here answer it. They read the Envfile and Envfile.lock only
// (no engine, no state, nothing written), and answer nothing when the
// Envfile does not load.

// completeTimeout bounds loading the Envfile for a completion: a module
// that would have to be fetched must not hang the shell.
const completeTimeout = 2 * time.Second

// machineArgs are the commands whose arguments are machine names; the
// value is how many (0: any number).
var machineArgs = map[string]int{
	"up": 0, "provision": 0, "halt": 0, "destroy": 0, "ssh": 1, "ssh-config": 0, "graph": 0, "port": 1,
	"reload": 0, "suspend": 0, "resume": 0, "rsync": 0,
}

// addCompletion gives the commands of root their completion functions.
func (a *app) addCompletion(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if n, ok := machineArgs[c.Name()]; ok && c.Parent() == root {
			c.ValidArgsFunction = a.completeNames(n, (*candidates).machines)
		}
		if c.Parent() != nil && c.Parent().Name() == "module" && (c.Name() == "update" || c.Name() == "remove") {
			c.ValidArgsFunction = a.completeModules
		}
		if c.Flags().Lookup("step") != nil {
			c.RegisterFlagCompletionFunc("step", a.completeSteps)
		}
		if c.LocalFlags().Lookup("provider") != nil || c == root {
			c.RegisterFlagCompletionFunc("provider", completeProviders)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completeNames completes names that names lists of the Envfile, at most
// max of them (0: any), each once.
func (a *app) completeNames(max int, names func(*candidates) []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if max > 0 && len(args) >= max {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		c := a.completionCandidates(cmd.Context())
		if c == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, n := range names(c) {
			if strings.HasPrefix(n, toComplete) && !slices.Contains(args, n) {
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeSteps completes --step: a step name, or the next name of a
// comma list, not one given already, whatever machines the command names.
func (a *app) completeSteps(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	c := a.completionCandidates(cmd.Context())
	if c == nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	list, word := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		list, word = toComplete[:i+1], toComplete[i+1:]
	}
	given := strings.Split(list, ",")
	if before, err := cmd.Flags().GetStringSlice("step"); err == nil { // --step NAME earlier on the line
		given = append(given, before...)
	}
	var out []cobra.Completion
	for _, n := range c.steps() {
		if strings.HasPrefix(n, word) && !slices.Contains(given, n) {
			out = append(out, list+n)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// stepNames lists every step name: the global steps, then each machine's
// (a name shared by machines once).
func stepNames(ef *spec.Envfile) []string {
	var out []string
	add := func(s spec.Step) {
		if n := s.Info().Name; !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	for _, s := range ef.Steps {
		add(s)
	}
	for _, m := range ef.Machines {
		for _, s := range m.Steps {
			add(s)
		}
	}
	return out
}

// completeModules completes the names of the modules in Envfile.lock.
func (a *app) completeModules(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	path, err := a.findEnvfile()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	lk, err := modules.ReadLock(modules.LockPath(path))
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, n := range lk.Names() {
		if strings.HasPrefix(n, toComplete) && !slices.Contains(args, n) {
			out = append(out, n)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeProviders completes --provider.
func completeProviders(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	for _, d := range Drivers {
		if strings.HasPrefix(d.Name, toComplete) {
			out = append(out, d.Name)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
