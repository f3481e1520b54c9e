//go:build libvirt_dlopen && cgo

package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	lv "libvirt.org/go/libvirt"

	"github.com/envrun/envrun/engine/provider/libvirt"
	"github.com/envrun/envrun/engine/provider/providertest"
	"github.com/envrun/envrun/engine/state"
)

// The hardening guarantees of the Docker tests (kill_integration_test.go,
// interrupt_integration_test.go, backend_integration_test.go), proven on
// libvirt: the real envrun binary against the real libvirtd, cut off at
// the libvirt provider's pause points. Their networks are isolated, in
// 10.231.52.0/24 to 10.231.55.0/24. A VM boots in software emulation here
// (30 to 60 s), so most points are before the boot, and one booted VM
// serves several checks.

// lvWorld is a world whose machines are libvirt VMs; what exists is read
// from libvirtd.
type lvWorld struct {
	*world
	c *lv.Connect
}

func newLibvirtWorld(t *testing.T, envfile string) *lvWorld {
	t.Helper()
	return newLibvirtWorldIn(t, t.TempDir(), envfile)
}

func newLibvirtWorldIn(t *testing.T, dir, envfile string) *lvWorld {
	t.Helper()
	providertest.Require(t, libvirt.Driver)
	w := &world{t: t, dir: dir, bin: envrunBinary(t), project: state.ProjectID(filepath.Join(dir, "Envfile.lua")), prov: "libvirt"}
	w.writeEnvfile(envfile)
	c, err := lv.NewConnect(libvirt.DefaultURI())
	if err != nil {
		t.Fatal(err)
	}
	lw := &lvWorld{world: w, c: c}
	t.Cleanup(func() {
		w.uid, w.env = 0, nil
		w.run("destroy", "-f")
		lw.purge()
		c.Close()
	})
	return lw
}

func (w *lvWorld) with(t *testing.T) *lvWorld { return &lvWorld{w.world.with(t), w.c} }

// lvDomain is a domain of the environment.
type lvDomain struct {
	state     string // libvirt's: running, shut off, ...
	uuid      string
	first     bool // first contact finished: a host key in envrun's metadata
	memoryMiB int  // the memory it is defined with
}

// domains maps machine name to its domain.
func (w *lvWorld) domains() map[string]lvDomain {
	w.t.Helper()
	doms, err := w.c.ListAllDomains(0)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]lvDomain{}
	for i := range doms {
		d := &doms[i]
		name, _ := d.GetName()
		if machine, ok := strings.CutPrefix(name, w.project+"-"); ok {
			st, _, _ := d.GetState()
			uuid, _ := d.GetUUIDString()
			meta, _ := d.GetMetadata(lv.DOMAIN_METADATA_ELEMENT, libvirt.MetaNS, 0)
			maxKiB, _ := d.GetMaxMemory()
			out[machine] = lvDomain{state: domainState(st), uuid: uuid, first: strings.Contains(meta, "<hostkey>ssh-"), memoryMiB: int(maxKiB / 1024)}
		}
		d.Free()
	}
	return out
}

func domainState(s lv.DomainState) string {
	switch s {
	case lv.DOMAIN_RUNNING:
		return "running"
	case lv.DOMAIN_SHUTOFF:
		return "shut off"
	}
	return fmt.Sprintf("state %d", s)
}

// volumes lists the machines that have a disk in envrun's pool.
func (w *lvWorld) volumes() []string {
	w.t.Helper()
	pool, err := w.c.LookupStoragePoolByName(libvirt.PoolName)
	if err != nil {
		return nil
	}
	defer pool.Free()
	vols, err := pool.ListAllStorageVolumes(0)
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for i := range vols {
		name, _ := vols[i].GetName()
		if rest, ok := strings.CutPrefix(name, w.project+"-"); ok {
			out = append(out, strings.TrimSuffix(rest, ".qcow2"))
		}
		vols[i].Free()
	}
	sort.Strings(out)
	return out
}

// networks maps the Envfile name of each network of the environment to
// whether it is started. libvirt names are unique; a second network of
// the environment with the same subnet (a duplicate under another name)
// is a test failure.
func (w *lvWorld) networks() map[string]bool {
	w.t.Helper()
	nets, err := w.c.ListAllNetworks(0)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]bool{}
	subnets := map[string]string{}
	for i := range nets {
		n := &nets[i]
		name, _ := n.GetName()
		x, _ := n.GetXMLDesc(0)
		if short, ok := strings.CutPrefix(name, w.project+"-"); ok {
			out[short], _ = n.IsActive()
			_, rest, _ := strings.Cut(x, "<ip address=")
			addr, _, _ := strings.Cut(rest, " ")
			if other, dup := subnets[addr]; dup {
				w.t.Errorf("networks %s and %s of the environment have the same address %s", other, name, addr)
			}
			subnets[addr] = name
		}
		n.Free()
	}
	return out
}

