package guest

import (
	"os/exec"
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
				{Name: "envrun2", Guest: "/srv/my data", Type: "9p", Options: "trans=virtio,version=9p2000.L,msize=262144"}}}},
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
			if strings.Contains(s, "iface_of") != (len(tt.setup.Addrs) > 0) {
				t.Error("network configuration without static addresses, or none with")
			}
		})
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
