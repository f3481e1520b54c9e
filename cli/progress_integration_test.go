package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The live panel (--progress auto on a terminal) tested on a real
// terminal: tmux runs envrun in a pseudo-terminal of its own and
// capture-pane shows the screen as a user sees it. The environments are
// the two-host example on Docker (subnet 172.27.x, this suite's) and a
// one-machine one whose step fails.

// tmuxTerm is one tmux server (its own socket) with one window running a
// shell command.
type tmuxTerm struct {
	t      *testing.T
	socket string
}

// newTmux starts cmd in a 100x30 terminal, in dir, with CI unset (the
// panel is auto's choice on a terminal). It needs tmux: on CI a missing
// tmux fails the test.
func newTmux(t *testing.T, dir, cmd string) *tmuxTerm {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed (apt-get install tmux)")
		}
		t.Skip("tmux is not installed")
	}
	// A socket of its own, in a folder the test removes.
	tm := &tmuxTerm{t: t, socket: filepath.Join(t.TempDir(), "p-tmux")}
	t.Cleanup(func() { exec.Command("tmux", "-S", tm.socket, "kill-server").Run() })
	// The shell outlives a Ctrl-C meant for envrun (a trap with a
	// handler is reset to the default in envrun), then shows its status.
	script := fmt.Sprintf("trap true INT; cd %s && env -u CI TERM=xterm-256color %s; echo EXIT=$?; sleep 3600", shq(dir), cmd)
	tm.tmux("new-session", "-d", "-x", "100", "-y", "30", "sh", "-c", script)
	return tm
}

