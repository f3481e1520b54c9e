package guest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envrun/envrun/internal/golden"
)

const envKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJVkiUqv10fPIoZPoeKgeSDbLLZdh4QggH+R13LJwaod envrun\n"

// The one first-contact script, as each VM provider asks for it: libvirt
// (the box made its own host key at first boot) and VirtualBox (a host key
// made here and reported on the serial port, static addresses, shared
// folders with .envrun/ masked).
func TestScriptGolden(t *testing.T) {
	tests := []struct {
		name  string
		setup Setup
	}{
		{"libvirt.sh", Setup{User: "vagrant", BoxUser: "vagrant", AuthorizedKey: envKey, RemoveKeys: InsecureKeyBodies(),
			Hostname: "machine1.local", Short: "machine1", HostIP: "172.20.1.20"}},
		{"libvirt-other-user.sh", Setup{User: "deploy", BoxUser: "vagrant", AuthorizedKey: envKey, RemoveKeys: InsecureKeyBodies(),
			Hostname: "db", Short: "db"}},
		{"libvirt-grow.sh", Setup{User: "vagrant", BoxUser: "vagrant", AuthorizedKey: envKey, RemoveKeys: InsecureKeyBodies(),
			Hostname: "web", Short: "web", HostIP: "10.0.0.6", GrowRoot: true}},
		{"libvirt-port.sh", Setup{User: "vagrant", BoxUser: "vagrant", AuthorizedKey: envKey, RemoveKeys: InsecureKeyBodies(),
			Hostname: "web", Short: "web", HostIP: "10.0.0.6", SSHPort: 2222}},
		{"virtualbox.sh", Setup{User: "vagrant", BoxUser: "vagrant", AuthorizedKey: envKey, RemoveKeys: InsecureKeyBodies(),
			Hostname: "machine1.local", Short: "machine1", HostIP: "172.20.1.20",
			HostKey: &HostKeyReport{Device: "/dev/ttyS0", Nonce: "00112233445566778899aabbccddeeff"},
			Addrs:   []Addr{{MAC: "08:00:27:ae:1f:98", Prefix: "172.20.1.20/24"}},
			Mounts:  []Mount{{Name: "envrun1", Guest: "/src dir", Mask: "/src dir/.envrun"}, {Name: "envrun2", Guest: "/data"}, {Name: "envrun3", Guest: "/var/www", Owner: "www-data", Group: "adm"}}}},
		{"libvirt-folders.sh", Setup{User: "vagrant", BoxUser: "vagrant", AuthorizedKey: envKey, RemoveKeys: InsecureKeyBodies(),
			Hostname: "web", Short: "web", HostIP: "10.0.0.6",
			Mounts: []Mount{{Name: "envrun1", Guest: "/vagrant", Mask: "/vagrant/.envrun", Type: "virtiofs"},
				{Name: "envrun2", Guest: "/srv/my data", Type: "9p", Options: "trans=virtio,version=9p2000.L,msize=262144"}},
			Owner: &IDs{UID: 1777, GID: 1778}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.setup.Script()
			golden.Check(t, "testdata/"+tt.name, s)
			if out, err := exec.Command("sh", "-n", "-c", s).CombinedOutput(); err != nil {
				t.Errorf("the script does not parse: %v\n%s", err, out)
			}
			for _, body := range InsecureKeyBodies() {
				if !strings.Contains(s, body) {
					t.Errorf("the script leaves the insecure key %s", body[:20])
				}
			}
			if !strings.Contains(s, `usermod -p '*' "$box_user"`) || !strings.Contains(s, "PasswordAuthentication no") {
				t.Error("the script leaves password login on")
			}
			if tt.setup.HostKey == nil && strings.Contains(s, "ssh-keygen") {
				t.Error("a box with its own host key gets a new one")
			}
			if tt.setup.HostKey != nil && strings.Contains(s, "PRIVATE KEY") {
				t.Error("a private key crosses first contact")
			}
			if strings.Contains(s, "usermod -o -u") != (tt.setup.Owner != nil) {
				t.Error("the user's uid changed without an owner, or kept with one")
			}
			if o, m := strings.Index(s, "usermod -o -u"), strings.Index(s, "mount "); o >= 0 && m >= 0 && o > m {
				t.Error("the user's uid changes after the synced folders are mounted")
			}
			if strings.Contains(s, "iface_of") != (len(tt.setup.Addrs) > 0) {
				t.Error("network configuration without static addresses, or none with")
			}
		})
	}
}

