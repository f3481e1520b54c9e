// Package provision runs provisioning steps: shell commands and scripts,
// file uploads and Lua hooks on a machine over SSH, and Ansible over many.
// Providers make machines; this package configures them, the same way on
// every backend.
package provision

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/spec"
)

// Target is a running machine: something to run commands on and copy files
// to. *comm.Client is one.
type Target interface {
	Run(ctx context.Context, cmd comm.Cmd) error
	Upload(ctx context.Context, src, dst string) error
}

// Output is where a step's output goes.
type Output struct {
	Stdout, Stderr io.Writer
	Debugf         func(format string, args ...any) // -v lines, may be nil
}

func (o Output) debugf(format string, args ...any) {
	if o.Debugf != nil {
		o.Debugf(format, args...)
	}
}

// Run runs one machine step on t.
func Run(ctx context.Context, s spec.Step, m *spec.Machine, t Target, out Output) error {
	switch s := s.(type) {
	case *spec.Shell:
		return Shell(ctx, s, m, t, out)
	case *spec.File:
		out.debugf("upload %s → %s", s.Source, s.Destination)
		return t.Upload(ctx, s.Source, s.Destination)
	case *spec.Hook:
		return s.Fn(ctx, m, &runner{t: t, out: out})
	}
	return fmt.Errorf("a %s step cannot run on one machine", s.Info().Kind)
}

// Shell runs a shell step. The script (inline text or a local file) is sent
// over stdin into a temporary file on the machine and run from there, so a
// script's own #! line is honoured; it is removed afterwards.
func Shell(ctx context.Context, s *spec.Shell, m *spec.Machine, t Target, out Output) error {
	script := s.Inline
	if s.Path != "" {
		data, err := os.ReadFile(s.Path)
		if err != nil {
			return err
		}
		script = string(data)
	}
	cmd := ShellCommand(s, m.User)
	out.debugf("run %s", describe(s))
	err := t.Run(ctx, comm.Cmd{Command: cmd, Stdin: strings.NewReader(script), Stdout: out.Stdout, Stderr: out.Stderr})
	var exit *comm.ExitError
	if errors.As(err, &exit) {
		// Name what the user wrote, not the wrapper that ran it.
		exit.Cmd = s.Inline
		if s.Path != "" {
			exit.Cmd = s.Path
		}
	}
	return err
}

// ShellCommand is the remote command line that runs the script read from
// stdin, as the user or (privileged) as root through sudo.
func ShellCommand(s *spec.Shell, user string) string {
	var run strings.Builder
	if s.Privileged && user != "root" {
		run.WriteString("sudo -n -H ")
	}
	keys := make([]string, 0, len(s.Env))
	for k := range s.Env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if len(keys) > 0 {
		run.WriteString("env")
		for _, k := range keys {
			run.WriteString(" " + Quote(k+"="+s.Env[k]))
		}
		run.WriteString(" ")
	}
	run.WriteString(`"$f"`)
	for _, a := range s.Args {
		run.WriteString(" " + Quote(a))
	}
	return `f=$(mktemp /tmp/envrun-step.XXXXXX) || exit 125; trap 'rm -f "$f"' EXIT; ` +
		`cat >"$f" && chmod 0755 "$f" && ` + run.String()
}

// describe names a shell step for -v without printing secret values.
func describe(s *spec.Shell) string {
	what := "inline script"
	if s.Path != "" {
		what = s.Path
	} else if first, _, _ := strings.Cut(strings.TrimSpace(s.Inline), "\n"); first != "" {
		what = fmt.Sprintf("%q", first)
	}
	if len(s.Env) > 0 {
		var names []string
		for k := range s.Env {
			names = append(names, k)
		}
		slices.Sort(names)
		what += " with env " + strings.Join(names, ",")
	}
	if s.Privileged {
		what += " (privileged)"
	}
	return what
}

// Quote quotes s for a POSIX shell.
func Quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,@+%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// runner is what a Lua hook gets: m:run and m:upload.
type runner struct {
	t   Target
	out Output
}

func (r *runner) Run(ctx context.Context, cmd string) (string, error) {
	var stdout strings.Builder
	r.out.debugf("hook runs %q", cmd)
	err := r.t.Run(ctx, comm.Cmd{Command: cmd, Stdout: &stdout, Stderr: r.out.Stderr})
	return stdout.String(), err
}

func (r *runner) Upload(ctx context.Context, src, dst string) error {
	r.out.debugf("hook uploads %s → %s", src, dst)
	return r.t.Upload(ctx, src, dst)
}
