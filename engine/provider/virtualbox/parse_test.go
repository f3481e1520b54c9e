package virtualbox

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "vboxmanage", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseVersion(t *testing.T) {
	tests := []struct {
		name, out string
		want      [3]int
		supported bool
		wantErr   string
	}{
		{name: "4.2 real (vagrant#2295)", out: "4.2.18r88780\n", want: [3]int{4, 2, 18}, supported: false},
		{name: "4.2 real (vagrant#1368)", out: "4.2.6r82870\n\n", want: [3]int{4, 2, 6}},
		{name: "6.1", out: "6.1.50r161033\n", want: [3]int{6, 1, 50}, supported: true},
		{name: "7.0", out: "7.0.14r161095\n", want: [3]int{7, 0, 14}, supported: true},
		{name: "7.1", out: "7.1.4r165100\n", want: [3]int{7, 1, 4}, supported: true},
		{name: "distribution tag", out: "6.1.38_Ubuntur153438\n", want: [3]int{6, 1, 38}, supported: true},
		{name: "after a warning", out: "WARNING: The vboxdrv kernel module is not loaded. Either there is no module\n" +
			"         available for the current kernel (6.1.0-13-amd64) or it failed to\n         load.\n7.0.12r159484\n",
			want: [3]int{7, 0, 12}, supported: true},
		{name: "6.0 unsupported", out: "6.0.24r139119\n", want: [3]int{6, 0, 24}},
		{name: "CRLF", out: "7.0.14r161095\r\n", want: [3]int{7, 0, 14}, supported: true},
		{name: "garbage", out: "VBoxManage: error: something\n", wantErr: "cannot read the VirtualBox version"},
		{name: "empty", out: "", wantErr: "cannot read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseVersion(tt.out)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := [3]int{v.Major, v.Minor, v.Patch}; got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if err := v.Supported(); (err == nil) != tt.supported {
				t.Errorf("Supported() = %v, want supported=%v", err, tt.supported)
			}
		})
	}
	if !(Version{Major: 6, Minor: 1, Patch: 28}).AtLeast(6, 1, 28) || (Version{Major: 6, Minor: 1, Patch: 27}).AtLeast(6, 1, 28) ||
		!(Version{Major: 7}).AtLeast(6, 1, 28) {
		t.Error("AtLeast is wrong")
	}
}

