package comm

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/envrun/envrun/internal/shquote"
	"github.com/envrun/envrun/internal/statedir"
)

// A connection that has no record of an upload to a destination (the
// first re-run of a new `envrun watch`, `envrun provision`) asks the
// machine what the destination holds and sends only what differs, as
// rsync does: one command lists every path with its type, mode, size,
// modification time (whole seconds) and a symlink's target, and each path
// is compared with the source's (a quick check: a file is sent when its
// type, mode, size or time differs).

// listTreeScript lists the folder $1 for listedTree: nothing when $1 is
// not a folder (there is nothing to compare with), else find runs $2 on
// its paths, some at a time. POSIX sh, find, stat -c and readlink: GNU
// coreutils and busybox.
const listTreeScript = `[ -d "$1" ] || exit 0
cd -- "$1" || exit 1
exec find . -exec sh -c "$2" envrun-list {} +`

// listBatchScript prints one batch of paths (its arguments) as listedTree
// reads it: their count, one line of stat per path (the fields $fields
// names, no path: a line never holds a newline), each path and its
// symlink target (empty for what is not a symlink; readlink adds a
// newline), each ended by a NUL, and "end". A path gone since find named
// it fails the stat, and the listing.
const listBatchScript = `printf '%d\n' "$#" && stat -c "$fields" -- "$@" || exit 1
for f; do
	printf '%s\000' "$f"
	if [ -L "$f" ]; then readlink -- "$f" || exit 1; fi
	printf '\000'
done
printf 'end\n'`

// The stat fields listed: the raw mode in hex, the size, the modification
// time in seconds, and with owners the uid, gid, user and group names.
const (
	statFields       = "%f %s %Y"
	statFieldsOwners = "%f %s %Y %u %g %U %G"
)

// listed is one path of what the machine holds.
type listed struct {
	entry
	uid, gid, user, group string // with owners only
}

// listedTree lists what the folder dst holds on the machine, as root with
// opts.Privileged, with owners when opts.Chown is set. An empty result
// (not nil) means there is no folder there.
func (c *Client) listedTree(ctx context.Context, dst string, opts UploadOptions) (map[string]listed, error) {
	sudo := ""
	if opts.Privileged && c.cfg.User != "root" {
		sudo = "sudo -n "
	}
	fields := statFields
	if opts.Chown != "" {
		fields = statFieldsOwners
	}
	batch := "fields=" + shquote.Quote(fields) + "\n" + listBatchScript
	cmd := fmt.Sprintf("exec %ssh -c %s envrun-list %s %s", sudo, shquote.Quote(listTreeScript), shquote.Quote(dst), shquote.Quote(batch))
	var out bytes.Buffer
	if err := c.Run(ctx, Cmd{Command: cmd, Label: "list " + dst, Stdout: &out}); err != nil {
		return nil, err
	}
	return parseListing(out.Bytes(), opts.Chown != "")
}

// parseListing reads listTreeScript's output.
func parseListing(out []byte, owners bool) (map[string]listed, error) {
	m := map[string]listed{}
	bad := func(what string) (map[string]listed, error) {
		return nil, fmt.Errorf("unexpected listing (%s)", what)
	}
	nfields := 3
	if owners {
		nfields = 7
	}
	for len(out) > 0 {
		line, rest, ok := bytes.Cut(out, []byte("\n"))
		if !ok {
			return bad("no count")
		}
		n, err := strconv.Atoi(string(line))
		if err != nil || n < 1 {
			return bad(fmt.Sprintf("count %q", line))
		}
		out = rest
		stats := make([][]string, n)
		for i := range n {
			line, rest, ok := bytes.Cut(out, []byte("\n"))
			if !ok {
				return bad("short")
			}
			stats[i], out = strings.Fields(string(line)), rest
			if len(stats[i]) != nfields {
				return bad(fmt.Sprintf("stat line %q", line))
			}
		}
		for i := range n {
			name, rest, ok := bytes.Cut(out, []byte{0})
			if !ok {
				return bad("short names")
			}
			target, rest, ok := bytes.Cut(rest, []byte{0})
			if !ok {
				return bad("short targets")
			}
			out = rest
			p := string(name)
			switch {
			case p == ".":
			case strings.HasPrefix(p, "./"):
				p = p[2:]
			default:
				return bad(fmt.Sprintf("path %q", p))
			}
			e, err := listedEntry(stats[i], string(bytes.TrimSuffix(target, []byte("\n"))))
			if err != nil {
				return bad(err.Error())
			}
			m[p] = e
		}
		if !bytes.HasPrefix(out, []byte("end\n")) {
			return bad("no end")
		}
		out = out[len("end\n"):]
	}
	return m, nil
}

