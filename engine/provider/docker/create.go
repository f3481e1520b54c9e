package docker

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/go-connections/nat"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

// createSpec is everything ContainerCreate and NetworkConnect are given for
// a machine. It is built by a pure function, so it is tested on its own.
type createSpec struct {
	Name       string
	Config     *container.Config
	HostConfig *container.HostConfig
	Network    *network.NetworkingConfig
	// Connect are the networks after the first, joined before start, in
	// the order the machine declares them.
	Connect []connect
	// Setup is the script the container runs as root at each start
	// (setupScript): in its command, or, when the machine has a command
	// of its own, through an exec after each start by envrun.
	Setup string
}

type connect struct {
	Network  string
	Endpoint *network.EndpointSettings
}

// buildCreateSpec makes the create options of machine m from image. netName
// maps an Envfile network name to its Docker network name. hostKey is the
// public host key installed in the container.
func buildCreateSpec(project string, ef *spec.Envfile, m *spec.Machine, o *Options, image, hostKey, keyFingerprint string, netName func(string) string) (*createSpec, error) {
	gateways := map[string]string{}
	for _, a := range m.Networks {
		if n := ef.Network(a.Network); n != nil && !n.Isolated && !n.Span {
			// (An overlay network's gateway is no router: Docker gives
			// the container a bridge of its own for the way out.)
			gateways[a.Network] = n.Gateway.String()
		} else if n != nil && a.Network == o.DefaultRoute {
			return nil, spec.Errorf(m.Providers["docker"].Pos, "machine %q: docker.default_route: network %q is isolated: it has no route out", m.Name, a.Network)
		}
	}
	setup := setupScript(m, o.DefaultRoute, gateways, o.owner)
	capAdd := o.CapAdd
	if len(m.Networks) > 1 && !slices.Contains(capAdd, "NET_ADMIN") && !slices.Contains(capAdd, "CAP_NET_ADMIN") && !o.Privileged {
		// To put its interfaces in the declared order, in its own network
		// namespace.
		capAdd = append(slices.Clone(capAdd), "NET_ADMIN")
	}
	cs := &createSpec{
		Setup: setup,
		Name:  project + "-" + m.Name,
		Config: &container.Config{
			Image:      image,
			Hostname:   m.ShortHostname(),
			Domainname: m.Domain(),
			Cmd:        o.command(setup, m.SSH.Port),
			Labels: map[string]string{
				LabelProject: project,
				LabelMachine: m.Name,
				LabelEnvfile: ef.Path,
				LabelUser:    m.User,
			},
		},
		HostConfig: &container.HostConfig{
			Init:       ptr(true),
			Privileged: o.Privileged,
			CapAdd:     capAdd,
			// Docker mounts its /etc/hosts, /etc/hostname and
			// /etc/resolv.conf where the links at those paths point: in
			// /run/envrun/, on this tmpfs (see guest.go).
			Tmpfs: map[string]string{"/run": ""},
		},
	}
	if p := m.SSH.PortOrDefault(); p != spec.DefaultSSHPort {
		// Before the config hash: a changed port is a changed setting.
		cs.Config.Labels[LabelSSHPort] = strconv.Itoa(p)
	}
	for k, v := range o.Env {
		cs.Config.Env = append(cs.Config.Env, k+"="+v)
	}
	slices.Sort(cs.Config.Env)
	for _, t := range o.Tmpfs {
		cs.HostConfig.Tmpfs[t] = ""
	}
	if m.CPUs > 0 {
		cs.HostConfig.NanoCPUs = int64(m.CPUs) * 1e9
	}
	if m.Memory > 0 {
		cs.HostConfig.Memory = int64(m.Memory) << 20
	}
	if len(m.Ports) > 0 {
		cs.Config.ExposedPorts = nat.PortSet{}
		cs.HostConfig.PortBindings = nat.PortMap{}
		for _, pt := range m.Ports {
			port, err := nat.NewPort(pt.Protocol, strconv.Itoa(pt.Guest))
			if err != nil {
				return nil, err
			}
			cs.Config.ExposedPorts[port] = struct{}{}
			cs.HostConfig.PortBindings[port] = append(cs.HostConfig.PortBindings[port],
				nat.PortBinding{HostIP: pt.HostIP, HostPort: strconv.Itoa(pt.Host)})
		}
	}
	for _, sf := range m.MountedFolders() {
		cs.HostConfig.Mounts = append(cs.HostConfig.Mounts, mount.Mount{Type: mount.TypeBind, Source: sf.Host, Target: sf.Guest})
		if hidden, ok := provider.StateInside(ef, sf); ok {
			cs.HostConfig.Mounts = append(cs.HostConfig.Mounts, mount.Mount{
				Type: mount.TypeTmpfs, Target: hidden, ReadOnly: true,
				TmpfsOptions: &mount.TmpfsOptions{SizeBytes: 4096, Mode: 0o500},
			})
		}
	}
	for i, a := range m.Networks {
		es := &network.EndpointSettings{
			IPAMConfig: &network.EndpointIPAMConfig{IPv4Address: a.IP.String()},
			Aliases:    uniq(m.Name, m.ShortHostname(), m.Hostname),
		}
		if i == 0 {
			cs.HostConfig.NetworkMode = container.NetworkMode(netName(a.Network))
			cs.Network = &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{netName(a.Network): es}}
			cs.Config.Labels[LabelIP] = a.IP.String()
		} else {
			cs.Connect = append(cs.Connect, connect{Network: netName(a.Network), Endpoint: es})
		}
	}
	// Last, the user's pass-through: fields envrun does not model.
	if err := applyHostConfig(cs.HostConfig, o.HostConfig); err != nil {
		return nil, spec.Errorf(m.Providers["docker"].Pos, "machine %q: docker.host_config: %v", m.Name, err)
	}
	// The config label is a hash of everything above, taken before the
	// per-instance labels: a later Envfile that would create the machine
	// differently is noticed.
	sum, err := json.Marshal(cs)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(sum)
	cs.Config.Labels[LabelConfig] = hex.EncodeToString(h[:])[:16]
	cs.Config.Labels[LabelHostKey] = hostKey
	cs.Config.Labels[LabelKey] = keyFingerprint
	cs.Config.Labels[LabelImage] = image
	return cs, nil
}

func ptr[T any](v T) *T { return &v }

func uniq(ss ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
