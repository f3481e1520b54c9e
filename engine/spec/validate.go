package spec

import (
	"fmt"
	"maps"
	"math"
	"net/netip"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/go-version"

	"github.com/envrun/envrun/engine/graph"
	"github.com/envrun/envrun/internal/download"
	"github.com/envrun/envrun/internal/statedir"
	"github.com/envrun/envrun/internal/suggest"
)

// CheckGroup reports why s cannot name an Ansible group of the Envfile's
// machines, or "". A group may share a machine's name, as Ansible allows
// (Warnings says so).
func (e *Envfile) CheckGroup(s string) string {
	return checkGroup(s, e.Machine)
}

func checkGroup(s string, _ func(string) *Machine) string {
	switch {
	case !isEnvName(s): // an identifier, as environment variable names are
		return "Ansible group names are letters, digits and '_', not starting with a digit"
	case s == "all" || s == "ungrouped":
		return "is one of Ansible's own groups"
	}
	return ""
}

// Warnings lists what is allowed but likely unmeant, with its position:
// a group that shares a machine's name (Ansible allows it and warns
// "Found both group and host with same name": a pattern of that name
// means the machine alone).
func (e *Envfile) Warnings() []string {
	var out []string
	seen := map[string]bool{}
	warn := func(pos Pos, g string) {
		if seen[g] || e.Machine(g) == nil {
			return
		}
		seen[g] = true
		out = append(out, fmt.Sprintf("%s: group %q has a machine's name: Ansible allows it, but hosts: and --limit %q mean the machine, not the group", pos, g, g))
	}
	for _, m := range e.Machines {
		for _, g := range m.Groups {
			warn(m.Pos, g)
		}
	}
	for _, s := range e.Steps {
		if a, ok := s.(*Ansible); ok {
			for _, g := range slices.Sorted(maps.Keys(a.Groups)) {
				warn(a.Pos, g)
			}
		}
	}
	return out
}

// Validate checks the Envfile as a whole and returns every problem found
// (an Errors), or nil. It reads the file system only to check that the
// files steps name exist.
func Validate(e *Envfile) error {
	v := &validator{e: e}
	v.networks()
	v.engines()
	v.boxCatalog()
	v.machines()
	v.globalSteps()
	return v.errs.Err()
}

type validator struct {
	e    *Envfile
	errs Errors

	byName map[string]*Machine // the first machine of each name; see machine
}

// machine is e.Machine through a map: the checks look machines up by
// name for every group, dependency and host, and a list search made that
// quadratic in the number of machines.
func (v *validator) machine(name string) *Machine {
	if v.byName == nil {
		v.byName = make(map[string]*Machine, len(v.e.Machines))
		for _, m := range v.e.Machines {
			if _, ok := v.byName[m.Name]; !ok {
				v.byName[m.Name] = m
			}
		}
	}
	return v.byName[name]
}

func (v *validator) add(pos Pos, format string, args ...any) {
	v.errs = append(v.errs, Errorf(pos, format, args...))
}

// CheckName reports why s cannot name a machine, network or step, or "".
func CheckName(s string) string {
	if isName(s) {
		return ""
	}
	if s == "" {
		return "must not be empty"
	}
	return "must be 1 to 63 letters, digits, '-' or '_', starting with a letter or digit"
}

// CheckHostname reports why s is not a valid DNS hostname (RFC 1123), or "".
func CheckHostname(s string) string {
	if len(s) > 253 {
		return "is longer than 253 characters"
	}
	if s == "" {
		return "must not be empty"
	}
	for rest := s; ; {
		label, after, more := strings.Cut(rest, ".")
		if !isLabel(label) {
			return fmt.Sprintf("has an invalid label %q (letters, digits and '-', 1 to 63 characters, not starting or ending with '-')", label)
		}
		if !more {
			break
		}
		rest = after
	}
	return ""
}

