//go:build libvirt_dlopen && cgo

package cli_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/comm/commtest"
	"github.com/envrun/envrun/engine/provider/libvirt"
)

// lvLifecycleEnvfile: one VM on an isolated network of 172.23.10.0/24,
// with a step counted in /var/tmp/provisioned and a tree uploaded (and
// kept in sync by watch) through the same path as on Docker, and an rsync
// synced folder (data/ at /srv/data, *.tmp left out): copied, not shared;
// and extra disks (DISKS, sizes in GiB).
const lvLifecycleEnvfile = `
box "debian/bookworm"
network "n" { subnet = "172.23.10.0/24", isolated = true }
machine "web" {
  networks = { n = "172.23.10.10" },
  memory = MEMORY,
  libvirt = { boot_timeout = 1500, disks = { DISKS } },
  synced_folders = { data = { guest = "/srv/data", type = "rsync", exclude = { "*.tmp" } } },
  provision = {
    shell { inline = "echo run >> /var/tmp/provisioned" },
    file { name = "tree", source = "tree", destination = "/home/vagrant/tree" },
  },
}
`

// lvLifecycle is lvLifecycleEnvfile with memory MiB and disks of the given
// sizes.
func lvLifecycle(memory int, disks ...int) string {
	var list []string
	for _, size := range disks {
		list = append(list, fmt.Sprintf("{ size = %d }", size))
	}
	return strings.NewReplacer("MEMORY", strconv.Itoa(memory), "DISKS", strings.Join(list, ", ")).Replace(lvLifecycleEnvfile)
}

