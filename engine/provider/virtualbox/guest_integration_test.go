package virtualbox

// The guest set-up script, run for real. VirtualBox cannot run here, but
// what envrun does INSIDE a new VirtualBox VM is plain Debian
// administration over SSH, and that can: these tests boot Debian
// containers that behave like a VM made from a Debian Vagrant box (systemd
// as PID 1, the box's own host keys, Vagrant's insecure key authorized,
// plain /etc/hosts and /etc/hostname, two NICs), log in with the insecure
// key through the provider's own first contact (firstContact), which runs
// the script exactly as on a VM (`sudo -n sh -s` over SSH), and check what
// the guest is left with.
//
// The guest image envrun/guest:debian-bookworm is made beforehand by
// scripts/build-guest-image.sh (.ci/run does it): it needs packages from
// Debian's archive, which a test may not fetch. Each flavour is a few
// commands run in a container of it before its first boot.
//
// What differs from a VM: the NICs are Docker's veth pairs (eth0 plays the
// NAT adapter the first contact goes through, eth1 the host-only adapter),
// the kernel is the host's, and there is no udev; the container has
// CAP_SYS_ADMIN and CAP_NET_ADMIN so that systemd, hostnamed, networkd and
// ifup can do what they do on a VM.

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/client"
	"golang.org/x/crypto/ssh"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provider/docker"
	"github.com/envrun/envrun/engine/provider/guest"
	"github.com/envrun/envrun/engine/provider/providertest"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
	"github.com/envrun/envrun/internal/shquote"
)

// guestImage is made by scripts/build-guest-image.sh.
const guestImage = "envrun/guest:debian-bookworm"

// guestFlavour is one kind of Debian guest the script must handle.
type guestFlavour struct {
	name string
	// setup makes guestImage this flavour's box: shell commands run once,
	// before the first boot (systemd is not running yet).
	setup string
	// rsa: the box authorizes Vagrant's RSA insecure key (older boxes),
	// found in $VAGRANT_HOME as Vagrant installs it; else the ed25519 one,
	// given as the machine's virtualbox.insecure_key.
	rsa bool
	// password: the box authorizes no key; the box user's password
	// ("vagrant", the virtualbox.password default) logs in.
	password bool
	// nat and hostOnly are the container's two networks (eth0, eth1).
	nat, hostOnly netip.Prefix
	netcfg        string // what the script must detect; "" = it must refuse
}

var guestFlavours = []guestFlavour{
	{
		// Ubuntu, and Debian cloud images: systemd-networkd manages the
		// network, no ifupdown.
		name:  "networkd",
		setup: "dpkg --purge ifupdown && systemctl enable systemd-networkd",
		nat:   netip.MustParsePrefix("172.31.80.0/24"), hostOnly: netip.MustParsePrefix("172.31.81.0/24"),
		netcfg: "networkd",
	},
	{
		// Debian as installed, and Debian's Vagrant boxes: ifupdown
		// (networking.service), networkd installed but disabled.
		name:  "ifupdown",
		setup: "systemctl disable systemd-networkd && systemctl enable networking",
		rsa:   true,
		nat:   netip.MustParsePrefix("172.31.82.0/24"), hostOnly: netip.MustParsePrefix("172.31.83.0/24"),
		netcfg: "ifupdown",
	},
	{
		// Neither (NetworkManager, or nothing): the script must refuse
		// rather than leave the machine without its address. Its password
		// login is on, and stays so: the script stops before sshd's.
		name: "neither",
		setup: "dpkg --purge ifupdown && systemctl disable systemd-networkd && " +
			"echo vagrant:vagrant | chpasswd && echo 'PasswordAuthentication yes' > /etc/ssh/sshd_config.d/envrun.conf",
		nat: netip.MustParsePrefix("172.31.84.0/24"), hostOnly: netip.MustParsePrefix("172.31.85.0/24"),
	},
}

func TestIntegrationGuestScript(t *testing.T) {
	ctx, c := guestEngine(t, 8*time.Minute)
	// Vagrant's insecure keys, where Vagrant keeps them: in $VAGRANT_HOME.
	vagrantHome := t.TempDir()
	rsaKey, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", "vagrant-insecure", "vagrant"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(vagrantHome, "insecure_private_key"), rsaKey, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VAGRANT_HOME", vagrantHome)
	for _, fl := range guestFlavours {
		t.Run(fl.name, func(t *testing.T) {
			t.Parallel()
			runGuestFlavour(ctx, t, c, fl)
		})
	}
}

