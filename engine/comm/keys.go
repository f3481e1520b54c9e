// Package comm is envrun's SSH communicator: the environment key, pinned
// host keys, and a client that runs commands and uploads files over one
// connection per machine.
package comm

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/envrun/envrun/internal/safefile"
)

// Key is the environment's SSH key pair.
type Key struct {
	Path   string // the private key file; the public key is Path + ".pub"
	Signer ssh.Signer
}

// AuthorizedKey is the public key as an authorized_keys line (with newline).
func (k *Key) AuthorizedKey() string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k.Signer.PublicKey()))) + " envrun\n"
}

// LoadOrCreateKey loads the key at path, generating an ed25519 key there
// (mode 0600) when there is none. A key that others may read is refused.
func LoadOrCreateKey(path string) (*Key, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createKey(path)
	}
	if err != nil {
		return nil, err
	}
	return loadPrivate(path, fi)
}

// LoadPrivateKey loads the existing key at path, refusing one that others
// may read.
func LoadPrivateKey(path string) (*Key, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("the environment has no key yet (%s): run `envrun up` first", path)
	}
	if err != nil {
		return nil, err
	}
	return loadPrivate(path, fi)
}

func loadPrivate(path string, fi fs.FileInfo) (*Key, error) {
	if !fi.Mode().IsRegular() {
		return LoadKey(path) // which says what it is instead
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("private key %s has mode %04o: it must be readable by you alone; fix it with: chmod 600 %s",
			path, fi.Mode().Perm(), path)
	}
	return LoadKey(path)
}

// LoadKey loads an existing private key without checking its mode.
func LoadKey(path string) (*Key, error) {
	data, err := safefile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	signer, err := ssh.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("read private key %s: %w", path, err)
	}
	return &Key{Path: path, Signer: signer}, nil
}

func createKey(path string) (*Key, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, "envrun")
	if err != nil {
		return nil, err
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, err
	}
	k := &Key{Path: path, Signer: signer}
	if err := safefile.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, fmt.Errorf("write private key: %w", err)
	}
	if err := safefile.WriteFile(path+".pub", []byte(k.AuthorizedKey()), 0o644); err != nil {
		return nil, fmt.Errorf("write public key: %w", err)
	}
	return k, nil
}

// NewHostKey generates an ed25519 host key for a machine, returned as the
// private key file content (OpenSSH format) and its public key.
func NewHostKey() (private []byte, public ssh.PublicKey, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		return nil, nil, err
	}
	public, err = ssh.NewPublicKey(pub)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(block), public, nil
}

// FormatPublicKey is key in authorized_keys form, without newline.
func FormatPublicKey(key ssh.PublicKey) string {
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key)))
}

// ParsePublicKey parses a key in authorized_keys form.
func ParsePublicKey(s string) (ssh.PublicKey, error) {
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(s))
	return key, err
}
