package comm

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"slices"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"

	"github.com/envrun/envrun/internal/safefile"
)

// KnownHosts is the environment's pinned host keys, kept in a file in
// OpenSSH's known_hosts format so that `ssh -o UserKnownHostsFile=` and
// Ansible check the same keys envrun does. Each line's comment records the
// machine and the backend instance the key was pinned for.
type KnownHosts struct {
	path string
	mu   sync.Mutex
}

// HostEntry is one pinned key.
type HostEntry struct {
	Host    string // as written in the file: "10.0.0.2" or "[127.0.0.1]:2222"
	Key     ssh.PublicKey
	Machine string
	ID      string // the backend instance it was pinned for
}

// ErrHostKeyChanged is returned when a machine presents a key other than the
// pinned one.
var ErrHostKeyChanged = errors.New("host key changed")

// OpenKnownHosts returns the store at path; the file need not exist yet.
func OpenKnownHosts(path string) *KnownHosts { return &KnownHosts{path: path} }

// Path is the file's path.
func (k *KnownHosts) Path() string { return k.path }

// HostPattern is how OpenSSH names addr ("host:port") in known_hosts.
func HostPattern(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if port == "22" {
		return host
	}
	return "[" + host + "]:" + port
}

// knownHostsFile is the file as read: envrun's own entries (a comment
// "envrun:MACHINE:ID", no marker), and every other line kept verbatim
// (comments, @cert-authority and @revoked lines, keys the user added), so a
// rewrite loses nothing it does not own.
type knownHostsFile struct {
	entries []HostEntry
	foreign []string
}

func (k *KnownHosts) read() (*knownHostsFile, error) {
	data, err := safefile.ReadFile(k.path)
	if errors.Is(err, fs.ErrNotExist) {
		return &knownHostsFile{}, nil
	}
	if err != nil {
		return nil, err
	}
	f := &knownHostsFile{}
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			f.foreign = append(f.foreign, line)
			continue
		}
		marker, hosts, key, comment, _, err := ssh.ParseKnownHosts([]byte(line))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: cannot read this line (%v); fix or remove it", k.path, i+1, err)
		}
		if marker != "" || !strings.HasPrefix(comment, "envrun:") {
			f.foreign = append(f.foreign, line)
			continue
		}
		machine, id, _ := strings.Cut(strings.TrimPrefix(comment, "envrun:"), ":")
		for _, h := range hosts {
			f.entries = append(f.entries, HostEntry{Host: h, Key: key, Machine: machine, ID: id})
		}
	}
	return f, nil
}

func (k *KnownHosts) write(f *knownHostsFile) error {
	var b bytes.Buffer
	for _, l := range f.foreign {
		b.WriteString(l + "\n")
	}
	for _, e := range f.entries {
		fmt.Fprintf(&b, "%s %s envrun:%s:%s\n", e.Host, FormatPublicKey(e.Key), e.Machine, e.ID)
	}
	return safefile.WriteFile(k.path, b.Bytes(), 0o600)
}

// Lookup returns the entry pinned for addr.
func (k *KnownHosts) Lookup(addr string) (HostEntry, bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	f, err := k.read()
	if err != nil {
		return HostEntry{}, false, err
	}
	host := HostPattern(addr)
	for _, e := range f.entries {
		if e.Host == host {
			return e, true, nil
		}
	}
	return HostEntry{}, false, nil
}

// Pin records key for addr, replacing what was pinned for it.
func (k *KnownHosts) Pin(addr string, key ssh.PublicKey, machine, id string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	f, err := k.read()
	if err != nil {
		return err
	}
	host := HostPattern(addr)
	f.entries = slices.DeleteFunc(f.entries, func(e HostEntry) bool { return e.Host == host })
	f.entries = append(f.entries, HostEntry{Host: host, Key: key, Machine: machine, ID: id})
	return k.write(f)
}

// Forget removes every key pinned for machine.
func (k *KnownHosts) Forget(machine string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	f, err := k.read()
	if err != nil {
		return err
	}
	n := len(f.entries)
	f.entries = slices.DeleteFunc(f.entries, func(e HostEntry) bool { return e.Machine == machine })
	if len(f.entries) == n {
		return nil
	}
	return k.write(f)
}

// Callback checks a presented host key against the key pinned for the
// machine. Nothing pinned is an error: envrun pins before it connects.
func (k *KnownHosts) Callback(machine string) ssh.HostKeyCallback {
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		e, ok, err := k.Lookup(remote.String())
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no host key is pinned for %s (%s)", machine, remote)
		}
		if !bytes.Equal(e.Key.Marshal(), key.Marshal()) {
			return &HostKeyChangedError{Machine: machine, Addr: remote.String(), Want: e.Key, Got: key, File: k.path}
		}
		return nil
	}
}

// HostKeyChangedError says a machine no longer presents its pinned key.
type HostKeyChangedError struct {
	Machine   string
	Addr      string
	Want, Got ssh.PublicKey
	File      string
}

func (e *HostKeyChangedError) Error() string {
	return fmt.Sprintf("host key of %s (%s) changed: pinned %s, presented %s. "+
		"This may be an attack, or the machine was rebuilt outside envrun. "+
		"If you rebuilt it on purpose, forget the old key with `ssh-keygen -R %s -f %s` (or `envrun destroy %s` and `envrun up`)",
		e.Machine, e.Addr, ssh.FingerprintSHA256(e.Want), ssh.FingerprintSHA256(e.Got),
		HostPattern(e.Addr), e.File, e.Machine)
}

func (e *HostKeyChangedError) Unwrap() error { return ErrHostKeyChanged }
