package libvirt

import (
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"libvirt.org/go/libvirtxml"

	"github.com/envrun/envrun/internal/golden"
)

// checkGolden compares got with testdata/name (go test -update rewrites it).
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), got)
}

func testMeta() machineMeta {
	return machineMeta{
		Project: "two-host-0123abcd", Machine: "machine1", Envfile: "/src/two-host/Envfile.lua",
		User: "vagrant", IP: "172.20.1.20", Box: "debian/bookworm", Pool: PoolName,
		Volume: "two-host-0123abcd-machine1.qcow2", Config: "0123456789abcdef",
	}
}

func TestDomainXML(t *testing.T) {
	base := func() domainParams {
		return domainParams{
			Name:     "two-host-0123abcd-machine1",
			Title:    "envrun: machine1 (/src/two-host/Envfile.lua)",
			Type:     "qemu",
			Meta:     testMeta(),
			CPUs:     1,
			MemoryMB: 512,
			Disk:     "/var/lib/libvirt/images/envrun/two-host-0123abcd-machine1.qcow2",
			Kernel:   "/var/lib/libvirt/images/envrun/envrun-box-debian%2Fbookworm.vmlinuz",
			Initrd:   "/var/lib/libvirt/images/envrun/envrun-box-debian%2Fbookworm.initrd",
			Cmdline:  "root=/dev/vda rw console=ttyS0,115200 net.ifnames=0",
			NICs:     []nic{{Network: "two-host-0123abcd-scznet", MAC: MACFor("two-host-0123abcd", "machine1", "scznet")}},
			Console:  "/src/two-host/.envrun/console-machine1.log",
			Opts:     &Options{Graphics: "spice", Video: "qxl"},
		}
	}
	tests := []struct {
		name   string
		golden string
		adjust func(p *domainParams)
	}{
		{"the contract's example: direct boot, spice and qxl", "domain-direct-spice.xml", func(p *domainParams) {}},
		{"a box with a bootloader on kvm, vnc, two networks, defaults", "domain-bootloader-kvm-vnc.xml", func(p *domainParams) {
			p.Type, p.Kernel, p.Initrd, p.Cmdline = "kvm", "", "", ""
			p.CPUs, p.MemoryMB = 0, 0
			p.Opts = &Options{Graphics: "vnc", MachineType: "q35"}
			p.NICs = append(p.NICs, nic{Network: "two-host-0123abcd-backend", MAC: MACFor("two-host-0123abcd", "machine1", "backend")})
		}},
		{"headless on a remote host: no graphics, no video, no console log", "domain-headless.xml", func(p *domainParams) {
			p.Opts = &Options{CPUMode: "host-model"}
			p.Console = ""
			p.CPUs, p.MemoryMB = 2, 1024
		}},
		{"two extra disks (libvirt.disks): virtio vdb and vdc after the machine's own", "domain-disks.xml", func(p *domainParams) {
			p.Opts = &Options{}
			p.DataDisks = []string{"/var/lib/libvirt/images/envrun/two-host-0123abcd-machine1.disk1", "/var/lib/libvirt/images/envrun/two-host-0123abcd-machine1.disk2"}
		}},
		{"synced folders: virtiofs (shared memory) and 9p, mapped", "domain-folders.xml", func(p *domainParams) {
			p.Opts = &Options{}
			p.Folders = []folder{
				{Tag: "envrun1", Host: "/src/two-host", Guest: "/vagrant", Type: "virtiofs", Mask: "/vagrant/.envrun"},
				{Tag: "envrun2", Host: "/srv/data set", Guest: "/data", Type: "9p"},
			}
		}},
		{"pass-through: a watchdog, nested virtualisation, a firmware loader, QEMU arguments", "domain-passthrough.xml", func(p *domainParams) {
			p.Opts = &Options{
				DomainXML: `<devices><watchdog model="i6300esb" action="reset"/></devices>
<cpu mode="host-model"><feature policy="require" name="vmx"/></cpu>
<os><loader readonly="yes" type="pflash">/usr/share/OVMF/OVMF_CODE.fd</loader></os>`,
				QemuArgs: []string{"-global", "ICH9-LPC.disable_s3=1"},
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base()
			tt.adjust(&p)
			got, err := domainXML(p)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.golden, got+"\n")
			// What libvirt gets back parses into the same metadata.
			var d libvirtxml.Domain
			if err := d.Unmarshal(got); err != nil {
				t.Fatal(err)
			}
			var meta machineMeta
			if err := parseMeta(d.Metadata.XML, "machine", &meta); err != nil {
				t.Fatal(err)
			}
			want := p.Meta
			meta.XMLName = want.XMLName
			if meta != want {
				t.Errorf("metadata round trip: got %+v, want %+v", meta, want)
			}
		})
	}
}

