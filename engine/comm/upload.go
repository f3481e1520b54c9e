package comm

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pkg/sftp"

	"github.com/envrun/envrun/internal/ignore"
	"github.com/envrun/envrun/internal/shquote"
	"github.com/envrun/envrun/internal/statedir"
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
	// lists what the machine has at the destination and sends what differs
	// (see listing.go), removing a path whose type changed and what
	// Changed says went (with Delete, what the source does not have); a
	// machine that cannot list gets everything, over what is there.
	Changes bool
	// Changed, with Changes, are the paths (absolute) that changed since
	// the last upload, as a file watcher saw them: only those are looked
	// at. nil means unknown: the whole source is compared.
	Changed []string
	// Progress, when set, is told what an upload sends.
	Progress func(format string, args ...any)
	// Warnf, when set, is told of a slow fallback (no tar on the machine).
	Warnf func(format string, args ...any)
	// Privileged writes as root, through sudo unless the user is root:
	// the destination is made where the user may not write, and a folder
	// replaces a file there. Needs tar on the machine.
	Privileged bool
	// Claim, for a folder uploaded as the login user: a destination the
	// user cannot make or write is made through sudo and given to the
	// user (its uid and gid) first; the files are then written as the
	// user. An rsync synced folder's upload (Vagrant makes its guest path
	// so). Costs nothing when the user can write the destination.
	Claim bool
	// Chown, with Privileged, is the owner ("USER:GROUP", "USER:") of
	// everything under the destination after each upload (chown -R, the
	// whole tree: as Vagrant's rsync folders with owner and group).
	Chown string
	// Delete makes a full upload of a folder a mirror, as rsync --delete:
	// what the destination holds that the source does not is removed
	// afterwards (one more command lists it), except folders called
	// .envrun and what Exclude matches. Re-runs that send the changes
	// remove what was removed anyway.
	Delete bool
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
		opts.Claim = false // only a destination folder is claimed, never a file's parent
		name := path.Base(dst)
		t := Tree{name: entry{mode: fi.Mode().Perm(), size: fi.Size(), mtime: fi.ModTime()}}
		_, err := c.send(ctx, path.Dir(dst), nil, t.Paths(), func(add addFunc) error {
			return add(name, t[name], src)
		}, opts)
		return err
	}
	exclude := ignore.New(src, opts.Exclude)
	key := strings.Join(exclude.List(), "\n")
	c.syncMu.Lock()
	last := c.synced[dst]
	c.syncMu.Unlock()
	var old Tree
	if opts.Changes && last != nil && last.src == src && last.exclude == key {
		old = last.tree
	}
	local := func(p string) string { return filepath.Join(src, filepath.FromSlash(p)) }
	c.forget(dst) // until the upload succeeds, what is there is unknown
	var d Delta
	switch {
	case old != nil && opts.Changed != nil:
		// The watcher said what changed: look at that only. old is
		// updated in place (it is forgotten until this succeeds).
		if d, err = Rescan(old, src, exclude, opts.Changed); err != nil {
			return err
		}
	case old != nil:
		now, err := Scan(src, exclude)
		if err != nil {
			return err
		}
		d, old = Diff(old, now), now
	case opts.Changes:
		// Nothing sent there on this connection: compare with what the
		// machine has.
		now, there, listErr, err := c.scanAndList(ctx, src, dst, exclude, opts)
		if err != nil {
			return err
		}
		if listErr != nil {
			if opts.Progress != nil {
				opts.Progress("%s: could not list what the machine has there, so the whole folder goes (%v)", dst, listErr)
			}
			return c.uploadAll(ctx, src, dst, exclude, key, opts)
		}
		if len(there) == 0 {
			// Nothing there: all of it goes, read and unpacked at once.
			return c.uploadAll(ctx, src, dst, exclude, key, opts)
		}
		if opts.Progress != nil {
			opts.Progress("%s: compare with what the machine has there (%d paths)", dst, len(there))
		}
		d = machineDelta(now, there, exclude, opts.Delete, gone(src, exclude, opts.Changed), forced(now, src, opts.Changed), opts.Chown)
		old = now
	default:
		return c.uploadAll(ctx, src, dst, exclude, key, opts)
	}
	if d.Empty() {
		if opts.Progress != nil {
			opts.Progress("%s: nothing changed since the last upload", dst)
		}
		c.remember(dst, &synced{src: src, exclude: key, tree: old}, nil)
		return nil
	}

	produce := func(add addFunc) error {
		for _, p := range d.Send {
			if err := add(p, old[p], local(p)); err != nil {
				return err
			}
		}
		return nil
	}
	stale := append(slices.Clone(d.Remove), d.Send...)
	small := len(d.Remove) == 0 && len(d.Send) <= smallBatch && !opts.Privileged && opts.Chown == ""
	if opts.Progress != nil {
		how := ""
		if small {
			how = " (SFTP)"
		}
		opts.Progress("upload %d changed path(s) to %s, remove %d%s", len(d.Send), dst, len(d.Remove), how)
	}
	var changed []string
	if small {
		changed, err = c.sendSmall(ctx, dst, stale, produce, opts)
	} else {
		changed, err = c.send(ctx, dst, d.Remove, stale, produce, opts)
	}
	if err != nil {
		return err
	}
	c.remember(dst, &synced{src: src, exclude: key, tree: old}, changed)
	return nil
}