func TestParseVMInfoReal(t *testing.T) {
	tests := []struct {
		file   string
		check  func(t *testing.T, vi *VMInfo)
		noUUID bool
	}{
		{file: "showvminfo-7.0-vedv.txt", check: func(t *testing.T, vi *VMInfo) {
			want := &VMInfo{Name: "manjaro-gnome-x64-full-clean", UUID: "19e117b3-06f4-4a1e-851d-47336ad6a142", State: "poweroff",
				CPUs: 4, Memory: 4096, Description: "name1=value1\nname2=value2"}
			if vi.Name != want.Name || vi.UUID != want.UUID || vi.State != want.State || vi.CPUs != want.CPUs || vi.Memory != want.Memory {
				t.Errorf("got %+v", vi)
			}
			if vi.Description != want.Description {
				t.Errorf("multi-line description = %q, want %q", vi.Description, want.Description)
			}
			if len(vi.NICs) != 1 || vi.NICs[1].Type != "nat" || vi.NICs[1].MAC != "08002744D7F6" {
				t.Errorf("NICs = %+v", vi.NICs)
			}
			if got := vi.Raw.Get("BIOS NVRAM File"); !strings.HasSuffix(got, ".nvram") {
				t.Errorf("BIOS NVRAM File = %q", got)
			}
			if got := vi.Raw.Get("SATA-0-0"); !strings.HasSuffix(got, "disk001.vdi") {
				t.Errorf("quoted name: SATA-0-0 = %q", got)
			}
			if got := vi.Raw.Get("GuestMemoryBalloon"); got != "0" {
				t.Errorf("the line after the description: GuestMemoryBalloon = %q", got)
			}
			if _, ok := vi.Raw.Values["Encryption:     disabled"]; ok {
				t.Error("a line without = became a key")
			}
		}},
		{file: "showvminfo-5.2-go-virtualbox.txt", check: func(t *testing.T, vi *VMInfo) {
			if vi.State != "saved" || vi.Memory != 1024 || vi.CPUs != 1 {
				t.Errorf("got %+v", vi)
			}
			want := []Forward{{Name: "ssh", Proto: "tcp", HostIP: "127.0.0.1", HostPort: 2222, GuestPort: 22}}
			if !reflect.DeepEqual(vi.Forwards, want) {
				t.Errorf("Forwards = %+v", vi.Forwards)
			}
			if vi.Shared["vagrant"] != "/Users/fix/Desktop/GO/src/github.com/terra-farm/go-virtualbox" {
				t.Errorf("Shared = %v", vi.Shared)
			}
			if got := vi.Raw.Get("vrdeproperty[Security/Method]"); got != "<not set>" {
				t.Errorf("unquoted value = %q", got)
			}
			if got := vi.Raw.Get("SATA Controller-0-0"); !strings.HasSuffix(got, ".vmdk") {
				t.Errorf("quoted name with a space = %q", got)
			}
		}},
		{file: "showvminfo-vagrant-issue-10530.txt", noUUID: true, check: func(t *testing.T, vi *VMInfo) {
			if n := vi.NICs[2]; n.Type != "hostonly" || n.Network != "VirtualBox Host-Only Ethernet Adapter #2" || n.MAC != "08002773545C" {
				t.Errorf("NIC 2 = %+v", n)
			}
			if got := vi.Raw.Get("SharedFolderPathMachineMapping1"); got != `\?\C:\cygwin64\home\Riggs\ubuntu` {
				t.Errorf("escaped backslashes: %q", got)
			}
			if got := vi.Raw.Get("VideoMode"); got != "800,600,0" {
				t.Errorf("VideoMode = %q", got)
			}
			if got := vi.Raw.Get("vrde"); got != "on" {
				t.Errorf("the line after VideoMode: vrde = %q", got)
			}
			if got := vi.Raw.Get("videocapopts"); got != "" {
				t.Errorf("empty unquoted value = %q", got)
			}
		}},
		{file: "showvminfo-7.x-hostonlynet-vagrant.txt", noUUID: true, check: func(t *testing.T, vi *VMInfo) {
			if n := vi.NICs[2]; n.Type != "hostonlynetwork" || n.Network != "vagrantnet-vbox1" || n.MAC != "080027FBC15B" {
				t.Errorf("NIC 2 = %+v", n)
			}
			if len(vi.NICs) != 2 {
				t.Errorf("NICs = %+v (none must be dropped)", vi.NICs)
			}
		}},
		{file: "reconstructed-showvminfo-envrun-machine.txt", check: func(t *testing.T, vi *VMInfo) {
			meta := decodeMeta(vi.Description)
			if meta[metaProject] != "proj-0123abcd" || meta[metaMachine] != "machine1" || meta[metaIP] != "172.20.1.20" || meta[metaSSH] != "127.0.0.1:40022" {
				t.Errorf("meta = %v", meta)
			}
			if n := vi.NICs[2]; n.Type != "hostonly" || n.Network != "vboxnet3" || macColons(n.MAC) != "08:00:27:ae:1f:98" {
				t.Errorf("NIC 2 = %+v", n)
			}
			if len(vi.Forwards) != 2 || vi.Forwards[1].HostIP != "" || vi.Forwards[1].HostPort != 8080 {
				t.Errorf("Forwards = %+v", vi.Forwards)
			}
		}},
		{file: "showvminfo-snapshots-ohai.txt", check: func(t *testing.T, vi *VMInfo) {
			want := []VMSnapshot{{Name: "base", UUID: "085cbbec-70cd-4864-9208-5d938dcabb71"}}
			if !reflect.DeepEqual(vi.Snapshots, want) {
				t.Errorf("Snapshots = %+v", vi.Snapshots)
			}
			if got := vi.Raw.Get("CurrentSnapshotNode"); got != "SnapshotName" {
				t.Errorf("CurrentSnapshotNode = %q", got)
			}
		}},
		{file: "snapshot-list-socbed.txt", noUUID: true, check: func(t *testing.T, vi *VMInfo) {
			if len(vi.Snapshots) != 16 || vi.Snapshots[0].Name != "clean userbehavior" || vi.Snapshots[1].UUID != "238006bc-a851-4b50-a151-3d9104d072c5" {
				t.Fatalf("Snapshots = %+v", vi.Snapshots)
			}
			s, ok := vi.Snapshot("installed GuestAdditions with autologin")
			if !ok || s.Description != "VBoxWindowsAdditions /with_autologin" || s.UUID != "123c7768-6588-4dfa-8949-21d1a33fb5b4" {
				t.Errorf("the nested snapshot with a description: %+v %v", s, ok)
			}
		}},
		{file: "reconstructed-showvminfo-snapshots.txt", check: func(t *testing.T, vi *VMInfo) {
			if vi.State != "saved" || !strings.HasSuffix(vi.Raw.Get("VMStateFile"), "Z.sav") {
				t.Errorf("State = %q, VMStateFile = %q", vi.State, vi.Raw.Get("VMStateFile"))
			}
			if len(vi.Snapshots) != 3 {
				t.Fatalf("Snapshots = %+v", vi.Snapshots)
			}
			meta := decodeMeta(vi.Snapshots[1].Description)
			if vi.Snapshots[1].Name != "after-upgrade" || meta[metaProject] != "proj-0123abcd" || meta[metaCreated] != "2023-02-06T02:58:37Z" {
				t.Errorf("after-upgrade: %+v, meta %v", vi.Snapshots[1], meta)
			}
			// Printed raw: a quote, a backslash and a newline stay in the
			// value, and the lines after it are read as they are.
			if got, want := vi.Snapshots[2].Description, "Taken by hand: the \"clean\" state\nbefore C:\\temp\\"; got != want {
				t.Errorf("a raw description = %q, want %q", got, want)
			}
			if got := vi.Raw.Get("GuestMemoryBalloon"); got != "0" {
				t.Errorf("the line after the snapshots: GuestMemoryBalloon = %q", got)
			}
			if _, ok := vi.Raw.Values["envrun.project"]; ok {
				t.Error("a description line became a key")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out := fixture(t, tt.file)
			if tt.noUUID { // fragments: give them the line every full output has
				out = `UUID="00000000-0000-0000-0000-000000000001"` + "\n" + out
			}
			vi, err := ParseVMInfo(out)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, vi)
		})
	}
}