func (v *validator) networks() {
	seen := map[string]*Network{}
	for _, n := range v.e.Networks {
		what := fmt.Sprintf("network %q", n.Name)
		if why := CheckName(n.Name); why != "" {
			v.add(n.Pos, "%s: name %s", what, why)
		}
		if prev := seen[n.Name]; prev != nil {
			v.add(n.Pos, "%s is defined twice (first at %s)", what, prev.Pos)
			continue
		}
		seen[n.Name] = n
		if !n.Subnet.IsValid() {
			v.add(n.Pos, "%s: subnet is missing", what)
			continue
		}
		if !n.Subnet.Addr().Is4() {
			v.add(n.Pos, "%s: subnet %s: only IPv4 subnets are supported", what, n.Subnet)
			continue
		}
		if why := checkPrivate(n.Subnet); why != "" {
			v.add(n.Pos, "%s: subnet %s %s", what, n.Subnet, why)
			continue
		}
		if n.Subnet.Bits() > 30 {
			v.add(n.Pos, "%s: subnet %s is too small: it needs room for a gateway and a machine (/30 at most)", what, n.Subnet)
			continue
		}
		if why := checkHostAddr(n.Subnet, n.Gateway); why != "" {
			v.add(n.Pos, "%s: gateway %s %s", what, n.Gateway, why)
		}
		for _, other := range v.e.Networks {
			if other == n {
				break
			}
			if other.Subnet.IsValid() && other.Subnet.Overlaps(n.Subnet) && seen[other.Name] == other {
				v.add(n.Pos, "%s: subnet %s overlaps subnet %s of network %q (%s)", what, n.Subnet, other.Subnet, other.Name, other.Pos)
			}
		}
	}
}

// privateRanges are where an environment's subnets may lie: RFC 1918's
// private LANs, the shared address space of RFC 6598 and the documentation
// ranges of RFC 5737. Nothing there is a real host on the internet.
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
}

// specialRanges say why a subnet over them is refused.
var specialRanges = []struct {
	p   netip.Prefix
	why string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), `holds 0.0.0.0/8 ("this network"), which no host may use`},
	{netip.MustParsePrefix("127.0.0.0/8"), "holds loopback addresses (127.0.0.0/8): the host's own services live there"},
	{netip.MustParsePrefix("169.254.0.0/16"), "holds link-local addresses (169.254.0.0/16): cloud metadata services and zeroconf live there"},
	{netip.MustParsePrefix("224.0.0.0/4"), "holds multicast addresses (224.0.0.0/4), which no machine can have"},
	{netip.MustParsePrefix("240.0.0.0/4"), "holds reserved addresses (240.0.0.0/4) and the broadcast address"},
}

// checkPrivate reports why subnet is not a private LAN an environment may
// take, or "".
func checkPrivate(subnet netip.Prefix) string {
	subnet = subnet.Masked()
	for _, r := range privateRanges {
		if r.Bits() <= subnet.Bits() && r.Contains(subnet.Addr()) {
			return ""
		}
	}
	for _, r := range specialRanges {
		if r.p.Bits() <= subnet.Bits() && r.p.Contains(subnet.Addr()) {
			return r.why
		}
	}
	if subnet.Bits() < 8 {
		return "is not a private LAN: it spans much of the internet (the largest private range, 10.0.0.0/8, is a /8)"
	}
	for _, r := range specialRanges {
		if subnet.Overlaps(r.p) {
			return r.why
		}
	}
	return "is not a private LAN: its addresses belong to hosts on the internet, which the machines would hide from this host. " +
		"Use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (or 100.64.0.0/10)"
}

// checkHostAddr reports why ip cannot be a host of subnet, or "".
func checkHostAddr(subnet netip.Prefix, ip netip.Addr) string {
	switch {
	case !ip.IsValid():
		return "is missing"
	case !subnet.Contains(ip):
		return fmt.Sprintf("is outside subnet %s", subnet)
	case ip == subnet.Masked().Addr():
		return fmt.Sprintf("is the network address of %s", subnet)
	case ip == broadcast(subnet):
		return fmt.Sprintf("is the broadcast address of %s", subnet)
	}
	return ""
}

