//go:build libvirt_dlopen && cgo

package libvirt

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"libvirt.org/go/libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/pause"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provider/guest"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/timing"
	"github.com/envrun/envrun/internal/tail"
)

// domainRef is a domain of the environment found in libvirt.
type domainRef struct {
	uri  string
	c    *libvirt.Connect
	dom  *libvirt.Domain
	def  *libvirtxml.Domain
	meta *machineMeta
}

func (d *domainRef) free() { d.dom.Free() }

// readDomain parses a domain's definition and envrun's metadata in it
// (nil when it has none).
func readDomain(v domView) (*libvirtxml.Domain, *machineMeta, error) {
	x, err := v.xml()
	if err != nil {
		return nil, nil, lverr(err, "read libvirt domain %s", v.name())
	}
	var d libvirtxml.Domain
	if err := d.Unmarshal(x); err != nil {
		return nil, nil, fmt.Errorf("read libvirt domain: %w", err)
	}
	if d.Metadata == nil {
		return &d, nil, nil
	}
	var meta machineMeta
	if err := parseMeta(d.Metadata.XML, "machine", &meta); err != nil {
		return &d, nil, nil
	}
	return &d, &meta, nil
}

// lookupDomain finds the domain of machine name on the connection uri;
// nil when there is none. A domain of that name that is not this
// environment's machine is an error.
func (p *Provider) lookupDomain(ctx context.Context, uri, name string) (*domainRef, error) {
	c, err := p.conn(ctx, uri)
	if err != nil {
		return nil, err
	}
	dn := p.domainName(name)
	dom, err := c.LookupDomainByName(dn)
	if code(err) == libvirt.ERR_NO_DOMAIN {
		return nil, nil
	}
	if err != nil {
		return nil, lverr(err, "look up libvirt domain %s", dn)
	}
	def, meta, err := readDomain(libDomain{dom, dn})
	if err != nil {
		dom.Free()
		return nil, err
	}
	if meta == nil || meta.Project != p.env.Project || meta.Machine != name {
		dom.Free()
		return nil, fmt.Errorf("a libvirt domain named %s exists at %s and is not this environment's machine %q: remove or rename it (virsh undefine %s)", dn, uri, name, dn)
	}
	return &domainRef{uri: uri, c: c, dom: dom, def: def, meta: meta}, nil
}

// findDomain looks for machine name on its own connection first, then on
// the environment's others (a machine whose uri changed, an orphan).
func (p *Provider) findDomain(ctx context.Context, name string) (*domainRef, error) {
	first := p.machineURI(name)
	uris := append([]string{first}, p.uris...)
	for i, uri := range uris {
		if i > 0 && uri == first {
			continue
		}
		d, err := p.lookupDomain(ctx, uri, name)
		if d != nil || err != nil {
			return d, err
		}
	}
	return nil, nil
}

// Up creates, or starts, machine m's domain, and starts the forwarder of
// its ports (their host ports bound before anything else, so that a port
// in use fails with nothing made).
func (p *Provider) Up(ctx context.Context, m *spec.Machine) (*provider.Instance, error) {
	pp, err := p.preparePorts(m)
	if err != nil {
		return nil, err
	}
	inst, err := p.up(ctx, m)
	if err != nil {
		pp.abandon()
		return nil, err
	}
	if err := pp.start(inst); err != nil {
		return nil, err
	}
	return inst, nil
}