func TestParseMachineReadableEdges(t *testing.T) {
	tests := []struct {
		name, in string
		want     map[string]string
		wantErr  string
	}{
		{name: "escaped quote and backslash", in: `description="say \"hi\" to C:\\x"` + "\n", want: map[string]string{"description": `say "hi" to C:\x`}},
		{name: "quoted name with =", in: `"a=b"="c"` + "\n", want: map[string]string{"a=b": "c"}},
		{name: "multi-line then more", in: "description=\"one\ntwo\"\nmemory=512\n", want: map[string]string{"description": "one\ntwo", "memory": "512"}},
		{name: "value with = inside", in: `rec_screen_opts="vc_enabled=true,ac_enabled=false"`, want: map[string]string{"rec_screen_opts": "vc_enabled=true,ac_enabled=false"}},
		{name: "CRLF", in: "name=\"x\"\r\nmemory=1\r\n", want: map[string]string{"name": "x", "memory": "1"}},
		{name: "noise lines", in: "Encryption:     disabled\n rec_screen0\n\nname=\"x\"\n", want: map[string]string{"name": "x"}},
		{name: "unclosed quote", in: "description=\"never closed\nmemory=1\n", wantErr: "no closing quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMachineReadable(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m.Values, tt.want) {
				t.Errorf("got %q, want %q", m.Values, tt.want)
			}
		})
	}
	if _, err := ParseVMInfo("name=\"x\"\n"); err == nil {
		t.Error("an output without UUID must be an error")
	}
	if _, err := ParseVMInfo("UUID=\"u\"\nForwarding(0)=\"ssh,tcp,,x,,22\"\n"); err == nil {
		t.Error("a NAT rule with a bad port must be an error")
	}
}

