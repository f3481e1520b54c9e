// Package panel is envrun's live display on a terminal (--progress tty):
// one line per network, machine and global step with a spinner, the phase
// it is in and its elapsed time; a finished line freezes with ✓ or ✗ and
// its time. It is a ui.Live: the engine's events drive it, and the lines
// plain output would print go to a log file and to a tail per row, shown
// under the panel when that row fails.
//
// Drawing in place is done here, with the low layer of Charm's terminal
// libraries (github.com/charmbracelet/x/ansi: display widths, cutting
// lines to the width, the control sequences) and golang.org/x/term for
// the size: each frame moves the cursor back to the panel's first line
// and rewrites it, at most FPS times a second; SIGWINCH redraws at the new
// width. Bubbletea was the first choice and was dropped: its package init
// queries the terminal on stdout (OSC 11, a cursor report) in every
// process that links it, writing escape sequences into plain output and
// waiting up to 5 s where no terminal answers. The panel reads no input
// (stdin stays the user's, Ctrl-C stays a signal envrun handles).
package panel

import (
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
	"golang.org/x/term"

	"github.com/envrun/envrun/engine/ui"
	"github.com/envrun/envrun/internal/safefile"
)

// Options shape a panel.
type Options struct {
	Out   *os.File // the terminal (stderr)
	Color bool
	// Echo prints every line above the panel as plain output would
	// (watch: the steps' output stays visible), besides keeping tails.
	Echo bool
	// Clock shows when each finished row ended (watch: "at 15:04:05").
	Clock bool
	// FPS is how often the panel is redrawn (default 5).
	FPS int
}

// tailLines is how many lines of each row's output are kept to show
// under the panel when the row fails.
const tailLines = 12

// Panel is safe for concurrent use.
type Panel struct {
	opts Options

	mu      sync.Mutex
	state   *board
	drawing bool          // the panel is on the screen
	quit    chan struct{} // closed by Stop: the drawing loop ends
	ended   chan struct{} // closed when it has
	stopped bool
	width   int
	frame   int
	drawn   []int    // the display width of each line drawn last
	queue   []string // lines to print above the panel at the next draw
	log     io.WriteCloser
	logPath string
	pending []string // log lines before the log file is known
}

// New returns a panel that starts drawing at its first event.
func New(opts Options) *Panel {
	if opts.FPS <= 0 {
		opts.FPS = 5
	}
	return &Panel{opts: opts, state: newBoard()}
}

// SetLog makes the panel write every line, as plain output prints it, to
// path (and the lines it has had so far). The file is opened without
// following a symbolic link.
func (p *Panel) SetLog(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|safefile.NoFollow, 0o600)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.log != nil {
		p.log.Close()
	}
	p.log, p.logPath = f, path
	for _, l := range p.pending {
		io.WriteString(f, l)
	}
	p.pending = nil
	return nil
}

// LogPath is where the whole log is ("" when it is not written).
func (p *Panel) LogPath() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logPath
}

// Event implements ui.Live.
func (p *Panel) Event(ev ui.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return
	}
	p.state.apply(ev)
	if !p.drawing {
		p.start()
	}
}

// start draws the first frame and starts the loop that redraws; p.mu is
// held.
func (p *Panel) start() {
	p.drawing = true
	p.width = p.termWidth()
	p.quit, p.ended = make(chan struct{}), make(chan struct{})
	io.WriteString(p.opts.Out, ansi.HideCursor)
	p.drawLocked(false)
	go p.loop()
}

func (p *Panel) termWidth() int {
	if w, _, err := term.GetSize(int(p.opts.Out.Fd())); err == nil && w > 0 {
		return w
	}
	return 80
}

// loop redraws FPS times a second, and at once on a resize.
func (p *Panel) loop() {
	defer close(p.ended)
	winch := make(chan os.Signal, 1)
	notifyResize(winch)
	defer signal.Stop(winch)
	t := time.NewTicker(time.Second / time.Duration(p.opts.FPS))
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			return
		case <-t.C:
			p.mu.Lock()
			p.frame++
			p.drawLocked(false)
			p.mu.Unlock()
		case <-winch:
			p.mu.Lock()
			p.width = p.termWidth()
			p.drawLocked(false)
			p.mu.Unlock()
		}
	}
}

