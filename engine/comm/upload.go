package comm

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pkg/sftp"

	"github.com/envrun/envrun/internal/ignore"
	"github.com/envrun/envrun/internal/shquote"
)

func (c *Client) sftpClient() (*sftp.Client, error) {
	c.sftpOnce.Do(func() {
		c.sftp, c.sftpErr = sftp.NewClient(c.conn, sftp.UseConcurrentWrites(true))
		if c.sftpErr != nil {
			c.sftpErr = c.wrap(fmt.Errorf("start sftp on %s (is the sftp-server subsystem installed?): %w", c.cfg.Machine, c.sftpErr))
		}
	})
	return c.sftp, c.sftpErr
}

// UploadOptions shape an upload.
type UploadOptions struct {
	// Exclude are .gitignore patterns, relative to a folder source, of
	// paths left out. Folders called .envrun are always left out.
	Exclude []string
	// Changes sends only what changed since this connection last uploaded
	// the same source to the same destination, and removes on the machine
	// what was removed from the source since (paths the machine has that
	// envrun never sent are left alone). The first upload on a connection
	// sends everything, over what is there.
	Changes bool
	// Progress, when set, is told what an upload sends.
	Progress func(format string, args ...any)
	// Warnf, when set, is told of a slow fallback (no tar on the machine).
	Warnf func(format string, args ...any)
}

// UploadError is an upload that failed part way: Stale are the paths (or
// "." for the whole tree) whose copy on the machine may be old or
// incomplete. The next upload of the same tree sends them again.
type UploadError struct {
	Machine, Dst string
	Stale        []string
	Err          error
}

func (e *UploadError) Error() string {
	what := "the whole copy"
	if len(e.Stale) > 0 && !slices.Contains(e.Stale, ".") {
		shown := e.Stale
		if len(shown) > 5 {
			shown = shown[:5]
		}
		what = strings.Join(shown, ", ")
		if n := len(e.Stale) - len(shown); n > 0 {
			what += fmt.Sprintf(" and %d more", n)
		}
	}
	return fmt.Sprintf("upload to %s:%s failed, so %s there may be stale (the next run sends it again): %v", e.Machine, e.Dst, what, e.Err)
}

func (e *UploadError) Unwrap() error { return e.Err }

// synced is what a connection last uploaded to a destination.
type synced struct {
	src     string
	exclude string // the patterns, joined
	tree    Tree
}

// Upload copies the local file or folder src to dst on the machine, as the
// login user. A dst ending in "/" is a folder to copy into; otherwise dst
// names the copy itself (a folder's contents land in dst). Missing parent
// folders are created; modes, empty folders and symlinks (as symlinks) are
// kept; folders called .envrun are never sent.
func (c *Client) Upload(ctx context.Context, src, dst string) error {
	return c.UploadTree(ctx, src, dst, UploadOptions{})
}

// UploadTree is Upload with options. A folder goes as one tar stream over
// one SSH session, unpacked by the machine's tar; a machine without tar
// gets the same files over SFTP, one by one (slower).
func (c *Client) UploadTree(ctx context.Context, src, dst string, opts UploadOptions) error {
	if err := checkSource(src); err != nil {
		return err
	}
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	dst = destination(src, dst)
	if !fi.IsDir() {
		t := Tree{path.Base(dst): entry{mode: fi.Mode().Perm(), size: fi.Size(), mtime: fi.ModTime()}}
		return c.send(ctx, filepath.Dir(src), path.Dir(dst), t, Delta{Send: []string{path.Base(dst)}}, map[string]string{path.Base(dst): src}, opts.Warnf)
	}
	exclude := ignore.New(src, opts.Exclude)
	now, err := Scan(src, exclude)
	if err != nil {
		return err
	}
	key := strings.Join(exclude.List(), "\n")
	c.syncMu.Lock()
	last := c.synced[dst]
	c.syncMu.Unlock()
	var old Tree
	if opts.Changes && last != nil && last.src == src && last.exclude == key {
		old = last.tree
	}
	d := Diff(old, now)
	if d.Empty() {
		if opts.Progress != nil {
			opts.Progress("%s: nothing changed since the last upload", dst)
		}
		return nil
	}
	if opts.Progress != nil {
		if old == nil {
			opts.Progress("upload %d path(s) to %s", len(d.Send), dst)
		} else {
			opts.Progress("upload %d changed path(s) to %s, remove %d", len(d.Send), dst, len(d.Remove))
		}
	}
	c.forget(dst) // until it succeeds, what is there is unknown
	if err := c.send(ctx, src, dst, now, d, nil, opts.Warnf); err != nil {
		var ue *UploadError
		if errors.As(err, &ue) && old == nil {
			ue.Stale = []string{"."}
		}
		return err
	}
	c.syncMu.Lock()
	if c.synced == nil {
		c.synced = map[string]*synced{}
	}
	c.synced[dst] = &synced{src: src, exclude: key, tree: now}
	c.syncMu.Unlock()
	return nil
}

// forget drops what is known of dst and of every destination that
// overlaps it.
func (c *Client) forget(dst string) {
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	for d := range c.synced {
		if within(d, dst) || within(dst, d) {
			delete(c.synced, d)
		}
	}
}

