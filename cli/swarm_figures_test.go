package cli_test

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The figures of docs/benchmarks.md (S11), measured on the swarm rig when
// ENVRUN_SWARM_FIGURES is a number of repetitions: the two-host example's
// bring-up across two engines (machine2 on the second, the network a
// Swarm overlay) and on this host's engine alone (a bridge), alternated,
// and the round trip of one byte over TCP between the machines (a Python
// echo on machine2, TCP_NODELAY, 2000 round trips) and ping's, on each.

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
	t.Logf("load before: %s", uptime())
	up := map[string][]time.Duration{}
	for i := range reps {
		for _, c := range []struct{ name, dir string }{{"2 engines", dir}, {"1 engine", one}} {
			r.mustEnvrun(t, c.dir, "destroy", "-f")
			t0 := time.Now()
			r.mustEnvrun(t, c.dir, "up")
			up[c.name] = append(up[c.name], time.Since(t0))
			t.Logf("rep %d, %s: up %.1f s (load %s)", i+1, c.name, time.Since(t0).Seconds(), uptime())
		}
	}
	for _, c := range []struct{ name, dir string }{{"overlay (2 engines)", dir}, {"bridge (1 engine)", one}} {
		r.mustEnvrun(t, c.dir, "up")
		r.mustEnvrun(t, c.dir, "ssh", "machine2", "--", "setsid nohup python3 -c "+shellQuote(echoServer)+" >/dev/null 2>&1 </dev/null &")
		for range reps {
			tcp := r.mustEnvrun(t, c.dir, "ssh", "machine1", "--", "python3 -c "+shellQuote(echoClient)+" 172.25.1.21")
			ping := r.mustEnvrun(t, c.dir, "ssh", "machine1", "--", "ping -q -c 50 -i 0.05 172.25.1.21 | tail -1")
			t.Logf("%s: TCP round trip median, p99 (µs): %s; ping %s (load %s)", c.name, strings.TrimSpace(tcp), strings.TrimSpace(ping), uptime())
		}
		if c.dir == one {
			r.mustEnvrun(t, one, "destroy", "-f")
		}
	}
	for name, ds := range up {
		t.Logf("up, %s: %v", name, ds)
	}
	t.Logf("load after: %s", uptime())
}

func uptime() string {
	out, _ := exec.Command("uptime").Output()
	s := strings.TrimSpace(string(out))
	if i := strings.Index(s, "load average:"); i >= 0 {
		return s[i+len("load average: "):]
	}
	return s
}
