package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/cli"
	"github.com/envrun/envrun/engine/provider/docker"
	"github.com/envrun/envrun/engine/provider/providertest"
)

// The standard library's machine steps on real Docker machines: two
// machines on an isolated network (no route out: nothing is downloaded),
// brought up and provisioned twice with envrun.cluster, envrun.hosts,
// envrun.debian, envrun.template and envrun.net.
//
// debian.packages installs a package for real, from a local apt
// repository that an earlier step builds on the machine (the network rule
// forbids any other source); the second run proves that nothing is
// installed again, by apt's own history.
const stdlibEnvfile = `
box "debian/bookworm"
local cluster = require "envrun.cluster"
local debian = require "envrun.debian"
local hosts = require "envrun.hosts"
local net = require "envrun.net"
local template = require "envrun.template"

network "std" { subnet = "172.31.90.0/24", isolated = true }

-- One package, made here, in a local apt repository that is the
-- machine's only package source.
local repo = shell { name = "local-apt-repo", inline = [==[
set -eu
[ -f /srv/envrun-repo/Packages ] && exit 0
mkdir -p /tmp/pkg/DEBIAN /tmp/pkg/usr/share/envrun-hello /srv/envrun-repo
printf 'Package: envrun-hello\nVersion: 1.0\nArchitecture: all\nMaintainer: envrun tests <tests@envrun.invalid>\nDescription: made by envrun tests\n' >/tmp/pkg/DEBIAN/control
echo hello >/tmp/pkg/usr/share/envrun-hello/hello
dpkg-deb --build /tmp/pkg /srv/envrun-repo/envrun-hello_1.0_all.deb >/dev/null
cd /srv/envrun-repo
deb=envrun-hello_1.0_all.deb
{ dpkg-deb -f $deb; echo "Filename: ./$deb"; echo "Size: $(stat -c %s $deb)"; echo "SHA256: $(sha256sum $deb | cut -d' ' -f1)"; } >Packages
mkdir -p /etc/apt/envrun-off
mv /etc/apt/sources.list.d/* /etc/apt/envrun-off/ 2>/dev/null || true
[ ! -f /etc/apt/sources.list ] || mv /etc/apt/sources.list /etc/apt/envrun-off/
echo 'deb [trusted=yes] file:/srv/envrun-repo ./' >/etc/apt/sources.list.d/envrun-local.list
]==] }

cluster.define {
  prefix = "std", count = 2, network = "std", first_ip = "172.31.90.11", domain = "std.test",
  machine = function(i, name, ip)
    local steps = {
      repo,
      hosts.step(),
      debian.packages { "sudo", "openssh-server", name = "present" },
      debian.packages { "envrun-hello" },
      debian.user { name = "deploy", groups = { "adm", "envrun-team" }, shell = "/bin/bash", sudo = true,
                    authorized_keys = { "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEnvrunTestKeyEnvrunTestKeyEnvrunTestKey deploy@test" } },
      template.file { source = "app.conf.tmpl", destination = "/etc/app/app.conf", mode = "0640", group = "adm",
                      vars = { name = name, ip = ip, peers = { "172.31.90.11", "172.31.90.12" } } },
    }
    if i == 1 then
      -- Something that starts listening a few seconds after its step ran.
      steps[#steps + 1] = shell { name = "late-listener", inline =
        "setsid nohup sh -c 'sleep 4; exec python3 -m http.server 8080' </dev/null >/dev/null 2>&1 &" }
    else
      steps[#steps + 1] = net.wait_port { machine = "std1", port = 8080, timeout = "90s" }
    end
    return { provision = steps }
  end,
}
`

const stdlibTemplate = `# {{ .name }} at {{ .ip }}
peers {{ join .peers " " }}
`

// The same machines, with one step waiting for a port nothing opens.
const stdlibWaitFails = `
box "debian/bookworm"
local net = require "envrun.net"
network "std" { subnet = "172.31.90.0/24", isolated = true }
machine "std1" { hostname = "std1.std.test", networks = { std = "172.31.90.11" } }
machine "std2" { hostname = "std2.std.test", networks = { std = "172.31.90.12" }, provision = {
  net.wait_port { machine = "std1", port = 9, timeout = 3 },
} }
`

