//go:build linux

// Linux only: reads file owners (syscall.Stat_t).

package cli_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The tests of this file prove that Docker machines behave the way
// scripts written for Vagrant expect (issue 21). They use 172.28.0.0/16
// and names starting with v-.

// vagrantlikeEnvfile declares three networks whose Docker names sort in
// another order than they are declared (zeta, alpha, mid), so Docker's own
// order (by name) is not the declared one.
const vagrantlikeEnvfile = `
box "debian/bookworm"
network "zeta"  { subnet = "172.28.21.0/24" }
network "alpha" { subnet = "172.28.22.0/24" }
network "mid"   { subnet = "172.28.23.0/24", isolated = true }
machine "v-three" {
  networks = { alpha = "172.28.22.10", mid = "172.28.23.10", zeta = "172.28.21.10" },
  provision = {
    shell { inline = [=[a=(one two); [[ -n $BASH_VERSION ]] && echo "${a[1]}" >/tmp/v-bash]=] },
    shell { inline = "echo $0 >/tmp/v-sh", interpreter = "sh" },
    function(m) m:run("echo zeta=" .. m.interfaces.zeta .. " alpha=" .. m.interfaces.alpha .. " mid=" .. m.interfaces.mid .. " >/tmp/v-hook") end,
  },
}
machine "v-route" {
  networks = { zeta = "172.28.21.11", alpha = "172.28.22.11" },
  docker = { default_route = "alpha" },
  provision = {
    shell { inline = "echo a file >/etc/v-dir" },
    file { source = "tree", destination = "/etc/v-dir", privileged = true },
    file { source = "motd", destination = "/opt/v-priv/motd", privileged = true },
  },
}
`

