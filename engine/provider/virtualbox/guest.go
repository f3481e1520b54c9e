package virtualbox

import (
	"context"
	"encoding/base64"
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
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/shquote"
)

// guestSetup is what envrun sets in a new machine's guest over SSH at
// first contact, as root.
type guestSetup struct {
	User           string
	BoxUser        string // the box's own user, first contact logs in as it
	AuthorizedKeys string // replaces the user's authorized_keys (the box's insecure key goes)
	HostKey        []byte // ed25519 private host key, OpenSSH format
	HostKeyPub     string
	Hostname       string // FQDN as in the Envfile
	Short          string
	HostIP         string // the machine's first static address, for /etc/hosts; "" when it has none
	Addrs          []guestAddr
	Shared         []sharedPlan
}

// guestAddr is a static address for the NIC with MAC.
type guestAddr struct {
	MAC    string // "08:00:27:ae:1f:98"
	Prefix string // "172.20.1.20/24"
}

// newGuestSetup is what machine m's guest gets at first contact: the
// environment key, the new host key, its hostname, the static address of
// each network on the NIC VirtualBox gave it (vi is the VM after set-up:
// network i is on NIC i+2), and its shared folders.
func newGuestSetup(ef *spec.Envfile, key *comm.Key, m *spec.Machine, vi *VMInfo, hostPriv []byte, hostPub ssh.PublicKey, shared []sharedPlan) (*guestSetup, error) {
	g := &guestSetup{
		User: m.User, AuthorizedKeys: key.AuthorizedKey(), HostKey: hostPriv, HostKeyPub: comm.FormatPublicKey(hostPub),
		Hostname: m.Hostname, Short: m.ShortHostname(), Shared: shared,
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
		g.Addrs = append(g.Addrs, guestAddr{MAC: macColons(nic.MAC), Prefix: netip.PrefixFrom(a.IP, n.Subnet.Bits()).String()})
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

// hostNames are the machine's names in /etc/hosts: the full hostname
// first (what hostname -f answers), then the short one.
func (g *guestSetup) hostNames() string {
	if g.Short == "" || g.Short == g.Hostname {
		return g.Hostname
	}
	return g.Hostname + " " + g.Short
}

// hostIP is the address the machine's names resolve to in its own
// /etc/hosts: its first static address, else Debian's 127.0.1.1.
func (g *guestSetup) hostIP() string {
	if g.HostIP != "" {
		return g.HostIP
	}
	return "127.0.1.1"
}

// sq quotes s for a POSIX shell.

// script is the shell script (run by `sudo sh -s`) that configures the
// guest. It is idempotent: run twice, it leaves the same result. Network
// configuration is systemd-networkd's when networkd runs (Ubuntu, netplan),
// else ifupdown's (Debian).
func (g *guestSetup) script() string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("set -eu")
	w("export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	w("fail() { echo \"envrun guest setup: $*\" >&2; exit 1; }")
	w("user=%s", shquote.Quote(g.User))
	w(`home=$(getent passwd "$user" | cut -d: -f6) || true`)
	w(`[ -n "$home" ] || fail "user $user does not exist in the guest"`)
	w(`group=$(id -gn "$user")`)
	w("")
	w("# The environment key replaces every authorized key, the box's insecure one included.")
	w(`install -d -m 700 -o "$user" -g "$group" "$home/.ssh"`)
	w(`echo %s | base64 -d > "$home/.ssh/authorized_keys.envrun"`, base64.StdEncoding.EncodeToString([]byte(g.AuthorizedKeys)))
	w(`chown "$user:$group" "$home/.ssh/authorized_keys.envrun"`)
	w(`chmod 600 "$home/.ssh/authorized_keys.envrun"`)
	w(`mv -f "$home/.ssh/authorized_keys.envrun" "$home/.ssh/authorized_keys"`)
	if g.BoxUser != "" && g.BoxUser != g.User {
		w("# The box's own user keeps no key: the insecure one goes.")
		w("box_user=%s", shquote.Quote(g.BoxUser))
		w(`box_home=$(getent passwd "$box_user" | cut -d: -f6) || true`)
		w(`if [ -n "$box_home" ] && [ -f "$box_home/.ssh/authorized_keys" ]; then : >"$box_home/.ssh/authorized_keys"; fi`)
	}
	w("")
	w("# A host key of the machine's own (every clone of a box shares the box's).")
	w(`(umask 077; echo %s | base64 -d > /etc/ssh/ssh_host_ed25519_key.envrun)`, base64.StdEncoding.EncodeToString(g.HostKey))
	w(`mv -f /etc/ssh/ssh_host_ed25519_key.envrun /etc/ssh/ssh_host_ed25519_key`)
	w(`echo %s > /etc/ssh/ssh_host_ed25519_key.pub`, shquote.Quote(g.HostKeyPub))
	w("")
	w("# Hostname: the short name, as Debian, Vagrant and envrun's other providers set it;")
	w("# hostname -f answers the full one, from /etc/hosts.")
	w("# The names are the machine's static address's (so that hostname -i answers it, as with")
	w("# envrun's other providers), or 127.0.1.1 as on Debian when it has none; the box's go.")
	w("short=%s names=%s hostip=%s", shquote.Quote(g.Short), shquote.Quote(g.hostNames()), shquote.Quote(g.hostIP()))
	w(`awk -v ip="$hostip" '$1 != ip && $1 != "127.0.1.1"' /etc/hosts > /etc/hosts.envrun`)
	w(`printf '%%s\t%%s\n' "$hostip" "$names" >> /etc/hosts.envrun`)
	w(`cat /etc/hosts.envrun > /etc/hosts`)
	w(`rm -f /etc/hosts.envrun`)
	w(`hostnamectl set-hostname "$short" 2>/dev/null || { echo "$short" > /etc/hostname; hostname "$short"; }`)
	if len(g.Addrs) > 0 {
		w("")
		w("# Static addresses, by MAC address.")
		w(`iface_of() { for d in /sys/class/net/*; do [ "$(cat "$d/address" 2>/dev/null)" = "$1" ] && { basename "$d"; return 0; }; done; fail "no network interface has MAC $1"; }`)
		w(`if systemctl is-active --quiet systemd-networkd 2>/dev/null; then netcfg=networkd`)
		w(`elif command -v ifup >/dev/null 2>&1; then netcfg=ifupdown`)
		w(`else fail "neither systemd-networkd nor ifupdown manages the network: cannot set a static address in this guest"; fi`)
		w(`if [ "$netcfg" = ifupdown ] && ! grep -qsE '^[[:space:]]*source(-directory)?[[:space:]]+/etc/network/interfaces\.d' /etc/network/interfaces; then`)
		w(`  echo 'source /etc/network/interfaces.d/*' >> /etc/network/interfaces`)
		w(`fi`)
		w(`mkdir -p /etc/network/interfaces.d /etc/systemd/network`)
		for _, a := range g.Addrs {
			w("mac=%s addr=%s", shquote.Quote(a.MAC), shquote.Quote(a.Prefix))
			w(`iface=$(iface_of "$mac")`)
			w(`if [ "$netcfg" = networkd ]; then`)
			w(`  printf '[Match]\nMACAddress=%%s\n\n[Network]\nAddress=%%s\n' "$mac" "$addr" > "/etc/systemd/network/05-envrun-$iface.network"`)
			w(`  networkctl reload 2>/dev/null || systemctl restart systemd-networkd`)
			w(`  networkctl reconfigure "$iface" 2>/dev/null || true`)
			w(`else`)
			w(`  printf 'auto %%s\niface %%s inet static\n    address %%s\n' "$iface" "$iface" "$addr" > "/etc/network/interfaces.d/envrun-$iface"`)
			w(`  ifdown "$iface" 2>/dev/null || true`)
			w(`  ifup "$iface"`)
			w(`fi`)
			w(`i=0; until ip -4 -o addr show dev "$iface" | grep -q " $addr "; do`)
			w(`  i=$((i+1)); [ $i -le 50 ] || fail "$iface did not get $addr ($netcfg)"; sleep 0.2`)
			w(`done`)
		}
	}
	for _, sf := range g.Shared {
		w("")
		w("# Shared folder %s (needs the VirtualBox Guest Additions).", sf.Name)
		w(`mkdir -p %s`, shquote.Quote(sf.Guest))
		w(`mountpoint -q %s || mount -t vboxsf -o uid="$(id -u "$user")",gid="$(id -g "$user")" %s %s || fail %s`,
			shquote.Quote(sf.Guest), shquote.Quote(sf.Name), shquote.Quote(sf.Guest),
			shquote.Quote("cannot mount the shared folder "+sf.Guest+": the box needs the VirtualBox Guest Additions (vboxsf)"))
	}
	w("")
	w("# sshd takes the new host key; this session survives the restart.")
	w(`systemctl restart ssh 2>/dev/null || systemctl restart sshd 2>/dev/null || service ssh restart`)
	return b.String()
}

// firstContactAuth are the ways into a box as it comes: Vagrant's
// insecure keys, as Vagrant installs them in ~/.vagrant.d, the machine's
// insecure_key option, and the box user's password.
func firstContactAuth(o *Options, envDir string) ([]ssh.AuthMethod, []string) {
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
	var auth []ssh.AuthMethod
	if len(signers) > 0 {
		auth = append(auth, ssh.PublicKeys(signers...))
	}
	pw := o.Password
	auth = append(auth, ssh.Password(pw), ssh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
		ans := make([]string, len(qs))
		for i := range ans {
			ans[i] = pw
		}
		return ans, nil
	}))
	tried = append(tried, "the password of "+"the box user")
	return auth, tried
}

