package virtualbox

// Snapshots, suspend and resume, reload: the lifecycle commands that keep
// a machine's disks.
//
// Snapshots are VirtualBox's own (`snapshot take`, `--live` for a running
// VM, as Vagrant takes them): a running VM's holds its memory too, so a
// restore puts it back running where it was; a stopped VM's holds its
// disks. Both hold the VM's settings as they were, which a restore brings
// back, as libvirt's snapshots do. The snapshot's description carries the
// environment (project, machine), when it was taken and the engine's
// provisioning state. Suspend is a saved state (`controlvm savestate`,
// Vagrant's suspend); halt of a suspended VM drops it.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/pause"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provider/guest"
	"github.com/envrun/envrun/engine/spec"
)

// Metadata keys of a snapshot's description.
const (
	metaCreated = "created" // RFC 3339, UTC
	metaState   = "state"   // the engine's provisioning state, base64url
)

// snapshotDescription is the description of a snapshot of machine name.
// showvminfo prints a snapshot's description unescaped, so what could
// hold a quote or a backslash (the engine's JSON) is base64.
func (p *Provider) snapshotDescription(name string, created time.Time, state string) string {
	return encodeMeta(map[string]string{
		metaProject: p.env.Project, metaMachine: name,
		metaCreated: created.UTC().Format(time.RFC3339),
		metaState:   base64.RawURLEncoding.EncodeToString([]byte(state)),
	})
}

// ourSnapshot is a snapshot envrun took of one of the environment's VMs.
type ourSnapshot struct {
	VMSnapshot
	created time.Time
	state   string
}

// snapshotsOf returns the snapshots of vm that envrun took for machine
// name of this environment, in showvminfo's order (a snapshot made in
// VirtualBox's window is the user's: not listed, never replaced).
func (p *Provider) snapshotsOf(vm *ourVM, name string) []ourSnapshot {
	var out []ourSnapshot
	for _, s := range vm.info.Snapshots {
		meta := decodeMeta(s.Description)
		if meta == nil || meta[metaProject] != p.env.Project || meta[metaMachine] != name {
			continue
		}
		our := ourSnapshot{VMSnapshot: s}
		our.created, _ = time.Parse(time.RFC3339, meta[metaCreated])
		if b, err := base64.RawURLEncoding.DecodeString(meta[metaState]); err == nil {
			our.state = string(b)
		}
		out = append(out, our)
	}
	return out
}

// created finds machine name's VM, which must exist.
func (p *Provider) created(ctx context.Context, name string) (*ourVM, error) {
	vm, err := p.lookup(ctx, name)
	if err != nil {
		return nil, err
	}
	if vm == nil {
		return nil, fmt.Errorf("%s is not created", name)
	}
	return vm, nil
}

// snapshot finds snapshot snap of machine name.
func (p *Provider) snapshot(ctx context.Context, name, snap string) (*ourVM, ourSnapshot, error) {
	vm, err := p.created(ctx, name)
	if err != nil {
		return nil, ourSnapshot{}, err
	}
	for _, s := range p.snapshotsOf(vm, name) {
		if s.Name == snap {
			return vm, s, nil
		}
	}
	return nil, ourSnapshot{}, fmt.Errorf("%s has no snapshot %q: %w", name, snap, provider.ErrNoSnapshot)
}

// SaveSnapshot takes a snapshot of machine name's VM; one of envrun's of
// that name is replaced.
func (p *Provider) SaveSnapshot(ctx context.Context, name, snap, meta string) error {
	vm, err := p.created(ctx, name)
	if err != nil {
		return err
	}
	ours := p.snapshotsOf(vm, name)
	for _, s := range vm.info.Snapshots {
		if s.Name == snap && !slices.ContainsFunc(ours, func(o ourSnapshot) bool { return o.UUID == s.UUID }) {
			return fmt.Errorf("VM %s has a snapshot named %s that envrun did not take: envrun leaves it alone; choose another name", vm.info.Name, snap)
		}
	}
	for _, s := range ours {
		if s.Name == snap {
			if _, err := p.v.run(ctx, name, "snapshot", vm.info.UUID, "delete", s.UUID); err != nil {
				return fmt.Errorf("replace snapshot %s of %s: %w", snap, name, err)
			}
		}
	}
	desc := p.snapshotDescription(name, time.Now(), meta)
	if _, err := p.v.run(ctx, name, snapshotTakeCommand(vm.info.UUID, snap, desc, vm.info.State == "running")...); err != nil {
		return fmt.Errorf("snapshot %s of VM %s: %w", snap, vm.info.Name, err)
	}
	return nil
}

