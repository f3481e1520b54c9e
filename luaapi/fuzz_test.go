package luaapi_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provider/docker"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/luaapi"
)

// FuzzLoad feeds arbitrary Envfiles to the loader and the engine's checks
// (what `envrun validate` does). Neither may panic or hang, and every
// refusal must be an Envfile error that says where (FILE:LINE, or the
// file at least). Seeded from the bad-input corpus and the examples; CI
// runs it for a bounded time (.ci/run).
func FuzzLoad(f *testing.F) {
	for _, pattern := range []string{"../testdata/invalid/*.lua", "../examples/*/Envfile.lua"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(data))
		}
	}
	drivers := []*provider.Driver{docker.Driver}
	dir := f.TempDir()
	path := filepath.Join(dir, "Envfile.lua")
	f.Fuzz(func(t *testing.T, src string) {
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		env, err := luaapi.Load(ctx, path, luaapi.Options{Print: io.Discard})
		if err == nil {
			err = engine.Check(env.Spec, drivers)
			env.Close()
		}
		if err == nil || ctx.Err() != nil {
			return
		}
		es := spec.List(err)
		if es == nil {
			t.Errorf("not an Envfile error (%T): %v\nEnvfile:\n%s", err, err, src)
		}
		for _, e := range es {
			if e.Pos.File == "" {
				t.Errorf("error without a position: %v\nEnvfile:\n%s", e, src)
			}
		}
	})
}
