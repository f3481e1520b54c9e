//go:build libvirt_dlopen && cgo

package cli_test

import (
	"cmp"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"libvirt.org/go/libvirtxml"
)

// lvNICsEnvfile declares three isolated networks of 172.21.0.0/16 in an
// order neither their names nor their subnets sort in (zeta, alpha, mid),
// and one machine on all three, listed in yet another order. The machine
// shares the Envfile's folder (virtiofs, the default where the host has
// virtiofsd) and data/ (9p). Its hook writes the uid its steps run as into
// /vagrant, which only the folder's owner's uid may write.
const lvNICsEnvfile = `
box "debian/bookworm"
network "zeta"  { subnet = "172.21.13.0/24", isolated = true }
network "alpha" { subnet = "172.21.11.0/24", isolated = true }
network "mid"   { subnet = "172.21.12.0/24", isolated = true }
machine "web" {
  networks = { alpha = "172.21.11.10", mid = "172.21.12.10", zeta = "172.21.13.10" },
  memory = 384,
  libvirt = { boot_timeout = 1500 },
  synced_folders = { ["."] = "/vagrant", ["data"] = { guest = "/data", type = "9p" } },
  provision = {
    function(m)
      m:run("echo zeta=" .. m.interfaces.zeta .. " alpha=" .. m.interfaces.alpha .. " mid=" .. m.interfaces.mid .. " >/var/tmp/h21-hook")
      m:run("id -u >/vagrant/step-uid")
    end,
  },
}
`

// TestIntegrationLibvirtNICOrder boots one VM on three networks and
// proves the interfaces follow the declared order of the networks: the
// domain's NICs are in that order on ascending PCI slots, the guest names
// them eth0, eth1, eth2 in that order (each with its network's address),
// and hooks (m.interfaces), status --json and the inventory's
// envrun_interfaces say the same; after a reload (the VM defined anew and
// booted again) the guest still names them so. The same VM proves synced
// folders on libvirt (lvCheckFolders), whose host side is uid 1777's, not
// the box user's (vagrant, uid 1000).
func TestIntegrationLibvirtNICOrder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "h21-nics")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	qemuGID := lvFolderDirs(t, dir)
	w := newLibvirtWorldIn(t, dir, lvNICsEnvfile)
	// A first boot under software emulation on a loaded host takes
	// minutes: longer than mustRun waits.
	r := w.start(nil, "up").wait(30 * time.Minute)
	if r.code != 0 {
		t.Fatalf("up: %s", r)
	}
	if strings.Contains(r.stderr, "is root's on the host") {
		t.Errorf("up warns of a root-owned folder, and there is none:\n%s", r.stderr)
	}
	declared := []string{"zeta", "alpha", "mid"}
	addr := map[string]string{"zeta": "172.21.13.10", "alpha": "172.21.11.10", "mid": "172.21.12.10"}
	want := map[string]string{"zeta": "eth0", "alpha": "eth1", "mid": "eth2"}

	// The domain: NICs in declared order, on ascending PCI slots.
	domainNICs := func(when string) (*libvirtxml.Domain, string) {
		t.Helper()
		dom, err := w.c.LookupDomainByName(w.project + "-web")
		if err != nil {
			t.Fatal(err)
		}
		x, err := dom.GetXMLDesc(0)
		dom.Free()
		if err != nil {
			t.Fatal(err)
		}
		var d libvirtxml.Domain
		if err := d.Unmarshal(x); err != nil {
			t.Fatal(err)
		}
		if len(d.Devices.Interfaces) != len(declared) {
			t.Fatalf("%s: the domain has %d NICs, want %d:\n%s", when, len(d.Devices.Interfaces), len(declared), x)
		}
		var last uint
		for i, nic := range d.Devices.Interfaces {
			if got := nic.Source.Network.Network; got != w.project+"-"+declared[i] {
				t.Errorf("%s: NIC %d is on %s, want %s", when, i, got, w.project+"-"+declared[i])
			}
			pci := nic.Address.PCI
			slot := *pci.Bus<<8 | *pci.Slot
			if i > 0 && slot <= last {
				t.Errorf("%s: NIC %d (%s) is on PCI bus %d slot %d, before the NIC declared before it", when, i, declared[i], *pci.Bus, *pci.Slot)
			}
			last = slot
		}
		return &d, x
	}
	d, x := domainNICs("first boot")

	// The guest: eth0, eth1, eth2 in PCI order, each with its network's address.
	guestNICs := func(when string) {
		t.Helper()
		out := w.remote("web", `for i in eth0 eth1 eth2; do echo "$i $(basename "$(readlink -f /sys/class/net/$i/device/..)")"; done; ip -o -4 addr show`)
		pciOf := regexp.MustCompile(`(?m)^(eth[0-2]) (\S+)$`).FindAllStringSubmatch(out, -1)
		if len(pciOf) != 3 || !(pciOf[0][2] < pciOf[1][2] && pciOf[1][2] < pciOf[2][2]) {
			t.Errorf("%s: want eth0, eth1, eth2 on ascending PCI addresses:\n%s", when, out)
		}
		for _, n := range declared {
			if !regexp.MustCompile(`\b` + want[n] + `\s+inet ` + regexp.QuoteMeta(addr[n]) + `/24 `).MatchString(out) {
				t.Errorf("%s: want %s (network %s) on %s:\n%s", when, addr[n], n, want[n], out)
			}
		}
	}
	guestNICs("first boot")

	// What envrun tells: hooks, status --json, the inventory.
	if out := strings.TrimSpace(w.remote("web", "cat /var/tmp/h21-hook")); out != "zeta=eth0 alpha=eth1 mid=eth2" {
		t.Errorf("the hook's m.interfaces: %q", out)
	}
	if got := w.status()["web"].Interfaces; len(got) != 3 || got["zeta"] != "eth0" || got["alpha"] != "eth1" || got["mid"] != "eth2" {
		t.Errorf("status --json interfaces: %v, want %v", got, want)
	}
	if inv := w.mustRun("inventory").stdout; !strings.Contains(inv, "      envrun_interfaces:\n        alpha: eth1\n        mid: eth2\n        zeta: eth0\n") {
		t.Errorf("the inventory's envrun_interfaces:\n%s", inv)
	}

	// lvCheckFolders ends with a reload: the domain defined anew, the VM
	// booted again. The NICs keep their order.
	lvCheckFolders(t, w, dir, qemuGID, d, x)
	domainNICs("after a reload")
	guestNICs("after a reload")
}

