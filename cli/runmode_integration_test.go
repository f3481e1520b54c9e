package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIntegrationStepRunModes: on a real container, a run = "once" step
// runs at the first up only, a run = "always" step at every up, a
// run = "never" step only when --step names it; --step runs just the
// named steps (on up and provision), and an unknown --step name is a usage
// error before anything is made.
func TestIntegrationStepRunModes(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "t-lua-runmodes")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w := newWorldIn(t, dir, `
box "debian/bookworm"
network "n" { subnet = "172.26.1.0/24" }
machine "web" {
  networks = { n = "172.26.1.10" },
  provision = {
    shell { name = "once", inline = "echo x >> /tmp/once" },
    shell { name = "always", run = "always", inline = "echo x >> /tmp/always" },
    shell { name = "never", run = "never", inline = "echo x >> /tmp/never" },
  },
}
`)
	count := func(name string) int {
		out, err := w.exec("web", "sh", "-c", "cat /tmp/"+name+" 2>/dev/null | wc -l")
		if err != nil {
			t.Fatalf("count %s: %v %s", name, err, out)
		}
		return atoiOr0(strings.TrimSpace(out))
	}
	want := func(when string, once, always, never int) {
		t.Helper()
		if o, a, n := count("once"), count("always"), count("never"); o != once || a != always || n != never {
			t.Errorf("%s: once ran %d, always %d, never %d times; want %d, %d, %d", when, o, a, n, once, always, never)
		}
	}
	if r := w.run("up", "--step", "nope"); r.code != 2 || !strings.Contains(r.stderr, `--step nope: no step "nope"`) || !strings.Contains(r.stderr, `(did you mean "once"?)`) {
		t.Fatalf("up --step nope: want exit 2 naming the step: %s", r)
	}
	if len(w.containers()) != 0 || len(w.networks()) != 0 {
		t.Fatal("an unknown --step made something")
	}
	if r := w.run("up"); r.code != 0 {
		t.Fatalf("up: %s", r)
	}
	want("first up", 1, 1, 0)
	if r := w.run("up"); r.code != 0 {
		t.Fatalf("second up: %s", r)
	}
	want("second up", 1, 2, 0)
	if r := w.run("provision", "--step", "never"); r.code != 0 {
		t.Fatalf("provision --step never: %s", r)
	}
	want("provision --step never", 1, 2, 1)
	if r := w.run("up", "--step", "once,never"); r.code != 0 {
		t.Fatalf("up --step once,never: %s", r)
	}
	want("up --step once,never", 2, 2, 2)
	if r := w.run("provision"); r.code != 0 {
		t.Fatalf("provision: %s", r)
	}
	want("provision", 3, 3, 2)
}

func atoiOr0(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}