// purge removes whatever of the environment a failed test left.
func (w *lvWorld) purge() {
	for _, left := range leftovers(w.t, w.project) {
		kind, name, _ := strings.Cut(left, " ")
		switch kind {
		case "domain":
			if d, err := w.c.LookupDomainByName(name); err == nil {
				d.Destroy()
				d.UndefineFlags(lv.DOMAIN_UNDEFINE_MANAGED_SAVE | lv.DOMAIN_UNDEFINE_SNAPSHOTS_METADATA)
				d.Free()
			}
		case "network":
			if n, err := w.c.LookupNetworkByName(name); err == nil {
				n.Destroy()
				n.Undefine()
				n.Free()
			}
		case "volume":
			if pool, err := w.c.LookupStoragePoolByName(libvirt.PoolName); err == nil {
				if v, err := pool.LookupStorageVolByName(name); err == nil {
					v.Delete(0)
					v.Free()
				}
				pool.Free()
			}
		}
	}
}

// remote runs a command on a machine with `envrun ssh`.
func (w *lvWorld) remote(machine, cmd string) string {
	w.t.Helper()
	return w.mustRun("ssh", machine, "--", cmd).stdout
}

// lvHardEnvfile has one machine, web, whose step records each run and
// blocks (prints "blocking", then sleeps) on its first run only.
const lvHardEnvfile = `
box "debian/bookworm"
network "n" { subnet = "SUBNET.0/24", isolated = true }
machine "web" {
  networks = { n = "SUBNET.10" },
  memory = 384,
  provision = {
    shell { inline = [[
echo run >> /var/tmp/provisioned
if [ "$(wc -l < /var/tmp/provisioned)" = 1 ]; then echo blocking; sleep 600; fi
]] },
  },
}
`

// TestIntegrationLibvirtInterrupt sends SIGINT to `envrun up` at each
// point of making a VM — network defined but not started, disk made,
// domain defined, and during the real first boot (the wait for SSH) —:
// each time envrun exits 130 within 5 s and leaves nothing half-made
// (the network it defined and did not start is gone; once started, it
// stays, as on Docker, for the next up to adopt).
func TestIntegrationLibvirtInterrupt(t *testing.T) {
	w := newLibvirtWorld(t, strings.ReplaceAll(lvHardEnvfile, "SUBNET", "10.231.52"))
	for _, point := range []string{"network-defined:n", "volume-created:web", "domain-defined:web", ""} {
		name := point
		if name == "" {
			name = "first boot"
		}
		t.Run(name, func(t *testing.T) {
			w := w.with(t)
			var p *running
			if point != "" {
				p = w.start([]string{"ENVRUN_TEST_PAUSE=" + point}, "up")
				p.pause(point)
			} else {
				p = w.start(nil, "up")
				p.waitFor("first boot: waiting for SSH", 2*time.Minute)
				time.Sleep(2 * time.Second) // well into the wait: qemu runs the guest
				if d := w.domains()["web"]; d.state != "running" {
					t.Fatalf("web's VM is %q during its first boot, want running", d.state)
				}
			}
			sent := time.Now()
			p.signal(syscall.SIGINT)
			r := p.wait(30 * time.Second)
			took := time.Since(sent)
			if r.code != 130 || took > 5*time.Second {
				t.Errorf("want exit 130 within 5 s of SIGINT, got it after %s: %s", took, r)
			}
			t.Logf("exited %s after SIGINT", took.Round(10*time.Millisecond))
			if d := w.domains(); len(d) > 0 {
				t.Errorf("the half-made VM was left: %v", d)
			}
			if v := w.volumes(); len(v) > 0 {
				t.Errorf("the half-made disk was left: %v", v)
			}
			nets := w.networks()
			if point == "network-defined:n" && len(nets) > 0 {
				t.Errorf("the network defined but not started was left: %v", nets)
			}
			if point != "network-defined:n" && (len(nets) != 1 || !nets["n"]) {
				t.Errorf("networks %v, want n, started, once", nets)
			}
			if s := p.strays(); len(s) > 0 {
				t.Errorf("processes left in envrun's process group: %v", s)
			}
		})
	}
}