// TestIntegrationVagrantlikeDocker: interfaces in declared order with the
// default route on the first declared network (or docker.default_route),
// after creation, envrun halt/up and a docker restart, repeated; interface
// names in hooks, status --json and the inventory; inline scripts run
// with bash, or the interpreter given.
func TestIntegrationVagrantlikeDocker(t *testing.T) {
	w := newWorld(t, vagrantlikeEnvfile)
	os.MkdirAll(filepath.Join(w.dir, "tree", "sub"), 0o755)
	os.WriteFile(filepath.Join(w.dir, "tree", "sub", "a.txt"), []byte("in the tree\n"), 0o644)
	os.WriteFile(filepath.Join(w.dir, "motd"), []byte("privileged motd\n"), 0o644)
	w.mustRun("up")
	// file { privileged = true } makes a destination the login user
	// cannot (/opt is root's), and a folder replaces a file.
	if out, err := w.exec("v-route", "sh", "-c", "cat /etc/v-dir/sub/a.txt /opt/v-priv/motd; stat -c %U /opt/v-priv/motd"); err != nil ||
		out != "in the tree\nprivileged motd\nroot\n" {
		t.Errorf("privileged file steps: %v\n%s", err, out)
	}

	want := map[string]string{"172.28.21.10": "eth0", "172.28.22.10": "eth1", "172.28.23.10": "eth2"}
	check := func(t *testing.T, when string) {
		t.Helper()
		eventually(t, 30*time.Second, func() string {
			out, _ := w.exec("v-three", "ip", "-o", "-4", "addr", "show")
			for ip, dev := range want {
				if !strings.Contains(out, dev+"    inet "+ip+"/") {
					return when + ": want " + ip + " on " + dev + ", got:\n" + out
				}
			}
			if route, _ := w.exec("v-three", "ip", "route", "show", "default"); !strings.HasPrefix(route, "default via 172.28.21.1 dev eth0") {
				return when + ": default route " + route + ", want via the first declared network (zeta) on eth0"
			}
			if route, _ := w.exec("v-route", "ip", "route", "show", "default"); !strings.HasPrefix(route, "default via 172.28.22.1 dev eth1") {
				return when + ": v-route's default route " + route + ", want via alpha (docker.default_route) on eth1"
			}
			return ""
		})
	}
	check(t, "after up")
	for i := range 2 {
		w.mustRun("halt")
		w.mustRun("up")
		check(t, "after halt and up #"+string(rune('1'+i)))
		if out, err := exec.Command("docker", "restart", "-t", "1", w.project+"-v-three", w.project+"-v-route").CombinedOutput(); err != nil {
			t.Fatalf("docker restart: %v %s", err, out)
		}
		check(t, "after docker restart #"+string(rune('1'+i)))
	}

	if out, _ := w.exec("v-three", "cat", "/tmp/v-bash", "/tmp/v-sh", "/tmp/v-hook"); !strings.Contains(out, "two\n") ||
		!strings.Contains(out, "/tmp/envrun-step.") || !strings.Contains(out, "zeta=eth0 alpha=eth1 mid=eth2\n") {
		t.Errorf("want bash for the inline script, the sh interpreter, and the hook's m.interfaces; got:\n%s", out)
	}

	r := w.mustRun("status", "--json")
	var rows []struct {
		Name       string            `json:"name"`
		Interfaces map[string]string `json:"interfaces"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	for _, row := range rows {
		if row.Name == "v-three" && (row.Interfaces["zeta"] != "eth0" || row.Interfaces["alpha"] != "eth1" || row.Interfaces["mid"] != "eth2") {
			t.Errorf("status --json interfaces of v-three: %v", row.Interfaces)
		}
	}
	inv := w.mustRun("inventory").stdout
	if !strings.Contains(inv, "      envrun_interfaces:\n        alpha: eth1\n        mid: eth2\n        zeta: eth0\n") {
		t.Errorf("inventory has no envrun_interfaces for v-three:\n%s", inv)
	}
}

// TestIntegrationEtcFilesDocker: /etc/hosts, /etc/hostname and
// /etc/resolv.conf of a Docker machine are files Ansible can edit
// (lineinfile renames onto /etc/hosts, copy and template replace
// /etc/resolv.conf and /etc/hostname) without unsafe_writes, and what is
// written there survives envrun halt/up and a docker restart.
func TestIntegrationEtcFilesDocker(t *testing.T) {
	w := newWorld(t, `
box "debian/bookworm"
network "n" { subnet = "172.28.31.0/24" }
machine "v-etc" { hostname = "v-etc.lab.test", networks = { n = "172.28.31.10" } }
ansible "etc" { playbook = "etc.yml" }
`)
	play := `- hosts: all
  become: true
  gather_facts: false
  tasks:
    - lineinfile: { path: /etc/hosts, line: "172.28.31.99 v-extra.lab.test v-extra" }
    - copy: { dest: /etc/resolv.conf, content: "nameserver 127.0.0.11\noptions ndots:0\nsearch lab.test\n" }
    - template: { src: hostname.j2, dest: /etc/hostname }
`
	if err := os.WriteFile(filepath.Join(w.dir, "etc.yml"), []byte(play), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "hostname.j2"), []byte("{{ inventory_hostname }}-templated\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w.mustRun("up")
	check := func(when string) {
		t.Helper()
		when += ""
		eventually(t, 30*time.Second, func() string {
			out, err := w.exec("v-etc", "sh", "-c", "getent hosts v-extra; cat /etc/resolv.conf /etc/hostname; hostname -f")
			for _, s := range []string{"172.28.31.99    v-extra.lab.test v-extra", "search lab.test", "v-etc-templated", "v-etc.lab.test"} {
				if err != nil || !strings.Contains(out, s) {
					return when + ": want " + s + " in:\n" + out
				}
			}
			return ""
		})
	}
	check("after the play")
	halt := w.mustRun("-v", "halt")
	w.mustRun("up")
	check("after halt and up (halt said:\n" + halt.stderr + ")")
	if out, err := exec.Command("docker", "restart", "-t", "1", w.project+"-v-etc").CombinedOutput(); err != nil {
		t.Fatalf("docker restart: %v %s", err, out)
	}
	check("after docker restart")
	// The play runs again, unchanged, on the restarted machine.
	w.mustRun("provision")
	check("after provisioning again")
}

// TestIntegrationHonestMessages: halt and destroy say "not created" for a
// machine that never was (destroyed ones only once), and SIGTERM says
// "terminated", not Ctrl-C.
func TestIntegrationHonestMessages(t *testing.T) {
	w := newWorld(t, `
box "debian/bookworm"
network "n" { subnet = "172.28.41.0/24" }
machine "v-msg" { networks = { n = "172.28.41.10" } }
machine "v-never" { networks = { n = "172.28.41.11" } }
`)
	for _, args := range [][]string{{"halt"}, {"destroy", "-f", "v-never"}, {"destroy", "-f", "v-never"}} {
		r := w.mustRun(args...)
		if !strings.Contains(r.stderr, "v-never | not created") || strings.Contains(r.stderr, "halting") || strings.Contains(r.stderr, "destroyed") {
			t.Errorf("envrun %s on a machine never created: %s", strings.Join(args, " "), r)
		}
	}
	p := w.start([]string{"ENVRUN_TEST_PAUSE=ssh-wait:v-msg"}, "up", "v-msg")
	p.pause("ssh-wait:v-msg")
	p.signal(syscall.SIGTERM)
	r := p.wait(30 * time.Second)
	if r.code != 130 || !strings.Contains(r.stderr, "envrun: terminated: stopping") || strings.Contains(r.stderr, "Ctrl-C") {
		t.Errorf("SIGTERM: want exit 130 and \"terminated\", no Ctrl-C: %s", r)
	}
	r = w.mustRun("destroy", "-f", "v-msg")
	if !strings.Contains(r.stderr, "v-msg | destroyed") {
		t.Errorf("destroy of a machine that exists: %s", r)
	}
}

// TestIntegrationSyncedFoldersDocker: the machine's user can write its
// synced folder. Run by a host user who is not root (made for the test,
// in the docker group, uid 1777 unlike the box's 1000), the guest user
// takes that user's uid and gid; run by root, it takes the owner of the
// folder, and a folder root owns is reported as one it cannot write, with
// no host file's owner changed.
func TestIntegrationSyncedFoldersDocker(t *testing.T) {
	const envfile = `
box "debian/bookworm"
network "n" { subnet = "172.28.51.0/24" }
machine "v-sync" {
  networks = { n = "172.28.51.10" },
  synced_folders = { ["./share"] = "/home/vagrant/sync", ["./rootonly"] = "/srv/rootonly" },
  provision = { shell { privileged = false, inline = "echo from-guest >/home/vagrant/sync/bar && touch ~/.written-home" } },
}
`
	check := func(t *testing.T, w *world, r result) {
		t.Helper()
		fi, err := os.Stat(filepath.Join(w.dir, "share", "bar"))
		if err != nil {
			t.Fatalf("the guest user did not write its synced folder: %v\n%s", err, r)
		}
		if st := fi.Sys().(*syscall.Stat_t); st.Uid != 1777 {
			t.Errorf("share/bar is owned by %d on the host, want 1777", st.Uid)
		}
	}
	t.Run("host user not root", func(t *testing.T) {
		dir := nobodyDir(t)
		if out, err := exec.Command("useradd", "-M", "-u", "1777", "-U", "-G", "docker", "-s", "/usr/sbin/nologin", "v-sync").CombinedOutput(); err != nil {
			t.Fatalf("useradd: %v %s", err, out)
		}
		t.Cleanup(func() {
			if out, err := exec.Command("userdel", "v-sync").CombinedOutput(); err != nil {
				t.Errorf("userdel v-sync: %v %s", err, out)
			}
		})
		dockerGID := dockerGroup(t)
		w := newWorldIn(t, dir, envfile)
		if out, err := exec.Command("chown", "-R", "1777:1777", dir).CombinedOutput(); err != nil {
			t.Fatalf("chown: %v %s", err, out)
		}
		w.uid, w.gid, w.groups = 1777, 1777, []uint32{1777, dockerGID}
		w.env = []string{"HOME=" + dir}
		r := w.mustRun("up")
		check(t, w, r)
	})
	t.Run("host user root", func(t *testing.T) {
		w := newWorld(t, envfile)
		share := filepath.Join(w.dir, "share")
		os.Mkdir(share, 0o755)
		os.Chown(share, 1777, 1777)
		// Host files in the folder, mounted under the guest user's home:
		// root's, and the box user's old uid's (1000). Taking the new uid
		// re-owns the home's own files, never these.
		owners := map[string][2]int{"roots": {0, 0}, "olduid": {1000, 1000}}
		for name, o := range owners {
			p := filepath.Join(share, name)
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			os.Chown(p, o[0], o[1])
		}
		r := w.mustRun("up")
		check(t, w, r)
		for name, o := range owners {
			fi, _ := os.Stat(filepath.Join(share, name))
			if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) != o[0] || int(st.Gid) != o[1] {
				t.Errorf("share/%s's owner on the host changed to %d:%d, want %d:%d", name, st.Uid, st.Gid, o[0], o[1])
			}
		}
		if out, err := exec.Command("docker", "exec", w.containerID("v-sync"), "stat", "-c", "%u:%g", "/home/vagrant/.written-home", "/home/vagrant/.profile").CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "1777:1777\n1777:1777" {
			t.Errorf("the guest user's home is not its own: %v\n%s", err, out)
		}
		if !strings.Contains(r.stderr, "rootonly is root's on the host: vagrant in the machine cannot write /srv/rootonly") {
			t.Errorf("no word about the folder root owns: %s", r)
		}
		fi, _ := os.Stat(filepath.Join(w.dir, "rootonly"))
		if st := fi.Sys().(*syscall.Stat_t); st.Uid != 0 {
			t.Errorf("rootonly's owner changed to %d", st.Uid)
		}
	})
}

// dockerGroup is the gid of the docker group, which may use the engine.
func dockerGroup(t *testing.T) uint32 {
	t.Helper()
	out, err := exec.Command("getent", "group", "docker").Output()
	f := strings.Split(strings.TrimSpace(string(out)), ":")
	if err != nil || len(f) < 3 {
		t.Fatalf("no docker group: %v", err)
	}
	gid, err := strconv.Atoi(f[2])
	if err != nil {
		t.Fatal(err)
	}
	return uint32(gid)
}
