package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/envrun/envrun/engine/provision/ansible"
	"github.com/envrun/envrun/engine/spec"
)

// globalNode runs a global step (one Ansible run, or a shell step on each
// of its hosts in turn) over its machines, once
// each of them is done; it waits too for the global steps it follows
// through `after`.
type globalNode struct {
	nodeBase
	p *plan
	s spec.Step
}

func (n *globalNode) ID() string { return globalID(n.s.Info().Kind, n.s.Info().Name) }

func (n *globalNode) Execute(ctx context.Context) error {
	e, info := n.p.e, n.s.Info()
	hosts := map[string]string{}
	var runs []*machineRun
	fresh := false
	for _, h := range globalHosts(n.s) {
		run := n.p.runs[h]
		runs = append(runs, run)
		run.mu.Lock()
		hosts[h] = run.inst.ID
		fresh = fresh || run.done
		run.mu.Unlock()
	}
	if n.p.opts.Provision == ProvisionAuto && !fresh && !n.p.forced(n.s) && e.cache.stepDone(info.Name, hosts) {
		e.UI.Debugf("", "%s %q: already ran over these machines", info.Kind, info.Name)
		return nil
	}
	ctx, cancel := context.WithTimeoutCause(ctx, info.EffectiveTimeout(), errStepTimeout)
	defer cancel()
	e.UI.Infof(info.Name, "%s", stepSummary(n.s))
	if err := stepError(ctx, info, e.runGlobal(ctx, n.s, runs)); err != nil {
		return err
	}
	return e.cache.update(func(d *cacheData) { d.Steps[info.Name] = stepCache{Hosts: hosts} })
}

func (n *globalNode) scope() string { return n.s.Info().Name }

func (n *globalNode) step() (StepRef, bool) { return StepRef{Step: n.s.Info().Name}, true }

func (n *globalNode) dotAttrs() string {
	return fmt.Sprintf(`shape=hexagon, tooltip="%s"`, n.s.Info().Pos)
}

// dotEdgeAttrs: an edge between global steps is an `after`.
func (n *globalNode) dotEdgeAttrs(to node) string {
	if _, ok := to.(*globalNode); ok {
		return `label="after", style=dashed`
	}
	return ""
}

// skipped: a global step is skipped over a machine that was not
// provisioned, or after a global step that did not succeed.
func (n *globalNode) skipped(s *skipReport) (key, what, why string) {
	var reasons, over []string
	for _, h := range globalHosts(n.s) {
		if s.notOK(doneID(h)) {
			over = append(over, h)
		}
	}
	if len(over) > 0 {
		reasons = append(reasons, "runs over "+strings.Join(over, ", "))
	}
	var after []string
	for _, dep := range globalAfter(n.s) {
		if st := n.p.e.Spec.Step(dep); st != nil && s.notOK(globalID(st.Info().Kind, dep)) {
			after = append(after, globalID(st.Info().Kind, dep))
		} else if st == nil && s.notOK(doneID(dep)) {
			after = append(after, dep)
		}
	}
	if len(after) > 0 {
		reasons = append(reasons, "after "+strings.Join(after, ", "))
	}
	return n.ID(), n.ID(), strings.Join(reasons, "; ")
}

// preflight: the programs the step runs are installed.
func (n *globalNode) preflight() error {
	if a, ok := n.s.(*spec.Ansible); ok {
		if err := ansible.Check(a); err != nil {
			return fmt.Errorf("%s: ansible %q: %w", a.Pos, a.Name, err)
		}
	}
	return nil
}

func (n *globalNode) timingKind() (string, string) { return "global", n.s.Info().Kind }

func (n *globalNode) row() (string, string) { return n.s.Info().Name, n.s.Info().Name }

func (n *globalNode) showStart(w *walkProgress) {
	w.e.UI.Start(n.s.Info().Name)
	w.e.UI.Phase(n.s.Info().Name, stepSummary(n.s))
}

func (n *globalNode) finished(*walkProgress) (string, bool) { return "done", true }
