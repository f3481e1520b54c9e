package libvirt

import (
	"context"
	"net"
	"regexp"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider/guest"
	"github.com/envrun/envrun/engine/timing"
)

// InsecureSigners are Vagrant's insecure keys, ed25519 first (kept here
// for the tests that log in as a box would be logged into).
func InsecureSigners() []ssh.Signer { return guest.InsecureSigners() }

// contact is one first contact with a machine.
type contact struct {
	Machine string
	Addr    string // host:port
	Key     ssh.Signer
	Setup   *guest.Setup
	Timeout time.Duration
	// Via reaches Addr when this host cannot route to it (a qemu+ssh://
	// libvirt's SSH host); nil dials TCP.
	Via func(ctx context.Context) (net.Conn, error)
	// Booted is when the domain was started: the boot phase runs from
	// then to the first SSH banner.
	Booted time.Time
}

// firstContact waits for the machine's SSH, logs in as the box user with
// the environment key or Vagrant's insecure keys, runs the first-boot
// script, and returns the host key it was shown (the key to pin) and its
// connection, still open, for the engine to adopt. It
// records the phases boot (to the first SSH banner), first contact (the
// banner to a logged-in session) and key swap (the first-boot script).
func firstContact(ctx context.Context, c contact) (ssh.PublicKey, *comm.Client, error) {
	banner := &bannerClock{}
	end := func() {}
	defer func() { end() }()
	var kept *comm.Client
	key, err := guest.FirstContact(ctx, guest.Contact{
		Machine: c.Machine, Addr: c.Addr, User: c.Setup.BoxUser,
		Via:     banner.via(c.Addr, c.Via),
		Signers: append([]ssh.Signer{c.Key}, guest.InsecureSigners()...),
		Timeout: c.Timeout,
		Setup:   c.Setup,
		LoggedIn: func() {
			if at := banner.first(); !at.IsZero() && !c.Booted.IsZero() {
				timing.AddSpan(ctx, "boot", c.Booted, at)
				timing.AddSpan(ctx, "first contact", at, time.Now())
			}
			stop := timing.Start(ctx, "key swap")
			end = func() { stop() }
		},
		Keep: func(cl *comm.Client) { kept = cl },
	})
	if err != nil {
		return nil, nil, err
	}
	return key, kept, nil
}

// bannerClock notes when the machine's sshd first sent anything (its
// version banner) on any of the connections first contact tried: the end
// of the boot, as far as envrun can tell.
type bannerClock struct {
	mu sync.Mutex
	at time.Time
}

func (b *bannerClock) first() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.at
}

func (b *bannerClock) saw() {
	b.mu.Lock()
	if b.at.IsZero() {
		b.at = time.Now()
	}
	b.mu.Unlock()
}

// via returns a dialer whose connections tell b of their first byte read:
// through via when there is one, else over TCP as comm.Dial would.
func (b *bannerClock) via(addr string, via func(ctx context.Context) (net.Conn, error)) func(ctx context.Context) (net.Conn, error) {
	dial := dialer(addr, via)
	return func(ctx context.Context) (net.Conn, error) {
		nc, err := dial(ctx)
		if err != nil {
			return nil, err
		}
		return &bannerConn{Conn: nc, clock: b}, nil
	}
}

// dialer opens a stream to addr through via when there is one (the
// engine's host), else over TCP as comm.Dial would.
func dialer(addr string, via func(ctx context.Context) (net.Conn, error)) func(ctx context.Context) (net.Conn, error) {
	if via != nil {
		return via
	}
	return func(ctx context.Context) (net.Conn, error) {
		d := net.Dialer{Timeout: 5 * time.Second}
		return d.DialContext(ctx, "tcp", addr)
	}
}

type bannerConn struct {
	net.Conn
	clock *bannerClock
	seen  bool
}

func (c *bannerConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.seen {
		c.seen = true
		c.clock.saw()
	}
	return n, err
}

var ansiEscape = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]|\r`)

// cleanConsole strips terminal escapes and carriage returns from a serial
// console log, for showing it in a message.
func cleanConsole(s string) string { return ansiEscape.ReplaceAllString(s, "") }
