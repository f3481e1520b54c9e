// Package sshmux shares one OpenSSH connection per destination among the
// ssh processes a program starts (OpenSSH's connection sharing:
// ControlMaster, ControlPath, ControlPersist). The first stream to a host
// pays the SSH handshake; the later ones, in this process or in the next
// one started within Persist, open a channel on that connection instead.
//
// Host keys are checked as without sharing: the master connection is made
// by ssh with the caller's options and the user's configuration and
// known_hosts (BatchMode: an unknown or changed key fails); streams carried
// by it were opened to the host it verified. A master is shared only by
// the same destination as written (user, host, port), so two aliases of
// one address with different host-key settings never share one.
package sshmux

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/envrun/envrun/internal/flock"
)

// Persist is how long a master connection stays after its last stream
// ends: long enough for the next command of a working session, short
// enough that nothing lingers.
const Persist = 30 * time.Second

// SSHProgram is the ssh that is run (tests put a wrapper in its place).
var SSHProgram = "ssh"

// Dest is a destination as ssh is given it; User and Port may be empty
// (the user's configuration decides).
type Dest struct {
	User, Host, Port string
}

// Args are ssh's arguments naming d: [-l USER] [-p PORT] -- HOST.
func (d Dest) Args() []string {
	var args []string
	if d.User != "" {
		args = append(args, "-l", d.User)
	}
	if d.Port != "" {
		args = append(args, "-p", d.Port)
	}
	return append(args, "--", d.Host)
}

// Path is the control socket of d's master, "" where connections are not
// shared (no private folder for the sockets here, or Windows, whose
// OpenSSH has no connection sharing).
func (d Dest) Path() string {
	dir := socketDir()
	if dir == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(d.User + "\x00" + d.Host + "\x00" + d.Port))
	return filepath.Join(dir, hex.EncodeToString(sum[:8]))
}

// ClientOptions are the ssh options of a stream over d's master: nil
// where connections are not shared. A stream that finds no master (it
// ended a moment ago) connects on its own, as ssh does without sharing.
func (d Dest) ClientOptions() []string {
	p := d.Path()
	if p == "" {
		return nil
	}
	return []string{"-o", "ControlMaster=no", "-o", "ControlPath=" + p}
}

