package engine

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/engine/ui"
)

// TestCorruptStateWarnedOnce: a damaged state.json is said, once, as a
// warning; the run then provisions every machine (the cache is empty) and
// writes a sound file.
func TestCorruptStateWarnedOnce(t *testing.T) {
	ef := testEnvfile(t.TempDir())
	st := state.ForEnvfile(ef.Path)
	if err := st.Ensure(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(st.Join("state.json"), []byte(`{"machines": {`), 0o600)
	var out bytes.Buffer
	d := &provider.Driver{
		Name:      "fake",
		Available: func(context.Context) error { return nil },
		Open:      func(context.Context, provider.Env) (provider.Provider, error) { return newFake(), nil },
	}
	log := &cmdLog{}
	e, err := New(context.Background(), ef, Options{Drivers: []*provider.Driver{d}, UI: ui.New(&out, ui.Normal)})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	e.dial = func(ctx context.Context, cfg comm.Config, _ time.Duration) (Conn, error) {
		return &fakeConn{machine: cfg.Machine, log: log}, nil
	}
	if _, err := e.Walk(context.Background(), PlanOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "state.json is corrupt"); n != 1 {
		t.Errorf("the damaged state.json was reported %d times, want once:\n%s", n, out.String())
	}
	var v map[string]any
	if err := state.ReadJSON(st.Join("state.json"), &v); err != nil {
		t.Errorf("after up: %v", err)
	}
}
