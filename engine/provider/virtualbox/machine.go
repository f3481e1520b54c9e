package virtualbox

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/sync/errgroup"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/pause"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
)

func (v *vbm) listVMs(ctx context.Context) ([]ListedVM, error) {
	out, err := v.run(ctx, "", "list", "vms")
	if err != nil {
		return nil, err
	}
	return ParseVMList(out)
}

func (v *vbm) showVMInfo(ctx context.Context, scope, vm string) (*VMInfo, error) {
	out, err := v.run(ctx, scope, "showvminfo", vm, "--machinereadable")
	if err != nil {
		return nil, err
	}
	return ParseVMInfo(out)
}

// readyKey is the VM extra data set once the guest is configured, to the
// host key the guest made and reported on its serial port: a VM without it
// was left half-made by an interrupted `up`.
const readyKey = "envrun/ready"

// ourVM is a VM of this environment, with its metadata.
type ourVM struct {
	info *VMInfo
	meta map[string]string
}

// findVM finds machine name's VM: by its expected VM name first (one
// call), else among all VMs (a machine the Envfile no longer names, or
// whose virtualbox.name changed). nil when there is none.
func (p *Provider) findVM(ctx context.Context, name, vmName string) (*ourVM, error) {
	if vmName != "" {
		vi, err := p.v.showVMInfo(ctx, name, vmName)
		switch {
		case err == nil:
			meta := decodeMeta(vi.Description)
			if meta != nil && meta[metaProject] == p.env.Project && meta[metaMachine] == name {
				return &ourVM{vi, meta}, nil
			}
		case !isNotFound(err):
			return nil, err
		}
	}
	all, err := p.ourVMs(ctx)
	if err != nil {
		return nil, err
	}
	for _, vm := range all {
		if vm.meta[metaMachine] == name {
			return vm, nil
		}
	}
	return nil, nil
}

// ourVMs lists this environment's VMs: every VM's showvminfo, read in
// parallel, kept when its description names this project.
func (p *Provider) ourVMs(ctx context.Context) ([]*ourVM, error) {
	return envrunVMs(ctx, p.v, p.env.Project)
}

