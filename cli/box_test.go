package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine"
)

func writeTarBox(t *testing.T, dir, metadata string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	if metadata != "" {
		tw.WriteHeader(&tar.Header{Name: "./metadata.json", Mode: 0o644, Size: int64(len(metadata)), Typeflag: tar.TypeReg})
		tw.Write([]byte(metadata))
	}
	tw.WriteHeader(&tar.Header{Name: "./box.img", Mode: 0o644, Size: 4, Typeflag: tar.TypeReg})
	tw.Write([]byte("disk"))
	tw.Close()
	zw.Close()
	path := filepath.Join(dir, "x.box")
	os.WriteFile(path, buf.Bytes(), 0o644)
	return path
}

// `envrun box add` finds the store by --provider, metadata.json's
// provider, or the image's first bytes.
func TestBoxDriverFor(t *testing.T) {
	dir := t.TempDir()
	qcow2 := filepath.Join(dir, "disk.qcow2")
	os.WriteFile(qcow2, append([]byte("QFI\xfb"), make([]byte, 100)...), 0o644)
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("hello"), 0o644)
	tests := []struct {
		name      string
		provider  string
		file      func(t *testing.T) string
		want      string
		wantErr   string
		wantUsage bool
	}{
		{name: "a Vagrant box for libvirt", file: func(t *testing.T) string {
			return writeTarBox(t, t.TempDir(), `{"provider":"libvirt","format":"qcow2"}`)
		}, want: "libvirt"},
		{name: "a bzip2 Vagrant box for virtualbox", file: func(t *testing.T) string {
			gz := writeTarBox(t, t.TempDir(), `{"provider":"virtualbox"}`)
			raw, err := exec.Command("gzip", "-dc", gz).Output()
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("bzip2", "-c")
			cmd.Stdin = bytes.NewReader(raw)
			bz, err := cmd.Output()
			if err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatal(err)
				}
				t.Skip("bzip2:", err)
			}
			p := filepath.Join(t.TempDir(), "x.box")
			os.WriteFile(p, bz, 0o644)
			return p
		}, want: "virtualbox"},
		{name: "a plain qcow2 image", file: func(*testing.T) string { return qcow2 }, want: "libvirt"},
		{name: "an unpacked box folder", file: func(t *testing.T) string {
			d := t.TempDir()
			os.WriteFile(filepath.Join(d, "metadata.json"), []byte(`{"provider":"virtualbox"}`), 0o644)
			return d
		}, want: "virtualbox"},
		{name: "--provider wins", provider: "libvirt", file: func(*testing.T) string { return text }, want: "libvirt"},
		{name: "a box for a provider envrun lacks", file: func(t *testing.T) string { return writeTarBox(t, t.TempDir(), `{"provider":"hyperv"}`) },
			wantErr: `unknown provider "hyperv"`, wantUsage: true},
		{name: "metadata without provider", file: func(t *testing.T) string { return writeTarBox(t, t.TempDir(), `{"format":"qcow2"}`) },
			wantErr: "metadata.json names no provider", wantUsage: true},
		{name: "a tar without metadata.json", file: func(t *testing.T) string { return writeTarBox(t, t.TempDir(), "") },
			wantErr: "without metadata.json"},
		{name: "a file of no known kind", file: func(*testing.T) string { return text },
			wantErr: "cannot tell which provider " + text + " is for", wantUsage: true},
		{name: "a missing file", file: func(*testing.T) string { return filepath.Join(dir, "missing.box") },
			wantErr: "no such file", wantUsage: true},
		{name: "docker has no boxes", provider: "docker", file: func(*testing.T) string { return qcow2 },
			wantErr: "the docker provider has no boxes", wantUsage: true},
		{name: "an unknown provider", provider: "libvrit", file: func(*testing.T) string { return qcow2 },
			wantErr: `unknown provider "libvrit" (did you mean "libvirt"?)`, wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := boxDriverFor(tt.provider, tt.file(t))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, %v; want an error containing %q", d, err, tt.wantErr)
				}
				var usage *engine.UsageError
				if errors.As(err, &usage) != tt.wantUsage {
					t.Errorf("usage error (exit 2): %v, want %v", !tt.wantUsage, tt.wantUsage)
				}
				return
			}
			if err != nil || d.Name != tt.want {
				t.Fatalf("got %v, %v; want %s", d, err, tt.want)
			}
		})
	}
}

func TestHumanSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 412 << 20: "412.0 MiB", 3 << 30: "3.0 GiB"} {
		if got := humanSize(n); got != want {
			t.Errorf("humanSize(%d) = %q, want %q", n, got, want)
		}
	}
}
