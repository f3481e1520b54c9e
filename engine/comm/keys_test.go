package comm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadOrCreateKeyModes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "id_ed25519")
	k, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new key: mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	again, err := LoadOrCreateKey(path)
	if err != nil || string(again.Signer.PublicKey().Marshal()) != string(k.Signer.PublicKey().Marshal()) {
		t.Fatalf("reload: %v, or another key", err)
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604} {
		os.Chmod(path, mode)
		_, err := LoadOrCreateKey(path)
		if err == nil || !strings.Contains(err.Error(), "chmod 600 "+path) {
			t.Errorf("key with mode %04o: %v, want a refusal saying chmod 600", mode, err)
		}
	}
}
