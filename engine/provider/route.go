package provider

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/internal/sshmux"
)

// Reach is how this host reaches a machine's SSH.
type Reach string

const (
	// ReachDirect dials the machine's IP: the engine's networks are
	// routable from here (a Linux host's own engine, local libvirt).
	ReachDirect Reach = "direct"
	// ReachJump dials through the engine's SSH host, as OpenSSH's
	// `ssh -W`: remote engines (ssh:// Docker, qemu+ssh:// libvirt).
	ReachJump Reach = "jump"
	// ReachEngine carries the SSH stream through the engine's API: local
	// engines whose networks live in a VM (Docker Desktop, Colima).
	ReachEngine Reach = "engine"
)

// JumpHost is the SSH host machines are reached through, as OpenSSH
// names it: user and port may be empty (OpenSSH's configuration decides).
type JumpHost struct {
	User string `json:"user,omitempty"`
	Host string `json:"host"`
	Port string `json:"port,omitempty"`
}

// jumpOptions are the ssh options of every hop through a jump host: the
// user's configuration, agent and known hosts apply to it as they do for
// the docker CLI's ssh:// engines, and an unknown or changed host key
// fails instead of asking.
var jumpOptions = []string{"-o", "ConnectTimeout=30", "-o", "BatchMode=yes"}

// SSHArgs are the arguments of OpenSSH's ssh that open a stream to target
// (host:port) through j, on the connection the process shares with j
// (sshmux) when there is one.
func (j *JumpHost) SSHArgs(target string) []string {
	args := append(append([]string{}, jumpOptions...), j.Mux().ClientOptions()...)
	args = append(args, "-T", "-W", target)
	return append(args, j.Mux().Args()...)
}

// Mux is j as the destination of a shared SSH connection: the Docker
// engine's streams of an ssh:// engine at the same place share it too.
func (j *JumpHost) Mux() sshmux.Dest { return sshmux.Dest{User: j.User, Host: j.Host, Port: j.Port} }

// ProxyCommand is j as an OpenSSH ProxyCommand. A ProxyCommand (not
// ProxyJump) starts a fresh ssh, which reads the user's own configuration
// for the jump host even when the machine's comes from `ssh -F`. It uses
// the connection to j envrun shares while one is up (an envrun command
// a moment ago, or the one running Ansible), and makes its own otherwise.
//
// The shared connection's socket is given with -S, never as a
// ControlPath option: Ansible takes any argument containing "ControlPath"
// for the user's own and then gives its master connection none, so that
// each of its tasks would log in anew through the jump host.
func (j *JumpHost) ProxyCommand() string {
	parts := []string{"ssh", "-o", "BatchMode=yes"}
	if p := j.Mux().Path(); p != "" {
		parts = append(parts, "-o", "ControlMaster=no", "-S", p)
	}
	parts = append(parts, "-W", "%h:%p")
	for _, a := range j.Mux().Args() {
		if a != "--" {
			parts = append(parts, a)
		}
	}
	return strings.Join(parts, " ")
}

// Command is the ssh command line that logs in to j, as a user would
// type it to check that it works: ssh [-p PORT] [USER@]HOST.
func (j *JumpHost) Command() string {
	s := "ssh "
	if j.Port != "" {
		s += "-p " + j.Port + " "
	}
	if j.User != "" {
		s += j.User + "@"
	}
	return s + j.Host
}

// String is j as ssh's destination: [user@]host[:port].
func (j *JumpHost) String() string {
	s := j.Host
	if j.User != "" {
		s = j.User + "@" + s
	}
	if j.Port != "" {
		s += ":" + j.Port
	}
	return s
}

// Route is how this host reaches the machines of one engine.
type Route struct {
	// Engine names the engine the machines run on, as the user chose it:
	// "unix:///var/run/docker.sock", "ssh://root@bighost (context big)".
	Engine string `json:"engine"`
	Reach  Reach  `json:"reach"`
	// Jump is the SSH host of a "jump" route.
	Jump *JumpHost `json:"jump,omitempty"`
	// Machines are the routes of machines on other engines than this
	// one (Docker's engine "NAME"), by machine name.
	Machines map[string]Route `json:"machines,omitempty"`
}

// For is the route of machine name.
func (r Route) For(name string) Route {
	if mr, ok := r.Machines[name]; ok {
		return mr
	}
	r.Machines = nil
	return r
}

// Router is an optional power of providers whose machines may live
// where this host cannot route (a remote engine, an engine in a VM).
// Providers without it are reached directly.
type Router interface {
	// Route says how machines are reached: the Envfile's choice, or what
	// the provider finds out. It may ask the backend; the engine caches
	// the answer per engine (RouteKey).
	Route(ctx context.Context) (Route, error)
	// DialMachine opens a stream to machine name's sshd through the
	// engine's API (reach "engine").
	DialMachine(ctx context.Context, name string) (net.Conn, error)
}

// Dial opens a stream to target (host:port) through j with OpenSSH, on
// the one connection to j this process (and the next few) share.
func (j *JumpHost) Dial(ctx context.Context, target string) (net.Conn, error) {
	if err := j.Ensure(ctx); err != nil {
		return nil, err
	}
	return comm.CommandConn(ctx, sshmux.SSHProgram, j.SSHArgs(target)...)
}

// Ensure makes sure the connection to j that this process shares is up.
func (j *JumpHost) Ensure(ctx context.Context) error {
	if err := sshmux.Ensure(ctx, j.Mux(), jumpOptions...); err != nil {
		var me *sshmux.Error
		if errors.As(err, &me) {
			// The master's failure is the hop's: a refused key stops the
			// callers' retries as it would have.
			return &comm.CommandError{Command: me.Command, Stderr: me.Stderr, Err: me.Err}
		}
		return err
	}
	return nil
}
