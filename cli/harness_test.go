package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"

	"github.com/envrun/envrun/engine/proc"
	"github.com/envrun/envrun/engine/provider/docker"
	"github.com/envrun/envrun/engine/provider/providertest"
	"github.com/envrun/envrun/engine/state"
)

// This file is the harness of the hardening tests (TestIntegration...):
// they run the real envrun binary, built once with go build, against the
// real Docker engine (or libvirtd: libvirt_hardening_integration_test.go),
// and kill or interrupt it at controlled points (ENVRUN_TEST_PAUSE, see
// engine/pause).

// cleanupM removes the built binary after the tests.
type cleanupM struct{ m *testing.M }

func (c cleanupM) Run() int {
	// The caches the commands keep (modules, what envrun learnt of images
	// and volumes, completions) go in a folder of the run's, removed with
	// it, not in the user's.
	cache, err := os.MkdirTemp("", "envrun-cache-")
	if err == nil {
		os.Setenv("ENVRUN_CACHE", cache)
		defer os.RemoveAll(cache)
	}
	code := c.m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	return code
}

var (
	// harnessTags are the build tags of the binary: those this test binary
	// was built with (libvirt_integration_test.go sets libvirt_dlopen).
	harnessTags = ""
	buildOnce   sync.Once
	binDir      string
	binPath     string
	buildErr    error
)

// envrunBinary builds envrun once per test run.
func envrunBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "envrun-bin-")
		if buildErr != nil {
			return
		}
		os.Chmod(binDir, 0o755) // other users run it too (permission tests)
		binPath = filepath.Join(binDir, "envrun")
		out, err := exec.Command("go", "build", "-tags", harnessTags, "-o", binPath, "github.com/envrun/envrun").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// world is one environment folder with its Envfile, the built binary and a
// Docker client to look at what exists.
type world struct {
	t       testing.TB
	dir     string
	bin     string
	project string
	docker  *client.Client
	prov    string   // the provider of every command (ENVRUN_PROVIDER); docker when ""
	env     []string // extra environment of every command
	uid     uint32   // run envrun as this user when not 0
	gid     uint32   // with this group (uid's number when 0)
	groups  []uint32 // and these supplementary groups
}

func newWorld(t testing.TB, envfile string) *world {
	t.Helper()
	return newWorldIn(t, t.TempDir(), envfile)
}

// newWorldIn is newWorld in a folder of the caller's.
func newWorldIn(t testing.TB, dir, envfile string) *world {
	t.Helper()
	providertest.Require(t, docker.Driver)
	w := &world{t: t, dir: dir, bin: envrunBinary(t), project: state.ProjectID(filepath.Join(dir, "Envfile.lua"))}
	w.writeEnvfile(envfile)
	c, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	w.docker = c
	t.Cleanup(func() {
		w.run("destroy", "-f")
		w.purge()
		c.Close()
	})
	return w
}

// nobodyDir is a folder for a world whose commands run as user nobody
// (see asNobody); t.TempDir's parents are closed to other users. It skips
// the test unless it runs as root.
func nobodyDir(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to run envrun as another user")
	}
	dir, err := os.MkdirTemp("", "envrun-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	return dir
}

// asNobody runs w's next commands as user nobody (65534, in no group that
// reaches a backend), with w's folder, made theirs, as HOME, and env.
func (w *world) asNobody(env ...string) {
	w.t.Helper()
	if err := os.Chown(w.dir, 65534, 65534); err != nil {
		w.t.Fatal(err)
	}
	w.uid = 65534
	w.env = append(env, "HOME="+w.dir)
}

// with returns w for use in subtest t (failures go to t).
func (w *world) with(t *testing.T) *world {
	c := *w
	c.t = t
	return &c
}

func (w *world) writeEnvfile(src string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, "Envfile.lua"), []byte(src), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// purge removes by label whatever a failed test left.
func (w *world) purge() {
	ctx := context.Background()
	for _, c := range w.containers() {
		w.docker.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true})
	}
	for _, n := range w.networks() {
		w.docker.NetworkRemove(ctx, n.ID)
	}
}

func (w *world) label() filters.Args {
	return filters.NewArgs(filters.Arg("label", docker.LabelProject+"="+w.project))
}

// containers lists the environment's containers, in any state.
func (w *world) containers() []container.Summary {
	w.t.Helper()
	list, err := w.docker.ContainerList(context.Background(), container.ListOptions{All: true, Filters: w.label()})
	if err != nil {
		w.t.Fatal(err)
	}
	return list
}

func (w *world) networks() []network.Summary {
	w.t.Helper()
	list, err := w.docker.NetworkList(context.Background(), network.ListOptions{Filters: w.label()})
	if err != nil {
		w.t.Fatal(err)
	}
	return list
}

// machines maps machine name to container state ("running", "created").
func (w *world) machines() map[string]string {
	out := map[string]string{}
	for _, c := range w.containers() {
		name := c.Labels[docker.LabelMachine]
		if _, dup := out[name]; dup {
			w.t.Errorf("two containers for machine %s", name)
		}
		out[name] = c.State
	}
	return out
}

