package comm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Config says how to reach a machine.
type Config struct {
	Machine string // for messages
	Addr    string // host:port
	User    string
	Signer  ssh.Signer
	// Auth are further ways to log in, tried after Signer (which may then
	// be nil): a box's well-known key or password at first contact.
	Auth    []ssh.AuthMethod
	HostKey ssh.HostKeyCallback
	// HostKeyAlgorithms the client accepts; nil means ed25519 only (the
	// host keys envrun installs). First contact with a box's own sshd may
	// need more.
	HostKeyAlgorithms []string
	// Keepalive is the interval of keepalive probes; a connection that
	// misses two answers in a row is closed as dead. 0 means 10s.
	Keepalive time.Duration
	// Via opens the stream the SSH connection runs over when Addr is not
	// routable from here (a jump host's `ssh -W`, the engine's API); nil
	// dials Addr over TCP. Addr still names the machine for host keys.
	Via func(ctx context.Context) (net.Conn, error)
	// ForwardAgent is the local SSH agent's socket (SSH_AUTH_SOCK) whose
	// keys every session run on the connection may use; "" forwards none.
	ForwardAgent string
}

func (c *Config) clientConfig() *ssh.ClientConfig {
	var auth []ssh.AuthMethod
	if c.Signer != nil {
		auth = append(auth, ssh.PublicKeys(c.Signer))
	}
	algos := c.HostKeyAlgorithms
	if algos == nil {
		algos = []string{ssh.KeyAlgoED25519}
	}
	return &ssh.ClientConfig{
		User:              c.User,
		Auth:              append(auth, c.Auth...),
		HostKeyCallback:   c.HostKey,
		HostKeyAlgorithms: algos,
		Timeout:           10 * time.Second,
	}
}

// Client is one SSH connection to a machine, shared by all its steps.
type Client struct {
	cfg  Config
	conn *ssh.Client

	sftpOnce sync.Once
	sftp     *sftp.Client
	sftpErr  error

	syncMu sync.Mutex
	synced map[string]*synced // by destination: what UploadTree last sent there

	agentMu    sync.Mutex
	agentAsked bool // the connection's agent forwarding was granted

	deadMu sync.Mutex
	dead   error // why the connection was closed by the keepalive, if it was
	stop   chan struct{}
	gone   chan struct{} // closed once the connection has ended
}

// Dial connects once.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	var nc net.Conn
	var err error
	if cfg.Via != nil {
		nc, err = cfg.Via(ctx)
		if err == nil {
			nc = viaConn{nc, cfg.Addr}
		}
	} else {
		d := net.Dialer{Timeout: 5 * time.Second}
		nc, err = d.DialContext(ctx, "tcp", cfg.Addr)
	}
	if err != nil {
		return nil, err
	}
	// The handshake has no context of its own: bound it by ctx.
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(15 * time.Second))
	sc, chans, reqs, err := ssh.NewClientConn(nc, cfg.Addr, cfg.clientConfig())
	nc.SetDeadline(time.Time{})
	if !stop() {
		if err == nil {
			sc.Close()
		}
		return nil, context.Cause(ctx)
	}
	if err != nil {
		nc.Close()
		return nil, err
	}
	c := &Client{cfg: cfg, conn: ssh.NewClient(sc, chans, reqs), stop: make(chan struct{}), gone: make(chan struct{})}
	if cfg.ForwardAgent != "" {
		// Channels the machine opens back to the agent are answered by
		// dialling the socket afresh each time.
		if err := agent.ForwardToRemote(c.conn, cfg.ForwardAgent); err != nil {
			c.conn.Close()
			return nil, fmt.Errorf("forward the SSH agent to %s: %w", cfg.Machine, err)
		}
	}
	go c.keepalive()
	go func() {
		c.conn.Wait()
		close(c.gone)
	}()
	return c, nil
}

// Done is closed once the connection has ended: closed by either side,
// broken, or given up by the keepalive. A long-lived user of a client
// (envrun watch) dials again then.
func (c *Client) Done() <-chan struct{} { return c.gone }

// WaitError is returned when a machine's SSH never became ready.
type WaitError struct {
	Machine, Addr, User string
	Waited              time.Duration
	Last                error
}

func (e *WaitError) Error() string {
	return fmt.Sprintf("waited %s for SSH on %s as %s with the environment key; last error: %v",
		e.Waited.Round(time.Second), e.Addr, e.User, e.Last)
}

