package virtualbox

// Parsers of VBoxManage's output. They are pure and tested against real
// outputs kept in testdata/vboxmanage/ (see the README there for where
// each comes from). The formats are those printed by VBoxManage 6.1 and
// 7.x; the printf formats are in VirtualBox's src/VBox/Frontends/VBoxManage.

import (
	"bufio"
	"fmt"
	"net/netip"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Version is a VirtualBox version.
type Version struct {
	Major, Minor, Patch int
	Raw                 string // as VBoxManage printed it: "7.0.14r161095"
}

func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

// AtLeast reports whether v is major.minor.patch or later.
func (v Version) AtLeast(major, minor, patch int) bool {
	if v.Major != major {
		return v.Major > major
	}
	if v.Minor != minor {
		return v.Minor > minor
	}
	return v.Patch >= patch
}

// Supported says whether envrun drives this version: 6.1 and 7.x.
func (v Version) Supported() error {
	if (v.Major == 6 && v.Minor == 1) || v.Major == 7 {
		return nil
	}
	return fmt.Errorf("VirtualBox %s is not supported: envrun drives VirtualBox 6.1 and 7.x", v.Raw)
}

var versionRE = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)`)

// ParseVersion reads `VBoxManage --version`: "7.0.14r161095", or with a
// distribution's tag ("6.1.38_Ubuntur153438"), possibly after warnings
// such as the one about the vboxdrv kernel module not being loaded.
func ParseVersion(out string) (Version, error) {
	lines := strings.Split(strings.ReplaceAll(out, "\r", ""), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		m := versionRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		v := Version{Raw: l}
		v.Major, _ = strconv.Atoi(m[1])
		v.Minor, _ = strconv.Atoi(m[2])
		v.Patch, _ = strconv.Atoi(m[3])
		return v, nil
	}
	return Version{}, fmt.Errorf("cannot read the VirtualBox version from `VBoxManage --version`: %q", strings.TrimSpace(out))
}

// MachineReadable is `VBoxManage showvminfo --machinereadable`, as
// key/value pairs in output order. Values are unquoted and unescaped.
type MachineReadable struct {
	Keys   []string
	Values map[string]string
}

// Get returns the value of key, or "".
func (m *MachineReadable) Get(key string) string { return m.Values[key] }

// ParseMachineReadable parses `showvminfo --machinereadable`. Lines are
// name=value; a name may be quoted ("SATA Controller-0-0"="..."); a quoted
// value escapes " and \ with a backslash and may span lines (a multi-line
// description); an unquoted value runs to the end of the line
// (memory=1024, vrdeproperty[...]=<not set>). Lines that are not
// name=value at all (7.0 prints "Encryption:     disabled") are skipped.
func ParseMachineReadable(out string) (*MachineReadable, error) {
	m := &MachineReadable{Values: map[string]string{}}
	s := strings.ReplaceAll(out, "\r\n", "\n")
	for len(s) > 0 {
		var line string
		line, s = cutLine(s)
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, rest, ok := splitName(line)
		if !ok {
			continue
		}
		var value string
		if strings.HasPrefix(rest, `"`) && rawValue(name) {
			value, s = rawQuoted(rest[1:] + "\n" + s)
		} else if strings.HasPrefix(rest, `"`) {
			v, remaining, closed := unquote(rest[1:] + "\n" + s)
			if !closed {
				return nil, fmt.Errorf("showvminfo output: value of %s has no closing quote", name)
			}
			value = v
			// What follows the closing quote on its line is dropped
			// (VideoMode="800,600,0"@0,0 1).
			_, s = cutLine(remaining)
		} else {
			value = strings.TrimSpace(rest)
		}
		if _, dup := m.Values[name]; !dup {
			m.Keys = append(m.Keys, name)
		}
		m.Values[name] = value
	}
	return m, nil
}

// rawValue reports whether showvminfo prints name's value as it is, with
// no escaping (a plain RTPrintf, not outputMachineReadableString): the
// snapshot lines of showSnapshots and VMStateFile.
func rawValue(name string) bool {
	return name == "VMStateFile" || strings.HasPrefix(name, "SnapshotName") ||
		strings.HasPrefix(name, "SnapshotUUID") || strings.HasPrefix(name, "SnapshotDescription")
}

// nextKey matches the start of a showvminfo line that is a key: name= or
// "quoted name"=.
var nextKey = regexp.MustCompile(`^(?:"[^"\n]*"|[^"=\n]+)=`)

