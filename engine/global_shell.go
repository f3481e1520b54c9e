package engine

import (
	"context"
	"fmt"

	"github.com/envrun/envrun/engine/provision"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
)

// runGlobalShell runs a global shell step (shell "NAME" { hosts = ... })
// on each of its machines in turn, in the order hosts names them; the
// first failure stops it.
func (e *Env) runGlobalShell(ctx context.Context, s *spec.Shell, runs []*machineRun) error {
	for _, r := range runs {
		inst, _ := r.state()
		if inst == nil {
			return fmt.Errorf("machine %q is not running", r.m.Name)
		}
		c, err := e.connect(ctx, r.m, inst)
		if err != nil {
			return fmt.Errorf("on %s: %w", r.m.Name, err)
		}
		e.UI.Infof(r.m.Name, "[%s] %s", s.Name, stepSummary(s))
		stdout := e.UI.Writer(r.m.Name, ui.Normal)
		stderr := e.UI.Writer(r.m.Name, ui.Normal)
		err = provision.Shell(ctx, s, r.m, c, provision.Output{
			Stdout: stdout, Stderr: stderr,
			Debugf: func(f string, a ...any) { e.UI.Debugf(r.m.Name, f, a...) },
			Warnf:  func(f string, a ...any) { e.UI.Warnf(r.m.Name, f, a...) },
		})
		stdout.Close()
		stderr.Close()
		if err != nil {
			return fmt.Errorf("on %s: %w", r.m.Name, err)
		}
	}
	return nil
}