// RestoreSnapshot powers machine m's VM off, restores snapshot snap and
// starts the VM: from the snapshot's memory when it was taken running.
func (p *Provider) RestoreSnapshot(ctx context.Context, m *spec.Machine, snap string) (*provider.Instance, error) {
	vm, s, err := p.snapshot(ctx, m.Name, snap)
	if err != nil {
		return nil, err
	}
	if err := p.powerOff(ctx, m.Name, vm.info); err != nil {
		return nil, err
	}
	if _, err := p.v.run(ctx, m.Name, "snapshot", vm.info.UUID, "restore", s.UUID); err != nil {
		return nil, fmt.Errorf("restore VM %s to snapshot %s: %w", vm.info.Name, snap, err)
	}
	if err := pause.At(ctx, "snapshot-reverted:"+m.Name); err != nil {
		return nil, err
	}
	inst, err := p.Up(ctx, m)
	if err != nil {
		return nil, err
	}
	inst.SnapshotMeta = s.state
	inst.Started, inst.Woke = true, true
	return inst, nil
}

// powerOff stops a VM at once, dropping a saved state: what a restore or
// a reload replaces needs no clean shutdown.
func (p *Provider) powerOff(ctx context.Context, scope string, vi *VMInfo) error {
	var err error
	switch vi.State {
	case "running", "paused", "stuck", "gurumeditation":
		_, err = p.v.run(ctx, scope, "controlvm", vi.UUID, "poweroff")
	case "saved", "aborted-saved":
		_, err = p.v.run(ctx, scope, "discardstate", vi.UUID)
	}
	return err
}

// Snapshots lists envrun's snapshots of the environment's VMs (machine ""
// means all), oldest first.
func (p *Provider) Snapshots(ctx context.Context, machine string) ([]provider.SnapshotInfo, error) {
	var vms []*ourVM
	if machine != "" {
		vm, err := p.lookup(ctx, machine)
		if err != nil || vm == nil {
			return nil, err
		}
		vms = []*ourVM{vm}
	} else {
		var err error
		if vms, err = p.ourVMs(ctx); err != nil {
			return nil, err
		}
	}
	var out []provider.SnapshotInfo
	for _, vm := range vms {
		name := vm.meta[metaMachine]
		for _, s := range p.snapshotsOf(vm, name) {
			out = append(out, provider.SnapshotInfo{Machine: name, Name: s.Name, ID: s.UUID, Created: s.created, Meta: s.state})
		}
	}
	provider.SortSnapshots(out)
	return out, nil
}

// DeleteSnapshot deletes snapshot snap of machine name (its disk changes
// merge into the snapshot after it, or the VM's current state).
func (p *Provider) DeleteSnapshot(ctx context.Context, name, snap string) error {
	vm, s, err := p.snapshot(ctx, name, snap)
	if err != nil {
		return err
	}
	if _, err := p.v.run(ctx, name, "snapshot", vm.info.UUID, "delete", s.UUID); err != nil {
		return fmt.Errorf("delete snapshot %s of %s: %w", snap, name, err)
	}
	return nil
}

// Suspend saves machine name's memory to disk and stops the VM (a saved
// state); the next start carries on from there.
func (p *Provider) Suspend(ctx context.Context, name string) error {
	vm, err := p.created(ctx, name)
	if err != nil {
		return err
	}
	if _, err := p.v.run(ctx, name, "controlvm", vm.info.UUID, "savestate"); err != nil {
		return fmt.Errorf("save the state of VM %s: %w", vm.info.Name, err)
	}
	return nil
}