// drawLocked rewrites the panel in place, with the queued lines printed
// above it: one write, so a frame is never seen half-drawn.
func (p *Panel) drawLocked(final bool) {
	var b strings.Builder
	// Back to the panel's first line. A line drawn at a larger width
	// may take several rows now.
	b.WriteByte('\r') // the terminal's echo of ^C may have moved the cursor
	up := 0
	for i, w := range p.drawn {
		rows := 1
		if w > p.width && p.width > 0 {
			rows = (w + p.width - 1) / p.width
		}
		if i < len(p.drawn)-1 {
			up += rows
		} else {
			up += rows - 1
		}
	}
	if up > 0 {
		b.WriteString(ansi.CursorUp(up))
	}
	for _, l := range p.queue {
		b.WriteString(l + ansi.EraseLineRight + "\r\n")
	}
	p.queue = p.queue[:0]
	lines := strings.Split(p.state.render(p.width, time.Now(), p.frame, final, p.opts.Clock, p.paint), "\n")
	p.drawn = p.drawn[:0]
	for i, l := range lines {
		b.WriteString(l + ansi.EraseLineRight)
		if i < len(lines)-1 {
			b.WriteString("\r\n")
		}
		p.drawn = append(p.drawn, ansi.StringWidth(l))
	}
	b.WriteString(ansi.EraseScreenBelow)
	if final {
		b.WriteString("\r\n" + ansi.ShowCursor)
	} else {
		// Rest at the start of the last line: the terminal's echo of ^C
		// then overwrites its first columns (redrawn next frame) instead
		// of wrapping a full-width line onto a new row, which would leave
		// the cursor a row below where the next frame counts from.
		b.WriteByte('\r')
	}
	io.WriteString(p.opts.Out, b.String())
}

// Line implements ui.Live.
func (p *Panel) Line(scope, text, rendered string) {
	plain := ui.StripSGR(rendered) + "\n"
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.log != nil {
		io.WriteString(p.log, plain)
	} else if len(p.pending) < 10000 {
		p.pending = append(p.pending, plain)
	}
	p.state.line(scope, ui.StripSGR(text))
	switch {
	case !p.drawing:
		// Nothing drawn: lines print as plain output would.
		io.WriteString(p.opts.Out, rendered+"\n")
	case p.opts.Echo:
		p.queue = append(p.queue, rendered)
	}
}

// Print implements ui.Live.
func (p *Panel) Print(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.drawing {
		io.WriteString(p.opts.Out, text)
		return
	}
	p.queue = append(p.queue, strings.Split(strings.TrimRight(text, "\n"), "\n")...)
	p.drawLocked(false)
}

// Stop draws the last frame (it stays on the screen), shows the cursor,
// and prints under it the last output lines of each failed row and where
// the whole log is. Lines and prints after Stop go straight to the
// terminal. Stop may be called more than once.
func (p *Panel) Stop() {
	p.mu.Lock()
	if p.stopped {
		p.mu.Unlock()
		return
	}
	p.stopped = true
	drawing := p.drawing
	p.mu.Unlock()
	if drawing {
		close(p.quit)
		<-p.ended
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if drawing {
		p.drawLocked(true)
		p.drawing = false
		io.WriteString(p.opts.Out, p.state.failures(p.logPath, p.paint))
	}
	if p.log != nil {
		p.log.Close()
		p.log = nil
	}
}

// Abort is for an exit that cannot wait (a second Ctrl-C): it ends the
// line and shows the cursor, without drawing.
func (p *Panel) Abort() {
	io.WriteString(p.opts.Out, "\r\n"+ansi.ShowCursor)
}

func (p *Panel) paint(code, s string) string {
	if !p.opts.Color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
