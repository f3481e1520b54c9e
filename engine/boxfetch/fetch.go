package boxfetch

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
	"github.com/envrun/envrun/internal/download"
)

// Source is a box to download: a box file's URL and, when a catalog gave
// it, the catalog and the version.
type Source struct {
	Name       string // the catalog's box name; "" for a box file URL
	Provider   string // the catalog's provider of the box; "" for a box file URL
	URL        string // the box file
	Checksum   string // "TYPE:HEX" or ""
	Version    string // the catalog's version; ""
	Catalog    string // the catalog's URL; ""
	Constraint string // the box_version it was picked by; ""
}

// Origin is what the box store records of s.
func (s *Source) Origin() provider.BoxOrigin {
	return provider.BoxOrigin{URL: s.URL, Catalog: s.Catalog, Version: s.Version, Constraint: s.Constraint}
}

// IsURL reports whether s is an http or https URL (not a file path).
func IsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// boxSuffixes are paths that are box files without asking the server.
var boxSuffixes = []string{".box", ".img", ".qcow2", ".tar", ".tgz", ".gz", ".bz2", ".vmdk"}

// maxCatalog bounds a catalog document.
const maxCatalog = 8 << 20

// Client is the HTTP client of Resolve and Download; tests may replace it.
var Client = &http.Client{Transport: &http.Transport{
	Proxy:                 http.ProxyFromEnvironment,
	ResponseHeaderTimeout: 60 * time.Second,
	TLSHandshakeTimeout:   30 * time.Second,
}}

// Resolve tells what rawURL serves. A catalog document (JSON: its
// Content-Type says so, or its body starts with "{") gives the newest
// version matching constraint for prov (see Catalog.Pick); anything else
// is the box file itself. A path ending in a box file's suffix (.box,
// .img, .qcow2, ...) is taken as a box file without asking.
func Resolve(ctx context.Context, rawURL, constraint, prov string, candidates []string) (*Source, error) {
	if !IsURL(rawURL) {
		return nil, fmt.Errorf("%q is not an http(s) URL", rawURL)
	}
	u, _ := url.Parse(rawURL)
	for _, suf := range boxSuffixes {
		if strings.HasSuffix(strings.ToLower(u.Path), suf) {
			return fileSource(rawURL, constraint)
		}
	}
	data, isCatalog, err := sniff(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	if !isCatalog {
		return fileSource(rawURL, constraint)
	}
	return FromCatalog(rawURL, data, constraint, prov, candidates)
}

func fileSource(rawURL, constraint string) (*Source, error) {
	if constraint != "" {
		return nil, fmt.Errorf("%s is a box file, not a catalog: a version constraint (%s) needs a catalog", rawURL, constraint)
	}
	return &Source{URL: rawURL}, nil
}

// FromCatalog picks the box of catalog document data (read from
// catalogURL) for constraint and prov.
func FromCatalog(catalogURL string, data []byte, constraint, prov string, candidates []string) (*Source, error) {
	c, err := ParseCatalog(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", catalogURL, err)
	}
	v, p, err := c.Pick(constraint, prov, candidates)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", catalogURL, err)
	}
	base, _ := url.Parse(catalogURL)
	ref, err := url.Parse(p.URL)
	if err != nil {
		return nil, fmt.Errorf("%s: version %s, provider %s: url %q: %w", catalogURL, v, p.Name, p.URL, err)
	}
	return &Source{Name: c.Name, Provider: p.Name, URL: base.ResolveReference(ref).String(),
		Checksum: p.ChecksumString(), Version: v, Catalog: catalogURL, Constraint: constraint}, nil
}

