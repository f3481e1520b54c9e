package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIntegrationRemoteProvisionWatch: `envrun provision` and `envrun
// watch` reach a machine the client cannot route to, through the jump
// transport (an ssh:// engine) and the engine transport (the engine's
// socket, the Docker Desktop shape): provision re-runs the steps; watch
// re-sends a changed folder and re-runs a changed script over the same
// transport. The rig is 10.250.27.0/30, the machines on 172.27.11-12.0/24,
// named t-par-pw.
func TestIntegrationRemoteProvisionWatch(t *testing.T) {
	r := newRig(t, 27)
	cases := []struct {
		name   string
		subnet int
		env    []string
		reach  string
	}{
		{"jump", 11, []string{"DOCKER_HOST=ssh://root@" + r.hostIP}, "jump"},
		{"engine", 12, nil, "engine"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := r.with(t)
			dir := filepath.Join(t.TempDir(), "t-par-pw")
			os.MkdirAll(filepath.Join(dir, "app"), 0o755)
			ip := fmt.Sprintf("172.27.%d.10", c.subnet)
			rigWrite(t, filepath.Join(dir, "Envfile.lua"), fmt.Sprintf(`
box "debian/bookworm"
network "tparpw" { subnet = "172.27.%d.0/24" }
machine "t-par-pw" {
  networks = { tparpw = %q },
  provision = {
    shell { name = "count", path = "count.sh" },
    file { name = "app", source = "app", destination = "/tmp/t-par-app" },
  },
}
`, c.subnet, ip))
			rigWrite(t, filepath.Join(dir, "count.sh"), "echo run >>/tmp/t-par-count\n")
			rigWrite(t, filepath.Join(dir, "app", "a.txt"), "v1\n")
			envfile := filepath.Join(dir, "Envfile.lua")
			purgeProject(t, envfile)
			t.Cleanup(func() {
				ctx, cancel := contextWithTimeout(3 * 60e9)
				defer cancel()
				r.inClient(ctx, dir, c.env, "envrun destroy -f")
			})
			r.unreachable(dir, ip+":22")
			r.mustClient(dir, c.env, "envrun up 2>&1")
			if got := r.mustClient(dir, c.env, "envrun status --json"); !strings.Contains(got, `"reach": "`+c.reach+`"`) {
				t.Fatalf("status --json: want reach %s:\n%s", c.reach, got)
			}
			out := r.mustClient(dir, c.env, "envrun provision 2>&1")
			if !strings.Contains(out, "[count] shell") || !strings.Contains(out, "[app] file") {
				t.Errorf("provision ran no steps:\n%s", out)
			}
			if got := r.mustClient(dir, c.env, "envrun ssh t-par-pw -- cat /tmp/t-par-count"); got != "run\nrun\n" {
				t.Errorf("after up and provision, the count step's file is %q, want two runs", got)
			}
			r.unreachable(dir, ip+":22")

			// watch: a changed file of the folder is sent, a changed script
			// re-runs its step; both through the transport.
			out = r.mustClient(dir, c.env, `
envrun watch >watch.log 2>&1 & w=$!
waitfor() { for i in $(seq 600); do grep -q "$1" watch.log && return 0; sleep 0.1; done; echo "no $1 in:"; cat watch.log; kill $w; exit 1; }
waitfor "watching "
echo v2 >app/a.txt
waitfor "re-ran t-par-pw/app"
echo "echo run2 >>/tmp/t-par-count" >count.sh
waitfor "re-ran t-par-pw/count"
kill -INT $w; wait $w; echo "watch exit $?"
cat watch.log`)
			if !strings.Contains(out, "watch exit 0") && !strings.Contains(out, "watch exit 130") {
				t.Errorf("watch did not end cleanly on Ctrl-C:\n%s", out)
			}
			if got := r.mustClient(dir, c.env, "envrun ssh t-par-pw -- cat /tmp/t-par-app/a.txt /tmp/t-par-count"); got != "v2\nrun\nrun\nrun2\n" {
				t.Errorf("after watch: %q, want the new file and the new script's run", got)
			}
			r.unreachable(dir, ip+":22")
			r.mustClient(dir, c.env, "envrun destroy -f 2>&1")
			if n := countProject(t, envfile); n != 0 {
				t.Errorf("destroy left %d containers and networks", n)
			}
		})
	}
}
