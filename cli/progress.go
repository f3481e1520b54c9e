package cli

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/envrun/envrun/cli/panel"
	"github.com/envrun/envrun/engine/ui"
)

// Progress modes of --progress.
const (
	progressAuto  = "auto"
	progressTTY   = "tty"
	progressPlain = "plain"
	progressQuiet = "quiet"
)

// progressMode resolves --progress: auto is tty when stderr is a terminal
// that can take it (not TERM=dumb, not under CI), else plain. NO_COLOR
// turns colour off, not the panel.
func progressMode(flag string, stderr any, getenv func(string) string) (string, error) {
	switch flag {
	case progressTTY, progressPlain, progressQuiet:
		return flag, nil
	case progressAuto, "":
	default:
		return "", flagError{fmt.Errorf("--progress %q: want auto, tty, plain or quiet", flag)}
	}
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || getenv("TERM") == "dumb" || isCI(getenv("CI")) {
		return progressPlain, nil
	}
	return progressTTY, nil
}

// isCI reads $CI as CI services set it ("true", "1", a name).
func isCI(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	return v != "" && v != "false" && v != "0" && v != "no"
}

// livePanel is the panel on screen, for the signal handler: a second
// Ctrl-C exits at once and must still show the cursor.
var livePanel atomic.Pointer[panel.Panel]

// startProgress sets the UI up for the chosen mode. A panel draws from
// the first event on (the first machine, network or step that a command
// works on), so commands that print results or ask questions first are
// untouched, and any command that does long work through the engine gets
// the panel without doing anything.
func (a *app) startProgress(cmd *cobra.Command) error {
	mode, err := progressMode(a.progress, a.stderr, os.Getenv)
	if err != nil {
		return err
	}
	if mode != progressTTY {
		return nil
	}
	f, ok := a.stderr.(*os.File)
	if !ok {
		return flagError{fmt.Errorf("--progress tty: stderr is not a terminal")}
	}
	p := panel.New(panel.Options{Out: f, Color: a.ui.Color(), Echo: cmd.Name() == "watch", Clock: cmd.Name() == "watch"})
	a.panel = p
	a.ui.SetLive(p)
	livePanel.Store(p)
	return nil
}

// stopProgress ends the panel, if any: its last frame stays on the
// screen with the failures under it, and what follows prints as plain.
func (a *app) stopProgress() {
	if a.panel == nil {
		return
	}
	a.panel.Stop()
	a.ui.SetLive(nil)
	livePanel.CompareAndSwap(a.panel, nil)
	a.panel = nil
}

// logProgress writes the panel's log beside the state, where the failures
// under the panel say it is.
func (a *app) logProgress(s *session) {
	if a.panel == nil || s.env.State.Ensure() != nil {
		return
	}
	if err := a.panel.SetLog(s.env.State.Join("last.log")); err != nil {
		a.ui.Warnf("", "cannot write the log: %v", err)
	}
}

// quietLevel lowers the UI's level for --progress quiet.
func quietLevel(mode string, l ui.Level) ui.Level {
	if mode == progressQuiet {
		return ui.Quiet
	}
	return l
}