// up creates, or starts, machine m's domain.
func (p *Provider) up(ctx context.Context, m *spec.Machine) (*provider.Instance, error) {
	o, err := decodeOptions(m, p.env.Envfile.Dir)
	if err != nil {
		return nil, err
	}
	uri := o.uri()
	if inst, ok := p.running(ctx, uri, m, o); ok {
		return inst, nil
	}
	d, err := p.lookupDomain(ctx, uri, m.Name)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return p.create(ctx, uri, m, o)
	}
	defer d.free()
	if d.meta.HostKey == "" || d.meta.Key == "" {
		// First contact never finished: an earlier run was cut off while
		// the machine booted. It holds nothing of value; make it anew.
		p.env.UI.Infof(m.Name, "removing VM %s left half-made by an interrupted run", d.def.Name)
		if err := p.remove(ctx, d); err != nil {
			return nil, err
		}
		return p.create(ctx, uri, m, o)
	}
	if d.meta.Key != fingerprint(p.env.Key.Signer.PublicKey()) {
		return nil, fmt.Errorf("VM %s was set up for another environment key (%s); the key in %s is new, so envrun cannot log in any more: `envrun destroy %s && envrun up %s` makes it anew",
			d.def.Name, d.meta.Key, p.env.Key.Path, m.Name, m.Name)
	}
	inst, err := p.existing(ctx, libReads{d.c}, uri, m, o, d.def, d.meta)
	if err != nil {
		return nil, err
	}
	state, _, err := d.dom.GetState()
	if err != nil {
		return nil, lverr(err, "state of VM %s", d.def.Name)
	}
	switch state {
	case libvirt.DOMAIN_RUNNING:
		return inst, nil
	case libvirt.DOMAIN_PAUSED:
		p.env.UI.Infof(m.Name, "resuming VM %s (was paused)", d.def.Name)
		if err := d.dom.Resume(); err != nil {
			return nil, lverr(err, "resume VM %s", d.def.Name)
		}
	case libvirt.DOMAIN_PMSUSPENDED:
		p.env.UI.Infof(m.Name, "waking VM %s (was suspended)", d.def.Name)
		if err := d.dom.PMWakeup(0); err != nil {
			return nil, lverr(err, "wake VM %s", d.def.Name)
		}
	default:
		if state != libvirt.DOMAIN_SHUTOFF && state != libvirt.DOMAIN_CRASHED {
			// Being shut down: let it finish, then start it again.
			if err := p.halt(ctx, d, o.haltTimeout(), m.Name); err != nil {
				return nil, err
			}
		}
		p.env.UI.Infof(m.Name, "starting VM %s (was %s)", d.def.Name, stateName(state))
		p.resetConsole(m.Name)
		inst.Woke = suspended(d.dom)
		if err := d.dom.Create(); err != nil {
			return nil, lverr(err, "start VM %s", d.def.Name)
		}
	}
	inst.Started = true
	return inst, nil
}

// running returns machine m's instance when its domain runs, was made for
// the environment's key and has its first boot behind it: a no-op up's
// case, read only, over libvirtd's protocol where it answers (rpc.go). ok
// is false for anything else, and up then takes the long way, which says
// what is wrong when something is.
func (p *Provider) running(ctx context.Context, uri string, m *spec.Machine, o *Options) (inst *provider.Instance, ok bool) {
	r, err := p.reads(ctx, uri)
	if err != nil {
		return nil, false
	}
	v, err := r.domain(p.domainName(m.Name))
	if v == nil || err != nil {
		return nil, false
	}
	defer v.free()
	def, meta, err := readDomain(v)
	if err != nil || meta == nil || meta.Project != p.env.Project || meta.Machine != m.Name ||
		meta.HostKey == "" || meta.Key != fingerprint(p.env.Key.Signer.PublicKey()) {
		return nil, false
	}
	if state, err := v.state(); err != nil || state != libvirt.DOMAIN_RUNNING {
		return nil, false
	}
	inst, err = p.existing(ctx, r, uri, m, o, def, meta)
	return inst, err == nil
}

// existing is the instance of machine m's existing domain, its drift from
// the Envfile said.
func (p *Provider) existing(ctx context.Context, r reads, uri string, m *spec.Machine, o *Options, def *libvirtxml.Domain, meta *machineMeta) (*provider.Instance, error) {
	p.warnDrift(ctx, r, uri, m, o, meta, def)
	inst, err := p.instance(m, o, def.UUID, meta)
	if err != nil {
		return nil, err
	}
	if meta.FoldersPending || meta.SSHPortPending != 0 || meta.NamesPending {
		inst.Settle = p.settle(uri, m, meta, inst)
	}
	return inst, nil
}

// instance describes machine m's domain as an Instance.
func (p *Provider) instance(m *spec.Machine, o *Options, uuid string, meta *machineMeta) (*provider.Instance, error) {
	inst := &provider.Instance{ID: uuid, User: meta.User, SSHTimeout: o.bootTimeout()}
	if inst.User == "" {
		inst.User = m.User
	}
	if meta.IP != "" {
		inst.Addr = meta.sshAddr()
	}
	if meta.HostKey != "" {
		key, err := comm.ParsePublicKey(meta.HostKey)
		if err != nil {
			return nil, fmt.Errorf("VM of %s has a damaged host key in its metadata: %w", m.Name, err)
		}
		inst.HostKey = key
	}
	return inst, nil
}

