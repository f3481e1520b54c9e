//go:build libvirt_dlopen && cgo

package cli_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	lv "libvirt.org/go/libvirt"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider/libvirt"
	"github.com/envrun/envrun/engine/state"
)

// libvirtExample is the contract's two-host example (examples/two-host,
// with its ansible "site" step) on an isolated subnet of this test's own,
// with VMs of 384 MiB.
func libvirtExample(t *testing.T) map[string]string {
	return exampleWith(t,
		[2]string{`gateway = "172.20.1.1" }`, `gateway = "172.20.1.1", isolated = true }`},
		[2]string{"172.20.1.", "10.231.50."},
		[2]string{"memory = 512", "memory = 384"},
	)
}

// The hardening harness builds envrun with libvirt too.
func init() { harnessTags = "libvirt_dlopen" }

// TestIntegrationLibvirtTwoHost brings the contract's two-host example up
// as real VMs on libvirt, its Ansible step included: SSH by static IP with
// the environment key, the hostnames, DNS between the VMs, Vagrant's
// insecure keys refused, one play over both machines with host key
// checking on, `envrun inventory` by hand; a second up changes nothing,
// and destroy leaves no domain, volume or network.
func TestIntegrationLibvirtTwoHost(t *testing.T) {
	e := newEnvOn(t, libvirt.Driver, "../examples/two-host", libvirtExample(t))
	project := state.ProjectID(e.file)

	t0 := time.Now()
	_, stderr := e.mustRun("up")
	t.Logf("up of two VMs from nothing, Ansible included: %s", time.Since(t0).Round(time.Second))
	checkExampleUp(t, e, stderr)

	// SSH by static IP with the environment key, the host key pinned.
	st := state.ForEnvfile(e.file)
	key, err := comm.LoadKey(st.KeyPath())
	if err != nil {
		t.Fatal(err)
	}
	known := comm.OpenKnownHosts(st.KnownHostsPath())
	ctx := context.Background()
	for name, ip := range map[string]string{"machine1": "10.231.50.20", "machine2": "10.231.50.21"} {
		c, err := comm.Dial(ctx, comm.Config{Machine: name, Addr: ip + ":22", User: "vagrant", Signer: key.Signer, HostKey: known.Callback(name)})
		if err != nil {
			t.Fatalf("SSH to %s at %s with the environment key: %v", name, ip, err)
		}
		out, err := c.Output(ctx, "hostname -f; getent hosts machine1.local machine2.local", nil)
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{name + ".local\n", "10.231.50.20", "10.231.50.21"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: %q lacks %q", name, out, want)
			}
		}
		// Vagrant's insecure keys no longer get in.
		_, err = comm.Dial(ctx, comm.Config{Machine: name, Addr: ip + ":22", User: "vagrant",
			Auth: []ssh.AuthMethod{ssh.PublicKeys(libvirt.InsecureSigners()...)}, HostKey: known.Callback(name)})
		if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
			t.Errorf("%s: the insecure key got in, or failed otherwise: %v", name, err)
		}
	}

	stdout, _ := e.mustRun("status", "--json")
	var rows []struct{ Name, Provider, State, IP string }
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil || len(rows) != 2 ||
		rows[0].State != "running" || rows[0].Provider != "libvirt" || rows[1].IP != "10.231.50.21" {
		t.Errorf("status --json: %s %v", stdout, err)
	}
	if got := e.remote("machine2", "hostname -f"); got != "machine2.local\n" {
		t.Errorf("envrun ssh machine2 -- hostname -f: %q", got)
	}
	// Up again changes nothing.
	t0 = time.Now()
	if _, stderr := e.mustRun("up"); strings.Contains(stderr, "creating") || strings.Contains(stderr, "starting") ||
		strings.Contains(stderr, "[shell") || strings.Contains(stderr, "PLAY [") {
		t.Errorf("second up did work:\n%s", stderr)
	}
	t.Logf("second up: %s", time.Since(t0).Round(time.Millisecond))
	// They only read, so they speak libvirtd's own protocol and never load
	// libvirt.so: here it is hidden from the binary.
	for _, cmd := range []string{"up", "status"} {
		out, err := withoutLibvirt(t, e.dir, append(slices.Clip(e.args), cmd)...)
		if err != nil || strings.Contains(out, "creating") || strings.Contains(out, "starting") ||
			strings.Contains(out, "[shell") || strings.Contains(out, "PLAY [") ||
			cmd == "status" && strings.Count(out, "running") != 2 {
			t.Errorf("no-op %s without libvirt.so: %v\n%s", cmd, err, out)
		}
	}

	checkExampleInventory(t, e, "10.231.50.21")

	e.mustRun("destroy", "-f")
	if left := leftovers(t, project); len(left) > 0 {
		t.Errorf("destroy left %s", strings.Join(left, ", "))
	}
}

// leftovers lists the domains, networks and volumes named for project.
func leftovers(t testing.TB, project string) []string {
	c, err := lv.NewConnect(libvirt.DefaultURI())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out []string
	doms, _ := c.ListAllDomains(0)
	for _, d := range doms {
		if n, _ := d.GetName(); strings.HasPrefix(n, project) {
			out = append(out, "domain "+n)
		}
		d.Free()
	}
	nets, _ := c.ListAllNetworks(0)
	for _, n := range nets {
		if name, _ := n.GetName(); strings.HasPrefix(name, project) {
			out = append(out, "network "+name)
		}
		n.Free()
	}
	if pool, err := c.LookupStoragePoolByName(libvirt.PoolName); err == nil {
		vols, _ := pool.ListAllStorageVolumes(0)
		for _, v := range vols {
			if n, _ := v.GetName(); strings.HasPrefix(n, project) {
				out = append(out, "volume "+n)
			}
			v.Free()
		}
		pool.Free()
	}
	return out
}

// The binary starts on a host without libvirt (it is loaded when used);
// only the libvirt provider fails, and says why.
func TestIntegrationStartsWithoutLibvirt(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"motd.txt", "provision.yml"} {
		data, _ := os.ReadFile(filepath.Join("../examples/two-host", name))
		os.WriteFile(filepath.Join(dir, name), data, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "Envfile.lua"), []byte(libvirtExample(t)["Envfile.lua"]), 0o644)
	out, err := withoutLibvirt(t, dir, "--provider", "docker", "validate")
	if err != nil || !strings.Contains(out, "ok: 2 machine(s)") {
		t.Fatalf("validate without libvirt: %v\n%s", err, out)
	}
	out, err = withoutLibvirt(t, dir, "box", "list", "--provider", "libvirt")
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(out, "libvirt is not installed on this host") {
		t.Errorf("box list --provider libvirt without libvirt: %v\n%s", err, out)
	}
}

// withoutLibvirt runs the envrun binary in dir with libvirt.so.0 hidden
// from it (/dev/null bound over it in a mount namespace of its own), and
// returns its output.
func withoutLibvirt(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	script := `mount --bind /dev/null "$1" && shift && exec "$@"`
	cmd := exec.Command("unshare", append([]string{"-m", "sh", "-c", script, "sh", libvirtSO(t), envrunBinary(t)}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// libvirtSO is where libvirt.so.0 is, for a test that hides it (which
// needs root, for a mount namespace).
func libvirtSO(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root for a mount namespace")
	}
	for _, p := range []string{"/usr/lib/x86_64-linux-gnu/libvirt.so.0", "/lib/x86_64-linux-gnu/libvirt.so.0", "/usr/lib64/libvirt.so.0"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "" {
		t.Skip("libvirt.so.0 is not where this test looks")
	}
	t.Fatal("libvirt.so.0 is not where this test looks")
	return ""
}