// loginUser is who first contact logs in as: the box's user.
func (g *guestSetup) loginUser() string {
	if g.BoxUser != "" {
		return g.BoxUser
	}
	return g.User
}

// firstContact logs into a new machine through its NAT SSH forward with
// the box's own credentials and configures the guest. The box's host key
// is accepted as it comes: it is a loopback connection to a VM made a
// moment ago, and the key is replaced before anything else connects.
func (p *Provider) firstContact(ctx context.Context, machine, addr string, o *Options, g *guestSetup) error {
	auth, tried := firstContactAuth(o, p.env.Envfile.Dir)
	c, err := comm.WaitDial(ctx, comm.Config{
		Machine: machine, Addr: addr, User: g.loginUser(),
		Auth:    auth,
		HostKey: ssh.InsecureIgnoreHostKey(),
		HostKeyAlgorithms: []string{ssh.KeyAlgoED25519, ssh.KeyAlgoECDSA256, ssh.KeyAlgoRSASHA512,
			ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA},
	}, 5*time.Minute)
	if err != nil {
		var we *comm.WaitError
		if errors.As(err, &we) && strings.Contains(fmt.Sprint(we.Last), "unable to authenticate") {
			return fmt.Errorf("first contact with %s at %s as %s: the box accepted none of %s; "+
				"set virtualbox.insecure_key or virtualbox.password (or box_user) for this box: %w", machine, addr, g.loginUser(), strings.Join(tried, ", "), err)
		}
		return fmt.Errorf("first contact with %s at %s: %w", machine, addr, err)
	}
	defer c.Close()
	p.env.UI.Debugf(machine, "first contact at %s: configuring the guest", addr)
	return configureGuest(ctx, c, machine, g)
}

// configureGuest runs g's script as root (sudo) on the machine c is
// logged into.
func configureGuest(ctx context.Context, c *comm.Client, machine string, g *guestSetup) error {
	err := c.Run(ctx, comm.Cmd{Command: "sudo -n sh -s", Label: "the guest set-up script (sudo -n sh -s)", Stdin: strings.NewReader(g.script())})
	if err != nil {
		return fmt.Errorf("configure the guest of %s: %w", machine, err)
	}
	return nil
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
