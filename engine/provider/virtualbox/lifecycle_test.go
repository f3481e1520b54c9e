package virtualbox

// The sequences of VBoxManage calls behind snapshots, suspend and reload,
// with the fake VBoxManage of fake_test.go (see there for what such tests
// prove and what they cannot). What a reload runs in the guest is run for
// real in TestIntegrationGuestScript.

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

// wantPrefixes checks the calls made, each by the start it must have.
func (f *fakeVBox) wantPrefixes(want ...string) []string {
	f.t.Helper()
	got := f.calls()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = strings.HasPrefix(got[i], want[i])
	}
	if !ok {
		f.t.Errorf("VBoxManage calls:\n  %s\nwant, by their start:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	f.reset()
	return got
}

func snapshotVM(t *testing.T, state string) string {
	return strings.Replace(fixture(t, "reconstructed-showvminfo-snapshots.txt"), `VMState="saved"`, `VMState="`+state+`"`, 1)
}

func vboxMachine() *spec.Machine {
	return &spec.Machine{Name: "machine1", User: "vagrant", Box: "debian/bookworm", Hostname: "machine1",
		Providers: map[string]spec.Options{"virtualbox": {Values: map[string]any{"name": "machine1"}}}}
}

const ready = "Key: envrun/ready, Value: " + readyHostKey + "\n"

func TestFakeSnapshots(t *testing.T) {
	f := newFake(t)
	m := vboxMachine()
	p := openFake(t, &spec.Envfile{Machines: []*spec.Machine{m}})
	ctx := context.Background()

	// Listed: envrun's two, oldest first, with their provisioning state;
	// the one taken by hand is not the environment's.
	f.on("list vms", 0, 0, `"machine1" {`+vmUUID+"}\n", "")
	f.on("showvminfo "+vmUUID+" --machinereadable", 0, 0, snapshotVM(t, "saved"), "")
	snaps, err := p.Snapshots(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 2 || snaps[0].Name != "before-upgrade" || snaps[1].Name != "after-upgrade" ||
		snaps[0].Meta != `{"provisioned":false}` || snaps[1].Meta != `{"provisioned":true,"steps":["site.yml"]}` ||
		snaps[1].ID != "c4e7a913-5b2d-4f08-8e61-73a9d0b5f2c4" || !snaps[0].Created.Equal(time.Date(2023, 2, 6, 2, 40, 11, 0, time.UTC)) {
		t.Errorf("Snapshots = %+v", snaps)
	}
	f.reset()

	// Saved again under a name it has: the old one goes first; a saved
	// (suspended) VM's snapshot is not live.
	f.on("showvminfo machine1 --machinereadable", 0, 0, snapshotVM(t, "saved"), "")
	f.on("snapshot "+vmUUID+" delete c4e7a913-5b2d-4f08-8e61-73a9d0b5f2c4", 0, 0, "", "")
	f.onPrefix("snapshot "+vmUUID, 0, "Snapshot taken. UUID: 5b0f5b8e-0000-4000-8000-000000000001\n", "0%...100%\n")
	state := `{"provisioned":true,"steps":["a \"quoted\" step"]}`
	if err := p.SaveSnapshot(ctx, "machine1", "after-upgrade", state); err != nil {
		t.Fatal(err)
	}
	calls := f.wantPrefixes("showvminfo machine1 --machinereadable",
		"snapshot "+vmUUID+" delete c4e7a913-5b2d-4f08-8e61-73a9d0b5f2c4",
		"snapshot "+vmUUID+" take after-upgrade --description Made by envrun")
	take := calls[len(calls)-1]
	if strings.HasSuffix(take, "--live") {
		t.Errorf("a saved VM's snapshot taken live: %s", take)
	}
	desc := strings.TrimPrefix(take, "snapshot "+vmUUID+" take after-upgrade --description ")
	if strings.ContainsAny(desc, `"\`) {
		t.Errorf("the description holds a quote or a backslash, which showvminfo prints raw: %q", desc)
	}
	meta := decodeMeta(desc)
	if b, _ := base64.RawURLEncoding.DecodeString(meta[metaState]); string(b) != state || meta[metaProject] != "proj-0123abcd" || meta[metaMachine] != "machine1" {
		t.Errorf("the snapshot's description %q: meta %v", desc, meta)
	}

	// A running VM's snapshot is live.
	f.on("showvminfo machine1 --machinereadable", 0, 0, snapshotVM(t, "running"), "")
	if err := p.SaveSnapshot(ctx, "machine1", "fresh", "{}"); err != nil {
		t.Fatal(err)
	}
	if calls := f.wantPrefixes("showvminfo", "snapshot "+vmUUID+" take fresh"); !strings.HasSuffix(calls[1], " --live") {
		t.Errorf("a running VM's snapshot: %s", calls[1])
	}

	// The name of a snapshot taken by hand: refused, nothing deleted.
	f.on("showvminfo machine1 --machinereadable", 0, 0, snapshotVM(t, "running"), "")
	if err := p.SaveSnapshot(ctx, "machine1", "by hand", "{}"); err == nil || !strings.Contains(err.Error(), "that envrun did not take") {
		t.Errorf("saving over the user's snapshot: %v", err)
	}
	f.wantPrefixes("showvminfo")

	// Restore: the VM powered off (a saved state dropped), the snapshot
	// restored, the VM started; it wakes with the snapshot's state.
	f.on("showvminfo machine1 --machinereadable", 1, 0, snapshotVM(t, "saved"), "")
	f.on("showvminfo machine1 --machinereadable", 2, 0, snapshotVM(t, "poweroff"), "")
	f.on("discardstate "+vmUUID, 0, 0, "", "")
	f.on("getextradata "+vmUUID+" enumerate", 0, 0, ready, "")
	f.on("startvm "+vmUUID+" --type headless", 0, 0, "", "")
	inst, err := p.RestoreSnapshot(ctx, m, "before-upgrade")
	if err != nil {
		t.Fatal(err)
	}
	if inst.SnapshotMeta != `{"provisioned":false}` || !inst.Woke || !inst.Started || inst.ID != vmUUID || inst.HostKey == nil {
		t.Errorf("restored: %+v", inst)
	}
	f.wantPrefixes("showvminfo machine1", "discardstate "+vmUUID,
		"snapshot "+vmUUID+" restore 8f2c41d6-7a3e-4b95-b0c8-2e6d91f4a357",
		"showvminfo machine1", "getextradata "+vmUUID+" enumerate", "startvm "+vmUUID)

	// Delete, and the errors that name what is missing.
	f.on("showvminfo machine1 --machinereadable", 0, 0, snapshotVM(t, "running"), "")
	if err := p.DeleteSnapshot(ctx, "machine1", "before-upgrade"); err != nil {
		t.Fatal(err)
	}
	f.wantPrefixes("showvminfo", "snapshot "+vmUUID+" delete 8f2c41d6-7a3e-4b95-b0c8-2e6d91f4a357")
	for _, snap := range []string{"nope", "by hand"} {
		if err := p.DeleteSnapshot(ctx, "machine1", snap); !errors.Is(err, provider.ErrNoSnapshot) {
			t.Errorf("delete %q: %v, want ErrNoSnapshot", snap, err)
		}
	}
	f.on("showvminfo machine1 --machinereadable", 0, 1, "", "VBoxManage: error: Could not find a registered machine named 'machine1'\nVBoxManage: error: Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001)\n")
	f.on("list vms", 0, 0, "", "")
	if _, err := p.RestoreSnapshot(ctx, m, "fresh"); err == nil || !strings.Contains(err.Error(), "machine1 is not created") {
		t.Errorf("restore of a machine not created: %v", err)
	}
}

func TestFakeSuspend(t *testing.T) {
	f := newFake(t)
	m := vboxMachine()
	p := openFake(t, &spec.Envfile{Machines: []*spec.Machine{m}})
	ctx := context.Background()

	f.on("showvminfo machine1 --machinereadable", 0, 0, envrunVM(t, "running"), "")
	f.on("controlvm "+vmUUID+" savestate", 0, 0, "", "0%...100%\n")
	if err := p.Suspend(ctx, "machine1"); err != nil {
		t.Fatal(err)
	}
	f.want("showvminfo machine1 --machinereadable", "controlvm "+vmUUID+" savestate")

	f.on("list vms", 0, 0, `"machine1" {`+vmUUID+"}\n", "")
	f.on("showvminfo "+vmUUID+" --machinereadable", 0, 0, envrunVM(t, "saved"), "")
	if ms, err := p.Machines(ctx); err != nil || len(ms) != 1 || ms[0].State != provider.Suspended {
		t.Errorf("a saved VM: %+v, %v", ms, err)
	}
	f.reset()

	f.on("showvminfo machine1 --machinereadable", 0, 0, envrunVM(t, "saved"), "")
	f.on("startvm "+vmUUID+" --type headless", 0, 0, "", "")
	if err := p.Resume(ctx, "machine1"); err != nil {
		t.Fatal(err)
	}
	f.want("showvminfo machine1 --machinereadable", "startvm "+vmUUID+" --type headless")

	// Up starts it from the saved state too, and says it woke.
	f.on("getextradata "+vmUUID+" enumerate", 0, 0, ready, "")
	inst, err := p.Up(ctx, m)
	if err != nil || !inst.Woke || !inst.Started {
		t.Errorf("up of a suspended VM: %+v, %v", inst, err)
	}
	f.want("showvminfo machine1 --machinereadable", "getextradata "+vmUUID+" enumerate", "startvm "+vmUUID+" --type headless")

	// Halt drops the saved state: off, as halted.
	f.on("discardstate "+vmUUID, 0, 0, "", "")
	if err := p.Halt(ctx, "machine1"); err != nil {
		t.Fatal(err)
	}
	f.want("showvminfo machine1 --machinereadable", "discardstate "+vmUUID)

	// Paused in VirtualBox's window: resume unpauses.
	f.on("showvminfo machine1 --machinereadable", 0, 0, envrunVM(t, "paused"), "")
	f.on("controlvm "+vmUUID+" resume", 0, 0, "", "")
	if err := p.Resume(ctx, "machine1"); err != nil {
		t.Fatal(err)
	}
	f.want("showvminfo machine1 --machinereadable", "controlvm "+vmUUID+" resume")

	// Halt of a paused VM thaws it first, to shut it down cleanly.
	haltPoll = 10 * time.Millisecond
	f.on("controlvm "+vmUUID+" acpipowerbutton", 0, 0, "", "")
	f.on("showvminfo "+vmUUID+" --machinereadable", 0, 0, envrunVM(t, "poweroff"), "")
	if err := p.Halt(ctx, "machine1"); err != nil {
		t.Fatal(err)
	}
	f.want("showvminfo machine1 --machinereadable", "controlvm "+vmUUID+" resume",
		"controlvm "+vmUUID+" acpipowerbutton", "showvminfo "+vmUUID+" --machinereadable")

	// Its extra data unreadable: an error, not a VM taken for half-made
	// (and made anew).
	f.on("getextradata "+vmUUID+" enumerate", 0, 1, "", "VBoxManage: error: The object is not ready\n")
	if _, err := p.Up(ctx, m); err == nil || !strings.Contains(err.Error(), "read the extra data") {
		t.Errorf("up with the extra data unreadable: %v", err)
	}
	f.want("showvminfo machine1 --machinereadable", "getextradata "+vmUUID+" enumerate")
}

func TestFakeReload(t *testing.T) {
	f := newFake(t)
	haltPoll = 10 * time.Millisecond
	conf := &spec.Network{Name: "conf", Subnet: netip.MustParsePrefix("172.20.1.0/24"), Gateway: netip.MustParseAddr("172.20.1.1")}
	m := vboxMachine()
	m.Networks = []spec.Attachment{{Network: "conf", IP: netip.MustParseAddr("172.20.1.21")}}
	m.Hostname = "web.local"
	p := openFake(t, &spec.Envfile{Networks: []*spec.Network{conf}, Machines: []*spec.Machine{m}})
	ctx := context.Background()
	f.on("list hostonlyifs", 0, 0, strings.ReplaceAll(fixture(t, "list-hostonlyifs-go-virtualbox.txt"), "vboxnet0", "vboxnet3"), "")
	f.on("getextradata global enumerate", 0, 0, "Key: envrun/hostonlyif/vboxnet3, Value: proj-0123abcd/conf\n", "")

	// Its IP and hostname changed (and the description's config is not
	// this Envfile's): halted, set up anew, the guest's old settings
	// recorded, started, reached through the NAT forward until it settles.
	before := envrunVM(t, "running")
	sig := guestSig(m, p.plan(m, mustOptions(t, m), "machine1", "", 0, nil))
	after := strings.Replace(envrunVM(t, "poweroff"), "envrun.ip=172.20.1.20", "envrun.guest="+sig+"\nenvrun.ip=172.20.1.21", 1)
	f.on("showvminfo machine1 --machinereadable", 1, 0, before, "")
	f.on("showvminfo machine1 --machinereadable", 2, 0, after, "")
	f.on("getextradata "+vmUUID+" enumerate", 1, 0, ready, "")
	f.on("getextradata "+vmUUID+" enumerate", 2, 0, ready+`Key: envrun/settle, Value: {"ip":"172.20.1.20"}`+"\n", "")
	f.on("controlvm "+vmUUID+" acpipowerbutton", 0, 0, "", "")
	f.on("showvminfo "+vmUUID+" --machinereadable", 1, 0, envrunVM(t, "poweroff"), "")
	f.on("setextradata "+vmUUID+` envrun/settle {"ip":"172.20.1.20"}`, 0, 0, "", "")
	f.onPrefix("modifyvm "+vmUUID, 0, "", "")
	f.on("sharedfolder remove "+vmUUID+" --name envrun1", 0, 0, "", "")
	f.on("startvm "+vmUUID+" --type headless", 0, 0, "", "")
	inst, err := p.Reload(ctx, m, `{"provisioned":true}`)
	if err != nil {
		t.Fatal(err)
	}
	calls := f.wantPrefixes("showvminfo machine1", "getextradata "+vmUUID+" enumerate",
		"list hostonlyifs", "getextradata global enumerate",
		"controlvm "+vmUUID+" acpipowerbutton", "showvminfo "+vmUUID,
		"setextradata "+vmUUID+` envrun/settle {"ip":"172.20.1.20"}`,
		"modifyvm "+vmUUID+" --natpf1", "sharedfolder remove "+vmUUID+" --name envrun1",
		"modifyvm "+vmUUID+" --description Made by envrun",
		"showvminfo machine1", "getextradata "+vmUUID+" enumerate", "startvm "+vmUUID)
	desc, mod := 9, 7
	if len(calls) <= desc || !strings.Contains(calls[desc], " --description ") {
		t.Fatalf("no description set at call %d", desc)
	}
	if meta := decodeMeta(strings.SplitN(calls[desc], " --description ", 2)[1]); meta[metaIP] != "172.20.1.21" || meta[metaGuest] == "" || meta[metaBox] != "debian/bookworm" || meta[metaSSH] != "127.0.0.1:40022" {
		t.Errorf("the new description: %v", meta)
	}
	if !strings.Contains(calls[mod], "--nic2 hostonly --hostonlyadapter2 vboxnet3") || !strings.Contains(calls[mod], "--natpf1 delete envrun-tcp-8080") {
		t.Errorf("the reload's modifyvm: %s", calls[mod])
	}
	if inst.Addr != "127.0.0.1:40022" || inst.Settle == nil || !inst.Started {
		t.Fatalf("reloaded: %+v", inst)
	}

	// Settling: the guest's script over the connection the engine made,
	// then the mark goes and the machine is reached at its new address.
	f.on("showvminfo "+vmUUID+" --machinereadable", 1, 0, strings.Replace(after, `VMState="poweroff"`, `VMState="running"`, 1), "")
	f.on("setextradata "+vmUUID+" envrun/settle", 0, 0, "", "")
	var script string
	err = inst.Settle(ctx, func(_ context.Context, c comm.Cmd) error {
		b, err := io.ReadAll(c.Stdin)
		script = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.want("showvminfo "+vmUUID+" --machinereadable", "setextradata "+vmUUID+" envrun/settle")
	for _, want := range []string{"hostip=172.20.1.21", "-v old=172.20.1.20", "short=web", "addr=172.20.1.21/24", "mac=08:00:27:ae:1f:98"} {
		if !strings.Contains(script, want) {
			t.Errorf("the guest's script lacks %q:\n%s", want, script)
		}
	}
	if inst.Addr != "172.20.1.21:22" {
		t.Errorf("after settling, reached at %s", inst.Addr)
	}

	// A reload cut off before its guest settled: the next up, on the
	// running VM, reaches it through the NAT forward and settles it.
	f.on("showvminfo machine1 --machinereadable", 1, 0, strings.Replace(after, `VMState="poweroff"`, `VMState="running"`, 1), "")
	f.on("getextradata "+vmUUID+" enumerate", 1, 0, ready+`Key: envrun/settle, Value: {"ip":"172.20.1.20"}`+"\n", "")
	if inst, err := p.Up(ctx, m); err != nil || inst.Settle == nil || inst.Addr != "127.0.0.1:40022" || inst.Started {
		t.Errorf("up after a reload cut off before its guest settled: %+v, %v", inst, err)
	}
	f.want("showvminfo machine1 --machinereadable", "getextradata "+vmUUID+" enumerate")
	// Cut off before the description took the new settings: not done,
	// nothing to settle yet (the next reload finishes it).
	f.on("showvminfo machine1 --machinereadable", 1, 0, before, "")
	if inst, err := p.Up(ctx, m); err != nil || inst.Settle != nil || inst.Addr != "172.20.1.20:22" {
		t.Errorf("up after a reload cut off before its description: %+v, %v", inst, err)
	}
	f.reset()

	// Unchanged settings: halted and started again, nothing set.
	same := strings.Replace(after, "envrun.config=0123456789abcdef", "envrun.config="+configHash(p.plan(m, mustOptions(t, m), "machine1", "", 0, map[string]string{"conf": "vboxnet3"})), 1)
	f.on("showvminfo machine1 --machinereadable", 1, 0, strings.Replace(same, `VMState="poweroff"`, `VMState="running"`, 1), "")
	f.on("showvminfo machine1 --machinereadable", 2, 0, same, "")
	f.on("getextradata "+vmUUID+" enumerate", 0, 0, ready, "")
	f.on("showvminfo "+vmUUID+" --machinereadable", 1, 0, same, "")
	if _, err := p.Reload(ctx, m, "{}"); err != nil {
		t.Fatal(err)
	}
	f.wantPrefixes("showvminfo machine1", "getextradata "+vmUUID+" enumerate", "list hostonlyifs", "getextradata global enumerate",
		"controlvm "+vmUUID+" acpipowerbutton", "showvminfo "+vmUUID,
		"showvminfo machine1", "getextradata "+vmUUID+" enumerate", "startvm "+vmUUID)

	// A changed box: the VM is made anew (here: removed, then the
	// clone's first call fails, which is enough to see the order).
	f.on("showvminfo machine1 --machinereadable", 1, 0, strings.Replace(same, "envrun.ip=", "envrun.box=debian/bullseye\nenvrun.ip=", 1), "")
	f.on("unregistervm "+vmUUID+" --delete", 0, 0, "", "")
	f.on("showvminfo machine1 --machinereadable", 2, 1, "", "VBoxManage: error: Could not find a registered machine named 'machine1'\nVBoxManage: error: Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001)\n")
	f.on("showvminfo machine1 --machinereadable", 3, 1, "", "VBoxManage: error: Could not find a registered machine named 'machine1'\nVBoxManage: error: Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001)\n")
	f.on("list vms", 0, 0, "", "")
	f.on("getextradata global envrun/creating/machine1", 0, 0, fixture(t, "reconstructed-getextradata-novalue.txt"), "")
	if _, err := p.Reload(ctx, m, "{}"); err == nil {
		t.Fatalf("the fake has no box to make the VM anew from: %v", f.calls())
	}
	if calls := f.calls(); len(calls) < 3 || calls[2] != "unregistervm "+vmUUID+" --delete" {
		t.Errorf("a changed box: %v", calls)
	}
}

func mustOptions(t *testing.T, m *spec.Machine) *Options {
	o, err := decodeOptions(m)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// allMachines (status --all): every VM whose description is envrun's,
// whatever its environment, with its Envfile, in `list vms` order; a VM
// of someone else's, and one unregistered between the list and its
// showvminfo, left out. A failing VBoxManage is an error (status --all
// warns and goes on); no VirtualBox at all is no machines and no warning.
func TestFakeAllMachines(t *testing.T) {
	f := newFake(t)
	ctx := context.Background()
	const dbUUID, goneUUID, foreignUUID = "2a7c0e51-3f4b-4d8e-9b61-0c5d7e8f9a10", "3b8d1f62-4a5c-4e9f-8c72-1d6e8f9a0b21", "11111111-2222-3333-4444-555555555555"
	other := strings.NewReplacer(`name="machine1"`, `name="db"`, vmUUID, dbUUID,
		"envrun.envfile=/home/u/proj/Envfile.lua", "envrun.envfile=/home/u/other env/Envfile.lua",
		"envrun.project=proj-0123abcd", "envrun.project=other-89abcdef", "envrun.machine=machine1", "envrun.machine=db",
		"envrun.ip=172.20.1.20", "envrun.ip=172.20.2.30").Replace(envrunVM(t, "saved"))
	f.on("list vms", 0, 0, `"machine1" {`+vmUUID+"}\n"+`"manjaro" {`+foreignUUID+"}\n"+`"gone" {`+goneUUID+"}\n"+`"db" {`+dbUUID+"}\n", "")
	f.on("showvminfo "+vmUUID+" --machinereadable", 0, 0, envrunVM(t, "running"), "")
	f.on("showvminfo "+foreignUUID+" --machinereadable", 0, 0, fixture(t, "showvminfo-7.0-vedv.txt"), "")
	f.on("showvminfo "+goneUUID+" --machinereadable", 0, 1, "", "VBoxManage: error: Could not find a registered machine with UUID {"+goneUUID+"}\nVBoxManage: error: Details: code VBOX_E_OBJECT_NOT_FOUND (0x80bb0001)\n")
	f.on("showvminfo "+dbUUID+" --machinereadable", 0, 0, other, "")
	got, err := allMachines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []provider.EnvMachine{
		{Envfile: "/home/u/proj/Envfile.lua", Project: "proj-0123abcd", Name: "machine1", Provider: "virtualbox",
			State: provider.Running, IP: "172.20.1.20", ID: vmUUID, Details: "running (VM machine1)"},
		{Envfile: "/home/u/other env/Envfile.lua", Project: "other-89abcdef", Name: "db", Provider: "virtualbox",
			State: provider.Suspended, IP: "172.20.2.30", ID: dbUUID, Details: "saved (VM db)"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("allMachines:\n got %+v\nwant %+v", got, want)
	}
	calls := f.calls()
	slices.Sort(calls[1:]) // the showvminfos run in parallel
	if want := []string{"list vms", "showvminfo " + foreignUUID + " --machinereadable", "showvminfo " + vmUUID + " --machinereadable",
		"showvminfo " + dbUUID + " --machinereadable", "showvminfo " + goneUUID + " --machinereadable"}; !slices.Equal(calls, want) {
		t.Errorf("VBoxManage calls:\n  %s\nwant:\n  %s", strings.Join(calls, "\n  "), strings.Join(want, "\n  "))
	}
	f.reset()

	f.on("list vms", 0, 1, "", "VBoxManage: error: Failed to create the VirtualBox object!\n")
	if got, err := allMachines(ctx); err == nil || !strings.Contains(err.Error(), "Failed to create the VirtualBox object") {
		t.Errorf("allMachines with VBoxManage failing: %+v, %v", got, err)
	}

	t.Setenv("ENVRUN_VBOXMANAGE", "")
	t.Setenv("PATH", t.TempDir())
	if _, err := locate(); err != nil {
		cachedVBM.Lock()
		cachedVBM.v = nil
		cachedVBM.Unlock()
		if got, err := allMachines(ctx); got != nil || err != nil {
			t.Errorf("allMachines without VirtualBox: %+v, %v; want nothing", got, err)
		}
	}
}
