//go:build !windows

package sshmux

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestArgs(t *testing.T) {
	for _, c := range []struct {
		name string
		d    Dest
		want []string
	}{
		{"host only", Dest{Host: "big"}, []string{"--", "big"}},
		{"user and port", Dest{User: "me", Host: "big", Port: "2222"}, []string{"-l", "me", "-p", "2222", "--", "big"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.d.Args(); !slices.Equal(got, c.want) {
				t.Errorf("Args() = %q, want %q", got, c.want)
			}
		})
	}
}

// Two names of one address share nothing: their host-key settings may
// differ (HostKeyAlias), and a shared connection skips the check.
func TestPathPerDestination(t *testing.T) {
	if socketDir() == "" {
		t.Skip("no private folder for sockets here")
	}
	a, b := Dest{User: "root", Host: "10.0.0.1"}, Dest{User: "root", Host: "alias-of-10.0.0.1"}
	if a.Path() != a.Path() {
		t.Errorf("Path is not stable")
	}
	if a.Path() == b.Path() || a.Path() == (Dest{Host: "10.0.0.1"}).Path() {
		t.Errorf("different destinations share %s", a.Path())
	}
	if len(a.Path()) > maxSocketPath {
		t.Errorf("%s is too long for a socket", a.Path())
	}
	if opts := a.ClientOptions(); !slices.Contains(opts, "ControlPath="+a.Path()) || !slices.Contains(opts, "ControlMaster=no") {
		t.Errorf("ClientOptions() = %q", opts)
	}
}

func TestPrivate(t *testing.T) {
	base := t.TempDir()
	open := filepath.Join(base, "open")
	os.Mkdir(open, 0o755)
	os.Chmod(open, 0o755)
	link := filepath.Join(base, "link")
	mine := filepath.Join(base, "mine")
	os.Symlink(base, link)
	for _, c := range []struct {
		dir  string
		want bool
	}{
		{mine, true}, // made now, 0700
		{mine, true}, // there already
		{open, false},
		{link, false},
	} {
		if got := private(c.dir); got != c.want {
			t.Errorf("private(%s) = %v, want %v", filepath.Base(c.dir), got, c.want)
		}
	}
}

// A master that cannot be made says why, with ssh's own words: a changed
// host key stops there.
func TestEnsureFails(t *testing.T) {
	if socketDir() == "" {
		t.Skip("no private folder for sockets here")
	}
	fake := filepath.Join(t.TempDir(), "ssh")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 'Host key verification failed.' >&2\nexit 255\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	old := SSHProgram
	SSHProgram = fake
	t.Cleanup(func() { SSHProgram = old })
	d := Dest{Host: "h12-nowhere.invalid"}
	t.Cleanup(func() { removeBeside(d) })
	err := Ensure(context.Background(), d, "-o", "BatchMode=yes")
	var me *Error
	if !errors.As(err, &me) || me.Stderr != "Host key verification failed." || !strings.Contains(me.Command, "ControlMaster=yes") {
		t.Fatalf("Ensure: %v, want ssh's error", err)
	}
}

// TestKept: an answer Kept outlives the master (a new one forgets what
// Remembered kept, not this), is said to be learnt earlier when read back,
// is asked again once a day old or dropped, and a failed ask keeps nothing.
func TestKept(t *testing.T) {
	if socketDir() == "" {
		t.Skip("no private folder for sockets here")
	}
	d := Dest{User: "u", Host: "kept.test", Port: t.Name()}
	t.Cleanup(func() { removeBeside(d) })
	asked := 0
	ask := func(answer string, err error) func(context.Context) (string, error) {
		return func(context.Context) (string, error) { asked++; return answer, err }
	}
	if _, _, err := Kept(context.Background(), d, "q", ask("", errors.New("no"))); err == nil {
		t.Fatal("a failed ask gave no error")
	}
	check := func(want string, wantEarlier bool, wantAsked int) {
		t.Helper()
		v, earlier, err := Kept(context.Background(), d, "q", ask("one", nil))
		if err != nil || v != want || earlier != wantEarlier || asked != wantAsked {
			t.Errorf("Kept = %q, earlier %v, %v after %d asks; want %q, %v after %d", v, earlier, err, asked, want, wantEarlier, wantAsked)
		}
	}
	check("one", false, 2) // the failure kept nothing
	Remember(d, "r", "x")
	forgetAll(d.Path()) // a new master
	if _, ok := Recall(d, "r"); ok {
		t.Errorf("a new master did not forget what Remember kept")
	}
	check("one", true, 2)
	old := time.Now().Add(-KeepFor - time.Minute)
	os.Chtimes(d.Path()+keptInfix+"q", old, old)
	check("one", false, 3)
	Unkeep(d, "q")
	check("one", false, 4)
}

// removeBeside removes what d's connection left in the sockets' folder:
// its socket, lock, forwards and kept answers.
func removeBeside(d Dest) {
	left, _ := filepath.Glob(d.Path() + "*")
	for _, f := range left {
		os.Remove(f)
	}
}
