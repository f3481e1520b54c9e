package download

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// server serves body at /file on 127.0.0.1. cut > 0 makes the first
// response stop after cut bytes (the connection is closed); ranges says
// whether Range requests are honoured; it counts the requests with a
// Range header.
type server struct {
	*httptest.Server
	body    []byte
	cut     atomic.Int64
	ranges  bool
	ranged  atomic.Int64
	gets    atomic.Int64
	modTime time.Time
}

func newServer(t *testing.T, body []byte, ranges bool) *server {
	t.Helper()
	s := &server{body: body, ranges: ranges, modTime: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Server = &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(s.serve)}}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/file" {
		http.NotFound(w, r)
		return
	}
	s.gets.Add(1)
	if r.Header.Get("Range") != "" {
		s.ranged.Add(1)
	}
	if cut := s.cut.Swap(0); cut > 0 {
		w.Header().Set("Content-Length", strconv.Itoa(len(s.body)))
		w.Header().Set("ETag", `"v1"`)
		w.WriteHeader(http.StatusOK)
		w.Write(s.body[:cut])
		w.(http.Flusher).Flush()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
		return
	}
	if !s.ranges {
		w.Header().Set("Content-Length", strconv.Itoa(len(s.body)))
		w.Write(s.body)
		return
	}
	w.Header().Set("ETag", `"v1"`)
	http.ServeContent(w, r, "file", s.modTime, bytes.NewReader(s.body))
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(h[:])
}

func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestFile(t *testing.T) {
	body := bytes.Repeat([]byte("envrun box "), 100000) // 1.1 MB
	tests := []struct {
		name     string
		path     string
		checksum string
		ranges   bool
		cut      int64
		wantErr  string
		left     []string // files left in the folder
	}{
		{name: "good checksum", path: "/file", checksum: sha(body), ranges: true, left: []string{"box"}},
		{name: "no checksum", path: "/file", ranges: false, left: []string{"box"}},
		{name: "sha1 upper case", path: "/file", checksum: "SHA1:" + strings.ToUpper("0000000000000000000000000000000000000000"), ranges: true,
			wantErr: "expected sha1:0000000000000000000000000000000000000000, got sha1:"},
		{name: "bad checksum", path: "/file", checksum: sha([]byte("other")), ranges: true,
			wantErr: "checksum of http://", left: nil},
		{name: "404", path: "/nothing", ranges: true, wantErr: "/nothing: 404 Not Found"},
		{name: "truncated", path: "/file", checksum: sha(body), ranges: true, cut: 300000,
			wantErr: "download cut short", left: []string{"box.part", "box.part.json"}},
		{name: "malformed checksum", path: "/file", checksum: "sha256:abc", wantErr: "a sha256 is 64 hex digits"},
		{name: "unknown checksum type", path: "/file", checksum: "crc32:abcd", wantErr: "TYPE one of md5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, body, tt.ranges)
			s.cut.Store(tt.cut)
			dir := t.TempDir()
			dest := filepath.Join(dir, "box")
			err := File(context.Background(), s.URL+tt.path, dest, Options{Checksum: tt.checksum})
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("File = %v, want error %q", err, tt.wantErr)
			}
			if got := leftovers(t, dir); strings.Join(got, ",") != strings.Join(tt.left, ",") {
				t.Errorf("left %q, want %q", got, tt.left)
			}
			if tt.wantErr == "" {
				if got, _ := os.ReadFile(dest); !bytes.Equal(got, body) {
					t.Errorf("the file is not the body (%d bytes)", len(got))
				}
			}
		})
	}
}

// TestFileErrors: the wording of the errors a user reads.
func TestFileErrors(t *testing.T) {
	s := newServer(t, []byte("x"), true)
	dest := filepath.Join(t.TempDir(), "box")
	err := File(context.Background(), s.URL+"/gone", dest, Options{})
	var he *HTTPError
	if !errors.As(err, &he) || err.Error() != "GET "+s.URL+"/gone: 404 Not Found" {
		t.Errorf("404: %v", err)
	}
	want := sha([]byte("y"))
	err = File(context.Background(), s.URL+"/file", dest, Options{Checksum: want})
	if err == nil || err.Error() != "checksum of "+s.URL+"/file: expected "+want+", got "+sha([]byte("x")) {
		t.Errorf("checksum: %v", err)
	}
}

