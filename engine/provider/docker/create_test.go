package docker

import (
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/go-connections/nat"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provider/providertest"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/golden"
)

func TestBuildCreateSpec(t *testing.T) {
	ef := &spec.Envfile{Path: "/home/u/proj/Envfile.lua", Dir: "/home/u/proj", Networks: []*spec.Network{
		{Name: "front", Subnet: netip.MustParsePrefix("10.1.0.0/24"), Gateway: netip.MustParseAddr("10.1.0.1")},
		{Name: "back", Subnet: netip.MustParsePrefix("10.2.0.0/24"), Gateway: netip.MustParseAddr("10.2.0.1")},
	}}
	m := &spec.Machine{
		Name: "web", Hostname: "web.example.test", User: "vagrant", CPUs: 2, Memory: 768,
		Networks: []spec.Attachment{
			{Network: "front", IP: netip.MustParseAddr("10.1.0.10")},
			{Network: "back", IP: netip.MustParseAddr("10.2.0.10")},
		},
		Ports: []spec.Port{{Host: 8080, Guest: 80, Protocol: "tcp"}, {HostIP: "127.0.0.1", Host: 5353, Guest: 53, Protocol: "udp"}},
		// The second holds the project folder, and with it .envrun/: hidden.
		// The third is an rsync folder: envrun copies it, Docker does not
		// mount it (the golden file has no mount of /vagrant).
		SyncedFolders: []spec.SyncedFolder{{Host: "/home/u/proj/src", Guest: "/src"}, {Host: "/home/u", Guest: "/home/u-host"},
			{Host: "/home/u/proj", Guest: "/vagrant", Type: spec.SyncedRsync}},
		Providers: map[string]spec.Options{"docker": {Values: map[string]any{
			"privileged": true, "env": map[string]any{"B": "2", "A": "1"}, "cmd": "exec /sbin/init",
		}}},
	}
	o, err := decodeOptions(m, ef.Dir)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := buildCreateSpec("proj-0123abcd", ef, m, o, "envrun/box:debian-bookworm", "ssh-ed25519 AAAAhostkey", "SHA256:envkey",
		func(n string) string { return "proj-0123abcd-" + n })
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(cs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/create-web.json", string(got)+"\n")

	// The config label changes with anything that would make the container
	// differently, and not with the per-instance keys.
	again, _ := buildCreateSpec("proj-0123abcd", ef, m, o, "envrun/box:debian-bookworm", "ssh-ed25519 other", "SHA256:other",
		func(n string) string { return "proj-0123abcd-" + n })
	if again.Config.Labels[LabelConfig] != cs.Config.Labels[LabelConfig] {
		t.Error("config hash depends on the host key")
	}
	m.Memory = 1024
	changed, _ := buildCreateSpec("proj-0123abcd", ef, m, o, "envrun/box:debian-bookworm", "ssh-ed25519 AAAAhostkey", "SHA256:envkey",
		func(n string) string { return "proj-0123abcd-" + n })
	if changed.Config.Labels[LabelConfig] == cs.Config.Labels[LabelConfig] {
		t.Error("config hash ignores memory")
	}
}

// TestSSHPort: ssh.port runs the container's sshd on that port, records
// it in a label (part of the config hash: a changed port is a changed
// setting) and the machine's address uses it; 22 changes nothing.
func TestSSHPort(t *testing.T) {
	ef := &spec.Envfile{Path: "/p/Envfile.lua", Dir: "/p", Networks: []*spec.Network{
		{Name: "lan", Subnet: netip.MustParsePrefix("10.1.0.0/24"), Gateway: netip.MustParseAddr("10.1.0.1")},
	}}
	build := func(port int) *createSpec {
		t.Helper()
		m := &spec.Machine{Name: "web", Hostname: "web", User: "vagrant", SSH: spec.SSH{Port: port},
			Networks: []spec.Attachment{{Network: "lan", IP: netip.MustParseAddr("10.1.0.10")}}}
		o, err := decodeOptions(m, ef.Dir)
		if err != nil {
			t.Fatal(err)
		}
		cs, err := buildCreateSpec("p", ef, m, o, "img", "ssh-ed25519 AAAA", "SHA256:k", func(n string) string { return "p-" + n })
		if err != nil {
			t.Fatal(err)
		}
		return cs
	}
	def, p22, p2222, p2200 := build(0), build(22), build(2222), build(2200)
	if def.Config.Labels[LabelConfig] != p22.Config.Labels[LabelConfig] || p22.Config.Labels[LabelSSHPort] != "" {
		t.Errorf("port 22 differs from no port: labels %v", p22.Config.Labels)
	}
	if cmd := strings.Join(def.Config.Cmd, " "); !strings.HasSuffix(cmd, "exec /usr/sbin/sshd -D -e") {
		t.Errorf("default command %q", cmd)
	}
	if cmd := strings.Join(p2222.Config.Cmd, " "); !strings.HasSuffix(cmd, "exec /usr/sbin/sshd -D -e -p 2222") {
		t.Errorf("port 2222: command %q", cmd)
	}
	if p2222.Config.Labels[LabelSSHPort] != "2222" {
		t.Errorf("port 2222: labels %v", p2222.Config.Labels)
	}
	if p2222.Config.Labels[LabelConfig] == def.Config.Labels[LabelConfig] || p2222.Config.Labels[LabelConfig] == p2200.Config.Labels[LabelConfig] {
		t.Error("config hash ignores the SSH port")
	}
	if got := sshAddr("10.1.0.10", p2222.Config.Labels); got != "10.1.0.10:2222" {
		t.Errorf("sshAddr with the label: %s", got)
	}
	if got := sshAddr("10.1.0.10", def.Config.Labels); got != "10.1.0.10:22" {
		t.Errorf("sshAddr without the label: %s", got)
	}
}

// TestStateInside: a synced folder that holds the project's .envrun/ (the
// project folder itself or a parent) has it hidden at the right guest
// path; one beside or below it does not.
func TestStateInside(t *testing.T) {
	ef := &spec.Envfile{Path: "/p/env/Envfile.lua", Dir: "/p/env"}
	for host, want := range map[string]string{
		"/p/env":         "/g/.envrun",
		"/p":             "/g/env/.envrun",
		"/":              "/g/p/env/.envrun",
		"/p/env/src":     "",
		"/p/other":       "",
		"/p/env/.envrun": "/g",
	} {
		got, ok := provider.StateInside(ef, spec.SyncedFolder{Host: host, Guest: "/g"})
		if got != want || ok != (want != "") {
			t.Errorf("%s: got %q %v, want %q", host, got, ok, want)
		}
	}
}

func TestDecodeOptions(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "img"), 0o755)
	os.WriteFile(filepath.Join(dir, "img", "Dockerfile"), []byte("FROM scratch\n"), 0o644)
	tests := []struct {
		name   string
		values map[string]any
		want   string
	}{
		{"ok image", map[string]any{"image": "x"}, ""},
		{"ok build", map[string]any{"build": "img"}, ""},
		{"typo", map[string]any{"imgae": "x"}, `docker: unknown key "imgae" (did you mean "image"?)`},
		{"both", map[string]any{"image": "x", "build": "img"}, "image and build are exclusive"},
		{"env empty name", map[string]any{"env": map[string]any{"": "x"}}, "docker.env: a variable has an empty name"},
		{"env name with =", map[string]any{"env": map[string]any{"A=B": "x"}}, `variable name "A=B" holds '='`},
		{"env value NUL", map[string]any{"env": map[string]any{"A": "x\x00y"}}, "docker.env.A: the value holds a NUL byte"},
		{"cap_add not a name", map[string]any{"cap_add": []any{"NET_ADMIN --privileged"}}, "is not a capability name"},
		{"tmpfs with options", map[string]any{"tmpfs": []any{"/run:exec"}}, "is not an absolute guest path"},
		{"ok env cap tmpfs", map[string]any{"env": map[string]any{"A": "a=b"}, "cap_add": []any{"NET_ADMIN", "CAP_SYS_TIME"}, "tmpfs": []any{"/run"}}, ""},
		{"no dockerfile", map[string]any{"build": "."}, "docker.build: no Dockerfile in"},
		{"cmd type", map[string]any{"cmd": 3.0}, "docker.cmd: expected string or list of strings, got integer"},
		{"cmd items", map[string]any{"cmd": []any{"a", true}}, "docker.cmd: item 2: expected string, got boolean"},
		{"privileged type", map[string]any{"privileged": "yes"}, "docker.privileged: expected boolean, got string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &spec.Machine{Name: "m", Providers: map[string]spec.Options{"docker": {Values: tt.values}}}
			_, err := decodeOptions(m, dir)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// TestOptionDefaults: a docker table that leaves keys out gets the
// schema's defaults for them (the Dockerfile's name inside build), with
// or without a table.
func TestOptionDefaults(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "img"), 0o755)
	os.WriteFile(filepath.Join(dir, "img", "Dockerfile"), []byte("FROM scratch\n"), 0o644)
	for _, values := range []map[string]any{nil, {"build": "img"}} {
		m := &spec.Machine{Name: "m", Providers: map[string]spec.Options{}}
		if values != nil {
			m.Providers["docker"] = spec.Options{Values: values}
		}
		o, err := decodeOptions(m, dir)
		if err != nil {
			t.Fatal(err)
		}
		providertest.CheckDefaults(t, "docker", o)
		if o.Dockerfile != "Dockerfile" || o.Privileged {
			t.Errorf("%v: dockerfile %q, privileged %v", values, o.Dockerfile, o.Privileged)
		}
	}
}

