package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/envrun/envrun/engine/graph"
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

func (n *stepNode) Execute(ctx context.Context) error {
	inst, run := n.run.state()
	if !run {
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
	err = provision.Run(ctx, n.s, m, c, provision.Output{
		Stdout: stdout, Stderr: stderr, Interfaces: e.cache.interfaces(m.Name, inst.ID),
		Debugf: func(f string, a ...any) { e.UI.Debugf(m.Name, f, a...) },
		Warnf:  func(f string, a ...any) { e.UI.Warnf(m.Name, f, a...) },
	})
	return stepError(ctx, info, err)
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
	if _, run := n.run.state(); !run {
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