func broadcast(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	hostBits := 32 - p.Bits()
	n := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	n |= 1<<hostBits - 1
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

func (v *validator) engines() {
	seen := map[string]*Engine{}
	var def *Engine
	for _, en := range v.e.Engines {
		what := fmt.Sprintf("engine %q", en.Name)
		if why := CheckName(en.Name); why != "" {
			v.add(en.Pos, "%s: name %s", what, why)
		}
		if prev := seen[en.Name]; prev != nil {
			v.add(en.Pos, "%s is defined twice (first at %s)", what, prev.Pos)
			continue
		}
		seen[en.Name] = en
		if en.Default {
			if def != nil {
				v.add(en.Pos, "%s: only one engine may be the default, and engine %q (%s) is", what, def.Name, def.Pos)
			}
			def = en
		}
	}
	var names []string
	for _, en := range v.e.Engines {
		names = append(names, en.Name)
	}
	for _, m := range v.e.Machines {
		if m.Engine != "" && v.e.Engine(m.Engine) == nil {
			if len(names) == 0 {
				v.add(m.Pos, "machine %q: unknown engine %q: declare it with engine %q { docker = \"ssh://...\" }", m.Name, m.Engine, m.Engine)
				continue
			}
			v.add(m.Pos, "machine %q: unknown engine %q%s (engines: %s)", m.Name, m.Engine, suggest.DidYouMean(m.Engine, names), strings.Join(names, ", "))
		}
	}
}

func (v *validator) machines() {
	seen := map[string]*Machine{}
	ips := map[netip.Addr]*Machine{}
	hostnames := map[string]*Machine{}
	names := v.e.MachineNames()
	var netNames []string
	for _, n := range v.e.Networks {
		netNames = append(netNames, n.Name)
	}
	var primary *Machine
	for _, m := range v.e.Machines {
		what := fmt.Sprintf("machine %q", m.Name)
		if why := CheckName(m.Name); why != "" {
			v.add(m.Pos, "%s: name %s", what, why)
		}
		if prev := seen[m.Name]; prev != nil {
			v.add(m.Pos, "%s is defined twice (first at %s)", what, prev.Pos)
			continue
		}
		seen[m.Name] = m
		if why := CheckHostname(m.Hostname); why != "" {
			v.add(m.Pos, "%s: hostname %q %s", what, m.Hostname, why)
		} else if prev := hostnames[strings.ToLower(m.Hostname)]; prev != nil {
			v.add(m.Pos, "%s: hostname %q is already used by machine %q (%s)", what, m.Hostname, prev.Name, prev.Pos)
		} else {
			hostnames[strings.ToLower(m.Hostname)] = m
		}
		if !isUser(m.User) {
			v.add(m.Pos, "%s: user %q is not a valid user name", what, m.User)
		}
		v.ranges(m.Pos, what, EnvfileSchema.Table("machine"), m.Given, m)
		v.boxSource(m, what)
		v.ranges(m.Pos, what+": ssh", EnvfileSchema.Table("ssh"), m.SSH.Given, &m.SSH)
		v.providerRanges(m, what)
		for _, a := range m.Networks {
			n := v.e.Network(a.Network)
			if n == nil {
				v.add(m.Pos, "%s: unknown network %q%s", what, a.Network, suggest.DidYouMean(a.Network, netNames))
				continue
			}
			if !n.Subnet.IsValid() {
				continue
			}
			if why := checkHostAddr(n.Subnet, a.IP); why != "" {
				v.add(m.Pos, "%s: IP %s on network %q %s", what, a.IP, n.Name, why)
				continue
			}
			if a.IP == n.Gateway {
				v.add(m.Pos, "%s: IP %s on network %q is the network's gateway", what, a.IP, n.Name)
				continue
			}
			if prev := ips[a.IP]; prev != nil {
				v.add(m.Pos, "%s: IP %s is already used by machine %q (%s)", what, a.IP, prev.Name, prev.Pos)
				continue
			}
			ips[a.IP] = m
		}
		for _, g := range m.Groups {
			if why := checkGroup(g, v.machine); why != "" {
				v.add(m.Pos, "%s: group %q: %s", what, g, why)
			}
		}
		for _, dep := range m.DependsOn {
			switch {
			case dep == m.Name:
				v.add(m.Pos, "%s: depends_on names the machine itself", what)
			case v.machine(dep) == nil:
				v.add(m.Pos, "%s: depends_on: unknown machine %q%s", what, dep, suggest.DidYouMean(dep, names))
			}
		}
		stateDir := filepath.Join(v.e.Dir, ".envrun") // statedir.Name
		for _, sf := range m.SyncedFolders {
			if rel, err := filepath.Rel(stateDir, sf.Host); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
				v.add(m.Pos, "%s: synced folder %s is envrun's state folder, which holds the environment's private key: it is never shared", what, sf.Host)
			}
			if sf.Type == SyncedRsync {
				home := "/home/" + m.User
				if m.User == "root" {
					home = "/root"
				}
				if g := path.Clean(sf.Guest); !path.IsAbs(g) || g == "/" || g == home {
					v.add(m.Pos, "%s: synced folder %s: an rsync folder's guest path is an absolute folder other than / and %s, the user's home: "+
						"the copy removes there what the host folder does not have (with the machine's authorized_keys)", what, sf.Guest, home)
				}
			}
			if len(sf.Exclude) > 0 && sf.Type != SyncedRsync {
				v.add(m.Pos, "%s: synced folder %s: exclude is for type = \"rsync\" folders, which envrun copies; a mounted folder shows the whole host folder", what, sf.Guest)
			}
		}
		for _, bad := range nonFinite("vars", m.Vars) {
			v.add(m.Pos, "%s: %s: Ansible has no such number", what, bad)
		}
		seenPorts := map[string]bool{}
		for _, p := range m.Ports {
			key := fmt.Sprintf("%s:%d/%s", p.HostIP, p.Host, p.Protocol)
			if seenPorts[key] {
				v.add(m.Pos, "%s: host port %s is forwarded twice", what, key)
			}
			seenPorts[key] = true
		}
		v.steps(what, m.Steps)
		if m.Primary {
			if primary != nil {
				v.add(m.Pos, "%s: primary = true, and machine %q (%s) is primary already: one machine at most is the one `envrun ssh` reaches by default", what, primary.Name, primary.Pos)
			} else {
				primary = m
			}
		}
	}
	v.portConflicts(seen)
	v.cycles("depends_on", len(v.e.Machines), func(i int) (string, Pos, []string) {
		m := v.e.Machines[i]
		return m.Name, m.Pos, m.DependsOn
	})
}

