package libvirt

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"libvirt.org/go/libvirtxml"

	"github.com/envrun/envrun/engine/spec"
)

// The builders here are pure: they turn what a machine or network should
// be into libvirt XML, and are tested against golden files.

// MetaNS is the XML namespace of envrun's metadata elements in domains and
// networks; MetaPrefix is the prefix libvirt shows them with.
const (
	MetaNS     = "https://github.com/envrun/envrun/xmlns/libvirt/1"
	MetaPrefix = "envrun"
)

// machineMeta is what envrun records in a domain's metadata. libvirt is
// the state: everything envrun needs to know about a machine is here.
type machineMeta struct {
	XMLName xml.Name `xml:"machine"`
	Project string   `xml:"project"`
	Machine string   `xml:"name"`
	Envfile string   `xml:"envfile"`
	User    string   `xml:"user"`
	IP      string   `xml:"ip,omitempty"`
	Box     string   `xml:"box"`
	Pool    string   `xml:"pool"`
	Volume  string   `xml:"volume"` // the machine's overlay volume in Pool
	// Folders are the synced folders first contact wrote in the guest's
	// /etc/fstab (folderSig): a later domain's must match.
	Folders string `xml:"folders,omitempty"`
	// FoldersPending is set when a reload defined the domain with other
	// synced folders than Folders: once the VM is up, the guest mounts
	// them in place of the old (settleFolders), then Folders records them.
	FoldersPending bool `xml:"folderspending,omitempty"`
	// Owner is the uid and gid ("1777:1777") first contact gave the
	// machine's user, its synced folders' owner's on the host
	// (folderOwner); empty when it gave none.
	Owner string `xml:"owner,omitempty"`
	// SSHPort is the port first contact (or a reload since) set the
	// guest's sshd to (ssh.port), when it is not 22.
	SSHPort int `xml:"sshport,omitempty"`
	// SSHPortPending is set when a reload was asked for another ssh.port:
	// once the VM is up, its sshd moves there (settle), then SSHPort
	// records it.
	SSHPortPending int `xml:"sshportpending,omitempty"`
	// Hostname is the machine's hostname the guest was set up with (empty
	// in domains made before it was recorded).
	Hostname string `xml:"hostname,omitempty"`
	// NamesPending is set when a reload changed the machine's IP or
	// hostname: the guest gets its address from the network's DHCP entry
	// at boot, and once it is up its hostname and /etc/hosts are set anew
	// (settle), the line of OldIP, its address before, removed.
	NamesPending bool   `xml:"namespending,omitempty"`
	OldIP        string `xml:"oldip,omitempty"`
	// Config is a hash of the settings the machine was made from; Rest of
	// those but its synced folders, whose change has its own warning.
	// Rest is empty in domains made before it was recorded.
	Config string `xml:"config"`
	Rest   string `xml:"rest,omitempty"`
	// HostKey is the SSH host key pinned at first contact; Key the
	// fingerprint of the environment key installed then. Both are empty
	// until first contact has finished.
	HostKey string `xml:"hostkey,omitempty"`
	Key     string `xml:"key,omitempty"`
}

// sshAddr is the SSH address of the machine meta describes: its IP, on
// the port its sshd was set to.
func (meta *machineMeta) sshAddr() string {
	return net.JoinHostPort(meta.IP, strconv.Itoa(meta.sshPort()))
}

func (meta *machineMeta) sshPort() int {
	if meta.SSHPort == 0 {
		return spec.DefaultSSHPort
	}
	return meta.SSHPort
}

// warnPort says when the Envfile's ssh.port is not the one the guest's
// sshd listens on, and a reload is not on its way to move it there
// (meta.SSHPortPending): envrun keeps using the recorded one.
func warnPort(ui interface{ Warnf(string, string, ...any) }, m *spec.Machine, meta *machineMeta) {
	if want := m.SSH.PortOrDefault(); want != meta.sshPort() && meta.SSHPortPending != want {
		ui.Warnf(m.Name, "its ssh.port changed (%d, was %d): the guest's sshd still listens on %d; "+
			"`envrun reload %s` moves it", want, meta.sshPort(), meta.sshPort(), m.Name)
	}
}