// rawQuoted reads a value printed unescaped (s starts after its opening
// quote): it ends at a quote that ends a line followed by a line that
// starts a key, or by nothing, so that quotes and backslashes inside it,
// and lines of a multi-line description, stay in it. A value that never
// ends so is taken to its last line's closing quote.
func rawQuoted(s string) (value, rest string) {
	from := 0
	for {
		i := strings.Index(s[from:], "\"\n")
		if i < 0 {
			v := strings.TrimSuffix(strings.TrimRight(s, "\n"), `"`)
			return v, ""
		}
		end := from + i
		after := s[end+2:]
		if after == "" || strings.TrimSpace(after) == "" || nextKey.MatchString(after) {
			return s[:end], after
		}
		from = end + 2
	}
}

func cutLine(s string) (line, rest string) {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// splitName splits name=rest, the name possibly quoted.
func splitName(line string) (name, rest string, ok bool) {
	if strings.HasPrefix(line, `"`) {
		n, after, closed := unquote(line[1:])
		if !closed || !strings.HasPrefix(after, "=") {
			return "", "", false
		}
		return n, after[1:], true
	}
	i := strings.IndexByte(line, '=')
	if i <= 0 {
		return "", "", false
	}
	return strings.TrimSpace(line[:i]), line[i+1:], true
}

// unquote reads up to the closing unescaped quote of s (which starts
// after the opening quote) and returns the value and what follows.
func unquote(s string) (value, rest string, closed bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
				b.WriteByte(s[i+1])
				i++
				continue
			}
			b.WriteByte(c)
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), "", false
}

// VMInfo is what envrun reads from a machine's showvminfo.
type VMInfo struct {
	Name        string
	UUID        string
	State       string // VMState: "running", "poweroff", "saved", "aborted", ...
	CPUs        int
	Memory      int // MiB
	Description string
	NICs        map[int]NIC       // by slot, 1-based; only attached ones
	Forwards    []Forward         // NAT rules of NIC 1
	Shared      map[string]string // shared folder name → host path
	Snapshots   []VMSnapshot      // in showvminfo's order: a parent before its children
	Raw         *MachineReadable
}

// VMSnapshot is one snapshot of a VM.
type VMSnapshot struct {
	Name, UUID, Description string
}

// Snapshot returns the VM's first snapshot named name (VirtualBox lets
// several share a name).
func (vi *VMInfo) Snapshot(name string) (VMSnapshot, bool) {
	for _, s := range vi.Snapshots {
		if s.Name == name {
			return s, true
		}
	}
	return VMSnapshot{}, false
}

// NIC is one network adapter.
type NIC struct {
	Type    string // "nat", "hostonly", "hostonlynetwork", "bridged", "intnet", ...
	Network string // the host-only interface or network it is on
	MAC     string // as VirtualBox prints it: "080027AE1F98"
}

// Forward is a NAT port forwarding rule.
type Forward struct {
	Name      string
	Proto     string
	HostIP    string
	HostPort  int
	GuestIP   string
	GuestPort int
}

var slotKey = regexp.MustCompile(`^(nic|macaddress|hostonlyadapter|hostonly-network)(\d+)$`)

// ParseVMInfo reads the machine-readable showvminfo of one machine.
func ParseVMInfo(out string) (*VMInfo, error) {
	mr, err := ParseMachineReadable(out)
	if err != nil {
		return nil, err
	}
	vi := &VMInfo{
		Name: mr.Get("name"), UUID: mr.Get("UUID"), State: mr.Get("VMState"),
		Description: mr.Get("description"),
		NICs:        map[int]NIC{}, Shared: map[string]string{},
		Raw: mr,
	}
	if vi.UUID == "" {
		return nil, fmt.Errorf("showvminfo output has no UUID")
	}
	vi.CPUs, _ = strconv.Atoi(mr.Get("cpus"))
	vi.Memory, _ = strconv.Atoi(mr.Get("memory"))
	for _, k := range mr.Keys {
		v := mr.Values[k]
		if m := slotKey.FindStringSubmatch(k); m != nil {
			slot, _ := strconv.Atoi(m[2])
			n := vi.NICs[slot]
			switch m[1] {
			case "nic":
				n.Type = v
			case "macaddress":
				n.MAC = v
			default:
				n.Network = v
			}
			vi.NICs[slot] = n
			continue
		}
		switch {
		case strings.HasPrefix(k, "Forwarding("):
			f, err := parseForward(v)
			if err != nil {
				return nil, err
			}
			vi.Forwards = append(vi.Forwards, f)
		case strings.HasPrefix(k, "SharedFolderNameMachineMapping"):
			idx := strings.TrimPrefix(k, "SharedFolderNameMachineMapping")
			vi.Shared[v] = mr.Get("SharedFolderPathMachineMapping" + idx)
		case strings.HasPrefix(k, "SnapshotName"):
			// SnapshotName, SnapshotName-1, SnapshotName-1-1: the suffix
			// is the snapshot's place in the tree, shared by its UUID and
			// description lines.
			at := strings.TrimPrefix(k, "SnapshotName")
			vi.Snapshots = append(vi.Snapshots, VMSnapshot{Name: v,
				UUID: mr.Get("SnapshotUUID" + at), Description: mr.Get("SnapshotDescription" + at)})
		}
	}
	for slot, n := range vi.NICs {
		if n.Type == "" || n.Type == "none" {
			delete(vi.NICs, slot)
		}
	}
	return vi, nil
}

