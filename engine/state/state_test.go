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