// envrunVMs lists the VMs whose description names project as theirs (any
// envrun environment's when project is "").
func envrunVMs(ctx context.Context, v *vbm, project string) ([]*ourVM, error) {
	vms, err := v.listVMs(ctx)
	if err != nil {
		return nil, err
	}
	found := make([]*ourVM, len(vms))
	var g errgroup.Group
	g.SetLimit(4)
	for i, vm := range vms {
		g.Go(func() error {
			vi, err := v.showVMInfo(ctx, "", vm.UUID)
			if err != nil {
				if isNotFound(err) { // unregistered meanwhile
					return nil
				}
				return err
			}
			meta := decodeMeta(vi.Description)
			if meta != nil && meta[metaProject] != "" && (project == "" || meta[metaProject] == project) && meta[metaMachine] != "" {
				found[i] = &ourVM{vi, meta}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	var out []*ourVM
	for _, f := range found {
		if f != nil {
			out = append(out, f)
		}
	}
	return out, nil
}

// allMachines lists the VMs of every envrun environment.
func allMachines(ctx context.Context) ([]provider.EnvMachine, error) {
	v, err := openVBM(ctx, ui.Discard())
	if errors.Is(err, ErrNotInstalled) {
		return nil, nil // no VirtualBox, no VMs: nothing to warn about
	}
	if err != nil {
		return nil, err
	}
	vms, err := envrunVMs(ctx, v, "")
	if err != nil {
		return nil, err
	}
	out := make([]provider.EnvMachine, 0, len(vms))
	for _, vm := range vms {
		out = append(out, provider.EnvMachine{
			Envfile: vm.meta[metaEnvfile], Project: vm.meta[metaProject], Name: vm.meta[metaMachine],
			Provider: "virtualbox", State: stateOf(vm.info.State), IP: vm.meta[metaIP], ID: vm.info.UUID,
			Details: vm.info.State + " (VM " + vm.info.Name + ")",
		})
	}
	return out, nil
}

// stateOf maps VirtualBox's VMState to envrun's.
func stateOf(vmState string) provider.State {
	switch vmState {
	case "running":
		return provider.Running
	case "saved", "paused":
		return provider.Suspended
	case "poweroff", "aborted", "aborted-saved", "teleported":
		return provider.Stopped
	}
	return provider.Other
}

// Machines lists the environment's VMs.
func (p *Provider) Machines(ctx context.Context) ([]provider.MachineState, error) {
	vms, err := p.ourVMs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]provider.MachineState, 0, len(vms))
	for _, vm := range vms {
		ms := provider.MachineState{
			Name: vm.meta[metaMachine], ID: vm.info.UUID, State: stateOf(vm.info.State),
			IP: vm.meta[metaIP], User: vm.meta[metaUser], Details: vm.info.State + " (VM " + vm.info.Name + ")",
		}
		ms.Addr = addrOf(vm.meta)
		out = append(out, ms)
	}
	return out, nil
}

// addrOf is the SSH address of a VM: its static IP, else the NAT forward.
func addrOf(meta map[string]string) string {
	if ip := meta[metaIP]; ip != "" {
		return net.JoinHostPort(ip, "22")
	}
	return meta[metaSSH]
}

// instance describes an existing VM as an Instance.
func (p *Provider) instance(m *spec.Machine, vm *ourVM, hostKey ssh.PublicKey) *provider.Instance {
	return &provider.Instance{ID: vm.info.UUID, User: m.User, Addr: addrOf(vm.meta), HostKey: hostKey, SSHTimeout: 5 * time.Minute}
}

// Up creates, or starts, machine m's VM.
func (p *Provider) Up(ctx context.Context, m *spec.Machine) (*provider.Instance, error) {
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
		// Nothing of ours: a VM of that name in the way is an error,
		// unless it is this machine's clone that a run cut off left before
		// its description said whose it is.
		if vi, err := p.v.showVMInfo(ctx, m.Name, vmName); err == nil {
			if !p.creating(ctx, m, vmName) {
				return nil, fmt.Errorf("a VirtualBox VM named %s exists and is not this environment's machine %s: "+
					"rename or remove it, or set virtualbox.name", vmName, m.Name)
			}
			p.env.UI.Warnf(m.Name, "VM %s was left half-made by an interrupted run: making it anew", vmName)
			if err := p.remove(ctx, m.Name, vi); err != nil {
				return nil, err
			}
		} else if !isNotFound(err) {
			return nil, err
		}
		return p.create(ctx, m, o, vmName)
	}
	extra, err := p.extra(ctx, m.Name, vm.info.UUID)
	if err != nil {
		return nil, err
	}
	hostKey, ok := hostKeyOf(extra)
	if !ok {
		p.env.UI.Warnf(m.Name, "VM %s was left half-made by an interrupted run: making it anew", vm.info.Name)
		if err := p.remove(ctx, m.Name, vm.info); err != nil {
			return nil, err
		}
		return p.create(ctx, m, o, vmName)
	}
	inst := p.instance(m, vm, hostKey)
	mp := p.plan(m, o, vmName, "", 0, nil)
	sig := guestSig(m, mp)
	if vm.meta[metaConfig] != configHash(mp) || vm.meta[metaGuest] != "" && vm.meta[metaGuest] != sig {
		p.env.UI.Warnf(m.Name, "its settings in the Envfile changed since the VM was made; "+
			"`envrun reload %s` applies them, keeping its disks", m.Name)
	}
	if v, pending := extra[settleKey]; pending && vm.meta[metaGuest] == sig {
		// A reload changed what the guest was set up with: until it
		// settles, the machine is reached through its NAT forward, which
		// answers whatever the guest's addresses are. (A reload cut off
		// before the VM's description took the new settings is not done:
		// the next reload finishes it, and the guest settles then.)
		var st settleState
		if err := json.Unmarshal([]byte(v), &st); err != nil {
			p.env.UI.Warnf(m.Name, "the record of its guest's settings before a reload is unreadable (%v): its old addresses and folders may stay", err)
		}
		inst.Addr = vm.meta[metaSSH]
		inst.Settle = p.settle(m, vm.info.UUID, st, inst)
	}
	if vm.meta[metaKey] != ssh.FingerprintSHA256(p.env.Key.Signer.PublicKey()) {
		p.env.UI.Warnf(m.Name, "the environment key changed since the VM was made (.envrun/ was lost?): "+
			"envrun cannot log in any more; `envrun destroy %s` and `envrun up` make it anew", m.Name)
	}
	switch vm.info.State {
	case "running":
		return inst, nil
	case "paused":
		p.env.UI.Infof(m.Name, "resuming VM %s", vm.info.Name)
		if _, err := p.v.run(ctx, m.Name, "controlvm", vm.info.UUID, "resume"); err != nil {
			return nil, err
		}
	case "saved":
		// Suspended (or a running snapshot restored): it wakes with the
		// clock it had.
		p.env.UI.Infof(m.Name, "starting VM %s from its saved state", vm.info.Name)
		if _, err := p.v.run(ctx, m.Name, startCommand(vm.info.UUID, o.GUI)...); err != nil {
			return nil, fmt.Errorf("start VM %s: %w", vm.info.Name, err)
		}
		inst.Woke = true
	default:
		p.env.UI.Infof(m.Name, "starting VM %s (was %s)", vm.info.Name, vm.info.State)
		if _, err := p.v.run(ctx, m.Name, startCommand(vm.info.UUID, o.GUI)...); err != nil {
			return nil, fmt.Errorf("start VM %s: %w", vm.info.Name, err)
		}
	}
	inst.Started = true
	return inst, nil
}

// creating reports whether VM vmName is being made, or was left half-made,
// for machine m of this environment (creatingKey says so).
func (p *Provider) creating(ctx context.Context, m *spec.Machine, vmName string) bool {
	out, err := p.v.run(ctx, m.Name, "getextradata", "global", creatingKey(vmName))
	if err != nil {
		return false
	}
	v, ok := ParseExtraDataValue(out)
	return ok && v == p.env.Project+"/"+m.Name
}

// extra reads a VM's extra data, in one call. A failure is an error, not
// "no extra data": that would make a ready VM look half-made.
func (p *Provider) extra(ctx context.Context, scope, uuid string) (map[string]string, error) {
	out, err := p.v.run(ctx, scope, "getextradata", uuid, "enumerate")
	if err != nil {
		return nil, fmt.Errorf("read the extra data of VM %s: %w", uuid, err)
	}
	return ParseExtraData(out), nil
}

// hostKeyOf returns the host key of a VM whose guest was configured,
// from its extra data; ok is false for a VM left half-made.
func hostKeyOf(extra map[string]string) (hostKey ssh.PublicKey, ok bool) {
	v, ok := extra[readyKey]
	if !ok {
		return nil, false
	}
	key, err := comm.ParsePublicKey(v)
	if err != nil {
		return nil, false
	}
	return key, true
}

// serialLog is where VM vmName's first serial port is logged: a folder of
// the user's beside the boxes (0700), so that only the VM writes it.
func (p *Provider) serialLog(vmName string) (string, error) {
	dir := filepath.Join(p.box.dir, ".serial")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", err
	}
	return filepath.Join(dir, vmName+".log"), nil
}

