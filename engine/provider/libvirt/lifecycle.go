//go:build libvirt_dlopen && cgo

package libvirt

import (
	"context"
	"fmt"
	"strings"
	"time"

	"libvirt.org/go/libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/pause"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provider/guest"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/timing"
)

// Snapshots on libvirt are libvirt's internal snapshots of the machine's
// qcow2 overlay: `virsh snapshot-create` without --disk-only. A running
// VM's snapshot is a full checkpoint (disk and memory, qemu's savevm), a
// stopped VM's holds the disk; reverting puts the VM back as it was,
// running or not, with the definition it had. Internal rather than
// external: libvirt reverts to internal snapshots everywhere (to external
// ones only since 9.9, and not all of them), the overlay stays one file
// that `destroy` removes with every snapshot in it, and deleting a
// snapshot is one call, not a block commit. What internal snapshots cost:
// the overlay grows with each (until deleted), and saving a running VM's
// memory takes a few seconds under software emulation.
//
// The engine's provisioning state is the snapshot's description.

// snapshotXML is the definition of snapshot snap holding meta.
func snapshotXML(snap, meta string) (string, error) {
	x := libvirtxml.DomainSnapshot{Name: snap, Description: meta}
	return x.Marshal()
}

// snapshot looks up snapshot snap of machine name's domain.
func (p *Provider) snapshot(ctx context.Context, name, snap string) (*domainRef, *libvirt.DomainSnapshot, error) {
	d, err := p.findDomain(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	if d == nil {
		return nil, nil, fmt.Errorf("%s is not created", name)
	}
	s, err := d.dom.SnapshotLookupByName(snap, 0)
	if code(err) == libvirt.ERR_NO_DOMAIN_SNAPSHOT {
		d.free()
		return nil, nil, fmt.Errorf("%s has no snapshot %q: %w", name, snap, provider.ErrNoSnapshot)
	}
	if err != nil {
		d.free()
		return nil, nil, lverr(err, "look up snapshot %s of %s", snap, name)
	}
	return d, s, nil
}

// SaveSnapshot takes an internal snapshot of machine name's domain.
func (p *Provider) SaveSnapshot(ctx context.Context, name, snap, meta string) error {
	d, err := p.findDomain(ctx, name)
	if err != nil {
		return err
	}
	if d == nil {
		return fmt.Errorf("%s is not created", name)
	}
	defer d.free()
	if s, err := d.dom.SnapshotLookupByName(snap, 0); err == nil {
		// Replaced (save --force).
		err := s.Delete(0)
		s.Free()
		if err != nil {
			return lverr(err, "replace snapshot %s of %s", snap, name)
		}
	}
	x, err := snapshotXML(snap, meta)
	if err != nil {
		return err
	}
	done := timing.Start(ctx, "snapshot")
	s, err := d.dom.CreateSnapshotXML(x, 0)
	done()
	if err != nil {
		return foldersNoSave(d.def, lverr(err, "snapshot %s of VM %s", snap, d.def.Name), "snapshot it while it is halted")
	}
	s.Free()
	return nil
}

// RestoreSnapshot reverts machine m's domain to snapshot snap and makes
// sure it runs.
func (p *Provider) RestoreSnapshot(ctx context.Context, m *spec.Machine, snap string) (*provider.Instance, error) {
	d, s, err := p.snapshot(ctx, m.Name, snap)
	if err != nil {
		return nil, err
	}
	defer d.free()
	defer s.Free()
	x, err := s.GetXMLDesc(0)
	if err != nil {
		return nil, lverr(err, "read snapshot %s of %s", snap, m.Name)
	}
	var sx libvirtxml.DomainSnapshot
	if err := sx.Unmarshal(x); err != nil {
		return nil, fmt.Errorf("read snapshot %s of %s: %w", snap, m.Name, err)
	}
	done := timing.Start(ctx, "revert")
	// RUNNING: a snapshot of a stopped VM is started after the revert.
	err = s.RevertToSnapshot(libvirt.DOMAIN_SNAPSHOT_REVERT_RUNNING)
	done()
	if err != nil {
		return nil, lverr(err, "revert VM %s to snapshot %s", d.def.Name, snap)
	}
	if err := pause.At(ctx, "snapshot-reverted:"+m.Name); err != nil {
		return nil, err
	}
	inst, err := p.Up(ctx, m)
	if err != nil {
		return nil, err
	}
	inst.SnapshotMeta = sx.Description
	inst.Started = true
	inst.Woke = true
	return inst, nil
}

// Snapshots lists the snapshots of the environment's domains.
func (p *Provider) Snapshots(ctx context.Context, machine string) ([]provider.SnapshotInfo, error) {
	// The environment's domains listed and read once (status counts the
	// snapshots on every run): a machine on two connections counts on its
	// own one.
	type found struct {
		uri string
		dom domView
	}
	chosen := map[string]found{}
	var listed []domView
	defer func() { freeViews(listed) }()
	for _, uri := range p.uris {
		r, err := p.reads(ctx, uri)
		if err != nil {
			return nil, err
		}
		doms, err := r.domains(p.env.Project + "-")
		if err != nil {
			return nil, fmt.Errorf("%w (at %s)", err, uri)
		}
		listed = append(listed, doms...)
		for _, dom := range doms {
			_, meta, ok := envrunDomain(dom, p.env.Project)
			if !ok || machine != "" && meta.Machine != machine {
				continue
			}
			own := p.machineURI(meta.Machine)
			if f, ok := chosen[meta.Machine]; ok && (f.uri == own || uri != own) {
				continue
			}
			chosen[meta.Machine] = found{uri, dom}
		}
	}
	var out []provider.SnapshotInfo
	for name, f := range chosen {
		snaps, err := f.dom.snapshots()
		if err != nil {
			return nil, lverr(err, "list snapshots of %s", name)
		}
		for _, x := range snaps {
			var sx libvirtxml.DomainSnapshot
			if sx.Unmarshal(x) != nil {
				continue
			}
			si := provider.SnapshotInfo{Machine: name, Name: sx.Name, ID: sx.Name, Meta: sx.Description}
			if sec, err := parseInt(sx.CreationTime); err == nil {
				si.Created = time.Unix(sec, 0)
			}
			out = append(out, si)
		}
	}
	provider.SortSnapshots(out)
	return out, nil
}

func parseInt(s string) (int64, error) {
	var n int64
	_, err := fmt.Sscan(s, &n)
	return n, err
}

// DeleteSnapshot deletes snapshot snap of machine name.
func (p *Provider) DeleteSnapshot(ctx context.Context, name, snap string) error {
	d, s, err := p.snapshot(ctx, name, snap)
	if err != nil {
		return err
	}
	defer d.free()
	defer s.Free()
	if err := s.Delete(0); err != nil {
		return lverr(err, "delete snapshot %s of %s", snap, name)
	}
	return nil
}

// Suspend saves machine name's memory to disk and stops it (a managed
// save); the next start carries on from there.
func (p *Provider) Suspend(ctx context.Context, name string) error {
	if err := p.stopPorts(name); err != nil {
		return err
	}
	d, err := p.findDomain(ctx, name)
	if err != nil {
		return err
	}
	if d == nil {
		return fmt.Errorf("%s is not created", name)
	}
	defer d.free()
	defer timing.Start(ctx, "managed save")()
	if err := d.dom.ManagedSave(0); err != nil {
		return foldersNoSave(d.def, lverr(err, "save VM %s", d.def.Name), "halt it instead")
	}
	return nil
}

// Resume starts a suspended machine from its managed save.
func (p *Provider) Resume(ctx context.Context, name string) error {
	d, err := p.findDomain(ctx, name)
	if err != nil {
		return err
	}
	if d == nil {
		return fmt.Errorf("%s is not created", name)
	}
	defer d.free()
	var pp *pendingPorts
	if m := p.env.Envfile.Machine(name); m != nil {
		if pp, err = p.preparePorts(m); err != nil {
			return err
		}
	}
	if err := d.dom.Create(); err != nil {
		pp.abandon()
		return lverr(err, "resume VM %s", d.def.Name)
	}
	if d.meta.IP == "" {
		pp.abandon()
		return nil
	}
	if err := pp.start(&provider.Instance{Addr: d.meta.sshAddr()}); err != nil {
		return err
	}
	// A guest restored from its managed save answers a moment later (under
	// software emulation, seconds): resumed means reachable, as after up.
	return p.waitPort(ctx, name, d.meta.sshAddr(), 2*time.Minute)
}

// waitPort waits until addr accepts a TCP connection (through the
// engine's host when the machine is reached that way).
func (p *Provider) waitPort(ctx context.Context, name, addr string, timeout time.Duration) error {
	dial := dialer(addr, p.via(addr))
	deadline := time.Now().Add(timeout)
	for {
		try, cancel := context.WithTimeout(ctx, 3*time.Second)
		c, err := dial(try)
		cancel()
		if err == nil {
			c.Close()
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s resumed but its SSH at %s did not answer within %s: %v", name, addr, timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// suspended reports whether dom is off with a managed save to resume.
func suspended(dom *libvirt.Domain) bool {
	has, err := dom.HasManagedSaveImage(0)
	return err == nil && has
}

// Reload applies m's settings to its domain: unchanged, the VM restarts;
// changed (CPUs, memory, the domain's own settings), it is stopped and
// defined anew over the same disk and UUID, then started; a changed box
// makes it anew.
func (p *Provider) Reload(ctx context.Context, m *spec.Machine, meta string) (*provider.Instance, error) {
	o, err := decodeOptions(m, p.env.Envfile.Dir)
	if err != nil {
		return nil, err
	}
	uri := o.uri()
	d, err := p.lookupDomain(ctx, uri, m.Name)
	if err != nil {
		return nil, err
	}
	if d == nil {
		return p.Up(ctx, m)
	}
	defer d.free()
	if d.meta.HostKey == "" || d.meta.Box != m.Box {
		if d.meta.HostKey != "" {
			p.env.UI.Infof(m.Name, "its box changed (%s, was %s): making the VM anew", m.Box, d.meta.Box)
		}
		if err := p.remove(ctx, d); err != nil {
			return nil, err
		}
		return p.Up(ctx, m)
	}
	c, err := p.conn(ctx, uri)
	if err != nil {
		return nil, err
	}
	if err := startPool(c); err != nil {
		return nil, err
	}
	b, err := p.findBox(ctx, libReads{c}, uri, m.Box)
	if err != nil {
		return nil, err
	}
	pool, err := lookupPool(c)
	if err != nil || pool == nil {
		return nil, fmt.Errorf("the storage pool of %s is gone: %v", m.Name, err)
	}
	defer pool.Free()
	vol, err := pool.LookupStorageVolByName(d.meta.Volume)
	if err != nil {
		return nil, lverr(err, "the disk of %s", m.Name)
	}
	disk, _ := vol.GetPath()
	vol.Free()
	dtype := o.Driver
	if dtype == "" {
		dtype = d.def.Type
	}
	data, err := ensureDataDisks(pool, p.domainName(m.Name), o.disks)
	if err != nil {
		return nil, err
	}
	dp, err := p.params(uri, m, o, b, dtype, disk, data)
	if err != nil {
		return nil, err
	}
	hash, err := configHash(dp, m.Hostname)
	if err != nil {
		return nil, err
	}
	if suspended(d.dom) {
		// A saved memory image does not fit a new definition.
		if err := d.dom.ManagedSaveRemove(0); err != nil {
			return nil, lverr(err, "drop the saved state of %s", m.Name)
		}
	}
	if err := p.halt(ctx, d, o.haltTimeout(), m.Name); err != nil {
		return nil, err
	}
	nm := *d.meta
	nm.SSHPortPending = 0 // a reload back to the port sshd is on cancels a move not made yet
	if want := m.SSH.PortOrDefault(); want != nm.sshPort() {
		p.env.UI.Infof(m.Name, "its ssh.port changed (%d, was %d): the guest's sshd moves to it once the VM is up", want, nm.sshPort())
		nm.SSHPortPending = want
	}
	newIP := ""
	if ip := m.IP(); ip.IsValid() {
		newIP = ip.String()
	}
	if newIP != d.meta.IP || d.meta.Hostname != "" && d.meta.Hostname != m.Hostname {
		// The guest takes its new address from the network's DHCP entry
		// (set anew by the networks' step) as it boots, and its names once
		// it is up (settle). A settle left pending by a reload cut off
		// keeps the address the guest's names were set for.
		if !nm.NamesPending {
			nm.OldIP = d.meta.IP
		}
		nm.NamesPending = true
		if newIP != d.meta.IP {
			p.env.UI.Infof(m.Name, "its IP changed (%s, was %s): the guest takes it as it boots", newIP, d.meta.IP)
		}
	}
	nm.IP, nm.Hostname = newIP, m.Hostname
	if hash == d.meta.Config {
		// The domain is as the Envfile says (an address is the network's,
		// not the domain's): what changed is only in the metadata.
		if nm != *d.meta {
			if err := setMeta(d.dom, &nm, libvirt.DOMAIN_AFFECT_CONFIG); err != nil {
				return nil, lverr(err, "record the new settings of %s in its metadata", m.Name)
			}
		}
		if !nm.NamesPending {
			p.env.UI.Infof(m.Name, "settings unchanged: restarting VM %s", d.def.Name)
		}
		return p.Up(ctx, m)
	}
	p.env.UI.Infof(m.Name, "settings changed: defining VM %s anew over its disk", d.def.Name)
	nm.Config = hash
	if nm.Rest, err = restHash(dp, m.Hostname); err != nil {
		return nil, err
	}
	if folderSig(dp.Folders) != nm.Folders {
		nm.FoldersPending = true // the guest mounts them once up (settleFolders)
	}
	dp.Meta = nm
	x, err := domainXML(dp)
	if err != nil {
		return nil, err
	}
	var nd libvirtxml.Domain
	if err := nd.Unmarshal(x); err != nil {
		return nil, err
	}
	nd.UUID = d.def.UUID
	if x, err = nd.Marshal(); err != nil {
		return nil, err
	}
	dom, err := c.DomainDefineXML(x)
	if err != nil {
		return nil, lverr(err, "define VM %s anew", d.def.Name)
	}
	dom.Free()
	if err := pause.At(ctx, "domain-redefined:"+m.Name); err != nil {
		return nil, err
	}
	inst, err := p.Up(ctx, m)
	if err != nil {
		return nil, err
	}
	inst.Started = true
	return inst, nil
}

var _ interface {
	provider.Snapshotter
	provider.Reloader
	provider.Suspender
} = (*Provider)(nil)

// settle is the Instance.Settle of m's domain (inst) when a reload left
// the guest something to do once up: mount synced folders other than
// those it mounts (guest.Remount), and move its sshd to another ssh.port
// (guest.SetSSHPort; inst.Addr then names the new port). The domain's
// metadata records each once done; until it has, every up tries again.
func (p *Provider) settle(uri string, m *spec.Machine, meta *machineMeta, inst *provider.Instance) func(context.Context, func(context.Context, comm.Cmd) error) error {
	fs := planFolders(p.env.Envfile, m, defaultVirtiofs(uri))
	old := sigMounts(meta.Folders)
	return func(ctx context.Context, run func(context.Context, comm.Cmd) error) error {
		if meta.FoldersPending {
			script := guest.Remount(m.User, old, guestMounts(fs))
			if err := run(ctx, comm.Cmd{Command: guest.AsRoot, Label: "the synced folders' mounts", Stdin: strings.NewReader(script)}); err != nil {
				if ferr := folderError(m, fs, err); ferr != err {
					return ferr
				}
				return fmt.Errorf("mount the new synced folders of %s in the guest: %w", m.Name, err)
			}
		}
		if meta.NamesPending {
			g := &guest.Setup{Hostname: m.Hostname, Short: m.ShortHostname(), HostIP: meta.IP}
			if meta.OldIP != meta.IP {
				g.OldHostIP = meta.OldIP
			}
			if err := run(ctx, comm.Cmd{Command: guest.AsRoot, Label: "the guest's new names", Stdin: strings.NewReader(g.Rename())}); err != nil {
				return fmt.Errorf("set the hostname of %s in the guest: %w", m.Name, err)
			}
		}
		port := meta.SSHPortPending
		if port != 0 {
			if err := run(ctx, comm.Cmd{Command: guest.AsRoot, Label: "sshd's new port", Stdin: strings.NewReader(guest.SetSSHPort(port))}); err != nil {
				return fmt.Errorf("move the sshd of %s to port %d: %w", m.Name, port, err)
			}
		}
		d, err := p.lookupDomain(ctx, uri, m.Name)
		if err != nil {
			return err
		}
		if d == nil {
			return fmt.Errorf("VM of %s is gone", m.Name)
		}
		defer d.free()
		nm := *d.meta
		if meta.FoldersPending {
			nm.Folders, nm.FoldersPending = folderSig(fs), false
		}
		nm.NamesPending, nm.OldIP = false, ""
		if port != 0 {
			nm.SSHPort, nm.SSHPortPending = port, 0
			if port == spec.DefaultSSHPort {
				nm.SSHPort = 0
			}
		}
		if err := setMeta(d.dom, &nm, libvirt.DOMAIN_AFFECT_CONFIG|libvirt.DOMAIN_AFFECT_LIVE); err != nil {
			return lverr(err, "record what the guest of %s applied in its metadata", m.Name)
		}
		if port != 0 {
			inst.Addr = nm.sshAddr()
			p.env.UI.Infof(m.Name, "sshd moved to port %d", port)
		}
		if !meta.FoldersPending {
			return nil
		}
		var guests []string
		for _, f := range fs {
			guests = append(guests, f.Guest)
		}
		if len(guests) == 0 {
			p.env.UI.Infof(m.Name, "synced folders: none mounted any more")
		} else {
			p.env.UI.Infof(m.Name, "synced folders mounted anew: %s", strings.Join(guests, ", "))
		}
		return nil
	}
}

// setMeta records meta in dom's metadata, in the definitions flags name.
func setMeta(dom *libvirt.Domain, meta *machineMeta, flags libvirt.DomainModificationImpact) error {
	content, err := metaContent(meta)
	if err != nil {
		return err
	}
	return dom.SetMetadata(libvirt.DOMAIN_METADATA_ELEMENT, content, MetaPrefix, MetaNS, flags)
}
