package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provision"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
)

// stepNode runs one of a machine's steps over the machine's connection,
// when the machine node decided that its steps run in this walk.
type stepNode struct {
	nodeBase
	p   *plan
	run *machineRun
	s   spec.Step
}

func (n *stepNode) ID() string { return stepID(n.run.m.Name, n.s.Info().Name) }

// runs reports whether the step runs in this walk, and on which instance:
// when the machine's steps run (all of them: not a --step run), or the
// step is forced (run = "always", --step); an rsync folder's upload also
// whenever the walk made or started the machine (Vagrant syncs its rsync
// folders on up and reload, --provision-with or not), so that a running
// machine's no-op up costs no upload.
func (n *stepNode) runs() (*provider.Instance, bool) {
	inst, run := n.run.state()
	if inst == nil {
		return nil, false
	}
	all := run && len(n.p.opts.Only) == 0
	return inst, all || n.p.forced(n.s) || spec.IsRsync(n.s) && (inst.Created || inst.Started)
}

func (n *stepNode) Execute(ctx context.Context) error {
	inst, ok := n.runs()
	if !ok {
		return nil
	}
	e, m, info := n.p.e, n.run.m, n.s.Info()
	ctx, cancel := context.WithTimeoutCause(ctx, info.EffectiveTimeout(), errStepTimeout)
	defer cancel()
	c, err := e.connect(ctx, m, inst)
	if err != nil {
		return err
	}
	e.UI.Infof(m.Name, "[%s] %s", info.Name, stepSummary(n.s))
	stdout := e.UI.Writer(m.Name, ui.Normal)
	stderr := e.UI.Writer(m.Name, ui.Normal)
	defer stdout.Close()
	defer stderr.Close()
	ref := StepRef{Machine: m.Name, Step: info.Name}
	changed := e.pendingChanges(ref)
	out := provision.Output{
		Stdout: stdout, Stderr: stderr, Interfaces: e.cache.interfaces(m.Name, inst.ID),
		Debugf:  func(f string, a ...any) { e.UI.Debugf(m.Name, f, a...) },
		Warnf:   func(f string, a ...any) { e.UI.Warnf(m.Name, f, a...) },
		Changed: changed,
	}
	out.Peer = n.p.peers(m, out)
	err = provision.Run(ctx, n.s, m, c, out)
	if err == nil {
		e.sentChanges(ref, len(changed))
	}
	return stepError(ctx, info, err)
}

// noteChanges records the changed paths of a partial run for its file
// steps.
func (e *Env) noteChanges(refs []StepRef, changed []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, r := range refs {
		if m := e.Spec.Machine(r.Machine); m == nil {
			continue
		}
		if e.changes == nil {
			e.changes = map[StepRef][]string{}
		}
		e.changes[r] = append(e.changes[r], changed...)
		if e.changes[r] == nil {
			e.changes[r] = []string{} // known: nothing changed
		}
	}
}

// pendingChanges are the paths a step has to send: nil when unknown (not
// a partial run).
func (e *Env) pendingChanges(r StepRef) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	list, ok := e.changes[r]
	if !ok {
		return nil
	}
	return append([]string{}, list...)
}

// sentChanges drops the first n pending paths of a step: it sent them.
func (e *Env) sentChanges(r StepRef, n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if list, ok := e.changes[r]; ok {
		if n >= len(list) {
			delete(e.changes, r)
		} else {
			e.changes[r] = list[n:]
		}
	}
}

func (n *stepNode) scope() string { return n.run.m.Name }

func (n *stepNode) step() (StepRef, bool) {
	return StepRef{Machine: n.run.m.Name, Step: n.s.Info().Name}, true
}

func (n *stepNode) dotAttrs() string {
	return fmt.Sprintf(`shape=box, style=rounded, tooltip="%s"`, n.s.Info().Pos)
}

// skipped: the steps of a skipped machine are counted on the machine's
// line; others share one line per machine.
func (n *stepNode) skipped(s *skipReport) (key, what, why string) {
	name := n.run.m.Name
	key = "steps of " + name
	switch s.rep.Result(machineID(name)).Status {
	case graph.Skipped:
		return "", "", ""
	case graph.Failed:
		return key, n.ID(), "steps of " + name
	default:
		return key, n.ID(), "later steps of " + name
	}
}

var errStepTimeout = errors.New("step timed out")

// stepError places a step's failure at the step's position.
func stepError(ctx context.Context, info *spec.StepInfo, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(context.Cause(ctx), errStepTimeout) {
		err = fmt.Errorf("timed out after %s (set the step's timeout to allow longer)", info.EffectiveTimeout())
	}
	return fmt.Errorf("%s: %s step %q: %w", info.Pos, info.Kind, info.Name, err)
}

// stepSummary is the line that announces a step.
func stepSummary(s spec.Step) string {
	switch s := s.(type) {
	case *spec.Shell:
		if s.Path != "" {
			return "shell " + s.Path
		}
		first, _, _ := strings.Cut(strings.TrimSpace(s.Inline), "\n")
		return "shell: " + first
	case *spec.File:
		if s.Folder != nil {
			return fmt.Sprintf("rsync %s → %s", s.Source, s.Destination)
		}
		return fmt.Sprintf("file %s → %s", s.Source, s.Destination)
	case *spec.Hook:
		return "Lua hook at " + s.Pos.String()
	case *spec.Ansible:
		return "ansible-playbook " + s.Playbook
	}
	return s.Info().Kind
}

func (n *stepNode) timingKind() (string, string) { return "step", n.s.Info().Kind }

func (n *stepNode) row() (string, string) { return n.run.m.Name, "" }

// showStart: step k of the machine's n, when the machine's steps run.
func (n *stepNode) showStart(w *walkProgress) {
	if _, ok := n.runs(); !ok {
		return
	}
	k := 0
	for i, s := range n.run.m.Steps {
		if s == n.s {
			k = i + 1
		}
	}
	w.ran[n.run.m.Name] = append(w.ran[n.run.m.Name], n.s.Info().Name)
	w.e.UI.Phase(n.run.m.Name, fmt.Sprintf("step %d/%d %s", k, len(n.run.m.Steps), n.s.Info().Name))
}
