package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

const securityEnvfile = `
box "debian/bookworm"
network "n" { subnet = "172.31.65.0/24" }
machine "web" { networks = { n = "172.31.65.10" } }
`

// TestIntegrationHostKeyChanged swaps the SSH host key inside a running
// machine (as a rebuild outside envrun, or an impostor, would): envrun
// refuses to talk to it, with a message that says how to accept the new
// key; following that advice works.
func TestIntegrationHostKeyChanged(t *testing.T) {
	w := newWorld(t, securityEnvfile)
	w.mustRun("up")
	if out, err := w.exec("web", "sh", "-c", "rm -f /etc/ssh/ssh_host_ed25519_key* && ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key"); err != nil {
		t.Fatalf("swap the host key: %v\n%s", err, out)
	}
	if out, err := exec.Command("docker", "restart", "-t", "1", w.project+"-web").CombinedOutput(); err != nil {
		t.Fatalf("restart: %v\n%s", err, out)
	}
	r := w.run("provision")
	if r.code != 1 || !strings.Contains(r.stderr, "host key of web (172.31.65.10:22) changed") {
		t.Fatalf("provision with a changed host key: want exit 1 and a refusal: %s", r)
	}
	if r := w.run("ssh", "web", "--", "true"); r.code == 0 {
		t.Errorf("envrun ssh went through with a changed host key: %s", r)
	}
	// The message gives the command that accepts the new key.
	m := regexp.MustCompile("`(ssh-keygen -R [^`]+)`").FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("the message does not say how to accept the key:\n%s", r.stderr)
	}
	if out, err := exec.Command("sh", "-c", m[1]).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", m[1], err, out)
	}
	w.mustRun("provision")
	if r := w.run("ssh", "web", "--", "true"); r.code != 0 {
		t.Errorf("envrun ssh after accepting the new key: %s", r)
	}
}

// TestIntegrationInsecureKeyRefused logs in to a machine after up with
// Vagrant's well-known insecure keys (testdata/vagrant-insecure): every
// attempt is refused by authentication, while the environment's key gets
// in. A control run, with the insecure key authorized on purpose, proves
// that the attempt itself would work.
func TestIntegrationInsecureKeyRefused(t *testing.T) {
	w := newWorld(t, strings.ReplaceAll(securityEnvfile, "172.31.65.", "172.31.68."))
	w.mustRun("up")
	addr := "172.31.68.10:22"
	var signers []ssh.Signer
	for _, f := range []string{"vagrant", "vagrant.key.ed25519"} {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "vagrant-insecure", f))
		if err != nil {
			t.Fatal(err)
		}
		s, err := ssh.ParsePrivateKey(data)
		if err != nil {
			t.Fatal(err)
		}
		signers = append(signers, s)
	}
	login := func(user string, s ssh.Signer) error {
		c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{
			User: user, Auth: []ssh.AuthMethod{ssh.PublicKeys(s)},
			HostKeyCallback: ssh.InsecureIgnoreHostKey(), // this test is about client keys
			Timeout:         10 * time.Second,
		})
		if err == nil {
			c.Close()
		}
		return err
	}
	for _, s := range signers {
		for _, user := range []string{"vagrant", "root"} {
			err := login(user, s)
			if err == nil {
				t.Errorf("%s logged in as %s with Vagrant's insecure key", s.PublicKey().Type(), user)
			} else if !strings.Contains(err.Error(), "unable to authenticate") {
				t.Errorf("%s as %s: want an authentication refusal, got %v", s.PublicKey().Type(), user, err)
			}
		}
	}
	envKey, err := os.ReadFile(filepath.Join(w.dir, ".envrun", "id_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	own, err := ssh.ParsePrivateKey(envKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := login("vagrant", own); err != nil {
		t.Errorf("the environment key does not get in: %v", err)
	}
	// Control: authorized on purpose, the insecure keys do get in.
	for _, s := range signers {
		pub := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey())))
		if out, err := w.exec("web", "sh", "-c", "echo '"+pub+"' >> /home/vagrant/.ssh/authorized_keys"); err != nil {
			t.Fatalf("%v %s", err, out)
		}
		if err := login("vagrant", s); err != nil {
			t.Errorf("control: %s authorized on purpose does not get in (%v): the refusal above proves nothing", s.PublicKey().Type(), err)
		}
	}
}

// TestIntegrationSecretsNotPrinted runs steps that use, and print, a
// secret_env value, then greps everything `envrun -v` wrote for it and for
// the environment's private key.
func TestIntegrationSecretsNotPrinted(t *testing.T) {
	const secret = "s3cr3t-t0ken-4242"
	w := newWorld(t, `
box "debian/bookworm"
network "n" { subnet = "172.31.65.0/24" }
machine "web" {
  networks = { n = "172.31.65.20" },
  provision = {
    shell { inline = 'test "$TOKEN" = `+secret+` || exit 9; echo "token is $TOKEN"', secret_env = { TOKEN = "`+secret+`" } },
    shell { inline = 'echo "failing with $TOKEN" >&2; exit 3', secret_env = { TOKEN = "`+secret+`" } },
  },
}
`)
	r := w.run("-v", "up")
	if r.code != 1 || !strings.Contains(r.stderr, "shell#2") {
		t.Fatalf("want the second step to fail: %s", r)
	}
	if !strings.Contains(r.stderr, "token is ******") {
		t.Errorf("the first step did not get the secret (or its output is lost):\n%s", r.stderr)
	}
	r2 := w.run("-v", "provision")
	all := r.stdout + r.stderr + r2.stdout + r2.stderr
	if strings.Contains(all, secret) {
		t.Errorf("the secret was printed:\n%s", all)
	}
	key, err := os.ReadFile(filepath.Join(w.dir, ".envrun", "id_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(key), "\n") {
		if len(line) > 20 && !strings.HasPrefix(line, "-----") && strings.Contains(all, line) {
			t.Errorf("the private key was printed (%q)", line)
		}
	}
}