// portConflicts reports two machines claiming the same host port, unless
// one of the two lets the provider pick another (auto_correct): up would
// otherwise fail half-way, with one machine running and the other not.
func (v *validator) portConflicts(seen map[string]*Machine) {
	type claim struct {
		m *Machine
		p Port
	}
	byPort := map[int][]claim{}
	for _, m := range v.e.Machines {
		if seen[m.Name] != m {
			continue
		}
		for _, p := range m.Ports {
			for _, c := range byPort[p.Host] {
				if c.m != m && !p.AutoCorrect && !c.p.AutoCorrect && p.Conflicts(c.p) {
					v.add(m.Pos, "machine %q: host port %s is also forwarded by machine %q (%s, %q): give one another host port, or let envrun pick a free one with { host = %d, guest = %d, auto_correct = true }",
						m.Name, portKey(p), c.m.Name, c.m.Pos, c.p.String(), p.Host, p.Guest)
					break
				}
			}
			byPort[p.Host] = append(byPort[p.Host], claim{m, p})
		}
	}
}

func portKey(p Port) string {
	s := fmt.Sprintf("%d/%s", p.Host, p.Protocol)
	if p.HostIP != "" {
		s = p.HostIP + ":" + s
	}
	return s
}

func (v *validator) steps(owner string, steps []Step) {
	seen := map[string]Step{}
	for _, s := range steps {
		info := s.Info()
		what := fmt.Sprintf("%s: %s step %q", owner, info.Kind, info.Name)
		if f, ok := s.(*File); ok && f.Folder != nil {
			what = fmt.Sprintf("%s: synced folder %s", owner, f.Destination)
		}
		if prev := seen[info.Name]; prev != nil {
			v.add(info.Pos, "%s: step name %q is used twice (first at %s)", owner, info.Name, prev.Info().Pos)
		}
		seen[info.Name] = s
		v.checkStep(what, s)
	}
}

func (v *validator) checkStep(what string, s Step) {
	info := s.Info()
	for _, t := range EnvfileSchema.Tables {
		if t.Name == info.Kind {
			v.ranges(info.Pos, what, t, info.Given, s)
		}
	}
	switch s := s.(type) {
	case *Shell:
		v.fileExists(info.Pos, what, "path", s.Path, false)
		names := make([]string, 0, len(s.Env))
		for k := range s.Env {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			if !isEnvName(k) {
				v.add(info.Pos, "%s: env name %q is not a variable name (letters, digits and '_', not starting with a digit)", what, k)
			}
		}
	case *File:
		if s.Folder != nil {
			// An rsync folder's upload: the folder's own checks (above)
			// cover .envrun.
			if fi, err := os.Stat(s.Source); err != nil {
				v.add(info.Pos, "%s: host folder %s does not exist", what, v.rel(s.Source))
			} else if !fi.IsDir() {
				v.add(info.Pos, "%s: %s is a file: an rsync folder copies a folder (a file { } step copies a file)", what, v.rel(s.Source))
			}
			break
		}
		v.fileExists(info.Pos, what, "source", s.Source, true)
		if slices.Contains(strings.Split(filepath.ToSlash(s.Source), "/"), statedir.Name) {
			v.add(info.Pos, "%s: source %s is inside %s, the environment's private folder (its key, state and lock): envrun never uploads it", what, v.rel(s.Source), statedir.Name)
		}
	case *Ansible:
		v.fileExists(info.Pos, what, "playbook", s.Playbook, false)
		v.fileExists(info.Pos, what, "config", s.Config, false)
		v.fileExists(info.Pos, what, "vault_password_file", s.VaultPasswordFile, false)
	}
}