// plan is the machine's VM as the Envfile describes it. nets maps an
// Envfile network to its host-only interface (or network).
func (p *Provider) plan(m *spec.Machine, o *Options, vmName, base string, sshPort int, nets map[string]string) *machinePlan {
	mp := &machinePlan{
		VM: vmName, Base: base, Linked: o.LinkedClone, Group: "/envrun",
		CPUs: m.CPUs, Memory: m.Memory, SSHPort: sshPort, NICType: o.NICType, Ports: m.Ports,
		Modifyvm: o.Modifyvm, Disks: o.Disks, DiskDir: filepath.Join(p.box.dir, ".disks"),
	}
	for i, a := range m.Networks {
		mp.NICs = append(mp.NICs, nicPlan{Slot: i + 2, HostOnly: nets[a.Network], Net: p.v.hostOnlyNets})
	}
	mp.Shared = sharedPlans(m)
	return mp
}

// sharedPlans are machine m's synced folders as shared folders.
func sharedPlans(m *spec.Machine) []sharedPlan {
	var out []sharedPlan
	for i, sf := range m.MountedFolders() {
		out = append(out, sharedPlan{Name: sharedName(i), Host: sf.Host, Guest: sf.Guest, Owner: sf.Owner, Group: sf.Group})
	}
	return out
}

// machineNets maps each network of m to its host-only interface (or
// network), which must exist: networks are made before machines.
func (p *Provider) machineNets(ctx context.Context, m *spec.Machine) (map[string]string, error) {
	nets := map[string]string{}
	for _, a := range m.Networks {
		ifname, err := p.networkIf(ctx, a.Network)
		if err != nil {
			return nil, err
		}
		if ifname == "" {
			return nil, fmt.Errorf("network %q does not exist in VirtualBox: it is made before the machines (run `envrun up`)", a.Network)
		}
		nets[a.Network] = ifname
	}
	return nets, nil
}

