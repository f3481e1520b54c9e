package boxfetch

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const catalogJSON = `{
  "name": "acme/tiny",
  "versions": [
    {"version": "1.0.0", "providers": [{"name": "libvirt", "url": "v1.box"}, {"name": "virtualbox", "url": "v1-vb.box"}]},
    {"version": "1.2.0", "providers": [{"name": "libvirt", "url": "http://x/v12.box", "checksum_type": "sha256", "checksum": "ab"}]},
    {"version": "1.10.0", "providers": [{"name": "virtualbox", "url": "v110-vb.box"}]},
    {"version": "2.0.0", "providers": [{"name": "libvirt", "url": "v2.box"}, {"name": "hyperv", "url": "v2-hv.box"}]}
  ]
}`

func TestPick(t *testing.T) {
	c, err := ParseCatalog([]byte(catalogJSON))
	if err != nil {
		t.Fatal(err)
	}
	both := []string{"libvirt", "virtualbox"}
	for _, tt := range []struct {
		name, constraint, prov string
		candidates             []string
		want, wantProv, err    string
	}{
		{name: "newest", prov: "libvirt", want: "2.0.0"},
		{name: "range", constraint: ">= 1.0, < 2.0", prov: "libvirt", want: "1.2.0"},
		{name: "pessimistic", constraint: "~> 1.0", prov: "libvirt", want: "1.2.0"},
		{name: "exact", constraint: "= 1.0.0", prov: "libvirt", want: "1.0.0"},
		{name: "numeric order", constraint: "< 2", prov: "virtualbox", want: "1.10.0"},
		{name: "only candidate", candidates: both, want: "2.0.0", wantProv: "libvirt"},
		{name: "two candidates", constraint: "= 1.0.0", candidates: both, err: "has version 1.0.0 for libvirt and virtualbox: choose one with --provider"},
		{name: "no such provider", prov: "docker", err: `box catalog "acme/tiny" has no box for docker in its versions (it has boxes for: hyperv, libvirt, virtualbox)`},
		{name: "none in range", constraint: "> 2", prov: "libvirt", err: `has no version matching "> 2" (it has 1.0.0, 1.2.0, 1.10.0, 2.0.0)`},
		{name: "bad constraint", constraint: "about 2", prov: "libvirt", err: `box version constraint "about 2"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, p, err := c.Pick(tt.constraint, tt.prov, tt.candidates)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Pick = %s, %v; want error %q", v, err, tt.err)
				}
				return
			}
			if err != nil || v != tt.want || tt.wantProv != "" && p.Name != tt.wantProv {
				t.Fatalf("Pick = %s %s, %v; want %s %s", v, p.Name, err, tt.want, tt.wantProv)
			}
		})
	}
}

func TestParseCatalogErrors(t *testing.T) {
	for _, tt := range []struct{ doc, err string }{
		{`[1]`, "not a box catalog"},
		{`{"name": "a", "versions": []}`, "has no versions"},
		{`{"name": "a", "versions": [{"version": "one"}]}`, `version "one"`},
		{`{"name": "a", "versions": [{"version": "1", "providers": [{"name": "libvirt"}]}]}`, "without a name or url"},
	} {
		if _, err := ParseCatalog([]byte(tt.doc)); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: %v, want %q", tt.doc, err, tt.err)
		}
	}
}

// TestResolve: a JSON answer is a catalog whose relative URLs are read
// from the catalog's; anything else is the box file.
func TestResolve(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/boxes/tiny":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(catalogJSON))
		case "/raw":
			w.Write([]byte("QFI\xfb not json"))
		default:
			http.NotFound(w, r)
		}
	})}}
	s.Start()
	defer s.Close()
	ctx := context.Background()
	src, err := Resolve(ctx, s.URL+"/boxes/tiny", "~> 1.0", "libvirt", nil)
	if err != nil {
		t.Fatal(err)
	}
	if src.Name != "acme/tiny" || src.Version != "1.2.0" || src.URL != "http://x/v12.box" || src.Checksum != "sha256:ab" || src.Catalog != s.URL+"/boxes/tiny" {
		t.Errorf("catalog source = %+v", src)
	}
	src, err = Resolve(ctx, s.URL+"/boxes/tiny", "= 1.0.0", "libvirt", nil)
	if err != nil || src.URL != s.URL+"/boxes/v1.box" {
		t.Errorf("relative URL: %+v, %v", src, err)
	}
	if src, err = Resolve(ctx, s.URL+"/raw", "", "", nil); err != nil || src.URL != s.URL+"/raw" || src.Catalog != "" {
		t.Errorf("box file: %+v, %v", src, err)
	}
	if _, err := Resolve(ctx, s.URL+"/raw", "~> 1", "", nil); err == nil || !strings.Contains(err.Error(), "needs a catalog") {
		t.Errorf("constraint on a file: %v", err)
	}
	if _, err := Resolve(ctx, s.URL+"/gone", "", "", nil); err == nil || err.Error() != "GET "+s.URL+"/gone: 404 Not Found" {
		t.Errorf("404: %v", err)
	}
	if _, err := Resolve(ctx, "ftp://x/y", "", "", nil); err == nil {
		t.Error("ftp accepted")
	}
}

func TestNewer(t *testing.T) {
	if !Newer("1.10.0", "1.9.0") || Newer("1.0", "1.0.0") || !Newer("1.0", "") {
		t.Error("Newer")
	}
}
