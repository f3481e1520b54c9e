// Package download fetches a URL to a file, resumably and verified.
//
// File writes the body to DEST.part beside DEST and renames it to DEST
// once it is complete and its checksum (when one is given) matches. What a
// failure leaves behind:
//
//   - a body cut short (the connection dropped, the context was
//     cancelled): DEST.part and DEST.part.json (the URL and the server's
//     validator, ETag or Last-Modified), so that the next File of the same
//     URL asks only for the rest (Range, with If-Range when there is a
//     validator). A server that answers the whole body instead (200: it
//     has no Range support, or the file changed) is read again from the
//     start;
//   - anything else (an HTTP error such as 404, a checksum mismatch, a
//     write error): nothing; the partial file is removed.
//
// The package imports nothing of envrun: progress is a callback.
package download

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
)

// Options tune File.
type Options struct {
	// Checksum is "TYPE:HEX" (Vagrant's box_download_checksum types: md5,
	// sha1, sha256, sha384, sha512); empty: not checked.
	Checksum string
	// Progress, when set, is called as the body arrives with the bytes
	// the file has and its full size (-1 when the server did not say).
	Progress func(done, total int64)
	// Client is the HTTP client; nil: http.DefaultClient.
	Client *http.Client
}

// hashes are the checksum types, by name.
var hashes = map[string]func() hash.Hash{
	"md5":    md5.New,
	"sha1":   sha1.New,
	"sha256": sha256.New,
	"sha384": sha512.New384,
	"sha512": sha512.New,
}

// Checksum is a parsed "TYPE:HEX".
type Checksum struct {
	Type string // md5, sha1, sha256, sha384, sha512
	Hex  string // lower case
}

func (c Checksum) String() string { return c.Type + ":" + c.Hex }

// ParseChecksum parses "TYPE:HEX"; the types are Vagrant's.
func ParseChecksum(s string) (Checksum, error) {
	typ, hx, ok := strings.Cut(strings.TrimSpace(s), ":")
	typ = strings.ToLower(typ)
	newHash, known := hashes[typ]
	if !ok || !known {
		return Checksum{}, fmt.Errorf("checksum %q: want TYPE:HEX, TYPE one of md5, sha1, sha256, sha384, sha512", s)
	}
	hx = strings.ToLower(hx)
	if b, err := hex.DecodeString(hx); err != nil || len(b) != newHash().Size() {
		return Checksum{}, fmt.Errorf("checksum %q: a %s is %d hex digits", s, typ, 2*newHash().Size())
	}
	return Checksum{Type: typ, Hex: hx}, nil
}

// ChecksumError says the file's checksum is not the one expected.
type ChecksumError struct {
	URL       string
	Want, Got Checksum
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("checksum of %s: expected %s, got %s", e.URL, e.Want, e.Got)
}

// HTTPError is a response that is not the body asked for.
type HTTPError struct {
	URL    string
	Status string // "404 Not Found"
	Code   int
}

func (e *HTTPError) Error() string { return fmt.Sprintf("GET %s: %s", e.URL, e.Status) }

// ErrTruncated is wrapped by the error of a body cut short: the partial
// file is kept and the next File resumes it.
var ErrTruncated = errors.New("download cut short")

