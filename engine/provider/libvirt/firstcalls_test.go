//go:build libvirt_dlopen && cgo

package libvirt

import (
	"os"
	"os/exec"
	"sync"
	"testing"

	"libvirt.org/go/libvirt"
)

// TestFirstCallsAtOnce: goroutines make their first calls into libvirt at
// once, loading the library and looking up the same symbols, in fresh
// processes (the library is loaded once per process): every call succeeds
// (third_party/libvirt-go's lock).
func TestFirstCallsAtOnce(t *testing.T) {
	if os.Getenv("ENVRUN_FIRST_CALLS_CHILD") == "1" {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				c, err := libvirt.NewConnect(testURI)
				if err != nil {
					t.Errorf("connect: %v", err)
					return
				}
				defer c.Close()
				if _, err := c.ListAllDomains(0); err != nil {
					t.Errorf("list: %v", err)
				}
			})
		}
		wg.Wait()
		return
	}
	for i := range 20 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFirstCallsAtOnce$", "-test.count=1")
		cmd.Env = append(os.Environ(), "ENVRUN_FIRST_CALLS_CHILD=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("process %d: %v\n%s", i, err, out)
		}
	}
}