// listedEntry makes an entry of stat's fields: raw mode (hex), size, time,
// and maybe owners.
func listedEntry(f []string, target string) (listed, error) {
	raw, err := strconv.ParseUint(f[0], 16, 32)
	if err != nil {
		return listed{}, fmt.Errorf("mode %q", f[0])
	}
	size, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return listed{}, fmt.Errorf("size %q", f[1])
	}
	sec, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil {
		return listed{}, fmt.Errorf("time %q", f[2])
	}
	mode := fs.FileMode(raw & 0o777)
	switch raw & 0o170000 {
	case 0o100000:
	case 0o040000:
		mode |= fs.ModeDir
	case 0o120000:
		mode |= fs.ModeSymlink
	default:
		mode |= fs.ModeIrregular // a socket, pipe or device: never the upload's
	}
	e := listed{entry: entry{mode: mode, size: size, mtime: time.Unix(sec, 0), link: target}}
	if len(f) == 7 {
		e.uid, e.gid, e.user, e.group = f[3], f[4], f[5], f[6]
	}
	return e, nil
}

// sameAs reports whether the machine's copy m of a path needs no sending
// for e. A file's time is the source's in whole seconds, truncated (SFTP)
// or rounded (tar); a symlink's mode is not compared (macOS has modes on
// symlinks, Linux none).
func (e entry) sameAs(m entry) bool {
	if !sameType(e.mode, m.mode) {
		return false
	}
	switch {
	case e.mode&fs.ModeSymlink != 0:
		return e.link == m.link
	case e.mode.Perm() != m.mode.Perm():
		return false
	case e.mode.IsRegular():
		t := m.mtime.Unix()
		return e.size == m.size && (t == e.mtime.Unix() || t == e.mtime.Round(time.Second).Unix())
	}
	return true
}

// owned reports whether m has the owner chown ("USER:GROUP", "USER:")
// names, by name or number; "" asks for none.
func (m listed) owned(chown string) bool {
	if chown == "" {
		return true
	}
	user, group, _ := strings.Cut(chown, ":")
	return (user == m.user || user == m.uid) && (group == "" || group == m.group || group == m.gid)
}

// machineDelta is what turns the machine's copy (there, listed) into a
// copy of now. A path there whose type differs is removed, and with del
// (UploadOptions.Delete) a path the source does not hold, but never what
// is inside a folder called statedir.Name or what exclude matches (nor a
// folder that holds such a path); removed are also the paths of gone (a
// watcher saw them go) that the machine has. Sent is what is new or
// differs (sameAs, and its owner with chown), and every path of force.
func machineDelta(now Tree, there map[string]listed, exclude matcher, del bool, gone []string, force map[string]bool, chown string) Delta {
	var paths []string
	for p := range there {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	went := map[string]bool{}
	for _, p := range gone {
		went[p] = true
	}
	stays := func(p string) bool {
		if e, ok := now[p]; ok {
			return sameType(e.mode, there[p].mode)
		}
		return !del && !went[p] // else not the upload's to remove
	}
	d := Delta{Remove: extras(paths, stays, exclude)}
	isRemoved := map[string]bool{}
	for _, p := range d.Remove {
		isRemoved[p] = true
	}
	removed := func(p string) bool {
		for ; p != "."; p = path.Dir(p) {
			if isRemoved[p] {
				return true
			}
		}
		return false
	}
	for _, p := range now.Paths() {
		m, ok := there[p]
		if ok && !force[p] && now[p].sameAs(m.entry) && m.owned(chown) && !removed(p) {
			continue
		}
		d.Send = append(d.Send, p)
	}
	return d
}

// forced are the paths of changed (absolute, as a watcher reports them)
// that are in tree t under src: sent whatever the machine has (a change
// within the second, of the same size, escapes the quick check).
func forced(t Tree, src string, changed []string) map[string]bool {
	out := map[string]bool{}
	for _, p := range changed {
		rel, err := filepath.Rel(src, p)
		if err != nil {
			continue
		}
		rel = filepath.ToSlash(rel)
		if _, ok := t[rel]; ok {
			out[rel] = true
		}
	}
	return out
}

// scanAndList scans src and lists dst on the machine at the same time.
// listErr is why the listing failed; err is the scan's failure, or the
// context's.
func (c *Client) scanAndList(ctx context.Context, src, dst string, exclude matcher, opts UploadOptions) (now Tree, there map[string]listed, listErr, err error) {
	type result struct {
		m   map[string]listed
		err error
	}
	done := make(chan result, 1)
	go func() {
		m, err := c.listedTree(ctx, dst, opts)
		done <- result{m, err}
	}()
	now, err = Scan(src, exclude)
	r := <-done
	if err != nil {
		return nil, nil, nil, err
	}
	if ctx.Err() != nil {
		return nil, nil, nil, context.Cause(ctx)
	}
	return now, r.m, r.err, nil
}

// isKept reports whether p (slash-separated, relative to an upload's top)
// is one no upload touches: in a folder called statedir.Name, or one that
// exclude matches or that is inside a folder it matches.
func isKept(p string, exclude matcher) bool {
	parts := strings.Split(p, "/")
	for i := range parts {
		prefix := path.Join(parts[:i+1]...)
		if parts[i] == statedir.Name || exclude.MatchRel(prefix, true) || i == len(parts)-1 && exclude.MatchRel(prefix, false) {
			return true
		}
	}
	return false
}