// params is what machine m's domain is made from, with box b.
func (p *Provider) params(uri string, m *spec.Machine, o *Options, b *boxVols, dtype, disk string, data []string) (domainParams, error) {
	dp := domainParams{
		Name:      p.domainName(m.Name),
		Title:     fmt.Sprintf("envrun: %s (%s)", m.Name, p.env.Envfile.Path),
		Type:      dtype,
		CPUs:      m.CPUs,
		MemoryMB:  m.Memory,
		Disk:      disk,
		DataDisks: data,
		Opts:      o,
	}
	switch {
	case o.Kernel != "":
		dp.Kernel, dp.Initrd, dp.Cmdline = o.Kernel, o.Initrd, o.Cmdline
	default:
		dp.Kernel, dp.Initrd, dp.Cmdline = b.Kernel, b.Initrd, b.Cmdline
		if o.Initrd != "" {
			dp.Initrd = o.Initrd
		}
		if o.Cmdline != "" {
			dp.Cmdline = o.Cmdline
		}
	}
	if dp.Kernel == "" && (dp.Initrd != "" || dp.Cmdline != "") {
		return dp, fmt.Errorf("machine %q: libvirt.initrd and libvirt.cmdline need a kernel: set libvirt.kernel (box %s brings none)", m.Name, m.Box)
	}
	for _, a := range m.Networks {
		dp.NICs = append(dp.NICs, nic{Network: p.networkName(a.Network), MAC: MACFor(p.env.Project, m.Name, a.Network)})
	}
	if isLocal(uri) {
		dp.Console = p.consolePath(m.Name)
	}
	dp.Folders = planFolders(p.env.Envfile, m, defaultVirtiofs(uri))
	return dp, nil
}

// consolePath is the file machine name's serial console is logged to.
func (p *Provider) consolePath(name string) string {
	return p.env.State.Join("console-" + name + ".log")
}

// resetConsole removes the console log of a machine about to boot, so
// that what it shows is this boot's.
func (p *Provider) resetConsole(name string) { os.Remove(p.consolePath(name)) }

// ConsoleTail returns the last lines of machine name's serial console log.
func (p *Provider) ConsoleTail(name string, lines int) (path, last string, err error) {
	path = p.consolePath(name)
	data, err := os.ReadFile(path)
	if err != nil {
		return path, "", err
	}
	return path, tail.Lines(cleanConsole(string(data)), lines), nil
}

