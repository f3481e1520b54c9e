package ansible

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/envrun/envrun/engine/proc"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/safefile"
)

// The programs a run needs.
const (
	PlaybookProgram = "ansible-playbook"
	GalaxyProgram   = "ansible-galaxy"
	SSHProgram      = "ssh"
)

// MissingError says a program Ansible needs is not installed.
type MissingError struct {
	Program string
	Package string // the Debian package that has it
}

func (e *MissingError) Error() string {
	if e.Program == SSHProgram {
		return fmt.Sprintf("Ansible connects with OpenSSH's ssh, which is not installed (not on PATH): install Debian's %s package (sudo apt-get install %s)", e.Package, e.Package)
	}
	return fmt.Sprintf("%s is not installed (not on PATH): install Debian's ansible package (sudo apt-get install ansible), "+
		"or ansible-core for the engine and its builtin modules alone", e.Program)
}

// Check reports the first program step needs that is not installed: a
// preflight, so that a missing Ansible stops envrun before it makes
// anything.
func Check(step *spec.Ansible) error {
	need := []MissingError{{PlaybookProgram, "ansible"}, {SSHProgram, "openssh-client"}}
	if step.GalaxyRequirements != "" {
		need = append(need, MissingError{GalaxyProgram, "ansible"})
	}
	for _, n := range need {
		if _, err := exec.LookPath(n.Program); err != nil {
			return &n
		}
	}
	return nil
}

// Run is one ansible-playbook run of a step.
type Run struct {
	Step *spec.Ansible
	// Inventory is the inventory file; Hosts how many hosts it has, and
	// HostNames their names: the run fails when the play recap does not
	// list each (a play that silently ran over fewer machines).
	Inventory string
	Hosts     int
	HostNames []string
	// Dir is a folder of the step's own (made if missing): the extra
	// variables file and the SSH control sockets go there.
	Dir string
	// Color asks Ansible for coloured output.
	Color bool
	// Output receives ansible-playbook's stdout and stderr as it comes.
	Output io.Writer
	Debugf func(format string, args ...any)
}

func (r *Run) debugf(format string, args ...any) {
	if r.Debugf != nil {
		r.Debugf(format, args...)
	}
}

// Forks is how many hosts Ansible works on at once: the step's forks, or
// every host of the run.
func (r *Run) Forks() int {
	if r.Step.Forks > 0 {
		return r.Step.Forks
	}
	return max(r.Hosts, 1)
}

// Args is ansible-playbook's command line after the program name.
// extraVars is the file of extra variables, "" when there are none. Every
// value the Envfile gives is joined to its option (--limit=VALUE): a value
// that starts with "-" is that option's value, never an option of its own;
// the playbook is an absolute path, never taken for an option.
func (r *Run) Args(extraVars string) []string {
	s := r.Step
	var args []string
	if s.InventoryPath != "" {
		// The user's first: for a variable both set, the last inventory
		// wins, so envrun's connection settings stay.
		args = append(args, "-i", s.InventoryPath)
	}
	args = append(args, "-i", r.Inventory, "--forks", strconv.Itoa(r.Forks()))
	if s.Become {
		args = append(args, "--become")
	}
	if s.Verbose > 0 {
		args = append(args, "-"+strings.Repeat("v", s.Verbose))
	}
	if s.Limit != "" {
		args = append(args, "--limit="+s.Limit)
	}
	if len(s.Tags) > 0 {
		args = append(args, "--tags="+strings.Join(s.Tags, ","))
	}
	if len(s.SkipTags) > 0 {
		args = append(args, "--skip-tags="+strings.Join(s.SkipTags, ","))
	}
	if s.VaultPasswordFile != "" {
		args = append(args, "--vault-password-file="+s.VaultPasswordFile)
	}
	if extraVars != "" {
		args = append(args, "--extra-vars=@"+extraVars)
	}
	args = append(args, s.RawArguments...)
	return append(args, s.Playbook)
}