// configHash hashes what the Envfile decides of a VM (not the host port,
// interface names or keys picked when it was made).
func configHash(mp *machinePlan) string {
	c := *mp
	c.Base, c.SSHPort, c.Description, c.SerialLog = "", 0, "", ""
	c.NICs = nil
	for _, n := range mp.NICs {
		c.NICs = append(c.NICs, nicPlan{Slot: n.Slot, Net: n.Net})
	}
	return hashJSON(c)
}

// hashJSON is a short hash of v as JSON.
func hashJSON(v any) string {
	b, _ := json.Marshal(v)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])[:16]
}

func (p *Provider) create(ctx context.Context, m *spec.Machine, o *Options, vmName string) (inst *provider.Instance, err error) {
	if err := p.box.fetchMissing(ctx, m); err != nil {
		return nil, err
	}
	base, err := p.box.ensureBase(ctx, m.Name, m.Box)
	if err != nil {
		return nil, err
	}
	nets, err := p.machineNets(ctx, m)
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	mp := p.plan(m, o, vmName, base, port, nets)
	if mp.SerialLog, err = p.serialLog(vmName); err != nil {
		return nil, err
	}
	meta := map[string]string{
		metaProject: p.env.Project, metaMachine: m.Name, metaEnvfile: p.env.Envfile.Path, metaUser: m.User,
		metaSSH: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		metaKey: ssh.FingerprintSHA256(p.env.Key.Signer.PublicKey()), metaConfig: configHash(mp),
		metaGuest: guestSig(m, mp), metaBox: m.Box, metaMounts: mountsMeta(mp.Shared),
	}
	if ip := m.IP(); ip.IsValid() {
		meta[metaIP] = ip.String()
	}
	mp.Description = encodeMeta(meta)

	p.env.UI.Infof(m.Name, "creating VM %s from box %s", vmName, m.Box)
	// The clone is this machine's before its description can say so: the
	// global creatingKey says it until then, so that the next up knows a
	// clone a killed run left.
	if _, err := p.v.run(ctx, m.Name, "setextradata", "global", creatingKey(vmName), p.env.Project+"/"+m.Name); err != nil {
		return nil, err
	}
	// From here on, a failure (or Ctrl-C) removes the VM again: a clone
	// cut off may have registered it.
	defer func() {
		if err != nil {
			cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if vi, ierr := p.v.showVMInfo(cleanup, m.Name, vmName); ierr == nil {
				if rerr := p.remove(cleanup, m.Name, vi); rerr != nil {
					p.env.UI.Warnf(m.Name, "could not remove the half-made VM %s: %v", vmName, rerr)
					return
				}
			}
			p.v.run(cleanup, m.Name, "setextradata", "global", creatingKey(vmName))
		}
	}()
	if len(mp.Disks) > 0 {
		if err := os.MkdirAll(mp.DiskDir, 0o700); err != nil {
			return nil, err
		}
	}
	cmds := mp.createCommands()
	if _, err := p.v.run(ctx, m.Name, cmds[0]...); err != nil {
		return nil, fmt.Errorf("clone box %s as %s: %w", m.Box, vmName, err)
	}
	for _, c := range cmds[1:] {
		if _, err := p.v.run(ctx, m.Name, c...); err != nil {
			return nil, fmt.Errorf("set up VM %s: %w", vmName, err)
		}
	}
	// Its description says whose it is now.
	if _, err := p.v.run(ctx, m.Name, "setextradata", "global", creatingKey(vmName)); err != nil {
		return nil, err
	}
	if err := pause.At(ctx, "vm-created:"+m.Name); err != nil {
		return nil, err
	}
	if _, err := p.v.run(ctx, m.Name, startCommand(vmName, o.GUI)...); err != nil {
		return nil, fmt.Errorf("start VM %s: %w", vmName, err)
	}
	if err := pause.At(ctx, "first-contact:"+m.Name); err != nil {
		return nil, err
	}
	vi, err := p.v.showVMInfo(ctx, m.Name, vmName)
	if err != nil {
		return nil, err
	}
	g, err := newGuestSetup(p.env.Envfile, p.env.Key, m, vi, hex.EncodeToString(nonce), mp.Shared)
	if err != nil {
		return nil, err
	}
	g.BoxUser = o.boxUser()
	if err := p.firstContact(ctx, m.Name, meta[metaSSH], o, g); err != nil {
		return nil, err
	}
	hostPub, err := readHostKey(ctx, mp.SerialLog, g.HostKey, 30*time.Second)
	if err != nil {
		return nil, err
	}
	// The host key, as the guest reported it through the hypervisor, is
	// the ready mark: the engine pins it, and every connection from now
	// on (through the NAT port too) must show it.
	if _, err := p.v.run(ctx, m.Name, "setextradata", vi.UUID, readyKey, comm.FormatPublicKey(hostPub)); err != nil {
		return nil, err
	}
	inst = &provider.Instance{
		ID: vi.UUID, Created: true, Started: true, User: m.User, HostKey: hostPub,
		Addr: addrOf(meta), SSHTimeout: 5 * time.Minute,
	}
	return inst, nil
}

