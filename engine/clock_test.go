package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestClockScript runs clockScript in sh with a date that reports 1000
// and records how it is set (the host's clock is never touched).
func TestClockScript(t *testing.T) {
	dir := t.TempDir()
	fake := `#!/bin/sh
if [ "$1" = +%s ]; then echo 1000; exit 0; fi
echo "$@" > "` + filepath.Join(dir, "set") + `"
`
	if err := os.WriteFile(filepath.Join(dir, "date"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	// sudo as a no-op wrapper for a non-root user.
	if err := os.WriteFile(filepath.Join(dir, "sudo"), []byte("#!/bin/sh\nshift\nexec \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ host, out, set string }{
		{host: "1100", out: "-100", set: "-u -s @1100"},
		{host: "900", out: "100", set: "-u -s @900"},
		{host: "1002", out: "", set: ""},
		{host: "998", out: "", set: ""},
	} {
		os.Remove(filepath.Join(dir, "set"))
		cmd := exec.Command("sh", "-c", clockScript, "envrun-clock", c.host)
		cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"))
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("host %s: %v", c.host, err)
		}
		set, _ := os.ReadFile(filepath.Join(dir, "set"))
		if strings.TrimSpace(string(out)) != c.out || strings.TrimSpace(string(set)) != c.set {
			t.Errorf("host %s: printed %q and set %q, want %q and %q", c.host, out, set, c.out, c.set)
		}
	}
}
