package docker_test

import (
	"net/netip"
	"testing"

	"github.com/envrun/envrun/engine/provider/docker"
	"github.com/envrun/envrun/engine/provider/providertest"
)

func TestIntegrationConformance(t *testing.T) {
	// An empty users cache: the first machine reads /etc/passwd out of its
	// container, later ones find the entry cached.
	t.Setenv("ENVRUN_CACHE", t.TempDir())
	providertest.Run(t, providertest.Config{
		Driver: docker.Driver,
		Box:    "debian/bookworm",
		Subnet: netip.MustParsePrefix("172.30.10.0/24"),
	})
}