func TestNetworkXML(t *testing.T) {
	p := networkParams{
		Name:    "two-host-0123abcd-scznet",
		Meta:    networkMeta{Project: "two-host-0123abcd", Network: "scznet", Envfile: "/src/two-host/Envfile.lua"},
		Subnet:  netip.MustParsePrefix("172.20.1.0/24"),
		Gateway: netip.MustParseAddr("172.20.1.1"),
		Hosts: []netHost{
			{MAC: "52:54:00:aa:bb:01", IP: netip.MustParseAddr("172.20.1.20"), Hostname: "machine1", Names: []string{"machine1.local", "machine1"}},
			{MAC: "52:54:00:aa:bb:02", IP: netip.MustParseAddr("172.20.1.21"), Hostname: "machine2", Names: []string{"machine2.local", "machine2"}},
		},
	}
	for _, tt := range []struct {
		name     string
		isolated bool
		golden   string
	}{
		{"NAT by default", false, "network-nat.xml"},
		{"isolated", true, "network-isolated.xml"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p.Isolated = tt.isolated
			got, err := networkXML(p)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.golden, got+"\n")
			var n libvirtxml.Network
			if err := n.Unmarshal(got); err != nil {
				t.Fatal(err)
			}
			want := netSettings{Subnet: "172.20.1.0/24", Gateway: "172.20.1.1", Isolated: tt.isolated}
			if s := settingsOf(&n); s != want {
				t.Errorf("settingsOf: %+v, want %+v", s, want)
			}
			var meta networkMeta
			if err := parseMeta(n.Metadata.XML, "network", &meta); err != nil || meta.Network != "scznet" || meta.Project != p.Meta.Project {
				t.Errorf("metadata round trip: %+v, %v", meta, err)
			}
		})
	}
}

func TestVolumeXML(t *testing.T) {
	overlay, err := overlayXML("p-m.qcow2", 4<<30, "/pool/envrun-box-debian%2Fbookworm.img")
	if err != nil {
		t.Fatal(err)
	}
	vol, err := volumeXML("envrun-box-x.img", 1234, "raw")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := poolXML(PoolName, "/var/lib/libvirt/images/envrun")
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "volumes.xml", overlay+"\n"+vol+"\n"+pool+"\n")
}

func TestParseMeta(t *testing.T) {
	tests := []struct {
		name     string
		metadata string
		want     string // machine name, "" for errNoMeta
	}{
		{"envrun's element among others'", `<other:x xmlns:other="urn:x"><name>no</name></other:x>` +
			`<envrun:machine xmlns:envrun="` + MetaNS + `"><name>web</name></envrun:machine>`, "web"},
		{"same local name in another namespace", `<a:machine xmlns:a="urn:a"><name>web</name></a:machine>`, ""},
		{"as virDomainSetMetadata stores it", `<machine xmlns="` + MetaNS + `"><name>db</name></machine>`, "db"},
		{"empty", ``, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m machineMeta
			err := parseMeta(tt.metadata, "machine", &m)
			if tt.want == "" {
				if err != errNoMeta {
					t.Errorf("got %+v, %v; want errNoMeta", m, err)
				}
				return
			}
			if err != nil || m.Machine != tt.want {
				t.Errorf("got %+v, %v; want machine %q", m, err, tt.want)
			}
		})
	}
}

