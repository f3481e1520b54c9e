// Package pause stops envrun at named points of its work, so that tests can
// kill (kill -9) or interrupt (SIGINT) the real binary at a known moment:
// creating networks, creating containers, waiting for SSH.
//
// The points, NAME being the Envfile's network or machine:
//
//	network-defined:NAME   libvirt, VirtualBox: the network exists, not yet started or set up
//	network-created:NAME   every provider: the network is made
//	container-created:NAME Docker: the container exists, not started
//	volume-created:NAME    libvirt: the machine's disk exists, no domain yet
//	domain-defined:NAME    libvirt: the domain is defined, not started
//	vm-created:NAME        VirtualBox: the VM is cloned and set up, not started
//	first-contact:NAME     libvirt, VirtualBox: the VM boots; envrun is about to wait for its SSH
//	ssh-wait:NAME          every provider (the engine): the machine is made; its SSH is next
//
// It is driven by the undocumented environment variable ENVRUN_TEST_PAUSE,
// a comma-separated list of points. A point is named KIND:NAME
// ("container-created:web"); KIND alone matches every NAME. On reaching a
// listed point envrun prints "envrun-test-pause: KIND:NAME" on stderr and
// waits until its context ends (Ctrl-C then proceeds to clean up from
// exactly there). A point ending in "!" waits even when the context ends,
// standing for work that does not stop at once (tests of the second
// Ctrl-C).
//
// Why an environment variable and not a build tag: the tests then run the
// very binary users get, and the price when unset is one Getenv per point,
// at points that each cost a Docker API call or more.
package pause

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// Env is the environment variable that lists the points.
const Env = "ENVRUN_TEST_PAUSE"

// At pauses at point when ENVRUN_TEST_PAUSE lists it; it returns the
// context's cause if the context ended while paused, else nil.
func At(ctx context.Context, point string) error {
	list := os.Getenv(Env)
	if list == "" {
		return nil
	}
	kind, _, _ := strings.Cut(point, ":")
	for _, p := range strings.Split(list, ",") {
		p, hard := strings.CutSuffix(strings.TrimSpace(p), "!")
		if p != point && p != kind {
			continue
		}
		fmt.Fprintf(os.Stderr, "envrun-test-pause: %s\n", point)
		if hard {
			select {}
		}
		<-ctx.Done()
		return context.Cause(ctx)
	}
	return nil
}
