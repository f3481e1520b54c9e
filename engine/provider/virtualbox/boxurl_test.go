package virtualbox

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/envrun/envrun/engine/spec"
)

// TestFetchMissing: machines whose box is missing and has a box_url get it
// downloaded once, however many ask at the same time; the store records
// where it came from; a box that is there is not downloaded again.
func TestFetchMissing(t *testing.T) {
	t.Setenv("ENVRUN_BOX_DIR", t.TempDir())
	t.Setenv("ENVRUN_CACHE_DIR", t.TempDir())
	bs, err := newBoxStore(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "metadata.json"), []byte(`{"provider": "virtualbox"}`), 0o644)
	os.WriteFile(filepath.Join(src, "box.ovf"), []byte("<Envelope/>"), 0o644)
	boxFile := filepath.Join(t.TempDir(), "tiny.box")
	makeBox(t, boxFile, src, true)
	data, _ := os.ReadFile(boxFile)

	var gets atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		w.Write(data)
	})}}
	srv.Start()
	defer srv.Close()

	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = bs.fetchMissing(ctx, &spec.Machine{Name: "m", Box: "acme/tiny", BoxURL: srv.URL + "/tiny.box"})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := gets.Load(); n != 1 {
		t.Errorf("%d downloads, want 1", n)
	}
	boxes, err := bs.Boxes(ctx)
	if err != nil || len(boxes) != 1 || boxes[0].Name != "acme/tiny" || boxes[0].URL != srv.URL+"/tiny.box" {
		t.Fatalf("Boxes = %+v, %v", boxes, err)
	}
	if err := bs.fetchMissing(ctx, &spec.Machine{Name: "m2", Box: "acme/tiny", BoxURL: srv.URL + "/tiny.box"}); err != nil || gets.Load() != 1 {
		t.Errorf("a box that is there: %v, %d downloads", err, gets.Load())
	}
	// Without box_url a missing box is left to ensureBase's error.
	if err := bs.fetchMissing(ctx, &spec.Machine{Name: "m3", Box: "acme/other"}); err != nil {
		t.Errorf("no box_url: %v", err)
	}
}