// Resume starts a suspended VM from its saved state (or unpauses one
// paused in VirtualBox's window). The engine then waits for its SSH.
func (p *Provider) Resume(ctx context.Context, name string) error {
	vm, err := p.created(ctx, name)
	if err != nil {
		return err
	}
	if vm.info.State == "paused" {
		_, err = p.v.run(ctx, name, "controlvm", vm.info.UUID, "resume")
	} else {
		_, err = p.v.run(ctx, name, startCommand(vm.info.UUID, p.optionsOf(name).GUI)...)
	}
	if err != nil {
		return fmt.Errorf("resume VM %s: %w", vm.info.Name, err)
	}
	return nil
}

// settleKey is the VM extra data that says a reload changed what the
// guest was set up with (hostname, addresses, shared folders), and how it
// was set up before (settleState): the guest is brought to the Envfile's
// settings once the VM is up (settle), and then the key goes. Extra data,
// not the description: VirtualBox changes a running VM's extra data only.
const settleKey = "envrun/settle"

// settleState is what a guest was set up with before a reload.
type settleState struct {
	IP     string        `json:"ip,omitempty"`
	Mounts []guest.Mount `json:"mounts,omitempty"`
}

// guestSig sums what the guest itself is set up with: hostname, addresses
// per NIC, shared folders.
func guestSig(m *spec.Machine, mp *machinePlan) string {
	type nic struct {
		Slot int
		IP   string
	}
	sig := struct {
		Hostname, Short string
		NICs            []nic
		Shared          []sharedPlan
	}{Hostname: m.Hostname, Short: m.ShortHostname(), Shared: mp.Shared}
	for i, a := range m.Networks {
		sig.NICs = append(sig.NICs, nic{i + 2, a.IP.String()})
	}
	return hashJSON(sig)
}

// Reload applies m's settings to its VM: unchanged, the VM restarts;
// changed, it is powered off (after the ACPI button), set up anew with
// its disks and snapshots kept, and started, and the guest takes what
// changed of its hostname, addresses and shared folders once up. A
// changed box makes it anew.
func (p *Provider) Reload(ctx context.Context, m *spec.Machine, meta string) (*provider.Instance, error) {
	o, err := decodeOptions(m)
	if err != nil {
		return nil, err
	}
	vmName := p.vmName(m)
	vm, err := p.findVM(ctx, m.Name, vmName)
	if err != nil {
		return nil, err
	}
	if vm == nil {
		return p.Up(ctx, m)
	}
	extra, err := p.extra(ctx, m.Name, vm.info.UUID)
	if err != nil {
		return nil, err
	}
	if _, ready := extra[readyKey]; !ready {
		return p.Up(ctx, m) // half-made: Up makes it anew
	}
	if box := vm.meta[metaBox]; box != "" && box != m.Box {
		p.env.UI.Infof(m.Name, "its box changed (%s, was %s): making the VM anew", m.Box, box)
		if err := p.remove(ctx, m.Name, vm.info); err != nil {
			return nil, err
		}
		return p.Up(ctx, m)
	}
	nets, err := p.machineNets(ctx, m)
	if err != nil {
		return nil, err
	}
	mp := p.plan(m, o, vmName, "", 0, nets)
	config, sig := configHash(mp), guestSig(m, mp)
	// A suspended VM's saved state goes too: it does not fit new settings.
	if err := p.halt(ctx, m.Name, vm.info, time.Duration(o.HaltTimeout)*time.Second); err != nil {
		return nil, err
	}
	if config == vm.meta[metaConfig] && sig == vm.meta[metaGuest] {
		p.env.UI.Infof(m.Name, "settings unchanged: restarting VM %s", vm.info.Name)
		return p.Up(ctx, m)
	}
	p.env.UI.Infof(m.Name, "settings changed: setting VM %s up anew, its disks kept", vm.info.Name)
	if _, pending := extra[settleKey]; !pending && sig != vm.meta[metaGuest] {
		if err := p.markSettle(ctx, m, vm); err != nil {
			return nil, err
		}
	}
	nm := maps.Clone(vm.meta)
	nm[metaConfig], nm[metaGuest], nm[metaBox], nm[metaMounts] = config, sig, m.Box, mountsMeta(mp.Shared)
	delete(nm, metaIP)
	if ip := m.IP(); ip.IsValid() {
		nm[metaIP] = ip.String()
	}
	mp.Description = encodeMeta(nm)
	cmds, kept := mp.reloadCommands(vm.info)
	for _, c := range cmds {
		if path, ok := newMedium(c); ok {
			if _, err := os.Stat(path); err == nil {
				continue // made by a reload cut off before attaching it
			}
		}
		if _, err := p.v.run(ctx, m.Name, c...); err != nil {
			return nil, fmt.Errorf("set VM %s up anew: %w", vm.info.Name, err)
		}
	}
	if kept > 0 {
		p.env.UI.Warnf(m.Name, "keeps %d extra disk(s) the Envfile no longer names, with their data: envrun deletes a disk only with the machine (`envrun destroy %s`)", kept, m.Name)
	}
	if err := pause.At(ctx, "vm-redefined:"+m.Name); err != nil {
		return nil, err
	}
	inst, err := p.Up(ctx, m)
	if err != nil {
		return nil, err
	}
	inst.Started = true
	return inst, nil
}