// partState is DEST.part.json: what the partial file is of.
type partState struct {
	URL          string `json:"url"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// File downloads url to dest (see the package doc for what a failure
// leaves). An existing dest is replaced.
func File(ctx context.Context, url, dest string, o Options) (err error) {
	var sum Checksum
	if o.Checksum != "" {
		if sum, err = ParseChecksum(o.Checksum); err != nil {
			return err
		}
	}
	client := o.Client
	if client == nil {
		client = http.DefaultClient
	}
	part, statePath := dest+".part", dest+".part.json"
	keep := false // a cut body keeps the part
	defer func() {
		if err != nil && !keep {
			os.Remove(part)
			os.Remove(statePath)
		}
	}()
	offset, st := resumable(part, statePath, url)
	resp, err := get(ctx, client, url, offset, st)
	if err != nil {
		keep = offset > 0
		return err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusPartialContent && offset > 0 && contentRangeStart(resp) == offset:
		// The rest of the part.
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && offset > 0:
		// The part is as long as the file or longer: read it again.
		resp.Body.Close()
		offset = 0
		if resp, err = get(ctx, client, url, 0, partState{}); err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return &HTTPError{URL: url, Status: resp.Status, Code: resp.StatusCode}
		}
	case resp.StatusCode == http.StatusOK:
		offset = 0 // no Range support, or the file changed: from the start
	default:
		return &HTTPError{URL: url, Status: resp.Status, Code: resp.StatusCode}
	}
	total := int64(-1)
	if resp.ContentLength >= 0 {
		total = offset + resp.ContentLength
	}
	st = partState{URL: url, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	if strings.HasPrefix(st.ETag, "W/") {
		st.ETag = "" // a weak validator cannot guard a range
	}
	if err := writeState(statePath, st); err != nil {
		return err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if offset == 0 {
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return fmt.Errorf("download %s: %w", url, err)
	}
	defer f.Close()
	var h hash.Hash
	if sum.Type != "" {
		h = hashes[sum.Type]()
		if offset > 0 {
			if err := hashPrefix(h, part, offset); err != nil {
				return fmt.Errorf("download %s: %w", url, err)
			}
		}
	}
	done := offset
	if o.Progress != nil {
		o.Progress(done, total)
	}
	buf := make([]byte, 256<<10)
	for {
		// The body may be buffered well past the moment of a cancel:
		// ask the context, not only the reads.
		if cerr := context.Cause(ctx); cerr != nil {
			keep = true
			return fmt.Errorf("GET %s: %w (%s kept: the next try resumes it): %w", url, ErrTruncated, part, cerr)
		}
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			if _, err := f.Write(buf[:n]); err != nil {
				return fmt.Errorf("download %s: %w", url, err)
			}
			if h != nil {
				h.Write(buf[:n])
			}
			done += int64(n)
			if o.Progress != nil {
				o.Progress(done, total)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			keep = true
			if cerr := context.Cause(ctx); cerr != nil {
				return fmt.Errorf("GET %s: %w (%s kept: the next try resumes it): %w", url, ErrTruncated, part, cerr)
			}
			return fmt.Errorf("GET %s: %w after %s (%s kept: the next try resumes it): %v", url, ErrTruncated, of(done, total), part, rerr)
		}
	}
	if total >= 0 && done != total {
		keep = true
		return fmt.Errorf("GET %s: %w after %s (%s kept: the next try resumes it)", url, ErrTruncated, of(done, total), part)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("download %s: %w", url, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("download %s: %w", url, err)
	}
	if h != nil {
		got := Checksum{Type: sum.Type, Hex: hex.EncodeToString(h.Sum(nil))}
		if got != sum {
			return &ChecksumError{URL: url, Want: sum, Got: got}
		}
	}
	if err := os.Rename(part, dest); err != nil {
		return fmt.Errorf("download %s: %w", url, err)
	}
	os.Remove(statePath)
	return nil
}

// resumable returns how much of url the part holds, and what it is of;
// 0 when there is nothing to resume (a part of another URL is dropped).
func resumable(part, statePath, url string) (int64, partState) {
	var st partState
	data, err := os.ReadFile(statePath)
	if err != nil || json.Unmarshal(data, &st) != nil || st.URL != url {
		os.Remove(part)
		os.Remove(statePath)
		return 0, partState{}
	}
	fi, err := os.Stat(part)
	if err != nil || !fi.Mode().IsRegular() {
		return 0, partState{}
	}
	return fi.Size(), st
}

// get sends the request: for the bytes from offset on when offset > 0.
func get(ctx context.Context, client *http.Client, url string, offset int64, st partState) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if offset > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(offset, 10)+"-")
		switch {
		case st.ETag != "":
			req.Header.Set("If-Range", st.ETag)
		case st.LastModified != "":
			req.Header.Set("If-Range", st.LastModified)
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	return resp, nil
}

// contentRangeStart is the first byte of a 206's Content-Range; -1 when
// it has none the package understands.
func contentRangeStart(resp *http.Response) int64 {
	cr := resp.Header.Get("Content-Range")
	rest, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return -1
	}
	first, _, ok := strings.Cut(rest, "-")
	if !ok {
		return -1
	}
	n, err := strconv.ParseInt(first, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

func writeState(path string, st partState) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// hashPrefix feeds h the first n bytes of file.
func hashPrefix(h hash.Hash, file string, n int64) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.CopyN(h, f, n)
	return err
}

func of(done, total int64) string {
	if total < 0 {
		return strconv.FormatInt(done, 10) + " bytes"
	}
	return fmt.Sprintf("%d of %d bytes", done, total)
}
