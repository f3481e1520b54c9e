package panel

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/ui"
)

// BenchmarkFrame is one redraw of a panel of ten rows (two networks,
// six machines at work, two global steps), written to /dev/null: what
// the panel costs ten times a second.
func BenchmarkFrame(b *testing.B) {
	out, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	p := New(Options{Out: out, Color: true})
	p.drawing, p.width = true, 100
	t0 := time.Now()
	for i := range 10 {
		row := fmt.Sprintf("machine%d", i)
		p.state.apply(ui.Event{Kind: ui.RowAdd, Row: row, Text: row, At: t0})
		p.state.apply(ui.Event{Kind: ui.RowPhase, Row: row, Text: "step 2/3 install-packages", At: t0})
		p.state.line(row, "TASK [web : install nginx and its modules] ****")
	}
	for b.Loop() {
		p.mu.Lock()
		p.frame++
		p.drawLocked(false)
		p.mu.Unlock()
	}
}