// Env is the environment of the run: environ with the step's ansible.cfg,
// the settings that make Ansible fast over envrun's machines, and the
// control socket folder. A speed setting already in environ is left as
// it is, so a user can turn one off; the machines' `vars` (inventory
// variables) win over all of them too.
func (r *Run) Env(environ []string, controlDir string) []string {
	set := map[string]bool{}
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		set[k] = true
	}
	env := append([]string(nil), environ...)
	def := func(k, v string) {
		if !set[k] {
			env = append(env, k+"="+v)
		}
	}
	// Pipelining sends modules over the SSH session's stdin instead of
	// copying them to a temporary file first: one connection per task
	// where there were three or four.
	def("ANSIBLE_PIPELINING", "True")
	def("ANSIBLE_RETRY_FILES_ENABLED", "False")
	// The inventory is YAML: the other inventory plugins are not loaded,
	// unless the user's own inventory (inventory_path) may need them.
	if r.Step == nil || r.Step.InventoryPath == "" {
		def("ANSIBLE_INVENTORY_ENABLED", "yaml")
	}
	// An inventory Ansible cannot parse is an error, not a warning and a
	// play over no hosts. Not a default: envrun's inventory is always
	// meant to parse.
	env = append(env, "ANSIBLE_INVENTORY_UNPARSED_FAILED=true")
	// Ansible's default ssh_args less -C: compressing modules (zip files
	// already) over a local bridge costs CPU on both ends and saves
	// nothing. Only when no ansible.cfg is read, whose ssh_args this would
	// override.
	if !r.readsConfig(set) {
		def("ANSIBLE_SSH_ARGS", "-o ControlMaster=auto -o ControlPersist=60s")
	}
	// Python buffers a pipe's output; the run is streamed line by line.
	def("PYTHONUNBUFFERED", "1")
	if r.Color {
		def("ANSIBLE_FORCE_COLOR", "True")
	} else {
		def("ANSIBLE_NOCOLOR", "True")
	}
	if r.Step.Config != "" {
		env = append(env, "ANSIBLE_CONFIG="+r.Step.Config)
	}
	// Ansible's ssh_args keep one master connection per host
	// (ControlMaster=auto, ControlPersist) for all the tasks; its sockets
	// go here, so that envrun closes the masters when the run ends.
	return append(env, "ANSIBLE_SSH_CONTROL_PATH_DIR="+controlDir)
}

// systemConfig is Ansible's system-wide configuration file.
var systemConfig = "/etc/ansible/ansible.cfg"

// readsConfig reports whether the run reads an ansible.cfg, as Ansible
// looks for one: ANSIBLE_CONFIG (set says which variables environ has),
// ansible.cfg in the working folder, ~/.ansible.cfg, then the system's.
func (r *Run) readsConfig(set map[string]bool) bool {
	if r.Step.Config != "" || set["ANSIBLE_CONFIG"] {
		return true
	}
	candidates := []string{filepath.Join(filepath.Dir(r.Step.Playbook), "ansible.cfg"), systemConfig}
	if home, err := os.UserHomeDir(); err == nil {
		candidates = append(candidates, filepath.Join(home, ".ansible.cfg"))
	}
	for _, c := range candidates {
		if _, err := os.Stat(c); err == nil {
			return true
		}
	}
	return false
}

// Do runs the step: ansible-galaxy first when the step has a requirements
// file that exists, then ansible-playbook. A failed run returns a *Failure.
func (r *Run) Do(ctx context.Context) error {
	if err := os.MkdirAll(r.Dir, 0o700); err != nil {
		return err
	}
	controlDir, closeMasters, cleanup, err := r.controlDir()
	if err != nil {
		return err
	}
	defer cleanup()
	env := r.Env(os.Environ(), controlDir)
	dir := filepath.Dir(r.Step.Playbook)
	if req := r.Step.GalaxyRequirements; req != "" {
		if _, err := os.Stat(req); err == nil {
			args := []string{"install", "-r", req}
			r.debugf("run %s %s", GalaxyProgram, strings.Join(args, " "))
			out := &Output{}
			if err := run(ctx, GalaxyProgram, args, dir, env, io.MultiWriter(r.Output, out), nil); err != nil {
				return failure(GalaxyProgram, err, out)
			}
		} else {
			r.debugf("galaxy_requirements %s does not exist: no roles to install", req)
		}
	}
	extraVars := ""
	if len(r.Step.ExtraVars) > 0 {
		data, err := json.MarshalIndent(Normalize(r.Step.ExtraVars), "", "  ")
		if err != nil {
			return fmt.Errorf("extra_vars: %w", err)
		}
		extraVars = filepath.Join(r.Dir, "extra_vars.json")
		if err := safefile.WriteFile(extraVars, append(data, '\n'), 0o600); err != nil {
			return err
		}
	}
	args := r.Args(extraVars)
	r.debugf("run %s %s (in %s)", PlaybookProgram, strings.Join(args, " "), dir)
	out := &Output{}
	t0 := time.Now()
	err = run(ctx, PlaybookProgram, args, dir, env, io.MultiWriter(r.Output, out), closeMasters)
	r.debugf("%s ran for %s", PlaybookProgram, time.Since(t0).Round(time.Millisecond))
	if err != nil {
		return failure(PlaybookProgram, err, out)
	}
	return r.checkRecap(out.Recap())
}

