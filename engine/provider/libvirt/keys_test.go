package libvirt

import (
	"os"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/comm"
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
	bodies := insecureKeyBodies()
	if len(bodies) != 2 || !strings.HasPrefix(bodies[0], "AAAAC3NzaC1lZDI1NTE5") || !strings.HasPrefix(bodies[1], "AAAAB3NzaC1yc2E") {
		t.Errorf("insecureKeyBodies = %q", bodies)
	}
}

func TestFirstBootScript(t *testing.T) {
	tests := []struct {
		name   string
		boot   firstBoot
		golden string
	}{
		{"as in the contract", firstBoot{User: "vagrant", BoxUser: "vagrant",
			Authorized: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJVkiUqv10fPIoZPoeKgeSDbLLZdh4QggH+R13LJwaod envrun\n",
			Hostname:   "machine1.local", Short: "machine1", IP: "172.20.1.20"}, "firstboot-vagrant.sh"},
		{"another user, a short hostname", firstBoot{User: "deploy", BoxUser: "vagrant",
			Authorized: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJVkiUqv10fPIoZPoeKgeSDbLLZdh4QggH+R13LJwaod envrun\n",
			Hostname:   "db", Short: "db", IP: "10.0.0.5"}, "firstboot-deploy.sh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGolden(t, tt.golden, tt.boot.script())
		})
	}
}