func (e *WaitError) Unwrap() error { return e.Last }

// authGrace is how long a refused login is retried: sshd may start
// before a freshly installed key is in place, but a key refused for longer
// will stay refused.
const authGrace = 5 * time.Second

// AuthError is a machine whose sshd answers but refuses the login.
type AuthError struct {
	Machine, Addr, User string
	Err                 error
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("SSH on %s refused the login of %s for %s: is the key authorized for that user? (%v)", e.Addr, e.User, authGrace, e.Err)
}

func (e *AuthError) Unwrap() error { return e.Err }

func isAuthFailure(err error) bool {
	return err != nil && strings.Contains(err.Error(), "unable to authenticate")
}

// WaitDial dials until it succeeds, backing off from 10 ms to 500 ms between
// tries, for at most timeout. A changed host key stops the wait at once; a
// login refused for authGrace stops it too.
func WaitDial(ctx context.Context, cfg Config, timeout time.Duration) (*Client, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	t0 := time.Now()
	delay := 10 * time.Millisecond
	var last error
	var refusedSince time.Time
	for {
		c, err := Dial(ctx, cfg)
		if err == nil {
			return c, nil
		}
		if errors.Is(err, ErrHostKeyChanged) {
			return nil, err
		}
		// A jump host that refuses its key or the login will go on
		// refusing: say so now.
		var ce *CommandError
		if errors.As(err, &ce) && (ce.HostKeyRefused() || ce.LoginRefused()) {
			return nil, fmt.Errorf("reach %s through the jump host: %w", cfg.Machine, err)
		}
		switch {
		case !isAuthFailure(err):
			refusedSince = time.Time{}
		case refusedSince.IsZero():
			refusedSince = time.Now()
		case time.Since(refusedSince) >= authGrace:
			return nil, &AuthError{Machine: cfg.Machine, Addr: cfg.Addr, User: cfg.User, Err: err}
		}
		if ctx.Err() == nil || last == nil {
			last = err
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) && time.Since(t0) >= timeout-time.Millisecond {
				return nil, &WaitError{Machine: cfg.Machine, Addr: cfg.Addr, User: cfg.User, Waited: time.Since(t0), Last: last}
			}
			return nil, context.Cause(ctx)
		case <-time.After(delay):
		}
		if time.Since(t0) >= fastPoll {
			delay = min(delay*2, 500*time.Millisecond)
		}
	}
}

// fastPoll is how long WaitDial tries every 10 ms before it backs off:
// a container's sshd listens 60-80 ms after its start (measured here), and
// a doubling delay from the start lost up to half of that again, and more
// under load.
const fastPoll = time.Second

// keepalive probes the connection and closes it when the peer stops
// answering, so a dead machine fails the running step instead of hanging it.
func (c *Client) keepalive() {
	every := c.cfg.Keepalive
	if every <= 0 {
		every = 10 * time.Second
	}
	t := time.NewTicker(every)
	defer t.Stop()
	missed := 0
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		answered := make(chan error, 1)
		go func() {
			_, _, err := c.conn.SendRequest("keepalive@openssh.com", true, nil)
			answered <- err
		}()
		select {
		case err := <-answered:
			if err != nil {
				return // the connection is closed already
			}
			missed = 0
			continue
		case <-time.After(every):
		case <-c.stop:
			return
		}
		missed++
		if missed >= 2 {
			c.deadMu.Lock()
			c.dead = fmt.Errorf("connection to %s (%s) lost: no answer to keepalives for %s", c.cfg.Machine, c.cfg.Addr, 2*every)
			c.deadMu.Unlock()
			c.conn.Close()
			return
		}
	}
}

// Close closes the connection.
func (c *Client) Close() error {
	select {
	case <-c.stop:
	default:
		close(c.stop)
	}
	if c.sftp != nil {
		c.sftp.Close()
	}
	return c.conn.Close()
}

// wrap explains an error that came from a connection the keepalive closed.
func (c *Client) wrap(err error) error {
	c.deadMu.Lock()
	defer c.deadMu.Unlock()
	if c.dead != nil && err != nil {
		return c.dead
	}
	return err
}

// ExitError is a command that ran and exited non-zero.
type ExitError struct {
	Cmd    string
	Status int
	Signal string
	Stderr string // the tail of its stderr, when it was captured
}

