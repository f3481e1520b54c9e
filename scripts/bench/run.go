package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/envrun/envrun/engine/proc"
)

// Subnets: only 172.31.70.0/24 to 172.31.79.0/24 are the benchmarks'.
var (
	envrunNet  = netip.MustParsePrefix("172.31.70.0/24")
	vagrantNet = netip.MustParsePrefix("172.31.71.0/24")
	floorNet   = netip.MustParsePrefix("172.31.72.0/24")
	s6Net      = netip.MustParsePrefix("172.31.76.0/22") // written in S6's files, never made
	watchNet   = "172.31.75"                             // S5: the watch benchmark's /24
)

// Labels on what Vagrant and the floor make (envrun labels its own).
const (
	benchLabel   = "io.envrun.bench"
	vagrantLabel = benchLabel + "=vagrant"
	floorLabel   = benchLabel + "=floor"
	envfileLabel = "io.envrun.envfile"
)

type bench struct {
	*config
	repo     string // the envrun checkout
	envrun   string // the envrun binary built from it
	floorKey string // the floor's private key
	logs     string
	seq      int
	env      []string // environment of every command
	info     []string // "what: value" lines about the machine and versions
	results  []*measure
	notes    []string // what could not be measured, and why
	loads    []string // "/proc/loadavg" lines around each scenario
}

func newBench(c *config) (*bench, error) {
	repo, err := repoRoot()
	if err != nil {
		return nil, err
	}
	b := &bench{config: c, repo: repo, logs: filepath.Join(c.work, "logs")}
	os.RemoveAll(b.logs) // an earlier run's
	for _, d := range []string{c.work, b.logs, c.out} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	b.env = append(os.Environ(),
		"NO_COLOR=1",
		// Vagrant must never reach the internet: no version check, no box
		// update check, no plugins (the docker provider is built in), and a
		// home of its own so no plugin or box of the user's is loaded.
		"VAGRANT_CHECKPOINT_DISABLE=1",
		"VAGRANT_BOX_UPDATE_CHECK_DISABLE=1",
		"VAGRANT_NO_PLUGINS=1",
		"VAGRANT_DEFAULT_PROVIDER=docker",
		"VAGRANT_HOME="+filepath.Join(c.work, "vagrant.d"),
		"DOCKER_BUILDKIT=0",
	)
	return b, nil
}

// repoRoot is the folder of the module's go.mod (the checkout).
func repoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("run this from the envrun checkout (go run ./scripts/bench)")
	}
	return filepath.Dir(mod), nil
}

// result of one command.
type result struct {
	seconds float64
	maxRSS  float64 // MiB
	log     string  // the command's output
}

// timed runs a command in dir and returns its wall time. Its output goes to
// a log file; a failure returns an error with the output's tail. extraEnv
// is added to the bench's environment.
func (b *bench) timed(ctx context.Context, dir, label string, extraEnv []string, argv ...string) (result, error) {
	b.seq++
	logPath := filepath.Join(b.logs, fmt.Sprintf("%04d-%s.log", b.seq, sanitize(label)))
	logf, err := os.Create(logPath)
	if err != nil {
		return result{}, err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "$ cd %s && %s\n", dir, strings.Join(argv, " "))
	var tail tailWriter
	cmd := proc.Command(ctx, argv[0], argv[1:]...)
	cmd.Grace = time.Second
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), b.env...), extraEnv...)
	cmd.Stdout = io.MultiWriter(logf, &tail)
	cmd.Stderr = cmd.Stdout
	t0 := time.Now()
	err = cmd.Run()
	d := time.Since(t0)
	fmt.Fprintf(logf, "\n# %s, %.3f s\n", exitText(err), d.Seconds())
	if err != nil {
		if ctx.Err() != nil {
			return result{}, ctx.Err()
		}
		return result{}, &cmdError{log: logPath,
			msg: fmt.Sprintf("%s failed (%v) after %.1f s; log %s:\n%s", strings.Join(argv, " "), err, d.Seconds(), logPath, tail.last(15))}
	}
	return result{seconds: d.Seconds(), log: logPath, maxRSS: childMaxRSS(cmd.ProcessState)}, nil
}

// cmdError is a command that failed; its log holds all its output.
type cmdError struct{ msg, log string }

func (e *cmdError) Error() string { return e.msg }

func exitText(err error) string {
	if err == nil {
		return "exit 0"
	}
	return err.Error()
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '-'
	}, s)
}

// tailWriter keeps the last 64 KiB written to it.
type tailWriter struct{ buf []byte }

func (t *tailWriter) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > 128<<10 {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-64<<10:]...)
	}
	return len(p), nil
}

func (t *tailWriter) last(n int) string {
	lines := strings.Split(strings.TrimRight(string(t.buf), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return "  " + strings.Join(lines, "\n  ")
}

// output runs a command and returns its stdout (for set-up and checks).
func output(ctx context.Context, name string, args ...string) (string, error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return strings.TrimSpace(out.String()), nil
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

// loadavg is /proc/loadavg's first three figures.
func loadavg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// sweep removes whatever the benchmarks made that is still there: the
// containers and networks labelled as Vagrant's or the floor's, Vagrant's
// networks in its subnet, and envrun's containers and networks whose
// Envfile is in the work folder. It runs at the start and at the end.
func (b *bench) sweep() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var ids []string
	if out, err := output(ctx, "docker", "ps", "-aq", "--filter", "label="+benchLabel); err == nil {
		ids = append(ids, strings.Fields(out)...)
	}
	if out, err := output(ctx, "docker", "ps", "-a", "--filter", "label="+envfileLabel,
		"--format", `{{.ID}} {{.Label "`+envfileLabel+`"}}`); err == nil {
		ids = append(ids, b.underWork(out)...)
	}
	if len(ids) > 0 {
		output(ctx, "docker", append([]string{"rm", "-f"}, ids...)...)
	}
	var nets []string
	if out, err := output(ctx, "docker", "network", "ls", "-q", "--filter", "label="+benchLabel); err == nil {
		nets = append(nets, strings.Fields(out)...)
	}
	if out, err := output(ctx, "docker", "network", "ls", "--filter", "label="+envfileLabel,
		"--format", `{{.ID}} {{.Label "`+envfileLabel+`"}}`); err == nil {
		nets = append(nets, b.underWork(out)...)
	}
	if out, err := output(ctx, "docker", "network", "ls", "--format", "{{.Name}}"); err == nil {
		for _, n := range strings.Fields(out) {
			if n == "vagrant_network_"+vagrantNet.String() {
				nets = append(nets, n)
			}
		}
	}
	for _, n := range nets {
		output(ctx, "docker", "network", "rm", n)
	}
	if len(ids)+len(nets) > 0 {
		progress("removed %d container(s) and %d network(s) left by the benchmarks", len(ids), len(nets))
	}
	// State of environments that no longer exist.
	for _, side := range []string{envrunSide, vagrantSide, floorSide} {
		os.RemoveAll(filepath.Join(b.work, side))
	}
}

// underWork picks the IDs of "ID ENVFILE" lines whose Envfile is under the
// work folder.
func (b *bench) underWork(lines string) []string {
	var ids []string
	for _, l := range strings.Split(lines, "\n") {
		id, path, ok := strings.Cut(strings.TrimSpace(l), " ")
		if ok && strings.HasPrefix(path, b.work+string(filepath.Separator)) {
			ids = append(ids, id)
		}
	}
	return ids
}