func TestParsePasswd(t *testing.T) {
	pw, err := parsePasswd(strings.NewReader("root:x:0:0:root:/root:/bin/bash\nvagrant:x:1000:1001::/home/vagrant:/bin/bash\n"), "vagrant")
	if err != nil || pw.UID != 1000 || pw.GID != 1001 || pw.Home != "/home/vagrant" {
		t.Fatalf("parsePasswd = %+v, %v", pw, err)
	}
	if _, err := parsePasswd(strings.NewReader("root:x:0:0:root:/root:/bin/bash\n"), "vagrant"); err == nil {
		t.Fatal("a missing user is not an error")
	}
}

// The users cache survives the process (it is a file in ENVRUN_CACHE),
// and a damaged or foreign file is only a miss.
func TestUserCache(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("ENVRUN_CACHE", dir)
	vagrant := passwdEntry{UID: 1000, GID: 1000, Home: "/home/vagrant"}
	c := openUserCache()
	if _, ok := c.get("sha256:a vagrant"); ok {
		t.Fatal("an empty cache has an entry")
	}
	c.put("sha256:a vagrant", vagrant)
	again := openUserCache() // a later run
	if pw, ok := again.get("sha256:a vagrant"); !ok || pw != vagrant {
		t.Fatalf("later run got %+v, %v; want %+v", pw, ok, vagrant)
	}
	if _, ok := again.get("sha256:b vagrant"); ok {
		t.Fatal("another image's user is found")
	}
	for name, content := range map[string]string{
		"damaged":    "{not json",
		"null":       "null",
		"no home":    `{"sha256:a vagrant": {"uid": 1000, "gid": 1000}}`,
		"wrong type": `{"sha256:a vagrant": "x"}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, userCacheFile), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		c := openUserCache()
		if pw, ok := c.get("sha256:a vagrant"); ok {
			t.Errorf("%s file: got %+v", name, pw)
		}
		c.put("sha256:c vagrant", vagrant) // and it can be written again
		if _, ok := openUserCache().get("sha256:c vagrant"); !ok {
			t.Errorf("%s file: not rewritten", name)
		}
	}
}

func TestDefaultRoute(t *testing.T) {
	ef := &spec.Envfile{Networks: []*spec.Network{
		{Name: "a", Subnet: netip.MustParsePrefix("10.1.0.0/24"), Gateway: netip.MustParseAddr("10.1.0.1"), Isolated: true},
		{Name: "b", Subnet: netip.MustParsePrefix("10.2.0.0/24"), Gateway: netip.MustParseAddr("10.2.0.1")},
		{Name: "c", Subnet: netip.MustParsePrefix("10.3.0.0/24"), Gateway: netip.MustParseAddr("10.3.0.1")},
	}}
	nets := []spec.Attachment{
		{Network: "a", IP: netip.MustParseAddr("10.1.0.5")},
		{Network: "b", IP: netip.MustParseAddr("10.2.0.5")},
		{Network: "c", IP: netip.MustParseAddr("10.3.0.5")},
	}
	for _, tc := range []struct {
		name, route, want, wantErr string
	}{
		{"first declared network that is not isolated", "", "ip route replace default via 10.2.0.1 dev eth1", ""},
		{"default_route", "c", "ip route replace default via 10.3.0.1 dev eth2", ""},
		{"isolated", "a", "", `docker.default_route: network "a" is isolated`},
		{"unknown", "x", "", `docker.default_route: "x" is not one of the machine's networks`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &spec.Machine{Name: "m", Networks: nets, Providers: map[string]spec.Options{}}
			if tc.route != "" {
				m.Providers["docker"] = spec.Options{Values: map[string]any{"default_route": tc.route}}
			}
			o, err := decodeOptions(m, "/")
			var cs *createSpec
			if err == nil {
				cs, err = buildCreateSpec("p", ef, m, o, "img", "", "", func(n string) string { return n })
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(cs.Setup, tc.want) || strings.Count(cs.Setup, "ip route replace") != 1 {
				t.Errorf("setup script has no %q:\n%s", tc.want, cs.Setup)
			}
			if !slices.Contains(cs.HostConfig.CapAdd, "NET_ADMIN") {
				t.Errorf("a machine on 3 networks lacks NET_ADMIN: %v", cs.HostConfig.CapAdd)
			}
		})
	}
}