// Error is a master connection that could not be made: ssh's command
// line, how it ended and the last of its stderr.
type Error struct {
	Command, Stderr string
	Err             error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %v", e.Command, e.Err)
	if e.Stderr != "" {
		s += ": " + e.Stderr
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Ensure makes sure a master connection to d answers on d.Path(), making
// one with ssh and opts (ConnectTimeout, BatchMode, ...) when none does.
// Processes that call it at once make one master between them: the
// first makes it, the others wait and use it. Where connections are not
// shared it does nothing.
func Ensure(ctx context.Context, d Dest, opts ...string) error {
	p := d.Path()
	if p == "" {
		return nil
	}
	mu := pathLock(p)
	mu.Lock()
	defer mu.Unlock()
	if answers(p) {
		return nil
	}
	// Between processes: the lock file next to the socket.
	f, err := os.OpenFile(p+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil // no sharing; each stream connects on its own
	}
	defer f.Close()
	if err := flock.Lock(ctx, f); err != nil {
		return err
	}
	defer flock.Unlock(f)
	if answers(p) {
		return nil
	}
	// A socket nobody answers on is left by a master that died: ssh
	// would not replace it, and would stay in the background unshared.
	os.Remove(p)
	args := append(append([]string{}, opts...),
		"-o", "ControlMaster=yes", "-o", "ControlPath="+p,
		"-o", fmt.Sprintf("ControlPersist=%d", int(Persist/time.Second)),
		"-N", "-f")
	args = append(args, d.Args()...)
	cmd := exec.CommandContext(ctx, SSHProgram, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	// ssh -f returns once the master is authenticated and listening; its
	// background half keeps no pipe of ours.
	cmd.WaitDelay = time.Second
	// What was learnt over an earlier connection may no longer hold.
	forgetAll(p)
	if err := cmd.Run(); err != nil {
		return &Error{Command: SSHProgram + " " + strings.Join(args, " "), Stderr: strings.Join(strings.Fields(stderr.String()), " "), Err: err}
	}
	return nil
}

// Close asks d's master to end (its streams end with it). Nothing is done
// when there is none.
func Close(d Dest) {
	p := d.Path()
	if p == "" || !answers(p) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	exec.CommandContext(ctx, SSHProgram, "-o", "ControlPath="+p, "-O", "exit", d.Host).Run()
}

// answers reports whether a master listens on the socket at p.
func answers(p string) bool {
	c, err := net.DialTimeout("unix", p, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

var locks sync.Map // socket path → *sync.Mutex

func pathLock(p string) *sync.Mutex {
	mu, _ := locks.LoadOrStore(p, new(sync.Mutex))
	return mu.(*sync.Mutex)
}

// maxSocketPath leaves ssh room within sun_path (104 bytes on macOS) for
// the temporary name it binds before renaming: ControlPath plus 17.
const maxSocketPath = 104 - 17 - 1

var socketDir = sync.OnceValue(func() string {
	var candidates []string
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		candidates = append(candidates, filepath.Join(d, "envrun"))
	}
	name := fmt.Sprintf("envrun-%d", os.Getuid())
	candidates = append(candidates, filepath.Join(os.TempDir(), name), filepath.Join("/tmp", name))
	for _, dir := range candidates {
		// 16 hex digits of the destination, a slash, ".lock" is longer.
		if len(dir)+1+16 > maxSocketPath || strings.ContainsAny(dir, " \"'%") {
			continue
		}
		if private(dir) {
			return dir
		}
	}
	return ""
})

// private makes dir (mode 0700) unless it exists, and reports whether it
// is a folder of this user's that nobody else can enter.
func private(dir string) bool {
	if !supported {
		return false
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return false
	}
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		return false
	}
	return ownedByMe(fi)
}

// DialForward connects to the unix socket remote on d's host through d's
// master connection: a local socket next to the master's, forwarded by it
// (`ssh -O forward -L`), made on first use and kept as long as the
// master. No process is started on the host for it, where a command
// stream (`ssh HOST CMD`) starts the user's shell and CMD each time. The
// master must answer (Ensure).
//
// fresh says the forward was made by this call: a host that refuses
// forwards to sockets (AllowStreamLocalForwarding no) accepts the local
// connection and closes it, so the caller checks a fresh one.
func DialForward(ctx context.Context, d Dest, remote string) (c net.Conn, fresh bool, err error) {
	p := d.Path()
	if p == "" {
		return nil, false, errors.New("connections are not shared here")
	}
	local := forwardPath(p, remote)
	var dl net.Dialer
	if c, err := dl.DialContext(ctx, "unix", local); err == nil {
		return c, false, nil
	}
	mu := pathLock(local)
	mu.Lock()
	defer mu.Unlock()
	if c, err := dl.DialContext(ctx, "unix", local); err == nil {
		return c, false, nil
	}
	// A socket left by an earlier master: the new one could not bind it.
	os.Remove(local)
	cmd := exec.CommandContext(ctx, SSHProgram, "-o", "ControlPath="+p, "-O", "forward", "-L", local+":"+remote, d.Host)
	cmd.WaitDelay = time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, false, &Error{Command: strings.Join(cmd.Args, " "), Stderr: strings.Join(strings.Fields(string(out)), " "), Err: err}
	}
	c, err = dl.DialContext(ctx, "unix", local)
	return c, err == nil, err
}

// Forward is the local socket that d's master forwards to the unix
// socket remote on d's host, made as DialForward makes it, for a client
// that dials a socket path itself.
func Forward(ctx context.Context, d Dest, remote string) (string, error) {
	c, _, err := DialForward(ctx, d, remote)
	if err != nil {
		return "", err
	}
	c.Close()
	return forwardPath(d.Path(), remote), nil
}

// forwardPath is the local socket of the forward to remote of the master
// at p.
func forwardPath(p, remote string) string {
	sum := sha256.Sum256([]byte(remote))
	return p + "-" + hex.EncodeToString(sum[:4])
}

// Remembered is a short answer about d's host, kept as long as its
// master connection (a new master forgets it): ask gives it when none is
// kept, and it is kept when ask succeeds.
func Remembered(ctx context.Context, d Dest, name string, ask func(context.Context) (string, error)) (string, error) {
	p := d.Path()
	if p == "" {
		return ask(ctx)
	}
	file := p + "." + name
	if data, err := os.ReadFile(file); err == nil {
		return string(data), nil
	}
	v, err := ask(ctx)
	if err == nil {
		os.WriteFile(file, []byte(v), 0o600)
	}
	return v, err
}

// Recall is what Remembered or Remember kept under name for d's master,
// if anything.
func Recall(d Dest, name string) (string, bool) {
	p := d.Path()
	if p == "" {
		return "", false
	}
	data, err := os.ReadFile(p + "." + name)
	return string(data), err == nil
}

// KeepFor is how long an answer Kept stays: a day.
const KeepFor = 24 * time.Hour

// Kept is Remembered for an answer that outlives the master connection
// (which socket the host's engine is on: asking starts the user's shell
// and a program on the host, most of a command's time when no connection
// is shared yet). It is kept for KeepFor beside the master's socket.
// earlier says it was learnt before, maybe over an earlier connection:
// the caller checks that it still holds, and when it does not, drops it
// (Unkeep) and asks again.
func Kept(ctx context.Context, d Dest, name string, ask func(context.Context) (string, error)) (v string, earlier bool, err error) {
	p := d.Path()
	if p == "" {
		v, err = ask(ctx)
		return v, false, err
	}
	file := p + keptInfix + name
	if fi, err := os.Stat(file); err == nil && time.Since(fi.ModTime()) < KeepFor {
		if data, err := os.ReadFile(file); err == nil {
			return string(data), true, nil
		}
	}
	if v, err = ask(ctx); err == nil {
		os.WriteFile(file, []byte(v), 0o600)
	}
	return v, false, err
}

// Unkeep drops what Kept kept under name.
func Unkeep(d Dest, name string) {
	if p := d.Path(); p != "" {
		os.Remove(p + keptInfix + name)
	}
}

// keptInfix names the files of Kept, which a new master leaves.
const keptInfix = ".kept."

// Remember keeps value under name as Remembered does.
func Remember(d Dest, name, value string) {
	if p := d.Path(); p != "" {
		os.WriteFile(p+"."+name, []byte(value), 0o600)
	}
}

// Forget drops what Remembered kept under name.
func Forget(d Dest, name string) {
	if p := d.Path(); p != "" {
		os.Remove(p + "." + name)
	}
}

// forgetAll drops every answer kept about the master at p.
func forgetAll(p string) {
	files, _ := filepath.Glob(p + ".*")
	for _, f := range files {
		if !strings.HasSuffix(f, ".lock") && !strings.Contains(f, keptInfix) {
			os.Remove(f)
		}
	}
}
