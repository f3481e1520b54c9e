//go:build unix

package forward

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

// The test binary is its own forwarder: started with ENVRUN_FORWARD_CHILD
// set, it runs Main on its last argument.
func TestMain(m *testing.M) {
	if os.Getenv("ENVRUN_FORWARD_CHILD") == "1" {
		if err := Main(context.Background(), os.Args[len(os.Args)-1], os.Stderr); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Setenv("ENVRUN_FORWARD_CHILD", "") // not inherited by accident
	Exe = func() (string, []string, error) {
		exe, err := os.Executable()
		return exe, []string{"-test.run=^$", "--"}, err
	}
	os.Exit(m.Run())
}

// child makes the forwarders this test starts run Main.
func child(t *testing.T) { t.Setenv("ENVRUN_FORWARD_CHILD", "1") }

// echoServer stands for the guest's service: it answers each line with
// "echo: " and the line.
func echoServer(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.Write([]byte("banner\n"))
				io.Copy(c, c)
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// roundTrip reads the banner through host port port and has a line echoed.
func roundTrip(port int) error {
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", itoa(port)), 5*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte("hello\n")); err != nil {
		return err
	}
	c.(*net.TCPConn).CloseWrite()
	got, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	if string(got) != "banner\nhello\n" {
		return errors.New("got " + string(got))
	}
	return nil
}

func itoa(n int) string { return strconv.Itoa(n) }

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func refused(port int) bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", itoa(port)), 2*time.Second)
	if err == nil {
		c.Close()
		return false
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}

// TestStartServeStop: the parent binds, the forwarder (a process of its
// own, given the listener's descriptor) forwards, the record says so, and
// Stop frees the port and leaves no file.
func TestStartServeStop(t *testing.T) {
	child(t)
	dir := t.TempDir()
	guest := echoServer(t)
	host := freePort(t)
	s := Spec{Machine: "web", Target: "127.0.0.1", Ports: []spec.Port{{Host: host, Guest: guest, Protocol: "tcp"}}}
	l, err := Listen(s.Ports)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Start(dir, s, l)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Stop(dir, "web") })
	if want := (spec.Port{HostIP: "127.0.0.1", Host: host, Guest: guest, Protocol: "tcp"}); len(r.Bound) != 1 || r.Bound[0] != want {
		t.Errorf("bound %v, want %v", r.Bound, want)
	}
	// The parent's copies are closed: only the forwarder holds the port.
	for i := 0; i < 3; i++ {
		if err := roundTrip(host); err != nil {
			t.Fatalf("through the forwarder: %v", err)
		}
	}
	got, err := Running(dir, "web")
	if err != nil || got == nil || got.PID != r.PID || !got.Same(s) {
		t.Fatalf("Running = %+v, %v; want pid %d", got, err, r.PID)
	}
	if got.PID == os.Getpid() {
		t.Fatal("the forwarder is this process")
	}
	if err := Stop(dir, "web"); err != nil {
		t.Fatal(err)
	}
	if !refused(host) {
		t.Errorf("port %d still answers after Stop", host)
	}
	if got, err := Running(dir, "web"); got != nil || err != nil {
		t.Errorf("Running after Stop = %+v, %v", got, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "forward-*"))
	if len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	// Stopping what does not run is not an error.
	if err := Stop(dir, "web"); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

// TestKilled: a forwarder killed with SIGKILL is seen as gone (its lock
// went with it), and a new one can take its ports.
func TestKilled(t *testing.T) {
	child(t)
	dir := t.TempDir()
	guest := echoServer(t)
	host := freePort(t)
	s := Spec{Machine: "db", Target: "127.0.0.1", Ports: []spec.Port{{Host: host, Guest: guest, Protocol: "tcp"}}}
	l, err := Listen(s.Ports)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Start(dir, s, l)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Stop(dir, "db") })
	syscall.Kill(r.PID, syscall.SIGKILL)
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := Running(dir, "db")
		if err != nil {
			t.Fatal(err)
		}
		if got == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a killed forwarder still counts as running")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The kernel closes a killed process's files one by one: the lock
	// may go before the listener does.
	for !refused(host) {
		if time.Now().After(deadline) {
			t.Fatalf("port %d answers with the forwarder killed", host)
		}
		time.Sleep(10 * time.Millisecond)
	}
	l, err = Listen(s.Ports)
	if err != nil {
		t.Fatalf("the port of a killed forwarder: %v", err)
	}
	if _, err := Start(dir, s, l); err != nil {
		t.Fatal(err)
	}
	if err := roundTrip(host); err != nil {
		t.Errorf("through the new forwarder: %v", err)
	}
}