// create makes machine m's overlay and domain, boots it and makes first
// contact. When anything fails (or ctx ends) the domain and overlay are
// removed again: nothing half-made stays behind.
func (p *Provider) create(ctx context.Context, uri string, m *spec.Machine, o *Options) (inst *provider.Instance, err error) {
	c, err := p.conn(ctx, uri)
	if err != nil {
		return nil, err
	}
	endBox := timing.Start(ctx, "box")
	b, err := p.ensureBox(ctx, c, uri, m)
	if err != nil {
		return nil, err
	}
	dtype, err := p.domainType(uri, o)
	if err != nil {
		return nil, err
	}
	endBox()
	if isLocal(uri) {
		p.kvmWarned.Do(func() {
			if advice := hostKVMAdvice(); advice != "" {
				p.env.UI.Warnf(m.Name, "%s", advice)
			}
		})
	}
	endDefine := timing.Start(ctx, "define")
	pool, err := ensurePool(c, uri)
	if err != nil {
		return nil, err
	}
	defer pool.Free()
	name := p.domainName(m.Name)
	volName := name + ".qcow2"
	if err := deleteVolume(pool, volName); err != nil { // left by a run killed mid-way
		return nil, err
	}
	capacity := b.Meta.VirtualSize
	if want := uint64(o.DiskSize) << 30; want > capacity {
		capacity = want
	}
	vx, err := overlayXML(volName, capacity, b.Image)
	if err != nil {
		return nil, err
	}
	vol, err := pool.StorageVolCreateXML(vx, 0)
	if err != nil {
		return nil, lverr(err, "make the disk of %s on box %s", m.Name, m.Box)
	}
	defer vol.Free()
	ref := &domainRef{uri: uri, c: c, meta: &machineMeta{Pool: PoolName, Volume: volName}}
	defer func() {
		if err != nil {
			cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if rmErr := p.remove(cleanup, ref); rmErr != nil {
				p.env.UI.Warnf(m.Name, "could not remove the half-made VM %s: %v", name, rmErr)
			}
		}
		if ref.dom != nil {
			ref.dom.Free()
		}
	}()
	if err := pause.At(ctx, "volume-created:"+m.Name); err != nil {
		return nil, err
	}
	disk, err := vol.GetPath()
	if err != nil {
		return nil, lverr(err, "disk of %s", m.Name)
	}
	if err := deleteDataDisks(pool, name, 0); err != nil { // left by a run killed mid-way
		return nil, err
	}
	data, err := ensureDataDisks(pool, name, o.disks)
	if err != nil {
		return nil, err
	}
	dp, err := p.params(uri, m, o, b, dtype, disk, data)
	if err != nil {
		return nil, err
	}
	meta := machineMeta{
		Project: p.env.Project, Machine: m.Name, Envfile: p.env.Envfile.Path, User: m.User,
		Box: m.Box, Pool: PoolName, Volume: volName, Folders: folderSig(dp.Folders), Hostname: m.Hostname,
	}
	if ip := m.IP(); ip.IsValid() {
		meta.IP = ip.String()
	}
	if meta.Config, err = configHash(dp, m.Hostname); err != nil {
		return nil, err
	}
	if meta.Rest, err = restHash(dp, m.Hostname); err != nil {
		return nil, err
	}
	owner := folderOwner(m, dp.Folders)
	if owner != nil {
		meta.Owner = formatOwner(owner)
	}
	dp.Meta = meta
	warnRootFolders(p.env.UI, m, dp.Folders)
	x, err := domainXML(dp)
	if err != nil {
		return nil, err
	}
	dom, err := c.DomainDefineXML(x)
	if err != nil {
		return nil, lverr(err, "define VM %s", name)
	}
	ref.dom, ref.meta = dom, &meta
	uuid, err := dom.GetUUIDString()
	if err != nil {
		return nil, lverr(err, "VM %s", name)
	}
	if err := pause.At(ctx, "domain-defined:"+m.Name); err != nil {
		return nil, err
	}
	endDefine()
	p.env.UI.Infof(m.Name, "creating VM %s from box %s (%s, %d CPU, %d MiB)", name, m.Box, dtype, max(m.CPUs, defaultCPUs), memoryOf(m))
	p.resetConsole(m.Name)
	timing.Note(ctx, "booting")
	booted := time.Now()
	if err := dom.Create(); err != nil {
		return nil, lverr(err, "start VM %s", name)
	}
	addr := net.JoinHostPort(meta.IP, "22")
	p.env.UI.Infof(m.Name, "first boot: waiting for SSH at %s to install the environment key", addr)
	timing.Note(ctx, "first boot: waiting for SSH")
	if err := pause.At(ctx, "first-contact:"+m.Name); err != nil {
		return nil, err
	}
	t0 := time.Now()
	hostKey, cl, err := p.firstContact(ctx, contact{
		Machine: m.Name,
		Addr:    addr,
		Via:     p.via(addr),
		Key:     p.env.Key.Signer,
		Timeout: o.bootTimeout(),
		Booted:  booted,
		Setup: &guest.Setup{
			User: m.User, BoxUser: o.boxUser(), AuthorizedKey: p.env.Key.AuthorizedKey(),
			RemoveKeys: guest.InsecureKeyBodies(),
			Hostname:   m.Hostname, Short: m.ShortHostname(), HostIP: meta.IP,
			GrowRoot: capacity > b.Meta.VirtualSize,
			SSHPort:  m.SSH.Port,
			Mounts:   guestMounts(dp.Folders),
			Owner:    owner,
		},
	})
	if err != nil {
		if ferr := folderError(m, dp.Folders, err); ferr != err {
			return nil, ferr // the guest's words say it all; its console would not
		}
		return nil, provider.WithConsole(p, m.Name, fmt.Errorf("first contact with %s: %w", m.Name, err))
	}
	defer func() {
		if cl != nil && (err != nil || inst.Conn != cl) {
			cl.Close()
		}
	}()
	p.env.UI.Debugf(m.Name, "first contact after %.1fs: environment key installed, insecure key removed, hostname %s", time.Since(t0).Seconds(), m.Hostname)
	endPin := timing.Start(ctx, "pin")
	meta.HostKey = comm.FormatPublicKey(hostKey)
	meta.Key = fingerprint(p.env.Key.Signer.PublicKey())
	if port := m.SSH.PortOrDefault(); port != spec.DefaultSSHPort {
		meta.SSHPort = port // the script set sshd to it
	}
	if err := setMeta(dom, &meta, libvirt.DOMAIN_AFFECT_CONFIG|libvirt.DOMAIN_AFFECT_LIVE); err != nil {
		return nil, lverr(err, "record the host key of %s in its metadata", name)
	}
	endPin()
	inst, err = p.instance(m, o, uuid, &meta)
	if err != nil {
		return nil, err
	}
	inst.Created, inst.Started = true, true
	if cl != nil && inst.User == o.boxUser() {
		// Logged in as the machine's user: the engine goes on with it.
		inst.Conn = cl
	}
	return inst, nil
}

