package libvirt

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"libvirt.org/go/libvirtxml"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provider/guest"
	"github.com/envrun/envrun/engine/spec"
)

// Synced folders on libvirt are file systems the domain shares with its
// guest, declared in its XML (<filesystem type="mount">) and served by
// what libvirt starts with the VM: virtiofsd for virtiofs, QEMU itself for
// 9p. The guest mounts them by tag (envrun1, envrun2, ...) from /etc/fstab,
// which first contact writes, so every boot mounts them again.
//
// virtiofs is the default where the host has virtiofsd: libvirt runs it
// as root, so it reads and writes the folder as the guest's user asks,
// with the host's owners passed through (a folder of host uid 1777 is uid
// 1777's in the guest, and what the guest's uid 1777 writes is uid 1777's
// on the host), and it is faster and more POSIX-like than 9p. 9p needs
// nothing but QEMU, which serves the folder with its own (unprivileged)
// user's rights: see ninepAccessMode.
//
// Either way the guest checks its user's rights against the host's
// owners, so first contact gives the machine's user the folders' owner's
// uid and gid (folderOwner), as the Docker provider does, before it
// mounts them. libvirt 10's <idmap> for virtiofs would map them instead,
// but only for a virtiofsd that runs unprivileged (a session libvirt), and
// Debian 12 has libvirt 9.

// ninepAccessMode is the accessmode of envrun's 9p folders: "mapped".
// QEMU runs as its own unprivileged user (libvirt-qemu on Debian), so
// "passthrough" fails every file the guest makes (QEMU cannot chown it to
// the guest's user), and "squash" makes it but shows it in the guest as
// QEMU's user's, 0644: the guest user who wrote it cannot write it again.
// "mapped" keeps the guest's owner and mode in extended attributes of the
// host file: in the guest the user owns what it writes, files from the
// host show their host owners. On the host, files the guest made are QEMU's
// user's (0600): root reads them, and the folder must be writable by QEMU's
// user for the guest to write at all.
const ninepAccessMode = "mapped"

// ninepMsize is the 9p mount's largest message: 256 KiB instead of the
// kernel's 8 KiB default, which makes 9p several times faster.
const ninepMsize = 262144

// folder is one synced folder as the domain shares it.
type folder struct {
	Tag   string // the mount tag: envrun1, envrun2, ...
	Host  string
	Guest string
	Type  string // spec.SyncedVirtiofs or spec.Synced9p
	Mask  string // where .envrun/ appears under Guest, hidden there; "" when it does not
}

// planFolders is how m's synced folders are shared: each its own type, or
// virtiofs when virtiofs is true (virtiofsd is there, the connection is a
// system one), else 9p.
func planFolders(ef *spec.Envfile, m *spec.Machine, virtiofs bool) []folder {
	var out []folder
	for i, sf := range m.MountedFolders() { // envrun copies rsync folders itself
		f := folder{Tag: fmt.Sprintf("envrun%d", i+1), Host: sf.Host, Guest: sf.Guest, Type: sf.Type}
		if f.Type == "" {
			f.Type = spec.Synced9p
			if virtiofs {
				f.Type = spec.SyncedVirtiofs
			}
		}
		if ef != nil {
			if at, ok := provider.StateInside(ef, sf); ok {
				f.Mask = at
			}
		}
		out = append(out, f)
	}
	return out
}

// defaultVirtiofs reports whether the folders of a machine on uri that
// name no type are virtiofs: virtiofsd is on this host and uri is a
// system libvirt, which starts it as root (a session libvirt runs as the
// user, who cannot).
func defaultVirtiofs(uri string) bool {
	u, err := url.Parse(uri)
	return err == nil && u.Path == "/system" && findVirtiofsd() != ""
}

// findVirtiofsd is where virtiofsd is on this host, "" when it is not:
// where QEMU's vhost-user descriptors say (as libvirt looks for it), else
// Debian's and Fedora's places, else $PATH. A variable for tests.
var findVirtiofsd = sync.OnceValue(func() string {
	var dirs []string
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".config/qemu/vhost-user"))
	}
	dirs = append(dirs, "/etc/qemu/vhost-user", "/usr/share/qemu/vhost-user")
	var paths []string
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				continue
			}
			var d struct{ Type, Binary string }
			if json.Unmarshal(data, &d) == nil && d.Type == "fs" && d.Binary != "" {
				paths = append(paths, d.Binary)
			}
		}
	}
	paths = append(paths, "/usr/libexec/virtiofsd", "/usr/lib/qemu/virtiofsd")
	for _, p := range paths {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	if p, err := exec.LookPath("virtiofsd"); err == nil {
		return p
	}
	return ""
})

// virtiofsdPackage says what installs virtiofsd.
const virtiofsdPackage = "Debian 12: apt install qemu-system-common (/usr/lib/qemu/virtiofsd); " +
	"Debian 13, Ubuntu 24.04, Fedora: apt/dnf install virtiofsd"