// The script a VirtualBox reload's changed settings get (its behaviour in
// a real guest: TestIntegrationGuestScript): hostname, the address of the
// network kept, the files of networks left pruned, folders remounted. It
// leaves keys, sshd and the host key alone.
func TestReconfigureGolden(t *testing.T) {
	g := Setup{User: "vagrant", Hostname: "web.local", Short: "web", HostIP: "172.20.1.21", OldHostIP: "172.20.1.20",
		Addrs:  []Addr{{MAC: "08:00:27:ae:1f:98", Prefix: "172.20.1.21/24"}},
		Mounts: []Mount{{Name: "envrun1", Guest: "/src", Mask: "/src/.envrun"}}}
	s := g.Reconfigure([]Mount{{Name: "envrun1", Guest: "/vagrant"}})
	golden.Check(t, "testdata/virtualbox-reconfigure.sh", s)
	if out, err := exec.Command("sh", "-n", "-c", s).CombinedOutput(); err != nil {
		t.Errorf("the script does not parse: %v\n%s", err, out)
	}
	for _, no := range []string{"authorized_keys", "ssh-keygen", "sshd_config", "usermod"} {
		if strings.Contains(s, no) {
			t.Errorf("the script touches %s", no)
		}
	}
	none := (&Setup{User: "vagrant", Hostname: "web", Short: "web"}).Reconfigure(nil)
	if !strings.Contains(none, "05-envrun-*.network") || strings.Contains(none, "netcfg=") {
		t.Errorf("a machine taken off every network: its address files go, and nothing asks for a network manager:\n%s", none)
	}
}

func TestFindHostKey(t *testing.T) {
	r := &HostKeyReport{Nonce: "abc"}
	key := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJVkiUqv10fPIoZPoeKgeSDbLLZdh4QggH+R13LJwaod"
	log := "boot noise\r\nenvrun-hostkey old " + key + "\r\n\r\nenvrun-hostkey abc " + key + "\r\nlogin: "
	if k, ok, err := FindHostKey(log, r); !ok || err != nil || k == nil {
		t.Fatalf("FindHostKey = %v, %v, %v", k, ok, err)
	}
	if _, ok, err := FindHostKey("envrun-hostkey old "+key+"\n", r); ok || err != nil {
		t.Errorf("another nonce's line passed: %v, %v", ok, err)
	}
	if _, _, err := FindHostKey("envrun-hostkey abc ssh-ed25519 !!\n", r); err == nil {
		t.Error("a damaged key passed")
	}
}

