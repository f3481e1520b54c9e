//go:build libvirt_dlopen && cgo

package libvirt

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/forward"
	"github.com/envrun/envrun/engine/spec"
)

// The test binary is the port forwarder of the machines these tests make:
// started with ENVRUN_FORWARD_CHILD=1, it runs forward.Main.
func TestMain(m *testing.M) {
	if os.Getenv("ENVRUN_FORWARD_CHILD") == "1" {
		if err := forward.Main(context.Background(), os.Args[len(os.Args)-1], os.Stderr); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	forward.Exe = func() (string, []string, error) {
		exe, err := os.Executable()
		return exe, []string{"-test.run=^$", "--"}, err
	}
	os.Exit(m.Run())
}

func freeHostPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// held reports whether something listens on 127.0.0.1:port, by trying to
// bind it (a connection would have the forwarder dial the test driver's
// made-up guest address).
func held(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return errors.Is(err, syscall.EADDRINUSE)
	}
	l.Close()
	return false
}

func machinePorts(t *testing.T, p *Provider, name string) []spec.Port {
	t.Helper()
	ms, err := p.Machines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Name == name {
			return m.Ports
		}
	}
	return nil
}

// TestUpForwardsPorts: up starts the machine's forwarder (status shows
// its ports), halt and destroy stop it, up reconciles a killed forwarder
// and changed ports, and a port in use fails before anything is made.
func TestUpForwardsPorts(t *testing.T) {
	t.Setenv("ENVRUN_FORWARD_CHILD", "1")
	f := newFixture(t, "web")
	ctx := context.Background()
	m := f.machine("web")
	m.Pos = spec.Pos{File: "Envfile.lua", Line: 7}
	port := freeHostPort(t)
	m.Ports = []spec.Port{{Host: port, Guest: 80, Protocol: "tcp"}}
	dir := f.env.State.Path

	if _, err := f.p.Up(ctx, m); err != nil {
		t.Fatal(err)
	}
	want := []spec.Port{{HostIP: "127.0.0.1", Host: port, Guest: 80, Protocol: "tcp"}}
	if got := machinePorts(t, f.p, "web"); len(got) != 1 || got[0] != want[0] {
		t.Errorf("Machines: ports %v, want %v", got, want)
	}
	if !held(port) {
		t.Fatalf("port %d not held after Up", port)
	}
	r, _ := forward.Running(dir, "web")
	if r == nil || r.Target != "10.231.48.20" {
		t.Fatalf("forwarder %+v, want one to 10.231.48.20", r)
	}

	// A no-op up keeps the forwarder, and Preflight does not count its
	// ports as taken.
	if err := f.p.Preflight(ctx, []*spec.Machine{m}); err != nil {
		t.Errorf("Preflight with the machine's own forwarder: %v", err)
	}
	if _, err := f.p.Up(ctx, m); err != nil {
		t.Fatal(err)
	}
	if again, _ := forward.Running(dir, "web"); again == nil || again.PID != r.PID {
		t.Errorf("a no-op Up replaced the forwarder (%+v, was pid %d)", again, r.PID)
	}

	// Halt stops it: the port is free, status has none.
	if err := f.p.Halt(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	if held(port) {
		t.Errorf("port %d still held after Halt", port)
	}
	if _, err := f.p.Up(ctx, m); err != nil {
		t.Fatal(err)
	}
	if !held(port) {
		t.Errorf("port %d not held after Up following Halt", port)
	}

	// A forwarder killed (kill -9, a reboot) is started again by up; a
	// running machine without it shows no ports meanwhile.
	r, _ = forward.Running(dir, "web")
	syscall.Kill(r.PID, syscall.SIGKILL)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		// Gone, and its port with it: the kernel closes a killed
		// process's files one by one, the lock maybe before the port.
		if x, _ := forward.Running(dir, "web"); x == nil && !held(port) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the killed forwarder still counts as running")
		}
	}
	if got := machinePorts(t, f.p, "web"); got == nil || len(got) != 0 {
		t.Errorf("Machines with the forwarder killed: %v, want none (not nil)", got)
	}
	if _, err := f.p.Up(ctx, m); err != nil {
		t.Fatal(err)
	}
	if x, _ := forward.Running(dir, "web"); x == nil || x.PID == r.PID || !held(port) {
		t.Errorf("Up after the forwarder was killed: %+v", x)
	}

	// Changed ports replace the forwarder.
	port2 := freeHostPort(t)
	m.Ports = []spec.Port{{Host: port2, Guest: 80, Protocol: "tcp"}}
	if _, err := f.p.Up(ctx, m); err != nil {
		t.Fatal(err)
	}
	if held(port) || !held(port2) {
		t.Errorf("after a port change: old %d held %v, new %d held %v", port, held(port), port2, held(port2))
	}
	if !strings.Contains(f.log.String(), "its ports changed") {
		t.Errorf("the replacement is not said:\n%s", f.log)
	}

	// Ports removed from the Envfile: the forwarder goes.
	m.Ports = nil
	if _, err := f.p.Up(ctx, m); err != nil {
		t.Fatal(err)
	}
	if held(port2) {
		t.Errorf("port %d held with no ports in the Envfile", port2)
	}
	m.Ports = []spec.Port{{Host: port2, Guest: 80, Protocol: "tcp"}}
	if _, err := f.p.Up(ctx, m); err != nil {
		t.Fatal(err)
	}

	// Destroy stops it and leaves no file of it.
	if err := f.p.Destroy(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	if held(port2) {
		t.Errorf("port %d held after Destroy", port2)
	}
	if x, err := forward.Running(dir, "web"); x != nil || err != nil {
		t.Errorf("forwarder after Destroy: %+v, %v", x, err)
	}
	for _, name := range []string{"forward-web.json", "forward-web.lock", "forward-web.log"} {
		if _, err := os.Stat(f.env.State.Join(name)); !os.IsNotExist(err) {
			t.Errorf("%s left after Destroy (%v)", name, err)
		}
	}
}

