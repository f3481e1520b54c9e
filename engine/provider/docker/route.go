package docker

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/envrun/envrun/engine/provider"
)

// Route says how this host reaches the machines: the Envfile's
// docker.reach, else engine when their address is on a Swarm overlay
// network (overlay), jump for an ssh:// engine, direct when one of the
// engine's bridges is a network of this host, and through the engine's
// API otherwise (the engine runs in a VM or elsewhere: Docker Desktop,
// Colima, a tcp:// engine).
func (p *onEngine) Route(ctx context.Context, overlay bool) (provider.Route, error) {
	r := provider.Route{Engine: p.ep.Name()}
	sp := p.ep.sshHost()
	switch provider.Reach(p.choice.Reach) {
	case provider.ReachJump:
		if sp == nil {
			return r, fmt.Errorf("docker.reach = \"jump\" needs an ssh:// engine, and the engine is %s (chosen by %s): use reach = \"engine\", or choose the engine by ssh://", p.ep.Name(), p.ep.Source)
		}
	case provider.ReachDirect, provider.ReachEngine:
		r.Reach = provider.Reach(p.choice.Reach)
		return r, nil
	case "":
		if overlay {
			r.Reach = provider.ReachEngine
			return r, nil
		}
		if sp == nil {
			local, err := p.bridgeIsLocal(ctx)
			if err != nil {
				return r, err
			}
			r.Reach = provider.ReachEngine
			if local {
				r.Reach = provider.ReachDirect
			}
			return r, nil
		}
	}
	r.Reach = provider.ReachJump
	r.Jump = &provider.JumpHost{User: sp.User, Host: sp.Host, Port: sp.Port}
	return r, nil
}

// bridgeIsLocal reports whether the gateway of one of the engine's
// bridge networks (the environment's own, else the default "bridge") is
// an address of this host: then the engine runs here and its networks are
// routable.
func (p *onEngine) bridgeIsLocal(ctx context.Context) (bool, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false, fmt.Errorf("list this host's addresses: %w", err)
	}
	local := map[string]bool{}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok {
			local[ipn.IP.String()] = true
		}
	}
	nets, err := p.c.NetworkList(ctx, network.ListOptions{Filters: filters.NewArgs(filters.Arg("driver", "bridge"))})
	if err != nil {
		return false, fmt.Errorf("list the networks of %s: %w", p.ep.Name(), explain(p.ep, err))
	}
	seen := false
	for _, n := range nets {
		for _, c := range n.IPAM.Config {
			if c.Gateway == "" {
				continue
			}
			seen = true
			if local[c.Gateway] {
				return true, nil
			}
		}
	}
	// An engine whose bridges list no gateway: trust a local socket.
	return !seen && (p.ep.Host == "" || p.ep.Host[:4] == "unix"), nil
}

// DialMachine carries an SSH stream to machine name through the Docker
// API: it runs the container's sshd in inetd mode (`sshd -i`) under
// `docker exec`, so the machine's own host key, authorized keys and
// configuration answer, exactly as over TCP.
func (p *onEngine) DialMachine(ctx context.Context, name string) (net.Conn, error) {
	cname := p.containerName(name)
	ex, err := p.c.ContainerExecCreate(ctx, cname, container.ExecOptions{
		User:         "root",
		AttachStdin:  true,
		AttachStdout: true,
		AttachStderr: true,
		Cmd:          []string{"/usr/sbin/sshd", "-i"},
		Env:          inetdResolver,
	})
	if err != nil {
		return nil, fmt.Errorf("start sshd -i in container %s on %s: %w", cname, p.ep.Name(), explain(p.ep, err))
	}
	hj, err := p.c.ContainerExecAttach(ctx, ex.ID, container.ExecAttachOptions{})
	if err != nil {
		return nil, fmt.Errorf("attach to sshd -i in container %s on %s: %w", cname, p.ep.Name(), explain(p.ep, err))
	}
	return newExecConn(hj, cname), nil
}

// inetdResolver bounds the name lookups of sshd -i itself. Under inetd
// mode sshd knows no client address, so PAM's rhost is "UNKNOWN", and
// sshd's own process looks that name up at each login (libpam's audit
// record through libaudit, by our reading of their source; not traced):
// with the glibc defaults and a resolver
// that never answers, 20 s per lookup, 40 s per login (measured). Here a
// lookup asks each nameserver once, waits 1 s, and tries no search
// domain. sshd builds its sessions' environment anew: the machine's
// commands and steps never see these.
var inetdResolver = []string{"RES_OPTIONS=timeout:1 attempts:1", "LOCALDOMAIN="}

// execConn is a hijacked exec stream as a net.Conn: writes go to the
// process's stdin, reads come from its stdout (demultiplexed; stderr is
// kept for errors).
type execConn struct {
	hj   types.HijackedResponse
	name string
	pr   *io.PipeReader
	once sync.Once
}

func newExecConn(hj types.HijackedResponse, name string) *execConn {
	pr, pw := io.Pipe()
	c := &execConn{hj: hj, name: name, pr: pr}
	go func() {
		var stderr tail
		_, err := stdcopy.StdCopy(pw, &stderr, hj.Reader)
		if err == nil && stderr.String() != "" {
			err = fmt.Errorf("sshd -i in %s: %s", name, stderr.String())
		}
		pw.CloseWithError(err)
	}()
	return c
}

func (c *execConn) Read(b []byte) (int, error)  { return c.pr.Read(b) }
func (c *execConn) Write(b []byte) (int, error) { return c.hj.Conn.Write(b) }

// CloseWrite ends sshd's stdin.
func (c *execConn) CloseWrite() error { return c.hj.CloseWrite() }

func (c *execConn) Close() error {
	c.once.Do(func() {
		c.hj.CloseWrite()
		c.hj.Close()
		c.pr.Close()
	})
	return nil
}
func (c *execConn) LocalAddr() net.Addr                { return execAddr(c.name) }
func (c *execConn) RemoteAddr() net.Addr               { return execAddr(c.name) }
func (c *execConn) SetDeadline(t time.Time) error      { return c.hj.Conn.SetDeadline(t) }
func (c *execConn) SetReadDeadline(t time.Time) error  { return c.hj.Conn.SetReadDeadline(t) }
func (c *execConn) SetWriteDeadline(t time.Time) error { return c.hj.Conn.SetWriteDeadline(t) }

type execAddr string

func (a execAddr) Network() string { return "docker-exec" }
func (a execAddr) String() string  { return string(a) }

// tail keeps the last 512 bytes written to it.
type tail struct{ b []byte }

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 512 {
		t.b = t.b[len(t.b)-512:]
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.b) }
