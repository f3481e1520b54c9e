package virtualbox

import (
	"fmt"
	"regexp"

	"github.com/envrun/envrun/engine/spec"
)

// Options is a machine's `virtualbox = { ... }` table.
type Options struct {
	// Name is the VM's name in VirtualBox (the contract's
	// `virtualbox = { name = h.name }`); the default is PROJECT-MACHINE.
	Name string `opt:"name"`
	// GUI starts the VM with a window instead of headless.
	GUI bool `opt:"gui"`
	// LinkedClone: machines are linked clones of the imported box (fast
	// and small); false makes full clones.
	LinkedClone bool `opt:"linked_clone"`
	// NICType is the adapter model of every NIC ("virtio", "82540EM", ...);
	// empty keeps the box's.
	NICType string `opt:"nic_type"`
	// InsecureKey is a private key the box accepts at first contact, when
	// it is not Vagrant's (found in ~/.vagrant.d). Resolved against the
	// Envfile's folder.
	InsecureKey string `opt:"insecure_key"`
	// BoxUser is the box's own user, whom first contact logs in as with
	// the box's credentials; the machine's `user` gets the environment
	// key and must exist in the box.
	BoxUser string `opt:"box_user"`
	// HaltTimeout is how long halt waits after the ACPI power button
	// before it powers the machine off, in seconds.
	HaltTimeout int `opt:"halt_timeout"`
	// Modifyvm are extra `VBoxManage modifyvm` arguments (Vagrant's
	// vb.customize), given after envrun's when the VM is made.
	Modifyvm []string `opt:"modifyvm"`
	// DisksRaw is the disks list as given; Disks is it decoded.
	DisksRaw []any `opt:"disks"`
	Disks    []spec.Disk
}

// vmNameRE: VirtualBox takes any name, but it becomes a folder name and a
// command argument; keep to what every host file system accepts.
var vmNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

// newOptions is a virtualbox table with nothing given: the schema's
// defaults (spec.EnvfileSchema's virtualbox table), which decodeOptions
// reads the machine's table over.
func newOptions() *Options {
	o := &Options{}
	spec.OptionDefaults("virtualbox", o)
	return o
}

// decodeOptions reads m's virtualbox table.
func decodeOptions(m *spec.Machine) (*Options, error) {
	o := newOptions()
	raw, ok := m.Providers["virtualbox"]
	if !ok {
		return o, nil
	}
	what := fmt.Sprintf("machine %q: virtualbox", m.Name)
	if err := raw.Decode(what, o); err != nil {
		return nil, err
	}
	if o.Name != "" && !vmNameRE.MatchString(o.Name) {
		return nil, spec.Errorf(raw.Pos, "%s.name: %q is not a usable VM name (letters, digits, '.', '_' and '-', at most 63)", what, o.Name)
	}
	if why := checkModifyvm(o.Modifyvm); why != "" {
		return nil, spec.Errorf(raw.Pos, "%s.modifyvm: %s", what, why)
	}
	var err error
	if o.Disks, err = spec.DecodeDisks(o.DisksRaw); err != nil {
		return nil, spec.Errorf(raw.Pos, "%s.disks: %v", what, err)
	}
	// nic_type and halt_timeout were checked against the schema
	// (spec.EnvfileSchema) when the Envfile loaded and validated.
	return o, nil
}
