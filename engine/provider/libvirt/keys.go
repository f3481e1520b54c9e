package libvirt

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/timing"
	"github.com/envrun/envrun/internal/shquote"
)

// Vagrant's well-known insecure key pairs (ed25519, and the older RSA one),
// which HashiCorp publishes so that every box made for Vagrant can be
// logged into once. They are no secret: envrun uses them for first
// contact only, installs the environment's own key and removes them.
const (
	vagrantInsecureEd25519 = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACDdWHcQaTZc8Q6nycsP0CqMNRfsLxvYVxqKosrHyTp+WAAAAJj2TBMT9kwT
EwAAAAtzc2gtZWQyNTUxOQAAACDdWHcQaTZc8Q6nycsP0CqMNRfsLxvYVxqKosrHyTp+WA
AAAEAveRHRHSCjIxbNKHDRzezD0U3R3UEEmS7R33fzvPQAD91YdxBpNlzxDqfJyw/QKow1
F+wvG9hXGoqiysfJOn5YAAAAEHNwb3hAdmFncmFudC1kZXYBAgMEBQ==
-----END OPENSSH PRIVATE KEY-----
`
	vagrantInsecureRSA = `-----BEGIN RSA PRIVATE KEY-----
MIIEogIBAAKCAQEA6NF8iallvQVp22WDkTkyrtvp9eWW6A8YVr+kz4TjGYe7gHzI
w+niNltGEFHzD8+v1I2YJ6oXevct1YeS0o9HZyN1Q9qgCgzUFtdOKLv6IedplqoP
kcmF0aYet2PkEDo3MlTBckFXPITAMzF8dJSIFo9D8HfdOV0IAdx4O7PtixWKn5y2
hMNG0zQPyUecp4pzC6kivAIhyfHilFR61RGL+GPXQ2MWZWFYbAGjyiYJnAmCP3NO
Td0jMZEnDkbUvxhMmBYSdETk1rRgm+R4LOzFUGaHqHDLKLX+FIPKcF96hrucXzcW
yLbIbEgE98OHlnVYCzRdK8jlqm8tehUc9c9WhQIBIwKCAQEA4iqWPJXtzZA68mKd
ELs4jJsdyky+ewdZeNds5tjcnHU5zUYE25K+ffJED9qUWICcLZDc81TGWjHyAqD1
Bw7XpgUwFgeUJwUlzQurAv+/ySnxiwuaGJfhFM1CaQHzfXphgVml+fZUvnJUTvzf
TK2Lg6EdbUE9TarUlBf/xPfuEhMSlIE5keb/Zz3/LUlRg8yDqz5w+QWVJ4utnKnK
iqwZN0mwpwU7YSyJhlT4YV1F3n4YjLswM5wJs2oqm0jssQu/BT0tyEXNDYBLEF4A
sClaWuSJ2kjq7KhrrYXzagqhnSei9ODYFShJu8UWVec3Ihb5ZXlzO6vdNQ1J9Xsf
4m+2ywKBgQD6qFxx/Rv9CNN96l/4rb14HKirC2o/orApiHmHDsURs5rUKDx0f9iP
cXN7S1uePXuJRK/5hsubaOCx3Owd2u9gD6Oq0CsMkE4CUSiJcYrMANtx54cGH7Rk
EjFZxK8xAv1ldELEyxrFqkbE4BKd8QOt414qjvTGyAK+OLD3M2QdCQKBgQDtx8pN
CAxR7yhHbIWT1AH66+XWN8bXq7l3RO/ukeaci98JfkbkxURZhtxV/HHuvUhnPLdX
3TwygPBYZFNo4pzVEhzWoTtnEtrFueKxyc3+LjZpuo+mBlQ6ORtfgkr9gBVphXZG
YEzkCD3lVdl8L4cw9BVpKrJCs1c5taGjDgdInQKBgHm/fVvv96bJxc9x1tffXAcj
3OVdUN0UgXNCSaf/3A/phbeBQe9xS+3mpc4r6qvx+iy69mNBeNZ0xOitIjpjBo2+
dBEjSBwLk5q5tJqHmy/jKMJL4n9ROlx93XS+njxgibTvU6Fp9w+NOFD/HvxB3Tcz
6+jJF85D5BNAG3DBMKBjAoGBAOAxZvgsKN+JuENXsST7F89Tck2iTcQIT8g5rwWC
P9Vt74yboe2kDT531w8+egz7nAmRBKNM751U/95P9t88EDacDI/Z2OwnuFQHCPDF
llYOUI+SpLJ6/vURRbHSnnn8a/XG+nzedGH5JGqEJNQsz+xT2axM0/W/CRknmGaJ
kda/AoGANWrLCz708y7VYgAtW2Uf1DPOIYMdvo6fxIB5i9ZfISgcJ/bbCUkFrhoH
+vq/5CIWxCPp0f85R4qxxQ5ihxJ0YDQT9Jpx4TMss4PSavPaBH3RXow5Ohe+bYoQ
NE5OgEXk2wVfZczCZpigBKbKZHNYcelXtTt/nP3rsCuGcM4h53s=
-----END RSA PRIVATE KEY-----
`
)

// InsecureSigners are Vagrant's insecure keys, ed25519 first.
func InsecureSigners() []ssh.Signer {
	insecureOnce.Do(func() {
		for _, pem := range []string{vagrantInsecureEd25519, vagrantInsecureRSA} {
			s, err := ssh.ParsePrivateKey([]byte(pem))
			if err != nil {
				panic("libvirt: Vagrant's insecure key does not parse: " + err.Error())
			}
			insecure = append(insecure, s)
		}
	})
	return insecure
}

var (
	insecureOnce sync.Once
	insecure     []ssh.Signer
)

// insecureKeyBodies are the base64 parts of the insecure public keys, as
// they appear in authorized_keys files.
func insecureKeyBodies() []string {
	var out []string
	for _, s := range InsecureSigners() {
		_, body, _ := strings.Cut(comm.FormatPublicKey(s.PublicKey()), " ")
		out = append(out, body)
	}
	return out
}

// firstBoot says what first contact installs in a machine.
type firstBoot struct {
	User       string // the machine's user, who gets the environment key
	BoxUser    string // the user the box's insecure key logs in as
	Authorized string // the environment key, as an authorized_keys line
	Hostname   string // full
	Short      string
	IP         string // the machine's first static address
}

// script is the shell script first contact runs as root: authorize the
// environment key for the machine's user, remove Vagrant's insecure keys
// for both users, and set the hostname (hostname -f answers the full one).
// Running it twice changes nothing more.
func (f firstBoot) script() string {
	q := shquote.Quote
	names := f.Hostname
	if f.Short != f.Hostname {
		names += " " + f.Short
	}
	var b strings.Builder
	fmt.Fprintf(&b, "user=%s\nbox_user=%s\nkey=%s\nshort=%s\nnames=%s\nip=%s\n",
		q(f.User), q(f.BoxUser), q(strings.TrimSpace(f.Authorized)), q(f.Short), q(names), q(f.IP))
	b.WriteString(`home=$(getent passwd "$user" | cut -d: -f6)
[ -n "$home" ] || { echo "user $user does not exist on the machine: set the machine's user to one the box has" >&2; exit 1; }
group=$(id -gn "$user")
install -d -m 0700 -o "$user" -g "$group" "$home/.ssh"
ak=$home/.ssh/authorized_keys
touch "$ak"
grep -qxF "$key" "$ak" || printf '%s\n' "$key" >>"$ak"
chown "$user:$group" "$ak"
chmod 0600 "$ak"
box_home=$(getent passwd "$box_user" | cut -d: -f6)
for f in "$ak" "$box_home/.ssh/authorized_keys"; do
	[ -f "$f" ] || continue
	grep -vF`)
	for _, body := range insecureKeyBodies() {
		fmt.Fprintf(&b, " -e %s", q(body))
	}
	b.WriteString(` "$f" >"$f.envrun" || true
	cat "$f.envrun" >"$f"
	rm -f "$f.envrun"
done
printf '%s\n' "$short" >/etc/hostname
hostname "$short"
awk -v ip="$ip" '$1 != ip && $1 != "127.0.1.1"' /etc/hosts >/etc/hosts.envrun
printf '%s %s\n' "$ip" "$names" >>/etc/hosts.envrun
cat /etc/hosts.envrun >/etc/hosts
rm -f /etc/hosts.envrun
`)
	return b.String()
}

// asRoot runs the script on stdin as root: directly, or with sudo.
const asRoot = `if [ "$(id -u)" -eq 0 ]; then exec /bin/sh -eu; else exec sudo -n /bin/sh -eu; fi`

// contact is one first contact with a machine.
type contact struct {
	Machine string
	Addr    string // host:port
	Key     ssh.Signer
	Boot    firstBoot
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
// script, and returns the host key it was shown: the key to pin. It
// records the phases boot (to the first SSH banner), first contact (the
// banner to a logged-in session) and key swap (the first-boot script).
func firstContact(ctx context.Context, c contact) (ssh.PublicKey, error) {
	var mu sync.Mutex
	var hostKey ssh.PublicKey
	banner := &bannerClock{}
	cl, err := comm.WaitDial(ctx, comm.Config{
		Machine: c.Machine,
		Addr:    c.Addr,
		Via:     banner.via(c.Addr, c.Via),
		User:    c.Boot.BoxUser,
		// One publickey method with every key: the SSH client tries a
		// method name only once.
		Auth: []ssh.AuthMethod{ssh.PublicKeys(append([]ssh.Signer{c.Key}, InsecureSigners()...)...)},
		HostKey: func(_ string, _ net.Addr, key ssh.PublicKey) error {
			mu.Lock()
			hostKey = key
			mu.Unlock()
			return nil
		},
	}, c.Timeout)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	loggedIn := time.Now()
	if at := banner.first(); !at.IsZero() && !c.Booted.IsZero() {
		timing.AddSpan(ctx, "boot", c.Booted, at)
		timing.AddSpan(ctx, "first contact", at, loggedIn)
	}
	end := timing.Start(ctx, "key swap")
	var stderr bytes.Buffer
	err = cl.Run(ctx, comm.Cmd{Command: asRoot, Stdin: strings.NewReader(c.Boot.script()), Stderr: &stderr})
	end()
	if err != nil {
		return nil, fmt.Errorf("install the environment key and hostname as %s: %w", c.Boot.BoxUser, err)
	}
	mu.Lock()
	defer mu.Unlock()
	return hostKey, nil
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
	return func(ctx context.Context) (net.Conn, error) {
		var nc net.Conn
		var err error
		if via != nil {
			nc, err = via(ctx)
		} else {
			d := net.Dialer{Timeout: 5 * time.Second}
			nc, err = d.DialContext(ctx, "tcp", addr)
		}
		if err != nil {
			return nil, err
		}
		return &bannerConn{Conn: nc, clock: b}, nil
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
