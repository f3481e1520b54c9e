// Package forward holds a machine's forwarded ports (`ports`) where the
// backend has no port publishing of its own (libvirt): a small process,
// envrun itself re-executed as `envrun forward`, accepts on the host ports
// and dials the machine's port for each connection, directly or through
// the SSH host envrun reaches the machine by.
//
// The process that asks for the forward binds the listeners first and
// hands them to the forwarder (os/exec's ExtraFiles), so a port in use is
// an error of the command that asked, before anything is made, and the
// forwarder has nothing left that can fail but its dials. The forwarder
// runs in a session of its own (envrun's Ctrl-C and exit leave it alone).
// It holds a lock on FOLDER/forward-MACHINE.lock, taken by the parent and
// inherited: the lock held means the forwarder lives (whatever happened to
// it, kill -9 or a reboot, the lock goes with it), and FOLDER/forward-
// MACHINE.json says what it forwards and its process ID.
package forward

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/internal/flock"
)

// Command is the name of envrun's hidden subcommand that runs a forwarder.
const Command = "forward"

// DefaultHostIP is the address a port without host_ip listens on: a
// forwarder is a process of the user's, and what it opens should not
// reach further than this host unless asked.
const DefaultHostIP = "127.0.0.1"

// Spec is what one machine's forwarder does.
type Spec struct {
	Machine string `json:"machine"`
	// Target is the machine's address, as this host (or Jump) dials it.
	Target string `json:"target"`
	// Jump, when set, is the SSH host each connection is dialled through
	// (a qemu+ssh:// libvirt's host: its VMs' networks are there).
	Jump *provider.JumpHost `json:"jump,omitempty"`
	// Ports are the Envfile's, as asked.
	Ports []spec.Port `json:"ports"`
}

// Record is a started forwarder, as FOLDER/forward-MACHINE.json keeps it.
type Record struct {
	Spec
	PID int `json:"pid"`
	// Bound are the ports as bound, in the order of Ports: the host port
	// differs where auto_correct picked a free one.
	Bound []spec.Port `json:"bound"`
}

// Same reports whether r forwards what s asks.
func (r *Record) Same(s Spec) bool {
	return r.Machine == s.Machine && r.Target == s.Target && slices.Equal(r.Ports, s.Ports) &&
		(r.Jump == nil) == (s.Jump == nil) && (r.Jump == nil || *r.Jump == *s.Jump)
}

// Paths of machine's files in the state folder dir.
func recordPath(dir, machine string) string { return filepath.Join(dir, "forward-"+machine+".json") }
func lockPath(dir, machine string) string   { return filepath.Join(dir, "forward-"+machine+".lock") }
func logPath(dir, machine string) string    { return filepath.Join(dir, "forward-"+machine+".log") }

// HostIP is the address p listens on.
func HostIP(p spec.Port) string {
	if p.HostIP == "" {
		return DefaultHostIP
	}
	return p.HostIP
}

func addr(p spec.Port) string { return net.JoinHostPort(HostIP(p), strconv.Itoa(p.Host)) }

// PortError is a host port that cannot be listened on.
type PortError struct {
	Port spec.Port
	Err  error
}

func (e *PortError) Error() string {
	if errors.Is(e.Err, syscall.EADDRINUSE) {
		return fmt.Sprintf("host port %s/%s is in use (by another program or environment): free it, give another host port, or let envrun pick a free one with { host = %d, guest = %d, auto_correct = true }",
			addr(e.Port), e.Port.Protocol, e.Port.Host, e.Port.Guest)
	}
	return fmt.Sprintf("host port %s/%s: %v", addr(e.Port), e.Port.Protocol, e.Err)
}

func (e *PortError) Unwrap() error { return e.Err }

// Listeners are the bound host ports of one forward, not yet handed over.
type Listeners struct {
	ls    []*net.TCPListener
	Bound []spec.Port
}

// Close closes the listeners (when they were not handed to a forwarder).
func (l *Listeners) Close() {
	if l == nil {
		return
	}
	for _, x := range l.ls {
		x.Close()
	}
	l.ls = nil
}

