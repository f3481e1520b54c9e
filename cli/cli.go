// Package cli is envrun's command line: it finds and loads the Envfile,
// wires load → plan → walk, prints results on stdout and progress on
// stderr, and maps failures to exit statuses (0 ok, 1 failed, 2 bad input,
// 130 interrupted).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/envrun/envrun/cli/panel"
	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provider/docker"
	"github.com/envrun/envrun/engine/provider/libvirt"
	"github.com/envrun/envrun/engine/provider/virtualbox"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/engine/ui"
	"github.com/envrun/envrun/luaapi"
)

// Exit statuses.
const (
	ExitOK          = 0
	ExitFailed      = 1
	ExitBadInput    = 2
	ExitInterrupted = 130
)

// Version is set at build time with -ldflags "-X ...cli.Version=...".
var Version = "dev"

// Drivers are the providers envrun knows, in the order tried when no
// provider is named.
var Drivers = []*provider.Driver{docker.Driver, libvirt.Driver, virtualbox.Driver}

// Main runs envrun with args and returns the exit status. The first
// SIGINT or SIGTERM cancels the work in flight, which then cleans up; a
// second one exits at once.
func Main(args []string) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		msg, cause := "envrun: interrupted: stopping (press Ctrl-C again to exit at once)\n", errInterrupted
		if <-sigs == syscall.SIGTERM {
			msg, cause = "envrun: terminated: stopping (a second SIGTERM or SIGINT exits at once)\n", errTerminated
		}
		if p := livePanel.Load(); p != nil {
			p.Print(msg)
		} else {
			fmt.Fprint(os.Stderr, msg)
		}
		cancel(cause)
		<-sigs
		if p := livePanel.Load(); p != nil {
			p.Abort()
		}
		os.Exit(ExitInterrupted)
	}()
	return Run(ctx, args, os.Stdin, os.Stdout, os.Stderr)
}

var errInterrupted = errors.New("interrupted")

// errTerminated is the cause of a run ended by SIGTERM: an interruption
// (exit status 130, the same clean-up) that says what happened.
var errTerminated error = terminated{}

type terminated struct{}

func (terminated) Error() string        { return "terminated" }
func (terminated) Is(target error) bool { return target == errInterrupted }

// Run runs envrun as a command line would, with the given streams.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.rootCommand()
	root.SetArgs(rewriteDestroyForce(args))
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	a.stopProgress()
	if err == nil {
		return ExitOK
	}
	code := exitCode(ctx, err)
	a.terminated = errors.Is(context.Cause(ctx), errTerminated)
	a.printError(err, code)
	return code
}

// rewriteDestroyForce makes `destroy -f` mean --force, as in Vagrant, while
// -f FILE names the Envfile everywhere else (`envrun -f X destroy -f`).
func rewriteDestroyForce(args []string) []string {
	out := slices.Clone(args)
	sub := -1
	for i := 0; i < len(out); i++ {
		switch a := out[i]; {
		case a == "--":
			return out
		case a == "-f" || a == "--file" || a == "--provider" || a == "--parallel" || a == "--progress":
			i++ // skip the flag's value
		case strings.HasPrefix(a, "-"):
		default:
			sub = i
		}
		if sub >= 0 {
			break
		}
	}
	if sub < 0 || out[sub] != "destroy" {
		return out
	}
	for i := sub + 1; i < len(out) && out[i] != "--"; i++ {
		if out[i] == "-f" {
			out[i] = "--force"
		}
	}
	return out
}

func exitCode(ctx context.Context, err error) int {
	var usage *engine.UsageError
	var exit exitError
	switch {
	case errors.As(err, &exit):
		return int(exit)
	case errors.Is(context.Cause(ctx), errInterrupted):
		return ExitInterrupted
	case spec.IsInvalid(err), errors.As(err, &usage), isFlagError(err):
		return ExitBadInput
	}
	return ExitFailed
}

// exitError carries an exit status chosen by a command (ssh's, say) with
// nothing to print.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// reported is an error already printed (the walk summary).
type reported struct{ err error }

