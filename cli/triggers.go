package cli

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/envrun/envrun/engine/proc"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
	"github.com/envrun/envrun/internal/shquote"
)

// runTriggers runs the Envfile's triggers of event (up, provision, halt,
// destroy) that run when ("before" or "after"), in the order declared, on
// this host in the Envfile's folder. Their output goes to stderr, each line
// after the trigger's name. A failing trigger stops the command unless it
// says on_error = "continue"; then it is a warning.
func (a *app) runTriggers(ctx context.Context, s *session, when, event string, machines []string) error {
	if len(machines) == 0 {
		machines = s.env.Spec.MachineNames()
	}
	for _, t := range s.env.Spec.TriggersFor(when, event) {
		err := a.runTrigger(ctx, s.env.Spec, t, when, event, machines)
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		if t.OnError == spec.OnErrorContinue {
			a.ui.Warnf("trigger "+t.Name, "%v; on_error = \"continue\": going on", err)
			continue
		}
		return fmt.Errorf("%s: trigger %q (%s %s): %w; nothing was done by %s (on_error = \"continue\" goes on after a failure)", t.Pos, t.Name, when, event, err, event)
	}
	return nil
}

func (a *app) runTrigger(ctx context.Context, ef *spec.Envfile, t *spec.Trigger, when, event string, machines []string) error {
	var c *proc.Cmd
	if t.Inline != "" {
		c = proc.Command(ctx, "/bin/sh", "-c", t.Inline)
	} else {
		c = proc.Command(ctx, t.Argv[0], t.Argv[1:]...)
	}
	c.Dir = ef.Dir
	c.Env = append(os.Environ(),
		"ENVRUN_TRIGGER="+t.Name,
		"ENVRUN_EVENT="+event,
		"ENVRUN_WHEN="+when,
		"ENVRUN_ENVFILE="+ef.Path,
		"ENVRUN_MACHINES="+strings.Join(machines, " "),
	)
	for _, k := range slices.Sorted(maps.Keys(t.Env)) {
		c.Env = append(c.Env, k+"="+t.Env[k])
	}
	scope := "trigger " + t.Name
	out := a.ui.Writer(scope, ui.Normal)
	defer out.Close()
	c.Stdout, c.Stderr = out, out
	run := t.Inline
	if run == "" {
		q := make([]string, len(t.Argv))
		for i, w := range t.Argv {
			q[i] = shquote.Quote(w)
		}
		run = strings.Join(q, " ")
	}
	a.ui.Infof(scope, "%s %s: %s", when, event, run)
	return c.Run()
}