func memoryOf(m *spec.Machine) int {
	if m.Memory > 0 {
		return m.Memory
	}
	return defaultMemoryMB
}

// warnDrift says when the Envfile would now make m's domain differently.
// The domain type is the one the domain was made with unless the Envfile
// names one: asking libvirt for its capabilities makes it probe qemu, which
// takes seconds on a busy host, and a no-op up must not wait on that.
func (p *Provider) warnDrift(ctx context.Context, r reads, uri string, m *spec.Machine, o *Options, meta *machineMeta, def *libvirtxml.Domain) {
	b, err := p.foundBox(ctx, r, uri, m.Box)
	if err != nil {
		return
	}
	// The disk's path, and so the pool's folder, as the definition has
	// them: no call to libvirt for them on a no-op up.
	disk := diskPath(def, meta.Volume)
	if disk == "" {
		if disk, err = r.volumePath(meta.Volume); err != nil {
			return
		}
	}
	data := dataDiskPathsIn(filepath.Dir(disk), p.domainName(m.Name), o.disks)
	dtype := o.Driver
	if dtype == "" {
		dtype = def.Type
	}
	dp, err := p.params(uri, m, o, b, dtype, disk, data)
	if err != nil {
		return
	}
	warnPort(p.env.UI, m, meta)
	folders := warnFolders(p.env.UI, m, meta, dp.Folders)
	warnOwner(p.env.UI, m, meta, dp.Folders)
	h, err := configHash(dp, m.Hostname)
	changed := err == nil && h != meta.Config
	if changed && folders && meta.Rest != "" {
		// Said already, unless more than the folders changed.
		rest, err := restHash(dp, m.Hostname)
		changed = err == nil && rest != meta.Rest
	}
	if ip := m.IP(); ip.IsValid() && meta.IP != "" && ip.String() != meta.IP {
		changed = true // the network's, not the domain's
	}
	if changed {
		p.env.UI.Warnf(m.Name, "its settings in the Envfile changed since the VM was made; "+
			"`envrun reload %s` applies them, keeping its disk", m.Name)
	}
}

// foundBox is findBox once per run and box: reading the box's metadata
// is a volume download, and the machines of an Envfile share their box.
func (p *Provider) foundBox(ctx context.Context, r reads, uri, box string) (*boxVols, error) {
	key := uri + "\x00" + box
	p.mu.Lock()
	b, ok := p.found[key]
	p.mu.Unlock()
	if ok {
		return b, nil
	}
	// Machines check their drift at once: one reads, the others wait.
	v, err, _ := p.finding.Do(key, func() (any, error) {
		b, err := p.findBox(ctx, r, uri, box)
		if err == nil {
			p.mu.Lock()
			p.found[key] = b
			p.mu.Unlock()
		}
		return b, err
	})
	if err != nil {
		return nil, err
	}
	return v.(*boxVols), nil
}

// remove stops and undefines the domain (if any) and deletes its overlay.
func (p *Provider) remove(ctx context.Context, d *domainRef) error {
	if d.dom != nil {
		if active, _ := d.dom.IsActive(); active {
			if err := d.dom.Destroy(); err != nil && code(err) != libvirt.ERR_OPERATION_INVALID {
				return lverr(err, "stop VM")
			}
		}
		// envrun's domains have no NVRAM (no UEFI) nor checkpoints; a
		// managed save or snapshots someone made go with the machine.
		flags := libvirt.DOMAIN_UNDEFINE_MANAGED_SAVE | libvirt.DOMAIN_UNDEFINE_SNAPSHOTS_METADATA
		if err := d.dom.UndefineFlags(flags); err != nil && code(err) != libvirt.ERR_NO_DOMAIN {
			return lverr(err, "remove VM")
		}
	}
	if d.meta.Volume == "" {
		return nil
	}
	pool, err := lookupPool(d.c)
	if pool == nil || err != nil {
		return err
	}
	defer pool.Free()
	if err := deleteDataDisks(pool, strings.TrimSuffix(d.meta.Volume, ".qcow2"), 0); err != nil {
		return err
	}
	return deleteVolume(pool, d.meta.Volume)
}

