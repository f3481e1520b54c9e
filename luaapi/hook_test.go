package luaapi

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/spec"
)

// hookDigest loads an Envfile whose machine "m" has one hook step and
// returns its digest.
func hookDigest(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "Envfile.lua")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	env, err := Load(context.Background(), path, Options{Print: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	h, ok := env.Spec.Machine("m").Steps[0].(*spec.Hook)
	if !ok || h.Digest == "" {
		t.Fatalf("no hook digest in %+v", env.Spec.Machine("m").Steps[0])
	}
	return h.Digest
}

func TestHookDigest(t *testing.T) {
	const base = `
local greeting = "hello"
local other = "unused"
local hosts = { { name = "m", ip = "10.0.0.5" } }
for _, h in ipairs(hosts) do
  machine(h.name) {
    provision = {
      function(m)
        m:run("echo " .. greeting .. " " .. h.ip)
      end,
    },
  }
end
`
	tests := []struct {
		name    string
		src     string
		changed bool
	}{
		{name: "the same Envfile", src: base},
		{name: "lines added above the hook", src: "-- a comment\n\n\n" + base},
		{name: "a comment inside the hook", src: replace(t, base, `m:run(`, "-- why\n        m:run(")},
		{name: "a value the hook does not capture", src: replace(t, base, `"unused"`, `"still unused"`)},
		{name: "a string in the hook", src: replace(t, base, `"echo "`, `"printf "`), changed: true},
		{name: "a call in the hook", src: replace(t, base, `m:run(`, `m:upload("x", `), changed: true},
		{name: "a captured local", src: replace(t, base, `"hello"`, `"bonjour"`), changed: true},
		{name: "a field of a captured table", src: replace(t, base, `"10.0.0.5"`, `"10.0.0.6"`), changed: true},
	}
	want := hookDigest(t, base)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hookDigest(t, tt.src); (got != want) != tt.changed {
				t.Errorf("digest changed = %v, want %v", got != want, tt.changed)
			}
		})
	}
}

func replace(t *testing.T, s, old, new string) string {
	t.Helper()
	i := strings.Index(s, old)
	if i < 0 {
		t.Fatalf("%q not in the test Envfile", old)
	}
	return s[:i] + new + s[i+len(old):]
}