// TestIntegrationLibvirtKill9 kills `envrun up` with SIGKILL at every
// point of making a VM, each next up going one point further: with the
// network defined but not started, with the disk made, with the domain
// defined, during the first boot, with the VM made but never provisioned
// (the engine's ssh-wait point), and in the middle of its first step. What
// each kill left is checked, and each next up gets past it: the network is
// adopted and started (never a duplicate), a stale disk replaced, a VM
// whose first boot was cut off made anew, a made VM adopted (same UUID),
// and the step cut off runs again. The last up converges, and one more
// does nothing.
//
// The booted VM then serves the orphans check: a machine added to the
// Envfile is cut off with only its disk made, then the Envfile names
// neither machine nor the network: `envrun status` lists all three, and
// `envrun destroy` (by name, then all) removes them.
func TestIntegrationLibvirtKill9(t *testing.T) {
	envfile := strings.ReplaceAll(lvHardEnvfile, "SUBNET", "10.231.53")
	w := newLibvirtWorld(t, envfile)
	var made string // UUID of the VM made at the ssh-wait point

	steps := []struct {
		point string // ENVRUN_TEST_PAUSE; "" for web's blocking step
		// after checks what the killed run left, proving it was cut off
		// where intended.
		after func(t *testing.T, w *lvWorld) string
	}{
		{"network-defined:n", func(t *testing.T, w *lvWorld) string {
			if n, d, v := w.networks(), w.domains(), w.volumes(); len(n) != 1 || n["n"] || len(d)+len(v) > 0 {
				return fmt.Sprintf("want network n defined, not started, and nothing else; got networks %v, domains %v, disks %v", n, d, v)
			}
			return ""
		}},
		{"volume-created:web", func(t *testing.T, w *lvWorld) string {
			if n, d, v := w.networks(), w.domains(), w.volumes(); len(n) != 1 || !n["n"] || len(d) > 0 || !slices.Equal(v, []string{"web"}) {
				return fmt.Sprintf("want network n started, web's disk and no VM; got networks %v, domains %v, disks %v", n, d, v)
			}
			return ""
		}},
		{"domain-defined:web", func(t *testing.T, w *lvWorld) string {
			if d := w.domains()["web"]; d.state != "shut off" || d.first {
				return fmt.Sprintf("want web's VM defined, not started; got %+v", d)
			}
			return ""
		}},
		{"first-contact:web", func(t *testing.T, w *lvWorld) string {
			if d := w.domains()["web"]; d.state != "running" || d.first {
				return fmt.Sprintf("want web's VM booting, first contact not made; got %+v", d)
			}
			return ""
		}},
		{"ssh-wait:web", func(t *testing.T, w *lvWorld) string {
			d := w.domains()["web"]
			if d.state != "running" || !d.first {
				return fmt.Sprintf("want web's VM made, first contact done; got %+v", d)
			}
			made = d.uuid
			return ""
		}},
		{"", func(t *testing.T, w *lvWorld) string {
			if d := w.domains()["web"]; d.uuid != made {
				return fmt.Sprintf("the VM made before was not adopted: UUID %s, was %s", d.uuid, made)
			}
			// The killed run's step stops on the machine: its supervisor
			// sees the connection close.
			if ps := w.remote("web", "ps -eo args"); strings.Contains(ps, "sleep 600") {
				return "the cut-off step still runs on web:\n" + ps
			}
			return ""
		}},
	}
	var prev string // stderr of the previous (killed) run
	for _, s := range steps {
		name := s.point
		if name == "" {
			name = "in a step"
		}
		ok := t.Run(name, func(t *testing.T) {
			w := w.with(t)
			var env []string
			if s.point != "" {
				env = []string{"ENVRUN_TEST_PAUSE=" + s.point}
			}
			p := w.start(env, "up")
			// Up to a boot: first contact may take boot_timeout.
			if s.point != "" {
				p.waitFor("envrun-test-pause: "+s.point, 5*time.Minute)
			} else {
				p.waitFor("web | blocking", 5*time.Minute)
			}
			text := p.stderrText()
			p.kill9()
			if s.point == "ssh-wait:web" && !strings.Contains(text, "left half-made by an interrupted run") {
				t.Errorf("the VM whose first boot was cut off was not made anew:\n%s", text)
			}
			// A minute: the guest's sshd must see the connection close and
			// the supervisor end the step (up to 3 s) in an emulated guest
			// that CI's other VMs share two cores with (15 s was once too
			// short there, 6 December 2026).
			eventually(t, time.Minute, func() string { return s.after(t, w) })
			prev = text
		})
		if !ok {
			t.Fatalf("cut off at %s: the next steps build on it\n%s", name, prev)
		}
	}

	r := w.mustRun("up")
	if d := w.domains(); len(d) != 1 || d["web"].uuid != made || d["web"].state != "running" {
		t.Errorf("after the last up: domains %v, want web running, the VM made before (%s)", d, made)
	}
	if n, v := w.networks(), w.volumes(); len(n) != 1 || !n["n"] || !slices.Equal(v, []string{"web"}) {
		t.Errorf("after the last up: networks %v, disks %v; want n once and web's disk", n, v)
	}
	if got := w.remote("web", "cat /var/tmp/provisioned"); got != "run\nrun\n" {
		t.Errorf("web's step ran %q; want twice (cut off, then again)\n%s", got, r.stderr)
	}
	again := w.mustRun("up")
	if strings.Contains(again.stderr, "creating") || strings.Contains(again.stderr, "[shell") {
		t.Errorf("up on a converged environment did work:\n%s", again.stderr)
	}

	t.Run("orphans", func(t *testing.T) {
		w := w.with(t)
		// db's disk is made, and the run killed before its VM is defined.
		w.writeEnvfile(strings.Replace(envfile, `machine "web"`, `machine "db" { networks = { n = "10.231.53.11" } }
machine "web"`, 1))
		p := w.start([]string{"ENVRUN_TEST_PAUSE=volume-created:db"}, "up")
		p.pause("volume-created:db")
		p.kill9()
		if v := w.volumes(); !slices.Equal(v, []string{"db", "web"}) {
			t.Fatalf("disks %v, want db's and web's", v)
		}
		w.writeEnvfile(`
box "debian/bookworm"
network "n2" { subnet = "10.231.54.0/24", isolated = true }
machine "other" { networks = { n2 = "10.231.54.10" } }
`)
		r := w.mustRun("status")
		for _, want := range []string{"web", "db", "other"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("status does not list %s:\n%s", want, r)
			}
		}
		if strings.Count(r.stdout, "(not in the Envfile)") != 2 || !strings.Contains(r.stderr, "network n ") {
			t.Errorf("status does not list the orphans web, db and network n:\n%s", r)
		}
		w.mustRun("destroy", "-f", "web")
		if d, v := w.domains(), w.volumes(); len(d) > 0 || !slices.Equal(v, []string{"db"}) {
			t.Errorf("destroy web (an orphan, by name): domains %v, disks %v; want db's disk alone", d, v)
		}
		w.mustRun("destroy", "-f")
		if left := leftovers(t, w.project); len(left) > 0 {
			t.Errorf("destroy left %s", strings.Join(left, ", "))
		}
		if _, err := os.Stat(filepath.Join(w.dir, ".envrun")); err == nil {
			t.Errorf("destroy left .envrun/")
		}
	})
}