// dataDiskName is the volume of a domain's extra disk i (from 1): not
// named *.qcow2, which the pool's listing takes for a machine's overlay.
func dataDiskName(domain string, i int) string { return fmt.Sprintf("%s.disk%d", domain, i) }

// ensureDataDisks makes the domain's extra disks that do not exist yet
// (those that do are kept, with what the machine wrote), removes those
// beyond the list, and returns their paths in order.
func ensureDataDisks(pool *libvirt.StoragePool, domain string, disks []spec.Disk) ([]string, error) {
	if err := deleteDataDisks(pool, domain, len(disks)); err != nil {
		return nil, err
	}
	var paths []string
	for i, d := range disks {
		name := dataDiskName(domain, i+1)
		vol, err := pool.LookupStorageVolByName(name)
		if code(err) == libvirt.ERR_NO_STORAGE_VOL {
			var x string
			if x, err = volumeXML(name, uint64(d.Size)<<30, "qcow2"); err != nil {
				return nil, err
			}
			vol, err = pool.StorageVolCreateXML(x, 0)
		}
		if err != nil {
			return nil, lverr(err, "make disk %s", name)
		}
		path, err := vol.GetPath()
		vol.Free()
		if err != nil {
			return nil, lverr(err, "disk %s", name)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// dataDiskPathsIn are the paths of domain's data disks in the pool's
// folder dir.
func dataDiskPathsIn(dir, domain string, disks []spec.Disk) []string {
	var paths []string
	for i := range disks {
		paths = append(paths, filepath.Join(dir, dataDiskName(domain, i+1)))
	}
	return paths
}

// diskPath is the file of def's disk on volume vol ("" when it has none).
func diskPath(def *libvirtxml.Domain, vol string) string {
	if def == nil || def.Devices == nil {
		return ""
	}
	for _, d := range def.Devices.Disks {
		if d.Source != nil && d.Source.File != nil && filepath.Base(d.Source.File.File) == vol {
			return d.Source.File.File
		}
	}
	return ""
}

// deleteDataDisks removes the domain's extra disks after the first keep.
func deleteDataDisks(pool *libvirt.StoragePool, domain string, keep int) error {
	vols, err := pool.ListAllStorageVolumes(0)
	if err != nil {
		return lverr(err, "list the volumes of libvirt storage pool %s", PoolName)
	}
	var names []string
	for i := range vols {
		name, err := vols[i].GetName()
		vols[i].Free()
		if err != nil {
			continue
		}
		if rest, ok := strings.CutPrefix(name, domain+".disk"); ok {
			if n, err := strconv.Atoi(rest); err == nil && n > keep {
				names = append(names, name)
			}
		}
	}
	for _, name := range names {
		if err := deleteVolume(pool, name); err != nil {
			return err
		}
	}
	return nil
}

// deleteVolume deletes volume name from pool; a missing one is no error.
func deleteVolume(pool *libvirt.StoragePool, name string) error {
	vol, err := pool.LookupStorageVolByName(name)
	if code(err) == libvirt.ERR_NO_STORAGE_VOL {
		return nil
	}
	if err != nil {
		return lverr(err, "look up volume %s", name)
	}
	defer vol.Free()
	if err := vol.Delete(0); err != nil && code(err) != libvirt.ERR_NO_STORAGE_VOL {
		return lverr(err, "remove volume %s", name)
	}
	return nil
}

// Halt shuts the machine down with the ACPI power button, and pulls the
// plug when it has not powered off within its halt_timeout.
func (p *Provider) Halt(ctx context.Context, name string) error {
	if err := p.stopPorts(name); err != nil {
		return err
	}
	d, err := p.findDomain(ctx, name)
	if d == nil || err != nil {
		return err
	}
	defer d.free()
	o := newOptions()
	if m := p.env.Envfile.Machine(name); m != nil {
		if mo, err := decodeOptions(m, p.env.Envfile.Dir); err == nil {
			o = mo
		}
	}
	if suspended(d.dom) {
		// Halted means off: the saved memory of a suspend goes.
		if err := d.dom.ManagedSaveRemove(0); err != nil {
			return lverr(err, "drop the saved state of %s", name)
		}
	}
	return p.halt(ctx, d, o.haltTimeout(), name)
}

func (p *Provider) halt(ctx context.Context, d *domainRef, timeout time.Duration, name string) error {
	state, _, err := d.dom.GetState()
	if err != nil {
		return lverr(err, "state of VM %s", d.def.Name)
	}
	switch state {
	case libvirt.DOMAIN_SHUTOFF:
		return nil
	case libvirt.DOMAIN_RUNNING, libvirt.DOMAIN_SHUTDOWN:
		if err := d.dom.ShutdownFlags(libvirt.DOMAIN_SHUTDOWN_ACPI_POWER_BTN); err != nil {
			p.env.UI.Debugf(name, "ACPI shutdown of %s: %s", d.def.Name, message(err))
			break
		}
		deadline := time.Now().Add(timeout)
		for time.Now().Before(deadline) {
			if err := sleepCtx(ctx, 200*time.Millisecond); err != nil {
				return err
			}
			st, _, err := d.dom.GetState()
			if err != nil {
				return lverr(err, "state of VM %s", d.def.Name)
			}
			if st == libvirt.DOMAIN_SHUTOFF {
				return nil
			}
		}
		p.env.UI.Warnf(name, "VM %s did not power off within %s of the ACPI power button: stopping it hard", d.def.Name, timeout)
	}
	if err := d.dom.Destroy(); err != nil && code(err) != libvirt.ERR_OPERATION_INVALID {
		return lverr(err, "stop VM %s", d.def.Name)
	}
	return nil
}

// Destroy removes machine name's domain and overlay, on whichever of the
// environment's connections it is, and its console log.
func (p *Provider) Destroy(ctx context.Context, name string) error {
	if err := p.stopPorts(name); err != nil {
		return err
	}
	for _, uri := range p.uris {
		d, err := p.lookupDomain(ctx, uri, name)
		if err != nil {
			return err
		}
		if d == nil {
			continue
		}
		err = p.remove(ctx, d)
		d.free()
		if err != nil {
			return fmt.Errorf("%s: %w", p.domainName(name), err)
		}
		p.env.UI.Debugf(name, "removed VM %s and its disk at %s", p.domainName(name), uri)
	}
	// An overlay left by a run killed between making it and defining the VM.
	for _, uri := range p.uris {
		c, err := p.conn(ctx, uri)
		if err != nil {
			return err
		}
		pool, err := lookupPool(c)
		if err != nil {
			return err
		}
		if pool == nil {
			continue
		}
		err = deleteVolume(pool, p.domainName(name)+".qcow2")
		if err == nil {
			err = deleteDataDisks(pool, p.domainName(name), 0)
		}
		pool.Free()
		if err != nil {
			return err
		}
	}
	if err := os.Remove(p.consolePath(name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Machines lists the environment's domains on every connection it uses,
// and the machines of which only the disk exists.
func (p *Provider) Machines(ctx context.Context) ([]provider.MachineState, error) {
	var out []provider.MachineState
	seen := map[string]bool{}
	var disks []string // machine names of overlays, on any connection
	for _, uri := range p.uris {
		r, err := p.reads(ctx, uri)
		if err != nil {
			return nil, err
		}
		doms, err := r.domains(p.env.Project + "-")
		if err != nil {
			return nil, fmt.Errorf("%w (at %s)", err, uri)
		}
		for _, v := range doms {
			if ms, ok := p.machineState(v); ok {
				out = append(out, ms)
				seen[ms.Name] = true
			}
		}
		freeViews(doms)
		names, err := p.overlays(r)
		if err != nil {
			return nil, err
		}
		disks = append(disks, names...)
	}
	// A disk without its VM is what a run killed between making the one
	// and defining the other leaves. The next up of that machine replaces
	// it; listed here, status shows it and destroy removes it even when
	// the Envfile no longer names the machine.
	for _, name := range disks {
		if !seen[name] {
			seen[name] = true
			out = append(out, provider.MachineState{Name: name, State: provider.Other, Details: "a disk without its VM"})
		}
	}
	return out, nil
}

// overlays lists the machines of the environment that have a disk in
// envrun's pool: the volumes named PROJECT-MACHINE.qcow2. A pool that is
// missing or stopped has none to list.
func (p *Provider) overlays(r reads) ([]string, error) {
	vols, err := r.volumes()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, name := range vols {
		if rest, ok := strings.CutPrefix(name, p.env.Project+"-"); ok {
			if machine, ok := strings.CutSuffix(rest, ".qcow2"); ok && machine != "" {
				out = append(out, machine)
			}
		}
	}
	return out, nil
}

func (p *Provider) machineState(v domView) (provider.MachineState, bool) {
	ms, _, ok := domainMachine(v, p.env.Project)
	if ok && ms.State == provider.Running {
		ms.Ports = p.boundPorts(ms.Name)
	}
	return ms, ok
}

// envrunDomain reads dom when it is a machine of project's (of any
// project's when project is ""), by its name first (no call to libvirt),
// then by envrun's metadata.
func envrunDomain(v domView, project string) (*libvirtxml.Domain, *machineMeta, bool) {
	if project != "" && !strings.HasPrefix(v.name(), project+"-") {
		return nil, nil, false
	}
	def, meta, err := readDomain(v)
	if err != nil || meta == nil || meta.Machine == "" || (project != "" && meta.Project != project) || meta.Project == "" {
		return nil, nil, false
	}
	return def, meta, true
}

// domainMachine reads dom as a machine of environment project (of any
// envrun environment when project is ""); false when it is not one.
func domainMachine(v domView, project string) (provider.MachineState, *machineMeta, bool) {
	def, meta, ok := envrunDomain(v, project)
	if !ok {
		return provider.MachineState{}, nil, false
	}
	ms := provider.MachineState{Name: meta.Machine, ID: def.UUID, IP: meta.IP, User: meta.User}
	if ms.IP != "" {
		ms.Addr = meta.sshAddr()
	}
	state, err := v.state()
	if err != nil {
		ms.State, ms.Details = provider.Other, message(err)
		return ms, meta, true
	}
	ms.Details = stateName(state)
	switch state {
	case libvirt.DOMAIN_RUNNING:
		ms.State = provider.Running
	case libvirt.DOMAIN_SHUTOFF, libvirt.DOMAIN_CRASHED:
		ms.State = provider.Stopped
		if v.saved() {
			ms.State, ms.Details = provider.Suspended, "saved (suspended)"
		}
	default:
		ms.State = provider.Other
	}
	if meta.HostKey == "" {
		ms.Details += " (first boot not finished)"
	}
	return ms, meta, true
}

// allMachines lists the domains of every envrun environment at the
// default connection, from the metadata envrun puts in each.
func allMachines(ctx context.Context) ([]provider.EnvMachine, error) {
	uri := DefaultURI()
	var r reads
	if rr := dialRPC(ctx, uri); rr != nil {
		defer rr.close()
		r = rr
	} else {
		c, err := connect(ctx, uri)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		r = libReads{c}
	}
	doms, err := r.domains("")
	if err != nil {
		return nil, fmt.Errorf("%w (at %s)", err, uri)
	}
	defer freeViews(doms)
	var out []provider.EnvMachine
	for _, v := range doms {
		if ms, meta, ok := domainMachine(v, ""); ok {
			out = append(out, provider.EnvMachine{
				Envfile: meta.Envfile, Project: meta.Project, Name: ms.Name, Provider: "libvirt",
				State: ms.State, IP: ms.IP, ID: ms.ID, Details: ms.Details, Engine: uri,
			})
		}
	}
	return out, nil
}

func stateName(s libvirt.DomainState) string {
	switch s {
	case libvirt.DOMAIN_RUNNING:
		return "running"
	case libvirt.DOMAIN_BLOCKED:
		return "blocked"
	case libvirt.DOMAIN_PAUSED:
		return "paused"
	case libvirt.DOMAIN_SHUTDOWN:
		return "shutting down"
	case libvirt.DOMAIN_SHUTOFF:
		return "shut off"
	case libvirt.DOMAIN_CRASHED:
		return "crashed"
	case libvirt.DOMAIN_PMSUSPENDED:
		return "suspended"
	}
	return "no state"
}

func fingerprint(k ssh.PublicKey) string { return ssh.FingerprintSHA256(k) }

// subnets lists the subnets of every libvirt network at the default
// connection, active or not.
func subnets(ctx context.Context) ([]netip.Prefix, error) {
	uri := DefaultURI()
	c, err := connect(ctx, uri)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	nets, err := c.ListAllNetworks(0)
	if err != nil {
		return nil, lverr(err, "list libvirt networks at %s", uri)
	}
	defer freeNetworks(nets)
	var out []netip.Prefix
	for i := range nets {
		n, _, err := readNetwork(&nets[i], 0)
		if err != nil {
			return nil, err
		}
		for _, ip := range n.IPs {
			if pfx, ok := prefixOf(ip); ok {
				out = append(out, pfx.Masked())
			}
		}
	}
	return out, nil
}
