//go:build libvirt_dlopen && cgo

package cli_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/provider/libvirt"
)

// tinyLibvirtBox is a small, non-bootable libvirt box (an empty qcow2 and
// a kernel and initrd of a few bytes), as a gzipped tar; tag makes two
// boxes differ.
func tinyLibvirtBox(t *testing.T, tag string) []byte {
	t.Helper()
	img := filepath.Join(t.TempDir(), "box.img")
	if out, err := exec.Command("qemu-img", "create", "-q", "-f", "qcow2", img, "64M").CombinedOutput(); err != nil {
		t.Fatalf("qemu-img: %v: %s", err, out)
	}
	imgData, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	meta, _ := json.Marshal(map[string]any{"provider": "libvirt", "format": "qcow2", "virtual_size": 1,
		"envrun": map[string]string{"kernel": "vmlinuz", "initrd": "initrd.img", "cmdline": "root=/dev/vda " + tag}})
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.NoCompression) // big enough to cut
	tw := tar.NewWriter(zw)
	for _, m := range []struct {
		name string
		data []byte
	}{{"./box.img", imgData}, {"./vmlinuz", []byte("kernel " + tag)}, {"./initrd.img", []byte("initrd")}, {"./metadata.json", meta}} {
		tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.data)), Typeflag: tar.TypeReg})
		tw.Write(m.data)
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

func sha256Of(b []byte) string {
	h := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(h[:])
}

// boxServer serves box files and catalog documents on 127.0.0.1, counts
// the Range requests, and cuts the next box response short when asked.
type boxServer struct {
	*httptest.Server
	mu       sync.Mutex
	files    map[string][]byte // path → box file or catalog
	gets     map[string]int    // path → GETs
	ranged   atomic.Int64
	cutNext  atomic.Int64 // > 0: the next box response stops after so many bytes
	modified time.Time
}

func newBoxServer(t *testing.T) *boxServer {
	t.Helper()
	s := &boxServer{files: map[string][]byte{}, gets: map[string]int{}, modified: time.Now().UTC().Truncate(time.Second)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Server = &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(s.serve)}}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *boxServer) getsOf(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets[path]
}

func (s *boxServer) set(path string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[path] = data
}

