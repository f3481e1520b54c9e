package virtualbox

import (
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/golden"
)

func cmdLines(cmds [][]string) string {
	var b strings.Builder
	for _, c := range cmds {
		b.WriteString("VBoxManage " + quoteArgs(c) + "\n")
	}
	return b.String()
}

func TestCreateCommands(t *testing.T) {
	tests := []struct {
		name string
		plan machinePlan
	}{
		{name: "create-two-networks.txt", plan: machinePlan{
			VM: "machine1", Base: "envrun-box-debian-bookworm-0123abcd", Linked: true, Group: "/envrun",
			CPUs: 1, Memory: 512, Description: encodeMeta(map[string]string{metaProject: "proj-0123abcd", metaMachine: "machine1"}),
			SSHPort: 40022, NICType: "virtio",
			NICs:   []nicPlan{{Slot: 2, HostOnly: "vboxnet3"}, {Slot: 3, HostOnly: "vboxnet4"}},
			Ports:  []spec.Port{{Host: 8080, Guest: 80, Protocol: "tcp"}, {HostIP: "127.0.0.1", Host: 5353, Guest: 53, Protocol: "udp"}},
			Shared: []sharedPlan{{Name: sharedName(0), Host: "/home/u/my proj/src", Guest: "/src"}},
		}},
		{name: "create-modifyvm.txt", plan: machinePlan{
			VM: "proj-0123abcd-web", Base: "envrun-box-debian-bookworm-0123abcd", Linked: true,
			Description: "d", SSHPort: 2200,
			Modifyvm: []string{"--nested-hw-virt", "on", "--audio", "none", "--graphicscontroller", "vmsvga"},
		}},
		{name: "create-disks.txt", plan: machinePlan{
			VM: "proj-0123abcd-db", Base: "envrun-box-debian-bookworm-0123abcd", Linked: true,
			Description: "d", SSHPort: 2201,
			Disks:   []spec.Disk{{Size: 10}, {Size: 1}},
			DiskDir: "/home/u/.envrun/boxes/virtualbox/.disks",
		}},
		{name: "create-full-clone-hostonlynet.txt", plan: machinePlan{
			VM: "proj-0123abcd-db", Base: "envrun-box-debian-bookworm-0123abcd", Linked: false,
			Description: "d", SSHPort: 2222,
			NICs: []nicPlan{{Slot: 2, HostOnly: "envrun-proj-0123abcd-back", Net: true}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmds := tt.plan.createCommands()
			cmds = append(cmds, startCommand(tt.plan.VM, false), startCommand(tt.plan.VM, true))
			golden.Check(t, filepath.Join("testdata", "golden", tt.name), cmdLines(cmds))
		})
	}
}

func TestNetworkAndImportCommands(t *testing.T) {
	n := &spec.Network{Name: "scznet", Subnet: netip.MustParsePrefix("192.168.60.0/24"), Gateway: netip.MustParseAddr("192.168.60.1")}
	plan, err := ParseImportDryRun(fixture(t, "import-n-6.0-vagrant.txt"))
	if err != nil {
		t.Fatal(err)
	}
	old := &ImportPlan{Name: "precise64", Disks: []ImportDisk{{Unit: 9, Target: "/home/u/VirtualBox VMs/precise64/box-disk1.vmdk"}}}
	cmds := [][]string{
		hostOnlyIfConfig("vboxnet3", n),
		hostOnlyNetAdd("envrun-proj-0123abcd-scznet", n.Subnet),
		{"dhcpserver", "remove", "--netname", dhcpNetName("vboxnet3")},
		{"setextradata", "global", networkKey("vboxnet3"), "proj-0123abcd/scznet"},
		importCommand("/boxes/debian/box.ovf", "envrun-box-debian-bookworm-0123abcd", plan),
		importCommand("/boxes/debian/box.ovf", "envrun-box-debian-bookworm-0123abcd", old),
	}
	golden.Check(t, "testdata/golden/network-import.txt", cmdLines(cmds))
}

func TestQuoteArgs(t *testing.T) {
	got := quoteArgs([]string{"modifyvm", "a b", "it's", "", "x=1,y/z:2"})
	if want := `modifyvm 'a b' 'it'\''s' '' x=1,y/z:2`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestConfigHash(t *testing.T) {
	a := &machinePlan{VM: "m", CPUs: 1, SSHPort: 1, Base: "b1", NICs: []nicPlan{{Slot: 2, HostOnly: "vboxnet1"}}}
	b := &machinePlan{VM: "m", CPUs: 1, SSHPort: 2, Base: "b2", NICs: []nicPlan{{Slot: 2, HostOnly: "vboxnet9"}}}
	if configHash(a) != configHash(b) {
		t.Error("what is picked at creation (port, base, interface) must not change the hash")
	}
	b.CPUs = 2
	if configHash(a) == configHash(b) {
		t.Error("a changed Envfile setting must change the hash")
	}
}

func TestCheckModifyvm(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--nested-hw-virt", "on", "--ioapic", "on"}, ""},
		{[]string{"--paravirtprovider=kvm"}, ""},
		{[]string{"modifyvm", ":id", "--cpus", "2"}, `"modifyvm" is not a modifyvm option`},
		{[]string{"--memory", "2048"}, "--memory is set by envrun (memory)"},
		{[]string{"--natpf1", "x,tcp,,1,,2"}, "--natpf1 is set by envrun (ports)"},
		{[]string{"--nic2", "bridged"}, "--nic2 is the adapter of one of the machine's networks"},
		{[]string{"--nic5", "bridged", "--nictype10", "virtio"}, "--nic5 is the adapter"},
	} {
		if got := checkModifyvm(tt.args); tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("checkModifyvm(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}

// TestReloadCommands: what a reload runs on a VM made earlier, parsed
// from showvminfo — settings set again, envrun's old port rules out and
// the new ones in, NICs added and removed, disks added (never removed),
// shared folders whose host path changed replaced.
func TestReloadCommands(t *testing.T) {
	made, err := ParseVMInfo(fixture(t, "reconstructed-showvminfo-envrun-machine.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// The same VM with a second network and an extra disk.
	bigger, err := ParseVMInfo(strings.Replace(fixture(t, "reconstructed-showvminfo-envrun-machine.txt"), `nic3="none"`,
		"nic3=\"hostonly\"\nhostonlyadapter3=\"vboxnet4\"\n\"envrun-disks-0-0\"=\"/d/machine1-disk1.vdi\"", 1))
	if err != nil {
		t.Fatal(err)
	}
	desc := encodeMeta(map[string]string{metaProject: "proj-0123abcd", metaMachine: "machine1", metaConfig: "fedcba9876543210"})
	grown := &machinePlan{
		VM: "machine1", CPUs: 2, Memory: 1024, Description: desc, NICType: "virtio",
		NICs:    []nicPlan{{Slot: 2, HostOnly: "vboxnet3"}, {Slot: 3, HostOnly: "vboxnet4"}},
		Ports:   []spec.Port{{Host: 8081, Guest: 80, Protocol: "tcp"}},
		Shared:  []sharedPlan{{Name: sharedName(0), Host: "/home/u/proj/app", Guest: "/src"}, {Name: sharedName(1), Host: "/home/u/data", Guest: "/data"}},
		Disks:   []spec.Disk{{Size: 10}, {Size: 1}},
		DiskDir: "/d",
	}
	shrunk := &machinePlan{
		VM: "machine1", Description: desc, DiskDir: "/d",
		Shared: []sharedPlan{{Name: sharedName(0), Host: "/home/u/proj/src", Guest: "/src"}},
	}
	moreDisks := &machinePlan{VM: "machine1", Description: desc, DiskDir: "/d",
		NICs:  []nicPlan{{Slot: 2, HostOnly: "vboxnet3"}, {Slot: 3, HostOnly: "vboxnet4"}},
		Disks: []spec.Disk{{Size: 10}, {Size: 2}, {Size: 3}}}
	var out strings.Builder
	for _, c := range []struct {
		what string
		vi   *VMInfo
		plan *machinePlan
		kept int
	}{
		{"grown: more CPUs and memory, a port moved, a network and two disks added, a folder moved and one added", made, grown, 0},
		{"shrunk: off the second network, no ports, its disk kept, the folder unchanged", bigger, shrunk, 1},
		{"a disk more than the one it has", bigger, moreDisks, 0},
		{"only the guest's settings changed (its hostname): the same settings set again, then the description", made, &machinePlan{VM: "machine1", Description: desc,
			Ports: []spec.Port{{Host: 8080, Guest: 80, Protocol: "tcp"}}, NICs: []nicPlan{{Slot: 2, HostOnly: "vboxnet3"}},
			Shared: []sharedPlan{{Name: sharedName(0), Host: "/home/u/proj/src", Guest: "/src"}}}, 0},
	} {
		cmds, kept := c.plan.reloadCommands(c.vi)
		if kept != c.kept {
			t.Errorf("%s: kept %d disks, want %d", c.what, kept, c.kept)
		}
		out.WriteString("# " + c.what + "\n" + cmdLines(cmds))
	}
	golden.Check(t, "testdata/golden/reload.txt", out.String())
}
