//go:build libvirt_dlopen && cgo

package cli_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/provider/libvirt"
	"github.com/envrun/envrun/engine/provider/providertest"
)

// libvirt.so and the tens of libraries it pulls in are loaded by the first
// command that uses libvirt, not by every envrun process: loading them at
// start-up (the libvirt module's own package init) doubled the start-up of
// every command, a no-op `up` on Docker included (third_party/libvirt-go).
// glibc's LD_DEBUG=files names every library a process loads.
func TestLibvirtLoadedOnFirstUse(t *testing.T) {
	bin := envrunBinary(t)
	loads := func(args ...string) bool {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "LD_DEBUG=files")
		cmd.Dir = t.TempDir()
		out, _ := cmd.CombinedOutput()
		if !strings.Contains(string(out), "file=") {
			t.Fatalf("LD_DEBUG=files printed nothing about libraries:\n%s", out)
		}
		return strings.Contains(string(out), "libvirt.so")
	}
	if loads("version") {
		t.Error("envrun version loaded libvirt.so")
	}
	if loads("validate") {
		t.Error("envrun validate (no Envfile) loaded libvirt.so")
	}
	providertest.Require(t, libvirt.Driver)
	if !loads("box", "list", "--provider", "libvirt") {
		t.Error("envrun box list --provider libvirt did not load libvirt.so: the check above proves nothing")
	}
}
