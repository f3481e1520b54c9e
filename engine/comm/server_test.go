package comm

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// localServer is an SSH server on loopback that runs each session's
// command with this host's sh, in dir, with env (nil: this process's):
// a machine for the upload tests whose guest is a folder here.
type localServer struct {
	dir    string
	env    []string
	noSFTP bool // the machine has no SFTP subsystem
}

// dial starts s and connects a client to it; both end with the test.
func (s *localServer) dial(t testing.TB) *Client {
	t.Helper()
	_, hostPriv, _ := ed25519.GenerateKey(rand.Reader)
	hostKey, _ := ssh.NewSignerFromKey(hostPriv)
	cfg := &ssh.ServerConfig{NoClientAuth: true}
	cfg.AddHostKey(hostKey)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.serve(nc, cfg)
			}()
		}
	}()
	_, clientPriv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := ssh.NewSignerFromKey(clientPriv)
	c, err := Dial(context.Background(), Config{
		Machine: "local", Addr: ln.Addr().String(), User: "u", Signer: signer,
		HostKey: ssh.FixedHostKey(hostKey.PublicKey()),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func (s *localServer) serve(nc net.Conn, cfg *ssh.ServerConfig) {
	sc, chans, reqs, err := ssh.NewServerConn(nc, cfg)
	if err != nil {
		nc.Close()
		return
	}
	defer sc.Close()
	go ssh.DiscardRequests(reqs)
	for nch := range chans {
		if nch.ChannelType() != "session" {
			nch.Reject(ssh.UnknownChannelType, "sessions only")
			continue
		}
		ch, creqs, err := nch.Accept()
		if err != nil {
			continue
		}
		go s.session(ch, creqs)
	}
}

func (s *localServer) session(ch ssh.Channel, reqs <-chan *ssh.Request) {
	defer ch.Close()
	for req := range reqs {
		switch req.Type {
		case "exec":
			var p struct{ Command string }
			if ssh.Unmarshal(req.Payload, &p) != nil {
				req.Reply(false, nil)
				continue
			}
			req.Reply(true, nil)
			go ssh.DiscardRequests(reqs)
			cmd := exec.Command("sh", "-c", p.Command)
			cmd.Dir, cmd.Env = s.dir, s.env
			cmd.Stdin, cmd.Stdout, cmd.Stderr = ch, ch, ch.Stderr()
			status := 0
			if err := cmd.Run(); err != nil {
				status = 255
				var exit *exec.ExitError
				if errors.As(err, &exit) && exit.ExitCode() >= 0 {
					status = exit.ExitCode()
				}
			}
			b := make([]byte, 4)
			binary.BigEndian.PutUint32(b, uint32(status))
			ch.SendRequest("exit-status", false, b)
			return
		case "subsystem":
			if s.noSFTP {
				req.Reply(false, nil)
				continue
			}
			req.Reply(true, nil)
			go ssh.DiscardRequests(reqs)
			srv, err := sftp.NewServer(ch) // no working folder: it would make symlink targets absolute
			if err != nil {
				return
			}
			if err := srv.Serve(); err != nil && !errors.Is(err, io.EOF) {
				os.Stderr.WriteString("sftp: " + err.Error() + "\n")
			}
			return
		default:
			req.Reply(req.Type == "env" || req.Type == "pty-req", nil)
		}
	}
}
