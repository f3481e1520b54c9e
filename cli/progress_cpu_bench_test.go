package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkProgressUpWholeCPU weighs the panel against the whole CPU time
// of an up, not only envrun's own. Each iteration brings the same
// one-machine environment up twice, once with --progress plain and once
// with --progress tty (on a pty), the order alternating, and destroys it
// after each (not counted). For each up it counts:
//
//   - envrun: user+system time of envrun and every child it waited for
//     (wait4's rusage);
//   - container: the machine's container, from its cgroup's CPU
//     accounting (cpuacct.usage on cgroup v1, cpu.stat usage_usec on
//     v2), read when up returns, so the whole container's life so far;
//   - shim: the container's containerd-shim (utime+stime from
//     /proc/PID/stat), found by the container's ID on its command line;
//   - daemons: the change in dockerd's and containerd's utime+stime over
//     the up. These serve every client of the engine (other tests on a
//     shared machine too), so they are reported apart and not in total.
//
// total is envrun + container + shim; share is (tty - plain) / plain of
// total, and share+daemons the same with the daemons' deltas added.
//
//	go test -tags libvirt_dlopen -run '^$' -bench BenchmarkProgressUpWholeCPU -benchtime 5x ./cli/
func BenchmarkProgressUpWholeCPU(b *testing.B) {
	w := newWorld(b, `
box "debian/bookworm"
network "p2-bench" { subnet = "172.27.201.0/24" }
machine "p2-bench" {
  networks = { ["p2-bench"] = "172.27.201.10" },
  provision = { shell { inline = "for i in $(seq 1 200); do echo line $i; done" } },
}
`)
	daemons := engineDaemons(b)
	type sum struct{ envrun, container, shim, daemons time.Duration }
	sums := map[string]*sum{"plain": {}, "tty": {}}
	b.Logf("load before: %s", loadavg())
	i := 0
	for b.Loop() {
		order := []string{"plain", "tty"}
		if i%2 == 1 {
			order = []string{"tty", "plain"}
		}
		i++
		for _, mode := range order {
			d0 := procCPU(b, daemons...)
			_, cpu := runOnPTY(b, w.dir, "--progress", mode, "up")
			d1 := procCPU(b, daemons...)
			id := w.containerID("p2-bench")
			if id == "" {
				b.Fatal("no container for p2-bench after up")
			}
			c, s := cgroupCPU(b, id), procCPU(b, shimOf(b, id))
			b.Logf("%-5s envrun %6.1f ms  container %6.1f ms  shim %5.1f ms  daemons %6.1f ms  (load %s)",
				mode, ms(cpu), ms(c), ms(s), ms(d1-d0), loadavg())
			t := sums[mode]
			t.envrun += cpu
			t.container += c
			t.shim += s
			t.daemons += d1 - d0
			runOnPTY(b, w.dir, "--progress", "plain", "destroy", "-f")
		}
	}
	n := float64(b.N)
	total := func(s *sum) float64 { return ms(s.envrun+s.container+s.shim) / n }
	for _, mode := range []string{"plain", "tty"} {
		s := sums[mode]
		b.ReportMetric(ms(s.envrun)/n, mode+"-envrun-ms/op")
		b.ReportMetric(ms(s.container)/n, mode+"-container-ms/op")
		b.ReportMetric(ms(s.shim)/n, mode+"-shim-ms/op")
		b.ReportMetric(ms(s.daemons)/n, mode+"-daemons-ms/op")
		b.ReportMetric(total(s), mode+"-total-ms/op")
	}
	p, t := sums["plain"], sums["tty"]
	b.ReportMetric((total(t)-total(p))/total(p)*100, "share-%")
	pd, td := total(p)+ms(p.daemons)/n, total(t)+ms(t.daemons)/n
	b.ReportMetric((td-pd)/pd*100, "share+daemons-%")
	b.Logf("load after: %s", loadavg())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// engineDaemons are the PIDs of the host's dockerd and its containerd.
func engineDaemons(b *testing.B) []int {
	b.Helper()
	var pids []int
	for _, f := range []string{"/var/run/docker.pid", "/var/run/docker/containerd/containerd.pid", "/run/containerd/containerd.pid"} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
			pids = append(pids, pid)
		}
	}
	if len(pids) == 0 {
		b.Fatal("cannot find dockerd's PID (/var/run/docker.pid)")
	}
	return pids
}

// procCPU is the user+system time of the processes pids (0 is none),
// from /proc/PID/stat.
func procCPU(b *testing.B, pids ...int) time.Duration {
	b.Helper()
	var total time.Duration
	for _, pid := range pids {
		if pid == 0 {
			continue
		}
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			b.Fatal(err)
		}
		// Fields after the command's ")": state is 3rd, utime 14th, stime 15th.
		f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		total += time.Duration(u+s) * time.Second / clockTicks
	}
	return total
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// shimOf is the PID of the containerd-shim that runs container id.
func shimOf(b *testing.B, id string) int {
	b.Helper()
	dirs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, f := range dirs {
		data, err := os.ReadFile(f)
		if err != nil || !bytes.Contains(data, []byte("containerd-shim")) {
			continue
		}
		if bytes.Contains(data, []byte(id)) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			return pid
		}
	}
	b.Fatalf("no containerd-shim for container %s", id)
	return 0
}

// cgroupCPU is the CPU time the container's cgroup has used.
func cgroupCPU(b *testing.B, id string) time.Duration {
	b.Helper()
	for _, f := range []string{
		"/sys/fs/cgroup/cpuacct/docker/" + id + "/cpuacct.usage",
		"/sys/fs/cgroup/cpuacct/system.slice/docker-" + id + ".scope/cpuacct.usage",
		"/sys/fs/cgroup/cpu,cpuacct/docker/" + id + "/cpuacct.usage",
	} {
		if data, err := os.ReadFile(f); err == nil {
			ns, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return time.Duration(ns)
		}
	}
	for _, f := range []string{
		"/sys/fs/cgroup/system.slice/docker-" + id + ".scope/cpu.stat",
		"/sys/fs/cgroup/docker/" + id + "/cpu.stat",
	} {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(l, "usage_usec "); ok {
				us, _ := strconv.ParseInt(v, 10, 64)
				return time.Duration(us) * time.Microsecond
			}
		}
	}
	b.Fatalf("no cgroup CPU accounting found for container %s", id)
	return 0
}
