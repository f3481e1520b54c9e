package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/creack/pty"
)

// auto is tty on a real terminal only: not under CI, not with TERM=dumb,
// not when stderr is a pipe or a buffer; NO_COLOR keeps the panel.
func TestProgressMode(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, c := range []struct {
		name   string
		flag   string
		stderr any
		env    map[string]string
		want   string
	}{
		{"terminal", "auto", tty, map[string]string{"TERM": "xterm"}, "tty"},
		{"terminal, default", "", tty, map[string]string{"TERM": "xterm"}, "tty"},
		{"terminal, NO_COLOR", "auto", tty, map[string]string{"TERM": "xterm", "NO_COLOR": "1"}, "tty"},
		{"CI=true", "auto", tty, map[string]string{"TERM": "xterm", "CI": "true"}, "plain"},
		{"CI=1", "auto", tty, map[string]string{"CI": "1"}, "plain"},
		{"CI=false", "auto", tty, map[string]string{"CI": "false"}, "tty"},
		{"TERM=dumb", "auto", tty, map[string]string{"TERM": "dumb"}, "plain"},
		{"pipe", "auto", w, nil, "plain"},
		{"buffer", "auto", &bytes.Buffer{}, nil, "plain"},
		{"plain on a terminal", "plain", tty, nil, "plain"},
		{"tty asked", "tty", w, map[string]string{"CI": "true"}, "tty"},
		{"quiet", "quiet", tty, nil, "quiet"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := progressMode(c.flag, c.stderr, func(k string) string { return c.env[k] })
			if err != nil || got != c.want {
				t.Errorf("progressMode = %q, %v; want %q", got, err, c.want)
			}
		})
	}
	if _, err := progressMode("fancy", tty, os.Getenv); err == nil || !isFlagError(err) {
		t.Errorf("--progress fancy: %v, want a flag error", err)
	}
}

// --progress tty needs a terminal; a bad mode is bad input.
func TestProgressFlagErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Envfile.lua"), []byte(`machine "a" {}`), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--progress", "fancy", "validate"}, `--progress "fancy": want auto, tty, plain or quiet`},
		{[]string{"--progress", "tty", "validate"}, "--progress tty: stderr is not a terminal"},
	} {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), append([]string{"-f", filepath.Join(dir, "Envfile.lua")}, c.args...), strings.NewReader(""), &stdout, &stderr)
		if code != ExitBadInput || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", c.args, code, stderr.String(), c.want)
		}
	}
}

// graph --format svg and png render through Graphviz's dot.
func TestGraphFormats(t *testing.T) {
	if _, err := exec.LookPath("dot"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("Graphviz's dot is not installed (apt-get install graphviz)")
		}
		t.Skip("no dot")
	}
	dir := t.TempDir()
	envfile := filepath.Join(dir, "Envfile.lua")
	os.WriteFile(envfile, []byte(`box "debian/bookworm"
machine "a" { provision = { shell { inline = "true" } } }`), 0o644)
	for format, magic := range map[string]string{"svg": "<svg", "png": "\x89PNG"} {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), []string{"-f", envfile, "--provider", "docker", "graph", "--format", format}, strings.NewReader(""), &stdout, &stderr)
		if code != 0 || !strings.Contains(stdout.String()[:min(400, stdout.Len())], magic) {
			t.Errorf("graph --format %s: exit %d, %q\n%s", format, code, stdout.String()[:min(80, stdout.Len())], stderr.String())
		}
	}
	// Without dot: how to install it.
	t.Setenv("PATH", t.TempDir())
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"-f", envfile, "--provider", "docker", "graph", "--format", "svg"}, strings.NewReader(""), &stdout, &stderr)
	if code != ExitFailed || !strings.Contains(stderr.String(), "apt-get install graphviz") {
		t.Errorf("graph --format svg without dot: exit %d\n%s", code, stderr.String())
	}
}
