package virtualbox

// Unit tests of the SEQUENCE of VBoxManage calls the provider makes, with a
// fake VBoxManage on the path that records its arguments and prints the
// recorded real outputs of testdata/vboxmanage/. They prove the calls are
// made in the intended order with the intended arguments, and that outputs
// and failures are read as intended. They do NOT prove that VirtualBox
// accepts those calls or behaves as these outputs say: only the integration
// tests against a live VirtualBox can (virtualbox_integration_test.go).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
)

const fakeScript = `#!/bin/sh
d="$FAKE_VBOX_DIR"
args=$(printf '%s' "$*" | tr '\n' '\036')
printf '%s\n' "$args" >> "$d/calls"
key=$(printf '%s' "$*" | { sha256sum 2>/dev/null || shasum -a 256; } | cut -c1-32)
n=$(grep -cxF -- "$args" "$d/calls")
for f in "$d/resp/$key.$n" "$d/resp/$key"; do
  if [ -f "$f.out" ]; then
    cat "$f.out"
    [ -f "$f.err" ] && cat "$f.err" >&2
    exit "$(cat "$f.rc" 2>/dev/null || echo 0)"
  fi
done
key=$(printf '%s' "$1 $2" | { sha256sum 2>/dev/null || shasum -a 256; } | cut -c1-32)
f="$d/resp/prefix-$key"
if [ -f "$f.out" ]; then
  cat "$f.out"
  [ -f "$f.err" ] && cat "$f.err" >&2
  exit "$(cat "$f.rc" 2>/dev/null || echo 0)"
fi
echo "fake VBoxManage: unexpected call: $*" >&2
exit 97
`

type fakeVBox struct {
	t   *testing.T
	dir string
}

func newFake(t *testing.T) *fakeVBox {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "resp"), 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "VBoxManage")
	if err := os.WriteFile(bin, []byte(fakeScript), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ENVRUN_VBOXMANAGE", bin)
	t.Setenv("FAKE_VBOX_DIR", dir)
	t.Setenv("ENVRUN_BOX_DIR", filepath.Join(dir, "boxes"))
	cachedVBM.Lock()
	cachedVBM.v = nil
	cachedVBM.Unlock()
	f := &fakeVBox{t: t, dir: dir}
	f.on("--version", 0, 0, "7.0.14r161095\n", "")
	return f
}

// on sets the answer to the nth call (0: every call) with exactly args.
func (f *fakeVBox) on(args string, nth, rc int, stdout, stderr string) {
	sum := sha256.Sum256([]byte(args))
	key := hex.EncodeToString(sum[:])[:32]
	if nth > 0 {
		key += fmt.Sprintf(".%d", nth)
	}
	base := filepath.Join(f.dir, "resp", key)
	os.WriteFile(base+".out", []byte(stdout), 0o644)
	os.WriteFile(base+".err", []byte(stderr), 0o644)
	os.WriteFile(base+".rc", []byte(fmt.Sprint(rc)), 0o644)
}

// onPrefix sets the answer to every call whose first two arguments are
// first2 ("modifyvm machine1") and that has no answer of its own.
func (f *fakeVBox) onPrefix(first2 string, rc int, stdout, stderr string) {
	sum := sha256.Sum256([]byte(first2))
	base := filepath.Join(f.dir, "resp", "prefix-"+hex.EncodeToString(sum[:])[:32])
	os.WriteFile(base+".out", []byte(stdout), 0o644)
	os.WriteFile(base+".err", []byte(stderr), 0o644)
	os.WriteFile(base+".rc", []byte(fmt.Sprint(rc)), 0o644)
}

// calls are the calls made so far, --version excepted.
func (f *fakeVBox) calls() []string {
	data, _ := os.ReadFile(filepath.Join(f.dir, "calls"))
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if l != "" && l != "--version" {
			out = append(out, strings.ReplaceAll(l, "\036", "\n")) // the script's record of a newline
		}
	}
	return out
}

func (f *fakeVBox) reset() { os.Remove(filepath.Join(f.dir, "calls")) }