// networkMeta is what envrun records in a network's metadata.
type networkMeta struct {
	XMLName xml.Name `xml:"network"`
	Project string   `xml:"project"`
	Network string   `xml:"name"`
	Envfile string   `xml:"envfile"`
}

// metaElement renders v (a *machineMeta or *networkMeta) as the metadata
// element libvirt keeps: <envrun:machine xmlns:envrun="...">...</...>.
func metaElement(v any) (string, error) {
	inner, err := metaContent(v)
	if err != nil {
		return "", err
	}
	// Name the root with envrun's prefix and namespace; the children stay
	// unqualified, as libvirt keeps them.
	open := strings.Index(inner, ">")
	close := strings.LastIndex(inner, "</")
	root := inner[1:open]
	return fmt.Sprintf(`<%s:%s xmlns:%s="%s">%s</%s:%s>`, MetaPrefix, root, MetaPrefix, MetaNS,
		inner[open+1:close], MetaPrefix, root), nil
}

// metaContent renders v without namespace, as virDomainSetMetadata takes it.
func metaContent(v any) (string, error) {
	data, err := xml.Marshal(v)
	return string(data), err
}

// errNoMeta says a domain or network has no envrun metadata: it is not
// envrun's.
var errNoMeta = errors.New("no envrun metadata")

// parseMeta finds envrun's element called root (in MetaNS) in the XML of
// a <metadata> element's content and decodes it into v.
func parseMeta(metadata, root string, v any) error {
	dec := xml.NewDecoder(strings.NewReader(metadata))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return errNoMeta
		}
		if err != nil {
			return fmt.Errorf("read envrun metadata: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Space == MetaNS && se.Name.Local == root {
			return dec.DecodeElement(v, &se)
		}
	}
}

// nic is one network interface of a machine.
type nic struct {
	Network string // libvirt network name
	MAC     string
}

// domainParams is everything a machine's domain is built from.
type domainParams struct {
	Name     string
	Title    string
	Type     string // kvm, qemu (or test, on libvirt's test driver)
	Meta     machineMeta
	CPUs     int
	MemoryMB int
	Disk     string // path of the overlay
	// DataDisks are the paths of the extra disks (libvirt.disks), in
	// order: vdb, vdc, ...
	DataDisks []string
	Kernel    string
	Initrd    string
	Cmdline   string
	NICs      []nic
	// Folders are the synced folders the domain shares with the guest.
	Folders []folder
	Console string // file the serial console is logged to
	Opts    *Options
}

// Defaults for machines that set no cpus or memory.
const (
	defaultCPUs     = 1
	defaultMemoryMB = 512
)

