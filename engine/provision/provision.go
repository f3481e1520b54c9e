// Package provision runs provisioning steps: shell commands and scripts,
// file uploads and Lua hooks on a machine over SSH, and Ansible over many.
// Providers make machines; this package configures them, the same way on
// every backend.
package provision

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/shquote"
)

// Target is a running machine: something to run commands on and copy files
// to. *comm.Client is one.
type Target interface {
	Run(ctx context.Context, cmd comm.Cmd) error
	Upload(ctx context.Context, src, dst string) error
	// UploadTree is Upload with options: a file step's upload.
	UploadTree(ctx context.Context, src, dst string, opts comm.UploadOptions) error
}

// Output is where a step's output goes.
type Output struct {
	Stdout, Stderr io.Writer
	Debugf         func(format string, args ...any) // -v lines, may be nil
	Warnf          func(format string, args ...any) // warnings, may be nil
	// Changed are the paths (absolute) that changed since a file step
	// last ran on this connection, as `envrun watch` saw them; nil when
	// unknown (the step compares its whole source).
	Changed []string
	// Interfaces are the machine's interface names by network, for
	// hooks (m.interfaces); nil when unknown.
	Interfaces map[string]string
	// Peer reaches another machine for a hook (envrun.machine in Lua);
	// nil when the hook may reach none.
	Peer func(name string) (*spec.Machine, spec.Runner, error)
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
		return t.UploadTree(ctx, s.Source, s.Destination, comm.UploadOptions{
			Exclude:    s.Exclude,
			Changes:    s.Sync != spec.SyncFull,
			Changed:    out.Changed,
			Privileged: s.Privileged || s.Chown != "",
			Claim:      s.Folder != nil,
			Chown:      s.Chown,
			Delete:     s.Folder != nil,
			Progress:   out.Debugf,
			Warnf:      out.Warnf,
		})
	case *spec.Hook:
		return s.Fn(ctx, m, NewRunner(t, m, out))
	}
	return fmt.Errorf("a %s step cannot run on one machine", s.Info().Kind)
}

// Shell runs a shell step on the machine the way Remote describes.
func Shell(ctx context.Context, s *spec.Shell, m *spec.Machine, t Target, out Output) error {
	script := s.Inline
	if s.Path != "" {
		data, err := os.ReadFile(s.Path)
		if err != nil {
			return err
		}
		script = string(data)
	}
	out.debugf("run %s", describe(s))
	// Errors name what the user wrote, not the wrapper that ran it.
	label := s.Inline
	if s.Path != "" {
		label = s.Path
	}
	r := Remote{Script: script, Args: s.Args, Env: s.Env, Privileged: s.Privileged, User: m.User, Interpreter: s.Interpreter}
	return r.Run(ctx, t, label, out.Stdout, out.Stderr)
}

// Remote is a script to run on a machine. Every step command runs this
// way:
//
//   - The script and its environment travel over stdin, never on a command
//     line: no secret shows in the machine's process list or in an error
//     message, and the script's own #! line is honoured.
//   - The script runs in a process group of its own, under a small
//     supervisor shell that ends the whole group when envrun goes away:
//     on SIGTERM/SIGHUP (Ctrl-C: the session is signalled and closed) and
//     when its stdin reaches end of file — envrun holds stdin open until
//     the command ends, so even when envrun is killed (kill -9) the
//     machine sees the connection close and the step is stopped, instead
//     of running on beside the next `envrun up`.
//
// The supervisor is the session's process itself (the login shell execs
// it), and it starts few programs before the script: mktemp, head and
// chmod to write the script to a private file, and setsid. The
// environment is read by the shell itself. A re-run under `envrun watch`
// waits on this start-up, so it is kept short.
//
// A script that starts with #! runs with what that line names. One without
// runs the way Vagrant runs it: with bash when the machine has bash, else
// with sh (and the step's log says so). Interpreter, when set, runs the
// script whatever its first line.
type Remote struct {
	Script      string
	Args        []string
	Env         map[string]string
	Privileged  bool // run as root, through sudo unless User is root
	User        string
	Interpreter string // a command line ("bash -eu", "python3"); "" as described above
}

// interpreter is the supervisor's third argument: the interpreter to run
// the script file with, "" to execute the file itself (its #! line), "-"
// for bash when the machine has it, else sh.
func (r Remote) interpreter() string {
	switch {
	case r.Interpreter != "":
		return r.Interpreter
	case strings.HasPrefix(r.Script, "#!"):
		return ""
	}
	return "-"
}

