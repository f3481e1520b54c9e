package provider

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadBoxMetadataCompressions: the one box reader every provider and
// `box add` without --provider use reads metadata.json from a box that is
// plain, gzipped or bzip2-ed (a bzip2 box VirtualBox accepted was not
// recognised by `box add` before the readers were one), names xz and zstd
// with what to do, and says a disk image is no Vagrant box.
func TestReadBoxMetadataCompressions(t *testing.T) {
	src := t.TempDir()
	for name, data := range map[string]string{
		"metadata.json": `{"provider": "virtualbox", "extra": 1}`,
		"box.ovf":       "<Envelope/>\n",
	} {
		if err := os.WriteFile(filepath.Join(src, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name, flag, wantErr string
	}{
		{"plain", "-cf", ""},
		{"gzip", "-czf", ""},
		{"bzip2", "-cjf", ""},
		{"xz", "-cJf", "it is compressed with xz; envrun reads boxes that are tar files, plain or compressed with gzip or bzip2"},
		{"zstd", "--zstd -cf", "it is compressed with zstd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "test.box")
			args := append(strings.Fields(tt.flag), out, "-C", src, ".")
			if b, err := exec.Command("tar", args...).CombinedOutput(); err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("tar %v: %v\n%s", args, err, b)
				}
				t.Skipf("tar %v: %v\n%s", args, err, b)
			}
			meta, err := ReadBoxMetadata(out)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || meta.Provider != "virtualbox" || string(meta.Fields["extra"]) != "1" {
				t.Fatalf("ReadBoxMetadata = %+v, %v", meta, err)
			}
			var names []string
			if err := WalkBox(out, func(name string, _ int64, r io.Reader) error {
				names = append(names, name)
				return nil
			}); err != nil || strings.Join(names, " ") != "box.ovf metadata.json" && strings.Join(names, " ") != "metadata.json box.ovf" {
				t.Fatalf("WalkBox: %v, %v", names, err)
			}
		})
	}
	img := filepath.Join(t.TempDir(), "disk.qcow2")
	os.WriteFile(img, append([]byte("QFI\xfb"), make([]byte, 1024)...), 0o644)
	if _, err := ReadBoxMetadata(img); !errors.Is(err, ErrNotVagrantBox) {
		t.Fatalf("a disk image: %v, want ErrNotVagrantBox", err)
	}
}

// TestWalkBoxRefusesEscapes: an entry named ../x or /x is an error, never
// a file written beside the box's folder.
func TestWalkBoxRefusesEscapes(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"../evil", "/etc/evil"} {
		box := filepath.Join(dir, "evil.box")
		if b, err := exec.Command("python3", "-c", `
import tarfile, io, sys
with tarfile.open(sys.argv[1], "w", format=tarfile.USTAR_FORMAT) as t:
    for n, d in (("metadata.json", b"{}"), (sys.argv[2], b"x")):
        i = tarfile.TarInfo(n); i.size = len(d); t.addfile(i, io.BytesIO(d))
`, box, name).CombinedOutput(); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("python3: %v\n%s", err, b)
			}
			t.Skipf("python3: %v\n%s", err, b)
		}
		err := WalkBox(box, func(string, int64, io.Reader) error { return nil })
		if err == nil || !strings.Contains(err.Error(), "leaves the box") {
			t.Errorf("entry %s: err = %v, want it to leave the box", name, err)
		}
	}
}