// buildDomain makes the domain of p.
func buildDomain(p domainParams) (*libvirtxml.Domain, error) {
	meta, err := metaElement(&p.Meta)
	if err != nil {
		return nil, err
	}
	cpus, mem := p.CPUs, p.MemoryMB
	if cpus <= 0 {
		cpus = defaultCPUs
	}
	if mem <= 0 {
		mem = defaultMemoryMB
	}
	o := p.Opts
	if o == nil {
		o = newOptions()
	}
	d := &libvirtxml.Domain{
		Type:     p.Type,
		Name:     p.Name,
		Title:    p.Title,
		Metadata: &libvirtxml.DomainMetadata{XML: meta},
		Memory:   &libvirtxml.DomainMemory{Value: uint(mem), Unit: "MiB"},
		VCPU:     &libvirtxml.DomainVCPU{Value: uint(cpus)},
		OS: &libvirtxml.DomainOS{
			Type:    &libvirtxml.DomainOSType{Type: "hvm", Machine: o.MachineType},
			Kernel:  p.Kernel,
			Initrd:  p.Initrd,
			Cmdline: p.Cmdline,
		},
		Features: &libvirtxml.DomainFeatureList{
			ACPI: &libvirtxml.DomainFeature{}, // so that halt is a clean shutdown
			APIC: &libvirtxml.DomainFeatureAPIC{},
		},
		OnPoweroff: "destroy",
		OnReboot:   "restart",
		OnCrash:    "destroy",
		Devices: &libvirtxml.DomainDeviceList{
			Disks: []libvirtxml.DomainDisk{{
				Device: "disk",
				Driver: &libvirtxml.DomainDiskDriver{Name: "qemu", Type: "qcow2", Discard: "unmap"},
				Source: &libvirtxml.DomainDiskSource{File: &libvirtxml.DomainDiskSourceFile{File: p.Disk}},
				Target: &libvirtxml.DomainDiskTarget{Dev: "vda", Bus: "virtio"},
			}},
			Serials: []libvirtxml.DomainSerial{{
				Source: &libvirtxml.DomainChardevSource{Pty: &libvirtxml.DomainChardevSourcePty{}},
				Target: &libvirtxml.DomainSerialTarget{Port: new(uint)},
				Log:    consoleLog(p.Console),
			}},
			Consoles: []libvirtxml.DomainConsole{{
				Source: &libvirtxml.DomainChardevSource{Pty: &libvirtxml.DomainChardevSourcePty{}},
				Target: &libvirtxml.DomainConsoleTarget{Type: "serial", Port: new(uint)},
			}},
			RNGs: []libvirtxml.DomainRNG{{
				Model:   "virtio",
				Backend: &libvirtxml.DomainRNGBackend{Random: &libvirtxml.DomainRNGBackendRandom{Device: "/dev/urandom"}},
			}},
		},
	}
	if p.Kernel == "" {
		d.OS.BootDevices = []libvirtxml.DomainBootDevice{{Dev: "hd"}}
	}
	switch {
	case o.CPUMode != "":
		d.CPU = &libvirtxml.DomainCPU{Mode: o.CPUMode}
	case p.Type == "kvm":
		d.CPU = &libvirtxml.DomainCPU{Mode: "host-passthrough"}
	}
	for i, path := range p.DataDisks {
		d.Devices.Disks = append(d.Devices.Disks, libvirtxml.DomainDisk{
			Device: "disk",
			Driver: &libvirtxml.DomainDiskDriver{Name: "qemu", Type: "qcow2", Discard: "unmap"},
			Source: &libvirtxml.DomainDiskSource{File: &libvirtxml.DomainDiskSourceFile{File: path}},
			Target: &libvirtxml.DomainDiskTarget{Dev: "vd" + string(rune('b'+i)), Bus: "virtio"},
		})
	}
	addFolders(d, p.Folders)
	for _, n := range p.NICs {
		d.Devices.Interfaces = append(d.Devices.Interfaces, libvirtxml.DomainInterface{
			MAC:    &libvirtxml.DomainInterfaceMAC{Address: n.MAC},
			Source: &libvirtxml.DomainInterfaceSource{Network: &libvirtxml.DomainInterfaceSourceNetwork{Network: n.Network}},
			Model:  &libvirtxml.DomainInterfaceModel{Type: "virtio"},
		})
	}
	listen := []libvirtxml.DomainGraphicListener{{Address: &libvirtxml.DomainGraphicListenerAddress{Address: "127.0.0.1"}}}
	switch o.graphics() {
	case "spice":
		d.Devices.Graphics = []libvirtxml.DomainGraphic{{Spice: &libvirtxml.DomainGraphicSpice{AutoPort: "yes", Listeners: listen}}}
	case "vnc":
		d.Devices.Graphics = []libvirtxml.DomainGraphic{{VNC: &libvirtxml.DomainGraphicVNC{AutoPort: "yes", Listeners: listen}}}
	}
	if v := o.video(); v != "" {
		d.Devices.Videos = []libvirtxml.DomainVideo{{Model: libvirtxml.DomainVideoModel{Type: v}}}
	}
	// Last, the user's pass-through (checked when the Envfile loaded).
	if o.DomainXML != "" {
		extra, err := parseDomainXML(o.DomainXML)
		if err != nil {
			return nil, fmt.Errorf("libvirt.domain_xml: %w", err)
		}
		mergeDomain(d, extra)
	}
	d.QEMUCommandline = qemuCommandline(o.QemuArgs)
	return d, nil
}