// parseForward reads "ssh,tcp,127.0.0.1,2222,,22".
func parseForward(s string) (Forward, error) {
	f := strings.Split(s, ",")
	if len(f) != 6 {
		return Forward{}, fmt.Errorf("NAT rule %q: want 6 fields", s)
	}
	hp, err1 := strconv.Atoi(f[3])
	gp, err2 := strconv.Atoi(f[5])
	if err1 != nil || err2 != nil {
		return Forward{}, fmt.Errorf("NAT rule %q: bad port", s)
	}
	return Forward{Name: f[0], Proto: f[1], HostIP: f[2], HostPort: hp, GuestIP: f[4], GuestPort: gp}, nil
}

// ListedVM is one line of `VBoxManage list vms`.
type ListedVM struct {
	Name string
	UUID string
}

var listVMRE = regexp.MustCompile(`^"(.*)" \{([0-9a-fA-F-]+)\}$`)

// ParseVMList reads `list vms`: `"name" {uuid}` per line. VMs whose
// settings are inaccessible are listed as "<inaccessible>" and kept: they
// are still registered.
func ParseVMList(out string) ([]ListedVM, error) {
	var vms []ListedVM
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		l := strings.TrimRight(sc.Text(), "\r ")
		if l == "" {
			continue
		}
		m := listVMRE.FindStringSubmatch(l)
		if m == nil {
			return nil, fmt.Errorf("list vms: unexpected line %q", l)
		}
		vms = append(vms, ListedVM{Name: m[1], UUID: m[2]})
	}
	return vms, sc.Err()
}

// records splits "Key: value" blocks separated by blank lines (list
// hostonlyifs, list hostonlynets, list dhcpservers). A blank line inside a
// record (7.x prints one after GUID in `list hostonlynets`) does not end it
// unless the next line starts a new record with firstKey.
func records(out, firstKey string) []map[string]string {
	var recs []map[string]string
	var cur map[string]string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		l := strings.TrimRight(sc.Text(), "\r")
		k, v, ok := strings.Cut(l, ":")
		if !ok || strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k == firstKey || cur == nil {
			cur = map[string]string{}
			recs = append(recs, cur)
		}
		if _, seen := cur[k]; !seen {
			cur[k] = v
		}
	}
	return recs
}

// HostOnlyIf is a host-only interface (`list hostonlyifs`).
type HostOnlyIf struct {
	Name   string
	IP     netip.Addr
	Prefix netip.Prefix // IP with the mask's length
	DHCP   bool
	Status string
}

// ParseHostOnlyIfs reads `list hostonlyifs`.
func ParseHostOnlyIfs(out string) ([]HostOnlyIf, error) {
	var ifs []HostOnlyIf
	for _, r := range records(out, "Name") {
		h := HostOnlyIf{Name: r["Name"], DHCP: r["DHCP"] == "Enabled", Status: r["Status"]}
		if h.Name == "" {
			return nil, fmt.Errorf("list hostonlyifs: a record without Name")
		}
		if ip, err := netip.ParseAddr(r["IPAddress"]); err == nil {
			h.IP = ip
			if bits, err := maskBits(r["NetworkMask"]); err == nil {
				h.Prefix = netip.PrefixFrom(ip, bits)
			}
		}
		ifs = append(ifs, h)
	}
	return ifs, nil
}

// HostOnlyNet is a host-only network of 7.x on macOS (`list hostonlynets`).
type HostOnlyNet struct {
	Name    string
	Enabled bool
	Mask    string
	LowerIP netip.Addr
	UpperIP netip.Addr
}

// Prefix is the network's subnet, from its lower IP and mask.
func (h HostOnlyNet) Prefix() netip.Prefix {
	bits, err := maskBits(h.Mask)
	if err != nil || !h.LowerIP.IsValid() {
		return netip.Prefix{}
	}
	return netip.PrefixFrom(h.LowerIP, bits).Masked()
}