// insecureKeys are Vagrant's insecure private keys, RSA and ed25519.
func insecureKeys(t *testing.T) (paths []string, signers []ssh.Signer) {
	t.Helper()
	for _, f := range []string{"vagrant", "vagrant.key.ed25519"} {
		p, err := filepath.Abs(filepath.Join("..", "..", "..", "testdata", "vagrant-insecure", f))
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := ssh.ParsePrivateKey(data)
		if err != nil {
			t.Fatal(err)
		}
		paths, signers = append(paths, p), append(signers, s)
	}
	return paths, signers
}

func runGuestFlavour(ctx context.Context, t *testing.T, c *client.Client, fl guestFlavour) {
	insecurePaths, insecure := insecureKeys(t)
	boxKey := insecure[1]
	if fl.rsa {
		boxKey = insecure[0]
	}
	suffix := randHex(t)
	phase := time.Now()
	lap := func(what string) {
		t.Logf("%s: %s", what, time.Since(phase).Round(10*time.Millisecond))
		phase = time.Now()
	}
	authorized := ssh.MarshalAuthorizedKey(boxKey.PublicKey())
	if fl.password {
		authorized = nil
	}

	// Named so that the NAT network sorts first: a restarted container
	// gets its interfaces in the order of its networks' names, and a VM's
	// NAT adapter stays eth0 over a reboot.
	nat := guestNetwork(ctx, t, c, "envrun-test-vboxguest-"+fl.name+"-1nat-"+suffix, fl.nat)
	hostOnly := guestNetwork(ctx, t, c, "envrun-test-vboxguest-"+fl.name+"-2hostonly-"+suffix, fl.hostOnly)
	// Fixed endpoint addresses, so that the NICs keep their MACs (Docker
	// derives them from the address) over a reboot, as a VM's do.
	natIP, dockerHostOnlyIP := fl.nat.Addr().Next().Next(), fl.hostOnly.Addr().Next().Next()
	id := startGuest(ctx, t, c, "envrun-test-vboxguest-"+fl.name+"-"+suffix, fl.setup, authorized, nat, natIP, hostOnly, dockerHostOnlyIP)
	// A host-only adapter with VirtualBox's DHCP off has no address until
	// the script gives it one: take Docker's away.
	dockerExec(ctx, t, c, id, "ip", "-4", "addr", "del", netip.PrefixFrom(dockerHostOnlyIP, fl.hostOnly.Bits()).String(),
		"dev", "eth1")
	lap("start the guest")

	// The machine, its Envfile and its environment, as envrun has them.
	dir := t.TempDir()
	a4 := fl.hostOnly.Addr().As4()
	a4[3] = 200
	staticIP := netip.AddrFrom4(a4)
	hostOnlyNet := &spec.Network{Name: "hostonly", Subnet: fl.hostOnly, Gateway: fl.hostOnly.Addr().Next()}
	m := &spec.Machine{Name: "alpha", Hostname: "alpha.vbox.test", User: "vagrant", Box: "debian/bookworm",
		Networks: []spec.Attachment{{Network: "hostonly", IP: staticIP}}}
	if !fl.rsa {
		m.Providers = map[string]spec.Options{"virtualbox": {Values: map[string]any{"insecure_key": insecurePaths[1]}}}
	}
	ef := &spec.Envfile{Dir: dir, Path: filepath.Join(dir, "Envfile.lua"), Networks: []*spec.Network{hostOnlyNet}, Machines: []*spec.Machine{m}}
	key, err := comm.LoadOrCreateKey(filepath.Join(dir, "id_ed25519"))
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{env: provider.Env{Project: "vboxguest", Envfile: ef, Key: key, UI: ui.Discard()}}
	known := comm.OpenKnownHosts(filepath.Join(dir, "known_hosts"))
	o, err := decodeOptions(m)
	if err != nil {
		t.Fatal(err)
	}

	// The VM as VBoxManage would show it after set-up: NIC 1 NAT, NIC 2
	// host-only, with the container's MACs in VirtualBox's spelling.
	info, err := c.ContainerInspect(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	vboxMAC := func(net string) string {
		ep := info.NetworkSettings.Networks[net]
		if ep == nil || ep.MacAddress == "" {
			t.Fatalf("the container is not on network %s", net)
		}
		return strings.ToUpper(strings.ReplaceAll(ep.MacAddress, ":", ""))
	}
	vi, err := ParseVMInfo(fmt.Sprintf("name=\"vboxguest-alpha\"\nUUID=\"%s\"\nVMState=\"running\"\n"+
		"nic1=\"nat\"\nmacaddress1=\"%s\"\nnic2=\"hostonly\"\nhostonlyadapter2=\"vboxnet0\"\nmacaddress2=\"%s\"\n",
		id[:12], vboxMAC(nat), vboxMAC(hostOnly)))
	if err != nil {
		t.Fatal(err)
	}
	g, err := newGuestSetup(ef, key, m, vi, randHex(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	// A container has no serial port: the guest reports its host key in a
	// file, read back through Docker's API — as on a VM through the
	// hypervisor, never over the SSH connection first contact used.
	g.HostKey.Device = "/var/tmp/envrun-serial"
	natAddr := net.JoinHostPort(natIP.String(), "22")

	// First contact: in with the insecure key, the script as root.
	err = p.firstContact(ctx, m.Name, natAddr, o, g)
	lap("boot, first contact and guest set-up")
	if fl.netcfg == "" {
		want := "neither systemd-networkd nor ifupdown manages the network"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("first contact with a guest that has neither: err = %v, want %q", err, want)
		}
		return
	}
	if err != nil {
		t.Fatalf("first contact: %v", err)
	}
	serial := readContainerFile(ctx, t, c, id, g.HostKey.Device)
	hostPub, ok, err := guest.FindHostKey(serial, g.HostKey)
	if err != nil || !ok {
		t.Fatalf("the guest's host key report %q: %v, %v", serial, ok, err)
	}

	// The provider's next connection: the static IP, the environment key,
	// the pinned host key (ed25519 only).
	staticAddr := addrOf(map[string]string{metaIP: staticIP.String()})
	if err := known.Pin(staticAddr, hostPub, m.Name, id); err != nil {
		t.Fatal(err)
	}
	dialEnv := func() *comm.Client {
		t.Helper()
		cl, err := comm.WaitDial(ctx, comm.Config{Machine: m.Name, Addr: staticAddr, User: m.User,
			Signer: key.Signer, HostKey: known.Callback(m.Name)}, time.Minute)
		if err != nil {
			t.Fatalf("SSH to the static address with the environment key and the pinned host key: %v", err)
		}
		return cl
	}
	cl := dialEnv()
	defer cl.Close()
	lap("SSH to the static address")

	// The insecure keys log in no more, through either NIC.
	for _, addr := range []string{natAddr, staticAddr} {
		bad, err := comm.Dial(ctx, comm.Config{Machine: m.Name, Addr: addr, User: m.User,
			Auth:    []ssh.AuthMethod{ssh.PublicKeys(insecure...)},
			HostKey: ssh.InsecureIgnoreHostKey()})
		if err == nil {
			bad.Close()
			t.Errorf("Vagrant's insecure key still logs in at %s", addr)
		} else if !strings.Contains(err.Error(), "unable to authenticate") {
			t.Errorf("login with the insecure key at %s: %v, want an authentication failure", addr, err)
		}
	}

	// No password logs in: the box user's is '*', sshd takes keys only.
	if got := guestOutput(ctx, t, cl, "sudo -n getent shadow vagrant | cut -d: -f2"); got != "*" {
		t.Errorf("the box user's password field is %q, want *", got)
	}
	if bad, err := ssh.Dial("tcp", natAddr, &ssh.ClientConfig{User: "vagrant", Auth: []ssh.AuthMethod{ssh.Password("vagrant")},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second}); err == nil {
		bad.Close()
		t.Error("the box's password still logs in")
	}

	iface := guestOutput(ctx, t, cl, `for d in /sys/class/net/*; do [ "$(cat $d/address)" = `+shquote.Quote(g.Addrs[0].MAC)+` ] && basename $d; done; true`)
	if iface == "" {
		t.Fatalf("no interface in the guest has the host-only MAC %s", g.Addrs[0].MAC)
	}
	first := guestState(ctx, t, cl, fl.netcfg, iface)
	checkGuestState(t, first, g, key, hostPub, fl.netcfg, iface, staticIP, hostOnlyNet)

	// Run twice, the script leaves the same guest.
	if err := guest.Run(ctx, cl, g); err != nil {
		t.Fatalf("second run of the script: %v", err)
	}
	cl.Close()
	cl = dialEnv()
	if second := guestState(ctx, t, cl, fl.netcfg, iface); second != first {
		t.Errorf("a second run changed the guest:\n--- after one run\n%s\n--- after two\n%s", first, second)
	}
	cl.Close()
	lap("checks and a second run")

	// The configuration is the guest's own: after a reboot, its network
	// manager puts the address back and sshd serves the new key.
	timeout := 30
	if err := c.ContainerRestart(ctx, id, container.StopOptions{Timeout: &timeout}); err != nil {
		t.Fatal(err)
	}
	cl = dialEnv()
	defer cl.Close()
	lap("reboot")
	if got := guestOutput(ctx, t, cl, "hostname; hostname -f"); got != g.Short+"\n"+g.Hostname {
		t.Errorf("after a reboot: hostname, hostname -f = %q", got)
	}
	cl.Close()

	// A reload that changed the machine's address and hostname: the
	// guest takes them from Reconfigure, run as the provider's Settle runs
	// it, over the NAT adapter (the static address is what changes), with
	// the environment key and the pinned host key.
	a4[3] = 201
	newIP := netip.AddrFrom4(a4)
	m.Networks[0].IP, m.Hostname = newIP, "beta.vbox.test"
	g2, err := newGuestSetup(ef, key, m, vi, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	g2.OldHostIP = staticIP.String()
	if err := known.Pin(natAddr, hostPub, m.Name, id); err != nil {
		t.Fatal(err)
	}
	natCl, err := comm.WaitDial(ctx, comm.Config{Machine: m.Name, Addr: natAddr, User: m.User,
		Signer: key.Signer, HostKey: known.Callback(m.Name)}, time.Minute)
	if err != nil {
		t.Fatalf("SSH through the NAT adapter with the environment key: %v", err)
	}
	for i := 0; i < 2; i++ { // twice: the second run changes nothing
		if err := natCl.Run(ctx, comm.Cmd{Command: guest.AsRoot, Label: "reconfigure", Stdin: strings.NewReader(g2.Reconfigure(nil))}); err != nil {
			t.Fatalf("the reload's script (run %d): %v", i+1, err)
		}
	}
	natCl.Close()
	staticAddr = addrOf(map[string]string{metaIP: newIP.String()})
	if err := known.Pin(staticAddr, hostPub, m.Name, id); err != nil {
		t.Fatal(err)
	}
	cl = dialEnv()
	defer cl.Close()
	lap("reconfigured")
	after := guestState(ctx, t, cl, fl.netcfg, iface)
	checkGuestState(t, after, g2, key, hostPub, fl.netcfg, iface, newIP, hostOnlyNet)
	if addrs := section(after, "ipv4 of "+iface); strings.Contains(addrs, staticIP.String()+"/") {
		t.Errorf("%s keeps its old address %s: %q", iface, staticIP, addrs)
	}
	if hosts := section(after, "/etc/hosts"); strings.Contains(hosts, staticIP.String()) || strings.Contains(hosts, "alpha") {
		t.Errorf("/etc/hosts keeps the old address or name:\n%s", hosts)
	}
	cl.Close()
	if err := c.ContainerRestart(ctx, id, container.StopOptions{Timeout: &timeout}); err != nil {
		t.Fatal(err)
	}
	cl = dialEnv()
	lap("reboot after the reload")
	// (Docker gives the interface its own address again at a restart.)
	got := "\n" + section(guestState(ctx, t, cl, fl.netcfg, iface), "ipv4 of "+iface) + "\n"
	if !strings.Contains(got, "\n"+netip.PrefixFrom(newIP, fl.hostOnly.Bits()).String()+"\n") || strings.Contains(got, staticIP.String()+"/") {
		t.Errorf("after a reboot, %s has %q, want %s and not %s", iface, got, newIP, staticIP)
	}
}

// guestState is what the script sets in the guest, as text to compare.
func guestState(ctx context.Context, t *testing.T, cl *comm.Client, netcfg, iface string) string {
	t.Helper()
	files := []string{"~vagrant/.ssh/authorized_keys", "/etc/ssh/ssh_host_ed25519_key.pub", "/etc/hostname", "/etc/hosts"}
	switch netcfg {
	case "networkd":
		files = append(files, "/etc/systemd/network/05-envrun-"+iface+".network")
	case "ifupdown":
		files = append(files, "/etc/network/interfaces", "/etc/network/interfaces.d/envrun-"+iface)
	}
	var cmd strings.Builder
	for _, f := range files {
		fmt.Fprintf(&cmd, "echo '=== %s'; sudo -n cat %s; ", f, f)
	}
	fmt.Fprintf(&cmd, "echo '=== modes'; sudo -n stat -c '%%a %%U:%%G %%n' /etc/ssh/ssh_host_ed25519_key ~vagrant/.ssh ~vagrant/.ssh/authorized_keys; ")
	fmt.Fprintf(&cmd, "echo '=== private host key'; sudo -n ssh-keygen -y -f /etc/ssh/ssh_host_ed25519_key; ")
	fmt.Fprintf(&cmd, "echo '=== hostname, hostname -f'; hostname; hostname -f; ")
	fmt.Fprintf(&cmd, "echo '=== ipv4 of %s'; ip -4 -o addr show dev %s | awk '{print $4}' | sort", iface, iface)
	return guestOutput(ctx, t, cl, cmd.String())
}

// section is the text of one "=== NAME" section of a guestState.
func section(state, name string) string {
	_, rest, ok := strings.Cut(state, "=== "+name+"\n")
	if !ok {
		return "(no section " + name + ")"
	}
	if i := strings.Index(rest, "\n=== "); i >= 0 {
		rest = rest[:i]
	}
	return strings.TrimSuffix(rest, "\n")
}

func checkGuestState(t *testing.T, st string, g *guest.Setup, key *comm.Key, hostPub ssh.PublicKey, netcfg, iface string, ip netip.Addr, n *spec.Network) {
	t.Helper()
	prefix := netip.PrefixFrom(ip, n.Subnet.Bits()).String()
	want := map[string]string{
		"~vagrant/.ssh/authorized_keys":     strings.TrimSuffix(key.AuthorizedKey(), "\n"),
		"/etc/ssh/ssh_host_ed25519_key.pub": comm.FormatPublicKey(hostPub),
		"private host key":                  strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(hostPub)), "\n"),
		"/etc/hostname":                     g.Short,
		"hostname, hostname -f":             g.Short + "\n" + g.Hostname,
		"modes":                             "600 root:root /etc/ssh/ssh_host_ed25519_key\n700 vagrant:vagrant /home/vagrant/.ssh\n600 vagrant:vagrant /home/vagrant/.ssh/authorized_keys",
	}
	switch netcfg {
	case "networkd":
		want["/etc/systemd/network/05-envrun-"+iface+".network"] = fmt.Sprintf("[Match]\nMACAddress=%s\n\n[Network]\nAddress=%s", g.Addrs[0].MAC, prefix)
	case "ifupdown":
		want["/etc/network/interfaces.d/envrun-"+iface] = fmt.Sprintf("auto %s\niface %s inet static\n    address %s", iface, iface, prefix)
	}
	for name, w := range want {
		if got := strings.TrimSpace(section(st, name)); got != w {
			t.Errorf("%s:\n%s\nwant:\n%s", name, got, w)
		}
	}
	// /etc/hosts: the box's 127.0.1.1 name is gone, the machine's names
	// resolve to its static address, localhost is kept.
	hosts := section(st, "/etc/hosts")
	if strings.Contains(hosts, "bookworm") {
		t.Errorf("/etc/hosts still names the box's hostname:\n%s", hosts)
	}
	for _, line := range []string{"127.0.0.1\tlocalhost", ip.String() + "\t" + g.Hostname + " " + g.Short} {
		if !strings.Contains(hosts+"\n", line+"\n") {
			t.Errorf("/etc/hosts lacks %q:\n%s", line, hosts)
		}
	}
	if netcfg == "ifupdown" {
		if ifs := section(st, "/etc/network/interfaces"); strings.Count(ifs, "source /etc/network/interfaces.d/*") != 1 {
			t.Errorf("/etc/network/interfaces must source interfaces.d once:\n%s", ifs)
		}
	}
	if addrs := section(st, "ipv4 of "+iface); !strings.Contains("\n"+addrs+"\n", "\n"+prefix+"\n") {
		t.Errorf("%s does not have %s: %q", iface, prefix, addrs)
	}
}

// guestOutput runs cmd on the guest and returns its stdout, trimmed.
func guestOutput(ctx context.Context, t *testing.T, cl *comm.Client, cmd string) string {
	t.Helper()
	var stderr bytes.Buffer
	out, err := cl.Output(ctx, cmd, &stderr)
	if err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, stderr.String())
	}
	return strings.TrimSpace(out)
}