func (r reported) Error() string { return r.err.Error() }
func (r reported) Unwrap() error { return r.err }

type flagError struct{ error }

// isFlagError recognises cobra's and pflag's command line errors, which
// are plain errors: by how their messages start, never by what they
// contain (a failed step's output may well say "accepts ").
func isFlagError(err error) bool {
	var f flagError
	if errors.As(err, &f) {
		return true
	}
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ",
		"requires at least", "invalid argument", "flag needs an argument"} {
		if strings.HasPrefix(err.Error(), p) {
			return true
		}
	}
	return false
}

func (a *app) printError(err error, code int) {
	var rep reported
	var exit exitError
	switch {
	case errors.As(err, &exit), errors.As(err, &rep):
		return
	case code == ExitInterrupted && a.terminated:
		fmt.Fprintln(a.stderr, "envrun: terminated")
		return
	case code == ExitInterrupted:
		fmt.Fprintln(a.stderr, "envrun: interrupted")
		return
	}
	if es := spec.List(err); es != nil {
		for _, e := range es {
			fmt.Fprintln(a.stderr, e.Error())
		}
		return
	}
	msg := err.Error()
	if a.ui != nil {
		msg = a.ui.Redact(msg)
	}
	fmt.Fprintf(a.stderr, "envrun: %s\n", msg)
}

