package virtualbox

// What an interrupted or killed `envrun up` leaves on VirtualBox, and what
// the next up does with it, with the fake VBoxManage (see fake_test.go):
// these prove the calls envrun makes at each pause point and on the next
// run, not that VirtualBox behaves as the recorded outputs say.

import (
	"bufio"
	"context"
	"errors"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/pause"
	"github.com/envrun/envrun/engine/spec"
)

var errInterrupted = errors.New("interrupted")

// interruptAt runs f with ENVRUN_TEST_PAUSE=point and cancels its context
// (Ctrl-C) once it waits there; it returns f's error.
func interruptAt(t *testing.T, point string, f func(ctx context.Context) error) error {
	t.Helper()
	t.Setenv(pause.Env, point)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = w // pause.At says where it waits on stderr
	defer func() { os.Stderr = stderr; w.Close(); r.Close() }()
	paused := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if sc.Text() == "envrun-test-pause: "+point {
				close(paused)
				break
			}
		}
		for sc.Scan() {
		}
	}()
	ctx, cancel := context.WithCancelCause(context.Background())
	done := make(chan error, 1)
	go func() { done <- f(ctx) }()
	select {
	case <-paused:
		cancel(errInterrupted)
	case err := <-done:
		t.Fatalf("ended before pausing at %s: %v", point, err)
	case <-time.After(20 * time.Second):
		t.Fatalf("never paused at %s", point)
	}
	return <-done
}

// commands are the calls made so far, a modifyvm shown as its first two
// arguments (its description spans lines).
func (f *fakeVBox) commands() []string {
	var out []string
	for _, c := range f.calls() {
		w := strings.Fields(c)
		switch {
		case len(w) > 1 && w[0] == "modifyvm":
			out = append(out, "modifyvm "+w[1])
		case len(w) > 0 && strings.Contains("list showvminfo getextradata setextradata hostonlyif dhcpserver clonevm startvm controlvm unregistervm", w[0]):
			out = append(out, c)
		}
	}
	f.reset()
	return out
}