func randHex(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// dockerExec runs cmd in container id as root and fails the test if it
// fails.
func dockerExec(ctx context.Context, t *testing.T, c *client.Client, id string, cmd ...string) {
	t.Helper()
	ex, err := c.ContainerExecCreate(ctx, id, container.ExecOptions{Cmd: cmd, AttachStdout: true, AttachStderr: true})
	if err != nil {
		t.Fatal(err)
	}
	att, err := c.ContainerExecAttach(ctx, ex.ID, container.ExecAttachOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(att.Reader)
	att.Close()
	st, err := c.ContainerExecInspect(ctx, ex.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.ExitCode != 0 {
		t.Fatalf("docker exec %s: exit %d\n%s", strings.Join(cmd, " "), st.ExitCode, out)
	}
}

// guestNetwork makes a Docker network for the test, removed at the end.
func guestNetwork(ctx context.Context, t *testing.T, c *client.Client, name string, subnet netip.Prefix) string {
	t.Helper()
	_, err := c.NetworkCreate(ctx, name, network.CreateOptions{Driver: "bridge",
		IPAM: &network.IPAM{Config: []network.IPAMConfig{{Subnet: subnet.String(), Gateway: subnet.Addr().Next().String()}}}})
	if err != nil {
		t.Fatalf("create network %s (%s): %v", name, subnet, err)
	}
	t.Cleanup(func() { c.NetworkRemove(context.WithoutCancel(ctx), name) })
	return name
}

// startGuest creates and starts a guest container on nat (eth0) and then
// hostOnly (eth1), removed at the end. Before its first boot it runs
// setup and authorizes the box's key, as a box made that way would have
// them: a flavour is a few commands, not an image to build and commit
// (which takes 20 s and more on this Docker's storage driver).
func startGuest(ctx context.Context, t *testing.T, c *client.Client, name, setup string, authorized []byte, nat string, natIP netip.Addr, hostOnly string, hostOnlyIP netip.Addr) string {
	t.Helper()
	const made = "/etc/envrun-test-box"
	boot := fmt.Sprintf("set -e; if [ ! -e %[1]s ]; then %[2]s; "+
		"chown vagrant:vagrant /home/vagrant/.ssh/authorized_keys; chmod 600 /home/vagrant/.ssh/authorized_keys; touch %[1]s; fi; "+
		"exec /sbin/vm-init", made, setup)
	resp, err := c.ContainerCreate(ctx,
		&container.Config{Image: guestImage, Hostname: "bookworm", Cmd: []string{"/bin/sh", "-c", boot}},
		&container.HostConfig{
			CapAdd:       []string{"SYS_ADMIN", "NET_ADMIN"},
			CgroupnsMode: container.CgroupnsModePrivate,
			SecurityOpt:  []string{"seccomp=unconfined"},
			Tmpfs:        map[string]string{"/run": "", "/run/lock": "", "/tmp": ""},
		},
		&network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
			nat: {IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: natIP.String()}},
		}}, nil, name)
	if err != nil {
		t.Fatalf("create the guest container: %v", err)
	}
	t.Cleanup(func() {
		c.ContainerRemove(context.WithoutCancel(ctx), resp.ID, container.RemoveOptions{Force: true, RemoveVolumes: true})
	})
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "home/vagrant/.ssh/authorized_keys", Mode: 0o600, Size: int64(len(authorized))})
	tw.Write(authorized)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.CopyToContainer(ctx, resp.ID, "/", &buf, container.CopyToContainerOptions{}); err != nil {
		t.Fatalf("authorize the box key: %v", err)
	}
	if err := c.ContainerStart(ctx, resp.ID, container.StartOptions{}); err != nil {
		t.Fatalf("start the guest container: %v", err)
	}
	if err := c.NetworkConnect(ctx, hostOnly, resp.ID, &network.EndpointSettings{
		IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: hostOnlyIP.String()}}); err != nil {
		t.Fatalf("connect the guest to %s: %v", hostOnly, err)
	}
	return resp.ID
}

// readContainerFile reads file in container id through Docker's API.
func readContainerFile(ctx context.Context, t *testing.T, c *client.Client, id, file string) string {
	t.Helper()
	rc, _, err := c.CopyFromContainer(ctx, id, file)
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	if _, err := tr.Next(); err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(tr)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// guestEngine is the Docker engine the guest-script tests run their guest
// containers on, with the guest image present (a failure on CI, a skip
// elsewhere), and a context that ends after timeout.
func guestEngine(t *testing.T, timeout time.Duration) (context.Context, *client.Client) {
	t.Helper()
	providertest.Require(t, docker.Driver)
	c, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	if _, err := c.ImageInspect(ctx, guestImage); err != nil {
		msg := fmt.Sprintf("the guest image %s is missing (%v): make it with `sudo scripts/build-guest-image.sh` (.ci/run does)", guestImage, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return ctx, c
}