func shq(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func (tm *tmuxTerm) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// screen is what the terminal shows now.
func (tm *tmuxTerm) screen() string { return tm.tmux("capture-pane", "-p") }

// cursorVisible asks the terminal whether the cursor is shown.
func (tm *tmuxTerm) cursorVisible() bool {
	return strings.TrimSpace(tm.tmux("display-message", "-p", "#{cursor_flag}")) == "1"
}

// waitScreen polls the screen until ok accepts it.
func (tm *tmuxTerm) waitScreen(timeout time.Duration, what string, ok func(string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(timeout)
	var s string
	for time.Now().Before(deadline) {
		s = tm.screen()
		if ok(s) {
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	tm.t.Fatalf("no %s on the terminal within %s; it shows:\n%s", what, timeout, s)
	return ""
}

// exitOf is envrun's exit status once the screen shows it.
func (tm *tmuxTerm) exitOf(timeout time.Duration) (int, string) {
	tm.t.Helper()
	re := regexp.MustCompile(`EXIT=(\d+)`)
	s := tm.waitScreen(timeout, "exit status", re.MatchString)
	var code int
	fmt.Sscan(re.FindStringSubmatch(s)[1], &code)
	return code, s
}

// A machine line while it works: spinner, name, a phase, elapsed time.
var midRunLine = regexp.MustCompile(`(?m)^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] machine[12] +(checking|box image|creating|booting|waiting for SSH|installing keys|step \d/\d \S+)\s.*\d+\.\ds\s*$`)

// TestIntegrationProgressPanel brings the two-host example up on a
// terminal: a frame in the middle shows a machine at work (its phase and
// elapsed time); the terminal is then narrowed to 60 columns; the last
// frame fits them and has every line ✓ with its time, the
// cursor is shown again, and the run's timings are recorded for
// `envrun timings`.
func TestIntegrationProgressPanel(t *testing.T) {
	e := newEnv(t, "../examples/two-host", exampleWith(t,
		[2]string{"172.20.1.", "172.27.1."},
		[2]string{`echo ready > /tmp/ready`, `sleep 2; echo ready > /tmp/ready`}))
	tm := newTmux(t, e.dir, shq(envrunBinary(t))+" --provider docker up")
	mid := tm.waitScreen(2*time.Minute, "machine line with a phase and elapsed time", midRunLine.MatchString)
	t.Logf("a frame mid-run:\n%s", mid)
	// A narrower terminal: the panel redraws at its width.
	tm.tmux("resize-window", "-x", "60")
	code, final := tm.exitOf(5 * time.Minute)
	t.Logf("the last frame:\n%s", final)
	if code != 0 {
		t.Fatalf("up: exit %d", code)
	}
	for _, row := range []string{"network scznet", "machine1", "machine2", "site"} {
		re := regexp.MustCompile(`(?m)^✓ ` + regexp.QuoteMeta(row) + `\s.*\s(\d+\.\ds|\d+m\d\ds)\s*$`)
		if !re.MatchString(final) {
			t.Errorf("the last frame has no ✓ line with a time for %s", row)
		}
	}
	for _, l := range strings.Split(final, "\n") {
		if strings.HasPrefix(l, "✓") && utf8.RuneCountInString(l) > 60 {
			t.Errorf("a panel line wider than the 60 columns left: %q", l)
		}
	}
	if strings.ContainsAny(final, "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏") {
		t.Errorf("a spinner is left in the last frame")
	}
	if !strings.Contains(final, "envrun: ok: 2 machine(s) up") {
		t.Errorf("no summary under the panel")
	}
	if !tm.cursorVisible() {
		t.Errorf("the cursor is hidden after envrun exited")
	}
	// The log of what plain output would have printed.
	log, err := os.ReadFile(filepath.Join(e.dir, ".envrun", "last.log"))
	if err != nil || !strings.Contains(string(log), "PLAY RECAP") {
		t.Errorf(".envrun/last.log has not the playbook's output: %v\n%s", err, log)
	}
	// The timings of that run, again.
	code, out, stderr := e.run(t.Context(), "timings")
	if code != 0 || !strings.Contains(out, "machine:machine1") || !strings.Contains(out, "ansible:site") {
		t.Errorf("envrun timings: exit %d\n%s%s", code, out, stderr)
	}
}

// TestIntegrationProgressFailure shows a failing step on the panel: its
// line ✗, and under the panel its last lines of output and where the
// whole log is.
func TestIntegrationProgressFailure(t *testing.T) {
	e := newEnv(t, "", map[string]string{"Envfile.lua": `
box "debian/bookworm"
network "pnet" { subnet = "172.27.2.0/24" }
machine "p-fail" {
  networks = { pnet = "172.27.2.10" },
  provision = {
    shell { name = "breaks", inline = "for i in $(seq 1 20); do echo line-$i; done; echo cannot go on >&2; exit 3" },
  },
}
`})
	tm := newTmux(t, e.dir, shq(envrunBinary(t))+" --provider docker up")
	code, final := tm.exitOf(3 * time.Minute)
	t.Logf("the last frame:\n%s", final)
	if code != 1 {
		t.Errorf("up: exit %d, want 1", code)
	}
	if !regexp.MustCompile(`(?m)^✗ p-fail +step 1/1 breaks: failed: .*\d+\.\ds\s*$`).MatchString(final) {
		t.Errorf("no ✗ line with the step and a time for p-fail")
	}
	for _, want := range []string{"line-20", "cannot go on", "the whole log: " + filepath.Join(e.dir, ".envrun", "last.log")} {
		if !strings.Contains(final, want) {
			t.Errorf("the screen has not %q under the panel", want)
		}
	}
	if strings.Contains(final, "line-5\n") {
		t.Errorf("more than the last lines are shown")
	}
	if !tm.cursorVisible() {
		t.Errorf("the cursor is hidden after envrun exited")
	}
}

// TestIntegrationProgressInterrupt presses Ctrl-C while the panel draws
// a machine at work: envrun exits 130 with the cursor shown and the
// interruption said, and the next up converges.
func TestIntegrationProgressInterrupt(t *testing.T) {
	e := newEnv(t, "", map[string]string{"Envfile.lua": `
box "debian/bookworm"
network "pnet" { subnet = "172.27.3.0/24" }
for i = 1, 2 do
  machine("machine" .. i) {
    networks = { pnet = "172.27.3.1" .. i },
    provision = { shell { name = "slow", inline = "sleep 30; touch /tmp/slow-done" } },
  }
end
`})
	tm := newTmux(t, e.dir, shq(envrunBinary(t))+" --provider docker up")
	tm.waitScreen(2*time.Minute, "a machine in its step", regexp.MustCompile(`(?m)^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] machine1 +step 1/1 slow`).MatchString)
	tm.tmux("send-keys", "C-c")
	code, final := tm.exitOf(time.Minute)
	t.Logf("the screen after Ctrl-C:\n%s", final)
	if code != 130 {
		t.Errorf("up after Ctrl-C: exit %d, want 130", code)
	}
	if !strings.Contains(final, "envrun: interrupted") {
		t.Errorf("the interruption is not said")
	}
	if !regexp.MustCompile(`(?m)^– machine1 +.*interrupted`).MatchString(final) {
		t.Errorf("machine1's line does not say it was interrupted")
	}
	if !tm.cursorVisible() {
		t.Errorf("the cursor is hidden after Ctrl-C")
	}
	code, _, stderr := e.run(t.Context(), "up")
	if code != 0 {
		t.Fatalf("the next up: exit %d\n%s", code, stderr)
	}
	for _, m := range []string{"machine1", "machine2"} {
		if code, _, stderr := e.run(t.Context(), "ssh", m, "--", "test -e /tmp/slow-done"); code != 0 {
			t.Errorf("the next up did not finish %s's step: exit %d\n%s", m, code, stderr)
		}
	}
}