// uploadAll sends the whole folder src to dst, as the walk finds it, so
// that reading the tree and unpacking it on the machine overlap, over what
// the machine has there: what the watcher saw go (opts.Changed) is removed
// first, and with opts.Delete what the source does not hold afterwards.
func (c *Client) uploadAll(ctx context.Context, src, dst string, exclude *ignore.Patterns, key string, opts UploadOptions) error {
	if opts.Progress != nil {
		opts.Progress("upload %s to %s", src, dst)
	}
	now := Tree{}
	changed, err := c.send(ctx, dst, gone(src, exclude, opts.Changed), []string{"."}, func(add addFunc) error {
		return walk(src, exclude, func(p string, e entry) error {
			now[p] = e
			return add(p, e, filepath.Join(src, filepath.FromSlash(p)))
		})
	}, opts)
	if err != nil {
		return err
	}
	if opts.Delete {
		if err := c.prune(ctx, dst, now, exclude, opts); err != nil {
			return err
		}
	}
	c.remember(dst, &synced{src: src, exclude: key, tree: now}, changed)
	return nil
}

// listScript prints the paths under $1, NUL-terminated, as ./PATH.
const listScript = `cd -- "$1" && exec find . -mindepth 1 -print0`

// prune removes under dst on the machine what tree does not hold (see
// UploadOptions.Delete): paths inside a folder called statedir.Name, and
// paths exclude matches or that are in a folder it matches, are left
// alone, as rsync leaves excluded paths.
func (c *Client) prune(ctx context.Context, dst string, tree Tree, exclude matcher, opts UploadOptions) error {
	sudo := ""
	if opts.Privileged && c.cfg.User != "root" {
		sudo = "sudo -n "
	}
	var list bytes.Buffer
	cmd := fmt.Sprintf("exec %ssh -c %s envrun-list %s", sudo, shquote.Quote(listScript), shquote.Quote(dst))
	if err := c.Run(ctx, Cmd{Command: cmd, Label: "find in " + dst, Stdout: &list}); err != nil {
		return &UploadError{Machine: c.cfg.Machine, Dst: dst, Stale: []string{"."}, Err: fmt.Errorf("list what to delete: %w", err)}
	}
	var listed []string
	for _, p := range strings.Split(list.String(), "\x00") {
		listed = append(listed, strings.TrimPrefix(p, "./"))
	}
	remove := extras(listed, func(p string) bool { _, ok := tree[p]; return ok }, exclude)
	if len(remove) == 0 {
		return nil
	}
	if opts.Progress != nil {
		opts.Progress("remove %d path(s) from %s that the source does not have", len(remove), dst)
	}
	opts.Chown = "" // what is there was chowned by the upload
	_, err := c.send(ctx, dst, remove, remove, func(addFunc) error { return nil }, opts)
	return err
}

