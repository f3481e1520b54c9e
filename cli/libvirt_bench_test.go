//go:build libvirt_dlopen && cgo

package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"libvirt.org/go/libvirtxml"

	"github.com/envrun/envrun/engine/provider/libvirt"
	"github.com/envrun/envrun/engine/provider/providertest"
	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/engine/timing"
)

// lvBenchEnvfile: two VMs on an isolated network of 172.28.1.0/24, the
// range of these benchmarks; nothing to provision.
const lvBenchEnvfile = `box "debian/bookworm"
network "n" { subnet = "172.28.1.0/24", isolated = true }
machine "web" { networks = { n = "172.28.1.10" }, memory = 384, libvirt = { boot_timeout = 900 } }
machine "db" { networks = { n = "172.28.1.11" }, memory = 384, libvirt = { boot_timeout = 900 } }
`

// BenchmarkIntegrationLibvirtVM measures, on the real libvirtd, in one
// run (b.N is not used: each figure is one VM boot, a minute under
// software emulation):
//
//   - envrun-s: `envrun up web` with the box present, to "SSH ready" (the
//     whole command, its network included; machine-s is its machine node
//     alone, what the floor does), with its phases (phase-boot-s, ...);
//   - raw-s: the floor, by hand with virsh: the same domain XML (that
//     envrun made, renamed), a fresh overlay on the same box, `virsh
//     start`, and the first byte of the SSH banner on port 22;
//   - destroy-s: `envrun destroy -f web` of that VM;
//   - vagrant-up-s, vagrant-noop-up-s, vagrant-status-s,
//     vagrant-destroy-s: the anchor, Vagrant's own libvirt provider on the
//     same box, one VM (benchVagrantLibvirt; only with
//     ENVRUN_BENCH_VAGRANT_LIBVIRT=1), and envrun/vagrant, envrun-s over
//     vagrant-up-s;
//   - noop-up-s: a no-op `envrun up` (median of 7) with both VMs running,
//     and noop-up-max-s its slowest; noop-status-s the same for `status`.
//
// The box is benchBox's: with Vagrant, the bootloader box, for all three
// sides. load1 is the load average when it ends. scripts/bench runs it as
// S10.
//
//	go test -tags libvirt_dlopen ./cli -run '^$' -bench LibvirtVM -benchtime 1x -timeout 30m -v
func BenchmarkIntegrationLibvirtVM(b *testing.B) {
	providertest.Require(b, libvirt.Driver)
	dir := filepath.Join(b.TempDir(), "t-virt-bench")
	if err := os.Mkdir(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(dir, "Envfile.lua")
	bin := envrunBinary(b)
	boxName, boxFile := benchBox(b, bin)
	writeFile(b, file, strings.Replace(lvBenchEnvfile, "debian/bookworm", boxName, 1))
	project := state.ProjectID(file)
	envrun := timedEnvrun(b, bin, file)
	virsh := func(args ...string) string {
		b.Helper()
		out, err := exec.Command("virsh", append([]string{"-c", libvirt.DefaultURI(), "-q"}, args...)...).CombinedOutput()
		if err != nil {
			b.Fatalf("virsh %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	rawName := project + "-raw"
	b.Cleanup(func() {
		exec.Command("virsh", "-c", libvirt.DefaultURI(), "destroy", rawName).Run()
		exec.Command("virsh", "-c", libvirt.DefaultURI(), "undefine", rawName).Run()
		exec.Command("virsh", "-c", libvirt.DefaultURI(), "vol-delete", "--pool", libvirt.PoolName, rawName+".qcow2").Run()
		cmd := exec.Command(bin, "-f", file, "--provider", "libvirt", "destroy", "-f")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Errorf("destroy: %v\n%s", err, out)
		}
	})

	// envrun: the network and web.
	out, took := envrun("up", "web", "--timings")
	b.Logf("envrun up web:\n%s", out)
	run := readTimings(b, dir)
	machine := run.Node("machine:web")
	if machine == nil {
		b.Fatalf("timings.json has no machine:web: %+v", run)
	}
	dom := project + "-web"
	var def libvirtxml.Domain
	if err := def.Unmarshal(virsh("dumpxml", "--inactive", dom)); err != nil {
		b.Fatal(err)
	}
	var vol libvirtxml.StorageVolume
	if err := vol.Unmarshal(virsh("vol-dumpxml", "--pool", libvirt.PoolName, dom+".qcow2")); err != nil {
		b.Fatal(err)
	}
	_, destroyed := envrun("destroy", "-f", "web")

	// The floor: envrun's XML, renamed, on a fresh overlay of the same box,
	// the network there.
	raw := func() time.Duration {
		def.Name, def.UUID, def.Metadata, def.Title = rawName, "", nil, ""
		for i := range def.Devices.Disks {
			if d := &def.Devices.Disks[i]; d.Source != nil && d.Source.File != nil {
				d.Source.File.File = filepath.Join(filepath.Dir(d.Source.File.File), rawName+".qcow2")
			}
		}
		for i := range def.Devices.Serials {
			if s := &def.Devices.Serials[i]; s.Log != nil {
				s.Log.File = filepath.Join(b.TempDir(), "raw-console.log")
			}
		}
		x, err := def.Marshal()
		if err != nil {
			b.Fatal(err)
		}
		xmlFile := filepath.Join(b.TempDir(), "raw.xml")
		writeFile(b, xmlFile, x)
		ip := "172.28.1.10"
		t0 := time.Now()
		virsh("vol-create-as", libvirt.PoolName, rawName+".qcow2", strconv.FormatUint(vol.Capacity.Value, 10)+vol.Capacity.Unit,
			"--format", "qcow2", "--backing-vol", vol.BackingStore.Path, "--backing-vol-format", "qcow2")
		virsh("define", xmlFile)
		virsh("start", rawName)
		waitBanner(b, net.JoinHostPort(ip, "22"), 15*time.Minute)
		took := time.Since(t0)
		virsh("destroy", rawName)
		virsh("undefine", rawName)
		virsh("vol-delete", "--pool", libvirt.PoolName, rawName+".qcow2")
		return took
	}()

	// The anchor: Vagrant's libvirt provider on the same box.
	vl := benchVagrantLibvirt(b, boxFile)

	b.ReportMetric(raw.Seconds(), "raw-s")
	b.ReportMetric(took.Seconds(), "envrun-s")
	b.ReportMetric(machine.Duration.Seconds(), "machine-s")
	b.ReportMetric(machine.Duration.Seconds()/raw.Seconds(), "machine/raw")
	b.ReportMetric(destroyed.Seconds(), "destroy-s")
	for _, p := range machine.Phases {
		b.ReportMetric(p.Duration.Seconds(), "phase-"+strings.ReplaceAll(p.Name, " ", "-")+"-s")
	}

	// No-op up and status with two VMs running.
	out, _ = envrun("up", "--timings")
	b.Logf("up of web and db:\n%s", out)
	var ups, statuses []time.Duration
	for range 7 {
		out, took := envrun("up")
		ups = append(ups, took)
		if strings.Contains(out, "creating") || strings.Contains(out, "starting") {
			b.Fatalf("a second up did work:\n%s", out)
		}
		_, took = envrun("status")
		statuses = append(statuses, took)
	}
	out, _ = envrun("up", "-v", "--timings")
	b.Logf("no-op up -v:\n%s", out)
	slices.Sort(ups)
	slices.Sort(statuses)
	b.ReportMetric(ups[len(ups)/2].Seconds(), "noop-up-s")
	b.ReportMetric(ups[len(ups)-1].Seconds(), "noop-up-max-s")
	b.ReportMetric(statuses[len(statuses)/2].Seconds(), "noop-status-s")
	if vl != nil {
		b.ReportMetric(vl.up.Seconds(), "vagrant-up-s")
		b.ReportMetric(vl.noop.Seconds(), "vagrant-noop-up-s")
		b.ReportMetric(vl.status.Seconds(), "vagrant-status-s")
		b.ReportMetric(vl.destroy.Seconds(), "vagrant-destroy-s")
		b.ReportMetric(took.Seconds()/vl.up.Seconds(), "envrun/vagrant")
	}
	b.ReportMetric(load1(), "load1")
	b.Logf("S10: raw %.1f s, envrun %.1f s (its machine %.1f s: %.2fx), no-op up %s (max %s), status %s, load %s",
		raw.Seconds(), took.Seconds(), machine.Duration.Seconds(), machine.Duration.Seconds()/raw.Seconds(), ups[len(ups)/2].Round(time.Millisecond),
		ups[len(ups)-1].Round(time.Millisecond), statuses[len(statuses)/2].Round(time.Millisecond), loadavgText())
}

// timedEnvrun returns a runner of envrun on libvirt with Envfile file (in
// its folder), failing the benchmark when a command fails, that returns
// the command's output and how long it took.
func timedEnvrun(b *testing.B, bin, file string) func(args ...string) (string, time.Duration) {
	return func(args ...string) (string, time.Duration) {
		b.Helper()
		var out bytes.Buffer
		cmd := exec.Command(bin, append([]string{"-f", file, "--provider", "libvirt"}, args...)...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = filepath.Dir(file), &out, &out
		cmd.Env = append(os.Environ(), "NO_COLOR=1")
		t0 := time.Now()
		err := cmd.Run()
		took := time.Since(t0)
		if err != nil {
			b.Fatalf("envrun %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return out.String(), took
	}
}

// waitBanner waits for addr to send the first bytes of an SSH banner,
// trying again 50 ms after each failed attempt.
func waitBanner(b testing.TB, addr string, timeout time.Duration) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for ctx.Err() == nil {
		d := net.Dialer{Timeout: 2 * time.Second}
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			buf := make([]byte, 4)
			n, _ := c.Read(buf)
			c.Close()
			if n > 0 && string(buf[:n]) == "SSH-"[:n] {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.Fatalf("no SSH banner on %s within %s", addr, timeout)
}

func readTimings(b testing.TB, dir string) *timing.Run {
	b.Helper()
	data, err := os.ReadFile(filepath.Join(dir, ".envrun", "timings.json"))
	if err != nil {
		b.Fatal(err)
	}
	var run timing.Run
	if err := json.Unmarshal(data, &run); err != nil {
		b.Fatal(err)
	}
	return &run
}

func loadavgText() string {
	data, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func load1() float64 {
	v, _ := strconv.ParseFloat(strings.Fields(loadavgText() + " 0")[0], 64)
	return v
}
