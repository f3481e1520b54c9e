package engine

import (
	"maps"
	"net/netip"
	"testing"

	"github.com/envrun/envrun/engine/spec"
)

func TestParseInterfaces(t *testing.T) {
	out := `1: lo    inet 127.0.0.1/8 scope host lo\       valid_lft forever preferred_lft forever
52: eth1@if53    inet 172.28.22.10/24 brd 172.28.22.255 scope global eth1\       valid_lft forever preferred_lft forever
3: ens5    inet 172.28.21.10/24 brd 172.28.21.255 scope global ens5\       valid_lft forever preferred_lft forever
`
	nets := []spec.Attachment{
		{Network: "zeta", IP: netip.MustParseAddr("172.28.21.10")},
		{Network: "alpha", IP: netip.MustParseAddr("172.28.22.10")},
		{Network: "gone", IP: netip.MustParseAddr("172.28.23.10")},
	}
	got := parseInterfaces(out, nets)
	if want := map[string]string{"zeta": "ens5", "alpha": "eth1"}; !maps.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