// checkFolders checks m's synced folders on libvirt connection uri,
// before anything is made: a local libvirt (a remote one cannot see this
// host's folders), folders that exist, virtiofsd for virtiofs, and no
// owner or group.
func checkFolders(m *spec.Machine, uri string) []*spec.Error {
	folders := m.MountedFolders() // envrun copies rsync folders itself, over SSH
	if len(folders) == 0 {
		return nil
	}
	if !isLocal(uri) {
		return []*spec.Error{spec.Errorf(m.Pos, "machine %q: synced_folders need a libvirt on this host, and its libvirt is %s: "+
			"the VM shares folders of the host libvirt runs on, which does not have this one's; copy files with a file { } step", m.Name, uri)}
	}
	var errs []*spec.Error
	for _, sf := range folders {
		fi, err := os.Stat(sf.Host)
		switch {
		case errors.Is(err, os.ErrNotExist):
			errs = append(errs, spec.Errorf(m.Pos, "machine %q: synced folder %s: no such folder on this host", m.Name, sf.Host))
		case err != nil:
			errs = append(errs, spec.Errorf(m.Pos, "machine %q: synced folder %s: %v", m.Name, sf.Host, err))
		case !fi.IsDir():
			errs = append(errs, spec.Errorf(m.Pos, "machine %q: synced folder %s is not a folder: libvirt shares folders, not files", m.Name, sf.Host))
		}
		if sf.Type == spec.SyncedVirtiofs && findVirtiofsd() == "" {
			errs = append(errs, spec.Errorf(m.Pos, "machine %q: synced folder %s: type \"virtiofs\" needs virtiofsd on this host, and there is none (%s); "+
				"type = \"9p\" shares the folder without it", m.Name, sf.Guest, virtiofsdPackage))
		}
		if sf.Owner != "" || sf.Group != "" {
			errs = append(errs, spec.Errorf(m.Pos, "machine %q: synced folder %s: owner and group are not supported on libvirt: "+
				"virtiofs shows the host's owners in the guest (and 9p those it recorded), envrun changes no host file's owner, "+
				"and the machine's user takes the folders' owner's uid and gid so it can write them (docs/machines.md); leave them out", m.Name, sf.Guest))
		}
	}
	return errs
}

// addFolders shares fs with domain d: a <filesystem> each, and for
// virtiofs the shared memory virtiofsd needs (memfd, shared).
func addFolders(d *libvirtxml.Domain, fs []folder) {
	for _, f := range fs {
		x := libvirtxml.DomainFilesystem{
			Source: &libvirtxml.DomainFilesystemSource{Mount: &libvirtxml.DomainFilesystemSourceMount{Dir: f.Host}},
			Target: &libvirtxml.DomainFilesystemTarget{Dir: f.Tag},
		}
		switch f.Type {
		case spec.SyncedVirtiofs:
			x.AccessMode = "passthrough"
			x.Driver = &libvirtxml.DomainFilesystemDriver{Type: "virtiofs"}
			d.MemoryBacking = &libvirtxml.DomainMemoryBacking{
				MemorySource: &libvirtxml.DomainMemorySource{Type: "memfd"},
				MemoryAccess: &libvirtxml.DomainMemoryAccess{Mode: "shared"},
			}
		default:
			x.AccessMode = ninepAccessMode
		}
		d.Devices.Filesystems = append(d.Devices.Filesystems, x)
	}
}

// folderSig is what the guest's /etc/fstab holds of fs: each tag's guest
// path and type, one a line.
func folderSig(fs []folder) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s %s %s\n", f.Tag, f.Type, f.Guest)
	}
	return b.String()
}

// sigMounts are the guest's mounts a folderSig records: tag, type and
// guest path, as Remount needs them to undo.
func sigMounts(sig string) []guest.Mount {
	var out []guest.Mount
	for _, line := range strings.Split(strings.TrimSuffix(sig, "\n"), "\n") {
		if f := strings.SplitN(line, " ", 3); len(f) == 3 {
			out = append(out, guest.Mount{Name: f[0], Type: f[1], Guest: f[2]})
		}
	}
	return out
}

// warnFolders says when m's synced folders are no longer those the
// guest's /etc/fstab holds (meta), and a reload is not on its way to
// mount them (meta.FoldersPending).
func warnFolders(ui interface{ Warnf(string, string, ...any) }, m *spec.Machine, meta *machineMeta, fs []folder) (warned bool) {
	if sig := folderSig(fs); sig != meta.Folders && !meta.FoldersPending {
		ui.Warnf(m.Name, "its synced folders changed since the guest mounted them: "+
			"`envrun reload %s` shares and mounts the new ones", m.Name)
		return true
	}
	return false
}