func TestIntegrationStdlib(t *testing.T) {
	providertest.Require(t, docker.Driver)
	dir := t.TempDir()
	for name, text := range map[string]string{"Envfile.lua": stdlibEnvfile, "app.conf.tmpl": stdlibTemplate, "waitfails.lua": stdlibWaitFails} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	t.Setenv("ENVRUN_PROVIDER", "docker")
	t.Setenv("NO_COLOR", "1")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	runCtx := func(ctx context.Context, args ...string) (code int, stdout, stderr string) {
		var out, errb bytes.Buffer
		code = cli.Run(ctx, args, strings.NewReader(""), &out, &errb)
		return code, out.String(), errb.String()
	}
	run := func(args ...string) (int, string, string) { return runCtx(ctx, args...) }
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if code, _, stderr := runCtx(ctx, "destroy", "-f"); code != 0 {
			t.Errorf("destroy: exit %d\n%s", code, stderr)
		}
	})
	ssh := func(machine, cmd string) string {
		t.Helper()
		code, stdout, stderr := run("ssh", machine, "--", cmd)
		if code != 0 {
			t.Fatalf("ssh %s %q: exit %d\n%s%s", machine, cmd, code, stdout, stderr)
		}
		return strings.TrimSpace(stdout)
	}
	wantLines := func(what, text string, patterns ...string) {
		t.Helper()
		for _, p := range patterns {
			if !regexp.MustCompile(p).MatchString(text) {
				t.Errorf("%s lacks %q:\n%s", what, p, text)
			}
		}
	}

	code, _, stderr := run("up")
	if code != 0 {
		t.Fatalf("up: exit %d\n%s", code, stderr)
	}
	wantLines("up's output", stderr,
		`std1 +\| packages: all installed: sudo openssh-server`,
		`std1 +\| packages: installed: envrun-hello`,
		`std2 +\| packages: installed: envrun-hello`,
		`std1 +\| user deploy: changed: created .*\+envrun-team key sudo`,
		`std2 +\| /etc/hosts: updated \(2 entries\)`,
		`std1 +\| /etc/app/app.conf: written`,
		`std2 +\| wait_port: std1:8080 \(172.31.90.11\) accepts connections`,
	)
	for _, m := range []string{"std1", "std2"} {
		if got := ssh(m, "dpkg-query -W -f='${db:Status-Status}' envrun-hello; cat /usr/share/envrun-hello/hello"); got != "installedhello" {
			t.Errorf("%s: envrun-hello: %q", m, got)
		}
		for _, other := range []string{"std1", "std2"} {
			want := map[string]string{"std1": "172.31.90.11", "std2": "172.31.90.12"}[other]
			if got := ssh(m, "getent hosts "+other+".std.test"); !strings.HasPrefix(got, want+" ") {
				t.Errorf("%s: getent hosts %s.std.test = %q, want %s", m, other, got, want)
			}
		}
		if got := ssh(m, "id -nG deploy; getent passwd deploy | cut -d: -f7; sudo -n -l -U deploy | grep -c NOPASSWD; sudo cat ~deploy/.ssh/authorized_keys"); !regexp.MustCompile(
			`^deploy adm envrun-team\n/bin/bash\n1\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEnvrunTestKeyEnvrunTestKeyEnvrunTestKey deploy@test$`).MatchString(got) {
			t.Errorf("%s: user deploy:\n%s", m, got)
		}
		ip := map[string]string{"std1": "172.31.90.11", "std2": "172.31.90.12"}[m]
		if got := ssh(m, "sudo stat -c %a:%U:%G /etc/app/app.conf; sudo cat /etc/app/app.conf"); got != "640:root:adm\n# "+m+" at "+ip+"\npeers 172.31.90.11 172.31.90.12" {
			t.Errorf("%s: /etc/app/app.conf:\n%s", m, got)
		}
	}
	history := ssh("std1", "grep -c Start-Date /var/log/apt/history.log")

	// Again: every step runs, and changes nothing.
	code, _, stderr = run("provision")
	if code != 0 {
		t.Fatalf("provision: exit %d\n%s", code, stderr)
	}
	wantLines("provision's output", stderr,
		`std1 +\| packages: all installed: envrun-hello`,
		`std2 +\| user deploy: unchanged`,
		`std1 +\| /etc/hosts: unchanged \(2 entries\)`,
		`std2 +\| /etc/app/app.conf: unchanged`,
	)
	if again := ssh("std1", "grep -c Start-Date /var/log/apt/history.log"); again != history {
		t.Errorf("apt ran again: history entries %s → %s", history, again)
	}
	if n := ssh("std2", "grep -c '^# BEGIN envrun hosts$' /etc/hosts"); n != "1" {
		t.Errorf("/etc/hosts has %s envrun blocks, want 1", n)
	}

	// A wait for a port nothing opens fails the step, at the Envfile line.
	code, _, stderr = run("-f", "waitfails.lua", "provision", "std2")
	if code != cli.ExitFailed {
		t.Errorf("provision with a closed port: exit %d, want %d\n%s", code, cli.ExitFailed, stderr)
	}
	wantLines("the failed wait", stderr,
		`waitfails.lua:7: shell step "wait-std1-9"`,
		`nothing accepted TCP connections on std1:9 \(172.31.90.11\) within 3s`)
}
