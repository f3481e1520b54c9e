package comm

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

// TestDoneWhenTheServerGoes connects to an SSH server on loopback, then
// ends the connection from the server's side: Done must close, so that a
// long-lived user of the client knows to dial again.
func TestDoneWhenTheServerGoes(t *testing.T) {
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hostKey, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ServerConfig{NoClientAuth: true}
	cfg.AddHostKey(hostKey)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	serverSide := make(chan net.Conn, 1)
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		_, chans, reqs, err := ssh.NewServerConn(nc, cfg)
		if err != nil {
			nc.Close()
			return
		}
		go ssh.DiscardRequests(reqs)
		go func() {
			for ch := range chans {
				ch.Reject(ssh.Prohibited, "no sessions here")
			}
		}()
		serverSide <- nc
	}()
	_, clientPriv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := ssh.NewSignerFromKey(clientPriv)
	c, err := Dial(context.Background(), Config{
		Machine: "test", Addr: ln.Addr().String(), User: "u", Signer: signer,
		HostKey: ssh.FixedHostKey(hostKey.PublicKey()),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	select {
	case <-c.Done():
		t.Fatal("Done is closed on a live connection")
	default:
	}
	(<-serverSide).Close()
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done not closed 5s after the server closed the connection")
	}
}

// TestWaitDialStopsOnARefusedKey: a server that answers but refuses the key
// ends the wait after authGrace, not after the whole timeout, and says why.
func TestWaitDialStopsOnARefusedKey(t *testing.T) {
	_, hostPriv, _ := ed25519.GenerateKey(rand.Reader)
	hostKey, _ := ssh.NewSignerFromKey(hostPriv)
	cfg := &ssh.ServerConfig{PublicKeyCallback: func(ssh.ConnMetadata, ssh.PublicKey) (*ssh.Permissions, error) {
		return nil, errors.New("not this key")
	}}
	cfg.AddHostKey(hostKey)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				ssh.NewServerConn(nc, cfg)
				nc.Close()
			}()
		}
	}()
	_, clientPriv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := ssh.NewSignerFromKey(clientPriv)
	t0 := time.Now()
	_, err = WaitDial(context.Background(), Config{
		Machine: "test", Addr: ln.Addr().String(), User: "vagrant", Signer: signer,
		HostKey: ssh.FixedHostKey(hostKey.PublicKey()),
	}, time.Minute)
	var auth *AuthError
	if !errors.As(err, &auth) || !strings.Contains(err.Error(), "refused the login of vagrant") {
		t.Fatalf("WaitDial = %v, want an AuthError", err)
	}
	if d := time.Since(t0); d < authGrace || d > authGrace+5*time.Second {
		t.Errorf("gave up after %s, want about %s", d, authGrace)
	}
}
