package virtualbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/envrun/envrun/engine/ui"
)

// installDirs are where VirtualBox's installers put VBoxManage when it is
// not on PATH (the macOS app bundle, Windows' Program Files), besides the
// Linux package locations.
func installDirs() []string {
	dirs := []string{"/usr/bin", "/usr/local/bin", "/usr/lib/virtualbox", "/opt/VirtualBox",
		"/Applications/VirtualBox.app/Contents/MacOS"}
	if runtime.GOOS == "windows" {
		// The installer sets VBOX_MSI_INSTALL_PATH (VBOX_INSTALL_PATH on
		// old versions), as Vagrant and Packer read it.
		dirs = nil
		for _, v := range []string{"VBOX_MSI_INSTALL_PATH", "VBOX_INSTALL_PATH"} {
			dirs = append(dirs, filepath.SplitList(os.Getenv(v))...)
		}
		dirs = append(dirs, filepath.Join(os.Getenv("ProgramFiles"), "Oracle", "VirtualBox"))
	}
	return dirs
}

// ErrNotInstalled is returned (wrapped) when VBoxManage cannot be found.
var ErrNotInstalled = errors.New("VirtualBox is not installed")

// locate finds VBoxManage: $ENVRUN_VBOXMANAGE, then PATH, then the usual
// install locations. It only looks at the file system, so it is quick.
func locate() (string, error) {
	if p := os.Getenv("ENVRUN_VBOXMANAGE"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("ENVRUN_VBOXMANAGE=%s: %w", p, err)
		}
		return p, nil
	}
	names := []string{"VBoxManage", "vboxmanage"}
	if runtime.GOOS == "windows" {
		names = []string{"VBoxManage.exe"}
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	for _, d := range installDirs() {
		if d == "" {
			continue
		}
		for _, n := range names {
			p := filepath.Join(d, n)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("%w: VBoxManage is not on PATH nor in %s; install VirtualBox 7.x or 6.1 "+
		"(https://www.virtualbox.org/wiki/Downloads), or set ENVRUN_VBOXMANAGE to its path",
		ErrNotInstalled, strings.Join(installDirs(), ", "))
}

// vbm runs VBoxManage. Every call goes through run, which logs the exact
// command at -v and turns a failure into a *CommandError.
type vbm struct {
	path    string
	version Version
	ui      *ui.UI
	// hostOnlyNets: this VirtualBox manages host-only networks with
	// `hostonlynet` (7.x on macOS, built with vmnet) rather than
	// `hostonlyif`.
	hostOnlyNets bool
}

// CommandError is a VBoxManage command that failed.
type CommandError struct {
	Args   []string
	Status int // exit status; -1 when it did not exit (killed, not started)
	Output string
	Err    error
}

func (e *CommandError) Error() string {
	how := fmt.Sprintf("exit status %d", e.Status)
	if e.Status < 0 {
		how = e.Err.Error()
	}
	msg := fmt.Sprintf("VBoxManage %s failed: %s", quoteArgs(e.Args), how)
	if e.Output != "" {
		msg += ":\n" + e.Output
	}
	return msg
}

func (e *CommandError) Unwrap() error { return e.Err }

// Contains reports whether the command's output mentions s (VirtualBox's
// error codes, such as VBOX_E_OBJECT_NOT_FOUND).
func (e *CommandError) Contains(s string) bool { return strings.Contains(e.Output, s) }

// isNotFound reports whether err says the named machine does not exist.
func isNotFound(err error) bool {
	var ce *CommandError
	return errors.As(err, &ce) && (ce.Contains("VBOX_E_OBJECT_NOT_FOUND") || ce.Contains("Could not find a registered machine"))
}

// isLocked reports whether err says the machine is locked by a session
// that is still closing (just after a power off).
func isLocked(err error) bool {
	var ce *CommandError
	return errors.As(err, &ce) && (ce.Contains("is already locked") || ce.Contains("VBOX_E_INVALID_OBJECT_STATE"))
}

// outputTail keeps the last lines of a command's output for messages.
func outputTail(b []byte) string {
	const max = 2048
	s := strings.TrimSpace(strings.ReplaceAll(string(b), "\r", ""))
	if len(s) > max {
		s = s[len(s)-max:]
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		}
	}
	return s
}

// run runs VBoxManage with args and returns its stdout. scope is the
// machine (or "") the call is made for, for the log.
func (v *vbm) run(ctx context.Context, scope string, args ...string) (string, error) {
	v.ui.Debugf(scope, "VBoxManage %s", quoteArgs(args))
	t0 := time.Now()
	cmd := exec.CommandContext(ctx, v.path, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C") // untranslated messages: parsed below
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err == nil {
		v.ui.Debugf(scope, "VBoxManage %s: ok (%s)", args[0], time.Since(t0).Round(time.Millisecond))
		return stdout.String(), nil
	}
	if ctx.Err() != nil {
		return "", context.Cause(ctx)
	}
	ce := &CommandError{Args: args, Status: -1, Err: err, Output: outputTail(append(stderr.Bytes(), stdout.Bytes()...))}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		ce.Status = exit.ExitCode()
	}
	return "", ce
}

// quoteArgs renders args as a shell would need them, for logs and errors.
func quoteArgs(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.IndexFunc(a, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@+%", r))
		}) < 0 {
			out[i] = a
			continue
		}
		out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(out, " ")
}

// newVBM locates VBoxManage and checks its version.
func newVBM(ctx context.Context, u *ui.UI) (*vbm, error) {
	path, err := locate()
	if err != nil {
		return nil, err
	}
	v := &vbm{path: path, ui: u}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := v.run(ctx, "", "--version")
	if err != nil {
		return nil, fmt.Errorf("VirtualBox does not answer: %w", err)
	}
	ver, err := ParseVersion(out)
	if err != nil {
		return nil, err
	}
	if err := ver.Supported(); err != nil {
		return nil, err
	}
	v.version = ver
	v.hostOnlyNets = usesHostOnlyNets(runtime.GOOS, ver)
	return v, nil
}

// usesHostOnlyNets says whether VirtualBox ver on goos manages host-only
// networks with `hostonlynet`: only 7.x builds with vmnet, that is macOS
// (VBoxManageList.cpp lists them under #ifdef VBOX_WITH_VMNET; Vagrant
// makes the same choice in use_host_only_nets?).
func usesHostOnlyNets(goos string, ver Version) bool {
	return goos == "darwin" && ver.Major >= 7
}

// cachedVBM opens VBoxManage once per process: its version does not
// change while envrun runs.
var cachedVBM struct {
	sync.Mutex
	v *vbm
}

func openVBM(ctx context.Context, u *ui.UI) (*vbm, error) {
	cachedVBM.Lock()
	defer cachedVBM.Unlock()
	if cachedVBM.v == nil || cachedVBM.v.path != mustLocate() {
		v, err := newVBM(ctx, ui.Discard())
		if err != nil {
			return nil, err
		}
		cachedVBM.v = v
	}
	c := *cachedVBM.v
	if u == nil {
		u = ui.Discard()
	}
	c.ui = u
	return &c, nil
}

func mustLocate() string {
	p, _ := locate()
	return p
}
