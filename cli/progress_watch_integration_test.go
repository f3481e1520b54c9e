package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// TestIntegrationProgressWatch runs `envrun watch --progress tty` on a
// real terminal (tmux) against one Docker machine (subnet 172.27.200.0/24,
// prefix p2-): the panel shows the machine's last run; a change to the
// file its step runs re-runs that step and the row shows it with ✓, a
// duration and when it ended, the step's output above the panel; a
// change that makes it fail shows ✗; Ctrl-C leaves the cursor visible.
func TestIntegrationProgressWatch(t *testing.T) {
	e := newEnv(t, "", map[string]string{
		"Envfile.lua": `
box "debian/bookworm"
network "p2-wnet" { subnet = "172.27.200.0/24" }
machine "p2-watch" {
  networks = { ["p2-wnet"] = "172.27.200.10" },
  provision = { shell { name = "greet", path = "greet.sh" } },
}
`,
		"greet.sh": "echo p2-first-run\n",
	})
	tm := newTmux(t, e.dir, shq(envrunBinary(t))+" --provider docker watch --progress tty")
	// The machine's row when a run of greet has ended: ✓ or ✗, the step,
	// its duration and the time it ended.
	row := func(icon string) *regexp.Regexp {
		return regexp.MustCompile(`(?m)^` + icon + ` p2-watch +.*greet.*\s\d+\.\ds at (\d\d:\d\d:\d\d)\s*$`)
	}
	first := tm.waitScreen(2*time.Minute, "p2-watch's first run ✓", row("✓").MatchString)
	t.Logf("after the first up:\n%s", first)
	firstAt := row("✓").FindStringSubmatch(first)[1]

	// A change the step reads: it re-runs, its output above the panel.
	time.Sleep(time.Second) // a later "at" than the first run's
	if err := os.WriteFile(filepath.Join(e.dir, "greet.sh"), []byte("echo p2-second-run\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	again := tm.waitScreen(time.Minute, "the re-run's output and ✓ row", func(s string) bool {
		m := row("✓").FindStringSubmatch(s)
		return m != nil && m[1] != firstAt && regexp.MustCompile(`p2-second-run`).MatchString(s)
	})
	t.Logf("after the change:\n%s", again)

	// A change that makes it fail.
	if err := os.WriteFile(filepath.Join(e.dir, "greet.sh"), []byte("echo p2-breaks >&2; exit 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	failed := tm.waitScreen(time.Minute, "the failed run's ✗ row", regexp.MustCompile(`(?m)^✗ p2-watch +.*greet.*failed.*\s\d+\.\ds at \d\d:\d\d:\d\d\s*$`).MatchString)
	t.Logf("after the failing change:\n%s", failed)
	if regexp.MustCompile(`(?m)^✓ p2-watch `).MatchString(failed) {
		t.Errorf("the ✓ row is still there beside the ✗ one")
	}

	tm.tmux("send-keys", "C-c")
	code, final := tm.exitOf(30 * time.Second)
	t.Logf("after Ctrl-C:\n%s", final)
	if code != 0 {
		t.Errorf("watch after Ctrl-C with nothing running: exit %d, want 0", code)
	}
	// The panel's last line is as wide as the terminal allows: the echo
	// of ^C must not push the redraw a row down (a stale row left above).
	if n := len(regexp.MustCompile(`(?m)^✓ network p2-wnet `).FindAllString(final, -1)); n != 1 {
		t.Errorf("the network's row is on the screen %d times after Ctrl-C, want 1", n)
	}
	if !tm.cursorVisible() {
		t.Errorf("the cursor is hidden after Ctrl-C")
	}
}
