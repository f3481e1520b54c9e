package libvirt

import (
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/spec"
)

func machineWith(values map[string]any) *spec.Machine {
	m := &spec.Machine{Name: "web", Providers: map[string]spec.Options{}}
	if values != nil {
		m.Providers["libvirt"] = spec.Options{Values: values, Pos: spec.Pos{File: "Envfile.lua", Line: 7}}
	}
	return m
}

func TestDecodeOptions(t *testing.T) {
	tests := []struct {
		name    string
		values  map[string]any
		wantErr string
		check   func(t *testing.T, o *Options)
	}{
		{name: "no table", check: func(t *testing.T, o *Options) {
			if o.bootTimeout() != defaultBootTimeout || o.haltTimeout() != defaultHaltTimeout || o.boxUser() != "vagrant" {
				t.Errorf("defaults: %v %v %q", o.bootTimeout(), o.haltTimeout(), o.boxUser())
			}
		}},
		{name: "the contract's example", values: map[string]any{"graphics": "spice", "video": "qxl"}, check: func(t *testing.T, o *Options) {
			if o.graphics() != "spice" || o.video() != "qxl" {
				t.Errorf("graphics %q video %q", o.graphics(), o.video())
			}
		}},
		{name: "disks", values: map[string]any{"disks": []any{map[string]any{"size": 10.0}, map[string]any{"size": 2.0}}}, check: func(t *testing.T, o *Options) {
			if len(o.disks) != 2 || o.disks[0].Size != 10 || o.disks[1].Size != 2 {
				t.Errorf("disks %+v, want 10 and 2 GiB", o.disks)
			}
		}},
		{name: "a disk without a size", values: map[string]any{"disks": []any{map[string]any{}}}, wantErr: `Envfile.lua:7: machine "web": libvirt.disks: item 1: size: expected a whole number of GiB`},
		{name: "a disk with an unknown key", values: map[string]any{"disks": []any{map[string]any{"size": 1.0, "bus": "scsi"}}}, wantErr: `libvirt.disks: item 1: unknown key "bus"`},
		{name: "video follows graphics", values: map[string]any{"graphics": "vnc"}, check: func(t *testing.T, o *Options) {
			if o.video() != "vga" {
				t.Errorf("video %q, want vga", o.video())
			}
		}},
		{name: "none means none", values: map[string]any{"graphics": "none", "video": "none"}, check: func(t *testing.T, o *Options) {
			if o.graphics() != "" || o.video() != "" {
				t.Errorf("graphics %q video %q", o.graphics(), o.video())
			}
		}},
		{name: "every key", values: map[string]any{
			"uri": "qemu+ssh://host/system", "driver": "qemu", "kernel": "vmlinuz", "initrd": "/boot/initrd",
			"cmdline": "console=ttyS0", "cpu_mode": "host-model", "machine_type": "q35", "disk_size": 20.0,
			"box_user": "debian", "boot_timeout": 600.0, "halt_timeout": 5.0,
		}, check: func(t *testing.T, o *Options) {
			if o.uri() != "qemu+ssh://host/system" || o.Kernel != "/src/vmlinuz" || o.Initrd != "/boot/initrd" ||
				o.bootTimeout() != 10*time.Minute || o.haltTimeout() != 5*time.Second || o.boxUser() != "debian" || o.DiskSize != 20 {
				t.Errorf("decoded %+v", o)
			}
		}},
		{name: "typo suggests the key", values: map[string]any{"grahpics": "spice"}, wantErr: `Envfile.lua:7: machine "web": libvirt: unknown key "grahpics" (did you mean "graphics"?)`},
		{name: "bad uri", values: map[string]any{"uri": "system"}, wantErr: `libvirt.uri: "system" is not a libvirt URI`},
		{name: "wrong type", values: map[string]any{"disk_size": "big"}, wantErr: `libvirt.disk_size: expected integer, got string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := decodeOptions(machineWith(tt.values), "/src")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				if !spec.IsInvalid(err) {
					t.Errorf("%v is not a bad-Envfile error (exit 2)", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, o)
		})
	}
}

func TestDefaultURI(t *testing.T) {
	t.Setenv("LIBVIRT_DEFAULT_URI", "")
	if got := DefaultURI(); got != "qemu:///system" {
		t.Errorf("DefaultURI() = %q, want qemu:///system", got)
	}
	t.Setenv("LIBVIRT_DEFAULT_URI", "qemu:///session")
	if got := (&Options{}).uri(); got != "qemu:///session" {
		t.Errorf("uri() = %q, want LIBVIRT_DEFAULT_URI's", got)
	}
	if got := (&Options{URI: "test:///default"}).uri(); got != "test:///default" {
		t.Errorf("uri() = %q, want the machine's", got)
	}
	for uri, local := range map[string]bool{"qemu:///system": true, "qemu:///session": true, "test:///default": true,
		"qemu+ssh://host/system": false, "qemu+unix:///system": false, "qemu://host/system": false} {
		if isLocal(uri) != local {
			t.Errorf("isLocal(%q) = %v", uri, !local)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Setenv("LIBVIRT_DEFAULT_URI", "")
	net := func(n string) []spec.Attachment { return []spec.Attachment{{Network: n}} }
	tests := []struct {
		name     string
		machines []*spec.Machine
		wantErr  string
	}{
		{name: "ok", machines: []*spec.Machine{{Name: "a", Box: "b", Networks: net("n")}}},
		{name: "no box", machines: []*spec.Machine{{Name: "a", Networks: net("n")}}, wantErr: `machine "a" has no box`},
		{name: "no network", machines: []*spec.Machine{{Name: "a", Box: "b"}}, wantErr: `machine "a" has no network`},
		{name: "missing kernel", machines: []*spec.Machine{{Name: "a", Box: "b", Networks: net("n"),
			Providers: map[string]spec.Options{"libvirt": {Values: map[string]any{"kernel": "nope/vmlinuz"}, Pos: spec.Pos{File: "E.lua", Line: 3}}}}},
			wantErr: `E.lua:3: machine "a": libvirt.kernel: stat /src/nope/vmlinuz`},
		{name: "ports", machines: []*spec.Machine{{Name: "a", Box: "b", Networks: net("n"), Ports: []spec.Port{{Host: 8080, Guest: 80}}}},
			wantErr: `machine "a": ports are not supported on libvirt yet`},
		{name: "synced folders", machines: []*spec.Machine{{Name: "a", Box: "b", Networks: net("n"), SyncedFolders: []spec.SyncedFolder{{Host: "/src", Guest: "/src"}}}},
			wantErr: `machine "a": synced_folders are not supported on libvirt yet`},
		{name: "one network, two connections", machines: []*spec.Machine{
			{Name: "a", Box: "b", Networks: net("n")},
			{Name: "c", Box: "b", Networks: net("n"), Pos: spec.Pos{File: "E.lua", Line: 9},
				Providers: map[string]spec.Options{"libvirt": {Values: map[string]any{"uri": "qemu:///session"}}}},
		}, wantErr: `E.lua:9: machine "c" is on network "n" with machine "a", but on another libvirt connection (qemu:///session, not qemu:///system)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validate(&spec.Envfile{Dir: "/src", Machines: tt.machines})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
