// Package panel is envrun's live display on a terminal (--progress tty):
// one line per network, machine and global step with a spinner, the phase
// it is in and its elapsed time; a finished line freezes with ✓ or ✗ and
// its time. It is a ui.Live: the engine's events drive it, and the lines
// plain output would print go to a log file and to a tail per row, shown
// under the panel when that row fails.
//
// The terminal work (drawing in place, resizes, the cursor) is done by
// bubbletea: its renderer redraws only the lines that changed, at a
// bounded frame rate, truncates to the terminal's width, hears SIGWINCH,
// and restores the cursor when it stops. The panel gives it no input
// (stdin stays the user's, Ctrl-C stays a signal envrun handles) and no
// signal handling of its own.
package panel

import (
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"golang.org/x/term"

	"github.com/envrun/envrun/engine/ui"
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
	// FPS bounds how often the panel is redrawn (default 10).
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
	prog    *tea.Program
	running chan struct{} // closed when the program has ended
	stopped bool
	log     io.WriteCloser
	logPath string
	pending []string // log lines before the log file is known
}

// New returns a panel that starts drawing at its first event.
func New(opts Options) *Panel {
	if opts.FPS <= 0 {
		opts.FPS = 10
	}
	return &Panel{opts: opts, state: newBoard()}
}

// SetLog makes the panel write every line, as plain output prints it, to
// path (and the lines it has had so far). The file is opened without
// following a symbolic link.
func (p *Panel) SetLog(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW, 0o600)
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
	if p.prog == nil {
		p.start()
	}
}

// start runs the program; p.mu is held.
func (p *Panel) start() {
	m := &model{p: p, width: 80}
	if w, _, err := term.GetSize(int(p.opts.Out.Fd())); err == nil && w > 0 {
		m.width = w
	}
	p.prog = tea.NewProgram(m,
		tea.WithOutput(p.opts.Out),
		tea.WithInput(nil),
		tea.WithoutSignalHandler(),
		tea.WithoutBracketedPaste(),
		tea.WithoutCatchPanics(),
		tea.WithFPS(p.opts.FPS),
	)
	p.running = make(chan struct{})
	go func(prog *tea.Program, done chan struct{}) {
		defer close(done)
		prog.Run()
	}(p.prog, p.running)
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
	switch {
	case p.prog == nil || p.stopped:
		// Nothing drawn: lines print as plain output would.
		io.WriteString(p.opts.Out, rendered+"\n")
	case p.opts.Echo:
		p.prog.Println("\r" + rendered)
	}
	p.state.line(scope, ui.StripSGR(text))
}

// Print implements ui.Live.
func (p *Panel) Print(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.prog == nil || p.stopped {
		io.WriteString(p.opts.Out, text)
		return
	}
	// From the line's start: the terminal's echo of ^C may have moved
	// the cursor.
	p.prog.Println("\r" + strings.TrimRight(text, "\n"))
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
	prog, running := p.prog, p.running
	p.mu.Unlock()
	if prog != nil {
		prog.Send(finalMsg{})
		<-running
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if prog != nil {
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

// view draws the panel at width, at now, with spinner frame f.
func (p *Panel) view(width int, now time.Time, f int, final bool) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state.render(width, now, f, final, p.opts.Clock, p.paint)
}

type tickMsg struct{}
type finalMsg struct{}

// model is the bubbletea side: it redraws on ticks and resizes; the
// board (under the panel's lock) holds what it shows.
type model struct {
	p     *Panel
	width int
	frame int
	final bool
}

func tick() tea.Cmd {
	return tea.Tick(100*time.Millisecond, func(time.Time) tea.Msg { return tickMsg{} })
}

func (m *model) Init() tea.Cmd { return tick() }

func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		m.frame++
		return m, tick()
	case tea.WindowSizeMsg:
		m.width = msg.Width
	case finalMsg:
		m.final = true
		return m, tea.Quit
	}
	return m, nil
}

func (m *model) View() string {
	// From the line's start: the terminal's echo of ^C may have moved
	// the cursor.
	v := "\r" + m.p.view(m.width, time.Now(), m.frame, m.final)
	if m.final {
		// bubbletea erases the line the cursor is on when it stops: let
		// that be an empty one below the last frame.
		v += "\n"
	}
	return v
}
