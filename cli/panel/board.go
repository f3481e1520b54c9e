package panel

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/envrun/envrun/engine/ui"
)

// board is what the panel shows: its rows, in the order they were added.
// It is plain data, drawn by render; the panel's lock guards it.
type board struct {
	rows  []*row
	byKey map[string]*row
	tails map[string][]string // scope → its last lines, rows or not
}

type rowState int

const (
	pending rowState = iota
	running
	finished
)

type row struct {
	key, label string
	state      rowState
	status     ui.RowStatus
	phase      string // what it does now (or did last)
	task       string // the Ansible task running now
	err        string
	start, end time.Time
	done       int64 // a long operation's progress
	total      int64
}

func newBoard() *board {
	return &board{byKey: map[string]*row{}, tails: map[string][]string{}}
}

func (b *board) apply(ev ui.Event) {
	r := b.byKey[ev.Row]
	if r == nil {
		r = &row{key: ev.Row, label: ev.Row}
		b.byKey[ev.Row] = r
		b.rows = append(b.rows, r)
	}
	switch ev.Kind {
	case ui.RowAdd:
		if ev.Text != "" {
			r.label = ev.Text
		}
		if r.state == finished {
			// A row added again (watch's next run) waits anew, showing
			// how its last run ended until it starts.
			r.state = pending
		}
	case ui.RowStart:
		*r = row{key: r.key, label: r.label, state: running, start: ev.At}
		b.tails[r.key] = nil
	case ui.RowPhase:
		if r.state != running {
			r.state, r.start = running, ev.At
		}
		r.phase, r.task, r.done, r.total = ev.Text, "", 0, 0
	case ui.RowProgress:
		r.done, r.total = ev.Done, ev.Total
	case ui.RowDone:
		if r.state == finished {
			return // the first end (a failure) stands
		}
		if r.start.IsZero() {
			r.start = ev.At
		}
		r.state, r.status, r.end, r.err = finished, ev.Status, ev.At, ev.Err
		if ev.Text != "" {
			r.phase = ev.Text
		}
		r.task, r.done, r.total = "", 0, 0
	}
}

// line keeps text as the last line of scope's output, and notes the
// Ansible task it names.
func (b *board) line(scope, text string) {
	t := append(b.tails[scope], text)
	if len(t) > tailLines {
		t = t[len(t)-tailLines:]
	}
	b.tails[scope] = t
	if r := b.byKey[scope]; r != nil && r.state == running {
		if task, ok := ansibleTask(text); ok {
			r.task = task
		}
	}
}

// ansibleTask recognises ansible-playbook's "TASK [name] ****" line.
func ansibleTask(line string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "TASK [")
	if !ok {
		return "", false
	}
	name, _, ok := strings.Cut(rest, "] ")
	if !ok {
		name = strings.TrimSuffix(rest, "]")
	}
	return name, true
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// render draws one line per row, each at most width columns wide.
// A final frame draws spinners of rows still running as interrupted.
func (b *board) render(width int, now time.Time, frame int, final, clock bool, paint func(code, s string) string) string {
	if width <= 0 {
		width = 80
	}
	width-- // never the last column: some terminals wrap there
	labelW := 0
	for _, r := range b.rows {
		labelW = max(labelW, ansi.StringWidth(r.label))
	}
	labelW = min(labelW, max(8, width/3))
	var out strings.Builder
	for i, r := range b.rows {
		if i > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(b.renderRow(r, width, labelW, now, frame, final, clock, paint))
	}
	return out.String()
}

func (b *board) renderRow(r *row, width, labelW int, now time.Time, frame int, final, clock bool, paint func(code, s string) string) string {
	var icon, what, took string
	switch r.state {
	case pending:
		icon, what = paint("2", "·"), paint("2", "waiting")
	case running:
		icon = paint("36", spinner[frame%len(spinner)])
		if final {
			icon = paint("33", "–")
		}
		what = r.phase
		if r.task != "" {
			what += " · " + r.task
		}
		if r.total > 0 {
			what += fmt.Sprintf(" %d%% (%s of %s)", r.done*100/r.total, size(r.done), size(r.total))
		}
		took = seconds(now.Sub(r.start))
	case finished:
		took = seconds(r.end.Sub(r.start))
		switch r.status {
		case ui.RowOK:
			icon, what = paint("32", "✓"), r.phase
		case ui.RowFailed:
			icon, what = paint("31", "✗"), paint("31", "failed: "+r.err)
			if r.phase != "" {
				what = r.phase + ": " + what
			}
		case ui.RowSkipped:
			icon, what, took = paint("33", "–"), paint("2", "skipped"), ""
		case ui.RowCanceled:
			icon, what = paint("33", "–"), paint("33", "interrupted")
		}
		if clock {
			took += paint("2", " at "+r.end.Format("15:04:05"))
		}
	}
	label := ansi.Truncate(r.label, labelW, "…")
	label += strings.Repeat(" ", labelW-ansi.StringWidth(label))
	// icon, space, label, two spaces, what, space, took
	room := width - 2 - labelW - 2 - 1 - ansi.StringWidth(took)
	if room < 4 {
		return ansi.Truncate(icon+" "+label+" "+took, width, "")
	}
	what = ansi.Truncate(what, room, "…")
	pad := room - ansi.StringWidth(what)
	return icon + " " + label + "  " + what + strings.Repeat(" ", pad) + " " + took
}

// failures is what is printed under the last frame: each failed row's
// last output lines, and where the whole log is.
func (b *board) failures(logPath string, paint func(code, s string) string) string {
	var out strings.Builder
	for _, r := range b.rows {
		if r.state != finished || r.status != ui.RowFailed {
			continue
		}
		tail := b.tails[r.key]
		if len(tail) == 0 {
			continue
		}
		fmt.Fprintf(&out, "\n%s %s failed; its last %d line(s) of output:\n", paint("31", "✗"), r.label, len(tail))
		for _, l := range tail {
			fmt.Fprintf(&out, "  %s %s\n", paint("2", "│"), l)
		}
	}
	if out.Len() > 0 && logPath != "" {
		fmt.Fprintf(&out, "the whole log: %s\n", logPath)
	}
	return out.String()
}

func seconds(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d >= 100*time.Second {
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
