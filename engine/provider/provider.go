// Package provider defines what a backend (Docker, libvirt, VirtualBox)
// must do for envrun: machine lifecycle and networks, and making a new
// machine the environment's — its user with the environment key, its
// hostname and static addresses, as every backend must for one Envfile to
// give the same machines (VM providers do it at first contact, through
// package guest). The rest of the guest is the provisioning steps' job,
// over SSH, the same way on every backend. Providers report the host key
// they learned; the engine alone pins it.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"path"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/state"
	"github.com/envrun/envrun/engine/ui"
	"github.com/envrun/envrun/internal/statedir"
	"github.com/envrun/envrun/internal/suggest"
)

// ErrUnsupported is returned (wrapped) for a power a provider does not have.
var ErrUnsupported = errors.New("not supported by this provider")

// Env is what a provider is told about the environment it serves.
type Env struct {
	// Project identifies the environment in the backend: every object the
	// provider makes carries it (as a label or in metadata) and its names
	// start with it. What exists is read back from the backend by it.
	Project string
	Envfile *spec.Envfile
	State   state.Dir
	// Key is the environment key: its public half must be authorized for
	// each machine's user before Up returns.
	Key *comm.Key
	UI  *ui.UI
}

// Driver describes a provider before it is opened.
type Driver struct {
	Name string
	// OwnClock is set for backends whose machines keep a clock of their
	// own (VMs): one restored from a snapshot or resumed from a saved state
	// wakes with the clock it had then, which the engine sets to the
	// host's. Containers share the host's clock.
	OwnClock bool
	// NotBuilt is non-nil when this envrun was built without the provider
	// (libvirt needs cgo and a build tag); it says how to build it in.
	NotBuilt error
	// CheckOptions decodes and checks one machine's override table for this
	// provider (`docker = {...}`), in the Envfile ef it is part of. It is
	// pure: every driver checks its own table whichever provider is
	// chosen, so a typo never waits.
	CheckOptions func(ef *spec.Envfile, m *spec.Machine, opts spec.Options) error
	// Validate checks, without touching the backend, what this provider
	// needs of an Envfile it is chosen for. May be nil.
	Validate func(ef *spec.Envfile) error
	// Available reports quickly whether the backend answers on this host.
	Available func(ctx context.Context) error
	// AvailableFor is Available for backends an Envfile may point
	// elsewhere (docker.host); used instead of Available when set. An
	// Envfile error (spec.IsInvalid: a docker context the store lacks)
	// ends the choice of a provider with that error.
	AvailableFor func(ctx context.Context, ef *spec.Envfile) error
	// RouteKey names, without asking the backend, the engine the Envfile's
	// machines run on and how they are to be reached: a cached Route is
	// used while the key stays the same. nil for providers without Router.
	RouteKey func(ef *spec.Envfile) (string, error)
	// Open connects to the backend.
	Open func(ctx context.Context, env Env) (Provider, error)
	// OpenBoxes opens the provider's box store; nil when the provider has
	// no boxes (Docker: a box is an image).
	OpenBoxes func(ctx context.Context, u *ui.UI) (BoxStore, error)
	// AllMachines lists the machines of every envrun environment the
	// provider's default backend holds (`envrun status --all`), read from
	// the labels or metadata envrun puts on them; nil when the provider
	// cannot list them. A backend that is not installed has none (no
	// error); one that is installed but does not answer is an error.
	AllMachines func(ctx context.Context) ([]EnvMachine, error)
	// Subnets lists the subnets of every network the provider's default
	// backend has, envrun's or not (`envrun init` chooses a subnet
	// outside them); nil when the provider cannot list them. A backend
	// that is not installed has none.
	Subnets func(ctx context.Context) ([]netip.Prefix, error)
}

// EnvMachine is one machine of any envrun environment on this host.
type EnvMachine struct {
	Envfile  string `json:"envfile"` // the Envfile it was made from, as recorded then
	Project  string `json:"project"`
	Name     string `json:"name"`
	Provider string `json:"provider"`
	State    State  `json:"state"`
	IP       string `json:"ip,omitempty"`
	ID       string `json:"id,omitempty"`
	Details  string `json:"details,omitempty"` // the backend's words
	Engine   string `json:"engine,omitempty"`  // the backend it was found on
}

// State is a machine's state as the backend reports it.
type State string

const (
	NotCreated State = "not created"
	Running    State = "running"
	Stopped    State = "stopped"
	Other      State = "other" // paused, crashed, being created, ...
)