// domainXML renders p's domain.
func domainXML(p domainParams) (string, error) {
	d, err := buildDomain(p)
	if err != nil {
		return "", err
	}
	return d.Marshal()
}

// configHash is a short hash of what a machine is made from, taken
// without its per-instance metadata: a later Envfile that would make the
// machine differently is noticed. hostname and the synced folders' guest
// paths are set in the guest at first contact, so they are part of it too.
func configHash(p domainParams, hostname string) (string, error) {
	p.Meta = machineMeta{}
	s, err := domainXML(p)
	if err != nil {
		return "", err
	}
	if len(p.Folders) > 0 {
		// Where the guest mounts them is set at first contact, not in the
		// domain: a changed guest path is a changed setting too.
		s += "\x00" + folderSig(p.Folders)
	}
	h := sha256.Sum256([]byte(s + "\x00" + hostname))
	return hex.EncodeToString(h[:])[:16], nil
}

// restHash is configHash of the settings but the synced folders.
func restHash(p domainParams, hostname string) (string, error) {
	p.Folders = nil
	return configHash(p, hostname)
}

// MACFor is the fixed MAC address of machine on network in project: in
// QEMU's range (52:54:00), derived from the three names so that it is the
// same on every run and the network's DHCP host entry can name it before
// the machine exists.
func MACFor(project, machine, network string) string {
	h := sha256.Sum256([]byte(project + "\x00" + machine + "\x00" + network))
	return fmt.Sprintf("52:54:00:%02x:%02x:%02x", h[0], h[1], h[2])
}

// netHost is a machine's DHCP and DNS entry on a network.
type netHost struct {
	MAC      string
	IP       netip.Addr
	Hostname string   // the DHCP host name (short)
	Names    []string // DNS names: the full hostname, the short one, the machine's name
}

// networkParams is everything a network is built from.
type networkParams struct {
	Name     string
	Meta     networkMeta
	Subnet   netip.Prefix
	Gateway  netip.Addr
	Isolated bool
	Hosts    []netHost
}

// buildNetwork makes the libvirt network of p: a bridge with the gateway
// on the host, dnsmasq handing each machine its static address by MAC and
// answering for its names, and NAT to the outside unless isolated.
func buildNetwork(p networkParams) (*libvirtxml.Network, error) {
	meta, err := metaElement(&p.Meta)
	if err != nil {
		return nil, err
	}
	n := &libvirtxml.Network{
		Name:     p.Name,
		Metadata: &libvirtxml.NetworkMetadata{XML: meta},
		Bridge:   &libvirtxml.NetworkBridge{Name: bridgeName(p.Name), STP: "on", Delay: "0"},
		IPs: []libvirtxml.NetworkIP{{
			Address: p.Gateway.String(),
			Prefix:  uint(p.Subnet.Bits()),
			DHCP:    &libvirtxml.NetworkDHCP{},
		}},
	}
	if !p.Isolated {
		n.Forward = &libvirtxml.NetworkForward{Mode: "nat"}
	}
	for _, h := range p.Hosts {
		n.IPs[0].DHCP.Hosts = append(n.IPs[0].DHCP.Hosts, dhcpHost(h))
		if n.DNS == nil {
			n.DNS = &libvirtxml.NetworkDNS{}
		}
		n.DNS.Host = append(n.DNS.Host, dnsHost(h))
	}
	return n, nil
}

func dhcpHost(h netHost) libvirtxml.NetworkDHCPHost {
	return libvirtxml.NetworkDHCPHost{MAC: h.MAC, Name: h.Hostname, IP: h.IP.String()}
}

func dnsHost(h netHost) libvirtxml.NetworkDNSHost {
	d := libvirtxml.NetworkDNSHost{IP: h.IP.String()}
	for _, name := range h.Names {
		d.Hostnames = append(d.Hostnames, libvirtxml.NetworkDNSHostHostname{Hostname: name})
	}
	return d
}