// TestAutoCorrect: an auto_correct port that another machine claims is
// left to Docker to pick at once; one that nothing in the Envfile claims
// is asked for as given, and left to Docker after a start found it taken.
func TestAutoCorrect(t *testing.T) {
	a := &spec.Machine{Name: "a", Ports: []spec.Port{{Host: 8080, Guest: 80, Protocol: "tcp"}}}
	b := &spec.Machine{Name: "b", Ports: []spec.Port{
		{Host: 8080, Guest: 80, Protocol: "tcp", AutoCorrect: true},
		{Host: 9090, Guest: 90, Protocol: "tcp", AutoCorrect: true},
		{Host: 7070, Guest: 70, Protocol: "tcp"},
	}}
	ef := &spec.Envfile{Machines: []*spec.Machine{a, b}}
	hostPorts := func(all bool) string {
		o := &Options{}
		cs, err := buildCreateSpec("p", ef, b, o, "img", "", "", func(n string) string { return n })
		if err != nil {
			t.Fatal(err)
		}
		label := cs.Config.Labels[LabelConfig]
		autoCorrect(ef, b, cs.HostConfig, all)
		if cs.Config.Labels[LabelConfig] != label {
			t.Error("the ports picked changed the config label")
		}
		var out []string
		for _, guest := range []string{"80/tcp", "90/tcp", "70/tcp"} {
			out = append(out, guest+"="+cs.HostConfig.PortBindings[nat.Port(guest)][0].HostPort)
		}
		return strings.Join(out, " ")
	}
	if got, want := hostPorts(false), "80/tcp= 90/tcp=9090 70/tcp=7070"; got != want {
		t.Errorf("first try: %s, want %s", got, want)
	}
	if got, want := hostPorts(true), "80/tcp= 90/tcp= 70/tcp=7070"; got != want {
		t.Errorf("after a taken port: %s, want %s", got, want)
	}
}

func TestBoundPorts(t *testing.T) {
	got := boundPorts([]container.Port{
		{IP: "0.0.0.0", PrivatePort: 80, PublicPort: 32768, Type: "tcp"},
		{IP: "::", PrivatePort: 80, PublicPort: 32768, Type: "tcp"},
		{IP: "127.0.0.1", PrivatePort: 53, PublicPort: 5353, Type: "udp"},
		{PrivatePort: 22, Type: "tcp"}, // exposed, not published
	})
	want := []spec.Port{{HostIP: "127.0.0.1", Host: 5353, Guest: 53, Protocol: "udp"}, {Host: 32768, Guest: 80, Protocol: "tcp"}}
	if !slices.Equal(got, want) {
		t.Errorf("boundPorts = %+v, want %+v", got, want)
	}
}
