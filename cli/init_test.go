package cli

import (
	"net/netip"
	"testing"
)

func TestFreeSubnet(t *testing.T) {
	p := netip.MustParsePrefix
	pools := []netip.Prefix{p("192.168.56.0/21"), p("10.201.0.0/16")}
	for _, c := range []struct {
		used  []netip.Prefix
		pools []netip.Prefix
		n     int
		want  string
	}{
		{nil, pools, 2, "192.168.56.0/24"},
		{[]netip.Prefix{p("192.168.56.0/24"), p("192.168.57.1/32")}, pools, 2, "192.168.58.0/24"},
		{[]netip.Prefix{p("192.168.0.0/16")}, pools, 2, "10.201.0.0/24"},      // a LAN over the whole first pool
		{[]netip.Prefix{p("10.0.0.0/8"), p("192.168.56.0/21")}, pools, 2, ""}, // nothing free
		{[]netip.Prefix{p("172.24.10.0/24")}, []netip.Prefix{p("172.24.10.0/23")}, 2, "172.24.11.0/24"},
		{nil, []netip.Prefix{p("172.24.10.64/26")}, 40, "172.24.10.64/26"},                 // a small subnet taken as it is
		{nil, []netip.Prefix{p("172.24.10.64/27")}, 40, ""},                                // too small for 40 from .10 on
		{[]netip.Prefix{p("172.24.10.0/24")}, []netip.Prefix{p("172.24.10.64/26")}, 1, ""}, // in use
	} {
		got, err := freeSubnet(c.pools, c.used, c.n)
		if c.want == "" {
			if err == nil {
				t.Errorf("freeSubnet(%v, %v, %d) = %s, want an error", c.pools, c.used, c.n, got)
			}
			continue
		}
		if err != nil || got.String() != c.want {
			t.Errorf("freeSubnet(%v, %v, %d) = %s, %v; want %s", c.pools, c.used, c.n, got, err, c.want)
		}
	}
	if got := nextSlash24(p("10.201.255.0/24")); got.String() != "10.202.0.0/24" {
		t.Errorf("nextSlash24 = %s", got)
	}
}