func TestPrefixOf(t *testing.T) {
	tests := []struct {
		name string
		ip   libvirtxml.NetworkIP
		want string
	}{
		{"prefix", libvirtxml.NetworkIP{Address: "10.0.0.1", Prefix: 16}, "10.0.0.0/16"},
		{"netmask", libvirtxml.NetworkIP{Address: "192.168.122.1", Netmask: "255.255.255.0"}, "192.168.122.0/24"},
		{"bad address", libvirtxml.NetworkIP{Address: "nope"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := prefixOf(tt.ip)
			if (tt.want == "") == ok || ok && got.String() != tt.want {
				t.Errorf("prefixOf(%+v) = %v, %v; want %q", tt.ip, got, ok, tt.want)
			}
		})
	}
}

func TestMACFor(t *testing.T) {
	mac := MACFor("p", "m", "n")
	if !regexp.MustCompile(`^52:54:00(:[0-9a-f]{2}){3}$`).MatchString(mac) {
		t.Errorf("MACFor = %q, not a QEMU MAC", mac)
	}
	if mac != MACFor("p", "m", "n") {
		t.Error("MACFor is not stable")
	}
	if mac == MACFor("p", "m", "other") || mac == MACFor("p", "other", "n") || mac == MACFor("q", "m", "n") {
		t.Error("MACFor gives two machines or networks one MAC")
	}
}

func TestConfigHash(t *testing.T) {
	p := domainParams{Name: "d", Type: "qemu", Meta: testMeta(), Disk: "/d.qcow2", Opts: &Options{}}
	h1, err := configHash(p, "web.local")
	if err != nil {
		t.Fatal(err)
	}
	other := p
	other.Meta.HostKey = "ssh-ed25519 AAAA"
	if h, _ := configHash(other, "web.local"); h != h1 {
		t.Error("the hash depends on per-instance metadata")
	}
	for name, change := range map[string]func(*domainParams) string{
		"memory":   func(p *domainParams) string { p.MemoryMB = 2048; return "web.local" },
		"hostname": func(p *domainParams) string { return "db.local" },
		"graphics": func(p *domainParams) string { p.Opts = &Options{Graphics: "vnc"}; return "web.local" },
		"a synced folder's guest path": func(p *domainParams) string {
			p.Folders = []folder{{Tag: "envrun1", Host: "/src", Guest: "/elsewhere", Type: "virtiofs"}}
			return "web.local"
		},
	} {
		q := p
		host := change(&q)
		if h, _ := configHash(q, host); h == h1 {
			t.Errorf("changing %s leaves the hash alone", name)
		}
	}
}

func TestCleanConsole(t *testing.T) {
	got := cleanConsole("[\x1b[0;32m  OK  \x1b[0m] Started ssh.\r\nbox login: ")
	if want := "[  OK  ] Started ssh.\nbox login: "; got != want {
		t.Errorf("cleanConsole = %q, want %q", got, want)
	}
	if strings.Contains(cleanConsole("\x1b[?25l"), "\x1b") {
		t.Error("private-mode escape kept")
	}
}

func TestDomainXMLChecks(t *testing.T) {
	for _, tt := range []struct {
		frag, want string
	}{
		{`<devices><watchdog model="i6300esb"/></devices>`, ""},
		{`<devices><watchdgo model="i6300esb"/></devices>`, "<watchdgo> is not an element of a libvirt domain"},
		{`<name>other</name>`, "<name> is set by envrun"},
		{`<memory unit="MiB">4096</memory>`, "<memory> is set by envrun"},
		{`<devices><watchdog`, "not XML that libvirt takes"},
	} {
		_, err := parseDomainXML(tt.frag)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.frag, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: got %v, want %q", tt.frag, err, tt.want)
		}
	}
	if why := checkQemuArgs([]string{"device", "x"}); !strings.Contains(why, "is not a QEMU option") {
		t.Errorf("checkQemuArgs: %q", why)
	}
}
