package libvirt

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBoxVolumeNames(t *testing.T) {
	for _, name := range []string{"debian/bookworm", "generic/debian12:4.3.12", "a b%c", "plain"} {
		for _, kind := range []string{boxImage, boxKernel, boxInitrd, boxJSON} {
			vol := boxVolume(name, kind)
			if strings.ContainsAny(vol, "/ :") {
				t.Errorf("volume name %q has a character volumes must not", vol)
			}
			box, k, ok := parseBoxVolume(vol)
			if !ok || box != name || k != kind {
				t.Errorf("parseBoxVolume(%q) = %q, %q, %v; want %q, %q", vol, box, k, ok, name, kind)
			}
		}
	}
	for _, vol := range []string{"proj-web.qcow2", "envrun-box-x.qcow2", "other.img"} {
		if _, _, ok := parseBoxVolume(vol); ok {
			t.Errorf("parseBoxVolume(%q) took a machine's volume for a box's", vol)
		}
	}
}

// qcow2Head is the start of a qcow2 image of size bytes.
func qcow2Head(size uint64) []byte {
	b := make([]byte, 512)
	copy(b, "QFI\xfb")
	binary.BigEndian.PutUint32(b[4:], 3)
	binary.BigEndian.PutUint64(b[24:], size)
	return b
}

// writeBox writes a Vagrant-format box (gzip-compressed when gz) with the
// given members, in order.
func writeBox(t *testing.T, gz bool, members ...[2]string) string {
	t.Helper()
	var buf bytes.Buffer
	var tw *tar.Writer
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(&buf)
		tw = tar.NewWriter(zw)
	} else {
		tw = tar.NewWriter(&buf)
	}
	for _, m := range members {
		if err := tw.WriteHeader(&tar.Header{Name: m[0], Mode: 0o644, Size: int64(len(m[1])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(m[1]))
	}
	tw.Close()
	if zw != nil {
		zw.Close()
	}
	path := filepath.Join(t.TempDir(), "test.box")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPlanBox(t *testing.T) {
	img := string(qcow2Head(4 << 30))
	dir := t.TempDir()
	plainQcow2 := filepath.Join(dir, "disk.qcow2")
	os.WriteFile(plainQcow2, qcow2Head(2<<30), 0o644)
	raw := filepath.Join(dir, "disk.raw")
	os.WriteFile(raw, make([]byte, 4096), 0o644)
	tests := []struct {
		name    string
		file    string
		want    boxPlan
		wantErr string
	}{
		{name: "a plain qcow2 image", file: plainQcow2, want: boxPlan{}},
		{name: "a raw image", file: raw, wantErr: "neither a Vagrant-format box nor a qcow2 image"},
		{name: "a folder", file: dir, wantErr: "is a folder: libvirt boxes are added from a box file"},
		{name: "a missing file", file: filepath.Join(dir, "nope.box"), wantErr: "no such file"},
		{name: "a Vagrant libvirt box, metadata last", file: writeBox(t, true,
			[2]string{"./box.img", img}, [2]string{"./metadata.json", `{"provider":"libvirt","format":"qcow2","virtual_size":4}`}),
			want: boxPlan{Vagrant: true, Image: "box.img"}},
		{name: "envrun's direct-boot box, not compressed", file: writeBox(t, false,
			[2]string{"metadata.json", `{"provider":"libvirt","format":"qcow2","envrun":{"kernel":"vmlinuz","initrd":"initrd.img","cmdline":"root=/dev/vda"}}`},
			[2]string{"box.img", img}, [2]string{"vmlinuz", "k"}, [2]string{"initrd.img", "i"}),
			want: boxPlan{Vagrant: true, Image: "box.img", Kernel: "vmlinuz", Initrd: "initrd.img", Cmdline: "root=/dev/vda"}},
		{name: "a VirtualBox box", file: writeBox(t, true, [2]string{"metadata.json", `{"provider":"virtualbox"}`}),
			wantErr: `is a box for "virtualbox", not for libvirt`},
		{name: "a raw libvirt box", file: writeBox(t, true, [2]string{"metadata.json", `{"provider":"libvirt","format":"raw"}`}),
			wantErr: `metadata.json says format "raw"`},
		{name: "initrd without kernel", file: writeBox(t, true, [2]string{"metadata.json", `{"provider":"libvirt","envrun":{"initrd":"i"}}`}),
			wantErr: "envrun.initrd without envrun.kernel"},
		{name: "a tar without metadata.json", file: writeBox(t, true, [2]string{"box.img", img}),
			wantErr: "without metadata.json"},
		{name: "bad JSON", file: writeBox(t, false, [2]string{"metadata.json", `{"provider":`}),
			wantErr: "metadata.json: unexpected end of JSON input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := planBox(tt.file)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %+v, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if *got != tt.want {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestQcow2Size(t *testing.T) {
	if got := qcow2Size(qcow2Head(5 << 30)); got != 5<<30 {
		t.Errorf("qcow2Size = %d", got)
	}
	if got := qcow2Size([]byte("not an image at all, no, not at all")); got != 0 {
		t.Errorf("qcow2Size of text = %d", got)
	}
}
