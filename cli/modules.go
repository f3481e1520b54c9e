package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/modules"
	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/luaapi"
)

// project returns the modules of the Envfile at path.
func (a *app) project(path string) (*modules.Project, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	dir, err := modules.DefaultCacheDir()
	if err != nil {
		return nil, err
	}
	p := modules.NewProject(abs, &modules.Cache{Dir: dir})
	p.ReadManifest = readManifest
	p.Logf = func(format string, args ...any) { a.ui.Infof("", format, args...) }
	return p, nil
}

func readManifest(path string) (*modules.Manifest, error) {
	m, err := luaapi.ReadManifest(path)
	if err != nil {
		return nil, err
	}
	return &modules.Manifest{Description: m.Description, Dependencies: m.Dependencies}, nil
}

// loadModules readies the modules of the Envfile at path for loading: nil
// when it has no lock file. A lock that cannot be read is bad input.
func (a *app) loadModules(path string) (luaapi.Modules, string, error) {
	lockPath := modules.LockPath(path)
	if _, err := os.Stat(lockPath); err != nil {
		return nil, "", nil
	}
	p, err := a.project(path)
	if err != nil {
		return nil, "", err
	}
	if _, err := p.ReadLock(); err != nil {
		return nil, "", &engine.UsageError{Err: err}
	}
	abs, _ := filepath.Abs(lockPath)
	return p, abs, nil
}

func (a *app) moduleCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "module",
		Short: "Add, update, list and remove Lua modules fetched from git",
		Long: `module manages the Lua modules the Envfile requires from git repositories.
Each is pinned in Envfile.lock (beside the Envfile; commit it) to a commit
and a content hash, with the modules it declares it needs. Every command
that loads the Envfile uses exactly the locked versions, checked against
their hash, from a cache shared by your projects ($ENVRUN_CACHE, or
~/.cache/envrun), fetching a locked commit only when the cache lacks it.`,
	}
	cmd.AddCommand(a.moduleAddCommand(), a.moduleUpdateCommand(), a.moduleListCommand(), a.moduleRemoveCommand())
	return cmd
}

// openProject finds the Envfile and reads its lock; with lock, it takes
// the environment's lock first (release it with the returned func).
func (a *app) openProject(cmd *cobra.Command, lock bool) (*modules.Project, *modules.Lock, func(), error) {
	path, err := a.findEnvfile()
	if err != nil {
		return nil, nil, nil, err
	}
	p, err := a.project(path)
	if err != nil {
		return nil, nil, nil, err
	}
	release := func() {}
	if lock {
		lk, err := state.ForEnvfile(p.Envfile).Lock(commandLine(cmd))
		if err != nil {
			return nil, nil, nil, err
		}
		release = func() { lk.Unlock() }
	}
	l, err := p.ReadLock()
	if err != nil {
		release()
		return nil, nil, nil, &engine.UsageError{Err: err}
	}
	return p, l, release, nil
}