func (v *validator) fileExists(pos Pos, what, key, path string, dirOK bool) {
	if path == "" {
		return
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		v.add(pos, "%s: %s %s does not exist", what, key, v.rel(path))
	case fi.IsDir() && !dirOK:
		v.add(pos, "%s: %s %s is a folder, not a file", what, key, v.rel(path))
	}
}

func (v *validator) rel(path string) string {
	if rel, ok := strings.CutPrefix(path, v.e.Dir+"/"); ok {
		return rel
	}
	return path
}

func (v *validator) globalSteps() {
	seen := map[string]Step{}
	var names []string
	for _, s := range v.e.Steps {
		names = append(names, s.Info().Name)
	}
	machineNames := v.e.MachineNames()
	for _, s := range v.e.Steps {
		info := s.Info()
		what := fmt.Sprintf("%s %q", info.Kind, info.Name)
		if why := CheckName(info.Name); why != "" {
			v.add(info.Pos, "%s: name %s", what, why)
		}
		if prev := seen[info.Name]; prev != nil {
			v.add(info.Pos, "%s is defined twice (first at %s)", what, prev.Info().Pos)
			continue
		}
		seen[info.Name] = s
		v.checkStep(what, s)
		g, ok := s.(GlobalStep)
		if !ok {
			continue
		}
		if len(g.HostNames()) == 0 {
			v.add(info.Pos, "%s: hosts is empty: no machine to run on", what)
		}
		for _, h := range g.HostNames() {
			if v.machine(h) == nil {
				v.add(info.Pos, "%s: hosts: unknown machine %q%s", what, h, suggest.DidYouMean(h, machineNames))
			}
		}
		for _, dep := range g.AfterNames() {
			switch {
			case dep == info.Name:
				v.add(info.Pos, "%s: after names the step itself", what)
			case v.e.Step(dep) != nil && v.machine(dep) != nil:
				v.add(info.Pos, "%s: after: %q is both a global step and a machine: rename one", what, dep)
			case v.e.Step(dep) == nil && v.machine(dep) == nil:
				v.add(info.Pos, "%s: after: no global step or machine %q%s", what, dep, suggest.DidYouMean(dep, append(slices.Clone(names), machineNames...)))
			}
		}
		if a, ok := s.(*Ansible); ok {
			v.ansible(what, a)
		}
	}
	v.cycles("after", len(v.e.Steps), func(i int) (string, Pos, []string) {
		s := v.e.Steps[i]
		var after []string
		if g, ok := s.(GlobalStep); ok {
			after = g.AfterNames()
		}
		return s.Info().Name, s.Info().Pos, after
	})
}