// Listen binds ports (TCP) on this host. A port in use is a *PortError,
// unless it allows auto_correct: then a free port of the system's choice
// is bound instead. Nothing stays bound when it fails.
func Listen(ports []spec.Port) (*Listeners, error) {
	l := &Listeners{}
	for _, p := range ports {
		if p.Protocol != "" && p.Protocol != "tcp" {
			l.Close()
			return nil, &PortError{Port: p, Err: errors.New("only tcp ports are forwarded here")}
		}
		x, err := net.Listen("tcp", addr(p))
		if err != nil && p.AutoCorrect && errors.Is(err, syscall.EADDRINUSE) {
			x, err = net.Listen("tcp", net.JoinHostPort(HostIP(p), "0"))
		}
		if err != nil {
			l.Close()
			return nil, &PortError{Port: p, Err: err}
		}
		b := p
		b.HostIP = HostIP(p)
		b.Host = x.Addr().(*net.TCPAddr).Port
		b.AutoCorrect = false
		l.ls = append(l.ls, x.(*net.TCPListener))
		l.Bound = append(l.Bound, b)
	}
	return l, nil
}

// Check reports the first of ports that cannot be listened on now, as
// Listen would, binding each for a moment; ports allowing auto_correct are
// not checked, nor those skip says are held by the machine's own
// forwarder (they are freed before they are bound again).
func Check(ports []spec.Port, skip func(spec.Port) bool) error {
	for _, p := range ports {
		if p.AutoCorrect || skip != nil && skip(p) {
			continue
		}
		l, err := Listen([]spec.Port{p})
		if err != nil {
			return err
		}
		l.Close()
	}
	return nil
}

// Running returns machine's forwarder in the state folder dir when it
// runs, else nil.
func Running(dir, machine string) (*Record, error) {
	f, err := os.Open(lockPath(dir, machine))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	switch err := flock.TryLock(f); {
	case err == nil:
		// Nobody holds it: the forwarder is gone (killed, or the host
		// rebooted). What it left is stale.
		flock.Unlock(f)
		return nil, nil
	case !errors.Is(err, flock.ErrLocked):
		return nil, err
	}
	var r Record
	if err := readJSON(recordPath(dir, machine), &r); err != nil {
		return nil, err
	}
	if r.PID == 0 {
		// Held, but not recorded yet: a forwarder being started.
		return nil, fmt.Errorf("the forwarder of %s is being started by another envrun", machine)
	}
	return &r, nil
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}

// Exe is how a forwarder is started: the program and the arguments before
// the spec (tests put their own binary in its place).
var Exe = func() (string, []string, error) {
	exe, err := os.Executable()
	return exe, []string{Command}, err
}

