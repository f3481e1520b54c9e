package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/spf13/cobra"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/provider"
)

// `envrun init` writes a first Envfile: N machines on a private subnet
// that no network of the providers, and no interface of this host, uses
// already, each with a shell step, and one Ansible step over all of them
// with its playbook. It writes only files that do not exist (opened with
// O_EXCL: no race, no symbolic link followed), and nothing when the
// Envfile is there.

// initPools are where init looks for a free /24, in order: VirtualBox's
// default host-only range first (a VirtualBox host accepts nothing else
// without a networks.conf, and one Envfile gives the same IPs on every
// provider), then a block of 10/8 that Docker's and libvirt's defaults
// do not use.
var initPools = []netip.Prefix{netip.MustParsePrefix("192.168.56.0/21"), netip.MustParsePrefix("10.201.0.0/16")}

// initMaxMachines fits the machines in a /24 from .10 on.
const initMaxMachines = 240

func (a *app) initCommand() *cobra.Command {
	var box, subnet string
	cmd := &cobra.Command{
		Use:   "init [N]",
		Short: "Write a commented Envfile.lua for N machines (default 2)",
		Long: `init writes Envfile.lua here (or at -f FILE): N machines (default 2) on a
private /24 that no network of the providers and no interface of this host
uses, each with a shell step, and an Ansible step over all of them with its
playbook, provision.yml. ` + "`envrun up`" + ` brings it up as written.

The subnet is the first free /24 of 192.168.56.0/21 (the range VirtualBox
allows by default), then of 10.201.0.0/16; --subnet CIDR chooses it (a /24
or smaller is taken as it is, a larger block is searched for a free /24).
--provider writes a provider "P" line, --box the box (default
debian/bookworm).

init never overwrites: it refuses when the Envfile exists, and leaves an
existing provision.yml alone (its Ansible step is then written commented
out).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n := 2
			if len(args) == 1 {
				v, err := strconv.Atoi(args[0])
				if err != nil || v < 1 || v > initMaxMachines {
					return &engine.UsageError{Err: fmt.Errorf("N must be a whole number from 1 to %d, not %q", initMaxMachines, args[0])}
				}
				n = v
			}
			if a.provider != "" {
				if _, err := provider.Lookup(Drivers, a.provider); err != nil {
					return &engine.UsageError{Err: err}
				}
			}
			path := a.file
			if path == "" {
				path = "Envfile.lua"
			}
			if _, err := os.Lstat(path); err == nil {
				return &engine.UsageError{Err: fmt.Errorf("%s exists: init writes a new Envfile only, never over one", path)}
			}
			pools := initPools
			if subnet != "" {
				pfx, err := netip.ParsePrefix(subnet)
				if err != nil || !pfx.Addr().Is4() || pfx.Bits() > 27 {
					return &engine.UsageError{Err: fmt.Errorf("--subnet %q: want an IPv4 CIDR of /27 or larger, such as 192.168.60.0/24", subnet)}
				}
				pools = []netip.Prefix{pfx.Masked()}
			}
			used := a.usedSubnets(cmd.Context())
			net, err := freeSubnet(pools, used, n)
			if err != nil {
				return err
			}
			return a.writeInit(path, initData{N: n, Box: box, Provider: a.provider, Subnet: net})
		},
	}
	cmd.Flags().StringVar(&box, "box", "debian/bookworm", "the box of every machine")
	cmd.Flags().StringVar(&subnet, "subnet", "", "the subnet, or a block to choose a free /24 from (default: 192.168.56.0/21, then 10.201.0.0/16)")
	return cmd
}

// usedSubnets lists what the subnet must not overlap: the addresses of
// this host's interfaces (docker0, virbr0, vboxnet0, the LAN) and every
// network the providers report, asked at once. A provider that does not
// answer within 3 seconds is not waited for (said with -v).
func (a *app) usedSubnets(ctx context.Context) []netip.Prefix {
	var used []netip.Prefix
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, ad := range addrs {
			if ipn, ok := ad.(*net.IPNet); ok {
				if pfx, err := netip.ParsePrefix(ipn.String()); err == nil {
					used = append(used, pfx.Masked())
				}
			}
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, d := range Drivers {
		if d.Subnets == nil || d.NotBuilt != nil {
			continue
		}
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			defer cancel()
			nets, err := d.Subnets(ctx)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				a.ui.Debugf("init", "the networks of %s are not known: %v", d.Name, err)
				return
			}
			used = append(used, nets...)
		})
	}
	wg.Wait()
	return used
}

// freeSubnet returns the first subnet of pools (the pool itself when it is
// a /24 or smaller, else its /24s in order) that overlaps nothing in used
// and holds n machines from .10 on.
func freeSubnet(pools, used []netip.Prefix, n int) (netip.Prefix, error) {
	free := func(p netip.Prefix) bool {
		for _, u := range used {
			if u.Overlaps(p) {
				return false
			}
		}
		return true
	}
	for _, pool := range pools {
		if pool.Bits() >= 24 {
			if 1<<(32-pool.Bits()) < n+11 {
				return netip.Prefix{}, &engine.UsageError{Err: fmt.Errorf("--subnet %s is too small for %d machines from .10 on", pool, n)}
			}
			if free(pool) {
				return pool, nil
			}
			continue
		}
		for p := netip.PrefixFrom(pool.Addr(), 24); pool.Contains(p.Addr()); p = nextSlash24(p) {
			if free(p) {
				return p, nil
			}
		}
	}
	var names []string
	for _, p := range pools {
		names = append(names, p.String())
	}
	return netip.Prefix{}, &engine.UsageError{Err: fmt.Errorf("every subnet of %s overlaps a network of this host or its providers: name one with --subnet CIDR", strings.Join(names, ", "))}
}

// nextSlash24 is the /24 after p.
func nextSlash24(p netip.Prefix) netip.Prefix {
	b := p.Addr().As4()
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8
	v += 256
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), 0}), 24)
}

// initData fills initTemplate.
type initData struct {
	N        int
	Box      string
	Provider string
	Subnet   netip.Prefix
	Ansible  bool // provision.yml is init's: the Ansible step is live
}

// Gateway is the subnet's first address, First the first machine's.
func (d initData) Gateway() string { return d.Subnet.Addr().Next().String() }
func (d initData) Prefix() string {
	a := d.Subnet.Addr().As4()
	return fmt.Sprintf("%d.%d.%d.", a[0], a[1], a[2])
}
func (d initData) First() int { return int(d.Subnet.Addr().As4()[3]) + 10 }

var initTemplate = template.Must(template.New("Envfile").Parse(`-- Envfile.lua, written by ` + "`envrun init`" + `. ` + "`envrun up`" + ` brings it up;
-- ` + "`envrun ssh machine1`" + ` logs in; ` + "`envrun destroy`" + ` removes it all.
-- Every builtin and key: docs/envfile.md and docs/reference.md in envrun's
-- repository, or ` + "`envrun lua-defs`" + ` for your editor.
{{if .Provider}}
-- The provider when neither --provider nor ENVRUN_PROVIDER names one.
provider "{{.Provider}}"
{{end}}
-- The base of every machine: on Docker a local image (envrun builds
-- debian/bookworm itself when it is missing), on libvirt and VirtualBox a
-- box added with ` + "`envrun box add`" + `.
box "{{.Box}}"

-- A private network with static addresses; init chose a subnet that no
-- network of this host uses. The same IPs on every provider.
network "net" { subnet = "{{.Subnet}}", gateway = "{{.Gateway}}" }

for i = 1, {{.N}} do
  machine("machine" .. i) {
    hostname = "machine" .. i .. ".local",
    networks = { net = "{{.Prefix}}" .. ({{.First}} - 1 + i) },
    cpus = 1, memory = 512,          -- MiB
    groups = { "app" },              -- Ansible groups
    provision = {
      -- Runs over SSH once the machine is up, and again on ` + "`envrun provision`" + `.
      shell { inline = "echo provisioned by envrun > /tmp/envrun-init" },
    },
  }
end

-- One ansible-playbook run over every machine, once all are up and
-- provisioned (needs Ansible on this host: apt-get install ansible).
{{if .Ansible}}ansible "site" {
  playbook = "provision.yml",
  hosts = machines(),
}{{else}}-- provision.yml was there before init, so this step is left for you to
-- switch on:
-- ansible "site" {
--   playbook = "provision.yml",
--   hosts = machines(),
-- }{{end}}
`))

const initPlaybook = `# The playbook of the Envfile's ansible "site" step (written by envrun init).
- hosts: all
  gather_facts: false
  tasks:
    - name: Say which machine this is
      ansible.builtin.copy:
        content: "{{ inventory_hostname }} was provisioned by Ansible\n"
        dest: /tmp/envrun-init-ansible
`

// writeInit writes the Envfile at path and, when it does not exist, the
// playbook beside it; each created exclusively.
func (a *app) writeInit(path string, d initData) error {
	playbook := filepath.Join(filepath.Dir(path), "provision.yml")
	wrote, err := createExclusive(playbook, []byte(initPlaybook))
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	d.Ansible = wrote
	var b strings.Builder
	if err := initTemplate.Execute(&b, d); err != nil {
		return err
	}
	if _, err := createExclusive(path, []byte(b.String())); err != nil {
		if wrote {
			os.Remove(playbook)
		}
		if errors.Is(err, fs.ErrExist) {
			return &engine.UsageError{Err: fmt.Errorf("%s exists: init writes a new Envfile only, never over one", path)}
		}
		return err
	}
	fmt.Fprintf(a.stdout, "wrote %s: %d machine(s) on %s", path, d.N, d.Subnet)
	if wrote {
		fmt.Fprintf(a.stdout, ", and %s for its Ansible step", playbook)
	} else {
		fmt.Fprintf(a.stdout, "; %s was there already: left alone, the Ansible step is commented out", playbook)
	}
	fmt.Fprintln(a.stdout, "\nnext: envrun up")
	return nil
}

// createExclusive creates path with data; false and fs.ErrExist when it
// exists. A failed write removes what it made.
func createExclusive(path string, data []byte) (bool, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return false, err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return false, err
	}
	return true, nil
}
