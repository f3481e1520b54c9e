package comm

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/pkg/sftp"
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

// Upload copies the local file or folder src to dst on the machine, as the
// login user. A dst ending in "/" is a folder to copy into; otherwise dst
// names the copy itself (a folder's contents land in dst). Missing parent
// folders are created; file modes are kept.
func (c *Client) Upload(ctx context.Context, src, dst string) error {
	sc, err := c.sftpClient()
	if err != nil {
		return err
	}
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	if strings.HasSuffix(dst, "/") {
		dst = path.Join(dst, filepath.Base(src))
	}
	if !fi.IsDir() {
		if err := sc.MkdirAll(path.Dir(dst)); err != nil {
			return c.wrap(fmt.Errorf("create %s on %s: %w", path.Dir(dst), c.cfg.Machine, err))
		}
		return c.uploadFile(ctx, sc, src, dst, fi.Mode())
	}
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		rel, _ := filepath.Rel(src, p)
		target := path.Join(dst, filepath.ToSlash(rel))
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			if err := sc.MkdirAll(target); err != nil {
				return c.wrap(fmt.Errorf("create %s on %s: %w", target, c.cfg.Machine, err))
			}
			return sc.Chmod(target, info.Mode().Perm())
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			sc.Remove(target)
			return sc.Symlink(link, target)
		case d.Type().IsRegular():
			return c.uploadFile(ctx, sc, p, target, info.Mode())
		}
		return nil // sockets, devices: not copied
	})
}

func (c *Client) uploadFile(ctx context.Context, sc *sftp.Client, src, dst string, mode fs.FileMode) error {
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