// extras are the paths of listed (relative, a folder before what it
// holds) to remove: those that do not stay, but those kept (see isKept)
// and the folders that hold a kept path; a folder removed is named, not
// what it holds.
func extras(listed []string, stays func(p string) bool, exclude matcher) []string {
	if exclude == nil {
		exclude = (*ignore.Patterns)(nil)
	}
	var candidates []string
	holds := map[string]bool{} // folders that hold a kept path
	for _, p := range listed {
		if p == "" || p == "." {
			continue
		}
		if isKept(p, exclude) {
			for d := path.Dir(p); d != "."; d = path.Dir(d) {
				holds[d] = true
			}
			continue
		}
		if stays(p) {
			continue
		}
		candidates = append(candidates, p)
	}
	var out []string
	removed := map[string]bool{}
	for _, p := range candidates {
		if holds[p] {
			continue
		}
		gone := false
		for d := path.Dir(p); d != "." && !gone; d = path.Dir(d) {
			gone = removed[d]
		}
		if !gone {
			removed[p] = true
			out = append(out, p)
		}
	}
	return out
}

// gone returns the paths (relative to src) among changed that no longer
// exist under src, or that were a folder and are now a file or a symlink
// (changed names a path inside them): known to have gone (a watcher said
// so), they are removed on the machine by the first upload of a
// connection, which knows nothing of what it sent before. Without this a
// file deleted before the first upload of a watch stayed on the machine,
// and, when the machine cannot list its copy, a folder turned into a file
// failed the unpacking ("File exists"). Paths inside statedir.Name or
// left out by exclude are never named: what the machine has there is not
// the upload's.
func gone(src string, exclude matcher, changed []string) []string {
	var rels []string
	for _, p := range changed {
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		rels = append(rels, rel)
	}
	heldSomething := func(rel string) bool {
		return slices.ContainsFunc(rels, func(r string) bool { return strings.HasPrefix(r, rel+string(filepath.Separator)) })
	}
	var out []string
	for _, rel := range rels {
		fi, err := os.Lstat(filepath.Join(src, rel))
		switch {
		case err == nil && (fi.IsDir() || !heldSomething(rel)):
			continue // there as the machine may have it
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			continue
		case !realDirs(src, filepath.Dir(rel)):
			continue // its folder went too (and is named itself)
		}
		rel = filepath.ToSlash(rel)
		if slices.Contains(strings.Split(rel, "/"), statedir.Name) || exclude.MatchRel(rel, false) || exclude.MatchRel(rel, true) {
			continue
		}
		out = append(out, rel)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// realDirs reports whether every folder of rel (relative to root) is a
// folder here, not a symlink: a removal never goes through a link.
func realDirs(root, rel string) bool {
	p := root
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if part == "." {
			continue
		}
		p = filepath.Join(p, part)
		if fi, err := os.Lstat(p); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// remember records what dst holds now; changed are paths whose copy may
// be torn: the next upload sends them again.
func (c *Client) remember(dst string, s *synced, changed []string) {
	for _, p := range changed {
		s.tree[p] = entry{mode: s.tree[p].mode}
	}
	c.syncMu.Lock()
	defer c.syncMu.Unlock()
	if c.synced == nil {
		c.synced = map[string]*synced{}
	}
	c.synced[dst] = s
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

// folderInTheWay is GNU tar's complaint when the upload has a file or a
// symlink where the machine has a folder that is not empty.
var folderInTheWay = regexp.MustCompile(`(?m)^tar: (.+): Cannot (?:open|create symlink to .*): File exists$`)

// noTar is the exit status of the upload command when the machine has no
// tar.
const noTar = 97

// unpackScript receives an upload: cd to the destination (made if
// missing; a file there is replaced by the folder), read the removals ($1
// bytes of shell on stdin) and run them, then unpack the tar stream that
// follows. The removals are read a byte at a time (dd bs=1): busybox's
// head -c reads ahead, and took the start of the tar stream with them. With $3 set (UploadOptions.Claim), a destination the user
// cannot make or write is made and given to the user through sudo first;
// with $4 set (UploadOptions.Chown), what is there is chowned to $4 after
// the unpacking. POSIX sh.
const unpackScript = `command -v tar >/dev/null 2>&1 || { echo "envrun: no tar on this machine" >&2; exit 97; }
if [ -n "$3" ] && ! { [ -d "$2" ] && [ -w "$2" ]; }; then
	mkdir -p -- "$2" 2>/dev/null
	{ [ -d "$2" ] && [ -w "$2" ]; } || { sudo -n mkdir -p -- "$2" && sudo -n chown "$(id -u):$(id -g)" -- "$2"; } || exit 1
fi
cd -- "$2" 2>/dev/null || { { [ ! -e "$2" ] || [ -d "$2" ] || rm -f -- "$2"; } && mkdir -p -- "$2" && cd -- "$2"; } || exit 1
if [ "$1" -gt 0 ]; then r=$(dd bs=1 count="$1" 2>/dev/null) && eval "$r" || exit 1; fi
[ -n "$4" ] || exec tar -x -p -o -f -
tar -x -p -o -f - && exec chown -R -h -- "$4" .`

// addFunc adds path p (entry e, read from local) to an upload.
type addFunc func(p string, e entry, local string) error

// send makes the machine's copy at dst follow an upload: remove the paths
// remove, then unpack what produce adds. stale are the paths to report
// when it fails. It returns the paths that changed while they were read.
func (c *Client) send(ctx context.Context, dst string, remove, stale []string, produce func(addFunc) error, opts UploadOptions) ([]string, error) {
	var removals strings.Builder
	for _, p := range remove {
		fmt.Fprintf(&removals, "rm -rf -- %s\n", shquote.Quote(p))
	}
	sudo := ""
	if opts.Privileged && c.cfg.User != "root" {
		sudo = "sudo -n "
	}
	claim := ""
	if opts.Claim && !opts.Privileged {
		claim = "1"
	}
	cmd := fmt.Sprintf("exec %ssh -c %s envrun-upload %d %s %s %s", sudo, shquote.Quote(unpackScript), removals.Len(), shquote.Quote(dst),
		shquote.Quote(claim), shquote.Quote(opts.Chown))
	pr, pw := io.Pipe()
	var ts *tarStream
	produced := make(chan error, 1)
	go func() {
		bw := bufio.NewWriterSize(pw, 256<<10)
		ts = newTarStream(bw)
		_, err := io.WriteString(bw, removals.String())
		if err == nil {
			err = produce(ts.add)
		}
		if err == nil {
			err = ts.close()
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
	case errors.As(err, &exit) && exit.Status == noTar && opts.Privileged:
		err = fmt.Errorf("a privileged upload needs tar on the machine: %w", err)
	case errors.As(err, &exit) && exit.Status == noTar:
		if warnf := opts.Warnf; warnf != nil {
			warnf("no tar on %s: uploading to %s file by file over SFTP (slower; install tar for one-stream uploads)", c.cfg.Machine, dst)
		}
		sc, err := c.sftpClient()
		if err != nil {
			return nil, c.uploadError(ctx, dst, stale, err)
		}
		changed, err := c.sendSFTP(ctx, sc, dst, remove, produce)
		return changed, c.uploadError(ctx, dst, stale, err)
	case err == nil && perr != nil:
		err = perr // the machine took a short archive well: ours is the cause
	case err != nil && perr != nil && !errors.Is(perr, io.ErrClosedPipe) && ctx.Err() == nil:
		err = fmt.Errorf("%w (reading the files: %v)", err, perr)
	}
	if errors.As(err, &exit) {
		if m := folderInTheWay.FindStringSubmatch(exit.Stderr); m != nil {
			p := path.Join(dst, m[1])
			err = fmt.Errorf("%w\n%s is a folder on %s where the source now has a file or a symlink, and tar does not put one over a folder (nor does rsync without --delete): remove it there (envrun ssh %s -- rm -r %s) and run again; `envrun watch` replaces it itself when it sees the change",
				err, p, c.cfg.Machine, c.cfg.Machine, shquote.Quote(p))
		}
	}
	if err != nil {
		return nil, c.uploadError(ctx, dst, stale, err)
	}
	return ts.changed, nil
}

// uploadError is err, when not nil, as the UploadError of an upload to
// dst whose paths stale may now be stale.
func (c *Client) uploadError(ctx context.Context, dst string, stale []string, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		err = context.Cause(ctx)
	}
	return &UploadError{Machine: c.cfg.Machine, Dst: dst, Stale: stale, Err: err}
}

// smallBatch is the most paths a re-run sends over the connection's SFTP
// session rather than as a tar stream (see sendSmall).
const smallBatch = 16

// sendSmall is send for a re-run's few changed paths, none removed: over
// the connection's SFTP session, which stays open between re-runs, so no
// process starts on the machine (a tar stream starts a session, a shell
// and tar, each waiting for a core on a busy machine). A machine without
// the SFTP subsystem gets the tar stream.
func (c *Client) sendSmall(ctx context.Context, dst string, stale []string, produce func(addFunc) error, opts UploadOptions) ([]string, error) {
	sc, err := c.sftpClient()
	if err != nil {
		return c.send(ctx, dst, nil, stale, produce, opts)
	}
	changed, err := c.sendSFTP(ctx, sc, dst, nil, produce)
	return changed, c.uploadError(ctx, dst, stale, err)
}

// sendSFTP is send over SFTP, path by path, as tar unpacks: a file
// replaces what is there (a new file, so a program running from the old
// one goes on undisturbed), with the mode and modification time of the
// source. It returns the files that changed since they were scanned (gone,
// or a size other than the scan's): the next upload sends them again.
func (c *Client) sendSFTP(ctx context.Context, sc *sftp.Client, dst string, remove []string, produce func(addFunc) error) ([]string, error) {
	if err := sc.MkdirAll(dst); err != nil {
		return nil, c.wrap(fmt.Errorf("create %s on %s: %w", dst, c.cfg.Machine, err))
	}
	for _, p := range remove {
		if err := sc.RemoveAll(path.Join(dst, p)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, c.wrap(fmt.Errorf("remove %s on %s: %w", path.Join(dst, p), c.cfg.Machine, err))
		}
	}
	var changed []string
	err := produce(func(p string, e entry, local string) error {
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		target := path.Join(dst, p)
		switch {
		case e.mode.IsDir():
			// A symlink where a folder goes is replaced, never followed
			// (tar unlinks it too): what the folder holds would land
			// outside the copy. (A file replaces what is there anyway.)
			if fi, err := sc.Lstat(target); err == nil && fi.Mode()&os.ModeSymlink != 0 {
				if err := sc.Remove(target); err != nil {
					return c.wrap(fmt.Errorf("replace symlink %s on %s: %w", target, c.cfg.Machine, err))
				}
			}
			if err := sc.MkdirAll(target); err != nil {
				return c.wrap(fmt.Errorf("create %s on %s: %w", target, c.cfg.Machine, err))
			}
			return c.wrap(sc.Chmod(target, e.mode.Perm()))
		case e.mode.Type() == os.ModeSymlink:
			sc.Remove(target)
			if err := sc.Symlink(e.link, target); err != nil {
				return c.wrap(fmt.Errorf("symlink %s on %s: %w", target, c.cfg.Machine, err))
			}
			return nil
		}
		ok, err := c.uploadFile(ctx, sc, local, target, e)
		if !ok {
			changed = append(changed, p)
		}
		return err
	})
	return changed, err
}

// uploadFile copies the local file src, scanned as e, to dst on the
// machine. ok is false when src is gone or its size is not the scan's.
func (c *Client) uploadFile(ctx context.Context, sc *sftp.Client, src, dst string, e entry) (ok bool, err error) {
	in, err := os.Open(src)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil // gone since the scan: not sent
	}
	if err != nil {
		return false, err
	}
	defer in.Close()
	failed := func(err error) (bool, error) {
		if ctx.Err() != nil {
			return false, context.Cause(ctx)
		}
		return false, c.wrap(fmt.Errorf("upload %s to %s:%s: %w", src, c.cfg.Machine, dst, err))
	}
	// A new file, as tar makes: never a write into one a program runs.
	if err := sc.Remove(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return failed(err)
	}
	out, err := sc.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return failed(err)
	}
	stop := context.AfterFunc(ctx, func() { out.Close() })
	defer stop()
	// The mode first: the bytes of a private file are never readable
	// under the server's default mode.
	err = out.Chmod(e.mode.Perm())
	var n int64
	if err == nil {
		n, err = io.Copy(out, in)
	}
	if err != nil {
		out.Close()
		return failed(err)
	}
	if err := out.Close(); err != nil {
		return failed(err)
	}
	if !e.mtime.IsZero() {
		if err := sc.Chtimes(dst, time.Now(), e.mtime); err != nil {
			return failed(err)
		}
	}
	return n == e.size, nil
}
