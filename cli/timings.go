package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/spf13/cobra"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/engine/timing"
)

// timingsFile is where the last up or provision left its timings.
const timingsFile = "timings.json"

// recordTimings keeps what the walk did and when in the state folder, for
// `envrun timings`.
func (a *app) recordTimings(s *session, rep *graph.Report, cmd *cobra.Command, elapsed time.Duration) {
	if !s.env.State.Exists() {
		return
	}
	run := engine.Timings(rep, commandLine(cmd), elapsed)
	if err := state.WriteJSON(s.env.State.Join(timingsFile), run); err != nil {
		a.ui.Warnf("", "cannot record the timings: %v", err)
	}
}

func (a *app) timingsCommand() *cobra.Command {
	var svg string
	cmd := &cobra.Command{
		Use:   "timings",
		Short: "Show where the time of the last up or provision went, as a table or a waterfall SVG",
		Long: `timings shows the last up or provision again: each machine, network and step
that ran, when it started and how long it took, with a machine's phases
(making the image, creating, booting, waiting for SSH). With --svg FILE it
writes a waterfall instead: one row per machine and step, phases coloured,
the critical path (what decided the run's length) marked, a time axis.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			path, err := a.findEnvfile()
			if err != nil {
				return err
			}
			dir := state.ForEnvfile(path)
			var run timing.Run
			if err := state.ReadJSON(dir.Join(timingsFile), &run); err != nil {
				return err
			}
			if run.Nodes == nil {
				return fmt.Errorf("no run recorded in %s yet: `envrun up` records one", dir.Path)
			}
			if svg == "" {
				fmt.Fprintf(a.stdout, "%s, %.1fs, at %s\n", run.Command, run.Elapsed.Seconds(), run.Start.Local().Format(time.DateTime))
				run.WriteTable(a.stdout, func(s string) string { return s })
				return nil
			}
			var b bytes.Buffer
			if err := run.WriteSVG(&b); err != nil {
				return err
			}
			return os.WriteFile(svg, b.Bytes(), 0o644)
		},
	}
	cmd.Flags().StringVar(&svg, "svg", "", "write a waterfall SVG to FILE")
	return cmd
}

// render pipes DOT through Graphviz's dot into format (svg, png).
func renderDOT(dot []byte, format string) ([]byte, error) {
	bin, err := exec.LookPath("dot")
	if err != nil {
		return nil, errors.New("--format " + format + " needs Graphviz's dot, which is not installed: " +
			"apt-get install graphviz (Debian, Ubuntu), dnf install graphviz (Fedora), brew install graphviz (macOS); " +
			"or print DOT (the default) and render it elsewhere")
	}
	var out, stderr bytes.Buffer
	c := exec.Command(bin, "-T"+format)
	c.Stdin, c.Stdout, c.Stderr = bytes.NewReader(dot), &out, &stderr
	if err := c.Run(); err != nil {
		return nil, fmt.Errorf("dot -T%s: %v: %s", format, err, bytes.TrimSpace(stderr.Bytes()))
	}
	return out.Bytes(), nil
}
