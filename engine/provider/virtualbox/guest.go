package virtualbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provider/guest"
	"github.com/envrun/envrun/engine/spec"
)

// serialDevice is the guest's first serial port, which the VM logs to a
// file of the user's on the host: how the guest reports its new host key.
const serialDevice = "/dev/ttyS0"

// newGuestSetup is what machine m's guest gets at first contact: the
// environment key, a host key made in the guest (reported with nonce on
// the serial port), its hostname, the static address of each network on
// the NIC VirtualBox gave it (vi is the VM after set-up: network i is on
// NIC i+2), and its shared folders with .envrun/ masked.
func newGuestSetup(ef *spec.Envfile, key *comm.Key, m *spec.Machine, vi *VMInfo, nonce string, shared []sharedPlan) (*guest.Setup, error) {
	g := &guest.Setup{
		User: m.User, AuthorizedKey: key.AuthorizedKey(), RemoveKeys: guest.InsecureKeyBodies(),
		Hostname: m.Hostname, Short: m.ShortHostname(),
		HostKey: &guest.HostKeyReport{Device: serialDevice, Nonce: nonce},
	}
	if ip := m.IP(); ip.IsValid() {
		g.HostIP = ip.String()
	}
	for i, a := range m.Networks {
		nic, ok := vi.NICs[i+2]
		if !ok || nic.MAC == "" {
			return nil, fmt.Errorf("VM %s has no NIC %d after set-up", vi.Name, i+2)
		}
		n := ef.Network(a.Network)
		if n == nil {
			return nil, fmt.Errorf("machine %s: no network %q in the Envfile", m.Name, a.Network)
		}
		g.Addrs = append(g.Addrs, guest.Addr{MAC: macColons(nic.MAC), Prefix: netip.PrefixFrom(a.IP, n.Subnet.Bits()).String()})
	}
	for i, sf := range shared {
		mt := guest.Mount{Name: sf.Name, Guest: sf.Guest, Owner: sf.Owner, Group: sf.Group}
		if at, ok := provider.StateInside(ef, m.MountedFolders()[i]); ok {
			mt.Mask = at
		}
		g.Mounts = append(g.Mounts, mt)
	}
	return g, nil
}

// macColons turns VirtualBox's "080027AE1F98" into "08:00:27:ae:1f:98".
func macColons(mac string) string {
	mac = strings.ToLower(mac)
	if len(mac) != 12 {
		return mac
	}
	parts := make([]string, 6)
	for i := range parts {
		parts[i] = mac[2*i : 2*i+2]
	}
	return strings.Join(parts, ":")
}

// firstContactSigners are the keys first contact offers the box, after
// the environment key: the machine's insecure_key option, Vagrant's
// insecure keys as Vagrant keeps them in ~/.vagrant.d, and Vagrant's
// published insecure keys. No password: it would go to whatever answers
// the NAT port before the machine's key is known.
func firstContactSigners(o *Options, envDir string) ([]ssh.Signer, []string) {
	var signers []ssh.Signer
	var tried []string
	paths := []string{}
	if o.InsecureKey != "" {
		p := o.InsecureKey
		if !filepath.IsAbs(p) {
			p = filepath.Join(envDir, p)
		}
		paths = append(paths, p)
	}
	if home, err := os.UserHomeDir(); err == nil {
		vd := os.Getenv("VAGRANT_HOME")
		if vd == "" {
			vd = filepath.Join(home, ".vagrant.d")
		}
		paths = append(paths, filepath.Join(vd, "insecure_private_key"))
		if more, err := filepath.Glob(filepath.Join(vd, "insecure_private_keys", "*")); err == nil {
			paths = append(paths, more...)
		}
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s, err := ssh.ParsePrivateKey(data)
		if err != nil {
			continue
		}
		signers = append(signers, s)
		tried = append(tried, p)
	}
	signers = append(signers, guest.InsecureSigners()...)
	tried = append(tried, "Vagrant's published insecure keys")
	return signers, tried
}

// firstContact logs into a new machine through its NAT SSH forward with
// the box's keys and sets up the guest. The connection's host key is not
// checked (it is the box's, shared by every clone) and nothing secret
// crosses it: the guest makes its own host key, and its public half is
// read from the VM's serial log (readHostKey), not from this connection.
func (p *Provider) firstContact(ctx context.Context, machine, addr string, o *Options, g *guest.Setup) error {
	signers, tried := firstContactSigners(o, p.env.Envfile.Dir)
	g.RemoveKeys = guest.KeyBodies(signers)
	_, err := guest.FirstContact(ctx, guest.Contact{
		Machine: machine, Addr: addr, User: o.boxUser(),
		Signers: append([]ssh.Signer{p.env.Key.Signer}, signers...),
		Timeout: 5 * time.Minute,
		Setup:   g,
	})
	if err != nil {
		var we *comm.WaitError
		if errors.As(err, &we) && strings.Contains(fmt.Sprint(we.Last), "unable to authenticate") {
			return fmt.Errorf("first contact with %s at %s as %s: the box accepted none of %s; "+
				"set virtualbox.insecure_key (or box_user) for this box: %w", machine, addr, o.boxUser(), strings.Join(tried, ", "), err)
		}
		return fmt.Errorf("first contact with %s at %s: %w", machine, addr, err)
	}
	return nil
}

// readHostKey waits for the guest's report of its new host key in the
// VM's serial log.
func readHostKey(ctx context.Context, log string, r *guest.HostKeyReport, timeout time.Duration) (ssh.PublicKey, error) {
	deadline := time.Now().Add(timeout)
	for {
		data, err := os.ReadFile(log)
		if err == nil {
			key, ok, err := guest.FindHostKey(string(data), r)
			if err != nil || ok {
				return key, err
			}
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the guest did not report its new host key on its serial port (log %s): "+
				"envrun reads the key there, not over the network, so that nothing on the NAT port can pass for the VM", log)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// freePort picks a free TCP port on 127.0.0.1 for the SSH forward.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