// networkNames lists the environment's networks by Envfile name; a
// duplicate is a test failure.
func (w *world) networkNames() []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range w.networks() {
		name := n.Labels[docker.LabelNetwork]
		if seen[name] {
			w.t.Errorf("duplicate Docker network for %s", name)
		}
		seen[name] = true
		out = append(out, name)
	}
	return out
}

func (w *world) containerID(machine string) string {
	for _, c := range w.containers() {
		if c.Labels[docker.LabelMachine] == machine {
			return c.ID
		}
	}
	return ""
}

// exec runs a command in a machine's container and returns its output.
func (w *world) exec(machine string, cmd ...string) (string, error) {
	out, err := exec.Command("docker", append([]string{"exec", w.project + "-" + machine}, cmd...)...).CombinedOutput()
	return string(out), err
}

// result is a finished envrun command.
type result struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("exit %d after %s\nstdout:\n%s\nstderr:\n%s", r.code, r.took.Round(time.Millisecond), r.stdout, r.stderr)
}

// run runs envrun to the end (at most 3 minutes).
func (w *world) run(args ...string) result {
	w.t.Helper()
	p := w.start(nil, args...)
	return p.wait(3 * time.Minute)
}

// mustRun runs envrun and fails the test unless it exits 0.
func (w *world) mustRun(args ...string) result {
	w.t.Helper()
	r := w.run(args...)
	if r.code != 0 {
		w.t.Fatalf("envrun %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// running is an envrun process in a process group of its own.
type running struct {
	w      *world
	cmd    *exec.Cmd
	t0     time.Time
	stdout bytes.Buffer
	mu     sync.Mutex
	stderr bytes.Buffer
	lines  chan string
	done   chan struct{}
}

// start starts envrun with extra environment variables.
func (w *world) start(env []string, args ...string) *running {
	w.t.Helper()
	cmd := exec.Command(w.bin, args...)
	cmd.Dir = w.dir
	prov := w.prov
	if prov == "" {
		prov = "docker"
	}
	cmd.Env = append(append(append(os.Environ(), "NO_COLOR=1", "ENVRUN_PROVIDER="+prov), w.env...), env...)
	ownGroup(cmd, w.uid, w.gid, w.groups)
	p := &running{w: w, cmd: cmd, lines: make(chan string, 1000), done: make(chan struct{})}
	cmd.Stdout = &p.stdout
	errPipe, err := cmd.StderrPipe()
	if err != nil {
		w.t.Fatal(err)
	}
	p.t0 = time.Now()
	if err := cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(errPipe)
		for sc.Scan() {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
		io.Copy(io.Discard, errPipe)
	}()
	w.t.Cleanup(func() { killGroup(cmd); cmd.Wait() })
	return p
}

// waitFor waits until envrun prints a stderr line containing s.
func (p *running) waitFor(s string, timeout time.Duration) {
	p.w.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case l := <-p.lines:
			if strings.Contains(l, s) {
				return
			}
		case <-p.done:
			// drain what is left
			for {
				select {
				case l := <-p.lines:
					if strings.Contains(l, s) {
						return
					}
				default:
					p.w.t.Fatalf("envrun ended before printing %q:\n%s", s, p.stderrText())
				}
			}
		case <-deadline:
			p.w.t.Fatalf("envrun did not print %q within %s:\n%s", s, timeout, p.stderrText())
		}
	}
}

// pause waits for envrun to reach a pause point.
func (p *running) pause(point string) {
	p.w.t.Helper()
	p.waitFor("envrun-test-pause: "+point, 2*time.Minute)
}

func (p *running) stderrText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

func (p *running) signal(sig syscall.Signal) {
	p.w.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.w.t.Fatalf("signal %v: %v", sig, err)
	}
}

// wait waits for envrun to end and returns how it ended.
func (p *running) wait(timeout time.Duration) result {
	p.w.t.Helper()
	exited := make(chan error, 1)
	go func() { exited <- p.cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(timeout):
		killGroup(p.cmd)
		<-exited
		p.w.t.Fatalf("envrun %s did not end within %s:\n%s", strings.Join(p.cmd.Args[1:], " "), timeout, p.stderrText())
	}
	<-p.done
	r := result{code: p.cmd.ProcessState.ExitCode(), stdout: p.stdout.String(), stderr: p.stderrText(), took: time.Since(p.t0)}
	if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		r.code = 128 + int(ws.Signal())
	}
	return r
}

// kill9 kills envrun with SIGKILL, the way a crash or the OOM killer would,
// and waits for it to be gone.
func (p *running) kill9() {
	p.w.t.Helper()
	p.signal(syscall.SIGKILL)
	if r := p.wait(10 * time.Second); r.code != 128+9 {
		p.w.t.Fatalf("after kill -9: %s", r)
	}
}

// strays lists processes left in envrun's process group after it ended.
func (p *running) strays() []int {
	m, _ := proc.Members(p.cmd.Process.Pid)
	return m
}

// eventually retries f until it returns "" or timeout passes.
func eventually(t *testing.T, timeout time.Duration, f func() string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msg := f()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
