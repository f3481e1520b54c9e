package virtualbox

import (
	"net"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider/guest"
)

// TestIntegrationGuestScriptOwner: the first-contact script gives the
// machine's user its synced folders' owner's uid and gid (Setup.Owner,
// which libvirt asks for), though first contact is logged in as that very
// user: usermod refuses a user who has processes, and the session and the
// user's systemd manager are. Its home follows, sudo still works, the
// next login has the new uid, and first contact does not hand on its own
// session, whose uid is the old one. Run again (logged in with the new
// uid), it changes nothing and hands the session on. The machine's
// folders are libvirt's, which a container cannot mount: this proves the
// guest side, TestIntegrationLibvirtNICOrder the whole on a VM. (In a
// container usermod does not see the session's processes: it skips those
// whose /proc/PID/root is not its own "/", and under Docker none is; on a
// VM it refuses them, which the PID namespace of the script avoids.)
func TestIntegrationGuestScriptOwner(t *testing.T) {
	ctx, c := guestEngine(t, 5*time.Minute)
	_, insecure := insecureKeys(t)
	suffix := randHex(t)
	natNet, hostOnlyNet := netip.MustParsePrefix("172.31.86.0/24"), netip.MustParsePrefix("172.31.87.0/24")
	nat := guestNetwork(ctx, t, c, "envrun-test-guestowner-1nat-"+suffix, natNet)
	hostOnly := guestNetwork(ctx, t, c, "envrun-test-guestowner-2hostonly-"+suffix, hostOnlyNet)
	natIP := natNet.Addr().Next().Next()
	startGuest(ctx, t, c, "envrun-test-guestowner-"+suffix, "systemctl enable systemd-networkd",
		ssh.MarshalAuthorizedKey(insecure[1].PublicKey()), nat, natIP, hostOnly, hostOnlyNet.Addr().Next().Next())
	addr := net.JoinHostPort(natIP.String(), "22")

	key, err := comm.LoadOrCreateKey(filepath.Join(t.TempDir(), "id_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	g := &guest.Setup{User: "vagrant", BoxUser: "vagrant", AuthorizedKey: key.AuthorizedKey(), RemoveKeys: guest.InsecureKeyBodies(),
		Hostname: "owner.test", Short: "owner", Owner: &guest.IDs{UID: 1777, GID: 1778}}
	contact := func() *comm.Client {
		t.Helper()
		var kept *comm.Client
		if _, err := guest.FirstContact(ctx, guest.Contact{Machine: "owner", Addr: addr, User: "vagrant",
			Signers: append([]ssh.Signer{key.Signer}, insecure...), Timeout: 2 * time.Minute, Setup: g,
			Keep: func(cl *comm.Client) { kept = cl }}); err != nil {
			t.Fatalf("first contact: %v", err)
		}
		return kept
	}
	if kept := contact(); kept != nil {
		kept.Close()
		t.Error("first contact handed on its session, whose uid is the box user's old one")
	}

	cl, err := comm.Dial(ctx, comm.Config{Machine: "owner", Addr: addr, User: "vagrant", Signer: key.Signer, HostKey: ssh.InsecureIgnoreHostKey()})
	if err != nil {
		t.Fatalf("log in with the environment key: %v", err)
	}
	defer cl.Close()
	state := `id; getent group vagrant; stat -c '%u:%g %n' ~ ~/.ssh ~/.ssh/authorized_keys ~/.bashrc; sudo -n id -u; touch ~/written && stat -c '%u:%g' ~/written; rm ~/written`
	want := "uid=1777(vagrant) gid=1778(vagrant) groups=1778(vagrant)"
	first := guestOutput(ctx, t, cl, state)
	for _, w := range []string{want, "\nvagrant:x:1778:\n", "1777:1778 /home/vagrant\n", "1777:1778 /home/vagrant/.ssh\n",
		"1777:1778 /home/vagrant/.ssh/authorized_keys\n", "1777:1778 /home/vagrant/.bashrc\n", "\n0\n1777:1778"} {
		if !strings.Contains(first, w) {
			t.Errorf("after the script, want %q in:\n%s", w, first)
		}
	}
	if !strings.HasPrefix(first, want) {
		t.Errorf("the next login's uid and gid: %q, want %q", strings.SplitN(first, "\n", 2)[0], want)
	}

	// Again, logged in with the new uid: nothing changes, and the
	// session is handed on.
	kept := contact()
	if kept == nil {
		t.Fatal("first contact logged in with the user's new uid did not hand on its session")
	}
	defer kept.Close()
	if got := guestOutput(ctx, t, kept, "id -u"); got != "1777" {
		t.Errorf("the session handed on has uid %s, want 1777", got)
	}
	if second := guestOutput(ctx, t, cl, state); second != first {
		t.Errorf("a second run changed the guest:\n--- after one run\n%s\n--- after two\n%s", first, second)
	}
}
