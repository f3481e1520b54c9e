package libvirt

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/envrun/envrun/engine/spec"
)

// Options is a machine's `libvirt = { ... }` table.
type Options struct {
	// URI is the libvirt connection (qemu:///system, qemu:///session,
	// qemu+ssh://host/system); default DefaultURI().
	URI string `opt:"uri"`
	// Driver is the domain type: "kvm", or "qemu" for software emulation.
	// Default: kvm when the host offers it, else qemu.
	Driver string `opt:"driver"`
	// Graphics is "none" (serial console only), "spice" or "vnc",
	// listening on 127.0.0.1 at a free port.
	Graphics string `opt:"graphics"`
	// Video is the display adapter model; default qxl with spice, vga with
	// vnc, none without graphics.
	Video string `opt:"video"`
	// Kernel, Initrd and Cmdline boot the machine directly (images with no
	// bootloader); they override what the box brings. Paths are on the
	// libvirt host, relative ones against the Envfile's folder.
	Kernel  string `opt:"kernel"`
	Initrd  string `opt:"initrd"`
	Cmdline string `opt:"cmdline"`
	// CPUMode is the domain's <cpu mode>: default host-passthrough on kvm,
	// QEMU's default model on qemu.
	CPUMode string `opt:"cpu_mode"`
	// MachineType is QEMU's machine type ("pc", "q35"); default libvirt's.
	MachineType string `opt:"machine_type"`
	// DiskSize is the machine disk's size in GiB; 0 keeps the box's size.
	// A larger disk's file system is not grown by envrun.
	DiskSize int `opt:"disk_size"`
	// DisksRaw is the disks list as given; disks is it decoded.
	DisksRaw []any `opt:"disks"`
	disks    []spec.Disk

	// DomainXML is a fragment of domain XML laid over envrun's (devices
	// added, other elements replaced); QemuArgs are QEMU arguments given
	// through libvirt's <qemu:commandline>.
	DomainXML string   `opt:"domain_xml"`
	QemuArgs  []string `opt:"qemu_args"`
	// BoxUser is the user the box authorizes Vagrant's insecure key for,
	// logged in as once.
	BoxUser string `opt:"box_user"`
	// BootTimeout bounds, in seconds, the wait for SSH after a start
	// (long by default: software emulation is slow).
	BootTimeout int `opt:"boot_timeout"`
	// HaltTimeout is how long, in seconds, `halt` waits for the guest to
	// power off after the ACPI power button before it pulls the plug.
	HaltTimeout int `opt:"halt_timeout"`
}

// newOptions is a libvirt table with nothing given: the schema's defaults
// (spec.EnvfileSchema's libvirt table), which decodeOptions reads the
// machine's table over.
func newOptions() *Options {
	o := &Options{}
	spec.OptionDefaults("libvirt", o)
	return o
}

// decodeOptions reads m's libvirt table; relative paths are resolved
// against dir (not at all when dir is "").
func decodeOptions(m *spec.Machine, dir string) (*Options, error) {
	o := newOptions()
	raw, ok := m.Providers["libvirt"]
	if !ok {
		return o, nil
	}
	what := fmt.Sprintf("machine %q: libvirt", m.Name)
	if err := raw.Decode(what, o); err != nil {
		return nil, err
	}
	// Types, enum values and ranges were checked against the schema
	// (spec.EnvfileSchema) when the Envfile loaded and validated.
	var errs spec.Errors
	var err error
	if o.URI != "" {
		if err := CheckURI(o.URI); err != nil {
			errs = append(errs, spec.Errorf(raw.Pos, "%s.uri: %v", what, err))
		}
	}
	if o.DomainXML != "" {
		if _, err := parseDomainXML(o.DomainXML); err != nil {
			errs = append(errs, spec.Errorf(raw.Pos, "%s.domain_xml: %v", what, err))
		}
	}
	if o.disks, err = spec.DecodeDisks(o.DisksRaw); err != nil {
		errs = append(errs, spec.Errorf(raw.Pos, "%s.disks: %v", what, err))
	}
	if why := checkQemuArgs(o.QemuArgs); why != "" {
		errs = append(errs, spec.Errorf(raw.Pos, "%s.qemu_args: %s", what, why))
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if dir != "" {
		for _, p := range []*string{&o.Kernel, &o.Initrd} {
			if *p != "" && !filepath.IsAbs(*p) {
				*p = filepath.Join(dir, *p)
			}
		}
	}
	return o, nil
}

// uri is the machine's connection.
func (o *Options) uri() string {
	if o.URI != "" {
		return o.URI
	}
	return DefaultURI()
}

func (o *Options) bootTimeout() time.Duration { return time.Duration(o.BootTimeout) * time.Second }

func (o *Options) haltTimeout() time.Duration { return time.Duration(o.HaltTimeout) * time.Second }

func (o *Options) boxUser() string { return o.BoxUser }

// video is the display adapter, "" for none.
func (o *Options) video() string {
	switch {
	case o.Video == "none":
		return ""
	case o.Video != "":
		return o.Video
	case o.Graphics == "spice":
		return "qxl"
	case o.Graphics == "vnc":
		return "vga"
	}
	return ""
}

// graphics is the graphics type, "" for none.
func (o *Options) graphics() string {
	if o.Graphics == "none" {
		return ""
	}
	return o.Graphics
}
