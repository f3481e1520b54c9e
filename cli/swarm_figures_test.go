package cli_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The figures of docs/benchmarks.md (S11), measured on the swarm rig when
// ENVRUN_SWARM_FIGURES is a number of repetitions. Each repetition brings
// the two-host example up from nothing twice, once across two engines
// (machine2 on the second, the network a Swarm overlay) and once on this
// host's engine alone (a bridge), in an order that alternates from one
// repetition to the next, and right after each up measures the round trip
// of one byte over TCP from machine1 to machine2 (a Python echo on
// machine2, TCP_NODELAY, 2000 round trips: their median and p99) and
// ping's average. Both sides use the example's one subnet, 172.25.1.0/24,
// so only one of them is up at a time: both are destroyed, and the
// engines hold nothing of either, before each timed up. Medians are per
// side; a ratio is the median of the repetitions' own ratios, so both
// figures of a pair saw the same load (as scripts/bench does).

const echoServer = `import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7777)); s.listen(1)
while True:
    c, _ = s.accept(); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        d = c.recv(64)
        if not d: break
        c.sendall(d)
    c.close()
`

const echoClient = `import socket, sys, time
for _ in range(50):
    try:
        c = socket.create_connection((sys.argv[1], 7777)); break
    except OSError: time.sleep(0.1)
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
ts = []
for i in range(2000):
    t = time.perf_counter(); c.sendall(b"x"); c.recv(1); ts.append(time.perf_counter() - t)
ts.sort()
print("%.0f %.0f" % (ts[len(ts)//2]*1e6, ts[len(ts)*99//100]*1e6))
`

// swarmFigures measures on the rig, whose swarm is formed; it leaves the
// two-engine environment in dir up.
func swarmFigures(t *testing.T, r *swarmRig, dir string) {
	reps, _ := strconv.Atoi(os.Getenv("ENVRUN_SWARM_FIGURES"))
	if reps <= 0 {
		t.Skip("ENVRUN_SWARM_FIGURES=N measures the figures of docs/benchmarks.md with N repetitions")
	}
	one := r.swarmExample(t, false)
	sides := []figSide{{name: "2 engines, overlay", dir: dir}, {name: "1 engine, bridge", dir: one}}
	reset := func() {
		for _, s := range sides {
			r.mustEnvrun(t, s.dir, "destroy", "-f")
		}
		for _, s := range sides {
			for _, h := range []string{hostEngine, r.host} {
				if n := leftOn(t, h, filepath.Join(s.dir, "Envfile.lua")); n != 0 {
					t.Fatalf("%s: destroy left %d objects on %s", s.name, n, h)
				}
			}
		}
	}
	t.Logf("load before: %s", uptime())
	for i := range reps {
		order := []int{0, 1}
		if i%2 == 1 {
			order = []int{1, 0}
		}
		for _, k := range order {
			s := &sides[k]
			reset()
			load := uptime()
			t0 := time.Now()
			out := r.mustEnvrun(t, s.dir, "up", "--timings")
			d := time.Since(t0)
			if j := strings.LastIndex(out, "timings:"); j >= 0 {
				t.Logf("rep %d, %s, up --timings:\n%s", i+1, s.name, out[j:])
			}
			s.up = append(s.up, d.Seconds())
			r.mustEnvrun(t, s.dir, "ssh", "machine2", "--", "setsid nohup python3 -c "+shellQuote(echoServer)+" >/dev/null 2>&1 </dev/null &")
			out = r.mustEnvrun(t, s.dir, "ssh", "machine1", "--", "python3 -c "+shellQuote(echoClient)+" 172.25.1.21")
			var med, p99 float64
			if _, err := fmt.Sscan(out, &med, &p99); err != nil {
				t.Fatalf("%s: the echo client printed %q: %v", s.name, out, err)
			}
			s.tcp, s.p99 = append(s.tcp, med), append(s.p99, p99)
			out = r.mustEnvrun(t, s.dir, "ssh", "machine1", "--", "ping -q -c 50 -i 0.05 172.25.1.21 | tail -1")
			avg, err := pingAvg(out)
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			s.ping = append(s.ping, avg)
			t.Logf("rep %d, %s: up %.2f s (load before %s); TCP round trip median %.0f µs, p99 %.0f µs; ping avg %.0f µs (load after %s)",
				i+1, s.name, d.Seconds(), load, med, p99, avg, uptime())
		}
	}
	reset()
	r.mustEnvrun(t, dir, "up")
	two, b := sides[0], sides[1]
	for _, f := range []struct {
		what, unit string
		a, b       []float64
	}{{"up from nothing", "s", two.up, b.up}, {"TCP round trip, median", "µs", two.tcp, b.tcp},
		{"TCP round trip, p99", "µs", two.p99, b.p99}, {"ping, average", "µs", two.ping, b.ping}} {
		t.Logf("%s: %s %s; %s %s; ratio %.2f× (repetitions' ratios %s)", f.what, two.name, figSpread(f.a, f.unit),
			b.name, figSpread(f.b, f.unit), figMedian(figRatios(f.a, f.b)), figList(figRatios(f.a, f.b), "×"))
	}
	t.Logf("load after: %s", uptime())
}

// figSide is one side's figures, one per repetition.
type figSide struct {
	name, dir          string
	up, tcp, p99, ping []float64
}

// pingAvg reads the average of ping -q's summary line (rtt
// min/avg/max/mdev = a/b/c/d ms), in µs.
func pingAvg(line string) (float64, error) {
	_, v, ok := strings.Cut(line, " = ")
	f := strings.Split(v, "/")
	if !ok || len(f) < 2 {
		return 0, fmt.Errorf("ping's summary: %q", line)
	}
	ms, err := strconv.ParseFloat(f[1], 64)
	return ms * 1000, err
}

func figMedian(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if n := len(s); n%2 == 0 {
		return (s[n/2-1] + s[n/2]) / 2
	}
	return s[len(s)/2]
}

func figRatios(a, b []float64) []float64 {
	var out []float64
	for i := range min(len(a), len(b)) {
		out = append(out, a[i]/b[i])
	}
	return out
}

// figSpread is "median M (min–max, runs: a, b, c)".
func figSpread(xs []float64, unit string) string {
	return fmt.Sprintf("median %s %s (%s–%s; %s)", figNum(figMedian(xs)), unit, figNum(slices.Min(xs)), figNum(slices.Max(xs)), figList(xs, ""))
}

func figList(xs []float64, unit string) string {
	var s []string
	for _, x := range xs {
		s = append(s, figNum(x)+unit)
	}
	return strings.Join(s, ", ")
}

func figNum(x float64) string {
	switch {
	case x >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	case x >= 10:
		return strconv.FormatFloat(x, 'f', 1, 64)
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

func uptime() string {
	out, _ := exec.Command("uptime").Output()
	s := strings.TrimSpace(string(out))
	if i := strings.Index(s, "load average:"); i >= 0 {
		return s[i+len("load average: "):]
	}
	return s
}