// TestRemount runs the script a reload's new synced folders get, on a
// copy of /etc/fstab with mount, umount and mountpoint stubbed: the lines
// of folders gone leave (the tmpfs over .envrun/ too), a folder kept keeps
// its line and is not unmounted, new ones are added, the user's lines
// stay, and a second run changes nothing.
func TestRemount(t *testing.T) {
	dir := t.TempDir()
	bin, g := filepath.Join(dir, "bin"), filepath.Join(dir, "guest") // g stands for the guest's /
	for _, d := range []string{bin, g + "/vagrant/.envrun", g + "/srv/my old/.envrun"} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	log := filepath.Join(dir, "log")
	for _, c := range []string{"mount", "umount", "modprobe", "mountpoint"} {
		// mountpoint: everything asked about is mounted.
		if err := os.WriteFile(filepath.Join(bin, c), []byte("#!/bin/sh\necho \""+c+" $*\" >>"+log+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	fstab := filepath.Join(dir, "fstab")
	run := func(old, mounts []Mount) (string, string) {
		t.Helper()
		script := strings.NewReplacer("/etc/fstab", fstab, "/etc/modules-load.d/envrun.conf", filepath.Join(dir, "modules.conf"),
			"PATH=/usr/local/sbin", "PATH="+bin+":/usr/local/sbin").Replace(Remount("vagrant", old, mounts))
		os.Remove(log)
		if out, err := exec.Command("sh", "-c", script).CombinedOutput(); err != nil {
			t.Fatalf("the script failed: %v\n%s", err, out)
		}
		data, err := os.ReadFile(fstab)
		if err != nil {
			t.Fatal(err)
		}
		calls, _ := os.ReadFile(log)
		return string(data), string(calls)
	}
	user := "UUID=1234 / ext4 errors=remount-ro 0 1\n/dev/vdb /var/lib/data ext4 defaults 0 2\n"
	if err := os.WriteFile(fstab, []byte(user), 0o644); err != nil {
		t.Fatal(err)
	}
	// First contact's folders, as Remount from none writes them.
	run(nil, []Mount{
		{Name: "envrun1", Guest: g + "/data", Type: "9p", Options: "trans=virtio"},
		{Name: "envrun2", Guest: g + "/vagrant", Mask: g + "/vagrant/.envrun", Type: "virtiofs"},
		{Name: "envrun3", Guest: g + "/srv/my old", Mask: g + "/srv/my old/.envrun", Type: "virtiofs"},
	})
	old := []Mount{{Name: "envrun1", Type: "9p", Guest: g + "/data"}, {Name: "envrun2", Type: "virtiofs", Guest: g + "/vagrant"}, {Name: "envrun3", Type: "virtiofs", Guest: g + "/srv/my old"}}
	now := []Mount{
		{Name: "envrun1", Guest: g + "/srv/data", Type: "9p", Options: "trans=virtio"},
		{Name: "envrun2", Guest: g + "/vagrant", Mask: g + "/vagrant/.envrun", Type: "virtiofs"},
	}
	want := user +
		"envrun2 " + g + "/vagrant virtiofs nofail 0 0\n" +
		"tmpfs " + g + "/vagrant/.envrun tmpfs ro,size=4k,mode=000,nofail,x-systemd.requires-mounts-for=" + g + "/vagrant 0 0\n" +
		"envrun1 " + g + "/srv/data 9p trans=virtio,nofail 0 0\n"
	got, calls := run(old, now)
	if got != want {
		t.Errorf("/etc/fstab after the script:\n%s\nwant:\n%s", got, want)
	}
	for _, c := range []string{"umount -R " + g + "/data\n", "umount -R " + g + "/srv/my old\n", "modprobe -q 9p\n"} {
		if !strings.Contains(calls, c) {
			t.Errorf("the script did not run %q:\n%s", c, calls)
		}
	}
	if strings.Contains(calls, "umount -R "+g+"/vagrant") {
		t.Errorf("the script unmounted the folder it keeps:\n%s", calls)
	}
	if got, _ := run(old, now); got != want {
		t.Errorf("/etc/fstab after a second run:\n%s\nwant:\n%s", got, want)
	}
}

// SetSSHPort run by sh against a drop-in, sshd, systemctl and
// /proc/net/tcp of the test's: the Port line replaced (none for 22), sshd
// reloaded, and on a port sshd does not come up on, the old drop-in back.
func TestSetSSHPort(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	conf, tcp, log := filepath.Join(dir, "00-envrun.conf"), filepath.Join(dir, "tcp"), filepath.Join(dir, "log")
	fake := map[string]string{
		// sshd -t refuses a drop-in that names port 1.
		"sshd": `grep -q '^Port 1$' ` + conf + ` && { echo "Bad port"; exit 1; }; exit 0`,
		// A reload listens on the drop-in's port (22 without one), unless
		// that is 2300, which something else holds.
		"systemctl": `echo "systemctl $*" >>` + log + `
p=$(sed -n 's/^Port //p' ` + conf + `); p=${p:-22}
[ "$p" = 2300 ] && { : >` + tcp + `; exit 0; }
printf '  sl  local_address rem_address   st\n   0: 00000000:%04X 00000000:0000 0A\n' "$p" >` + tcp,
	}
	for name, body := range fake {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	const base = "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
	run := func(port int, drop string) (string, string, error) {
		t.Helper()
		if err := os.WriteFile(conf, []byte(drop), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Remove(log)
		script := strings.NewReplacer("/etc/ssh/sshd_config.d/00-envrun.conf", conf, "/proc/net/tcp6", "/nonexistent",
			"/proc/net/tcp", tcp, "sleep 0.2", "sleep 0.01", "PATH=/usr/local/sbin", "PATH="+bin+":/usr/local/sbin").Replace(SetSSHPort(port))
		out, err := exec.Command("sh", "-c", script).CombinedOutput()
		got, _ := os.ReadFile(conf)
		calls, _ := os.ReadFile(log)
		if _, e := os.Stat(conf + ".was"); e == nil {
			t.Errorf("port %d: the script left %s.was", port, conf)
		}
		return string(got), string(calls) + string(out), err
	}
	for _, c := range []struct {
		port       int
		from, want string
	}{
		{2200, base + "Port 2222\n", base + "Port 2200\n"},
		{2222, base, base + "Port 2222\n"},
		{22, base + "Port 2222\n", base},
	} {
		got, calls, err := run(c.port, c.from)
		if err != nil || got != c.want || !strings.Contains(calls, "systemctl reload ssh") {
			t.Errorf("port %d from %q: %v, drop-in %q (want %q)\n%s", c.port, c.from, err, got, c.want, calls)
		}
	}
	// Refused by sshd -t: the drop-in is put back, sshd not reloaded.
	got, calls, err := run(1, base+"Port 2222\n")
	if err == nil || got != base+"Port 2222\n" || !strings.Contains(calls, "sshd refuses port 1: Bad port") || strings.Contains(calls, "systemctl") {
		t.Errorf("port 1: %v, drop-in %q\n%s", err, got, calls)
	}
	// Not listening after the reload: put back and reloaded again.
	got, calls, err = run(2300, base+"Port 2222\n")
	if err == nil || got != base+"Port 2222\n" || strings.Count(calls, "systemctl reload ssh") != 2 || !strings.Contains(calls, "does not listen on port 2300") {
		t.Errorf("port 2300: %v, drop-in %q\n%s", err, got, calls)
	}
}