// noTar is the exit status of the upload command when the machine has no
// tar.
const noTar = 97

// unpackScript receives an upload: cd to the destination (made if
// missing), read the removals ($1 bytes of shell on stdin) and run them,
// then unpack the tar stream that follows. POSIX sh.
const unpackScript = `command -v tar >/dev/null 2>&1 || { echo "envrun: no tar on this machine" >&2; exit 97; }
mkdir -p -- "$2" && cd -- "$2" || exit 1
if [ "$1" -gt 0 ]; then r=$(head -c "$1") && eval "$r" || exit 1; fi
exec tar -x -p -o -f -`

// send makes the machine's copy at dst of the tree now (read under src)
// follow delta d. files, when set, maps a tree path to the local file to
// read instead of src/path (a single-file upload).
func (c *Client) send(ctx context.Context, src, dst string, now Tree, d Delta, files map[string]string, warnf func(string, ...any)) error {
	var removals strings.Builder
	for _, p := range d.Remove {
		fmt.Fprintf(&removals, "rm -rf -- %s\n", shquote.Quote(p))
	}
	local := func(p string) string {
		if f, ok := files[p]; ok {
			return f
		}
		return filepath.Join(src, filepath.FromSlash(p))
	}
	cmd := fmt.Sprintf("exec sh -c %s envrun-upload %d %s", shquote.Quote(unpackScript), removals.Len(), shquote.Quote(dst))
	pr, pw := io.Pipe()
	var changed []string // paths that changed while being read
	produced := make(chan error, 1)
	go func() {
		bw := bufio.NewWriterSize(pw, 256<<10)
		_, err := io.WriteString(bw, removals.String())
		if err == nil {
			changed, err = writeTar(bw, now, d.Send, local)
		}
		if err == nil {
			err = bw.Flush()
		}
		pw.CloseWithError(err)
		produced <- err
	}()
	err := c.Run(ctx, Cmd{Command: cmd, Label: "tar -x in " + dst, Stdin: pr})
	pr.CloseWithError(errors.New("upload ended"))
	perr := <-produced
	var exit *ExitError
	switch {
	case errors.As(err, &exit) && exit.Status == noTar:
		if warnf != nil {
			warnf("no tar on %s: uploading to %s file by file over SFTP (slower; install tar for one-stream uploads)", c.cfg.Machine, dst)
		}
		err = c.sendSFTP(ctx, dst, now, d, local)
	case err == nil && perr != nil:
		err = perr // the machine took a short archive well: ours is the cause
	case err != nil && perr != nil && !errors.Is(perr, io.ErrClosedPipe) && ctx.Err() == nil:
		err = fmt.Errorf("%w (reading the files: %v)", err, perr)
	}
	if err != nil {
		if ctx.Err() != nil {
			err = context.Cause(ctx)
		}
		return &UploadError{Machine: c.cfg.Machine, Dst: dst, Stale: append(slices.Clone(d.Remove), d.Send...), Err: err}
	}
	for _, p := range changed {
		now[p] = entry{mode: now[p].mode} // sent as it was mid-change: send it again next time
	}
	return nil
}

// sendSFTP is send for a machine without tar.
func (c *Client) sendSFTP(ctx context.Context, dst string, now Tree, d Delta, local func(string) string) error {
	sc, err := c.sftpClient()
	if err != nil {
		return err
	}
	if err := sc.MkdirAll(dst); err != nil {
		return c.wrap(fmt.Errorf("create %s on %s: %w", dst, c.cfg.Machine, err))
	}
	for _, p := range d.Remove {
		if err := sc.RemoveAll(path.Join(dst, p)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return c.wrap(fmt.Errorf("remove %s on %s: %w", path.Join(dst, p), c.cfg.Machine, err))
		}
	}
	for _, p := range d.Send {
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		e, target := now[p], path.Join(dst, p)
		switch {
		case e.mode.IsDir():
			if err := sc.MkdirAll(target); err != nil {
				return c.wrap(fmt.Errorf("create %s on %s: %w", target, c.cfg.Machine, err))
			}
			if err := sc.Chmod(target, e.mode.Perm()); err != nil {
				return c.wrap(err)
			}
		case e.mode.Type() == os.ModeSymlink:
			sc.Remove(target)
			if err := sc.Symlink(e.link, target); err != nil {
				return c.wrap(fmt.Errorf("symlink %s on %s: %w", target, c.cfg.Machine, err))
			}
		default:
			if err := c.uploadFile(ctx, sc, local(p), target, e.mode); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *Client) uploadFile(ctx context.Context, sc *sftp.Client, src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := sc.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
	if err != nil {
		return c.wrap(fmt.Errorf("upload %s to %s:%s: %w", src, c.cfg.Machine, dst, err))
	}
	stop := context.AfterFunc(ctx, func() { out.Close() })
	defer stop()
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return c.wrap(fmt.Errorf("upload %s to %s:%s: %w", src, c.cfg.Machine, dst, err))
	}
	if err := out.Chmod(mode.Perm()); err != nil {
		out.Close()
		return c.wrap(err)
	}
	return out.Close()
}