func (f *fakeVBox) want(want ...string) {
	f.t.Helper()
	if got := f.calls(); !reflect.DeepEqual(got, want) {
		f.t.Errorf("VBoxManage calls:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	f.reset()
}

func openFake(t *testing.T, ef *spec.Envfile) *Provider {
	t.Helper()
	dir := t.TempDir()
	key, err := comm.LoadOrCreateKey(filepath.Join(dir, "id_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := open(context.Background(), provider.Env{
		Project: "proj-0123abcd", Envfile: ef, Key: key, UI: ui.Discard(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return p.(*Provider)
}

func TestFakeAvailable(t *testing.T) {
	f := newFake(t)
	if err := available(context.Background()); err != nil {
		t.Fatalf("7.0: %v", err)
	}
	f.on("--version", 0, 0, "6.0.24r139119\n", "")
	cachedVBM.v = nil
	if err := available(context.Background()); err == nil || !strings.Contains(err.Error(), "6.1 and 7.x") {
		t.Errorf("6.0: %v", err)
	}
	t.Setenv("ENVRUN_VBOXMANAGE", filepath.Join(f.dir, "missing"))
	t0 := time.Now()
	if err := available(context.Background()); err == nil || time.Since(t0) > 5*time.Second {
		t.Errorf("missing VBoxManage: %v after %s", err, time.Since(t0))
	}
}

func TestFakeEnsureNetwork(t *testing.T) {
	if hostGOOS == "darwin" {
		t.Skip("the sequence of hostonlyif hosts")
	}
	f := newFake(t)
	n := &spec.Network{Name: "conf", Subnet: netip.MustParsePrefix("192.168.60.0/24"), Gateway: netip.MustParseAddr("192.168.60.1")}
	p := openFake(t, &spec.Envfile{Networks: []*spec.Network{n}})
	ctx := context.Background()

	f.on("list hostonlyifs", 0, 0, fixture(t, "list-hostonlyifs-go-virtualbox.txt"), "")
	f.on("getextradata global enumerate", 0, 0, "", "")
	f.on("hostonlyif create", 0, 0, fixture(t, "hostonlyif-create-7.x-vagrant.txt"), "0%...100%\n")
	f.on("hostonlyif ipconfig host_only --ip 192.168.60.1 --netmask 255.255.255.0", 0, 0, "", "")
	f.on("list dhcpservers", 0, 0, strings.ReplaceAll(fixture(t, "list-dhcpservers-6.1-vagrant.txt"), "vboxnet5", "host_only"), "")
	f.on("dhcpserver remove --netname HostInterfaceNetworking-host_only", 0, 0, "", "")
	f.on("setextradata global envrun/hostonlyif/host_only proj-0123abcd/conf", 0, 0, "", "")
	if err := p.EnsureNetwork(ctx, n); err != nil {
		t.Fatal(err)
	}
	// Marked as the network's as soon as it exists, then set up.
	f.want("list hostonlyifs", "getextradata global enumerate", "hostonlyif create",
		"setextradata global envrun/hostonlyif/host_only proj-0123abcd/conf",
		"hostonlyif ipconfig host_only --ip 192.168.60.1 --netmask 255.255.255.0", "list dhcpservers",
		"dhcpserver remove --netname HostInterfaceNetworking-host_only")

	// Now it exists and is recorded as ours: adopted, nothing made.
	f.on("list hostonlyifs", 0, 0, fixture(t, "list-hostonlyifs-go-virtualbox.txt")+"\n"+
		strings.NewReplacer("vboxnet0", "host_only", "192.168.56.1", "192.168.60.1").Replace(fixture(t, "list-hostonlyifs-go-virtualbox.txt")), "")
	f.on("getextradata global enumerate", 0, 0, "Key: envrun/hostonlyif/host_only, Value: proj-0123abcd/conf\n", "")
	if err := p.EnsureNetwork(ctx, n); err != nil {
		t.Fatal(err)
	}
	f.want("list hostonlyifs", "getextradata global enumerate")
	if nets, err := p.Networks(ctx); err != nil || len(nets) != 1 || nets[0].Name != "conf" || nets[0].ID != "host_only" || nets[0].Subnet != "192.168.60.0/24" {
		t.Errorf("Networks = %+v, %v", nets, err)
	}
	f.reset()

	// Another subnet for it while a VM is on it: refused.
	f.on("list vms", 0, 0, `"machine1" {`+vmUUID+"}\n", "")
	f.on("showvminfo "+vmUUID+" --machinereadable", 0, 0, strings.ReplaceAll(envrunVM(t, "running"), "vboxnet3", "host_only"), "")
	other := *n
	other.Subnet, other.Gateway = netip.MustParsePrefix("10.254.254.0/24"), netip.MustParseAddr("10.254.254.1")
	if err := p.EnsureNetwork(ctx, &other); err == nil || !strings.Contains(err.Error(), `network "conf" exists`) {
		t.Errorf("same name, other subnet: %v", err)
	}
	f.reset()
	clash := &spec.Network{Name: "clash", Subnet: netip.MustParsePrefix("192.168.56.0/24"), Gateway: netip.MustParseAddr("192.168.56.1")}
	if err := p.EnsureNetwork(ctx, clash); err == nil || !strings.Contains(err.Error(), "overlaps VirtualBox host-only vboxnet0") || !strings.Contains(err.Error(), "not envrun's") {
		t.Errorf("overlap: %v", err)
	}
	f.reset()

	// VirtualBox refuses the address (networks.conf): the interface made
	// for it is removed again and the error says how to allow the subnet.
	f.on("list hostonlyifs", 0, 0, fixture(t, "list-hostonlyifs-go-virtualbox.txt"), "")
	f.on("getextradata global enumerate", 0, 0, "", "")
	f.on("hostonlyif ipconfig host_only --ip 172.20.1.1 --netmask 255.255.255.0", 0, 1, "",
		"VBoxManage: error: Code E_ACCESSDENIED (0x80070005) - Access denied (extended info not available)\n")
	f.on("hostonlyif remove host_only", 0, 0, "", "")
	f.on("setextradata global envrun/hostonlyif/host_only proj-0123abcd/scznet", 0, 0, "", "")
	f.on("setextradata global envrun/hostonlyif/host_only", 0, 0, "", "")
	denied := &spec.Network{Name: "scznet", Subnet: netip.MustParsePrefix("172.20.1.0/24"), Gateway: netip.MustParseAddr("172.20.1.1")}
	err := p.EnsureNetwork(ctx, denied)
	for _, want := range []string{"refused the address 172.20.1.1", "* 172.20.1.0/24", "exit status 1", "E_ACCESSDENIED", "VBoxManage hostonlyif ipconfig host_only"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("access denied: %v lacks %q", err, want)
		}
	}
	f.want("list hostonlyifs", "getextradata global enumerate", "hostonlyif create",
		"setextradata global envrun/hostonlyif/host_only proj-0123abcd/scznet",
		"hostonlyif ipconfig host_only --ip 172.20.1.1 --netmask 255.255.255.0", "hostonlyif remove host_only",
		"setextradata global envrun/hostonlyif/host_only")
}

func envrunVM(t *testing.T, state string) string {
	return strings.Replace(fixture(t, "reconstructed-showvminfo-envrun-machine.txt"), `VMState="running"`, `VMState="`+state+`"`, 1)
}

const vmUUID = "19e117b3-06f4-4a1e-851d-47336ad6a142"

func TestFakeMachinesUpHalt(t *testing.T) {
	f := newFake(t)
	m := &spec.Machine{Name: "machine1", User: "vagrant", Box: "debian/bookworm",
		Providers: map[string]spec.Options{"virtualbox": {Values: map[string]any{"name": "machine1"}}}}
	p := openFake(t, &spec.Envfile{Machines: []*spec.Machine{m}})
	ctx := context.Background()

	f.on("list vms", 0, 0, `"machine1" {`+vmUUID+"}\n"+`"manjaro" {11111111-2222-3333-4444-555555555555}`+"\n", "")
	f.on("showvminfo "+vmUUID+" --machinereadable", 0, 0, envrunVM(t, "running"), "")
	f.on("showvminfo 11111111-2222-3333-4444-555555555555 --machinereadable", 0, 0, fixture(t, "showvminfo-7.0-vedv.txt"), "")
	ms, err := p.Machines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Name != "machine1" || ms[0].State != provider.Running || ms[0].IP != "172.20.1.20" || ms[0].Addr != "172.20.1.20:22" || ms[0].ID != vmUUID {
		t.Errorf("Machines = %+v", ms)
	}
	f.reset()

	// Up on a running, ready machine: two calls, nothing done.
	f.on("showvminfo machine1 --machinereadable", 0, 0, envrunVM(t, "running"), "")
	f.on("getextradata "+vmUUID+" enumerate", 0, 0, "Key: envrun/ready, Value: "+readyHostKey+"\n", "")
	inst, err := p.Up(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if inst.Created || inst.Started || inst.ID != vmUUID || inst.Addr != "172.20.1.20:22" || inst.HostKey == nil {
		t.Errorf("Up on a running machine: %+v", inst)
	}
	f.want("showvminfo machine1 --machinereadable", "getextradata "+vmUUID+" enumerate")

	// Up on a powered-off machine starts it.
	f.on("showvminfo machine1 --machinereadable", 0, 0, envrunVM(t, "poweroff"), "")
	f.on("startvm "+vmUUID+" --type headless", 0, 0, "", "")
	if inst, err := p.Up(ctx, m); err != nil || !inst.Started || inst.Created {
		t.Errorf("Up on a stopped machine: %+v, %v", inst, err)
	}
	f.want("showvminfo machine1 --machinereadable", "getextradata "+vmUUID+" enumerate", "startvm "+vmUUID+" --type headless")

	// Halt: ACPI power button, then the guest powers off by itself.
	haltPoll = 10 * time.Millisecond
	f.on("showvminfo machine1 --machinereadable", 0, 0, envrunVM(t, "running"), "")
	f.on("controlvm "+vmUUID+" acpipowerbutton", 0, 0, "", "")
	f.on("showvminfo "+vmUUID+" --machinereadable", 1, 0, envrunVM(t, "running"), "")
	f.on("showvminfo "+vmUUID+" --machinereadable", 2, 0, envrunVM(t, "poweroff"), "")
	if err := p.Halt(ctx, "machine1"); err != nil {
		t.Fatal(err)
	}
	f.want("showvminfo machine1 --machinereadable", "controlvm "+vmUUID+" acpipowerbutton",
		"showvminfo "+vmUUID+" --machinereadable", "showvminfo "+vmUUID+" --machinereadable")

	// A guest that ignores the button is powered off after the timeout.
	for nth := 0; nth <= 2; nth++ {
		f.on("showvminfo "+vmUUID+" --machinereadable", nth, 0, envrunVM(t, "running"), "")
	}
	f.on("controlvm "+vmUUID+" poweroff", 0, 0, "", "")
	vi, _ := ParseVMInfo(envrunVM(t, "running"))
	if err := p.halt(ctx, "machine1", vi, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	calls := f.calls()
	if len(calls) < 3 || calls[0] != "controlvm "+vmUUID+" acpipowerbutton" || calls[len(calls)-1] != "controlvm "+vmUUID+" poweroff" {
		t.Errorf("halt with a deaf guest: %v", calls)
	}
	f.reset()

	// Destroy: power off, then unregister, retried while the session closes.
	f.on("showvminfo machine1 --machinereadable", 0, 0, envrunVM(t, "running"), "")
	f.on("controlvm "+vmUUID+" poweroff", 0, 0, "", "")
	f.on("unregistervm "+vmUUID+" --delete", 1, 1, "", "VBoxManage: error: Cannot unregister the machine 'machine1' while it is locked\nVBoxManage: error: Details: code VBOX_E_INVALID_OBJECT_STATE (0x80bb0007)\n")
	f.on("unregistervm "+vmUUID+" --delete", 2, 0, "", "")
	if err := p.Destroy(ctx, "machine1"); err != nil {
		t.Fatal(err)
	}
	f.want("showvminfo machine1 --machinereadable", "controlvm "+vmUUID+" poweroff",
		"unregistervm "+vmUUID+" --delete", "unregistervm "+vmUUID+" --delete")

	// A VM of that name that is not envrun's is in the way.
	f.on("showvminfo machine1 --machinereadable", 0, 0, fixture(t, "showvminfo-7.0-vedv.txt"), "")
	f.on("list vms", 0, 0, "", "")
	f.on("getextradata global envrun/creating/machine1", 0, 0, fixture(t, "reconstructed-getextradata-novalue.txt"), "")
	if _, err := p.Up(ctx, m); err == nil || !strings.Contains(err.Error(), "is not this environment's machine machine1") {
		t.Errorf("a foreign VM in the way: %v", err)
	}
	f.want("showvminfo machine1 --machinereadable", "list vms", "showvminfo machine1 --machinereadable",
		"getextradata global envrun/creating/machine1")
}

func TestFakeImportBase(t *testing.T) {
	f := newFake(t)
	p := openFake(t, &spec.Envfile{})
	ctx := context.Background()
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "metadata.json"), []byte(`{"provider":"virtualbox"}`), 0o644)
	os.WriteFile(filepath.Join(src, "box.ovf"), []byte("<Envelope/>"), 0o644)
	if err := p.box.AddBox(ctx, "debian/bookworm", src, false); err != nil {
		t.Fatal(err)
	}
	ovf := filepath.Join(p.box.path("debian/bookworm"), "box.ovf")
	base := baseName("debian/bookworm", "cbed3b27") // sha256("<Envelope/>")[:8]
	f.on("showvminfo "+base+" --machinereadable", 0, 1, "", "VBoxManage: error: Could not find a registered machine named '"+base+"'\nVBoxManage: error: Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001)\n")
	f.on("import -n "+ovf, 0, 0, fixture(t, "import-n-6.0-vagrant.txt"), "")
	imp := "import " + ovf + " --vsys 0 --vmname " + base + " --vsys 0 --unit 12 --disk /home/user/VirtualBox VMs/" + base + "/box-disk1.vmdk"
	f.on(imp, 0, 0, "", "")
	mod := "modifyvm " + base + " --description Made by envrun: do not edit the envrun.* lines.\nenvrun.box=debian/bookworm\nenvrun.boxhash=cbed3b27 --groups /envrun"
	f.on(mod, 0, 0, "", "")
	f.on("snapshot "+base+" take envrun-base", 0, 0, "", "")
	got, err := p.box.ensureBase(ctx, "m", "debian/bookworm")
	if err != nil {
		t.Fatal(err)
	}
	if got != base {
		t.Errorf("base = %s, want %s", got, base)
	}
	calls := strings.Join(f.calls(), "\n")
	want := strings.Join([]string{"showvminfo " + base + " --machinereadable", "import -n " + ovf, imp, mod, "snapshot " + base + " take envrun-base"}, "\n")
	if calls != want {
		t.Errorf("calls:\n%s\nwant:\n%s", calls, want)
	}
	f.reset()
	if _, err := p.box.ensureBase(ctx, "m", "debian/bookworm"); err != nil || len(f.calls()) != 0 {
		t.Errorf("the second machine of a box imports nothing: %v %v", err, f.calls())
	}
	if _, err := p.box.ensureBase(ctx, "m", "no/such"); err == nil || !strings.Contains(err.Error(), "envrun box add no/such") {
		t.Errorf("a missing box: %v", err)
	}
}

// readyHostKey is the host key a ready VM's envrun/ready holds: the one
// its guest reported on the serial port.
const readyHostKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJVkiUqv10fPIoZPoeKgeSDbLLZdh4QggH+R13LJwaod"
