package panel

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/envrun/envrun/engine/ui"
)

func plainPaint(_, s string) string { return s }

func TestBoardRows(t *testing.T) {
	t0 := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	b := newBoard()
	for _, ev := range []ui.Event{
		{Kind: ui.RowAdd, Row: "network n", Text: "network n"},
		{Kind: ui.RowAdd, Row: "web", Text: "web"},
		{Kind: ui.RowAdd, Row: "db", Text: "db"},
		{Kind: ui.RowAdd, Row: "site", Text: "site"},
		{Kind: ui.RowStart, Row: "network n", At: t0},
		{Kind: ui.RowPhase, Row: "network n", Text: "creating", At: t0},
		{Kind: ui.RowDone, Row: "network n", Status: ui.RowOK, Text: "ready", At: t0.Add(300 * time.Millisecond)},
		{Kind: ui.RowStart, Row: "web", At: t0},
		{Kind: ui.RowPhase, Row: "web", Text: "step 2/3 app", At: t0.Add(time.Second)},
		{Kind: ui.RowStart, Row: "db", At: t0},
		{Kind: ui.RowPhase, Row: "db", Text: "box image", At: t0},
		{Kind: ui.RowProgress, Row: "db", Done: 50 << 20, Total: 200 << 20, At: t0},
	} {
		b.apply(ev)
	}
	b.line("web", "TASK [install nginx] *****")
	got := b.render(80, t0.Add(12300*time.Millisecond), 0, false, false, plainPaint)
	want := []string{
		"✓ network n  ready", "0.3s",
		"⠋ web        step 2/3 app · install nginx", "12.3s",
		"⠋ db         box image 25% (50.0 MiB of 200.0 MiB)", "12.3s",
		"· site       waiting",
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("no %q in\n%s", w, got)
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if ansi.StringWidth(l) > 79 {
			t.Errorf("line wider than the terminal less one: %q", l)
		}
	}
	// A failure freezes the row with its first end.
	b.apply(ui.Event{Kind: ui.RowDone, Row: "web", Status: ui.RowFailed, Err: "exit status 3", At: t0.Add(20 * time.Second)})
	b.apply(ui.Event{Kind: ui.RowDone, Row: "web", Status: ui.RowSkipped, At: t0.Add(21 * time.Second)})
	got = b.render(80, t0.Add(time.Hour), 3, true, false, plainPaint)
	if !strings.Contains(got, "✗ web        step 2/3 app: failed: exit status 3") || !strings.Contains(got, "20.0s") {
		t.Errorf("the failed row:\n%s", got)
	}
	if !strings.Contains(got, "– db") {
		t.Errorf("a row still running in the last frame is not marked:\n%s", got)
	}
	fails := b.failures("/x/.envrun/last.log", plainPaint)
	if !strings.Contains(fails, "✗ web failed; its last 1 line(s) of output:\n  │ TASK [install nginx] *****\nthe whole log: /x/.envrun/last.log\n") {
		t.Errorf("failures:\n%s", fails)
	}
}

// Narrow terminals: every line fits, down to a width where only the
// icon, a cut name and the time are left.
func TestBoardNarrow(t *testing.T) {
	t0 := time.Now()
	b := newBoard()
	b.apply(ui.Event{Kind: ui.RowAdd, Row: "a-machine-with-a-long-name", Text: "a-machine-with-a-long-name"})
	b.apply(ui.Event{Kind: ui.RowPhase, Row: "a-machine-with-a-long-name", Text: "waiting for SSH", At: t0})
	for width := 100; width >= 6; width-- {
		for _, l := range strings.Split(b.render(width, t0.Add(5*time.Second), 1, false, false, plainPaint), "\n") {
			if w := ansi.StringWidth(l); w >= width {
				t.Fatalf("width %d: a line of %d columns: %q", width, w, l)
			}
		}
	}
	if got := b.render(30, t0.Add(5*time.Second), 1, false, false, plainPaint); !strings.Contains(got, "…") || !strings.Contains(got, "5.0s") {
		t.Errorf("at 30 columns: %q", got)
	}
}

func TestAnsibleTask(t *testing.T) {
	for line, want := range map[string]string{
		"TASK [Gathering Facts] *********": "Gathering Facts",
		"TASK [web : install [x]] ***":     "web : install [x]",
		"ok: [machine1]":                   "",
	} {
		got, ok := ansibleTask(line)
		if got != want || ok != (want != "") {
			t.Errorf("ansibleTask(%q) = %q, %v", line, got, ok)
		}
	}
}
