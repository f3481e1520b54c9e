package cli_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/provider/docker"
)

// watchProc is a running `envrun watch` (the built binary, so Ctrl-C is a
// real SIGINT) whose stderr lines are kept with the time each was read,
// for tests that wait for a line after a given point.
type watchProc struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
	exited chan struct{}
	err    error // once exited

	mu    sync.Mutex
	lines []string
	times []time.Time
	more  chan struct{} // closed when a line comes
}

// startWatch starts `envrun watch ARGS...` in the world's folder.
func startWatch(t testing.TB, w *world, args ...string) *watchProc {
	t.Helper()
	p := &watchProc{exited: make(chan struct{}), more: make(chan struct{})}
	p.cmd = exec.Command(w.bin, append([]string{"watch"}, args...)...)
	p.cmd.Dir = w.dir
	prov := w.prov
	if prov == "" {
		prov = "docker"
	}
	p.cmd.Env = append(os.Environ(), "NO_COLOR=1", "ENVRUN_PROVIDER="+prov)
	p.cmd.Stdout = &p.stdout
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.times = append(p.times, time.Now())
			close(p.more)
			p.more = make(chan struct{})
			p.mu.Unlock()
		}
		io.Copy(io.Discard, stderr)
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("envrun watch printed:\n%s", p.text(0))
		}
	})
	return p
}

// mark is the number of lines read so far: waits and checks after it
// look at later lines only.
func (p *watchProc) mark() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.lines)
}

// waitLine waits for a line at or after index from that contains sub, and
// returns its index.
func (p *watchProc) waitLine(t testing.TB, from int, sub string, timeout time.Duration) int {
	t.Helper()
	deadline := time.After(timeout)
	for {
		p.mu.Lock()
		for i := from; i < len(p.lines); i++ {
			if strings.Contains(p.lines[i], sub) {
				p.mu.Unlock()
				return i
			}
		}
		from = max(from, len(p.lines))
		more := p.more
		p.mu.Unlock()
		select {
		case <-more:
		case <-p.exited:
			t.Fatalf("envrun watch exited (%v) before printing %q", p.err, sub)
		case <-deadline:
			t.Fatalf("envrun watch did not print %q within %s", sub, timeout)
		}
	}
}

// linesFrom returns the lines read from index from on.
func (p *watchProc) linesFrom(from int) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.lines[from:]...)
}

// lineTime is when line i was read.
func (p *watchProc) lineTime(i int) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.times[i]
}

func (p *watchProc) text(from int) string { return strings.Join(p.linesFrom(from), "\n") }

// interrupt sends SIGINT, as Ctrl-C does, and returns the exit status and
// how long the process took to exit.
func (p *watchProc) interrupt(t testing.TB, timeout time.Duration) (int, time.Duration) {
	t.Helper()
	t0 := time.Now()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(timeout):
		t.Fatalf("envrun watch did not exit within %s of SIGINT", timeout)
	}
	took := time.Since(t0)
	var exit *exec.ExitError
	switch {
	case p.err == nil:
		return 0, took
	case errors.As(p.err, &exit):
		return exit.ExitCode(), took
	}
	t.Fatal(p.err)
	return -1, took
}

// instances maps each machine of the world to its container's state and
// ID: equal maps mean no machine was made, removed, stopped or replaced.
func instances(w *world) map[string]string {
	out := map[string]string{}
	for _, c := range w.containers() {
		out[c.Labels[docker.LabelMachine]] = c.State + " " + c.ID
	}
	return out
}

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
