package luaapi

import (
	"context"
	"fmt"
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

// peerRunner records the commands a hook runs; peers are the machines
// envrun.machine reaches, by name.
type peerRunner struct {
	name  string
	ran   *[]string
	peers map[string]*peerRunner
}

func (f *peerRunner) Run(_ context.Context, cmd string) (string, error) {
	*f.ran = append(*f.ran, f.name+": "+cmd)
	if strings.HasPrefix(cmd, "cat -- ") {
		return "echo joined\n", nil
	}
	return "", nil
}

func (f *peerRunner) Upload(context.Context, string, string) error { return nil }

func (f *peerRunner) Peer(name string) (*spec.Machine, spec.Runner, error) {
	p, ok := f.peers[name]
	if !ok {
		return nil, nil, fmt.Errorf("machine %q is not ordered before %q", name, f.name)
	}
	return &spec.Machine{Name: name, Hostname: name}, p, nil
}

// TestHookReachesPeer: envrun.machine(NAME) in a running hook gives the
// machine the runner's Peer finds, whose m:read and m:run act there; the
// hook's own m acts on its own machine; a refusal fails the hook at the
// line that called envrun.machine; outside a hook it is a load error.
func TestHookReachesPeer(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Envfile.lua")
	src := `box "debian/bookworm"
machine "cp" {}
machine "w1" {
  depends_on = { "cp" },
  provision = {
    function(m)
      local cp = envrun.machine("cp")
      local join = cp:read("/tmp/join.sh")
      m:run(join)
      m:run("echo " .. cp.name .. " " .. tostring(cp))
    end,
    function(m)
      envrun.machine("w2")
    end,
  },
}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	env, err := Load(context.Background(), path, Options{Print: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	w1 := env.Spec.Machine("w1")
	var ran []string
	r := &peerRunner{name: "w1", ran: &ran, peers: map[string]*peerRunner{"cp": {name: "cp", ran: &ran}}}
	if err := w1.Steps[0].(*spec.Hook).Fn(context.Background(), w1, r); err != nil {
		t.Fatal(err)
	}
	want := []string{"cp: cat -- /tmp/join.sh", "w1: echo joined\n", `w1: echo cp machine "cp"`}
	if strings.Join(ran, "|") != strings.Join(want, "|") {
		t.Errorf("ran %q, want %q", ran, want)
	}
	err = w1.Steps[1].(*spec.Hook).Fn(context.Background(), w1, r)
	if err == nil || !strings.Contains(err.Error(), "Envfile.lua:13:") || !strings.Contains(err.Error(), `machine "w2" is not ordered before "w1"`) {
		t.Errorf("a refused peer: got %v, want the line of the call and the refusal", err)
	}

	if err := os.WriteFile(path, []byte("local m = envrun.machine(\"cp\")\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(context.Background(), path, Options{Print: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "Envfile.lua:1:") || !strings.Contains(err.Error(), "only a hook") {
		t.Errorf("envrun.machine while loading: got %v, want an error at line 1", err)
	}
}
