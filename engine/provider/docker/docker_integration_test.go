package docker_test

import (
	"net/netip"
	"testing"

	"github.com/envrun/envrun/engine/provider/docker"
	"github.com/envrun/envrun/engine/provider/providertest"
)

func TestIntegrationConformance(t *testing.T) {
	providertest.Run(t, providertest.Config{
		Driver: docker.Driver,
		Box:    "debian/bookworm",
		Subnet: netip.MustParsePrefix("172.30.10.0/24"),
	})
}
