package comm

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKnownHosts(t *testing.T) {
	dir := t.TempDir()
	kh := OpenKnownHosts(filepath.Join(dir, "known_hosts"))
	_, k1, _ := NewHostKey()
	_, k2, _ := NewHostKey()
	if err := kh.Pin("10.0.0.2:22", k1, "web", "id1"); err != nil {
		t.Fatal(err)
	}
	if err := kh.Pin("127.0.0.1:2222", k2, "db", "id2"); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(kh.Path())
	if !strings.Contains(string(data), "10.0.0.2 ssh-ed25519 ") || !strings.Contains(string(data), "[127.0.0.1]:2222 ssh-ed25519 ") {
		t.Errorf("not in OpenSSH's format:\n%s", data)
	}
	addr := &net.TCPAddr{IP: net.ParseIP("10.0.0.2"), Port: 22}
	if err := kh.Callback("web")("10.0.0.2:22", addr, k1); err != nil {
		t.Errorf("pinned key refused: %v", err)
	}
	err := kh.Callback("web")("10.0.0.2:22", addr, k2)
	var changed *HostKeyChangedError
	if !errors.As(err, &changed) || !errors.Is(err, ErrHostKeyChanged) {
		t.Fatalf("another key: %v, want a HostKeyChangedError", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "ssh-keygen -R 10.0.0.2 -f "+kh.Path()) {
		t.Errorf("message does not say how to accept a rebuild: %s", msg)
	}
	// Re-pinning replaces; Forget removes one machine's keys only.
	if err := kh.Pin("10.0.0.2:22", k2, "web", "id3"); err != nil {
		t.Fatal(err)
	}
	if e, ok, _ := kh.Lookup("10.0.0.2:22"); !ok || e.ID != "id3" || e.Machine != "web" {
		t.Errorf("after re-pin: %+v %v", e, ok)
	}
	if err := kh.Forget("web"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := kh.Lookup("10.0.0.2:22"); ok {
		t.Error("Forget kept web's key")
	}
	if _, ok, _ := kh.Lookup("127.0.0.1:2222"); !ok {
		t.Error("Forget removed db's key")
	}
	if err := kh.Callback("web")("x", addr, k1); err == nil {
		t.Error("an unpinned host was accepted")
	}
}

func TestKeyModes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "id_ed25519")
	k, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("new key has mode %o", fi.Mode().Perm())
	}
	again, err := LoadOrCreateKey(path)
	if err != nil || string(again.Signer.PublicKey().Marshal()) != string(k.Signer.PublicKey().Marshal()) {
		t.Fatalf("reload: %v", err)
	}
	os.Chmod(path, 0o644)
	if _, err := LoadOrCreateKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600 "+path) {
		t.Errorf("a readable key: %v, want a refusal with the fix", err)
	}
	if _, err := LoadPrivateKey(filepath.Join(dir, "none")); err == nil || !strings.Contains(err.Error(), "envrun up") {
		t.Errorf("a missing key: %v", err)
	}
	if !strings.HasPrefix(k.AuthorizedKey(), "ssh-ed25519 ") {
		t.Errorf("authorized key %q", k.AuthorizedKey())
	}
}

// TestKnownHostsKeepsForeignLines: pinning rewrites only envrun's own
// lines; comments, @cert-authority and @revoked lines and keys the user
// added stay as they were, and a damaged line is reported with its line
// number instead of being dropped with everything after it.
func TestKnownHostsKeepsForeignLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "known_hosts")
	_, k1, _ := NewHostKey()
	_, k2, _ := NewHostKey()
	foreign := []string{
		"# my own notes",
		"@cert-authority *.example.org " + FormatPublicKey(k2),
		"@revoked 10.9.9.9 " + FormatPublicKey(k2),
		"gitlab.example.org " + FormatPublicKey(k2) + " added by hand",
	}
	os.WriteFile(path, []byte(strings.Join(foreign, "\n")+"\n"), 0o600)
	kh := OpenKnownHosts(path)
	if err := kh.Pin("10.0.0.2:22", k1, "web", "id1"); err != nil {
		t.Fatal(err)
	}
	if err := kh.Forget("web"); err != nil {
		t.Fatal(err)
	}
	if err := kh.Pin("10.0.0.3:22", k1, "db", "id2"); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	for _, l := range foreign {
		if !strings.Contains(string(data), l+"\n") {
			t.Errorf("line %q was lost:\n%s", l, data)
		}
	}
	if e, ok, _ := kh.Lookup("10.0.0.3:22"); !ok || e.Machine != "db" {
		t.Errorf("db not pinned:\n%s", data)
	}
	// A damaged third line: an error naming the file and line 3; the
	// file is left as it was.
	damaged := strings.Join(foreign[:2], "\n") + "\nthis is not a key\n" + string(data)
	os.WriteFile(path, []byte(damaged), 0o600)
	err := kh.Pin("10.0.0.4:22", k1, "cache", "id3")
	if err == nil || !strings.Contains(err.Error(), path+":3:") {
		t.Errorf("a damaged line: %v, want an error naming %s:3", err, path)
	}
	if now, _ := os.ReadFile(path); string(now) != damaged {
		t.Errorf("the file changed:\n%s", now)
	}
}