// TestPortInUse: a host port something else holds fails Preflight and Up
// with the machine's FILE:LINE, and Up makes nothing.
func TestPortInUse(t *testing.T) {
	t.Setenv("ENVRUN_FORWARD_CHILD", "1")
	f := newFixture(t, "web")
	ctx := context.Background()
	other, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	taken := other.Addr().(*net.TCPAddr).Port
	m := f.machine("web")
	m.Pos = spec.Pos{File: "Envfile.lua", Line: 7}
	m.Ports = []spec.Port{{Host: taken, Guest: 22, Protocol: "tcp"}}

	want := `Envfile.lua:7: machine "web": host port 127.0.0.1:` + strconv.Itoa(taken) + `/tcp is in use`
	if err := f.p.Preflight(ctx, []*spec.Machine{m}); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Preflight: %v, want %q", err, want)
	}
	if _, err := f.p.Up(ctx, m); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Up: %v, want %q", err, want)
	}
	if ms, _ := f.p.Machines(ctx); len(ms) != 0 {
		t.Errorf("Up with a port in use made %+v", ms)
	}

	// auto_correct: another port is bound, and status shows it.
	m.Ports[0].AutoCorrect = true
	if err := f.p.Preflight(ctx, []*spec.Machine{m}); err != nil {
		t.Errorf("Preflight with auto_correct: %v", err)
	}
	if _, err := f.p.Up(ctx, m); err != nil {
		t.Fatal(err)
	}
	got := machinePorts(t, f.p, "web")
	if len(got) != 1 || got[0].Host == taken || !held(got[0].Host) {
		t.Errorf("auto_correct: ports %v (asked %d, taken)", got, taken)
	}
	// Suspend stops the forwarder (before the managed save, which the
	// test driver may refuse).
	f.p.Suspend(ctx, "web")
	if len(got) == 1 && held(got[0].Host) {
		t.Errorf("port %d held after Suspend", got[0].Host)
	}
}
