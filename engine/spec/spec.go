// Package spec is the plain-data form of an Envfile: what luaapi produces and
// what the engine consumes. It knows nothing of Lua. Every definition carries
// the source position it was declared at, so that problems found later
// (validation, a failed step) still point at the user's file and line.
package spec

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// DefaultUser is the login user of a machine that names none, as in Vagrant.
const DefaultUser = "vagrant"

// DefaultStepTimeout bounds every step that sets no timeout of its own.
const DefaultStepTimeout = 10 * time.Minute

// Providers are the names of the provider tables a machine may carry
// (`docker = {...}`), in the order tried when none is chosen.
var Providers = []string{"docker", "libvirt", "virtualbox"}

// Pos is a place in a Lua source file.
type Pos struct {
	File string
	Line int
	// Caller is FILE:LINE of the call to the function File:Line is in,
	// when that is not the file's main chunk: a machine declared by a
	// helper function is at the helper's line, called from the caller's.
	Caller string
}

func (p Pos) String() string {
	switch {
	case p.File == "":
		return ""
	case p.Line <= 0:
		return p.File
	case p.Caller != "":
		return fmt.Sprintf("%s:%d (called from %s)", p.File, p.Line, p.Caller)
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Envfile is a loaded Envfile.lua.
type Envfile struct {
	Path        string // absolute path of the Envfile
	Dir         string // its folder; relative paths were resolved against it
	Box         string // default box of every machine
	Provider    string // default provider, "" when the Envfile names none
	ProviderPos Pos
	Networks    []*Network
	Machines    []*Machine
	Engines     []*Engine  // Docker engines machines are placed on (engine "NAME")
	Steps       []Step     // global steps (ansible), in definition order
	Triggers    []*Trigger // host commands run before or after up, provision, halt, destroy
	Sources     []string   // absolute paths of every file the load read: Lua files (the Envfile first, fetched modules too), templates, Envfile.lock

	// BoxCatalog are the entries of the Docker box catalog the Envfile
	// adds (box_catalog "NAME"), in declaration order.
	BoxCatalog []*BoxEntry
}

// Machine returns the machine called name, or nil.
func (e *Envfile) Machine(name string) *Machine {
	for _, m := range e.Machines {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Primary is the machine `envrun ssh` reaches when none is named: the one
// with primary = true, else the only machine; an error that lists the
// machines otherwise.
func (e *Envfile) Primary() (*Machine, error) {
	for _, m := range e.Machines {
		if m.Primary {
			return m, nil
		}
	}
	switch len(e.Machines) {
	case 0:
		return nil, fmt.Errorf("%s defines no machine", e.Path)
	case 1:
		return e.Machines[0], nil
	}
	return nil, fmt.Errorf("name a machine (%s), or mark one with primary = true in %s", strings.Join(e.MachineNames(), ", "), e.Path)
}

// Engine returns the engine called name, or nil.
func (e *Envfile) Engine(name string) *Engine {
	for _, en := range e.Engines {
		if en.Name == name {
			return en
		}
	}
	return nil
}

// DefaultEngine is the engine marked default, or nil: machines that name
// none run there (else on the engine the environment chooses:
// DOCKER_HOST, DOCKER_CONTEXT, the docker CLI's current context).
func (e *Envfile) DefaultEngine() *Engine {
	for _, en := range e.Engines {
		if en.Default {
			return en
		}
	}
	return nil
}

// EngineOf is the name of the engine machine m runs on: its own, else the
// default engine's, else "" (the environment's engine).
func (e *Envfile) EngineOf(m *Machine) string {
	if m.Engine != "" {
		return m.Engine
	}
	if d := e.DefaultEngine(); d != nil {
		return d.Name
	}
	return ""
}

// Network returns the network called name, or nil.
func (e *Envfile) Network(name string) *Network {
	for _, n := range e.Networks {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// Step returns the global step called name, or nil.
func (e *Envfile) Step(name string) Step {
	for _, s := range e.Steps {
		if s.Info().Name == name {
			return s
		}
	}
	return nil
}

// MachineNames lists the machines in definition order.
func (e *Envfile) MachineNames() []string {
	names := make([]string, len(e.Machines))
	for i, m := range e.Machines {
		names[i] = m.Name
	}
	return names
}

// Network is a private network with static addressing.
type Network struct {
	Name     string
	Subnet   netip.Prefix
	Gateway  netip.Addr
	Isolated bool // no route to the outside world
	// Span lets the network's machines sit on several engines: it is then
	// a Swarm overlay network (Docker).
	Span  bool
	Pos   Pos
	Given Keys // the keys the Envfile gave
}

// Machine is one machine of the environment.
type Machine struct {
	Name     string
	Hostname string // as given; defaults to Name
	Box      string // defaults to the Envfile's box
	// BoxURL, BoxVersion and BoxDownloadChecksum (box_url, box_version,
	// box_download_checksum): where a VM provider downloads a missing box
	// from, the catalog versions it may be, and the file's "TYPE:HEX".
	BoxURL              string
	BoxVersion          string
	BoxDownloadChecksum string
	User                string
	Networks            []Attachment // in the order the networks were declared
	CPUs                int          // 0: the provider's default
	Memory              int          // MiB, 0: the provider's default
	Groups              []string
	Vars                map[string]any // Ansible host variables
	DependsOn           []string
	Ports               []Port
	// NoAutostart (`autostart = false`): `envrun up` without names leaves
	// the machine alone; `envrun up NAME` (or a machine that depends on
	// it) brings it up. The zero value autostarts, as the key's default.
	NoAutostart bool
	// Primary: the machine `envrun ssh` reaches when none is named.
	Primary       bool
	SyncedFolders []SyncedFolder
	Steps         []Step
	Providers     map[string]Options // per-provider overrides, by provider name
	SSH           SSH
	Engine        string // the engine "NAME" it runs on; "" for the default
	Pos           Pos
	Given         Keys // the keys the Envfile gave
}

// IP is the machine's first static address, or the zero Addr.
func (m *Machine) IP() netip.Addr {
	if len(m.Networks) == 0 {
		return netip.Addr{}
	}
	return m.Networks[0].IP
}

// ShortHostname is the first label of the hostname.
func (m *Machine) ShortHostname() string {
	for i := 0; i < len(m.Hostname); i++ {
		if m.Hostname[i] == '.' {
			return m.Hostname[:i]
		}
	}
	return m.Hostname
}

// Domain is the hostname after its first label, or "".
func (m *Machine) Domain() string {
	short := m.ShortHostname()
	if len(short) < len(m.Hostname) {
		return m.Hostname[len(short)+1:]
	}
	return ""
}

// Engine is a Docker engine the environment's machines may be placed on.
type Engine struct {
	Name    string
	Docker  string // a DOCKER_HOST-style address: unix://, tcp://, ssh://
	Context string // a docker context, exclusive with Docker
	Reach   string // direct, jump or engine; "" chooses
	Default bool   // machines that name no engine run here
	Pos     Pos
	Given   Keys
}

// Attachment puts a machine on a network at a static address.
type Attachment struct {
	Network string
	IP      netip.Addr
}

// Port forwards a host port to a guest port.
type Port struct {
	HostIP   string // "" for every address
	Host     int
	Guest    int
	Protocol string // "tcp" or "udp"
	// AutoCorrect: when Host is taken (by another machine of the
	// Envfile or anything else on the engine's host), the provider picks
	// a free port instead; `envrun port` and `status` show the one taken.
	AutoCorrect bool
}

// Conflicts reports whether p and q claim the same host port: the same
// number and protocol, on the same address or on every address.
func (p Port) Conflicts(q Port) bool {
	return p.Host == q.Host && p.Protocol == q.Protocol && (p.HostIP == q.HostIP || p.HostIP == "" || q.HostIP == "" ||
		p.HostIP == "0.0.0.0" || q.HostIP == "0.0.0.0")
}

func (p Port) String() string {
	s := fmt.Sprintf("%d:%d", p.Host, p.Guest)
	if p.HostIP != "" {
		s = p.HostIP + ":" + s
	}
	if p.Protocol != "tcp" {
		s += "/" + p.Protocol
	}
	return s
}

// SyncedFolder shares a host folder with the guest.
type SyncedFolder struct {
	Host  string // absolute
	Guest string
	Owner string // the guest user that owns it, where the provider can say; "" for the provider's choice
	Group string // the guest group, likewise
	Type  string // how it is shared: "" for the provider's own way, or one of SyncedFolderTypes
	// Exclude are .gitignore patterns, relative to Host, of paths an
	// rsync folder does not copy (.envrun never is). Rsync folders only.
	Exclude []string
}

// The synced folder types an Envfile can ask for. virtiofs and 9p are
// libvirt's file systems shared with the guest; rsync is a copy made by
// envrun over SSH on every provider (see RsyncStep).
const (
	SyncedVirtiofs = "virtiofs"
	Synced9p       = "9p"
	SyncedRsync    = "rsync"
)

// SyncedFolderTypes are the values of a synced folder's type.
var SyncedFolderTypes = []string{SyncedVirtiofs, Synced9p, SyncedRsync}

// Mounted reports whether the provider shares the folder itself (a bind
// mount, a shared folder, a file system in the domain), as opposed to an
// rsync folder, which envrun copies.
func (sf SyncedFolder) Mounted() bool { return sf.Type != SyncedRsync }

// MountedFolders are the synced folders the provider shares itself: every
// one but the rsync folders, which no provider mounts (envrun copies them
// with a step, see RsyncStep). Providers make and check these only.
func (m *Machine) MountedFolders() []SyncedFolder {
	var out []SyncedFolder
	for _, sf := range m.SyncedFolders {
		if sf.Mounted() {
			out = append(out, sf)
		}
	}
	return out
}

// SSH is how envrun, OpenSSH and Ansible log in to a machine, beyond its
// user.
type SSH struct {
	// ForwardAgent forwards the host's SSH agent (SSH_AUTH_SOCK) into the
	// machine's sessions: envrun's shell steps, `envrun ssh`, ssh-config
	// and the inventory.
	ForwardAgent bool
	// Port is the port the machine's sshd listens on, and that envrun,
	// ssh-config and the inventory use; 0 (not filled by the defaults
	// step) is DefaultSSHPort. Docker and libvirt set
	// it in the guest (VirtualBox refuses it).
	Port int
	// Given are the keys the Envfile gave in the ssh table: a machine's
	// ssh table merges with the defaults' key by key.
	Given Keys
}

// DefaultSSHPort is the port of a machine that sets no ssh.port: the
// schema's default of the ssh table's port, which the defaults step
// fills in (FillDefaults).
var DefaultSSHPort = EnvfileSchema.Table("ssh").Key("port").Default.(int)

// PortOrDefault is the port the machine's sshd listens on: Port, or
// DefaultSSHPort for a machine the defaults step did not fill.
func (s SSH) PortOrDefault() int {
	if s.Port == 0 {
		return DefaultSSHPort
	}
	return s.Port
}

// Trigger events: the commands a trigger can run around.
var TriggerEvents = []string{"up", "provision", "reload", "halt", "destroy"}

// Trigger values of on_error.
const (
	OnErrorFail     = "fail"
	OnErrorContinue = "continue"
)

// Trigger is a command run on the host before or after a command of
// envrun (Vagrant's triggers).
type Trigger struct {
	Name    string
	When    string   // "before" or "after"
	Events  []string // of TriggerEvents
	Inline  string   // a command line, run with sh -c; or
	Argv    []string // a program and its arguments
	Env     map[string]string
	OnError string // OnErrorFail or OnErrorContinue
	Pos     Pos
	// Given are the keys the Envfile gave: the defaults step fills the
	// others (on_error) with the schema's defaults.
	Given Keys
}

// TriggersFor lists the triggers that run when (before or after) event.
func (e *Envfile) TriggersFor(when, event string) []*Trigger {
	var out []*Trigger
	for _, t := range e.Triggers {
		if t.When != when {
			continue
		}
		for _, ev := range t.Events {
			if ev == event {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// Step is one provisioning step: *Shell, *File, *Hook or *Ansible.
type Step interface {
	Info() *StepInfo
}

// StepInfo is what every step has.
type StepInfo struct {
	Kind    string // "shell", "file", "hook", "ansible"
	Name    string // unique among the steps of its list
	Pos     Pos
	Timeout time.Duration // 0: DefaultStepTimeout
	Watch   []string      // absolute paths given by `watch = {...}`
	Given   Keys          // the keys the Envfile gave
	// Run is when the step runs: RunOnce (the default), RunAlways or
	// RunNever (only when named: --step).
	Run string
}

// When a step runs (`run = "..."`).
const (
	// RunOnce runs a machine's step when the machine is new or never
	// finished its steps, a global step when one of its machines did or
	// its machines changed; `envrun provision` runs it again.
	RunOnce = "once"
	// RunAlways runs it on every up and provision.
	RunAlways = "always"
	// RunNever runs it only when --step names it.
	RunNever = "never"
)

func (s *StepInfo) Info() *StepInfo { return s }

// EffectiveTimeout is Timeout or the default.
func (s *StepInfo) EffectiveTimeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return DefaultStepTimeout
}

// Shell runs an inline command or a local script on the machine.
type Shell struct {
	StepInfo
	Inline     string
	Path       string // absolute path of a local script
	Args       []string
	Privileged bool
	Env        map[string]string
	Secret     []string // names in Env whose values are never printed
	// Interpreter runs the script ("bash -eu", "python3"); "" runs a
	// script with a #! line by that line, one without with bash when the
	// machine has it, else sh.
	Interpreter string
	// Hosts and After are a global shell step's (shell "NAME" { ... }):
	// the machines it runs on, one after the other, and the global steps
	// and machines it runs after. A machine's own shell steps have none.
	Hosts []string
	After []string
}

// GlobalStep is a global step: declared outside machines with a name, it
// runs over its hosts once each of them is provisioned, and after the
// global steps and machines its After names.
type GlobalStep interface {
	Step
	HostNames() []string
	AfterNames() []string
}

func (s *Shell) HostNames() []string    { return s.Hosts }
func (s *Shell) AfterNames() []string   { return s.After }
func (a *Ansible) HostNames() []string  { return a.Hosts }
func (a *Ansible) AfterNames() []string { return a.After }

// File uploads a file or a folder.
type File struct {
	StepInfo
	Source      string // absolute
	Destination string
	// Exclude are .gitignore patterns, relative to a folder Source, of
	// paths not uploaded. Folders called .envrun never are.
	Exclude []string
	// Sync is how a re-run sends a folder: SyncChanges ("" too) or
	// SyncFull.
	Sync string
	// Privileged writes as root (through sudo unless the user is root).
	Privileged bool
	// Folder is set on the upload of an rsync synced folder: a step the
	// defaults step makes (RsyncStep), not one the Envfile wrote.
	Folder *SyncedFolder
	// Chown, when set ("USER:GROUP", or "USER:" for the user's login
	// group), owns what the upload writes; it implies Privileged. Only
	// an rsync folder with owner or group sets it.
	Chown string
}

// How a file step's re-run sends a folder.
const (
	// SyncChanges sends what differs from the machine's copy (what
	// changed since the connection's last upload; on a new connection,
	// what a listing of the machine's copy shows differs) and removes
	// what was removed (the default).
	SyncChanges = "changes"
	// SyncFull sends the whole folder every time.
	SyncFull = "full"
)

// Hook is a step written as a Lua function. Fn is a Go closure built by the
// Lua front end; it may be called from any goroutine.
type Hook struct {
	StepInfo
	Fn HookFunc
	// Digest changes when the function's code or the values it captures
	// do, and only then: `envrun watch` re-runs a hook whose digest changed
	// when the Envfile is edited.
	Digest string
}

// HookFunc runs a hook for machine m; r reaches the running machine.
type HookFunc func(ctx context.Context, m *Machine, r Runner) error

// Runner is what a hook can do to its machine.
type Runner interface {
	// Run runs cmd and returns its stdout; a non-zero exit is an error that
	// carries the status and stderr.
	Run(ctx context.Context, cmd string) (string, error)
	// Upload copies the local file or folder src to dst on the machine.
	Upload(ctx context.Context, src, dst string) error
}

// PeerFinder is what a hook's Runner may also do: reach another machine
// of the environment (envrun.machine(NAME) in Lua). Peer fails unless the
// graph runs that machine's steps before the hook's (the hook's machine
// depends on it); it does not connect, the Runner does on first use.
type PeerFinder interface {
	Peer(name string) (*Machine, Runner, error)
}

// InterfaceLister is what a Runner may also tell: the machine's
// interface name on each of its networks ("lan": "eth1").
type InterfaceLister interface {
	Interfaces() map[string]string
}

// Ansible is one ansible-playbook run over the generated inventory.
type Ansible struct {
	StepInfo
	Playbook           string // absolute
	Hosts              []string
	ExtraVars          map[string]any
	Groups             map[string][]string // extra groups: group -> machines
	Children           map[string][]string // child groups: group -> groups
	GroupVars          map[string]map[string]any
	HostVars           map[string]map[string]any // over the machines' own Vars
	InventoryPath      string                    // the user's inventory, absolute
	RawArguments       []string                  // more ansible-playbook options
	After              []string                  // global steps and machines to run after
	Limit              string
	Tags               []string
	SkipTags           []string
	Become             bool
	Verbose            int
	VaultPasswordFile  string
	Config             string // an ansible.cfg, absolute
	GalaxyRequirements string // absolute
	Forks              int
}

// IsConnectionVar reports whether an Ansible variable is one of the
// connection settings envrun's inventory gives each machine, which an
// Envfile's group_vars and host_vars may not set.
func IsConnectionVar(name string) bool {
	switch name {
	case "ansible_host", "ansible_port", "ansible_user", "ansible_connection",
		"ansible_ssh_host", "ansible_ssh_port", "ansible_ssh_user",
		"ansible_ssh_private_key_file", "ansible_private_key_file",
		"ansible_ssh_common_args", "ansible_ssh_extra_args", "ansible_ssh_args",
		"ansible_ssh_host_key_checking", "ansible_host_key_checking",
		"ansible_password", "ansible_ssh_pass":
		return true
	}
	return false
}

// playbookArgsRefused are ansible-playbook's options that envrun's own
// keys or its inventory set, with what to use instead.
var playbookArgsRefused = map[string]string{
	"-i": "inventory_path", "--inventory": "inventory_path", "--inventory-file": "inventory_path",
	"-u": "the machine's user", "--user": "the machine's user",
	"--private-key": "envrun's key", "--key-file": "envrun's key",
	"-c": "envrun's SSH connection", "--connection": "envrun's SSH connection",
	"--ssh-common-args": "envrun's SSH connection", "--ssh-extra-args": "envrun's SSH connection",
	"-k": "envrun's key", "--ask-pass": "envrun's key", "--connection-password-file": "envrun's key",
	"-e": "extra_vars", "--extra-vars": "extra_vars",
	"-l": "limit", "--limit": "limit", "-t": "tags", "--tags": "tags", "--skip-tags": "skip_tags",
	"-b": "become", "--become": "become", "-f": "forks", "--forks": "forks",
	"--vault-password-file": "vault_password_file", "--vault-pass-file": "vault_password_file",
}

// CheckPlaybookArg checks one of an ansible step's raw_arguments: an
// option (it starts with -), not one envrun sets itself.
func CheckPlaybookArg(arg string) error {
	if !strings.HasPrefix(arg, "-") || arg == "-" || arg == "--" {
		return fmt.Errorf("%q is not an option (like \"--diff\"); the playbook is `playbook`", arg)
	}
	name := arg
	if i := strings.IndexByte(arg, '='); i >= 0 {
		name = arg[:i]
	}
	if strings.HasPrefix(name, "-v") && strings.Trim(name[1:], "v") == "" {
		return fmt.Errorf("%q: use verbose = %d", arg, len(name)-1)
	}
	if instead, ok := playbookArgsRefused[name]; ok {
		return fmt.Errorf("%q is set by envrun: use %s", arg, instead)
	}
	if len(name) > 2 && name[1] != '-' {
		for _, c := range name[1:] { // bundled short options: -bK
			if instead, ok := playbookArgsRefused["-"+string(c)]; ok {
				return fmt.Errorf("%q holds -%c, which envrun sets: use %s", arg, c, instead)
			}
		}
	}
	return nil
}