// lvFolderDirs makes the synced folders' host side, uid 1777's (not
// vagrant's 1000 in the box): dir (the Envfile's folder, virtiofs, served
// by virtiofsd as root) is 1777:1777 0755, so that only uid 1777 writes
// it; data/ (9p, served by QEMU as its own unprivileged user, which must
// reach and write it: the temporary folders above dir are 0700) is uid
// 1777's and QEMU's group's, 0770. It returns that group's gid.
func lvFolderDirs(t *testing.T, dir string) (qemuGID int) {
	t.Helper()
	for _, d := range []string{filepath.Dir(dir), filepath.Dir(filepath.Dir(dir))} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var g *user.Group
	for _, name := range []string{"libvirt-qemu", "qemu"} { // Debian's, Fedora's
		if g, _ = user.LookupGroup(name); g != nil {
			break
		}
	}
	if g == nil {
		t.Fatal("no group libvirt-qemu or qemu: which user does QEMU run as?")
	}
	qemuGID, _ = strconv.Atoi(g.Gid)
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o770); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path     string
		uid, gid int
		mode     os.FileMode
	}{{dir, 1777, 1777, 0o755}, {data, 1777, qemuGID, 0o770}} {
		if err := os.Chown(c.path, c.uid, c.gid); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(c.path, c.mode); err != nil {
			t.Fatal(err)
		}
	}
	return qemuGID
}

