package virtualbox

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBoxFromRealArchivers adds boxes packed by the programs real boxes
// come from: bsdtar (what `vagrant package` runs, and what Vagrant unpacks
// boxes with) and GNU tar, in the formats and compressions they write. The
// disk has a 48 MiB hole, so that sparse archives are sparse. Where a
// program is missing the case is skipped, except on CI (CI=true), which
// installs them.
func TestBoxFromRealArchivers(t *testing.T) {
	src := t.TempDir()
	files := map[string][]byte{
		"metadata.json": []byte(`{"provider": "virtualbox"}` + "\n"),
		"box.ovf":       []byte("<?xml version=\"1.0\"?>\n<Envelope/>\n"),
		"Vagrantfile":   []byte("Vagrant.configure(\"2\") do |config|\nend\n"),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	disk, err := os.Create(filepath.Join(src, "box-disk001.vmdk"))
	if err != nil {
		t.Fatal(err)
	}
	disk.WriteAt([]byte("KDMV head"), 0)
	disk.WriteAt([]byte("tail"), 48<<20)
	if err := disk.Close(); err != nil {
		t.Fatal(err)
	}
	files["box-disk001.vmdk"], _ = os.ReadFile(filepath.Join(src, "box-disk001.vmdk"))
	all := []string{"metadata.json", "box.ovf", "Vagrantfile", "box-disk001.vmdk"}

	tests := []struct {
		name    string
		cmd     []string // OUT is the box file
		wantErr string
	}{
		// What `vagrant package` runs: bsdtar -czf OUT -C DIR FILES...
		{name: "bsdtar gzip, vagrant package", cmd: append([]string{"bsdtar", "-czf", "OUT", "-C", src}, all...)},
		{name: "bsdtar gzip of ./", cmd: []string{"bsdtar", "-czf", "OUT", "-C", src, "."}},
		{name: "bsdtar plain tar", cmd: []string{"bsdtar", "-cf", "OUT", "-C", src, "."}},
		{name: "bsdtar bzip2", cmd: []string{"bsdtar", "-cjf", "OUT", "-C", src, "."}},
		{name: "bsdtar pax", cmd: []string{"bsdtar", "--format=pax", "-czf", "OUT", "-C", src, "."}},
		{name: "GNU tar gzip", cmd: []string{"tar", "-czf", "OUT", "-C", src, "."}},
		{name: "GNU tar sparse (GNU format)", cmd: []string{"tar", "--sparse", "-czf", "OUT", "-C", src, "."}},
		{name: "GNU tar sparse (pax 1.0)", cmd: []string{"tar", "--format=pax", "--sparse-version=1.0", "--sparse", "-cf", "OUT", "-C", src, "."}},
		{name: "GNU tar sparse (pax 0.1)", cmd: []string{"tar", "--format=pax", "--sparse-version=0.1", "--sparse", "-cf", "OUT", "-C", src, "."}},
		{name: "bsdtar xz", cmd: []string{"bsdtar", "-cJf", "OUT", "-C", src, "."}, wantErr: "it is compressed with xz; envrun reads boxes that are tar files"},
		{name: "bsdtar zstd", cmd: []string{"bsdtar", "--zstd", "-cf", "OUT", "-C", src, "."}, wantErr: "it is compressed with zstd"},
		{name: "bsdtar zip", cmd: []string{"bsdtar", "--format=zip", "-cf", "OUT", "-C", src, "."}, wantErr: "it is a zip archive"},
	}
	t.Setenv("ENVRUN_BOX_DIR", t.TempDir())
	bs, err := newBoxStore(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := exec.LookPath(tt.cmd[0]); err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("%s is required on CI: %v", tt.cmd[0], err)
				}
				t.Skipf("%s is not installed: %v", tt.cmd[0], err)
			}
			out := filepath.Join(t.TempDir(), "test.box")
			args := append([]string(nil), tt.cmd...)
			for i := range args {
				if args[i] == "OUT" {
					args[i] = out
				}
			}
			if b, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
				t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, b)
			}
			err := bs.AddBox(context.Background(), "test/box", out, true)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for name, want := range files {
				got, err := os.ReadFile(filepath.Join(bs.path("test/box"), name))
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s: %d bytes, want %d (%v)", name, len(got), len(want), err)
				}
			}
		})
	}
}
