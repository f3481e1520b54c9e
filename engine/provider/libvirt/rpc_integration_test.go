//go:build libvirt_dlopen && cgo

package libvirt

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"libvirt.org/go/libvirt"

	"github.com/envrun/envrun/engine/provider/providertest"
)

// TestIntegrationRPCReads checks the protocol client (rpc.go) against
// libvirt.so's on the real libvirtd, on what the test makes itself: a
// volume in envrun's pool, a network and a domain, defined and not
// started. Both clients must answer alike; and the volume is downloaded
// 200 times, each with a deadline: go-libvirt's download deadlocked about
// one time in 5 to 50 before third_party/go-libvirt's fix (its listener
// held a lock while it handed a late packet to a caller that had stopped
// waiting, and the caller needed the lock to say so).
func TestIntegrationRPCReads(t *testing.T) {
	providertest.Require(t, Driver)
	ctx := context.Background()
	uri := DefaultURI()
	if rpcSocket(uri) == "" {
		t.Skipf("%s is not a local libvirt", uri)
	}
	c, err := libvirt.NewConnect(uri)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rpc := dialRPC(ctx, uri)
	if rpc == nil {
		t.Fatalf("libvirtd at %s does not answer its protocol on %s", uri, rpcSocket(uri))
	}
	stuck := false
	defer func() {
		if !stuck { // closing a connection whose listener hangs would hang
			rpc.close()
		}
	}()
	lib := libReads{c}
	name := fmt.Sprintf("envrun-rpctest-%d", os.Getpid())

	pool, err := ensurePool(c, uri)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Free()
	data := bytes.Repeat([]byte("envrun box metadata "), 50)
	if err := upload(ctx, c, pool, name+".json", int64(len(data)), bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	defer deleteVolume(pool, name+".json")

	netXML := fmt.Sprintf(`<network><name>%s</name><bridge name="virbr-rpct%d" stp="on"/><ip address="10.231.59.1" netmask="255.255.255.0"/></network>`, name, os.Getpid()%10000)
	net, err := c.NetworkDefineXML(netXML)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { net.Undefine(); net.Free() }()
	dom, err := c.DomainDefineXML(fmt.Sprintf(`<domain type="qemu"><name>%s</name><memory unit="MiB">64</memory><os><type>hvm</type></os></domain>`, name))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { dom.Undefine(); dom.Free() }()

	for i := range 200 {
		got := make(chan []byte, 1)
		go func() {
			b, err := rpc.readVolume(name+".json", 1<<20)
			if err != nil {
				t.Errorf("download %d: %v", i, err)
			}
			got <- b
		}()
		// Other calls at once, as machines checking their drift make.
		for range 3 {
			go func() {
				if v, err := rpc.domain(name); err == nil && v != nil {
					v.state()
				}
			}()
		}
		select {
		case b := <-got:
			if !bytes.Equal(b, data) {
				t.Fatalf("download %d: %d bytes, want the %d uploaded", i, len(b), len(data))
			}
		case <-time.After(20 * time.Second):
			stuck = true
			t.Fatalf("download %d of a %d-byte volume did not end in 20 s", i, len(data))
		}
	}
	if _, err := rpc.readVolume(name+".json", 100); err == nil {
		t.Error("a read past its limit did not fail")
	}
	if _, err := rpc.readVolume(name+".missing", 100); err != errNoBox {
		t.Errorf("a missing volume: %v, want errNoBox", err)
	}

	var stamps []string
	for _, r := range []reads{lib, rpc} {
		stamp, err := r.volumeStamp(name + ".json")
		if err != nil || !strings.HasPrefix(stamp, poolPath(uri)+"/"+name+".json ") {
			t.Errorf("%T volumeStamp: %q, %v", r, stamp, err)
		}
		stamps = append(stamps, stamp)
		if _, err := r.volumeStamp(name + ".missing"); err != errNoBox {
			t.Errorf("%T volumeStamp of a missing volume: %v, want errNoBox", r, err)
		}
		path, err := r.volumePath(name + ".json")
		if err != nil || path != poolPath(uri)+"/"+name+".json" {
			t.Errorf("%T volumePath: %q, %v", r, path, err)
		}
		vols, err := r.volumes()
		if err != nil || !slices.Contains(vols, name+".json") {
			t.Errorf("%T volumes: %v lacks %s.json (%v)", r, vols, name, err)
		}
	}

	if stamps[0] != stamps[1] {
		t.Errorf("volumeStamp: libvirt.so %q, protocol %q", stamps[0], stamps[1])
	}

	type netAnswer struct {
		x             string
		active, found bool
	}
	var nets []netAnswer
	for _, r := range []reads{lib, rpc} {
		x, active, found, err := r.network(name)
		if err != nil {
			t.Fatalf("%T network: %v", r, err)
		}
		nets = append(nets, netAnswer{x, active, found})
		if xs, err := r.networks(name); err != nil || len(xs) != 1 || xs[0] != x {
			t.Errorf("%T networks(%q): %d, %v", r, name, len(xs), err)
		}
		if _, _, found, err := r.network(name + "-none"); found || err != nil {
			t.Errorf("%T a missing network: found %v, %v", r, found, err)
		}
	}
	if nets[0] != nets[1] || !nets[0].found || nets[0].active {
		t.Errorf("network: libvirt.so %+v, protocol %+v", nets[0], nets[1])
	}

	type domAnswer struct {
		name, x string
		state   libvirt.DomainState
		saved   bool
		snaps   int
	}
	var doms []domAnswer
	for _, r := range []reads{lib, rpc} {
		v, err := r.domain(name)
		if v == nil || err != nil {
			t.Fatalf("%T domain: %v, %v", r, v, err)
		}
		x, err := v.xml()
		if err != nil {
			t.Fatal(err)
		}
		state, err := v.state()
		if err != nil {
			t.Fatal(err)
		}
		snaps, err := v.snapshots()
		if err != nil {
			t.Fatal(err)
		}
		doms = append(doms, domAnswer{v.name(), x, state, v.saved(), len(snaps)})
		v.free()
		listed, err := r.domains(name)
		if err != nil || len(listed) != 1 || listed[0].name() != name {
			t.Errorf("%T domains(%q): %d, %v", r, name, len(listed), err)
		}
		freeViews(listed)
		if v, err := r.domain(name + "-none"); v != nil || err != nil {
			t.Errorf("%T a missing domain: %v, %v", r, v, err)
		}
	}
	if doms[0] != doms[1] || doms[0].state != libvirt.DOMAIN_SHUTOFF {
		t.Errorf("domain: libvirt.so %+v, protocol %+v", doms[0], doms[1])
	}
}
