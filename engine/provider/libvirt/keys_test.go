package libvirt

import (
	"context"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider/guest"
)

// The box script authorizes exactly the keys envrun logs in with first,
// and removes.
func TestInsecureKeysMatchTheBoxScript(t *testing.T) {
	script, err := os.ReadFile("../boxkit/box-configure-libvirt.sh")
	if err != nil {
		t.Fatal(err)
	}
	signers := InsecureSigners()
	if len(signers) != 2 || signers[0].PublicKey().Type() != "ssh-ed25519" || signers[1].PublicKey().Type() != "ssh-rsa" {
		t.Fatalf("InsecureSigners: want ed25519 then RSA, got %d keys", len(signers))
	}
	for _, s := range signers {
		pub := comm.FormatPublicKey(s.PublicKey())
		if !strings.Contains(string(script), pub+" vagrant insecure public key") {
			t.Errorf("box-configure-libvirt.sh does not authorize %s", pub)
		}
	}
	bodies := guest.InsecureKeyBodies()
	if len(bodies) != 2 || !strings.HasPrefix(bodies[0], "AAAAC3NzaC1lZDI1NTE5") || !strings.HasPrefix(bodies[1], "AAAAB3NzaC1yc2E") {
		t.Errorf("insecureKeyBodies = %q", bodies)
	}
}

// The boot phase ends at the first byte sshd sends, on whichever of the
// connections first contact tried: a refused one and a silent one do not
// end it, the banner does.
func TestBannerClock(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	sent := make(chan time.Time, 1)
	go func() {
		silent, err := ln.Accept() // an sshd that has not answered yet
		if err != nil {
			return
		}
		defer silent.Close()
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		time.Sleep(50 * time.Millisecond)
		sent <- time.Now()
		io.WriteString(c, "SSH-2.0-OpenSSH_9.2\r\n")
		io.Copy(io.Discard, c)
	}()
	var b bannerClock
	dial := b.via(ln.Addr().String(), nil)
	ctx := context.Background()
	first, err := dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	first.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	if _, err := first.Read(make([]byte, 64)); err == nil || !b.first().IsZero() {
		t.Fatalf("a silent connection: read %v, banner at %v", err, b.first())
	}
	second, err := dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	buf := make([]byte, 64)
	n, err := second.Read(buf)
	if err != nil || !strings.HasPrefix(string(buf[:n]), "SSH-2.0-") {
		t.Fatalf("banner: %q, %v", buf[:n], err)
	}
	at := <-sent
	if got := b.first(); got.Before(at) || got.Sub(at) > time.Second {
		t.Errorf("banner seen at %v, sent at %v", got, at)
	}
}