// ReadCatalog reads the catalog document at rawURL.
func ReadCatalog(ctx context.Context, rawURL string) ([]byte, error) {
	data, isCatalog, err := sniff(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	if !isCatalog {
		return nil, fmt.Errorf("%s is not a box catalog (a JSON document)", rawURL)
	}
	return data, nil
}

// sniff GETs rawURL and reads it whole when it is a JSON document; a box
// file's body is left after its first bytes.
func sniff(ctx context.Context, rawURL string) ([]byte, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, false, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	req.Header.Set("Accept", "application/json, */*")
	resp, err := Client.Do(req)
	if err != nil {
		return nil, false, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, false, &download.HTTPError{URL: rawURL, Status: resp.Status, Code: resp.StatusCode}
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	br := bufio.NewReaderSize(resp.Body, 512)
	head, _ := br.Peek(512)
	if !strings.HasSuffix(mt, "json") && !bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte("{")) {
		return nil, false, nil
	}
	data, err := io.ReadAll(io.LimitReader(br, maxCatalog+1))
	if err != nil {
		return nil, false, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	if len(data) > maxCatalog {
		return nil, false, fmt.Errorf("%s: a box catalog larger than %d bytes", rawURL, maxCatalog)
	}
	return data, true, nil
}

// CacheDir is where downloads are kept until they are added (and a cut
// one until it is resumed): $ENVRUN_CACHE_DIR, else the user's cache
// folder's envrun/downloads.
func CacheDir() (string, error) {
	if d := os.Getenv("ENVRUN_CACHE_DIR"); d != "" {
		return filepath.Join(d, "downloads"), nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the download folder: %w (set ENVRUN_CACHE_DIR)", err)
	}
	return filepath.Join(d, "envrun", "downloads"), nil
}

// Download downloads the box file of src into the cache folder and
// returns its path; the caller removes it once the box is added. checksum
// ("TYPE:HEX"), when set, is checked instead of the catalog's. Progress
// is shown on row of u. A cut download is kept (FILE.part) and resumed by
// the next Download of the same URL.
func Download(ctx context.Context, u *ui.UI, row string, src *Source, checksum string) (string, error) {
	if checksum == "" {
		checksum = src.Checksum
	}
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("make the download folder: %w", err)
	}
	sum := sha256.Sum256([]byte(src.URL))
	name := hex.EncodeToString(sum[:8]) + "-" + sanitize(path.Base(src.URL))
	dest := filepath.Join(dir, name)
	u.Phase(row, "downloading "+src.URL)
	if u.Live() == nil {
		u.Infof("box", "downloading %s", src.URL)
	}
	var last time.Time
	t0 := time.Now()
	err = download.File(ctx, src.URL, dest, download.Options{Checksum: checksum, Client: Client,
		Progress: func(done, total int64) {
			if now := time.Now(); now.Sub(last) >= 100*time.Millisecond || done == total {
				last = now
				u.Progress(row, done, total)
			}
		}})
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(dest); err == nil {
		u.Infof("box", "downloaded %s (%d bytes, %.1fs)", src.URL, fi.Size(), time.Since(t0).Seconds())
	}
	return dest, nil
}

// sanitize keeps a URL's last element usable as a file name.
func sanitize(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
	if s == "" || s == "." || s == ".." || s == "_" {
		return "box"
	}
	return s
}

// ForMachine gets the missing box of machine m from its box_url (a box
// file, or a catalog whose newest version matching box_version has a box
// for prov), checked against box_download_checksum or the catalog's
// checksum, and hands the downloaded file to add, which adds it to prov's
// store as m.Box; the file is removed afterwards. Providers call it when
// they find m's box missing, once per box (their singleflight).
func ForMachine(ctx context.Context, u *ui.UI, prov string, m *spec.Machine, add func(file string, from provider.BoxOrigin) error) error {
	src, err := Resolve(ctx, m.BoxURL, m.BoxVersion, prov, nil)
	if err != nil {
		return fmt.Errorf("box %q from box_url: %w", m.Box, err)
	}
	u.Infof("box", "box %s is missing: downloading it from %s", m.Box, m.BoxURL)
	row := "download " + m.Box
	u.Add(row, row)
	u.Start(row)
	file, err := Download(ctx, u, row, src, m.BoxDownloadChecksum)
	if err != nil {
		u.Done(row, ui.RowFailed, err)
		return fmt.Errorf("box %q from box_url: %w", m.Box, err)
	}
	u.Done(row, ui.RowOK, nil)
	defer os.Remove(file)
	return add(file, src.Origin())
}
