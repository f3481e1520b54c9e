package state

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLock(t *testing.T) {
	d := ForEnvfile(filepath.Join(t.TempDir(), "Envfile.lua"))
	l, err := d.Lock("envrun up")
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Lock("envrun destroy")
	var locked *LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("second lock: %v, want LockedError", err)
	}
	if locked.Holder.PID != os.Getpid() || locked.Holder.Command != "envrun up" ||
		!strings.Contains(err.Error(), "envrun up") {
		t.Errorf("holder %+v, message %q", locked.Holder, err)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	l2, err := d.Lock("envrun halt")
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	l2.Unlock()
}

func TestEnsureRefusesOpenFolder(t *testing.T) {
	d := ForEnvfile(filepath.Join(t.TempDir(), "Envfile.lua"))
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(d.Path)
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("mode %o, want 700", fi.Mode().Perm())
	}
	os.Chmod(d.Path, 0o755)
	if err := d.Ensure(); err == nil || !strings.Contains(err.Error(), "chmod 700") {
		t.Errorf("open folder: %v", err)
	}
}

func TestProjectID(t *testing.T) {
	a := ProjectID("/home/u/My Project/Envfile.lua")
	b := ProjectID("/home/v/My Project/Envfile.lua")
	if !strings.HasPrefix(a, "my-project-") || a == b || len(a) != len("my-project-")+8 {
		t.Errorf("ProjectID = %q, %q", a, b)
	}
	if ProjectID("/home/u/My Project/Envfile.lua") != a {
		t.Error("not stable")
	}
}

// TestCheckRefusesLinkAndOthers: a .envrun that is a symbolic link, a file,
// or another user's folder is refused, naming .envrun, and nothing is made
// or changed through it.
func TestCheckRefusesLinkAndOthers(t *testing.T) {
	root := t.TempDir()
	precious := filepath.Join(root, "precious")
	os.Mkdir(precious, 0o700)
	os.WriteFile(filepath.Join(precious, "id_ed25519"), []byte("mine"), 0o600)
	env := filepath.Join(root, "env")
	os.Mkdir(env, 0o755)
	d := ForEnvfile(filepath.Join(env, "Envfile.lua"))
	if err := os.Symlink("../precious", d.Path); err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func() error{
		"Check":  d.Check,
		"Ensure": d.Ensure,
		"Lock":   func() error { _, err := d.Lock("up"); return err },
		"RemoveOwn": func() error {
			_, err := d.RemoveOwn()
			return err
		},
	} {
		if err := f(); err == nil || !strings.Contains(err.Error(), ".envrun is a symbolic link") {
			t.Errorf("%s through a link: %v, want a refusal naming .envrun", name, err)
		}
	}
	entries, _ := os.ReadDir(precious)
	if len(entries) != 1 {
		t.Errorf("the link's target changed: %v", entries)
	}
	os.Remove(d.Path)
	os.WriteFile(d.Path, nil, 0o600)
	if err := d.Check(); err == nil || !strings.Contains(err.Error(), "is not a folder") {
		t.Errorf("a file: %v", err)
	}
	os.Remove(d.Path)
	if os.Geteuid() == 0 {
		os.Mkdir(d.Path, 0o700)
		os.Chown(d.Path, 65534, 65534)
		if err := d.Check(); err == nil || !strings.Contains(err.Error(), "belongs to uid 65534") {
			t.Errorf("another user's folder: %v", err)
		}
	}
}

// TestStateFilesNotFollowed: a symbolic link inside .envrun is not read
// as a state file, and the lock is not taken through one.
func TestStateFilesNotFollowed(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "secret"), []byte(`{"x":1}`), 0o600)
	d := ForEnvfile(filepath.Join(root, "Envfile.lua"))
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	os.Symlink("../secret", d.Join("state.json"))
	os.Symlink("../secret", d.Join("lock"))
	var v map[string]any
	if err := ReadJSON(d.Join("state.json"), &v); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("ReadJSON through a link: %v (%v)", err, v)
	}
	if _, err := d.Lock("up"); err == nil {
		t.Error("the lock was taken through a link")
	}
	if _, err := d.Mkdir("ansible", "site"); err != nil {
		t.Fatal(err)
	}
	os.Symlink(root, d.Join("ansible", "other"))
	if _, err := d.Mkdir("ansible", "other"); err == nil {
		t.Error("Mkdir went through a link")
	}
}

// TestRemoveOwnByName: destroy's clean-up removes the files envrun makes,
// by name, and leaves anything else (named in its answer).
func TestRemoveOwnByName(t *testing.T) {
	root := t.TempDir()
	d := ForEnvfile(filepath.Join(root, "Envfile.lua"))
	if err := d.Ensure(); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(root, "outside")
	os.Mkdir(outside, 0o700)
	os.WriteFile(filepath.Join(outside, "keep"), nil, 0o600)
	for _, name := range []string{"id_ed25519", "id_ed25519.pub", "known_hosts", "state.json", "ssh_config", "console-web.log", ".known_hosts.tmp123", "lock", "notes.txt"} {
		os.WriteFile(d.Join(name), []byte("x"), 0o600)
	}
	dir, _ := d.Mkdir("ansible", "site")
	os.WriteFile(filepath.Join(dir, "inventory.yml"), nil, 0o600)
	os.Symlink(outside, filepath.Join(dir, "link"))
	os.Mkdir(d.Join("mine"), 0o700)
	left, err := d.RemoveOwn()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(left, ",") != "mine,notes.txt" {
		t.Errorf("left %v, want mine and notes.txt", left)
	}
	var now []string
	entries, _ := os.ReadDir(d.Path)
	for _, e := range entries {
		now = append(now, e.Name())
	}
	if strings.Join(now, ",") != "lock,mine,notes.txt" {
		t.Errorf(".envrun holds %v, want the lock and the user's files", now)
	}
	if _, err := os.Stat(filepath.Join(outside, "keep")); err != nil {
		t.Errorf("a file a link in ansible/ pointed at went: %v", err)
	}
}
