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

// writeTar writes the paths send of tree t as a tar stream to w, reading
// each file at local(path). Names are relative ("./" is the tree's top);
// owners are left out (the machine's tar makes the login user the owner).
// A file that changes size or time while it is read is sent as read, and
// returned in changed: its copy may be torn, so the next upload sends it
// again. A file gone since the scan is left out, and returned too.
func writeTar(w io.Writer, t Tree, send []string, local func(string) string) (changed []string, err error) {
	tw := tar.NewWriter(w)
	for _, p := range send {
		e := t[p]
		h := &tar.Header{Name: p, Mode: int64(e.mode.Perm()), ModTime: e.mtime, Format: tar.FormatUnknown}
		if p == "." {
			h.Name = "./"
		}
		switch {
		case e.mode.IsDir():
			h.Typeflag = tar.TypeDir
			if p != "." {
				h.Name += "/"
			}
			if h.ModTime.IsZero() {
				h.ModTime = time.Now()
			}
		case e.mode.Type() == fs.ModeSymlink:
			h.Typeflag, h.Linkname, h.ModTime = tar.TypeSymlink, e.link, time.Now()
		default:
			ok, err := writeFile(tw, h, e, local(p))
			if err != nil {
				return changed, err
			}
			if !ok {
				changed = append(changed, p)
			}
			continue
		}
		if err := tw.WriteHeader(h); err != nil {
			return changed, err
		}
	}
	return changed, tw.Close()
}

// writeFile writes one regular file: the size the scan saw, padded with
// zeros when it shrank since. ok is false when the file changed since the
// scan, or while it was read.
func writeFile(tw *tar.Writer, h *tar.Header, e entry, name string) (ok bool, err error) {
	h.Typeflag, h.Size = tar.TypeReg, e.size
	f, err := os.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil // gone since the scan: not sent
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	if err := tw.WriteHeader(h); err != nil {
		return false, err
	}
	n, err := io.CopyN(tw, f, e.size)
	if err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("read %s: %w", name, err)
	}
	if n < e.size {
		if _, err := io.CopyN(tw, zeros{}, e.size-n); err != nil {
			return false, err
		}
		return false, nil
	}
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	return fi.Size() == e.size && fi.ModTime().Equal(e.mtime), nil
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