// warnRootFolders says which virtiofs folders of m its user cannot write:
// those root owns on the host (virtiofs shows the host's owners, and
// envrun gives the guest's user no uid of root's: folderOwner).
func warnRootFolders(ui interface{ Warnf(string, string, ...any) }, m *spec.Machine, fs []folder) {
	if m.User == "root" {
		return
	}
	for _, f := range fs {
		if fi, err := os.Stat(f.Host); err == nil && f.Type == spec.SyncedVirtiofs && rootOnly(fi) {
			ui.Warnf(m.Name, "synced folder %s is root's on the host: through virtiofs the guest sees the host's owners, so %s in the machine cannot write %s "+
				"(root in it can); envrun changes no host file's owner: `chown -R USER %s` on the host, before the VM is made, gives it to USER, whose uid %s then takes",
				f.Host, m.User, f.Guest, f.Host, m.User)
		}
	}
}

// folderOwner is the uid and gid first contact gives m's user, so that it
// can write m's synced folders fs (provider.FolderOwner); nil when there
// are none, or none but root's.
func folderOwner(m *spec.Machine, fs []folder) *guest.IDs {
	if len(fs) == 0 {
		return nil
	}
	uid, gid, ok := provider.FolderOwner(m)
	if !ok {
		return nil
	}
	return &guest.IDs{UID: uid, GID: gid}
}

func formatOwner(o *guest.IDs) string { return fmt.Sprintf("%d:%d", o.UID, o.GID) }

// warnOwner says when m's user got a uid at first contact (meta.Owner)
// that is not the one its synced folders fs would give it now: envrun run
// by another host user, or as root, than the one who made the VM. The
// guest's user keeps the uid it was made with.
func warnOwner(ui interface{ Warnf(string, string, ...any) }, m *spec.Machine, meta *machineMeta, fs []folder) {
	o := folderOwner(m, fs)
	if meta.Owner == "" || o == nil || formatOwner(o) == meta.Owner {
		return
	}
	ui.Warnf(m.Name, "%s in the machine has uid:gid %s, its synced folders' owner's when the VM was made, and they would now give it %s "+
		"(envrun is run by another user): it may not write them; the uid is set once, when the VM is made (`envrun destroy %s` and `up` make it anew)",
		m.User, meta.Owner, formatOwner(o), m.Name)
}

// guestMounts are the guest's mounts of fs.
func guestMounts(fs []folder) []guest.Mount {
	var out []guest.Mount
	for _, f := range fs {
		mt := guest.Mount{Name: f.Tag, Guest: f.Guest, Mask: f.Mask, Type: f.Type}
		if f.Type == spec.Synced9p {
			mt.Options = fmt.Sprintf("trans=virtio,version=9p2000.L,msize=%d", ninepMsize)
		}
		out = append(out, mt)
	}
	return out
}

// folderError explains err, the failure of a guest script that mounts
// the folders fs of m (first contact, or a reload's Remount), when the
// guest could not mount one of them (a kernel without the module, a mount
// refused): with m's Envfile line, the folder, and what to do. Other
// failures are returned as they are.
func folderError(m *spec.Machine, fs []folder, err error) error {
	ff, ok := guest.FindFolderFailure(err)
	if !ok {
		return err
	}
	i := slices.IndexFunc(fs, func(f folder) bool { return f.Tag == ff.Tag })
	if i < 0 {
		return err
	}
	f := fs[i]
	mods := guest.FSModules(f.Type)
	box := "a box whose kernel has the " + strings.Join(mods, " and ") + " module"
	if len(mods) > 1 {
		box += "s"
	}
	return &folderFailed{err: err, msg: fmt.Sprintf("%s: machine %q: synced folder %s (%s): the guest cannot mount it: %s; "+
		"use type = \"rsync\" for it (a copy envrun makes over SSH, which needs nothing of the guest's kernel), or %s",
		m.Pos, m.Name, f.Guest, f.Type, ff.Reason, box)}
}

// folderFailed is folderError's: its message, and the script's failure
// underneath.
type folderFailed struct {
	err error
	msg string
}

func (e *folderFailed) Error() string { return e.msg }
func (e *folderFailed) Unwrap() error { return e.err }

// foldersNoSave explains err, libvirt's refusal to save the memory of a
// running domain (suspend, a running VM's snapshot), when def shares
// folders: QEMU cannot save a VM with a virtiofs device (a vhost-user
// device: "non-migratable device"), nor one whose guest has a 9p folder
// mounted. what is the way round.
func foldersNoSave(def *libvirtxml.Domain, err error, what string) error {
	if def == nil || def.Devices == nil || len(def.Devices.Filesystems) == 0 {
		return err
	}
	return fmt.Errorf("%w (a VM with synced folders on libvirt cannot have its memory saved: QEMU cannot save a virtiofs device, "+
		"nor a 9p folder the guest has mounted; %s)", err, what)
}
