package guest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/comm"
)

// TestFolderFailure runs the mounts of a first contact (as Remount writes
// them) by sh in a guest of stubs whose kernel lacks a module, or whose
// mount fails, and reads the failure back as the provider does: the
// folder's tag and the guest's words, on one line however many the
// mount printed.
func TestFolderFailure(t *testing.T) {
	mounts := func(g string) []Mount {
		return []Mount{
			{Name: "envrun1", Guest: g + "/vagrant", Type: "virtiofs"},
			{Name: "envrun2", Guest: g + "/srv/data", Type: "9p", Options: "trans=virtio"},
			{Name: "envrun3", Guest: g + "/srv/more", Type: "9p", Options: "trans=virtio"},
		}
	}
	tests := []struct {
		name     string
		modprobe string // the stub's body
		mount    string
		want     FolderFailure
	}{
		{"no 9p transport", `[ "$2" != 9pnet_virtio ]`, `exit 0`,
			FolderFailure{"envrun2", "the machine's kernel (6.1.0-28-amd64) has no 9pnet_virtio module"}},
		{"no virtiofs", `[ "$2" != virtiofs ]`, `exit 0`,
			FolderFailure{"envrun1", "the machine's kernel (6.1.0-28-amd64) has no virtiofs module"}},
		{"the mount fails", `exit 0`,
			`case $1 in */srv/data) printf 'mount: %s: unknown filesystem type 9p.\n       dmesg(1) may have more information.\n' "$1" >&2; exit 32;; esac`,
			FolderFailure{"envrun2", "mount failed: mount: GUEST/srv/data: unknown filesystem type 9p.        dmesg(1) may have more information."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			bin, g := filepath.Join(dir, "bin"), filepath.Join(dir, "guest")
			if err := os.MkdirAll(bin, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, body := range map[string]string{"modprobe": tt.modprobe, "mount": tt.mount,
				"mountpoint": "exit 1", "uname": "echo 6.1.0-28-amd64"} {
				if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			script := strings.NewReplacer("/etc/fstab", filepath.Join(dir, "fstab"), "/etc/modules-load.d/envrun.conf", filepath.Join(dir, "modules.conf"),
				"PATH=/usr/local/sbin", "PATH="+bin+":/usr/local/sbin").Replace(Remount("vagrant", nil, mounts(g)))
			cmd := exec.Command("sh", "-c", script)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("the script did not fail: %v\n%s", err, stderr.String())
			}
			// As comm.Client.Run reports it, wrapped as first contact does.
			err = fmt.Errorf("first contact with web: %w", &comm.ExitError{Cmd: "the guest set-up script", Status: exit.ExitCode(), Stderr: stderr.String()})
			got, ok := FindFolderFailure(err)
			want := tt.want
			want.Reason = strings.ReplaceAll(want.Reason, "GUEST", g)
			if !ok || got != want {
				t.Errorf("FindFolderFailure = %+v, %v; want %+v\nstderr:\n%s", got, ok, want, stderr.String())
			}
		})
	}

	// Any other failure of a script is not a folder's.
	for _, err := range []error{
		&comm.ExitError{Cmd: "the guest set-up script", Status: 1, Stderr: "envrun guest setup: user deploy does not exist on the machine\n"},
		&comm.ExitError{Cmd: "the guest set-up script", Status: 1, Stderr: "envrun synced folder with spaces: x\n"},
		errors.New("envrun synced folder envrun1: not from a script"),
	} {
		if ff, ok := FindFolderFailure(err); ok {
			t.Errorf("FindFolderFailure(%v) = %+v", err, ff)
		}
	}
}