// TestIntegrationLibvirtLifecycle proves snapshots (libvirt's internal
// snapshots, push and pop too), suspend/resume (a managed save) and reload (the domain
// defined anew over its disk) on one real VM, booted once, with an extra
// disk whose data they keep, a second one reload adds, both deleted by
// destroy; a restore and a reload cut off by kill -9 and by Ctrl-C, each
// reconciled by the next command; destroy of the VM with a snapshot;
// status --all finding the VM with its Envfile; and that a tree upload
// and watch's incremental sync work on a VM as on Docker.
func TestIntegrationLibvirtLifecycle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "t-snap-lv")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w := newLibvirtWorldIn(t, dir, lvLifecycle(384, 1))
	tree := filepath.Join(dir, "tree")
	writeFile(t, filepath.Join(tree, "src", "main.go"), "package main\n")
	writeFile(t, filepath.Join(tree, "a"), "a\n")
	os.MkdirAll(filepath.Join(tree, "empty", "deeper"), 0o750)
	os.Symlink("../a", filepath.Join(tree, "src", "link"))
	os.WriteFile(filepath.Join(tree, "run.sh"), []byte("#!/bin/sh\n"), 0o755)
	data := filepath.Join(dir, "data")
	writeFile(t, filepath.Join(data, "a.txt"), "a\n")
	writeFile(t, filepath.Join(data, "sub", "b.txt"), "b\n")
	writeFile(t, filepath.Join(data, "skip.tmp"), "left out\n")
	noTmp := func(rel string) bool { return strings.HasSuffix(rel, ".tmp") }
	dataSame := func(what string) {
		t.Helper()
		got := commtest.ParseSnapshot(w.remote("web", "cd /srv/data && "+commtest.SnapshotScript))
		if d := commtest.Diff(hostSnapshot(t, data, noTmp), got); d != "" {
			t.Errorf("%s: the rsync folder on the VM differs from the host's (less *.tmp):\n%s", what, d)
		}
	}
	// A first boot under software emulation on a loaded host takes
	// minutes: longer than mustRun waits.
	long := func(args ...string) result {
		t.Helper()
		r := w.start(nil, args...).wait(30 * time.Minute)
		if r.code != 0 {
			t.Fatalf("envrun %s: %s", strings.Join(args, " "), r)
		}
		return r
	}
	// bare: the VM before its steps ran, for the cut-off restore below.
	long("up", "--no-provision")
	w.mustRun("snapshot", "save", "bare")
	long("up")
	if d := commtest.Diff(hostSnapshot(t, tree, nil), w.guestTree()); d != "" {
		t.Errorf("the tree on the VM differs from the host's:\n%s", d)
	}
	dataSame("after up")
	// status --all, run where there is no Envfile, finds the VM through
	// its domain's metadata, with the Envfile it was made from.
	envfile := filepath.Join(dir, "Envfile.lua")
	allState := func(what, want string) {
		t.Helper()
		rows := statusAll(t, w.world, w.project)
		if len(rows) != 1 || rows[0] != (allRow{Envfile: envfile, Project: w.project, Name: "web", Provider: "libvirt", State: want, IP: "172.23.10.10"}) {
			t.Errorf("%s: status --all --provider libvirt: %+v, want web, %s, from %s", what, rows, want, envfile)
		}
	}
	allState("after up", "running")
	// disks: what lsblk says of the extra disks, and the first bytes of vdb.
	disks := func() string {
		return strings.TrimSpace(w.remote("web", "lsblk -dbno NAME,SIZE /dev/vd[b-z] | tr -s ' '; sudo -n head -c 4 /dev/vdb"))
	}
	w.remote("web", "printf kept | sudo -n dd of=/dev/vdb conv=fsync status=none")
	if got := disks(); got != "vdb 1073741824\nkept" {
		t.Errorf("extra disks on the VM: %q, want vdb of 1 GiB holding what was written", got)
	}
	if out := strings.TrimSpace(w.remote("web", "stat -c %U /srv/data /srv/data/sub/b.txt | sort -u; grep -c ' /srv/data ' /proc/mounts || true")); out != "vagrant\n0" {
		t.Errorf("/srv/data: owners and mounts %q, want vagrant's and no mount (a copy)", out)
	}
	runs := func() int {
		return strings.Count(w.remote("web", "cat /var/tmp/provisioned 2>/dev/null || true"), "run")
	}
	w.remote("web", "echo one > /var/tmp/state")
	w.mustRun("snapshot", "save", "s1")
	rows := w.snapshotList()
	if len(rows) != 2 || rows[0].Name != "bare" || rows[0].Provisioned || rows[1].Machine != "web" || rows[1].Name != "s1" || !rows[1].Provisioned {
		t.Fatalf("snapshot list: %+v, want web's bare, not provisioned, and s1, provisioned", rows)
	}
	if n := w.status()["web"].Snapshots; n != 2 {
		t.Errorf("status counts %d snapshot(s), want 2", n)
	}
	w.mustFail(2, `no snapshot "s2" of web`, "snapshot", "restore", "web", "s2")

	w.remote("web", "echo two > /var/tmp/state")
	// A VM woken from a snapshot or a saved state has the clock it had
	// then: envrun sets it to the host's.
	clockSet := func(what string, r result) {
		t.Helper()
		guest, err := strconv.ParseInt(strings.TrimSpace(w.remote("web", "date +%s")), 10, 64)
		if d := time.Now().Unix() - guest; err != nil || d < -3 || d > 3 {
			t.Errorf("%s: the VM's clock is %ds off the host's (%v)", what, d, err)
		}
		if !strings.Contains(r.stderr, "its clock was") {
			t.Errorf("%s: envrun did not say it set the clock:\n%s", what, r.stderr)
		}
	}
	time.Sleep(5 * time.Second)
	clockSet("after restoring s1", w.mustRun("snapshot", "restore", "s1"))
	if out := strings.TrimSpace(w.remote("web", "cat /var/tmp/state")); out != "one" {
		t.Errorf("after restoring s1: /var/tmp/state is %q, want one", out)
	}
	if r := w.mustRun("up"); strings.Contains(r.stderr, "[shell") || runs() != 1 {
		t.Errorf("up after restoring a provisioned snapshot ran steps:\n%s", r.stderr)
	}

	w.mustRun("suspend")
	if st := w.status()["web"].State; st != "suspended" {
		t.Errorf("after suspend: web is %q, want suspended", st)
	}
	allState("after suspend", "suspended")
	time.Sleep(5 * time.Second)
	clockSet("after resume", w.mustRun("resume"))
	if st := w.status()["web"].State; st != "running" {
		t.Errorf("after resume: web is %q, want running", st)
	}
	if out := strings.TrimSpace(w.remote("web", "cat /var/tmp/state")); out != "one" {
		t.Errorf("after resume: /var/tmp/state is %q, want one", out)
	}

	w.writeEnvfile(lvLifecycle(448, 1, 2))
	if r := w.mustRun("up"); !strings.Contains(r.stderr, "settings in the Envfile changed") {
		t.Errorf("up does not say the settings changed:\n%s", r.stderr)
	}
	writeFile(t, filepath.Join(data, "sub", "b.txt"), "b, changed before reload\n")
	os.Remove(filepath.Join(data, "a.txt"))
	r := long("reload")
	if !strings.Contains(r.stderr, "defining VM") {
		t.Errorf("reload did not define the VM anew:\n%s", r.stderr)
	}
	dataSame("after reload") // reload starts the VM: the folder is copied again
	if got := disks(); got != "vdb 1073741824\nvdc 2147483648\nkept" {
		t.Errorf("extra disks after a reload adding one: %q, want vdb kept and vdc of 2 GiB", got)
	}
	if out := strings.TrimSpace(w.remote("web", "cat /var/tmp/state")); out != "one" {
		t.Errorf("after reload: /var/tmp/state is %q, want one (the disk kept)", out)
	}
	if runs() != 1 {
		t.Errorf("reload keeping the disk ran the step again")
	}
	if r := w.mustRun("up"); strings.Contains(r.stderr, "settings in the Envfile changed") || strings.Contains(r.stderr, "[shell") {
		t.Errorf("up after reload still warns or provisions:\n%s", r.stderr)
	}

	// A reload killed once the VM is defined anew (and not started): up
	// starts it as it now is, the disk and provisioning kept.
	w.writeEnvfile(lvLifecycle(512, 1, 2))
	p := w.start([]string{"ENVRUN_TEST_PAUSE=domain-redefined:web"}, "reload")
	p.waitFor("envrun-test-pause: domain-redefined:web", 10*time.Minute)
	p.kill9()
	if r := long("up"); strings.Contains(r.stderr, "settings in the Envfile changed") || strings.Contains(r.stderr, "[shell") {
		t.Errorf("up after a reload killed past the new definition warns or provisions:\n%s", r.stderr)
	}
	if out := strings.TrimSpace(w.remote("web", "cat /var/tmp/state")); out != "one" || runs() != 1 {
		t.Errorf("after the killed reload and up: /var/tmp/state is %q (want one), the step ran %d time(s) (want 1)", out, runs())
	}
	if got := disks(); got != "vdb 1073741824\nvdc 2147483648\nkept" {
		t.Errorf("extra disks after the killed reload and up: %q, want both, vdb's data kept", got)
	}

	// The same reload interrupted (Ctrl-C) there: exit 130, the VM left
	// defined anew and shut off; the next reload finds the definition as
	// the Envfile says and only starts it, the disk and provisioning kept.
	w.writeEnvfile(lvLifecycle(480, 1, 2))
	p = w.start([]string{"ENVRUN_TEST_PAUSE=domain-redefined:web"}, "reload")
	p.waitFor("envrun-test-pause: domain-redefined:web", 10*time.Minute)
	p.signal(syscall.SIGINT)
	if r := p.wait(time.Minute); r.code != 130 {
		t.Errorf("reload interrupted past the new definition: want exit 130: %s", r)
	}
	if d := w.domains()["web"]; d.state != "shut off" || d.memoryMiB != 480 {
		t.Errorf("after the interrupted reload: web's domain is %q with %d MiB, want shut off with 480", d.state, d.memoryMiB)
	}
	if r := long("reload"); !strings.Contains(r.stderr, "settings unchanged: restarting VM") || strings.Contains(r.stderr, "[shell") {
		t.Errorf("reload after an interrupted one did not only start the VM defined anew:\n%s", r.stderr)
	}
	if r := w.mustRun("up"); strings.Contains(r.stderr, "settings in the Envfile changed") || strings.Contains(r.stderr, "[shell") {
		t.Errorf("up after the interrupted reload and a reload warns or provisions:\n%s", r.stderr)
	}
	if out := strings.TrimSpace(w.remote("web", "cat /var/tmp/state")); out != "one" || runs() != 1 {
		t.Errorf("after the interrupted reload and a reload: /var/tmp/state is %q (want one), the step ran %d time(s) (want 1)", out, runs())
	}
	if got := disks(); got != "vdb 1073741824\nvdc 2147483648\nkept" {
		t.Errorf("extra disks after the interrupted reload and a reload: %q, want both, vdb's data kept", got)
	}

	w.mustRun("snapshot", "delete", "web", "s1")
	if rows := w.snapshotList(); len(rows) != 1 || rows[0].Name != "bare" {
		t.Errorf("after delete: %+v, want bare alone", rows)
	}

	// A restore killed once libvirt reverted the VM, before envrun
	// recorded the snapshot's provisioning state: the VM is bare, yet
	// envrun's record says provisioned (a reverted VM keeps its UUID).
	// The next up finishes the restore and then runs the steps.
	p = w.start([]string{"ENVRUN_TEST_PAUSE=snapshot-reverted:web"}, "snapshot", "restore", "bare")
	p.waitFor("envrun-test-pause: snapshot-reverted:web", 10*time.Minute)
	p.kill9()
	if r := long("up"); !strings.Contains(r.stderr, "the restore of snapshot bare was cut off") || runs() != 1 {
		t.Errorf("up after a restore killed past the revert: the step ran %d time(s) on the bare VM, want 1:\n%s", runs(), r.stderr)
	}
	if d := commtest.Diff(hostSnapshot(t, tree, nil), w.guestTree()); d != "" {
		t.Errorf("the tree on the VM differs from the host's after the finished restore and up:\n%s", d)
	}

	// The same restore interrupted (Ctrl-C) there: exit 130, and the next
	// up finishes it the same way (the VM bare again, its steps run once).
	p = w.start([]string{"ENVRUN_TEST_PAUSE=snapshot-reverted:web"}, "snapshot", "restore", "web", "bare")
	p.waitFor("envrun-test-pause: snapshot-reverted:web", 10*time.Minute)
	p.signal(syscall.SIGINT)
	if r := p.wait(time.Minute); r.code != 130 {
		t.Errorf("restore interrupted past the revert: want exit 130: %s", r)
	}
	if r := long("up"); !strings.Contains(r.stderr, "the restore of snapshot bare was cut off") || runs() != 1 {
		t.Errorf("up after a restore interrupted past the revert: the step ran %d time(s) on the bare VM, want 1:\n%s", runs(), r.stderr)
	}
	if r := w.mustRun("up"); strings.Contains(r.stderr, "cut off") || strings.Contains(r.stderr, "[shell") {
		t.Errorf("a second up after the interrupted restore did work:\n%s", r.stderr)
	}
	w.mustRun("snapshot", "delete", "web", "bare")

	// push and pop, as on Docker: pop restores the pushed snapshot and
	// deletes it.
	w.remote("web", "echo pushed > /var/tmp/state")
	name := strings.TrimSpace(w.mustRun("snapshot", "push").stdout)
	if !strings.HasPrefix(name, "push-") {
		t.Errorf("push printed %q, want the snapshot's name", name)
	}
	w.remote("web", "echo later > /var/tmp/state")
	w.mustRun("snapshot", "pop")
	if out := strings.TrimSpace(w.remote("web", "cat /var/tmp/state")); out != "pushed" {
		t.Errorf("after pop: /var/tmp/state is %q, want pushed", out)
	}
	if rows := w.snapshotList(); len(rows) != 0 {
		t.Errorf("after pop: snapshots %+v, want none", rows)
	}

	t.Run("watch syncs changes to the VM", func(t *testing.T) {
		p := startWatch(t, w.world, "-v")
		p.waitLine(t, 0, "watching ", 10*time.Minute)
		seed := rand.Uint64()
		t.Logf("seed %d", seed)
		ch := commtest.NewChanger(tree, commtest.Outside(t), rand.New(rand.NewPCG(seed, 3)))
		var ops []string
		for round := range 6 {
			ops = append(ops, ch.Apply(1+round)...)
			want := hostSnapshot(t, tree, nil)
			deadline := time.Now().Add(3 * time.Minute)
			for {
				d := commtest.Diff(want, w.guestTree())
				if d == "" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("round %d: after %s\nthe VM's tree differs:\n%s\nwatch said:\n%s", round, strings.Join(ops, "; "), d, p.text(0))
				}
				time.Sleep(time.Second)
			}
		}
		if text := p.text(0); !strings.Contains(text, "changed path(s) to /home/vagrant/tree") {
			t.Errorf("no re-run sent only the changes:\n%s", text)
		}
		if code, _ := p.interrupt(t, 30*time.Second); code != 0 {
			t.Errorf("watch exit status %d", code)
		}
	})

	// A reload to another IP and hostname: the guest takes the address
	// from the network's DHCP entry as it boots, its names once up. The
	// reload is killed once the VM is defined anew: what the guest still
	// has to do is in the domain's metadata, and the next up does it.
	// (Last: a snapshot taken before would bring the old address back.)
	newIP := strings.NewReplacer(`n = "172.23.10.10"`, `n = "172.23.10.11"`)
	w.writeEnvfile(newIP.Replace(lvLifecycle(512, 1, 2)))
	if r := w.mustRun("up"); !strings.Contains(r.stderr, "settings in the Envfile changed") {
		t.Errorf("up does not say the IP changed (which the domain's definition does not hold):\n%s", r.stderr)
	}
	w.writeEnvfile(strings.Replace(newIP.Replace(lvLifecycle(512, 1, 2)), `machine "web" {`, `machine "web" {
  hostname = "web2.test",`, 1))
	p = w.start([]string{"ENVRUN_TEST_PAUSE=domain-redefined:web"}, "reload")
	p.waitFor("envrun-test-pause: domain-redefined:web", 10*time.Minute)
	if text := p.stderrText(); !strings.Contains(text, "its IP changed (172.23.10.11, was 172.23.10.10)") {
		t.Errorf("reload to another IP:\n%s", text)
	}
	p.kill9()
	if r := long("up"); strings.Contains(r.stderr, "[shell") {
		t.Errorf("up after the killed reload to another IP provisions:\n%s", r.stderr)
	}
	if ip := w.status()["web"].IP; ip != "172.23.10.11" {
		t.Errorf("after a reload to another IP, status says %s", ip)
	}
	names := w.remote("web", "hostname; hostname -f; ip -4 -o addr show scope global | awk '{print $4}'; grep -c 172.23.10.10 /etc/hosts || true")
	if names != "web2\nweb2.test\n172.23.10.11/24\n0\n" {
		t.Errorf("after a reload to another IP and hostname: hostname, hostname -f, addresses, lines of the old IP in /etc/hosts:\n%s", names)
	}
	if r := w.mustRun("up"); strings.Contains(r.stderr, "settings in the Envfile changed") || strings.Contains(r.stderr, "[shell") {
		t.Errorf("up after the reload to another IP warns or provisions:\n%s", r.stderr)
	}

	// destroy of a VM that has snapshots: the domain goes with its
	// snapshots' metadata, the disks with the snapshots in them.
	w.mustRun("snapshot", "save", "last")
	if n := w.status()["web"].Snapshots; n != 1 {
		t.Errorf("status counts %d snapshot(s) before destroy, want 1", n)
	}
	domName := w.project + "-web"
	var snapDir string // where a system libvirtd keeps the domain's snapshot metadata
	if libvirt.DefaultURI() == "qemu:///system" {
		if _, err := os.Stat(filepath.Join("/var/lib/libvirt/qemu/snapshot", domName, "last.xml")); err == nil {
			snapDir = filepath.Join("/var/lib/libvirt/qemu/snapshot", domName)
		} else {
			t.Logf("libvirt's snapshot metadata is not where looked (%v): not checked after destroy", err)
		}
	}
	if v := w.volumes(); !slices.Equal(v, []string{"web", "web.disk1", "web.disk2"}) {
		t.Errorf("volumes before destroy: %v, want web's disk and its two extra disks", v)
	}
	w.mustRun("destroy", "-f")
	if v := w.volumes(); len(v) != 0 {
		t.Errorf("destroy left volumes %v", v)
	}
	if d, err := w.c.LookupDomainByName(domName); err == nil {
		n, _ := d.SnapshotNum(0)
		d.Free()
		t.Errorf("destroy left the domain %s (with %d snapshot(s))", domName, n)
	}
	if _, err := exec.LookPath("virsh"); err != nil {
		t.Logf("no virsh: %v", err)
	} else if out, err := exec.Command("virsh", "-c", libvirt.DefaultURI(), "snapshot-list", "--name", domName).CombinedOutput(); err == nil {
		t.Errorf("virsh snapshot-list %s after destroy: %s", domName, out)
	}
	if snapDir != "" {
		if _, err := os.Stat(snapDir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("destroy left libvirt's snapshot metadata %s (%v)", snapDir, err)
		}
	}
	if rows := statusAll(t, w.world, w.project); len(rows) != 0 {
		t.Errorf("status --all after destroy: %+v", rows)
	}
}

// guestTree describes /home/vagrant/tree on web as commtest.Snapshot does
// on the host.
func (w *lvWorld) guestTree() map[string]string {
	w.t.Helper()
	return commtest.ParseSnapshot(w.remote("web", "cd /home/vagrant/tree && "+commtest.SnapshotScript))
}