// app holds the global flags and streams.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	terminated     bool // the run was ended by SIGTERM

	file     string
	provider string
	quiet    bool
	verbose  bool
	parallel int
	progress string

	ui    *ui.UI
	panel *panel.Panel // the live panel of --progress tty, while it runs
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "envrun",
		Short: "Bring up multi-machine development environments from Envfile.lua",
		Long: `envrun brings up the machines, networks and provisioning described in
Envfile.lua — as Docker containers, libvirt VMs or VirtualBox VMs, with the
same IPs and hostnames on each.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       currentVersion().String(),
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			level := ui.Normal
			switch {
			case a.quiet:
				level = ui.Quiet
			case a.verbose:
				level = ui.Verbose
			}
			a.ui = ui.New(a.stderr, quietLevel(a.progress, level))
			return a.startProgress(cmd)
		},
	}
	root.SetVersionTemplate("{{.Version}}")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return flagError{err} })
	pf := root.PersistentFlags()
	pf.StringVarP(&a.file, "file", "f", "", "the Envfile (default: Envfile.lua here or in the nearest parent folder)")
	pf.StringVar(&a.provider, "provider", "", "provider: docker, libvirt or virtualbox (default: $ENVRUN_PROVIDER, the Envfile's, the first available)")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "print errors and the summary only")
	pf.BoolVarP(&a.verbose, "verbose", "v", false, "print what envrun does underneath, with timestamps")
	pf.StringVar(&a.progress, "progress", progressAuto, "how to show long work: auto (tty on a terminal, else plain), tty (a live panel), plain (lines), quiet (errors and the summary)")
	root.AddCommand(
		a.upCommand(),
		a.provisionCommand(),
		a.rsyncCommand(),
		a.statusCommand(),
		a.sshCommand(),
		a.portCommand(),
		a.sshConfigCommand(),
		a.inventoryCommand(),
		a.haltCommand(),
		a.destroyCommand(),
		a.reloadCommand(),
		a.suspendCommand(),
		a.resumeCommand(),
		a.snapshotCommand(),
		a.swarmCommand(),
		a.watchCommand(),
		a.graphCommand(),
		a.timingsCommand(),
		a.validateCommand(),
		a.moduleCommand(),
		a.boxCommand(),
		a.proxyCommand(),
		a.forwardCommand(),
		a.luaDefsCommand(),
		a.versionCommand(),
		a.initCommand(),
	)
	a.addCompletion(root)
	return root
}

// findEnvfile returns -f, or Envfile.lua in the working folder or the
// nearest parent.
func (a *app) findEnvfile() (string, error) {
	if a.file != "" {
		if _, err := os.Stat(a.file); err != nil {
			return "", &engine.UsageError{Err: fmt.Errorf("-f %s: %w", a.file, errors.Unwrap(err))}
		}
		return a.file, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "Envfile.lua")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if filepath.Dir(dir) == dir {
			break
		}
	}
	return "", &engine.UsageError{Err: fmt.Errorf("no Envfile.lua in %s or any parent folder (use -f FILE)", wd)}
}

// session is a loaded Envfile and its engine environment.
type session struct {
	lua *luaapi.Env
	env *engine.Env
	lk  *state.Lock
	// madeState: this command made .envrun/ (taking the lock).
	madeState bool
}

// finish closes the session after a mutating command. If the command
// failed before anything was made in the backend (the engine is down, the
// disk is full) and it made .envrun/ itself, .envrun/ goes too: a failed
// first command leaves nothing behind.
func (s *session) finish(err error) {
	rollback := err != nil && s.madeState && !s.env.Opened()
	s.close()
	if rollback {
		os.RemoveAll(s.env.State.Path)
	}
}

func (s *session) close() {
	s.env.Close()
	s.lua.Close()
	if s.lk != nil {
		s.lk.Unlock()
	}
}

// load loads and checks the Envfile and chooses the provider. Nothing is
// created. With lock, the environment's lock is taken too (mutating
// commands), which makes .envrun/ if it is missing.
func (a *app) load(ctx context.Context, cmd *cobra.Command, lock bool) (*session, error) {
	s, err := a.loadEnv(ctx)
	if err != nil {
		return nil, err
	}
	if lock {
		s.madeState = !s.env.State.Exists()
		if s.lk, err = s.env.State.Lock(commandLine(cmd)); err != nil {
			if s.madeState {
				os.RemoveAll(s.env.State.Path)
			}
			s.close()
			return nil, err
		}
		a.logProgress(s)
	}
	return s, nil
}

// withSession loads the Envfile (taking the lock when lock is set), runs
// f on it, and closes it.
func (a *app) withSession(cmd *cobra.Command, lock bool, f func(*session) error) error {
	s, err := a.load(cmd.Context(), cmd, lock)
	if err != nil {
		return err
	}
	defer s.close()
	return f(s)
}

// loadEnv loads and checks the Envfile and chooses the provider.
func (a *app) loadEnv(ctx context.Context) (*session, error) {
	path, err := a.findEnvfile()
	if err != nil {
		return nil, err
	}
	mods, lockPath, err := a.loadModules(path)
	if err != nil {
		return nil, err
	}
	lenv, err := luaapi.Load(ctx, path, luaapi.Options{Path: luaapi.PathFromEnv(), Print: a.stderr, Modules: mods, LockFile: lockPath,
		Provider:         a.provider,
		FallbackProvider: func() string { return engine.FallbackProvider(ctx, path, Drivers) },
	})
	if err != nil {
		return nil, err
	}
	env, err := engine.New(ctx, lenv.Spec, engine.Options{
		Drivers: Drivers, Provider: a.provider, UI: a.ui, Parallel: a.parallel,
	})
	if err != nil {
		lenv.Close()
		return nil, err
	}
	if r := lenv.ProviderRead; r.Pos.File != "" && env.Driver != nil && r.Name != env.Driver.Name {
		lenv.Close()
		return nil, spec.Errorf(r.Pos, "envrun.provider gave %q while loading, but this run uses %s (from %s): name the provider with --provider, ENVRUN_PROVIDER or provider \"NAME\"", r.Name, env.Driver.Name, env.ProviderSource)
	}
	for _, w := range append(lenv.Spec.Warnings(), boxURLWarnings(env.Driver, lenv.Spec)...) {
		a.ui.Warnf("", "%s", w)
	}
	return &session{lua: lenv, env: env}, nil
}

func commandLine(cmd *cobra.Command) string {
	return strings.TrimSpace(cmd.CommandPath() + " " + strings.Join(cmd.Flags().Args(), " "))
}