// Start starts machine s.Machine's forwarder on l, which it takes over
// (closed here whether it succeeds or not), and records it in the state
// folder dir. The machine's forwarder must not run (Stop it first).
func Start(dir string, s Spec, l *Listeners) (*Record, error) {
	defer l.Close()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(lockPath(dir, s.Machine), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	defer lock.Close() // the forwarder's copy keeps the lock
	if err := flock.TryLock(lock); err != nil {
		return nil, fmt.Errorf("the forwarder of %s runs already: %w", s.Machine, err)
	}
	os.Remove(recordPath(dir, s.Machine))
	files := []*os.File{lock}
	defer func() {
		for _, f := range files[1:] {
			f.Close()
		}
	}()
	for _, x := range l.ls {
		f, err := x.File()
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	logf, err := os.OpenFile(logPath(dir, s.Machine), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	arg, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	exe, args, err := Exe()
	if err != nil {
		return nil, err
	}
	cmd := command(exe, append(args, string(arg))...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.ExtraFiles = files
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the port forwarder of %s: %w", s.Machine, err)
	}
	go cmd.Wait() // reaped when it ends while this process lives
	r := &Record{Spec: s, PID: cmd.Process.Pid, Bound: l.Bound}
	if err := state.WriteJSON(recordPath(dir, s.Machine), r); err != nil {
		kill(r.PID)
		return nil, err
	}
	return r, nil
}

// Stop ends machine's forwarder in the state folder dir, when it runs, and
// removes its files. It returns once the host ports are free.
func Stop(dir, machine string) error {
	r, err := Running(dir, machine)
	if err != nil {
		return err
	}
	if r != nil {
		if err := terminate(r.PID, func() bool { x, _ := Running(dir, machine); return x == nil }); err != nil {
			return fmt.Errorf("stop the port forwarder of %s (process %d): %w", machine, r.PID, err)
		}
	}
	for _, p := range []string{recordPath(dir, machine), lockPath(dir, machine), logPath(dir, machine)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// terminate asks process pid to stop and waits until gone says it is,
// killing it when it takes too long.
func terminate(pid int, gone func() bool) error {
	if err := sendSignal(pid, false); err != nil {
		return err
	}
	for _, hard := range []bool{false, true} {
		if hard {
			if err := sendSignal(pid, true); err != nil {
				return err
			}
		}
		for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if gone() {
				return nil
			}
		}
	}
	return errors.New("it did not end")
}

func kill(pid int) { sendSignal(pid, true) }

// Serve is the forwarder: it accepts on listeners (the ports of s, in
// order) until ctx ends, and joins each connection to s.Target's guest
// port, dialled directly or through s.Jump.
func Serve(ctx context.Context, s Spec, listeners []net.Listener, logf func(format string, args ...any)) error {
	if len(listeners) != len(s.Ports) {
		return fmt.Errorf("%d listeners for %d ports", len(listeners), len(s.Ports))
	}
	dial := func(ctx context.Context, target string) (net.Conn, error) {
		if s.Jump != nil {
			return s.Jump.Dial(ctx, target)
		}
		var d net.Dialer
		return d.DialContext(ctx, "tcp", target)
	}
	var wg sync.WaitGroup
	for i, l := range listeners {
		target := net.JoinHostPort(s.Target, strconv.Itoa(s.Ports[i].Guest))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := l.Accept()
				if err != nil {
					if ctx.Err() == nil {
						logf("accept on %s: %v", l.Addr(), err)
					}
					return
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					join(ctx, c, target, dial, logf)
				}()
			}
		}()
	}
	<-ctx.Done()
	for _, l := range listeners {
		l.Close()
	}
	return nil
}

// join copies between c and a new connection to target until both sides
// are done (each half-closed on its own) or ctx ends.
func join(ctx context.Context, c net.Conn, target string, dial func(context.Context, string) (net.Conn, error), logf func(string, ...any)) {
	defer c.Close()
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	g, err := dial(dctx, target)
	cancel()
	if err != nil {
		logf("%s: dial %s: %v", c.RemoteAddr(), target, err)
		return
	}
	defer g.Close()
	stop := context.AfterFunc(ctx, func() { c.Close(); g.Close() })
	defer stop()
	done := make(chan struct{}, 2)
	pipe := func(dst, src net.Conn) {
		io.Copy(dst, src)
		if cw, ok := dst.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		} else {
			dst.Close()
		}
		done <- struct{}{}
	}
	go pipe(g, c)
	go pipe(c, g)
	<-done
	<-done
}

// FirstFD is the descriptor of the forwarder's first listener: 3 is the
// lock, then one per port.
const FirstFD = 4

// Inherited takes over the descriptors a forwarder of s was started with:
// the lock (kept open for the process's life, and not passed on to what
// it starts) and one listener per port.
func Inherited(s Spec) ([]net.Listener, error) {
	syscall.CloseOnExec(3)
	var ls []net.Listener
	for i := range s.Ports {
		f := os.NewFile(uintptr(FirstFD+i), "port-"+strconv.Itoa(s.Ports[i].Host))
		if f == nil {
			return nil, fmt.Errorf("no descriptor %d for port %d", FirstFD+i, s.Ports[i].Host)
		}
		l, err := net.FileListener(f) // a duplicate, close-on-exec
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("descriptor %d: %w", FirstFD+i, err)
		}
		ls = append(ls, l)
	}
	return ls, nil
}

// Main is `envrun forward SPEC`: the forwarder's process, until SIGTERM.
func Main(ctx context.Context, arg string, log io.Writer) error {
	var s Spec
	if err := json.Unmarshal([]byte(arg), &s); err != nil {
		return fmt.Errorf("forward: %w", err)
	}
	ls, err := Inherited(s)
	if err != nil {
		return err
	}
	ctx, stop := notifyContext(ctx)
	defer stop()
	logf := func(format string, args ...any) {
		fmt.Fprintf(log, time.Now().UTC().Format(time.RFC3339)+" "+format+"\n", args...)
	}
	logf("forwarding %v to %s (machine %s)", s.Ports, s.Target, s.Machine)
	return Serve(ctx, s, ls, logf)
}