// bridgeName is the host interface of the libvirt network called name:
// "envr" and 8 hex digits of the name (15 characters is the most Linux
// allows). libvirt would pick the first free virbrN itself; with several
// clients making networks at once, a network here failed to start with
// "error creating bridge interface virbr2: File exists" (two given the
// same name, as far as could be seen: not reproduced by hand). A name of
// the network's own cannot be taken by another.
func bridgeName(name string) string {
	sum := sha256.Sum256([]byte(name))
	return "envr" + hex.EncodeToString(sum[:4])
}

// networkXML renders p's network.
func networkXML(p networkParams) (string, error) {
	n, err := buildNetwork(p)
	if err != nil {
		return "", err
	}
	return n.Marshal()
}

// netSettings are the settings of an existing network that must match.
type netSettings struct {
	Subnet   string
	Gateway  string
	Isolated bool
}

func (s netSettings) String() string {
	iso := "NAT"
	if s.Isolated {
		iso = "isolated"
	}
	return fmt.Sprintf("subnet %s, gateway %s, %s", s.Subnet, s.Gateway, iso)
}

// settingsOf reads the settings of a libvirt network.
func settingsOf(n *libvirtxml.Network) netSettings {
	s := netSettings{Isolated: n.Forward == nil || n.Forward.Mode == ""}
	for _, ip := range n.IPs {
		if ip.Family != "" && ip.Family != "ipv4" {
			continue
		}
		if pfx, ok := prefixOf(ip); ok {
			s.Subnet, s.Gateway = pfx.Masked().String(), ip.Address
			break
		}
	}
	return s
}

// prefixOf is the subnet of a network's <ip> element.
func prefixOf(ip libvirtxml.NetworkIP) (netip.Prefix, bool) {
	addr, err := netip.ParseAddr(ip.Address)
	if err != nil {
		return netip.Prefix{}, false
	}
	bits := int(ip.Prefix)
	if ip.Netmask != "" {
		mask, err := netip.ParseAddr(ip.Netmask)
		if err != nil {
			return netip.Prefix{}, false
		}
		bits = 0
		for _, b := range mask.AsSlice() {
			for ; b != 0; b <<= 1 {
				bits++
			}
		}
	}
	if bits == 0 {
		bits = addr.BitLen()
	}
	pfx, err := addr.Prefix(bits)
	return pfx, err == nil
}

// overlayXML is a machine's disk: a qcow2 overlay backed by the box image.
func overlayXML(name string, capacity uint64, backing string) (string, error) {
	v := &libvirtxml.StorageVolume{
		Name:     name,
		Capacity: &libvirtxml.StorageVolumeSize{Value: capacity, Unit: "bytes"},
		Target:   &libvirtxml.StorageVolumeTarget{Format: &libvirtxml.StorageVolumeTargetFormat{Type: "qcow2"}},
		BackingStore: &libvirtxml.StorageVolumeBackingStore{
			Path:   backing,
			Format: &libvirtxml.StorageVolumeTargetFormat{Type: "qcow2"},
		},
	}
	return v.Marshal()
}

// volumeXML is a plain volume of capacity bytes in format (qcow2, raw)
// that a box file is uploaded into.
func volumeXML(name string, capacity uint64, format string) (string, error) {
	v := &libvirtxml.StorageVolume{
		Name:       name,
		Capacity:   &libvirtxml.StorageVolumeSize{Value: capacity, Unit: "bytes"},
		Allocation: &libvirtxml.StorageVolumeSize{Value: 0, Unit: "bytes"},
		Target:     &libvirtxml.StorageVolumeTarget{Format: &libvirtxml.StorageVolumeTargetFormat{Type: format}},
	}
	return v.Marshal()
}

// poolXML is envrun's directory storage pool.
func poolXML(name, path string) (string, error) {
	p := &libvirtxml.StoragePool{
		Type:   "dir",
		Name:   name,
		Target: &libvirtxml.StoragePoolTarget{Path: path},
	}
	return p.Marshal()
}

// consoleLog logs the serial console to file; none when file is "" (a
// remote libvirt, whose files are not this host's).
func consoleLog(file string) *libvirtxml.DomainChardevLog {
	if file == "" {
		return nil
	}
	return &libvirtxml.DomainChardevLog{File: file, Append: "off"}
}