// checkRecap fails a run whose play recap leaves out some of its hosts:
// Ansible ran over fewer machines than the step was given (an inventory it
// read otherwise, a play whose hosts pattern left some out). A run with a
// limit is meant to leave some out.
func (r *Run) checkRecap(recap []Stats) error {
	if r.Step.Limit != "" {
		return nil
	}
	seen := map[string]bool{}
	for _, s := range recap {
		seen[s.Host] = true
	}
	var missing []string
	for _, h := range r.HostNames {
		if !seen[h] {
			missing = append(missing, h)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%s exited 0 but its play recap does not list %s: the playbook ran over %d of the step's %d machine(s); "+
		"if that is meant, say which with the step's limit", PlaybookProgram, strings.Join(missing, ", "), len(r.HostNames)-len(missing), len(r.HostNames))
}

// run runs program with engine/proc: in a process group of its own, ended
// with ctx (SIGTERM, then SIGKILL), and nothing it started outlives it.
// Stdin is /dev/null; stdout and stderr go to out. exited, when set, runs
// as the program exits, before its group's strays are killed.
func run(ctx context.Context, program string, args []string, dir string, env []string, out io.Writer, exited func()) error {
	c := proc.Command(ctx, program, args...)
	c.Dir, c.Env = dir, env
	c.Stdout, c.Stderr = out, out
	c.Exited = exited
	err := c.Run()
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}

// maxSocketDir is the longest control socket folder that leaves room for
// Ansible's socket names (10 characters) and the temporary suffix OpenSSH
// adds while it binds (17), within a Unix socket path's 108 bytes.
const maxSocketDir = 108 - 1 - 11 - 17 - 1

// controlDir makes the folder for the run's SSH control sockets. It
// returns closeAll, which asks every master connection in it to exit, and
// cleanup, which does so again, ends any master that bound its socket
// late, and removes the folder. It is Dir/cp, or a temporary folder when
// that path is too long for a socket.
//
// closeAll runs as ansible-playbook exits, before its process group is
// killed: a master detaches from the group, but its ProxyCommand (envrun
// proxy, ssh -W to a jump host) stays in it, and a master whose proxy is
// killed drops its connection uncleanly and at its own pace.
func (r *Run) controlDir() (dir string, closeAll, cleanup func(), err error) {
	dir = filepath.Join(r.Dir, "cp")
	if len(dir) > maxSocketDir {
		if dir, err = os.MkdirTemp("", "envrun-cp-"); err != nil {
			return "", nil, nil, err
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, nil, err
	}
	n := 0
	closeAll = func() {
		t0 := time.Now()
		n += closeMasters(dir, r.debugf)
		r.debugf("closed %d SSH master(s) in %s", n, time.Since(t0).Round(time.Millisecond))
	}
	cleanup = func() {
		late := closeMasters(dir, r.debugf)
		os.RemoveAll(dir)
		if late += endLateMasters(dir); late > 0 {
			r.debugf("closed %d SSH master(s) left after ansible-playbook", late)
		}
	}
	return dir, closeAll, cleanup, nil
}

// closeMasters asks every SSH master connection with a socket in dir to
// exit. Masters outlive ansible-playbook by ControlPersist; they are not
// left behind. It returns how many there were.
func closeMasters(dir string, debugf func(string, ...any)) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	var wg sync.WaitGroup
	for _, e := range entries {
		if e.Type()&fs.ModeSocket == 0 {
			continue
		}
		sock := filepath.Join(dir, e.Name())
		n++
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c := exec.CommandContext(ctx, SSHProgram, "-o", "ControlPath="+sock, "-O", "exit", "envrun-master")
			if out, err := c.CombinedOutput(); err != nil {
				debugf("close SSH master %s: %v: %s", sock, err, strings.TrimSpace(string(out)))
			}
		}()
	}
	wg.Wait()
	return n
}

// Failure is a failed ansible-playbook (or ansible-galaxy) run.
type Failure struct {
	Program   string
	Status    int           // exit status, -1 when killed by a signal
	Hosts     []HostFailure // the hosts that failed, from the play recap
	Recap     []Stats
	ErrorLine string   // Ansible's ERROR! line, when it stopped before running
	Tail      []string // the last lines of its output
}

func (f *Failure) Error() string {
	status := fmt.Sprintf("exit status %d", f.Status)
	if f.Status < 0 {
		status = "killed"
	}
	switch {
	case len(f.Hosts) > 0:
		parts := make([]string, len(f.Hosts))
		for i, h := range f.Hosts {
			parts[i] = h.String()
		}
		return fmt.Sprintf("%s failed on %d of %d host(s) (%s): %s", f.Program, len(f.Hosts), max(len(f.Recap), len(f.Hosts)),
			status, strings.Join(parts, "; "))
	case f.ErrorLine != "":
		return fmt.Sprintf("%s: %s (%s)", f.Program, f.ErrorLine, status)
	}
	msg := fmt.Sprintf("%s failed (%s)", f.Program, status)
	if len(f.Tail) > 0 {
		msg += "; its output ended with:\n    " + strings.Join(f.Tail, "\n    ")
	}
	return msg
}

func failure(program string, err error, out *Output) error {
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return fmt.Errorf("%s: %w", program, err)
	}
	return &Failure{
		Program:   program,
		Status:    exit.ExitCode(),
		Hosts:     out.Failures(),
		Recap:     out.Recap(),
		ErrorLine: out.ErrorLine(),
		Tail:      out.Tail(),
	}
}