func (e *ExitError) Error() string {
	how := fmt.Sprintf("exit status %d", e.Status)
	if e.Signal != "" {
		how = "killed by signal " + e.Signal
	}
	msg := fmt.Sprintf("command %q failed: %s", abbreviate(e.Cmd, 80), how)
	if e.Stderr != "" {
		msg += ": " + e.Stderr
	}
	return msg
}

func abbreviate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n-3] + "..."
	}
	return s
}

// Cmd is a command to run on the machine.
type Cmd struct {
	Command string
	// Label names the command in messages; "" means Command.
	Label string
	Stdin io.Reader
	// HoldStdin keeps stdin open after Stdin's data until the command
	// ends, so that the remote side sees end of file only when envrun
	// stops waiting for it (or dies).
	HoldStdin bool
	Stdout    io.Writer // nil discards
	Stderr    io.Writer // nil discards
}

// Run runs cmd and waits for it. A non-zero exit is an *ExitError whose
// Stderr holds the last lines the command wrote there. When ctx ends the
// remote command is sent SIGTERM and the session is closed.
func (c *Client) Run(ctx context.Context, cmd Cmd) error {
	sess, err := c.conn.NewSession()
	if err != nil {
		return c.wrap(fmt.Errorf("open session on %s: %w", c.cfg.Machine, err))
	}
	defer sess.Close()
	tail := &tailBuffer{max: 2048}
	if cmd.Stdin != nil {
		// A pipe, not sess.Stdin: Wait would wait for a held stdin.
		w, err := sess.StdinPipe()
		if err != nil {
			return c.wrap(err)
		}
		defer w.Close()
		go func() {
			io.Copy(w, cmd.Stdin)
			if !cmd.HoldStdin {
				w.Close()
			}
		}()
	}
	sess.Stdout = orDiscard(cmd.Stdout)
	sess.Stderr = io.MultiWriter(orDiscard(cmd.Stderr), tail)
	if err := c.requestAgent(sess); err != nil {
		return err
	}
	if err := sess.Start(cmd.Command); err != nil {
		return c.wrap(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- sess.Wait() }()
	select {
	case err = <-waited:
	case <-ctx.Done():
		sess.Signal(ssh.SIGTERM)
		sess.Close()
		<-waited
		return context.Cause(ctx)
	}
	label := cmd.Label
	if label == "" {
		label = cmd.Command
	}
	var exit *ssh.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exit):
		return &ExitError{Cmd: label, Status: exit.ExitStatus(), Signal: exit.Signal(), Stderr: tail.String()}
	case errors.Is(err, io.EOF) || errors.As(err, new(*ssh.ExitMissingError)):
		return c.wrap(fmt.Errorf("command %q: the connection closed before it finished", abbreviate(label, 80)))
	}
	return c.wrap(err)
}

// requestAgent asks for agent forwarding on the connection's first
// session when the client forwards an agent. OpenSSH's sshd grants it
// once per connection (a second request is denied) and gives every later
// session the same SSH_AUTH_SOCK.
func (c *Client) requestAgent(sess *ssh.Session) error {
	if c.cfg.ForwardAgent == "" {
		return nil
	}
	c.agentMu.Lock()
	defer c.agentMu.Unlock()
	if c.agentAsked {
		return nil
	}
	if err := agent.RequestAgentForwarding(sess); err != nil {
		return c.wrap(fmt.Errorf("forward the SSH agent to %s (is AllowAgentForwarding off in its sshd_config?): %w", c.cfg.Machine, err))
	}
	c.agentAsked = true
	return nil
}

// Output runs cmd and returns its stdout; stderr also goes to stderr.
func (c *Client) Output(ctx context.Context, command string, stderr io.Writer) (string, error) {
	var out bytes.Buffer
	err := c.Run(ctx, Cmd{Command: command, Stdout: &out, Stderr: stderr})
	return out.String(), err
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

// tailBuffer keeps the last max bytes written to it, cut at a line start.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf
	if len(b) > t.max {
		b = b[len(b)-t.max:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return strings.TrimSpace(string(b))
}

// viaConn is a stream to a machine opened another way than TCP: its
// remote address is still the machine's, which host keys are pinned for.
type viaConn struct {
	net.Conn
	addr string
}

func (c viaConn) RemoteAddr() net.Addr {
	if ap, err := netip.ParseAddrPort(c.addr); err == nil {
		return net.TCPAddrFromAddrPort(ap)
	}
	return c.Conn.RemoteAddr()
}

// CloseWrite ends the stream's sending side when it has one.
func (c viaConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
