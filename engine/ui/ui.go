// Package ui writes envrun's progress to stderr: one line per event, each
// prefixed by the machine it concerns, in colour on a terminal only.
// Results (status, inventory, graph, ...) go to stdout, never through here.
package ui

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// Level is how much is printed.
type Level int

const (
	Quiet   Level = iota - 1 // errors and the final summary only
	Normal                   // progress and step output
	Verbose                  // also what envrun does underneath
)

// UI is safe for concurrent use.
type UI struct {
	out   io.Writer // stderr
	level Level
	color bool
	start time.Time

	mu      sync.Mutex
	width   int
	colors  map[string]string
	secrets *strings.Replacer // nil: nothing to hide
	live    Live              // nil: lines are written to out
}

// Mask replaces secret values in everything printed.
const Mask = "******"

// SetSecrets makes every later line hide these values (secret_env values,
// passwords), whoever prints them: a step's own output, an error message
// that quotes it. Values shorter than 3 characters are not hidden: masking
// them would garble the output and they hide nothing.
func (u *UI) SetSecrets(values []string) {
	var pairs []string
	for _, v := range values {
		if len(v) >= 3 {
			pairs = append(pairs, v, Mask)
		}
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	u.secrets = nil
	if len(pairs) > 0 {
		u.secrets = strings.NewReplacer(pairs...)
	}
}

// Redact hides secret values in s.
func (u *UI) Redact(s string) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.redact(s)
}

func (u *UI) redact(s string) string {
	if u.secrets == nil {
		return s
	}
	return u.secrets.Replace(s)
}

// New writes to w (normally stderr). Colour is used when w is a terminal
// and NO_COLOR is unset.
func New(w io.Writer, level Level) *UI {
	color := false
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) && os.Getenv("NO_COLOR") == "" {
		color = os.Getenv("TERM") != "dumb"
	}
	return &UI{out: w, level: level, color: color, start: time.Now(), colors: map[string]string{}}
}

// Discard is a UI that prints nothing, for tests.
func Discard() *UI { return New(io.Discard, Quiet) }

// Level returns the UI's level.
func (u *UI) Level() Level { return u.level }

// Color reports whether output is coloured.
func (u *UI) Color() bool { return u.color }

// SetScopes aligns the prefixes of the given scope names.
func (u *UI) SetScopes(names []string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, n := range names {
		u.width = max(u.width, len(n))
	}
}

var palette = []string{"36", "33", "32", "35", "34", "96", "93", "92", "95", "94"}

func (u *UI) prefix(scope string) string {
	if scope == "" {
		scope = "envrun"
	}
	pad := strings.Repeat(" ", max(0, u.width-len(scope)))
	if !u.color {
		return scope + pad + " | "
	}
	c, ok := u.colors[scope]
	if !ok {
		c = palette[len(u.colors)%len(palette)]
		u.colors[scope] = c
	}
	return "\x1b[" + c + "m" + scope + pad + " |\x1b[0m "
}

func (u *UI) line(scope, text string) { u.lineTo(scope, text, false) }

// lineTo prints text with scope's prefix; with a live display, loud lines
// (warnings, errors) are printed above it and the others go to it.
func (u *UI) lineTo(scope, text string, loud bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	text = u.redact(text)
	if u.live != nil {
		u.toLive(scope, text, loud)
		return
	}
	p := u.prefix(scope)
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		b.WriteString(p)
		b.WriteString(l)
		b.WriteByte('\n')
	}
	io.WriteString(u.out, b.String())
}

func (u *UI) toLive(scope, text string, loud bool) {
	p := u.prefix(scope)
	var loudText strings.Builder
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		u.live.Line(scope, l, p+l)
		if loud {
			loudText.WriteString(u.prefix(scope) + l + "\n")
		}
	}
	if loud {
		u.live.Print(loudText.String())
	}
}

// StripSGR removes colour codes from s.
func StripSGR(s string) string {
	if !strings.Contains(s, "\x1b[") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], 'm')
		if j < 0 {
			s = s[i:]
			break
		}
		s = s[i+j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// Infof prints a progress line for scope (a machine or step name; "" for
// the environment as a whole).
func (u *UI) Infof(scope, format string, args ...any) {
	if u.level >= Normal {
		u.line(scope, fmt.Sprintf(format, args...))
	}
}

// Debugf prints a line at -v only.
func (u *UI) Debugf(scope, format string, args ...any) {
	if u.level >= Verbose {
		u.line(scope, u.paint("2", fmt.Sprintf("%6.3fs ", time.Since(u.start).Seconds())+fmt.Sprintf(format, args...)))
	}
}

// Warnf prints a warning, even when quiet.
func (u *UI) Warnf(scope, format string, args ...any) {
	u.lineTo(scope, u.paint("33", "warning: ")+fmt.Sprintf(format, args...), true)
}

// Errorf prints an error line, even when quiet.
func (u *UI) Errorf(scope, format string, args ...any) {
	u.lineTo(scope, u.paint("31", fmt.Sprintf(format, args...)), true)
}

// Printf prints text as is (no prefix), even when quiet: summaries.
func (u *UI) Printf(format string, args ...any) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.live != nil {
		u.live.Print(u.redact(fmt.Sprintf(format, args...)))
		return
	}
	io.WriteString(u.out, u.redact(fmt.Sprintf(format, args...)))
}

// Paint colours s with an SGR code when colour is on.
func (u *UI) paint(code, s string) string {
	if !u.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// Red, Green, Yellow and Dim colour s when colour is on.
func (u *UI) Red(s string) string    { return u.paint("31", s) }
func (u *UI) Green(s string) string  { return u.paint("32", s) }
func (u *UI) Yellow(s string) string { return u.paint("33", s) }
func (u *UI) Dim(s string) string    { return u.paint("2", s) }

// Writer returns a writer whose lines are printed with scope's prefix at
// level l or above (command output). Close flushes a last partial line.
func (u *UI) Writer(scope string, l Level) io.WriteCloser {
	if u.level < l {
		return nopCloser{io.Discard}
	}
	return &lineWriter{u: u, scope: scope}
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

type lineWriter struct {
	u     *UI
	scope string
	mu    sync.Mutex
	buf   []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.u.line(w.scope, strings.TrimRight(string(w.buf[:i]), "\r"))
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) > 64<<10 { // a very long line without newline
		w.u.line(w.scope, string(w.buf))
		w.buf = w.buf[:0]
	}
	return len(p), nil
}

func (w *lineWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.u.line(w.scope, string(w.buf))
		w.buf = nil
	}
	return nil
}
