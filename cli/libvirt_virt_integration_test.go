//go:build libvirt_dlopen && cgo

package cli_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestIntegrationLibvirtNewVM makes one VM with a disk larger than the
// box's (disk_size = 6 on the 4 GiB Debian box), on an isolated network
// of 172.28.2.0/24: `up --timings` shows the phases of making it, the
// engine adopts first contact's SSH connection, and the
// guest's root file system was grown to the disk (df), its data intact.
func TestIntegrationLibvirtNewVM(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "t-virt-newvm")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w := newLibvirtWorldIn(t, dir, `
box "debian/bookworm"
network "n" { subnet = "172.28.2.0/24", isolated = true }
machine "web" { networks = { n = "172.28.2.10" }, memory = 384, libvirt = { disk_size = 6 } }
`)
	// A boot under software emulation on a busy host takes minutes.
	r := w.start(nil, "up", "-v", "--timings").wait(10 * time.Minute)
	if r.code != 0 {
		t.Fatalf("up: %s", r)
	}
	for _, phase := range []string{"box ", "define ", "boot ", "first contact ", "key swap ", "pin "} {
		if !strings.Contains(r.stderr, phase) {
			t.Errorf("up --timings does not show phase %q:\n%s", strings.TrimSpace(phase), r.stderr)
		}
	}
	// The engine goes on over first contact's connection: no second
	// handshake in a guest still busy booting.
	if !strings.Contains(r.stderr, "adopted the provider's connection") || strings.Contains(r.stderr, "SSH wait ") {
		t.Errorf("the engine dialled the new VM again instead of adopting first contact's connection:\n%s", r.stderr)
	}
	out := w.remote("web", "df -B1 --output=size / | tail -1; test -x /usr/bin/ssh-keygen && echo intact")
	f := strings.Fields(out)
	size, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || len(f) < 2 || f[1] != "intact" {
		t.Fatalf("df: %q", out)
	}
	// ext4's own metadata takes a few percent of the disk.
	if size < 55<<30/10 || size > 6<<30 {
		t.Errorf("the root file system is %.2f GiB on a 6 GiB disk; want it grown (the box's is 4 GiB)", float64(size)/(1<<30))
	}
	t.Logf("root file system: %.2f GiB", float64(size)/(1<<30))
}