// changeLock runs a change of the lock under the environment's lock, and
// writes the new lock and reports what changed.
func (a *app) changeLock(cmd *cobra.Command, change func(p *modules.Project, old *modules.Lock) (*modules.Lock, error)) error {
	p, old, release, err := a.openProject(cmd, true)
	if err != nil {
		return err
	}
	defer release()
	l, err := change(p, old)
	if err != nil {
		return moduleError(err)
	}
	changes := modules.Changes(old, l)
	if len(changes) == 0 {
		a.ui.Infof("", "%s: nothing changed", filepath.Base(p.LockPath))
		return nil
	}
	if len(l.Modules) == 0 {
		if err := os.Remove(p.LockPath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	} else if err := l.Write(p.LockPath); err != nil {
		return err
	}
	for _, c := range changes {
		a.ui.Infof("", "%s", c)
	}
	return nil
}

// moduleError makes what the user must fix exit with status 2.
func moduleError(err error) error {
	var in *modules.InputError
	var conflict *modules.ConflictError
	var mismatch *modules.HashMismatchError
	if errors.As(err, &in) || errors.As(err, &conflict) || errors.As(err, &mismatch) {
		return &engine.UsageError{Err: err}
	}
	return err
}

// localSource makes a relative local path given on the command line
// (relative to the working folder, as a shell user expects) relative to
// the Envfile's folder, which the lock's paths are relative to.
func localSource(source, envfile string) (string, error) {
	if !modules.IsLocal(source) || filepath.IsAbs(source) {
		return source, nil
	}
	abs, err := filepath.Abs(source)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(abs); err != nil {
		return "", &engine.UsageError{Err: fmt.Errorf("source %s: %w", source, errors.Unwrap(err))}
	}
	return modules.Portable(abs, true, filepath.Dir(envfile)), nil
}

func (a *app) moduleAddCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "add NAME SOURCE[@REF]",
		Short: "Add a module from a git repository and lock it",
		Long: `add fetches SOURCE (a git URL, a local path, or file://...) at REF (a tag,
a branch or a commit; the default branch when none), pins it in
Envfile.lock with the modules it declares in its envrun-module.lua, and
makes it available as require "NAME" (and require "NAME.file"). Adding a
name that is there already sets its source and ref.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			source, ref := modules.SplitRef(args[1])
			return a.changeLock(cmd, func(p *modules.Project, old *modules.Lock) (*modules.Lock, error) {
				src, err := localSource(source, p.Envfile)
				if err != nil {
					return nil, err
				}
				return p.Add(cmd.Context(), old, name, src, ref)
			})
		},
	}
}

func (a *app) moduleUpdateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "update [NAME[@REF]...]",
		Short: "Lock modules anew at what their refs name now, or at a new ref",
		Long: `update fetches the named modules (all when none are named) and locks each
at the commit its ref names now: a branch moves on, a tag stays unless it
was moved. NAME@REF changes the ref of one of the Envfile's own modules
first, as in envrun module update web@v2.0.0.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			var names []string
			ref := ""
			for _, arg := range args {
				name, r, _ := strings.Cut(arg, "@")
				if r != "" {
					if len(args) != 1 {
						return flagError{errors.New("NAME@REF updates one module: name only that one")}
					}
					ref = r
				}
				names = append(names, name)
			}
			return a.changeLock(cmd, func(p *modules.Project, old *modules.Lock) (*modules.Lock, error) {
				return p.Update(cmd.Context(), old, names, ref)
			})
		},
	}
}

func (a *app) moduleRemoveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a module and the dependencies nothing else needs",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.changeLock(cmd, func(p *modules.Project, old *modules.Lock) (*modules.Lock, error) {
				return p.Remove(cmd.Context(), old, args[0])
			})
		},
	}
}

// moduleRow is one module of `envrun module list`.
type moduleRow struct {
	Name       string   `json:"name"`
	Source     string   `json:"source"`
	Ref        string   `json:"ref,omitempty"`
	Commit     string   `json:"commit"`
	Hash       string   `json:"hash"`
	RequiredBy []string `json:"required_by"`
	// Cache is "ok", "missing" (fetched on next use) or "modified" (the
	// cached files differ from the lock's hash: loading fails).
	Cache string `json:"cache"`
	Dir   string `json:"dir"`
}

func (a *app) moduleListCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the locked modules, their versions and the state of their cached files",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, l, _, err := a.openProject(cmd, false)
			if err != nil {
				return err
			}
			rows := []moduleRow{}
			for _, name := range l.Names() {
				e := l.Modules[name]
				dir := p.Cache.ModuleDir(modules.Resolve(e.Source, filepath.Dir(p.Envfile)), e.Commit)
				st := "ok"
				switch h, err := modules.Hash(dir); {
				case err != nil:
					st = "missing"
				case h != e.Hash:
					st = "modified"
				}
				rows = append(rows, moduleRow{Name: name, Source: e.Source, Ref: e.Ref, Commit: e.Commit, Hash: e.Hash,
					RequiredBy: e.Requirers(filepath.Base(p.Envfile)), Cache: st, Dir: dir})
			}
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			if len(rows) == 0 {
				fmt.Fprintf(a.stderr, "no modules (envrun module add NAME SOURCE[@REF] adds one)\n")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tREF\tCOMMIT\tSOURCE\tREQUIRED BY\tCACHE")
			for _, r := range rows {
				fmt.Fprintf(tw, "%s\t%s\t%.12s\t%s\t%s\t%s\n", r.Name, dash(r.Ref), r.Commit, r.Source, strings.Join(r.RequiredBy, ","), r.Cache)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
