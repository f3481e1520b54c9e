package engine

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provision"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/timing"
)

// The engine keeps one SSH connection per machine, dialled on first use
// and shared by the machine's steps, and pins each machine's host key in
// .envrun/known_hosts: the key a connection must present.

// pin records the host key the provider reports for a machine: the engine
// is the only writer of known_hosts. A key reported for an instance other
// than the pinned one replaces the pin (the machine was made anew); for
// the same instance it must match.
func (e *Env) pin(ctx context.Context, m *spec.Machine, inst *provider.Instance) error {
	pinned, ok, err := e.known.Lookup(inst.Addr)
	if err != nil {
		return err
	}
	if ok && pinned.ID == inst.ID && pinned.Machine == m.Name {
		if inst.HostKey != nil && string(pinned.Key.Marshal()) != string(inst.HostKey.Marshal()) {
			return &comm.HostKeyChangedError{Machine: m.Name, Addr: inst.Addr, Want: pinned.Key, Got: inst.HostKey, File: e.known.Path()}
		}
		return nil
	}
	key := inst.HostKey
	if inst.ReadHostKey != nil {
		k, err := inst.ReadHostKey(ctx)
		switch {
		case err == nil:
			key = k
		case key != nil:
			e.UI.Debugf(m.Name, "host key not readable now (%v); pinning the one it was made with", err)
		default:
			return err
		}
	}
	if key == nil {
		return nil
	}
	return e.known.Pin(inst.Addr, key, m.Name, inst.ID)
}

// Conn is a connection to a running machine: what steps run on.
// *comm.Client is the real one.
type Conn interface {
	provision.Target
	Close() error
}

// dialSSH waits for the machine's SSH and connects.
func dialSSH(ctx context.Context, cfg comm.Config, timeout time.Duration) (Conn, error) {
	c, err := comm.WaitDial(ctx, cfg, timeout)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// machineConn is the one SSH connection to a machine, dialled on first use.
type machineConn struct {
	mu     sync.Mutex
	inst   *provider.Instance // what client was dialled for
	client Conn
}

// ended reports whether c's connection has ended (a Conn that cannot tell
// is taken as alive).
func ended(c Conn) bool {
	d, ok := c.(interface{ Done() <-chan struct{} })
	if !ok {
		return false
	}
	select {
	case <-d.Done():
		return true
	default:
		return false
	}
}

// liveInstance returns the instance of the machine's connection while that
// connection lasts: the machine runs as it was when dialled.
func (e *Env) liveInstance(name string) (*provider.Instance, bool) {
	e.mu.Lock()
	mc, ok := e.conns[name]
	e.mu.Unlock()
	if !ok {
		return nil, false
	}
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if mc.client == nil || ended(mc.client) {
		return nil, false
	}
	return mc.inst, true
}

func (c *machineConn) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.client != nil {
		c.client.Close()
		c.client = nil
	}
}

// sshTimeout bounds the wait for a machine's SSH after it starts.
const sshTimeout = 2 * time.Minute

// connect returns the machine's connection, dialling (and waiting for SSH)
// on first use. One connection serves all the machine's steps.
func (e *Env) connect(ctx context.Context, m *spec.Machine, inst *provider.Instance) (Conn, error) {
	e.mu.Lock()
	mc, ok := e.conns[m.Name]
	if !ok {
		mc = &machineConn{}
		e.conns[m.Name] = mc
	}
	e.mu.Unlock()
	mc.mu.Lock()
	defer mc.mu.Unlock()
	if mc.client != nil && mc.inst.ID == inst.ID && !ended(mc.client) {
		return mc.client, nil
	}
	if mc.client != nil {
		mc.client.Close()
		mc.client = nil
	}
	if c := inst.Conn; c != nil {
		// The provider's own connection (first contact): a handshake in
		// a guest that is still busy booting costs seconds.
		inst.Conn = nil
		if !ended(c) {
			e.UI.Debugf(m.Name, "SSH: adopted the provider's connection to %s", inst.Addr)
			mc.client, mc.inst = c, inst
			e.rememberPort(m, inst)
			e.learnInterfaces(ctx, m, inst.ID, c)
			return c, nil
		}
	}
	timeout := inst.SSHTimeout
	if timeout <= 0 {
		timeout = sshTimeout
	}
	route, err := e.Route(ctx)
	if err != nil {
		return nil, err
	}
	end := timing.Start(ctx, "SSH wait")
	c, err := e.dial(ctx, comm.Config{
		Machine:   m.Name,
		Addr:      inst.Addr,
		User:      inst.User,
		Signer:    e.key.Signer,
		HostKey:   e.known.Callback(m.Name),
		Keepalive: e.keepalive,
		Via:       e.via(route.For(m.Name), m.Name, inst.Addr),

		ForwardAgent: e.agentSocket(m),
	}, timeout)
	if err != nil {
		return nil, e.withConsole(m.Name, err)
	}
	e.UI.Debugf(m.Name, "SSH connected to %s in %s", inst.Addr, end().Round(time.Millisecond))
	mc.client, mc.inst = c, inst
	e.rememberPort(m, inst)
	e.learnInterfaces(ctx, m, inst.ID, c)
	return c, nil
}

// withConsole adds the last lines of the machine's console log to an SSH
// wait that timed out, when the provider keeps one.
func (e *Env) withConsole(name string, err error) error {
	var wait *comm.WaitError
	con, ok := e.prov.(provider.Console)
	if !ok || !errors.As(err, &wait) {
		return err
	}
	return provider.WithConsole(con, name, err)
}

func (e *Env) forgetConn(name string) {
	e.mu.Lock()
	mc := e.conns[name]
	delete(e.conns, name)
	e.mu.Unlock()
	if mc != nil {
		mc.close()
	}
}

// agentSocket is the SSH agent socket forwarded to machine m: SSH_AUTH_SOCK
// when m sets ssh.forward_agent, else "". With no agent running, it warns
// once and forwards none.
func (e *Env) agentSocket(m *spec.Machine) string {
	if !m.SSH.ForwardAgent {
		return ""
	}
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		e.agentWarn.Do(func() {
			e.UI.Warnf(m.Name, "ssh.forward_agent is set, but SSH_AUTH_SOCK is not: there is no agent to forward (start one: eval $(ssh-agent); ssh-add)")
		})
	}
	return sock
}

// rememberPort keeps the port machine m's instance was reached on, for
// ssh-config and the inventory of a machine with a static IP: the port the
// instance was made with, even when the Envfile changed it since.
func (e *Env) rememberPort(m *spec.Machine, inst *provider.Instance) {
	_, p, err := net.SplitHostPort(inst.Addr)
	if err != nil {
		return
	}
	port, err := strconv.Atoi(p)
	if err != nil || e.cache.sshPort(m.Name, 0) == port {
		return
	}
	if !m.IP().IsValid() || !strings.HasPrefix(inst.Addr, m.IP().String()+":") && !strings.HasPrefix(inst.Addr, "["+m.IP().String()+"]:") {
		return // reached through a forward (VirtualBox): not the machine's own port
	}
	err = e.cache.update(func(d *cacheData) {
		mc := d.Machines[m.Name]
		if mc.ID != inst.ID {
			mc = machineCache{ID: inst.ID}
		}
		mc.SSHPort = port
		d.Machines[m.Name] = mc
	})
	if err != nil {
		e.UI.Debugf(m.Name, "remember the SSH port: %v", err)
	}
}