func (s *boxServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	data, ok := s.files[r.URL.Path]
	s.gets[r.URL.Path]++
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if strings.HasSuffix(r.URL.Path, ".json") {
		w.Header().Set("Content-Type", "application/json")
		w.Write(data)
		return
	}
	if r.Header.Get("Range") != "" {
		s.ranged.Add(1)
	}
	w.Header().Set("ETag", fmt.Sprintf(`"%x"`, sha256.Sum256(data)))
	if cut := s.cutNext.Swap(0); cut > 0 {
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.WriteHeader(http.StatusOK)
		w.Write(data[:cut])
		w.(http.Flusher).Flush()
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	http.ServeContent(w, r, "box", s.modified, bytes.NewReader(data))
}

// catalog is a catalog document of box name: version → provider → path.
func (s *boxServer) catalog(name string, versions [][3]string, sums map[string]string) []byte {
	type prov struct {
		Name         string `json:"name"`
		URL          string `json:"url"`
		ChecksumType string `json:"checksum_type,omitempty"`
		Checksum     string `json:"checksum,omitempty"`
	}
	type ver struct {
		Version   string `json:"version"`
		Providers []prov `json:"providers"`
	}
	doc := struct {
		Name     string `json:"name"`
		Versions []ver  `json:"versions"`
	}{Name: name}
	for _, v := range versions {
		p := prov{Name: v[1], URL: s.URL + v[2]}
		if sum, ok := sums[v[2]]; ok {
			p.ChecksumType, p.Checksum, _ = strings.Cut(sum, ":")
		}
		doc.Versions = append(doc.Versions, ver{Version: v[0], Providers: []prov{p}})
	}
	data, _ := json.Marshal(doc)
	return data
}

// TestIntegrationBoxURL adds boxes to real libvirtd's store from an HTTP
// server on 127.0.0.1 that the test runs: a box file by URL with a good
// checksum (box list shows where it came from), a bad checksum and a 404
// (nothing added, no volume and no file left), a cut download that the
// next add resumes with one Range request, a catalog without the
// provider, and a catalog box followed by box outdated and box update
// when the catalog gains versions; then up of two machines whose missing
// box has a box_url downloads it once, before their disks are made (the
// run is stopped there: no VM boots).
func TestIntegrationBoxURL(t *testing.T) {
	w := newLibvirtWorld(t, `box "t-boxurl/none"`)
	cache := t.TempDir()
	w.env = append(w.env, "ENVRUN_CACHE_DIR="+cache)
	names := []string{"t-boxurl/plain", "t-boxurl/bad", "t-boxurl/gone", "t-boxurl/resumed", "t-boxurl/cat", "t-boxurl/nolv", "t-boxurl/up"}
	removeAll := func() {
		w.run("destroy", "-f")
		for _, n := range names {
			w.run("box", "remove", "--provider", "libvirt", n)
		}
	}
	removeAll()
	t.Cleanup(removeAll)

	v1, v2 := tinyLibvirtBox(t, "v1"), tinyLibvirtBox(t, "v2")
	s := newBoxServer(t)
	s.set("/v1.box", v1)
	s.set("/v2.box", v2)
	sums := map[string]string{"/v1.box": sha256Of(v1), "/v2.box": sha256Of(v2)}

	type listed struct {
		Name, Provider, URL, Catalog, Version, Constraint string
	}
	list := func() map[string]listed {
		t.Helper()
		r := w.mustRun("box", "list", "--provider", "libvirt", "--json")
		var boxes []listed
		if err := json.Unmarshal([]byte(r.stdout), &boxes); err != nil {
			t.Fatalf("box list --json: %v\n%s", err, r.stdout)
		}
		out := map[string]listed{}
		for _, b := range boxes {
			out[b.Name] = b
		}
		return out
	}
	volumes := func(box string) []string {
		t.Helper()
		pool, err := w.c.LookupStoragePoolByName(libvirt.PoolName)
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Free()
		pool.Refresh(0)
		vols, err := pool.ListAllStorageVolumes(0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		prefix := "envrun-box-" + strings.ReplaceAll(box, "/", "%2F") + "."
		for i := range vols {
			if n, _ := vols[i].GetName(); strings.HasPrefix(n, prefix) {
				out = append(out, n)
			}
			vols[i].Free()
		}
		return out
	}
	cached := func() []string {
		t.Helper()
		ents, _ := os.ReadDir(filepath.Join(cache, "downloads"))
		var out []string
		for _, e := range ents {
			out = append(out, e.Name())
		}
		return out
	}
	failing := func(want string, args ...string) result {
		t.Helper()
		r := w.run(args...)
		if r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Fatalf("envrun %s: want exit 1 and %q: %s", strings.Join(args, " "), want, r)
		}
		return r
	}

	t.Run("good checksum", func(t *testing.T) {
		w.mustRun("box", "add", "--checksum", sums["/v1.box"], "t-boxurl/plain", s.URL+"/v1.box")
		if b := list()["t-boxurl/plain"]; b.URL != s.URL+"/v1.box" || b.Provider != "libvirt" {
			t.Errorf("box list: %+v", b)
		}
		if c := cached(); len(c) != 0 {
			t.Errorf("downloads left: %q", c)
		}
	})
	t.Run("bad checksum", func(t *testing.T) {
		bad := "sha256:" + strings.Repeat("0", 64)
		failing("expected "+bad+", got "+sums["/v1.box"], "box", "add", "--checksum", bad, "t-boxurl/bad", s.URL+"/v1.box")
		if _, ok := list()["t-boxurl/bad"]; ok {
			t.Error("a box with a bad checksum was added")
		}
		if v := volumes("t-boxurl/bad"); len(v) != 0 {
			t.Errorf("volumes left: %q", v)
		}
		if c := cached(); len(c) != 0 {
			t.Errorf("downloads left: %q", c)
		}
	})
	t.Run("404", func(t *testing.T) {
		failing("GET "+s.URL+"/missing.box: 404 Not Found", "box", "add", "t-boxurl/gone", s.URL+"/missing.box")
		if v := volumes("t-boxurl/gone"); len(v) != 0 || len(cached()) != 0 {
			t.Errorf("left: volumes %q, downloads %q", v, cached())
		}
	})
	t.Run("truncated then resumed", func(t *testing.T) {
		s.cutNext.Store(int64(len(v2) / 2))
		before := s.ranged.Load()
		failing("download cut short", "box", "add", "--checksum", sums["/v2.box"], "t-boxurl/resumed", s.URL+"/v2.box")
		if _, ok := list()["t-boxurl/resumed"]; ok || len(volumes("t-boxurl/resumed")) != 0 {
			t.Fatal("a cut download added a box")
		}
		c := cached()
		if len(c) != 2 || !strings.HasSuffix(c[0], ".part") {
			t.Fatalf("after the cut, the download folder has %q, want the .part and its .json", c)
		}
		w.mustRun("box", "add", "--checksum", sums["/v2.box"], "t-boxurl/resumed", s.URL+"/v2.box")
		if n := s.ranged.Load() - before; n != 1 {
			t.Errorf("%d Range requests, want 1", n)
		}
		if _, ok := list()["t-boxurl/resumed"]; !ok {
			t.Error("the resumed box is not listed")
		}
		if c := cached(); len(c) != 0 {
			t.Errorf("downloads left: %q", c)
		}
	})
	t.Run("catalog without the provider", func(t *testing.T) {
		s.set("/nolv.json", s.catalog("t-boxurl/nolv", [][3]string{{"1.0.0", "virtualbox", "/v1.box"}, {"1.1.0", "hyperv", "/v1.box"}}, nil))
		failing(`box catalog "t-boxurl/nolv" has no box for libvirt in its versions (it has boxes for: hyperv, virtualbox)`,
			"box", "add", "--provider", "libvirt", s.URL+"/nolv.json")
		if v := volumes("t-boxurl/nolv"); len(v) != 0 || len(cached()) != 0 {
			t.Errorf("left: volumes %q, downloads %q", v, cached())
		}
	})
	t.Run("catalog, outdated, update", func(t *testing.T) {
		s.set("/cat.json", s.catalog("t-boxurl/cat", [][3]string{{"1.0.0", "libvirt", "/v1.box"}}, sums))
		w.mustRun("box", "add", "--box-version", "~> 1.0", s.URL+"/cat.json")
		b := list()["t-boxurl/cat"]
		if b.Version != "1.0.0" || b.Catalog != s.URL+"/cat.json" || b.Constraint != "~> 1.0" || b.URL != s.URL+"/v1.box" {
			t.Fatalf("box list: %+v", b)
		}
		if r := w.mustRun("box", "list", "--provider", "libvirt"); !strings.Contains(r.stdout, "1.0.0") {
			t.Errorf("box list does not show the version:\n%s", r.stdout)
		}
		type status struct {
			Name, Version, Latest string
			Outdated              bool
		}
		outdated := func() status {
			t.Helper()
			r := w.mustRun("box", "outdated", "--provider", "libvirt", "--json")
			var sts []status
			if err := json.Unmarshal([]byte(r.stdout), &sts); err != nil {
				t.Fatalf("box outdated --json: %v\n%s", err, r.stdout)
			}
			for _, st := range sts {
				if st.Name == "t-boxurl/cat" {
					return st
				}
			}
			t.Fatalf("box outdated does not list t-boxurl/cat:\n%s", r.stdout)
			return status{}
		}
		if st := outdated(); st.Outdated || st.Latest != "1.0.0" {
			t.Errorf("before: %+v", st)
		}
		// 2.0.0 is out of "~> 1.0"; 1.1.0 is the update.
		s.set("/cat.json", s.catalog("t-boxurl/cat", [][3]string{{"1.0.0", "libvirt", "/v1.box"}, {"1.1.0", "libvirt", "/v2.box"}, {"2.0.0", "libvirt", "/v1.box"}}, sums))
		if st := outdated(); !st.Outdated || st.Version != "1.0.0" || st.Latest != "1.1.0" {
			t.Errorf("after the catalog gained versions: %+v", st)
		}
		if r := w.mustRun("box", "outdated", "--provider", "libvirt"); !strings.Contains(r.stdout, "envrun box update t-boxurl/cat") {
			t.Errorf("box outdated:\n%s", r.stdout)
		}
		w.mustRun("box", "update", "--provider", "libvirt", "t-boxurl/cat")
		if b := list()["t-boxurl/cat"]; b.Version != "1.1.0" || b.URL != s.URL+"/v2.box" || b.Constraint != "~> 1.0" {
			t.Errorf("after update: %+v", b)
		}
		if st := outdated(); st.Outdated {
			t.Errorf("after update: %+v", st)
		}
		if r := w.mustRun("box", "update", "--provider", "libvirt", "t-boxurl/cat"); !strings.Contains(r.stderr, "up to date") {
			t.Errorf("a second update:\n%s", r)
		}
		if c := cached(); len(c) != 0 {
			t.Errorf("downloads left: %q", c)
		}
	})
	t.Run("up downloads a missing box once", func(t *testing.T) {
		w := w.with(t)
		s.set("/up.json", s.catalog("t-boxurl/up", [][3]string{{"1.0.0", "libvirt", "/v1.box"}, {"2.0.0", "libvirt", "/v2.box"}}, sums))
		w.writeEnvfile(`
box "t-boxurl/up"
defaults { box_url = "` + s.URL + `/up.json", box_version = "< 2" }
network "n" { subnet = "172.22.150.0/24", isolated = true }
machine "a" { networks = { n = "172.22.150.10" } }
machine "b" { networks = { n = "172.22.150.11" } }
`)
		before := s.getsOf("/v1.box")
		p := w.start([]string{"ENVRUN_TEST_PAUSE=volume-created"}, "up")
		for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
			if e := p.stderrText(); strings.Contains(e, "envrun-test-pause: volume-created:a") && strings.Contains(e, "envrun-test-pause: volume-created:b") {
				break
			}
			if time.Now().After(deadline) {
				p.signal(syscall.SIGINT)
				t.Fatalf("up did not reach both disks:\n%s", p.wait(time.Minute))
			}
		}
		p.signal(syscall.SIGINT)
		r := p.wait(2 * time.Minute)
		if n := s.getsOf("/v1.box") - before; n != 1 || s.getsOf("/v2.box") != 0 && strings.Contains(r.stderr, "/v2.box") {
			t.Errorf("%d downloads of the box, want 1:\n%s", n, r.stderr)
		}
		if !strings.Contains(r.stderr, "box t-boxurl/up is missing: downloading it from "+s.URL+"/up.json") {
			t.Errorf("up does not say it downloads the box:\n%s", r.stderr)
		}
		if b := list()["t-boxurl/up"]; b.Version != "1.0.0" || b.Catalog != s.URL+"/up.json" || b.Constraint != "< 2" {
			t.Errorf("box list after up: %+v", b)
		}
		w.mustRun("destroy", "-f")
		if c := cached(); len(c) != 0 {
			t.Errorf("downloads left: %q", c)
		}
	})
}