// TestIntegrationLibvirtBackendDown runs envrun when libvirtd cannot serve
// it — not running (a socket that does not exist, as the default URI or a
// machine's own), or refusing an unprivileged user —: a clear message,
// exit status 1, and nothing made (no .envrun/, no domain, disk or
// network).
func TestIntegrationLibvirtBackendDown(t *testing.T) {
	envfile := strings.ReplaceAll(lvHardEnvfile, "SUBNET", "10.231.55")
	noState := func(t *testing.T, w *lvWorld) {
		t.Helper()
		if _, err := os.Stat(filepath.Join(w.dir, ".envrun")); err == nil {
			t.Errorf(".envrun/ was left behind")
		}
		if d, v, n := w.domains(), w.volumes(), w.networks(); len(d)+len(v)+len(n) > 0 {
			t.Errorf("made domains %v, disks %v, networks %v", d, v, n)
		}
	}
	missing := "qemu+unix:///system?socket=" + filepath.Join(t.TempDir(), "libvirt-sock")
	want := "libvirtd is not running for " + missing

	t.Run("not running", func(t *testing.T) {
		w := newLibvirtWorld(t, envfile)
		w.env = []string{"LIBVIRT_DEFAULT_URI=" + missing}
		for _, args := range [][]string{{"up"}, {"status"}, {"halt"}, {"destroy", "-f"}} {
			if r := w.run(args...); r.code != 1 || !strings.Contains(r.stderr, want) {
				t.Errorf("envrun %s: want exit 1 and %q: %s", strings.Join(args, " "), want, r)
			}
		}
		w.env = nil
		noState(t, w)
	})

	t.Run("a machine's own uri", func(t *testing.T) {
		w := newLibvirtWorld(t, strings.Replace(envfile, "memory = 384,", fmt.Sprintf("memory = 384, libvirt = { uri = %q },", missing), 1))
		if r := w.run("up"); r.code != 1 || !strings.Contains(r.stderr, want) {
			t.Errorf("up: want exit 1 and %q: %s", want, r)
		}
		noState(t, w)
	})

	t.Run("permission denied", func(t *testing.T) {
		w := newLibvirtWorldIn(t, nobodyDir(t), envfile)
		w.asNobody("LIBVIRT_DEFAULT_URI=qemu:///system") // neither root nor in the libvirt group
		r := w.run("up")
		if r.code != 1 || !strings.Contains(r.stderr, "permission denied") || strings.Contains(r.stderr, "libvirtd is not running") {
			t.Errorf("up as a user libvirtd refuses: want exit 1 and permission denied: %s", r)
		}
		w.uid, w.env = 0, nil
		noState(t, w)
	})
}