// supervisor is the shell program described at Remote. Its arguments are
// the length of the environment line, the length of the script, the
// interpreter (see Remote.interpreter), then the script's arguments; stdin carries the environment line (`export K=V
// ...` on one line, "" when there is none), the script, then nothing
// until envrun goes away.
//
// The environment is applied in the subshell that becomes the script, so
// that it cannot change the supervisor's own variables (a step's env may
// well name f or p). A short environment line is read by the shell's read
// (no program started); a long one by head, as read takes a system call
// per byte.
const supervisor = `ne=$1 ns=$2 i=$3; shift 3; p= w= v= x=
nl='
'
exec 3<&0 </dev/null
if [ "$ne" -gt 4096 ]; then v=$(head -c "$ne" <&3) || exit 125
elif [ "$ne" -gt 0 ]; then IFS= read -r v <&3 || exit 125
fi
f=$(mktemp /tmp/envrun-step.XXXXXX) || exit 125
head -c "$ns" <&3 >"$f" && chmod 0700 "$f" || { rm -f "$f"; exit 125; }
stop() {
	trap '' TERM HUP INT
	p=${p:-$!}
	if [ -n "$p" ]; then
		kill -TERM -$p 2>/dev/null; i=0
		while [ $i -lt 30 ] && read -r st </proc/$p/stat 2>/dev/null; do
			case $st in *") Z "*) break;; esac
			sleep 0.1; i=$((i+1))
		done
		kill -KILL -$p 2>/dev/null; wait $p
	fi
	[ -z "$w" ] || kill $w 2>/dev/null; rm -f "$f"; exit 143
}
trap stop TERM HUP INT
for d in /usr/bin /bin /usr/sbin /sbin; do [ -x $d/setsid ] && x=$d/setsid && break; done
[ -n "$x" ] || ! command -v setsid >/dev/null 2>&1 || x=setsid
if [ "$i" = - ]; then
	if command -v bash >/dev/null 2>&1; then i=bash
	else i=sh; echo "envrun: this machine has no bash: the script (it has no #! line) runs with sh" >&2
	fi
fi
(set -- $x $i "$f" "$@"; eval "$v"; exec "$@") 3<&- & p=$!
{ while read -r l; do :; done; kill -TERM $$; } <&3 >/dev/null 2>&1 & w=$!
exec 3<&-
wait $p; x=$?
kill $w 2>/dev/null; rm -f "$f"; exit $x`

// envLine is the environment as one shell line: `export K=V ...` with
// every value quoted, a newline in a value written as "$nl" (the
// supervisor's newline); "" for none.
func envLine(env map[string]string) string {
	if len(env) == 0 {
		return ""
	}
	keys := slices.Sorted(maps.Keys(env))
	var b strings.Builder
	b.WriteString("export")
	for _, k := range keys {
		parts := strings.Split(env[k], "\n")
		for i, part := range parts {
			parts[i] = shquote.Quote(part)
		}
		b.WriteString(" " + k + "=" + strings.Join(parts, `"$nl"`))
	}
	return b.String()
}

// Command returns the remote command line and the bytes to send on its
// stdin before holding it open.
func (r Remote) Command() (string, []byte) {
	env := envLine(r.Env)
	if env != "" {
		env += "\n"
	}
	var run strings.Builder
	run.WriteString("exec ")
	if r.Privileged && r.User != "root" {
		run.WriteString("sudo -n -H ")
	}
	fmt.Fprintf(&run, "sh -c %s envrun-step %d %d %s", shquote.Quote(supervisor), len(env), len(r.Script), shquote.Quote(r.interpreter()))
	for _, a := range r.Args {
		run.WriteString(" " + shquote.Quote(a))
	}
	return run.String(), append([]byte(env), r.Script...)
}

// Run runs the script on t; label names it in messages.
func (r Remote) Run(ctx context.Context, t Target, label string, stdout, stderr io.Writer) error {
	cmd, stdin := r.Command()
	err := t.Run(ctx, comm.Cmd{Command: cmd, Label: label, Stdin: bytes.NewReader(stdin), HoldStdin: true, Stdout: stdout, Stderr: stderr})
	var exit *comm.ExitError
	if errors.As(err, &exit) {
		exit.Cmd = label // whatever the target put there
	}
	return err
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
	if s.Interpreter != "" {
		what += " with " + s.Interpreter
	}
	return what
}

// NewRunner is what a Lua hook gets for machine m reached over t: m:run,
// m:read and m:upload, and envrun.machine through out.Peer.
func NewRunner(t Target, m *spec.Machine, out Output) spec.Runner {
	return &runner{t: t, user: m.User, out: out}
}

// runner is what a Lua hook gets: m:run and m:upload.
type runner struct {
	t    Target
	user string
	out  Output
}

func (r *runner) Run(ctx context.Context, cmd string) (string, error) {
	var stdout strings.Builder
	r.out.debugf("hook runs %q", cmd)
	err := Remote{Script: cmd, User: r.user}.Run(ctx, r.t, cmd, &stdout, r.out.Stderr)
	return stdout.String(), err
}

// Interfaces are the machine's interface names by network.
func (r *runner) Interfaces() map[string]string { return r.out.Interfaces }

// Peer is envrun.machine(name): another machine of the environment.
func (r *runner) Peer(name string) (*spec.Machine, spec.Runner, error) {
	if r.out.Peer == nil {
		return nil, nil, errors.New("this step cannot reach other machines")
	}
	return r.out.Peer(name)
}

func (r *runner) Upload(ctx context.Context, src, dst string) error {
	r.out.debugf("hook uploads %s → %s", src, dst)
	return r.t.Upload(ctx, src, dst)
}
