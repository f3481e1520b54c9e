package comm

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// tarStream writes tree entries as a tar stream. Names are relative
// ("./" is the tree's top); owners are left out (the machine's tar makes
// the login user the owner).
type tarStream struct {
	tw *tar.Writer
	// changed are the files that changed since they were scanned (their
	// copy may be torn, or they were left out because they are gone): the
	// next upload sends them again.
	changed []string
}

func newTarStream(w io.Writer) *tarStream { return &tarStream{tw: tar.NewWriter(w)} }

// add writes the entry e of path p, reading a file's bytes from local.
func (s *tarStream) add(p string, e entry, local string) error {
	h := &tar.Header{Name: p, Mode: int64(e.mode.Perm()), ModTime: e.mtime, Format: tar.FormatUnknown}
	switch {
	case e.mode.IsDir():
		h.Typeflag = tar.TypeDir
		if p == "." {
			h.Name = "./"
		} else {
			h.Name += "/"
		}
		if h.ModTime.IsZero() {
			h.ModTime = time.Now()
		}
	case e.mode.Type() == fs.ModeSymlink:
		h.Typeflag, h.Linkname, h.ModTime = tar.TypeSymlink, e.link, time.Now()
	default:
		ok, err := s.file(h, e, local)
		if !ok {
			s.changed = append(s.changed, p)
		}
		return err
	}
	return s.tw.WriteHeader(h)
}

// file writes one regular file: the size the scan saw, padded with zeros
// when it shrank since. ok is false when the file is gone or shrank. (A
// file changed in place is sent as read: its new time differs from the
// one the scan recorded, so the next upload sends it again.)
func (s *tarStream) file(h *tar.Header, e entry, name string) (ok bool, err error) {
	h.Typeflag, h.Size = tar.TypeReg, e.size
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil // gone since the scan: not sent
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	if err := s.tw.WriteHeader(h); err != nil {
		return false, err
	}
	n, err := io.CopyN(s.tw, f, e.size)
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("read %s: %w", name, err)
	}
	if n < e.size {
		_, err := io.CopyN(s.tw, zeros{}, e.size-n)
		return false, err
	}
	return true, nil
}

func (s *tarStream) close() error { return s.tw.Close() }

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