// Instance is a running machine as Up leaves it.
type Instance struct {
	ID      string // the backend's identity: container ID, domain UUID
	Created bool   // Up created it just now
	Started bool   // Up started it (it was stopped or just created)
	// Woke is set when the machine started from a saved state (a
	// snapshot's memory, a suspend's managed save) and so has the clock it
	// had then; with Driver.OwnClock the engine sets it to the host's.
	Woke bool
	Addr string // SSH address, host:port
	User string
	// HostKey is the machine's SSH host key as the provider learned it
	// (Docker: the key envrun installed through the API; libvirt and
	// VirtualBox: the key first contact read back). The engine is the only
	// writer of .envrun/known_hosts: it pins this key for a new instance
	// and, for the instance it pinned, refuses a different one. nil when
	// the provider does not know it.
	HostKey ssh.PublicKey
	// ReadHostKey, when set, reads the key the machine holds now; the
	// engine calls it instead of trusting HostKey when nothing is pinned
	// for this instance (the user forgot the pin after changing the key).
	ReadHostKey func(ctx context.Context) (ssh.PublicKey, error)
	// SSHTimeout bounds the wait for SSH after a start; 0 means 2 minutes.
	SSHTimeout time.Duration
	// SnapshotMeta is set when the instance was made from a snapshot
	// (restored, reloaded keeping its disk, or finishing an interrupted
	// restore): the engine's provisioning state saved with it, which then
	// applies to this instance.
	SnapshotMeta string
	// Conn is a connection the provider made to the machine already (a
	// VM's first contact), logged in as User and shown HostKey: the
	// engine adopts it rather than dial again. nil when there is none.
	Conn *comm.Client
	// Settle, when set, is what the guest still needs of settings changed
	// since first contact (libvirt: the synced folders and ssh.port of a
	// reload); the engine calls it once connected, before the machine's
	// steps, with run for commands on the machine. It records what it
	// applied: one that fails is tried again by the next up. When it
	// moves the machine's sshd it sets Addr to the new address, where the
	// engine then pins the host key and connects.
	Settle func(ctx context.Context, run func(context.Context, comm.Cmd) error) error
}

// MachineState is one machine of the environment found in the backend.
type MachineState struct {
	Name    string
	ID      string
	State   State
	IP      string // the static IP when it has one
	Addr    string // SSH address, host:port
	User    string
	Details string // backend state in its own words ("exited (137)")
	// Ports are the host ports forwarded to the machine as the backend
	// bound them (auto_correct may have picked others than the Envfile's);
	// nil when the backend does not say, or the machine does not run.
	Ports []spec.Port
	// Engine names the engine it was found on, when the environment
	// spans several (Docker's engine "NAME"); "" otherwise.
	Engine string
}

// NetworkState is one network of the environment found in the backend.
type NetworkState struct {
	Name   string // as in the Envfile
	ID     string
	Subnet string
}

// Provider runs machines on one backend. Every method must be safe for
// concurrent use: the engine calls them from parallel graph nodes.
type Provider interface {
	Name() string

	// EnsureNetwork creates network n, or adopts the environment's existing
	// one when its settings match. It MUST be idempotent. A network in the
	// way (same name or overlapping subnet, other settings) is an error that
	// names it.
	EnsureNetwork(ctx context.Context, n *spec.Network) error

	// Up makes machine m exist and run, with the environment key authorized
	// for m.User, and returns how to reach it. It MUST be idempotent: a
	// running machine is left alone, a stopped one started. It returns once
	// the machine runs; waiting for SSH is the caller's job. If Up fails or
	// ctx ends, nothing half-made may remain that a later Up cannot adopt.
	Up(ctx context.Context, m *spec.Machine) (*Instance, error)

	// Halt stops the machine, gracefully first. Halting a stopped or
	// missing machine is not an error.
	Halt(ctx context.Context, name string) error

	// Destroy removes the machine and everything made for it alone.
	// Destroying a missing machine is not an error.
	Destroy(ctx context.Context, name string) error

	// DestroyNetwork removes the environment's network called name.
	// Removing a missing network is not an error.
	DestroyNetwork(ctx context.Context, name string) error

	// Machines lists every machine of this environment the backend has,
	// including ones the Envfile no longer names.
	Machines(ctx context.Context) ([]MachineState, error)

	// Networks lists every network of this environment the backend has.
	Networks(ctx context.Context) ([]NetworkState, error)

	Close() error
}

// Lookup returns the driver called name among drivers, or an error that
// names the known ones.
func Lookup(drivers []*Driver, name string) (*Driver, error) {
	var names []string
	for _, d := range drivers {
		if d.Name == name {
			return d, nil
		}
		names = append(names, d.Name)
	}
	return nil, fmt.Errorf("unknown provider %q%s (known: %v)", name, suggest.DidYouMean(name, names), names)
}

