package guest

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/envrun/envrun/engine/comm"
)

// Contact is one first contact with a machine.
type Contact struct {
	Machine string
	Addr    string // host:port
	User    string // the box's user
	// Auth are the ways in: the environment key first (a machine whose
	// first contact was cut off after the script has it), then the box's
	// insecure keys. Keys only: a password would be sent to whatever
	// answers Addr before the machine's key is known.
	Signers []ssh.Signer
	Timeout time.Duration
	// Via reaches Addr when this host cannot route to it; nil dials TCP.
	Via func(ctx context.Context) (net.Conn, error)
	// LoggedIn, when set, is called once logged in, before the script.
	LoggedIn func()
	// Keep, when set, is given the connection once the script ran,
	// instead of its being closed: the provider hands it on to the
	// engine (a second handshake in a guest still busy booting costs
	// seconds).
	Keep  func(*comm.Client)
	Setup *Setup
}

// FirstContact waits for the machine's SSH, logs in as the box's user with
// c's keys, runs c.Setup's script as root, and returns the host key the
// connection was shown. That key is unverified: a provider reports it as
// the machine's only where nothing but the VM can answer Addr (libvirt: an
// address on a network only root makes); VirtualBox's NAT port on
// 127.0.0.1 is not such a place, so its guests make their own key and
// report it through the hypervisor (Setup.HostKey).
func FirstContact(ctx context.Context, c Contact) (ssh.PublicKey, error) {
	var mu sync.Mutex
	var hostKey ssh.PublicKey
	cl, err := comm.WaitDial(ctx, comm.Config{
		Machine: c.Machine, Addr: c.Addr, Via: c.Via, User: c.User,
		// One publickey method with every key: the SSH client tries a
		// method name only once.
		Auth: []ssh.AuthMethod{ssh.PublicKeys(c.Signers...)},
		HostKey: func(_ string, _ net.Addr, key ssh.PublicKey) error {
			mu.Lock()
			hostKey = key
			mu.Unlock()
			return nil
		},
		HostKeyAlgorithms: []string{ssh.KeyAlgoED25519, ssh.KeyAlgoECDSA256, ssh.KeyAlgoRSASHA512,
			ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA},
	}, c.Timeout)
	if err != nil {
		return nil, err
	}
	if c.LoggedIn != nil {
		c.LoggedIn()
	}
	if err := Run(ctx, cl, c.Setup); err != nil {
		cl.Close()
		return nil, fmt.Errorf("set up the guest as %s: %w", c.User, err)
	}
	if c.Keep != nil && !staleSession(ctx, cl, c) {
		c.Keep(cl)
	} else {
		cl.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	return hostKey, nil
}

// Run runs g's script as root on the machine cl is logged into.
func Run(ctx context.Context, cl *comm.Client, g *Setup) error {
	return cl.Run(ctx, comm.Cmd{Command: AsRoot, Label: "the guest set-up script", Stdin: strings.NewReader(g.Script())})
}

// staleSession reports whether cl, logged in as c.User, is a session of
// a uid that user no longer has: the script gave it the synced folders'
// owner's (Setup.Owner), and what runs over cl would still run as the old
// one.
func staleSession(ctx context.Context, cl *comm.Client, c Contact) bool {
	g := c.Setup
	if g == nil || g.Owner == nil || c.User != g.User {
		return false
	}
	out, err := cl.Output(ctx, "id -u", nil)
	return err != nil || strings.TrimSpace(out) != strconv.Itoa(g.Owner.UID)
}

// FindHostKey finds the line "envrun-hostkey NONCE KEY" of report r in
// text (a serial console's log) and returns KEY; ok is false while there
// is none.
func FindHostKey(text string, r *HostKeyReport) (key ssh.PublicKey, ok bool, err error) {
	prefix := "envrun-hostkey " + r.Nonce + " "
	for _, l := range strings.Split(text, "\n") {
		rest, found := strings.CutPrefix(strings.TrimRight(l, "\r"), prefix)
		if !found {
			continue
		}
		k, err := comm.ParsePublicKey(rest)
		if err != nil {
			return nil, false, fmt.Errorf("the guest reported a damaged host key %q: %w", rest, err)
		}
		if k.Type() != ssh.KeyAlgoED25519 {
			return nil, false, fmt.Errorf("the guest reported a %s host key, want ed25519", k.Type())
		}
		return k, true, nil
	}
	return nil, false, nil
}
