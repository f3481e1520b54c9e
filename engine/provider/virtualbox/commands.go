package virtualbox

// Pure builders of VBoxManage command lines, tested against golden files
// (testdata/golden/). What runs them is in machine.go, network.go, box.go.

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/envrun/envrun/engine/spec"
)

// baseSnapshot is the snapshot of a box's base VM that machines are linked
// clones of.
const baseSnapshot = "envrun-base"

// sshRule is the name of the NAT rule that forwards 127.0.0.1:PORT to the
// guest's SSH, for first contact (and for machines without a network).
const sshRule = "envrun-ssh"

// machinePlan is everything that makes one machine's VM.
type machinePlan struct {
	VM          string // VM name
	Base        string // the box's base VM
	Linked      bool
	Group       string // VirtualBox group, "/envrun"
	CPUs        int    // 0 keeps the box's
	Memory      int    // MiB, 0 keeps the box's
	Description string
	SSHPort     int // host port on 127.0.0.1 forwarded to the guest's 22
	NICType     string
	NICs        []nicPlan
	Ports       []spec.Port
	Modifyvm    []string // extra modifyvm arguments (virtualbox.modifyvm)
	Shared      []sharedPlan
	// Disks are the extra disks (virtualbox.disks), made as VDI files in
	// DiskDir and attached to a SATA controller of their own.
	Disks   []spec.Disk `json:",omitempty"`
	DiskDir string      `json:"-"`
	// SerialLog is the file the guest's first serial port (/dev/ttyS0) is
	// logged to: the guest reports its new host key there.
	SerialLog string
}

// nicPlan attaches NIC Slot (2 and up) to a host-only interface or, with
// Net, to a 7.x host-only network.
type nicPlan struct {
	Slot     int
	HostOnly string
	Net      bool
}

// sharedPlan is a synced folder as a VirtualBox shared folder.
type sharedPlan struct {
	Name, Host, Guest string
	// Owner and Group own the folder in the guest (vboxsf's uid and gid);
	// "" is the machine's user and its group.
	Owner string `json:",omitempty"`
	Group string `json:",omitempty"`
}

// sharedName names the shared folder of synced folder i.
func sharedName(i int) string { return fmt.Sprintf("envrun%d", i+1) }

// portRule is the NAT rule of a forwarded port: name,proto,hostip,hostport,guestip,guestport.
func portRule(p spec.Port) string {
	return fmt.Sprintf("envrun-%s-%d,%s,%s,%d,,%d", p.Protocol, p.Host, p.Protocol, p.HostIP, p.Host, p.Guest)
}

// createCommands are the commands that make the machine's VM, in order:
// clone the base, set it up, share folders. Starting it is separate.
func (p *machinePlan) createCommands() [][]string {
	clone := []string{"clonevm", p.Base, "--name", p.VM, "--register"}
	if p.Linked {
		clone = append(clone, "--snapshot", baseSnapshot, "--options", "link")
	}
	if p.Group != "" {
		clone = append(clone, "--groups", p.Group)
	}
	mod := []string{"modifyvm", p.VM, "--description", p.Description}
	if p.CPUs > 0 {
		mod = append(mod, "--cpus", strconv.Itoa(p.CPUs))
	}
	if p.Memory > 0 {
		mod = append(mod, "--memory", strconv.Itoa(p.Memory))
	}
	mod = append(mod, "--nic1", "nat", "--cableconnected1", "on",
		"--natpf1", fmt.Sprintf("%s,tcp,127.0.0.1,%d,,22", sshRule, p.SSHPort))
	for _, pt := range p.Ports {
		mod = append(mod, "--natpf1", portRule(pt))
	}
	if p.NICType != "" {
		mod = append(mod, "--nictype1", p.NICType)
	}
	if p.SerialLog != "" {
		mod = append(mod, "--uart1", "0x3F8", "4", "--uartmode1", "file", p.SerialLog)
	}
	for _, n := range p.NICs {
		mod = append(mod, p.nicArgs(n)...)
	}
	// Last: the user's own (virtualbox.modifyvm), after envrun's.
	mod = append(mod, p.Modifyvm...)
	cmds := [][]string{clone, mod}
	cmds = append(cmds, p.diskCommands(p.VM, 0)...)
	for _, sf := range p.Shared {
		// Not --automount: the guest mounts it from /etc/fstab, with
		// .envrun/ masked, which VBoxService's automounter would not do.
		cmds = append(cmds, []string{"sharedfolder", "add", p.VM, "--name", sf.Name, "--hostpath", sf.Host})
	}
	return cmds
}