// lvCheckFolders proves the synced folders of lvNICsEnvfile (made by
// lvFolderDirs, QEMU's group qemuGID) on the running VM whose domain is d
// (XML x): both file systems in the domain, a file written on the host
// seen in the guest through each, the guest's user with the folders'
// owner's uid (1777, not the box's 1000) and gid, so that it writes both
// and so do the steps, files the guest writes seen on the host (virtiofs:
// as the guest's uid; 9p: owned by the guest user in the guest), and
// .envrun/ hidden in the guest; after a reload, the same.
func lvCheckFolders(t *testing.T, w *lvWorld, dir string, qemuGID int, d *libvirtxml.Domain, x string) {
	t.Helper()
	fs := d.Devices.Filesystems
	if len(fs) != 2 {
		t.Fatalf("the domain has %d filesystems, want 2:\n%s", len(fs), x)
	}
	// Tagged in the order of their guest paths: /data, then /vagrant.
	if f := fs[0]; (f.Driver != nil && f.Driver.Type == "virtiofs") || f.AccessMode != "mapped" || f.Source.Mount.Dir != filepath.Join(dir, "data") || f.Target.Dir != "envrun1" {
		t.Errorf("filesystem 0 is not 9p (mapped) %s/data tagged envrun1:\n%s", dir, x)
	}
	if f := fs[1]; f.Driver == nil || f.Driver.Type != "virtiofs" || f.Source.Mount.Dir != dir || f.Target.Dir != "envrun2" {
		t.Errorf("filesystem 1 is not virtiofs %s tagged envrun2:\n%s", dir, x)
	}
	if mb := d.MemoryBacking; mb == nil || mb.MemoryAccess == nil || mb.MemoryAccess.Mode != "shared" {
		t.Errorf("virtiofs without shared memory:\n%s", x)
	}

	// Host to guest, through each type, while the VM runs.
	for _, f := range []string{"from-host", "data/from-host"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("host "+f+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := w.remote("web", `wait_for() { i=0; until [ -f "$1" ]; do i=$((i+1)); [ $i -le 40 ] || break; sleep 0.25; done; cat "$1"; }
findmnt -no FSTYPE /vagrant; findmnt -no FSTYPE /data; wait_for /vagrant/from-host; wait_for /data/from-host
echo "ids: $(id -u) $(id -g) $(id -un) $(stat -c '%u:%g' /vagrant /data | tr '\n' ' ')"
echo guest-user >/vagrant/from-guest; echo guest-user >/data/from-guest; echo guest-root | sudo tee /vagrant/from-guest-root >/dev/null
stat -c '%U %a' /data/from-guest
echo "mask: $(findmnt -no FSTYPE /vagrant/.envrun) [$(sudo ls -A /vagrant/.envrun)]"
lsmod | awk '$1 ~ /^(virtiofs|9p|9pnet_virtio)$/ {print "module", $1}' | sort
cat /etc/modules-load.d/envrun.conf; grep envrun /etc/fstab`)
	// The owner of the first folder by guest path, /data: 1777 and QEMU's group.
	ids := fmt.Sprintf("ids: 1777 %d vagrant 1777:1777 1777:%d \n", qemuGID, qemuGID)
	for _, want := range []string{"virtiofs\n9p\nhost from-host\nhost data/from-host\n", ids, "vagrant 644\n", "mask: tmpfs []\n",
		"module 9p\nmodule 9pnet_virtio\nmodule virtiofs\n", "envrun2 /vagrant virtiofs nofail 0 0\n",
		"envrun1 /data 9p trans=virtio,version=9p2000.L,msize=262144,nofail 0 0\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("the guest's folders: want %q in:\n%s", want, out)
		}
	}

	// Guest to host: virtiofs as the guest's uids, 9p as QEMU's user.
	for f, owner := range map[string]int{"from-guest": 1777, "from-guest-root": 0, "data/from-guest": -1, "step-uid": 1777} {
		path := filepath.Join(dir, f)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("the guest's file is not on the host: %v", err)
			continue
		}
		if want := map[string]string{"from-guest-root": "guest-root\n", "step-uid": "1777\n"}[f]; string(data) != cmp.Or(want, "guest-user\n") {
			t.Errorf("%s on the host: %q, want %q", f, data, want)
		}
		fi, _ := os.Stat(path)
		if uid := int(fi.Sys().(*syscall.Stat_t).Uid); owner >= 0 && uid != owner {
			t.Errorf("%s on the host is uid %d's, want %d's (virtiofs passes the guest's uid through)", f, uid, owner)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".envrun")); err != nil {
		t.Errorf("the host's .envrun/: %v", err)
	}

	// suspend: libvirt cannot save such a VM's memory; envrun says why and
	// the VM runs on.
	if r := w.run("suspend", "web"); r.code == 0 || !strings.Contains(r.stderr, "cannot have its memory saved") {
		t.Errorf("suspend of a VM with synced folders: %s", r)
	} else {
		t.Logf("suspend: %s", strings.TrimSpace(r.stderr))
	}
	if st := w.domains()["web"].state; st != "running" {
		t.Errorf("after the refused suspend the VM is %s", st)
	}

	// data/ moves to /srv/data: up warns that reload applies it; reload
	// shares it anew and the guest mounts it there, and no longer at
	// /data. /vagrant, unchanged, is mounted by the boot from the guest's
	// /etc/fstab (the reload leaves its line alone). The user keeps uid
	// 1777 and writes both.
	envfile := filepath.Join(dir, "Envfile.lua")
	if err := os.WriteFile(envfile, []byte(strings.Replace(lvNICsEnvfile, `guest = "/data"`, `guest = "/srv/data"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := w.mustRun("up", "web"); !strings.Contains(r.stderr, "its synced folders changed since the guest mounted them: `envrun reload web` shares and mounts the new ones") {
		t.Errorf("up after the folder moved does not say that reload applies it:\n%s", r.stderr)
	} else if strings.Contains(r.stderr, "its settings in the Envfile changed") {
		t.Errorf("up after only a folder moved warns of other settings too:\n%s", r.stderr)
	}
	r := w.start(nil, "reload", "web").wait(30 * time.Minute)
	if r.code != 0 {
		t.Fatalf("reload: %s", r)
	}
	if !strings.Contains(r.stderr, "synced folders mounted anew: /srv/data, /vagrant") {
		t.Errorf("reload does not say it mounted the folders anew:\n%s", r.stderr)
	}
	out = w.remote("web", `findmnt -no FSTYPE /vagrant; findmnt -no FSTYPE /srv/data; findmnt -no FSTYPE /vagrant/.envrun; cat /vagrant/from-host /srv/data/from-guest
echo "data: $(findmnt -no FSTYPE /data || echo none)"; grep -c envrun /etc/fstab; grep -c ' /data ' /etc/fstab || true
id -u; echo again >/vagrant/after-reload && echo again >/srv/data/after-reload && echo written`)
	if want := "virtiofs\n9p\ntmpfs\nhost from-host\nguest-user\ndata: none\n3\n0\n1777\nwritten\n"; out != want {
		t.Errorf("after reload, the guest's folders: %q, want %q", out, want)
	}
	if r := w.mustRun("up", "web"); strings.Contains(r.stderr, "synced folders") || strings.Contains(r.stderr, "changed") {
		t.Errorf("up after the reload still warns:\n%s", r.stderr)
	}
}