// newMedium returns the file a createmedium command makes.
func newMedium(c []string) (string, bool) {
	if len(c) < 2 || c[0] != "createmedium" {
		return "", false
	}
	i := slices.Index(c, "--filename")
	if i < 0 || i+1 >= len(c) {
		return "", false
	}
	return c[i+1], true
}

// markSettle records, before a reload changes the VM, how its guest is
// set up now. (A mark left by a reload cut off before its guest settled
// stays: the guest is still as it says.)
func (p *Provider) markSettle(ctx context.Context, m *spec.Machine, vm *ourVM) error {
	st := settleState{IP: vm.meta[metaIP], Mounts: parseMounts(vm.meta[metaMounts])}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	_, err = p.v.run(ctx, m.Name, "setextradata", vm.info.UUID, settleKey, string(b))
	return err
}

// settle is the Instance.Settle of a VM whose reload changed its guest's
// settings: the guest is set up to the Envfile's (Reconfigure) over the
// connection through the NAT forward, where it answers whatever its
// addresses, and then the machine is reached at its static address.
func (p *Provider) settle(m *spec.Machine, uuid string, st settleState, inst *provider.Instance) func(context.Context, func(context.Context, comm.Cmd) error) error {
	return func(ctx context.Context, run func(context.Context, comm.Cmd) error) error {
		vi, err := p.v.showVMInfo(ctx, m.Name, uuid)
		if err != nil {
			return err
		}
		g, err := newGuestSetup(p.env.Envfile, p.env.Key, m, vi, "", sharedPlans(m))
		if err != nil {
			return err
		}
		if st.IP != g.HostIP {
			g.OldHostIP = st.IP
		}
		script := g.Reconfigure(st.Mounts)
		if err := run(ctx, comm.Cmd{Command: guest.AsRoot, Label: "the guest's new settings", Stdin: strings.NewReader(script)}); err != nil {
			return fmt.Errorf("set the guest of %s to its new settings: %w", m.Name, err)
		}
		if _, err := p.v.run(ctx, m.Name, "setextradata", uuid, settleKey); err != nil {
			return err
		}
		inst.Addr = addrOf(decodeMeta(vi.Description))
		return nil
	}
}

// mountsMeta records, in a VM's description, where its guest mounts its
// shared folders: what a reload's guest unmounts when they change.
func mountsMeta(shared []sharedPlan) string {
	if len(shared) == 0 {
		return ""
	}
	ms := make([]guest.Mount, len(shared))
	for i, sf := range shared {
		ms[i] = guest.Mount{Name: sf.Name, Guest: sf.Guest}
	}
	b, _ := json.Marshal(ms)
	return string(b)
}

// parseMounts reads mountsMeta; a VM made before envrun recorded them has
// none (their /etc/fstab lines then stay, harmless: nofail).
func parseMounts(s string) []guest.Mount {
	var ms []guest.Mount
	if s != "" {
		json.Unmarshal([]byte(s), &ms)
	}
	return ms
}

var _ interface {
	provider.Snapshotter
	provider.Reloader
	provider.Suspender
} = (*Provider)(nil)
