package engine

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/suggest"
)

// Endpoint is how to reach a machine over SSH.
type Endpoint struct {
	Machine *spec.Machine
	Addr    string // host:port
	User    string
	// Proxy is the OpenSSH ProxyCommand that reaches it, "" when it is
	// reached directly; Route is how.
	Proxy string
	Route provider.Route
}

// Endpoints returns the SSH endpoints of the named machines (all when
// none). Machines with a static IP need no backend call; the others are
// looked up, and must exist.
func (e *Env) Endpoints(ctx context.Context, names []string) ([]Endpoint, error) {
	machines, err := e.selectExact(names)
	if err != nil {
		return nil, err
	}
	var states []provider.MachineState
	var out []Endpoint
	route, err := e.Route(ctx)
	if err != nil {
		return nil, err
	}
	for _, m := range machines {
		ep := Endpoint{Machine: m, User: m.User, Route: route.For(m.Name), Proxy: e.ProxyCommand(route.For(m.Name), m.Name)}
		if ip := m.IP(); ip.IsValid() {
			ep.Addr = net.JoinHostPort(ip.String(), strconv.Itoa(e.cache.sshPort(m.Name, m.SSH.PortOrDefault())))
		} else {
			if states == nil {
				if err := e.openReadOnly(ctx); err != nil {
					return nil, err
				}
				if states, err = e.prov.Machines(ctx); err != nil {
					return nil, err
				}
			}
			for _, s := range states {
				if s.Name == m.Name {
					ep.Addr = s.Addr
				}
			}
			if ep.Addr == "" {
				return nil, fmt.Errorf("%s has no static IP and is not running: run `envrun up %s`", m.Name, m.Name)
			}
		}
		out = append(out, ep)
	}
	return out, nil
}

// RequireRunning fails unless the machine runs, naming its state.
func (e *Env) RequireRunning(ctx context.Context, name string) error {
	if err := e.openReadOnly(ctx); err != nil {
		return err
	}
	states, err := e.prov.Machines(ctx)
	if err != nil {
		return err
	}
	for _, s := range states {
		if s.Name == name {
			if s.State == provider.Running {
				return nil
			}
			return fmt.Errorf("%s is %s: run `envrun up %s` first", name, s.State, name)
		}
	}
	return fmt.Errorf("%s is %s: run `envrun up %s` first", name, provider.NotCreated, name)
}

// selectExact returns exactly the named machines (all when none).
func (e *Env) selectExact(names []string) ([]*spec.Machine, error) {
	if len(names) == 0 {
		return e.Spec.Machines, nil
	}
	var out []*spec.Machine
	for _, n := range names {
		m := e.Spec.Machine(n)
		if m == nil {
			return nil, &UsageError{fmt.Errorf("no machine %q in %s%s", n, e.Spec.Path, suggest.DidYouMean(n, e.Spec.MachineNames()))}
		}
		out = append(out, m)
	}
	return out, nil
}

// SSHConfig renders OpenSSH client configuration for the endpoints: the
// environment key, and host key checking against the pinned keys.
func (e *Env) SSHConfig(eps []Endpoint) string {
	var b strings.Builder
	for i, ep := range eps {
		if i > 0 {
			b.WriteByte('\n')
		}
		host, port, _ := net.SplitHostPort(ep.Addr)
		names := []string{ep.Machine.Name}
		if h := ep.Machine.Hostname; h != ep.Machine.Name {
			names = append(names, h)
		}
		fmt.Fprintf(&b, "Host %s\n", strings.Join(names, " "))
		fmt.Fprintf(&b, "  HostName %s\n", host)
		fmt.Fprintf(&b, "  Port %s\n", port)
		fmt.Fprintf(&b, "  User %s\n", ep.User)
		fmt.Fprintf(&b, "  IdentityFile %s\n", quoteConfig(e.State.KeyPath()))
		fmt.Fprintf(&b, "  IdentitiesOnly yes\n")
		fmt.Fprintf(&b, "  UserKnownHostsFile %s\n", quoteConfig(e.known.Path()))
		fmt.Fprintf(&b, "  GlobalKnownHostsFile /dev/null\n")
		fmt.Fprintf(&b, "  StrictHostKeyChecking yes\n")
		fmt.Fprintf(&b, "  HostKeyAlgorithms ssh-ed25519\n")
		fmt.Fprintf(&b, "  PasswordAuthentication no\n")
		fmt.Fprintf(&b, "  LogLevel ERROR\n")
		if ep.Proxy != "" {
			fmt.Fprintf(&b, "  ProxyCommand %s\n", ep.Proxy)
		}
		if ep.Machine.SSH.ForwardAgent {
			fmt.Fprintf(&b, "  ForwardAgent yes\n")
		}
	}
	return b.String()
}

// quoteConfig writes a path as an ssh_config argument: OpenSSH expands
// %-tokens in IdentityFile and UserKnownHostsFile, so a % is doubled.
func quoteConfig(s string) string {
	s = strings.ReplaceAll(s, "%", "%%")
	if strings.ContainsAny(s, " \t\"") {
		return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
	}
	return s
}

// Dial connects to a running machine for `envrun ssh` when OpenSSH is not
// installed. The host key must be pinned already.
func (e *Env) Dial(ctx context.Context, ep Endpoint) (*comm.Client, error) {
	key, err := comm.LoadPrivateKey(e.State.KeyPath())
	if err != nil {
		return nil, err
	}
	return comm.Dial(ctx, comm.Config{
		Machine: ep.Machine.Name, Addr: ep.Addr, User: ep.User,
		Signer: key.Signer, HostKey: e.known.Callback(ep.Machine.Name),
		Via: e.via(ep.Route, ep.Machine.Name, ep.Addr),

		ForwardAgent: e.agentSocket(ep.Machine),
	})
}