// nicArgs are the modifyvm arguments that put NIC n on its host-only
// interface (or 7.x network).
func (p *machinePlan) nicArgs(n nicPlan) []string {
	s := strconv.Itoa(n.Slot)
	args := []string{"--nic" + s, "hostonly", "--hostonlyadapter" + s, n.HostOnly}
	if n.Net {
		args = []string{"--nic" + s, "hostonlynet", "--host-only-net" + s, n.HostOnly}
	}
	args = append(args, "--cableconnected"+s, "on")
	if p.NICType != "" {
		args = append(args, "--nictype"+s, p.NICType)
	}
	return args
}

// diskController is the SATA controller envrun adds for extra disks: the
// box's own controllers and their ports are left as they are.
const diskController = "envrun-disks"

// diskPath is the file of the VM's extra disk i (from 1).
func (p *machinePlan) diskPath(i int) string {
	return filepath.Join(p.DiskDir, fmt.Sprintf("%s-disk%d.vdi", p.VM, i))
}

// diskCommands make and attach the extra disks VM vm lacks (it has the
// first have): the controller (added, or given the ports), then per disk
// an empty dynamically allocated VDI on its own port. unregistervm
// --delete (destroy) deletes them with the VM.
func (p *machinePlan) diskCommands(vm string, have int) [][]string {
	if len(p.Disks) <= have {
		return nil
	}
	ports := strconv.Itoa(len(p.Disks))
	ctl := []string{"storagectl", vm, "--name", diskController, "--portcount", ports}
	if have == 0 {
		ctl = []string{"storagectl", vm, "--name", diskController, "--add", "sata", "--controller", "IntelAhci",
			"--portcount", ports, "--hostiocache", "off"}
	}
	cmds := [][]string{ctl}
	for i := have; i < len(p.Disks); i++ {
		path := p.diskPath(i + 1)
		cmds = append(cmds,
			[]string{"createmedium", "disk", "--filename", path, "--size", strconv.Itoa(p.Disks[i].Size * 1024), "--format", "VDI", "--variant", "Standard"},
			[]string{"storageattach", vm, "--storagectl", diskController, "--port", strconv.Itoa(i), "--device", "0", "--type", "hdd", "--medium", path})
	}
	return cmds
}

// startCommand starts a VM.
func startCommand(vm string, gui bool) []string {
	t := "headless"
	if gui {
		t = "gui"
	}
	return []string{"startvm", vm, "--type", t}
}