// ParseHostOnlyNets reads `list hostonlynets`.
func ParseHostOnlyNets(out string) ([]HostOnlyNet, error) {
	var nets []HostOnlyNet
	for _, r := range records(out, "Name") {
		n := HostOnlyNet{Name: r["Name"], Enabled: r["State"] == "Enabled", Mask: r["NetworkMask"]}
		if n.Name == "" {
			return nil, fmt.Errorf("list hostonlynets: a record without Name")
		}
		n.LowerIP, _ = netip.ParseAddr(r["LowerIP"])
		n.UpperIP, _ = netip.ParseAddr(r["UpperIP"])
		nets = append(nets, n)
	}
	return nets, nil
}

// ParseDHCPServers reads `list dhcpservers` and returns the network names
// that have a server ("HostInterfaceNetworking-vboxnet0").
func ParseDHCPServers(out string) []string {
	var names []string
	for _, r := range records(out, "NetworkName") {
		if n := r["NetworkName"]; n != "" {
			names = append(names, n)
		}
	}
	return names
}

func maskBits(mask string) (int, error) {
	a, err := netip.ParseAddr(mask)
	if err != nil || !a.Is4() {
		return 0, fmt.Errorf("bad network mask %q", mask)
	}
	b := a.As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	bits := 0
	for v&0x80000000 != 0 {
		bits++
		v <<= 1
	}
	if v != 0 {
		return 0, fmt.Errorf("bad network mask %q", mask)
	}
	return bits, nil
}

// maskOf is the dotted mask of a prefix length.
func maskOf(bits int) string {
	v := ^uint32(0) << (32 - bits)
	if bits == 0 {
		v = 0
	}
	return fmt.Sprintf("%d.%d.%d.%d", v>>24, v>>16&0xff, v>>8&0xff, v&0xff)
}

var createdRE = regexp.MustCompile(`Interface '([^']+)' was successfully created`)

// ParseCreatedInterface reads `hostonlyif create`.
func ParseCreatedInterface(out string) (string, error) {
	m := createdRE.FindStringSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("hostonlyif create: cannot find the new interface's name in %q", strings.TrimSpace(out))
	}
	return m[1], nil
}

// ParseExtraData reads `getextradata global enumerate` ("Key: k, Value:
// v" per line) into a map.
func ParseExtraData(out string) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		l := strings.TrimRight(sc.Text(), "\r")
		rest, ok := strings.CutPrefix(l, "Key: ")
		if !ok {
			continue
		}
		k, v, ok := strings.Cut(rest, ", Value: ")
		if ok {
			m[k] = v
		}
	}
	return m
}

// ParseExtraDataValue reads `getextradata VM KEY`: "Value: v", or
// "No value set!".
func ParseExtraDataValue(out string) (string, bool) {
	for _, l := range strings.Split(strings.ReplaceAll(out, "\r", ""), "\n") {
		if v, ok := strings.CutPrefix(l, "Value: "); ok {
			return v, true
		}
	}
	return "", false
}

// ImportPlan is what `VBoxManage import -n BOX.ovf` (a dry run) tells.
type ImportPlan struct {
	Name         string // suggested VM name
	SettingsFile string // suggested settings file (6.0+); "" before
	Disks        []ImportDisk
}

// ImportDisk is a hard disk the appliance brings.
type ImportDisk struct {
	Unit   int
	Source string
	Target string // a bare file name since 6.0, a full path before
}

var (
	importNameRE     = regexp.MustCompile(`(?m)^\s*\d+: Suggested VM name "(.+?)"`)
	importSettingsRE = regexp.MustCompile(`(?m)^\s*\d+: Suggested VM settings file name "(.+?)"`)
	importDiskRE     = regexp.MustCompile(`(?m)^\s*(\d+): Hard disk image: source image=(.+?), target path=(.+?), controller=`)
)

// ParseImportDryRun reads the output of `import -n`.
func ParseImportDryRun(out string) (*ImportPlan, error) {
	out = strings.ReplaceAll(out, "\r", "")
	m := importNameRE.FindStringSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("import -n: no suggested VM name in the output (is box.ovf an appliance?):\n%s", outputTail([]byte(out)))
	}
	p := &ImportPlan{Name: m[1]}
	if s := importSettingsRE.FindStringSubmatch(out); s != nil {
		p.SettingsFile = s[1]
	}
	for _, d := range importDiskRE.FindAllStringSubmatch(out, -1) {
		unit, _ := strconv.Atoi(d[1])
		p.Disks = append(p.Disks, ImportDisk{Unit: unit, Source: d[2], Target: d[3]})
	}
	if len(p.Disks) == 0 {
		return nil, fmt.Errorf("import -n: the appliance has no hard disk")
	}
	sort.Slice(p.Disks, func(i, j int) bool { return p.Disks[i].Unit < p.Disks[j].Unit })
	return p, nil
}
