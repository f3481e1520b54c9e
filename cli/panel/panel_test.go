package panel

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"

	"github.com/envrun/envrun/engine/ui"
)

// A panel on a real pty, fed from several goroutines at once (as the
// walk and the steps' output do): it hides the cursor while it draws,
// prints above itself, ends with the last frame and the cursor shown, and
// prints what came after Stop as plain.
func TestPanelOnPTY(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	pty.Setsize(ptmx, &pty.Winsize{Cols: 60, Rows: 20})
	var out bytes.Buffer
	read := make(chan struct{})
	go func() { io.Copy(&out, ptmx); close(read) }()
	p := New(Options{Out: tty, FPS: 50})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			row := fmt.Sprintf("m%d", i)
			p.Event(ui.Event{Kind: ui.RowAdd, Row: row, Text: row})
			p.Event(ui.Event{Kind: ui.RowPhase, Row: row, Text: "booting"})
			for j := range 20 {
				p.Line(row, fmt.Sprintf("out %d", j), row+" | out")
				time.Sleep(time.Millisecond)
			}
			p.Event(ui.Event{Kind: ui.RowDone, Row: row, Status: ui.RowOK, Text: "up"})
		}()
	}
	p.Print("warning: above the panel\n")
	wg.Wait()
	time.Sleep(50 * time.Millisecond)
	p.Stop()
	p.Print("after\n")
	tty.Close()
	<-read
	s := out.String()
	for _, want := range []string{ansi.HideCursor, "warning: above the panel", "✓ m3", ansi.ShowCursor + "after"} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q in the terminal's output", want)
		}
	}
	if strings.LastIndex(s, ansi.HideCursor) > strings.LastIndex(s, ansi.ShowCursor) {
		t.Errorf("the cursor is left hidden")
	}
}
