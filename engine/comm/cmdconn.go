package comm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// CommandConn runs a command (`ssh -W host:port jump`) and is its stdin
// and stdout as a net.Conn: the way OpenSSH's ProxyCommand and the docker
// CLI's ssh:// helper reach what only another host can route to. Errors
// name the command and end with its stderr.
func CommandConn(ctx context.Context, name string, args ...string) (net.Conn, error) {
	cmd := exec.Command(name, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c := &cmdConn{cmd: cmd, stdin: stdin, stdout: stdout, line: name + " " + strings.Join(args, " "), exited: make(chan struct{})}
	cmd.Stderr = &c.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("run %s: %w", c.line, err)
	}
	go func() {
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()
	return c, nil
}

type cmdConn struct {
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stdout  io.ReadCloser
	line    string
	stderr  lockedTail
	exited  chan struct{}
	waitErr error
	once    sync.Once
}

// CommandError is a proxy command that ended: its command line, exit
// status and the last of its stderr.
type CommandError struct {
	Command, Stderr string
	Err             error
}

func (e *CommandError) Error() string {
	s := fmt.Sprintf("%s: %v", e.Command, e.Err)
	if e.Stderr != "" {
		s += ": " + e.Stderr
	}
	return s
}

// HostKeyRefused reports whether OpenSSH refused the jump host's key
// (changed or unknown): retrying cannot help.
func (e *CommandError) HostKeyRefused() bool {
	return strings.Contains(e.Stderr, "Host key verification failed") || strings.Contains(e.Stderr, "IDENTIFICATION HAS CHANGED")
}

// LoginRefused reports whether the jump host refused the login.
func (e *CommandError) LoginRefused() bool {
	return strings.Contains(e.Stderr, "Permission denied")
}

// err turns a read or write error into the command's own story once it
// has exited.
func (c *cmdConn) err(err error) error {
	if err == nil {
		return nil
	}
	select {
	case <-c.exited:
	case <-time.After(2 * time.Second):
		return err
	}
	why := c.waitErr
	if why == nil {
		why = errors.New("exited")
	}
	return &CommandError{Command: c.line, Stderr: strings.Join(strings.Fields(c.stderr.String()), " "), Err: why}
}

func (c *cmdConn) Read(b []byte) (int, error) {
	n, err := c.stdout.Read(b)
	if err == io.EOF {
		select {
		case <-c.exited:
			if c.waitErr != nil {
				return n, c.err(err)
			}
		default:
		}
		return n, err
	}
	return n, c.err(err)
}

func (c *cmdConn) Write(b []byte) (int, error) {
	n, err := c.stdin.Write(b)
	return n, c.err(err)
}

// CloseWrite ends the command's stdin.
func (c *cmdConn) CloseWrite() error { return c.stdin.Close() }

func (c *cmdConn) Close() error {
	c.once.Do(func() {
		c.stdin.Close()
		select {
		case <-c.exited:
		case <-time.After(time.Second):
			c.cmd.Process.Kill()
			<-c.exited
		}
	})
	return nil
}

func (c *cmdConn) LocalAddr() net.Addr                { return cmdAddr(c.line) }
func (c *cmdConn) RemoteAddr() net.Addr               { return cmdAddr(c.line) }
func (c *cmdConn) SetDeadline(t time.Time) error      { return nil }
func (c *cmdConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *cmdConn) SetWriteDeadline(t time.Time) error { return nil }

type cmdAddr string

func (a cmdAddr) Network() string { return "command" }
func (a cmdAddr) String() string  { return string(a) }

// lockedTail keeps the last 2 KiB written to it.
type lockedTail struct {
	mu sync.Mutex
	b  []byte
}

func (t *lockedTail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 2048 {
		t.b = t.b[len(t.b)-2048:]
	}
	return len(p), nil
}

func (t *lockedTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}
