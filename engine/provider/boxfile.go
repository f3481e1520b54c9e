package provider

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// A box file, as `envrun box add NAME FILE` is given it, is either a
// Vagrant-format box — a tar archive, plain, gzipped or bzip2-ed, holding
// metadata.json (whose "provider" field names the provider it is for) and
// the provider's disk files; or such a box unpacked in a folder; or a
// provider's own disk image (a plain qcow2 for libvirt). The helpers here
// read the first two kinds for every provider.

// ErrNotVagrantBox says a file is not a tar archive: it may be a disk image.
var ErrNotVagrantBox = errors.New("not a Vagrant-format box (a tar archive with metadata.json)")

// BoxMetadata is a Vagrant box's metadata.json.
type BoxMetadata struct {
	// Provider is the provider the box is for: "libvirt", "virtualbox".
	Provider string `json:"provider"`
	// Format is the disk format, for libvirt boxes "qcow2".
	Format string `json:"format,omitempty"`
	// VirtualSize is the disk's size in GB, for libvirt boxes.
	VirtualSize float64 `json:"virtual_size,omitempty"`
	// Fields holds every field as it was, for providers' extensions.
	Fields map[string]json.RawMessage `json:"-"`
}

// ReadBoxMetadata reads metadata.json from the Vagrant-format box at file
// (a box file or an unpacked box folder). It returns ErrNotVagrantBox
// (wrapped) for a file that is not a tar archive.
func ReadBoxMetadata(file string) (*BoxMetadata, error) {
	if fi, err := os.Stat(file); err == nil && fi.IsDir() {
		data, err := os.ReadFile(filepath.Join(file, "metadata.json"))
		if err != nil {
			return nil, fmt.Errorf("%s: a box folder without metadata.json", file)
		}
		return ParseBoxMetadata(data)
	}
	var meta *BoxMetadata
	errFound := errors.New("found")
	err := WalkBox(file, func(name string, size int64, r io.Reader) error {
		if name != "metadata.json" {
			return nil
		}
		data, err := io.ReadAll(io.LimitReader(r, 1<<20))
		if err != nil {
			return err
		}
		meta, err = ParseBoxMetadata(data)
		if err != nil {
			return err
		}
		return errFound
	})
	switch {
	case errors.Is(err, errFound):
		return meta, nil
	case err != nil:
		return nil, err
	}
	return nil, fmt.Errorf("%s: a tar archive without metadata.json is no Vagrant box", file)
}

// ParseBoxMetadata parses the content of a metadata.json.
func ParseBoxMetadata(data []byte) (*BoxMetadata, error) {
	meta := &BoxMetadata{}
	if err := json.Unmarshal(data, meta); err != nil {
		return nil, fmt.Errorf("metadata.json: %w", err)
	}
	if err := json.Unmarshal(data, &meta.Fields); err != nil {
		return nil, fmt.Errorf("metadata.json: %w", err)
	}
	return meta, nil
}

// boxCompressions are the magic numbers of the compressions a box may
// come in. Vagrant unpacks boxes with bsdtar, which reads them all; envrun
// reads a tar that is plain, gzipped (nearly every box) or bzip2-ed, and
// says what to do with the others.
var boxCompressions = []struct {
	name  string
	magic string
	open  func(io.Reader) (io.Reader, error)
}{
	{"gzip", "\x1f\x8b", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
	{"bzip2", "BZh", func(r io.Reader) (io.Reader, error) { return bzip2.NewReader(r), nil }},
	{"compressed with xz", "\xfd7zXZ\x00", nil},
	{"compressed with zstd", "\x28\xb5\x2f\xfd", nil},
	{"a zip archive", "PK\x03\x04", nil},
}

// WalkBox calls f for every regular file (sparse ones included: the
// reader fills their holes) in the Vagrant-format box at file, a tar that
// is plain, gzipped or bzip2-ed, in archive order, with its name cleaned
// ("./box.img" → "box.img"). Folders and links are passed over; a name
// that leaves the box ("../x", "/x") is an error. An error from f stops
// the walk and is returned. Every provider's box reader is this one.
func WalkBox(file string, f func(name string, size int64, r io.Reader) error) error {
	fh, err := os.Open(file)
	if err != nil {
		return err
	}
	defer fh.Close()
	br := bufio.NewReaderSize(fh, 1<<20)
	var r io.Reader = br
	magic, _ := br.Peek(6)
	for _, c := range boxCompressions {
		if !bytes.HasPrefix(magic, []byte(c.magic)) {
			continue
		}
		if c.open == nil {
			return fmt.Errorf("%s: it is %s; envrun reads boxes that are tar files, plain or compressed with gzip or bzip2: "+
				"unpack it into a folder (bsdtar -xf %s -C FOLDER) and add the folder", file, c.name, file)
		}
		if r, err = c.open(br); err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		break
	}
	// A tar archive has "ustar" at offset 257 of its first block.
	tbr := bufio.NewReaderSize(r, 1<<20)
	if head, err := tbr.Peek(262); err != nil || !bytes.Equal(head[257:262], []byte("ustar")) {
		return fmt.Errorf("%s: %w", file, ErrNotVagrantBox)
	}
	tr := tar.NewReader(tbr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeGNUSparse {
			continue
		}
		name := path.Clean(hdr.Name)
		if path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return fmt.Errorf("%s: entry %q leaves the box", file, hdr.Name)
		}
		if err := f(name, hdr.Size, tr); err != nil {
			return err
		}
	}
}