// TestListen: a port in use is a clear error and leaves nothing bound;
// auto_correct binds another; Check reports the same without keeping
// anything.
func TestListen(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	taken := held.Addr().(*net.TCPAddr).Port
	free := freePort(t)

	_, err = Listen([]spec.Port{{Host: free, Guest: 80, Protocol: "tcp"}, {Host: taken, Guest: 22, Protocol: "tcp"}})
	var pe *PortError
	if !errors.As(err, &pe) || pe.Port.Host != taken || !strings.Contains(err.Error(), "host port 127.0.0.1:"+itoa(taken)+"/tcp is in use") ||
		!strings.Contains(err.Error(), "auto_correct = true") {
		t.Fatalf("Listen of a taken port: %v", err)
	}
	if l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", itoa(free))); err != nil {
		t.Errorf("the free port stayed bound after the failure: %v", err)
	} else {
		l.Close()
	}
	if err := Check([]spec.Port{{Host: taken, Guest: 22, Protocol: "tcp"}}, nil); err == nil || !strings.Contains(err.Error(), "is in use") {
		t.Errorf("Check of a taken port: %v", err)
	}
	if err := Check([]spec.Port{{Host: taken, Guest: 22, Protocol: "tcp"}}, func(spec.Port) bool { return true }); err != nil {
		t.Errorf("Check of a port skipped: %v", err)
	}
	if err := Check([]spec.Port{{Host: free, Guest: 80, Protocol: "tcp"}}, nil); err != nil {
		t.Errorf("Check of a free port: %v", err)
	}

	l, err := Listen([]spec.Port{{Host: taken, Guest: 22, Protocol: "tcp", AutoCorrect: true}})
	if err != nil {
		t.Fatalf("auto_correct: %v", err)
	}
	defer l.Close()
	if b := l.Bound[0]; b.Host == taken || b.Host == 0 || b.HostIP != "127.0.0.1" || b.AutoCorrect {
		t.Errorf("auto_correct bound %+v", b)
	}
	if err := Check([]spec.Port{{Host: taken, Guest: 22, Protocol: "tcp", AutoCorrect: true}}, nil); err != nil {
		t.Errorf("Check of an auto_correct port: %v", err)
	}
	if _, err := Listen([]spec.Port{{Host: free, Guest: 53, Protocol: "udp"}}); err == nil {
		t.Error("udp: want an error")
	}
}

func TestSame(t *testing.T) {
	base := Spec{Machine: "web", Target: "10.0.0.2", Ports: []spec.Port{{Host: 8080, Guest: 80, Protocol: "tcp"}}}
	r := &Record{Spec: base}
	jump := &provider.JumpHost{Host: "big"}
	for _, tc := range []struct {
		name string
		s    Spec
		want bool
	}{
		{"same", base, true},
		{"another host port", Spec{Machine: "web", Target: "10.0.0.2", Ports: []spec.Port{{Host: 8081, Guest: 80, Protocol: "tcp"}}}, false},
		{"another address", Spec{Machine: "web", Target: "10.0.0.3", Ports: base.Ports}, false},
		{"a port more", Spec{Machine: "web", Target: "10.0.0.2", Ports: append(base.Ports[:1:1], spec.Port{Host: 2222, Guest: 22, Protocol: "tcp"})}, false},
		{"through a jump host", Spec{Machine: "web", Target: "10.0.0.2", Ports: base.Ports, Jump: jump}, false},
	} {
		if got := r.Same(tc.s); got != tc.want {
			t.Errorf("%s: Same = %v", tc.name, got)
		}
	}
	rj := &Record{Spec: Spec{Machine: "web", Target: "10.0.0.2", Ports: base.Ports, Jump: &provider.JumpHost{Host: "big"}}}
	if !rj.Same(Spec{Machine: "web", Target: "10.0.0.2", Ports: base.Ports, Jump: jump}) {
		t.Error("equal jump hosts: not Same")
	}
}