// ansible checks what only an ansible step has: its extra variables, and
// that its inventory's groups, children, group_vars and host_vars name
// groups and machines that exist.
func (v *validator) ansible(what string, a *Ansible) {
	info, machineNames := a.Info(), v.e.MachineNames()
	for _, bad := range nonFinite("extra_vars", a.ExtraVars) {
		v.add(info.Pos, "%s: %s: JSON, which Ansible reads extra variables in, has no such number", what, bad)
	}
	for _, g := range slices.Sorted(maps.Keys(a.Groups)) {
		if why := checkGroup(g, v.machine); why != "" {
			v.add(info.Pos, "%s: groups: %q: %s", what, g, why)
		}
		for _, h := range a.Groups[g] {
			if v.machine(h) == nil {
				v.add(info.Pos, "%s: groups.%s: unknown machine %q%s", what, g, h, suggest.DidYouMean(h, machineNames))
			}
		}
	}
	groups := v.groupNames(a)
	parents := slices.Sorted(maps.Keys(a.Children))
	for _, parent := range parents {
		if why := checkGroup(parent, v.machine); why != "" {
			v.add(info.Pos, "%s: children: %q: %s", what, parent, why)
		}
		for _, child := range a.Children[parent] {
			if child != parent && !slices.Contains(groups, child) {
				v.add(info.Pos, "%s: children.%s: unknown group %q%s", what, parent, child, suggest.DidYouMean(child, groups))
			}
		}
	}
	v.cycles(what+": children", len(parents), func(i int) (string, Pos, []string) {
		return parents[i], info.Pos, a.Children[parents[i]]
	})
	for _, g := range slices.Sorted(maps.Keys(a.GroupVars)) {
		if g != "all" && g != "ungrouped" && !slices.Contains(groups, g) {
			v.add(info.Pos, "%s: group_vars: unknown group %q%s", what, g, suggest.DidYouMean(g, groups))
		}
	}
	for _, h := range slices.Sorted(maps.Keys(a.HostVars)) {
		if v.machine(h) == nil {
			v.add(info.Pos, "%s: host_vars: unknown machine %q%s", what, h, suggest.DidYouMean(h, machineNames))
		}
	}
}

// groupNames are the inventory groups an ansible step can name, sorted:
// the machines' groups, the step's groups and the parents of its
// children. A user's inventory_path may hold more, which envrun does not
// read: name those in groups or children too.
func (v *validator) groupNames(a *Ansible) []string {
	var out []string
	for _, m := range v.e.Machines {
		out = append(out, m.Groups...)
	}
	out = append(out, slices.Collect(maps.Keys(a.Groups))...)
	out = append(out, slices.Collect(maps.Keys(a.Children))...)
	slices.Sort(out)
	return slices.Compact(out)
}

// nonFinite finds the NaN and infinite numbers in v (Envfile values:
// maps, lists, numbers, strings, booleans): "PATH is NaN", in order.
func nonFinite(path string, v any) []string {
	var out []string
	switch v := v.(type) {
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			out = append(out, fmt.Sprintf("%s is %v", path, v))
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			out = append(out, nonFinite(path+"."+k, v[k])...)
		}
	case []any:
		for i, e := range v {
			out = append(out, nonFinite(fmt.Sprintf("%s[%d]", path, i+1), e)...)
		}
	}
	return out
}

// cycles reports each dependency cycle among n items once, as a readable
// path ("a → b → a") at the position of its first item.
func (v *validator) cycles(key string, n int, item func(int) (string, Pos, []string)) {
	deps := map[string][]string{}
	pos := map[string]Pos{}
	var order []string
	for i := 0; i < n; i++ {
		name, p, d := item(i)
		if _, dup := deps[name]; dup {
			continue
		}
		// A self-reference is reported on its own already.
		deps[name] = slices.DeleteFunc(slices.Clone(d), func(s string) bool { return s == name })
		pos[name] = p
		order = append(order, name)
	}
	for _, cycle := range graph.FindCycles(order, func(s string) []string { return deps[s] }) {
		v.add(pos[cycle[0]], "%s forms a cycle: %s", key, strings.Join(append(cycle, cycle[0]), " → "))
	}
}

// boxSource checks box_url, box_version and box_download_checksum: an
// http(s) URL, a constraint in Vagrant's syntax, a TYPE:HEX checksum. The
// last two are unused without box_url, not wrong: defaults may give them
// for the machines that have one.
func (v *validator) boxSource(m *Machine, what string) {
	if m.BoxURL != "" {
		if u, err := url.Parse(m.BoxURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.add(m.Pos, "%s: box_url %q is not an http(s) URL", what, m.BoxURL)
		}
	}
	if m.BoxVersion != "" {
		if _, err := version.NewConstraint(m.BoxVersion); err != nil {
			v.add(m.Pos, "%s: box_version %q: %v (write it as Vagrant does: \">= 1.0, < 2.0\", \"~> 1.2\", \"= 1.2.3\")", what, m.BoxVersion, err)
		}
	}
	if m.BoxDownloadChecksum != "" {
		if _, err := download.ParseChecksum(m.BoxDownloadChecksum); err != nil {
			v.add(m.Pos, "%s: box_download_checksum: %v", what, err)
		}
	}
}