func TestParseVMList(t *testing.T) {
	got, err := ParseVMList(fixture(t, "list-vms-go-virtualbox.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := []ListedVM{{"Ubuntu", "2e16b1fc-675d-4a7a-a9a1-e89a8bde7874"}, {"go-virtualbox", "def44546-e3da-4902-8d15-b91c99c80cbc"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
	if got, err := ParseVMList(`"<inaccessible>" {11111111-2222-3333-4444-555555555555}` + "\r\n\n" + `"a "quoted" name" {def44546-e3da-4902-8d15-b91c99c80cbc}`); err != nil || len(got) != 2 || got[1].Name != `a "quoted" name` {
		t.Errorf("got %+v, %v", got, err)
	}
	if _, err := ParseVMList("VBoxManage: error: nonsense\n"); err == nil {
		t.Error("want an error for a line that is not a VM")
	}
	if got, err := ParseVMList(""); err != nil || len(got) != 0 {
		t.Errorf("no VMs: %v, %v", got, err)
	}
}

func TestParseHostOnly(t *testing.T) {
	ifs, err := ParseHostOnlyIfs(fixture(t, "list-hostonlyifs-go-virtualbox.txt") + "\n" + fixture(t, "list-hostonlyifs-minishift-2631.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := []HostOnlyIf{
		{Name: "vboxnet0", IP: netip.MustParseAddr("192.168.56.1"), Prefix: netip.MustParsePrefix("192.168.56.1/24"), Status: "Down"},
		{Name: "VirtualBox Host-Only Ethernet Adapter", IP: netip.MustParseAddr("192.168.56.1"), Prefix: netip.MustParsePrefix("192.168.56.1/24"), Status: "Up"},
	}
	if !reflect.DeepEqual(ifs, want) {
		t.Errorf("got %+v", ifs)
	}
	nets, err := ParseHostOnlyNets(fixture(t, "list-hostonlynets-7.x-vagrant.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(nets) != 2 || nets[0].Name != "vagrantnet-vbox1" || !nets[0].Enabled || nets[0].Prefix() != netip.MustParsePrefix("192.168.61.0/24") ||
		nets[1].Prefix() != netip.MustParsePrefix("192.168.22.0/24") {
		t.Errorf("got %+v", nets)
	}
	if got := ParseDHCPServers(fixture(t, "list-dhcpservers-6.1-vagrant.txt")); !reflect.DeepEqual(got, []string{"HostInterfaceNetworking-vboxnet0", "HostInterfaceNetworking-vboxnet5"}) {
		t.Errorf("dhcp servers = %v", got)
	}
	if name, err := ParseCreatedInterface(fixture(t, "hostonlyif-create-7.x-vagrant.txt")); err != nil || name != "host_only" {
		t.Errorf("created = %q, %v", name, err)
	}
	if _, err := ParseCreatedInterface("0%...100%\n"); err == nil {
		t.Error("want an error when no interface is named")
	}
	if _, err := maskBits("255.0.255.0"); err == nil {
		t.Error("a non-contiguous mask must be an error")
	}
	for bits := 0; bits <= 32; bits++ {
		if got, err := maskBits(maskOf(bits)); err != nil || got != bits {
			t.Errorf("maskOf/maskBits(%d) = %d, %v", bits, got, err)
		}
	}
}

func TestParseExtraData(t *testing.T) {
	got := ParseExtraData(fixture(t, "reconstructed-getextradata-global-enumerate.txt"))
	if got[networkKey("vboxnet3")] != "proj-0123abcd/scznet" || got["GUI/LastWindowPosition"] != "100,100,800,600" || len(got) != 3 {
		t.Errorf("got %v", got)
	}
	if v, ok := ParseExtraDataValue(fixture(t, "reconstructed-getextradata-value.txt")); !ok || v != "1" {
		t.Errorf("value: %q %v", v, ok)
	}
	if _, ok := ParseExtraDataValue(fixture(t, "reconstructed-getextradata-novalue.txt")); ok {
		t.Error("No value set! must be no value")
	}
}

func TestParseImportDryRun(t *testing.T) {
	p, err := ParseImportDryRun(fixture(t, "import-n-6.0-vagrant.txt"))
	if err != nil {
		t.Fatal(err)
	}
	want := &ImportPlan{Name: "precise64", SettingsFile: "/home/user/VirtualBox VMs/precise64/precise64.vbox",
		Disks: []ImportDisk{{Unit: 12, Source: "box-disk1.vmdk", Target: "box-disk1.vmdk"}}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got %+v", p)
	}
	// Before 6.0: no settings file line, full disk paths (the format of
	// the 4.2 output in https://github.com/hashicorp/vagrant/issues/1881).
	old := " 1: Suggested VM name \"precise64\"\n 9: Hard disk image: source image=box-disk1.vmdk, target path=/home/u/VirtualBox VMs/precise64/box-disk1.vmdk, controller=8;channel=0\n"
	p, err = ParseImportDryRun(old)
	if err != nil || p.SettingsFile != "" || p.Disks[0].Target != "/home/u/VirtualBox VMs/precise64/box-disk1.vmdk" {
		t.Errorf("old format: %+v, %v", p, err)
	}
	for _, bad := range []struct{ name, out, want string }{
		{"no name", "Disks:\n", "no suggested VM name"},
		{"no disk", " 1: Suggested VM name \"x\"\n", "no hard disk"},
	} {
		if _, err := ParseImportDryRun(bad.out); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: err = %v, want %q", bad.name, err, bad.want)
		}
	}
}