// TestFileResumes: a cut download leaves a part; the next File asks for
// the rest only (one Range request), checks the whole and reports the
// progress from where it resumed.
func TestFileResumes(t *testing.T) {
	body := bytes.Repeat([]byte("0123456789"), 200000)
	s := newServer(t, body, true)
	s.cut.Store(700000)
	dir := t.TempDir()
	dest := filepath.Join(dir, "box")
	url := s.URL + "/file"
	err := File(context.Background(), url, dest, Options{Checksum: sha(body)})
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("first File = %v, want ErrTruncated", err)
	}
	if fi, err := os.Stat(dest + ".part"); err != nil || fi.Size() != 700000 {
		t.Fatalf("part: %v, %v", fi, err)
	}
	var first, last [2]int64
	calls := 0
	err = File(context.Background(), url, dest, Options{Checksum: sha(body), Progress: func(done, total int64) {
		if calls == 0 {
			first = [2]int64{done, total}
		}
		last = [2]int64{done, total}
		calls++
	}})
	if err != nil {
		t.Fatal(err)
	}
	if s.ranged.Load() != 1 || s.gets.Load() != 2 {
		t.Errorf("%d ranged of %d requests, want 1 of 2", s.ranged.Load(), s.gets.Load())
	}
	if first != [2]int64{700000, int64(len(body))} || last != [2]int64{int64(len(body)), int64(len(body))} {
		t.Errorf("progress from %v to %v", first, last)
	}
	if got := leftovers(t, dir); strings.Join(got, ",") != "box" {
		t.Errorf("left %q", got)
	}
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, body) {
		t.Error("the resumed file is not the body")
	}
}

// TestFileRestartsWithoutRanges: a server that ignores Range (200) makes
// the resumed download start again, and it is still right.
func TestFileRestartsWithoutRanges(t *testing.T) {
	body := bytes.Repeat([]byte("abcdefghij"), 100000)
	s := newServer(t, body, false)
	s.cut.Store(400000)
	dest := filepath.Join(t.TempDir(), "box")
	url := s.URL + "/file"
	if err := File(context.Background(), url, dest, Options{}); !errors.Is(err, ErrTruncated) {
		t.Fatalf("first File = %v", err)
	}
	if err := File(context.Background(), url, dest, Options{Checksum: sha(body)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, body) {
		t.Error("the file is not the body")
	}
}

// TestFileChangedValidator: when the file changed (another ETag), If-Range
// makes the server answer the whole new file, not the rest of another.
func TestFileChangedValidator(t *testing.T) {
	body := bytes.Repeat([]byte("new "), 100000)
	s := newServer(t, body, true)
	dir := t.TempDir()
	dest := filepath.Join(dir, "box")
	url := s.URL + "/file"
	os.WriteFile(dest+".part", []byte("old old old"), 0o644)
	writeState(dest+".part.json", partState{URL: url, ETag: `"v0"`})
	if err := File(context.Background(), url, dest, Options{Checksum: sha(body)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(dest); !bytes.Equal(got, body) {
		t.Error("the file is not the new body")
	}
}

// TestFileCancelled: a cancelled context stops the download and keeps
// the part.
func TestFileCancelled(t *testing.T) {
	body := bytes.Repeat([]byte("z"), 4<<20)
	s := newServer(t, body, true)
	dir := t.TempDir()
	dest := filepath.Join(dir, "box")
	ctx, cancel := context.WithCancel(context.Background())
	err := File(ctx, s.URL+"/file", dest, Options{Progress: func(done, total int64) {
		if done > 1<<20 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("File = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(dest); err == nil {
		t.Error("a cancelled download made the file")
	}
	if _, err := os.Stat(dest + ".part"); err != nil {
		t.Errorf("the part is gone: %v", err)
	}
}

func TestParseChecksum(t *testing.T) {
	for _, tt := range []struct{ in, want, err string }{
		{in: "sha256:" + strings.Repeat("A", 64), want: "sha256:" + strings.Repeat("a", 64)},
		{in: "md5:" + strings.Repeat("0", 32), want: "md5:" + strings.Repeat("0", 32)},
		{in: "sha512:" + strings.Repeat("f", 128), want: "sha512:" + strings.Repeat("f", 128)},
		{in: strings.Repeat("0", 64), err: "want TYPE:HEX"},
		{in: "sha1:xyz", err: "a sha1 is 40 hex digits"},
	} {
		got, err := ParseChecksum(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("%s = %v, %v", tt.in, got, err)
		}
	}
}
