package provider

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
)

// A box file, as `envrun box add NAME FILE` is given it, is either a
// Vagrant-format box — a tar archive, gzip-compressed or not, holding
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

// WalkBox calls f for every regular file in the Vagrant-format box at
// file, in archive order, with its name cleaned ("./box.img" → "box.img").
// An error from f stops the walk and is returned.
func WalkBox(file string, f func(name string, size int64, r io.Reader) error) error {
	fh, err := os.Open(file)
	if err != nil {
		return err
	}
	defer fh.Close()
	br := bufio.NewReaderSize(fh, 1<<20)
	var r io.Reader = br
	if magic, _ := br.Peek(2); bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		defer gz.Close()
		r = gz
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
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		if err := f(path.Clean(hdr.Name), hdr.Size, tr); err != nil {
			return err
		}
	}
}