func (f *fakeVBox) wantCommands(want ...string) {
	f.t.Helper()
	if got := f.commands(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		f.t.Errorf("VBoxManage calls:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

const notFound = "VBoxManage: error: Could not find a registered machine named 'machine1'\nVBoxManage: error: Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001)\n"

// hostOnlyConf is `list hostonlyifs` with host_only at addr; extraConf
// marks it as network conf of the environment.
func hostOnlyConf(t *testing.T, addr string) string {
	return strings.NewReplacer("vboxnet0", "host_only", "192.168.56.1", addr).Replace(fixture(t, "list-hostonlyifs-go-virtualbox.txt"))
}

const extraConf = "Key: envrun/hostonlyif/host_only, Value: proj-0123abcd/conf\n"

func TestFakeInterruptedNetwork(t *testing.T) {
	if hostGOOS == "darwin" {
		t.Skip("the sequence of hostonlyif hosts")
	}
	n := &spec.Network{Name: "conf", Subnet: netip.MustParsePrefix("192.168.60.0/24"), Gateway: netip.MustParseAddr("192.168.60.1")}

	t.Run("Ctrl-C with the interface made", func(t *testing.T) {
		f := newFake(t)
		p := openFake(t, &spec.Envfile{Networks: []*spec.Network{n}})
		f.on("list hostonlyifs", 0, 0, "", "")
		f.on("getextradata global enumerate", 0, 0, "", "")
		f.on("hostonlyif create", 0, 0, fixture(t, "hostonlyif-create-7.x-vagrant.txt"), "")
		f.on("setextradata global envrun/hostonlyif/host_only proj-0123abcd/conf", 0, 0, "", "")
		f.on("hostonlyif remove host_only", 0, 0, "", "")
		f.on("setextradata global envrun/hostonlyif/host_only", 0, 0, "", "")
		err := interruptAt(t, "network-defined:conf", func(ctx context.Context) error { return p.EnsureNetwork(ctx, n) })
		if !errors.Is(err, errInterrupted) {
			t.Errorf("EnsureNetwork: %v, want the interruption", err)
		}
		f.wantCommands("list hostonlyifs", "getextradata global enumerate", "hostonlyif create",
			"setextradata global envrun/hostonlyif/host_only proj-0123abcd/conf",
			"hostonlyif remove host_only", "setextradata global envrun/hostonlyif/host_only")
	})

	// Killed there, the run leaves the interface marked as conf's, with the
	// address VirtualBox gave it. The next up sets it up, since no VM is
	// on it; it makes no second one.
	t.Run("the next up after a kill", func(t *testing.T) {
		f := newFake(t)
		p := openFake(t, &spec.Envfile{Networks: []*spec.Network{n}})
		f.on("list hostonlyifs", 0, 0, hostOnlyConf(t, "192.168.56.1"), "")
		f.on("getextradata global enumerate", 0, 0, extraConf, "")
		f.on("list vms", 0, 0, "", "")
		f.on("hostonlyif ipconfig host_only --ip 192.168.60.1 --netmask 255.255.255.0", 0, 0, "", "")
		f.on("list dhcpservers", 0, 0, "", "")
		if err := p.EnsureNetwork(context.Background(), n); err != nil {
			t.Fatal(err)
		}
		f.wantCommands("list hostonlyifs", "getextradata global enumerate", "list vms",
			"hostonlyif ipconfig host_only --ip 192.168.60.1 --netmask 255.255.255.0", "list dhcpservers")
	})
}

// createFixture is a provider on the fake VBoxManage with network conf
// (host_only, set up) and machine1 on it, whose box is imported.
func createFixture(t *testing.T) (*fakeVBox, *Provider, *spec.Machine) {
	f := newFake(t)
	n := &spec.Network{Name: "conf", Subnet: netip.MustParsePrefix("192.168.60.0/24"), Gateway: netip.MustParseAddr("192.168.60.1")}
	m := &spec.Machine{Name: "machine1", User: "vagrant", Box: "debian/bookworm",
		Networks:  []spec.Attachment{{Network: "conf", IP: netip.MustParseAddr("192.168.60.10")}},
		Providers: map[string]spec.Options{"virtualbox": {Values: map[string]any{"name": "machine1"}}}}
	p := openFake(t, &spec.Envfile{Networks: []*spec.Network{n}, Machines: []*spec.Machine{m}})
	p.box.bases.Store("debian/bookworm", "envrun-base")
	f.on("list hostonlyifs", 0, 0, hostOnlyConf(t, "192.168.60.1"), "")
	f.on("getextradata global enumerate", 0, 0, extraConf, "")
	f.on("setextradata global envrun/creating/machine1 proj-0123abcd/machine1", 0, 0, "", "")
	f.on("setextradata global envrun/creating/machine1", 0, 0, "", "")
	f.on("clonevm envrun-base --name machine1 --register --snapshot envrun-base --options link --groups /envrun", 0, 0, "", "")
	f.onPrefix("modifyvm machine1", 0, "", "")
	f.on("startvm machine1 --type headless", 0, 0, "", "")
	f.on("controlvm "+vmUUID+" poweroff", 0, 0, "", "")
	f.on("unregistervm "+vmUUID+" --delete", 0, 0, "", "")
	return f, p, m
}

// The calls of an up that makes machine1, to where it clears the
// creating mark.
var createCalls = []string{
	"list hostonlyifs", "getextradata global enumerate",
	"setextradata global envrun/creating/machine1 proj-0123abcd/machine1",
	"clonevm envrun-base --name machine1 --register --snapshot envrun-base --options link --groups /envrun",
	"modifyvm machine1",
	"setextradata global envrun/creating/machine1",
}

func TestFakeInterruptedCreate(t *testing.T) {
	if hostGOOS == "darwin" {
		t.Skip("the sequence of hostonlyif hosts")
	}
	// Ctrl-C with the VM made, or booting: it is removed, and the mark
	// cleared.
	for _, tt := range []struct {
		point, state string
		more, remove []string
	}{
		{"vm-created:machine1", "poweroff", nil, []string{"unregistervm " + vmUUID + " --delete"}},
		{"first-contact:machine1", "running", []string{"startvm machine1 --type headless"},
			[]string{"controlvm " + vmUUID + " poweroff", "unregistervm " + vmUUID + " --delete"}},
	} {
		t.Run("Ctrl-C at "+tt.point, func(t *testing.T) {
			f, p, m := createFixture(t)
			f.on("showvminfo machine1 --machinereadable", 1, 1, "", notFound)
			f.on("showvminfo machine1 --machinereadable", 2, 1, "", notFound)
			f.on("showvminfo machine1 --machinereadable", 3, 0, envrunVM(t, tt.state), "")
			f.on("list vms", 0, 0, "", "")
			err := interruptAt(t, tt.point, func(ctx context.Context) error { _, err := p.Up(ctx, m); return err })
			if !errors.Is(err, errInterrupted) {
				t.Errorf("Up: %v, want the interruption", err)
			}
			want := append([]string{"showvminfo machine1 --machinereadable", "list vms", "showvminfo machine1 --machinereadable"}, createCalls...)
			want = append(append(want, tt.more...), "showvminfo machine1 --machinereadable")
			want = append(append(want, tt.remove...), "setextradata global envrun/creating/machine1")
			f.wantCommands(want...)
		})
	}

	// Killed between the clone and its description, a run leaves a VM
	// that says nothing of whose it is; the creating mark does. The next up
	// removes it and makes it anew (here the new clone fails, and that
	// failure is cleaned up too).
	t.Run("the next up after a kill", func(t *testing.T) {
		f, p, m := createFixture(t)
		clone := strings.Replace(envrunVM(t, "poweroff"), "envrun.project=proj-0123abcd", "envrun.box=debian/bookworm", 1)
		f.on("showvminfo machine1 --machinereadable", 1, 0, clone, "")
		f.on("showvminfo machine1 --machinereadable", 2, 0, clone, "")
		f.on("showvminfo machine1 --machinereadable", 3, 1, "", notFound)
		f.on("list vms", 0, 0, `"machine1" {`+vmUUID+"}\n", "")
		f.on("showvminfo "+vmUUID+" --machinereadable", 0, 0, clone, "")
		f.on("getextradata global envrun/creating/machine1", 0, 0, "Value: proj-0123abcd/machine1\n", "")
		f.on("clonevm envrun-base --name machine1 --register --snapshot envrun-base --options link --groups /envrun", 0, 1, "",
			"VBoxManage: error: no room for another clone\n")
		_, err := p.Up(context.Background(), m)
		if err == nil || !strings.Contains(err.Error(), "clone box debian/bookworm as machine1") {
			t.Errorf("Up: %v, want the clone's failure", err)
		}
		f.wantCommands("showvminfo machine1 --machinereadable", "list vms", "showvminfo "+vmUUID+" --machinereadable",
			"showvminfo machine1 --machinereadable", "getextradata global envrun/creating/machine1",
			"unregistervm "+vmUUID+" --delete",
			createCalls[0], createCalls[1], createCalls[2], createCalls[3],
			"showvminfo machine1 --machinereadable", "setextradata global envrun/creating/machine1")
	})
}