// Preflighter is an optional power: Preflight checks, before anything is
// created, that the machines about to be made can be (their boxes and
// images exist or can be made). A spec error (exit 2) is for what the
// Envfile names that does not exist; any other error (exit 1) for what
// cannot be made here. Machines that exist already are not checked.
type Preflighter interface {
	Preflight(ctx context.Context, machines []*spec.Machine) error
}

// BoxChecker is an optional power: CheckBoxes is Preflight without
// making or fetching anything, for `envrun validate`: a box name the
// provider knows no way to make is a spec error (exit 2).
type BoxChecker interface {
	CheckBoxes(ctx context.Context, machines []*spec.Machine) error
}

// Console is an optional power of providers whose machines have a
// console log (libvirt's serial console): when a machine's SSH never comes
// up, the engine shows the log's last lines.
type Console interface {
	// ConsoleTail returns the log's path and its last lines.
	ConsoleTail(name string, lines int) (path, tail string, err error)
}

// WithConsole adds the last lines of machine name's console log to err,
// when c keeps one.
func WithConsole(c Console, name string, err error) error {
	path, tail, cerr := c.ConsoleTail(name, 15)
	if cerr != nil || strings.TrimSpace(tail) == "" {
		return err
	}
	return fmt.Errorf("%w\nthe last lines of its console (%s):\n    %s", err, path, strings.ReplaceAll(tail, "\n", "\n    "))
}

// BoxInfo is one box a provider keeps.
type BoxInfo struct {
	Name     string
	Provider string
	Size     int64  // bytes
	Path     string // where it is stored, when that is a file
	// Where it was downloaded from, when it was (`envrun box add NAME
	// URL`, box_url): empty for a box added from a file.
	BoxOrigin
}

// BoxOrigin is where a downloaded box came from: its file's URL and, when
// a catalog document named it, the catalog's URL, the version picked and
// the box_version constraint it was picked by (`envrun box outdated`
// compares it with the catalog's newest version matching Constraint).
type BoxOrigin struct {
	URL        string `json:"URL,omitempty"`
	Catalog    string `json:"Catalog,omitempty"`
	Version    string `json:"Version,omitempty"`
	Constraint string `json:"Constraint,omitempty"`
}

// OriginAdder is an optional power of a BoxStore: AddBoxFrom is AddBox
// that also records where the box came from, for Boxes to return.
type OriginAdder interface {
	AddBoxFrom(ctx context.Context, name, file string, force bool, from BoxOrigin) error
}

// BoxStore is an optional power of providers whose machines boot from box
// images (libvirt, VirtualBox); Docker has no boxes. Boxes belong to the
// host, not to one environment.
type BoxStore interface {
	// AddBox imports file (a Vagrant-format box, or a provider's own image
	// format) as box name. Adding a name that exists is an error unless
	// force is set.
	AddBox(ctx context.Context, name, file string, force bool) error
	Boxes(ctx context.Context) ([]BoxInfo, error)
	RemoveBox(ctx context.Context, name string) error
	Close() error
}

// StateInside reports where the environment's state folder (.envrun/, with
// its private key) appears in the guest when sf shares a folder holding it
// (the project folder, say): every provider hides it there.
func StateInside(ef *spec.Envfile, sf spec.SyncedFolder) (string, bool) {
	rel, err := filepath.Rel(sf.Host, filepath.Join(ef.Dir, statedir.Name))
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return path.Join(sf.Guest, filepath.ToSlash(rel)), true
}

// SwarmOptions are how a swarm that SwarmInit makes is set up on its
// first engine, as `docker swarm init` takes them.
type SwarmOptions struct {
	AdvertiseAddr   string   // an address of the first engine's host that the others reach; "" lets Docker choose
	ListenAddr      string   // where the manager listens; "" is 0.0.0.0:2377
	DefaultAddrPool []string // the swarm's own address pools (its ingress network); nil is Docker's 10.0.0.0/8
	SubnetSize      uint32   // the pools' prefix length; 0 is 24
}

// Swarm is an optional power of providers whose networks can span
// several engines (Docker's Swarm overlay networks). SwarmInit makes the
// engines of the Envfile's spanning networks one swarm (init on the
// first, join of the others) and creates those networks. It MUST be
// idempotent: engines already in the swarm, and networks already made,
// are left alone. An engine in another swarm is an error that says what
// to run; no engine ever leaves a swarm.
type Swarm interface {
	SwarmInit(ctx context.Context, o SwarmOptions) error
}
