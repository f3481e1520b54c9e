package ui

import (
	"io"
	"strings"
	"time"
)

// Live is a live display of the work in flight (the terminal panel of
// --progress tty). The engine tells it what starts, in which phase, and
// how it ends through Event; a UI that has one gives it the lines it
// would print (progress, step output) instead of writing them, and the
// warnings and errors to print above it. Without a Live (plain, quiet)
// events cost one nil check and print nothing: plain output is the lines.
type Live interface {
	// Event reports a change of one row.
	Event(Event)
	// Line is one progress or output line of scope (a machine, a global
	// step, "" for the environment), already redacted; rendered is the
	// line as plain output prints it (with its prefix, in colour when the
	// UI's output is coloured).
	Line(scope, text, rendered string)
	// Print prints text (whole lines) above the display: warnings, errors.
	Print(text string)
}

// EventKind says what an Event reports.
type EventKind int

const (
	RowAdd      EventKind = iota // a row (network, machine, global step) is part of the work
	RowStart                     // its work starts
	RowPhase                     // it enters phase Text
	RowProgress                  // a long operation of known size is Done of Total
	RowDone                      // it ended with Status
)

// RowStatus is how a row ended.
type RowStatus int

const (
	RowOK RowStatus = iota
	RowFailed
	RowSkipped
	RowCanceled
)

// Event is one change of one row. Row is the scope its lines come with:
// a machine's name, a global step's name, or "network NAME".
type Event struct {
	Kind   EventKind
	Row    string
	Text   string // RowAdd: its label; RowPhase: the phase; RowDone: what it did
	Done   int64  // RowProgress
	Total  int64  // RowProgress
	Status RowStatus
	Err    string // RowDone with RowFailed: the error's first line
	At     time.Time
}

// SetLive sends events, lines and prints to l from now on (nil: back to
// writing lines).
func (u *UI) SetLive(l Live) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.live = l
}

// Live reports the UI's live display, or nil.
func (u *UI) Live() Live {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.live
}

// Event reports ev to the live display, if there is one.
func (u *UI) Event(ev Event) {
	u.mu.Lock()
	l := u.live
	u.mu.Unlock()
	if l == nil {
		return
	}
	if ev.At.IsZero() {
		ev.At = time.Now()
	}
	l.Event(ev)
}

// Add, Start, Phase, Progress and Done report the events of row.
func (u *UI) Add(row, label string)   { u.Event(Event{Kind: RowAdd, Row: row, Text: label}) }
func (u *UI) Start(row string)        { u.Event(Event{Kind: RowStart, Row: row}) }
func (u *UI) Phase(row, phase string) { u.Event(Event{Kind: RowPhase, Row: row, Text: phase}) }
func (u *UI) Progress(row string, done, total int64) {
	u.Event(Event{Kind: RowProgress, Row: row, Done: done, Total: total})
}

// Finish reports that row ended well, with what it did.
func (u *UI) Finish(row, what string) {
	u.Event(Event{Kind: RowDone, Row: row, Status: RowOK, Text: what})
}

// Done reports that row ended; err is its failure, if it failed.
func (u *UI) Done(row string, st RowStatus, err error) {
	ev := Event{Kind: RowDone, Row: row, Status: st}
	if err != nil {
		ev.Err, _, _ = strings.Cut(u.Redact(err.Error()), "\n")
	}
	u.Event(ev)
}

// NetworkRow is the row of network name.
func NetworkRow(name string) string { return "network " + name }

// ProgressReader reads r and reports on row how far it is of total
// bytes (a box upload, an image load); with no live display it is r.
func (u *UI) ProgressReader(row string, r io.Reader, total int64) io.Reader {
	if u.Live() == nil || total <= 0 {
		return r
	}
	return &progressReader{u: u, row: row, r: r, total: total}
}

type progressReader struct {
	u         *UI
	row       string
	r         io.Reader
	done      int64
	total     int64
	lastShown time.Time
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if now := time.Now(); now.Sub(p.lastShown) >= 100*time.Millisecond || p.done >= p.total {
		p.lastShown = now
		p.u.Progress(p.row, p.done, p.total)
	}
	return n, err
}