// Halt presses the ACPI power button, waits up to the machine's
// halt_timeout for the guest to power off, then powers it off.
func (p *Provider) Halt(ctx context.Context, name string) error {
	vm, err := p.lookup(ctx, name)
	if err != nil || vm == nil {
		return err
	}
	return p.halt(ctx, name, vm.info, time.Duration(p.optionsOf(name).HaltTimeout)*time.Second)
}

// optionsOf is machine name's virtualbox table; the defaults for a
// machine the Envfile no longer names.
func (p *Provider) optionsOf(name string) *Options {
	if m := p.env.Envfile.Machine(name); m != nil {
		if o, err := decodeOptions(m); err == nil {
			return o
		}
	}
	return newOptions()
}

// lookup finds machine name's VM, by the name the Envfile gives it first;
// nil when there is none.
func (p *Provider) lookup(ctx context.Context, name string) (*ourVM, error) {
	vmName := ""
	if m := p.env.Envfile.Machine(name); m != nil {
		vmName = p.vmName(m)
	}
	return p.findVM(ctx, name, vmName)
}

// haltPoll is how often halt looks whether the guest powered off.
var haltPoll = 500 * time.Millisecond

func (p *Provider) halt(ctx context.Context, scope string, vi *VMInfo, timeout time.Duration) error {
	switch vi.State {
	case "running":
	case "paused":
		// Thawed first, to shut down cleanly.
		if _, err := p.v.run(ctx, scope, "controlvm", vi.UUID, "resume"); err != nil {
			return err
		}
	case "stuck", "gurumeditation":
		_, err := p.v.run(ctx, scope, "controlvm", vi.UUID, "poweroff")
		return err
	case "saved", "aborted-saved":
		// Suspended: halted means off, the saved memory dropped (as
		// Vagrant's halt does).
		_, err := p.v.run(ctx, scope, "discardstate", vi.UUID)
		return err
	default:
		return nil // powered off, aborted: stopped already
	}
	if _, err := p.v.run(ctx, scope, "controlvm", vi.UUID, "acpipowerbutton"); err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-time.After(haltPoll):
		}
		cur, err := p.v.showVMInfo(ctx, scope, vi.UUID)
		if err != nil {
			return err
		}
		if cur.State != "running" && cur.State != "stopping" {
			return nil
		}
	}
	p.env.UI.Warnf(scope, "the guest did not power off within %s of the ACPI power button: powering it off", timeout)
	_, err := p.v.run(ctx, scope, "controlvm", vi.UUID, "poweroff")
	return err
}

// Destroy powers the machine's VM off, unregisters it and deletes its
// files.
func (p *Provider) Destroy(ctx context.Context, name string) error {
	vm, err := p.lookup(ctx, name)
	if err != nil || vm == nil {
		return err
	}
	return p.remove(ctx, name, vm.info)
}

// remove powers a VM off and deletes it. Just after a power off the VM's
// session may still be closing: unregistering is retried for a while.
func (p *Provider) remove(ctx context.Context, scope string, vi *VMInfo) error {
	if vi.State == "running" || vi.State == "paused" || vi.State == "stuck" {
		if _, err := p.v.run(ctx, scope, "controlvm", vi.UUID, "poweroff"); err != nil && !isLocked(err) {
			return err
		}
	}
	var err error
	for i := 0; i < 20; i++ {
		if _, err = p.v.run(ctx, scope, "unregistervm", vi.UUID, "--delete"); err == nil || isNotFound(err) {
			if log, lerr := p.serialLog(vi.Name); lerr == nil {
				os.Remove(log)
			}
			return nil
		}
		if !isLocked(err) {
			break
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-time.After(500 * time.Millisecond):
		}
	}
	return fmt.Errorf("delete VM %s: %w", vi.Name, err)
}

// boxUser is the box's own user (Vagrant boxes: vagrant, the schema's
// default).
func (o *Options) boxUser() string { return o.BoxUser }