// importCommand imports a box's box.ovf as VM name, putting its disks in
// the VM's own folder. Since 6.0 the dry run gives disk targets as bare
// file names and the settings file's full path; before, full disk paths
// (Vagrant's version_6_0.rb driver does the same).
func importCommand(ovf, name string, plan *ImportPlan) []string {
	args := []string{"import", ovf, "--vsys", "0", "--vmname", name}
	base := ""
	if plan.SettingsFile != "" {
		base = filepath.Dir(filepath.Dir(filepath.FromSlash(strings.ReplaceAll(plan.SettingsFile, `\`, "/"))))
	}
	for _, d := range plan.Disks {
		target := filepath.FromSlash(strings.ReplaceAll(d.Target, `\`, "/"))
		dir := base
		if dir == "" {
			dir = filepath.Dir(filepath.Dir(target))
		}
		args = append(args, "--vsys", "0", "--unit", strconv.Itoa(d.Unit), "--disk",
			filepath.Join(dir, name, filepath.Base(target)))
	}
	return args
}

// hostOnlyIfCommands configure a new host-only interface as the network's
// host side: the gateway is the host's address on it.
func hostOnlyIfConfig(name string, n *spec.Network) []string {
	return []string{"hostonlyif", "ipconfig", name, "--ip", n.Gateway.String(), "--netmask", maskOf(n.Subnet.Bits())}
}

// hostOnlyNetAdd makes a 7.x (macOS) host-only network. Its lower and
// upper IP are the network address, so VirtualBox hands out no address
// (DHCP off) and the host takes the first address, as in Vagrant.
func hostOnlyNetAdd(name string, subnet netip.Prefix) []string {
	netAddr := subnet.Masked().Addr().String()
	return []string{"hostonlynet", "add", "--name", name, "--netmask", maskOf(subnet.Bits()),
		"--lower-ip", netAddr, "--upper-ip", netAddr, "--enable"}
}

// dhcpNetName is VirtualBox's network name of a host-only interface.
func dhcpNetName(ifname string) string { return "HostInterfaceNetworking-" + ifname }

// creatingKey is the global extra-data key that names the machine
// ("PROJECT/MACHINE") VM vmName is being made for, until its description
// says so.
func creatingKey(vmName string) string { return "envrun/creating/" + vmName }

// networkKey is the global extra-data key that records which environment
// network a host-only interface was made for.
func networkKey(ifname string) string { return "envrun/hostonlyif/" + ifname }

// snapshotTakeCommand takes snapshot snap of VM vm, described by desc
// (which must hold no `"` or `\`: showvminfo prints it unescaped). live:
// the VM is running and keeps running while its memory is saved (without
// it, VirtualBox pauses the VM for the whole snapshot).
func snapshotTakeCommand(vm, snap, desc string, live bool) []string {
	args := []string{"snapshot", vm, "take", snap, "--description", desc}
	if live {
		args = append(args, "--live")
	}
	return args
}

// reloadCommands make VM vi, powered off, what plan p describes, keeping
// its disks: one modifyvm with the settings (envrun's NAT rules and the
// host-only NICs it no longer has removed), the extra disks it lacks, the
// shared folders that changed, and last the description, whose settings
// hash says the VM is as the Envfile wants: a reload cut off before it
// leaves the old hash, and the next reload does what is left (each
// command is made from the VM as it is). Extra disks the Envfile dropped
// stay attached, with their data (kept reports them).
func (p *machinePlan) reloadCommands(vi *VMInfo) (cmds [][]string, kept int) {
	mod := []string{"modifyvm", vi.UUID}
	if p.CPUs > 0 {
		mod = append(mod, "--cpus", strconv.Itoa(p.CPUs))
	}
	if p.Memory > 0 {
		mod = append(mod, "--memory", strconv.Itoa(p.Memory))
	}
	// envrun's port rules go and the Envfile's come (in one modifyvm,
	// applied in order); the SSH rule and rules of the user's stay.
	for _, f := range vi.Forwards {
		if f.Name != sshRule && strings.HasPrefix(f.Name, "envrun-") {
			mod = append(mod, "--natpf1", "delete", f.Name)
		}
	}
	for _, pt := range p.Ports {
		mod = append(mod, "--natpf1", portRule(pt))
	}
	if p.NICType != "" {
		mod = append(mod, "--nictype1", p.NICType)
	}
	want := map[int]nicPlan{}
	for _, n := range p.NICs {
		want[n.Slot] = n
	}
	for slot := 2; slot <= maxNetworks+1; slot++ {
		n, ok := want[slot]
		if !ok {
			if cur, had := vi.NICs[slot]; had && (cur.Type == "hostonly" || cur.Type == "hostonlynetwork") {
				mod = append(mod, "--nic"+strconv.Itoa(slot), "none")
			}
			continue
		}
		mod = append(mod, p.nicArgs(n)...)
	}
	mod = append(mod, p.Modifyvm...)
	if len(mod) > 2 { // modifyvm with no option at all is VBoxManage's usage error
		cmds = append(cmds, mod)
	}

	have := attachedDisks(vi)
	cmds = append(cmds, p.diskCommands(vi.UUID, have)...)
	kept = max(have-len(p.Disks), 0)

	wantShared := map[string]string{}
	for _, sf := range p.Shared {
		wantShared[sf.Name] = sf.Host
	}
	var names []string
	for name := range vi.Shared {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if isShareName(name) && wantShared[name] != vi.Shared[name] {
			cmds = append(cmds, []string{"sharedfolder", "remove", vi.UUID, "--name", name})
		}
	}
	for _, sf := range p.Shared {
		if host, ok := vi.Shared[sf.Name]; !ok || host != sf.Host {
			cmds = append(cmds, []string{"sharedfolder", "add", vi.UUID, "--name", sf.Name, "--hostpath", sf.Host})
		}
	}
	cmds = append(cmds, []string{"modifyvm", vi.UUID, "--description", p.Description})
	return cmds, kept
}

// attachedDisks counts the extra disks attached to envrun's controller,
// port 0 up (showvminfo: "envrun-disks-0-0"="PATH").
func attachedDisks(vi *VMInfo) int {
	n := 0
	for {
		v := vi.Raw.Get(fmt.Sprintf("%s-%d-0", diskController, n))
		if v == "" || v == "none" {
			return n
		}
		n++
	}
}

// isShareName reports whether a shared folder is one envrun named
// (sharedName).
func isShareName(name string) bool {
	n, ok := strings.CutPrefix(name, "envrun")
	if !ok || n == "" {
		return false
	}
	_, err := strconv.Atoi(n)
	return err == nil
}
