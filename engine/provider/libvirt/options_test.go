package libvirt

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/provider/providertest"
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
			providertest.CheckDefaults(t, "libvirt", o)
			if o.bootTimeout() != 5*time.Minute || o.haltTimeout() != time.Minute || o.boxUser() != "vagrant" || o.graphics() != "" {
				t.Errorf("defaults: %v %v %q %q", o.bootTimeout(), o.haltTimeout(), o.boxUser(), o.graphics())
			}
		}},
		{name: "a table without the keys that have defaults", values: map[string]any{"driver": "qemu"}, check: func(t *testing.T, o *Options) {
			providertest.CheckDefaults(t, "libvirt", o)
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
		{name: "a disk without a size", values: map[string]any{"disks": []any{map[string]any{}}}, wantErr: `Envfile.lua:7: machine "web": libvirt.disks: item 1: size is missing (like size = 10)`},
		{name: "a disk too small", values: map[string]any{"disks": []any{map[string]any{"size": 0.0}}}, wantErr: `libvirt.disks: item 1: size must be 1 to 65536 GiB, got 0 GiB`},
		{name: "a disk of half a GiB", values: map[string]any{"disks": []any{map[string]any{"size": 0.5}}}, wantErr: `libvirt.disks: item 1: size: expected a whole number of GiB, got 0.5`},
		{name: "a disk with an unknown key", values: map[string]any{"disks": []any{map[string]any{"size": 1.0, "bus": "scsi"}}}, wantErr: `libvirt.disks: item 1: unknown key "bus"`},
		{name: "a misspelt disk key", values: map[string]any{"disks": []any{map[string]any{"sise": 1.0}}}, wantErr: `libvirt.disks: item 1: unknown key "sise" (did you mean "size"?)`},
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

// checkFolders, with and without virtiofsd on the host: what validate
// says of synced folders before anything is made.
func TestCheckFolders(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	pos := spec.Pos{File: "Envfile.lua", Line: 7}
	m := func(sf ...spec.SyncedFolder) *spec.Machine {
		return &spec.Machine{Name: "web", Pos: pos, SyncedFolders: sf}
	}
	tests := []struct {
		name      string
		m         *spec.Machine
		uri       string
		virtiofsd string
		wantErr   string
	}{
		{name: "none, on a remote libvirt", m: m(), uri: "qemu+ssh://host/system"},
		{name: "virtiofs and 9p", m: m(spec.SyncedFolder{Host: dir, Guest: "/vagrant"}, spec.SyncedFolder{Host: dir, Guest: "/data", Type: "9p"}),
			uri: "qemu:///system", virtiofsd: "/usr/lib/qemu/virtiofsd"},
		{name: "9p without virtiofsd", m: m(spec.SyncedFolder{Host: dir, Guest: "/data", Type: "9p"}), uri: "qemu:///system"},
		{name: "no type without virtiofsd: 9p", m: m(spec.SyncedFolder{Host: dir, Guest: "/data"}), uri: "qemu:///system"},
		{name: "a remote libvirt", m: m(spec.SyncedFolder{Host: dir, Guest: "/vagrant"}), uri: "qemu+ssh://host/system",
			wantErr: `Envfile.lua:7: machine "web": synced_folders need a libvirt on this host, and its libvirt is qemu+ssh://host/system`},
		{name: "a missing folder", m: m(spec.SyncedFolder{Host: filepath.Join(dir, "nope"), Guest: "/x"}), uri: "qemu:///system",
			wantErr: `Envfile.lua:7: machine "web": synced folder ` + filepath.Join(dir, "nope") + `: no such folder on this host`},
		{name: "a file", m: m(spec.SyncedFolder{Host: file, Guest: "/x"}), uri: "qemu:///system",
			wantErr: `synced folder ` + file + ` is not a folder`},
		{name: "virtiofs asked for, no virtiofsd", m: m(spec.SyncedFolder{Host: dir, Guest: "/vagrant", Type: "virtiofs"}), uri: "qemu:///system",
			wantErr: `Envfile.lua:7: machine "web": synced folder /vagrant: type "virtiofs" needs virtiofsd on this host, and there is none (Debian 12: apt install qemu-system-common`},
		{name: "owner", m: m(spec.SyncedFolder{Host: dir, Guest: "/var/www", Owner: "www-data"}), uri: "qemu:///system", virtiofsd: "/x",
			wantErr: `synced folder /var/www: owner and group are not supported on libvirt`},
		{name: "group", m: m(spec.SyncedFolder{Host: dir, Guest: "/var/www", Group: "adm"}), uri: "qemu:///system", virtiofsd: "/x",
			wantErr: `synced folder /var/www: owner and group are not supported on libvirt`},
	}
	defer func(f func() string) { findVirtiofsd = f }(findVirtiofsd)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			findVirtiofsd = func() string { return tt.virtiofsd }
			err := spec.Errors(checkFolders(tt.m, tt.uri)).Err()
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

// planFolders: tags in order, a folder's own type first, else virtiofs
// where the host has it, else 9p; .envrun/ masked where a folder holds it;
// an rsync folder is no filesystem of the domain.
func TestPlanFolders(t *testing.T) {
	ef := &spec.Envfile{Dir: "/src/proj"}
	m := &spec.Machine{SyncedFolders: []spec.SyncedFolder{
		{Host: "/src/proj", Guest: "/vagrant"},
		{Host: "/src/proj/data", Guest: "/data", Type: "9p"},
		{Host: "/src/proj", Guest: "/srv/copy", Type: "rsync"}, // envrun's copy: no filesystem
		{Host: "/src", Guest: "/up", Type: "virtiofs"},
	}}
	got := planFolders(ef, m, true)
	want := []folder{
		{Tag: "envrun1", Host: "/src/proj", Guest: "/vagrant", Type: "virtiofs", Mask: "/vagrant/.envrun"},
		{Tag: "envrun2", Host: "/src/proj/data", Guest: "/data", Type: "9p"},
		{Tag: "envrun3", Host: "/src", Guest: "/up", Type: "virtiofs", Mask: "/up/proj/.envrun"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("with virtiofsd:\n got %+v\nwant %+v", got, want)
	}
	no := planFolders(ef, m, false)
	if no[0].Type != "9p" || no[2].Type != "virtiofs" {
		t.Errorf("without virtiofsd: %+v", no)
	}
	mounts := guestMounts(no)
	if mounts[0].Type != "9p" || mounts[0].Options != "trans=virtio,version=9p2000.L,msize=262144" || mounts[2].Options != "" || mounts[0].Mask != "/vagrant/.envrun" {
		t.Errorf("guestMounts: %+v", mounts)
	}
}

// folderError: a synced folder the guest could not mount (what the
// guest's script wrote, TestFolderFailure in engine/provider/guest) is
// told with the machine's Envfile line, the folder and what to do; any
// other failure of the script is left as it is.
func TestFolderError(t *testing.T) {
	m := &spec.Machine{Name: "web", Pos: spec.Pos{File: "Envfile.lua", Line: 7}}
	fs := planFolders(nil, &spec.Machine{SyncedFolders: []spec.SyncedFolder{
		{Host: "/src/proj", Guest: "/vagrant", Type: "virtiofs"},
		{Host: "/src/proj/data", Guest: "/srv/data", Type: "9p"},
	}}, false)
	guestSaid := func(stderr string) error {
		return fmt.Errorf("set up the guest as vagrant: %w", &comm.ExitError{Cmd: "the guest set-up script", Status: 1, Stderr: stderr})
	}
	tests := []struct {
		name, stderr, want string
	}{
		{"no 9p transport", "envrun synced folder envrun2: the machine's kernel (6.1.0-28-amd64) has no 9pnet_virtio module\n",
			`Envfile.lua:7: machine "web": synced folder /srv/data (9p): the guest cannot mount it: the machine's kernel (6.1.0-28-amd64) has no 9pnet_virtio module; ` +
				`use type = "rsync" for it (a copy envrun makes over SSH, which needs nothing of the guest's kernel), or a box whose kernel has the 9p and 9pnet_virtio modules`},
		{"no virtiofs", "Warning: something else first\nenvrun synced folder envrun1: the machine's kernel (4.19.0-27-amd64) has no virtiofs module\n",
			`Envfile.lua:7: machine "web": synced folder /vagrant (virtiofs): the guest cannot mount it: the machine's kernel (4.19.0-27-amd64) has no virtiofs module; ` +
				`use type = "rsync" for it (a copy envrun makes over SSH, which needs nothing of the guest's kernel), or a box whose kernel has the virtiofs module`},
		{"the mount refused", "envrun synced folder envrun1: mount failed: mount: /vagrant: wrong fs type, bad option, bad superblock on envrun1. \n",
			`Envfile.lua:7: machine "web": synced folder /vagrant (virtiofs): the guest cannot mount it: mount failed: mount: /vagrant: wrong fs type, bad option, bad superblock on envrun1.; use type = "rsync"`},
		// Not a folder's failure, or not one of these folders: as it was.
		{"another failure", "envrun guest setup: user deploy does not exist on the machine\n", ""},
		{"a tag it does not have", "envrun synced folder envrun9: mount failed: x\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := guestSaid(tt.stderr)
			got := folderError(m, fs, err)
			if tt.want == "" {
				if got != err {
					t.Errorf("folderError changed %v into %v", err, got)
				}
				return
			}
			if !strings.HasPrefix(got.Error(), tt.want) {
				t.Errorf("folderError:\n got %s\nwant %s", got, tt.want)
			}
			var ee *comm.ExitError
			if !errors.As(got, &ee) {
				t.Errorf("the script's failure is not underneath: %#v", got)
			}
		})
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
		{name: "an rsync folder is envrun's copy", machines: []*spec.Machine{{Name: "a", Box: "b", Networks: net("n"),
			SyncedFolders: []spec.SyncedFolder{{Host: "/src", Guest: "/src", Type: spec.SyncedRsync}}}}},
		{name: "missing kernel", machines: []*spec.Machine{{Name: "a", Box: "b", Networks: net("n"),
			Providers: map[string]spec.Options{"libvirt": {Values: map[string]any{"kernel": "nope/vmlinuz"}, Pos: spec.Pos{File: "E.lua", Line: 3}}}}},
			wantErr: `E.lua:3: machine "a": libvirt.kernel: stat /src/nope/vmlinuz`},
		{name: "ports", machines: []*spec.Machine{{Name: "a", Box: "b", Networks: net("n"), Ports: []spec.Port{{Host: 8080, Guest: 80, Protocol: "tcp"}}}}},
		{name: "udp port", machines: []*spec.Machine{{Name: "a", Box: "b", Networks: net("n"), Pos: spec.Pos{File: "E.lua", Line: 4},
			Ports: []spec.Port{{Host: 8080, Guest: 80, Protocol: "tcp"}, {Host: 5353, Guest: 53, Protocol: "udp"}}}},
			wantErr: `E.lua:4: machine "a": port 5353:53/udp: libvirt forwards tcp ports only`},
		{name: "a missing synced folder", machines: []*spec.Machine{{Name: "a", Box: "b", Networks: net("n"), Pos: spec.Pos{File: "E.lua", Line: 4},
			SyncedFolders: []spec.SyncedFolder{{Host: "/nonexistent/envrun-src", Guest: "/src"}}}},
			wantErr: `E.lua:4: machine "a": synced folder /nonexistent/envrun-src: no such folder on this host`},
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

type warnings []string

func (w *warnings) Warnf(machine, format string, a ...any) {
	*w = append(*w, machine+": "+fmt.Sprintf(format, a...))
}

// A virtiofs folder root owns is one the machine's user cannot write:
// up says so. 9p, and a machine whose user is root, are left alone.
func TestWarnRootFolders(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs a folder root owns: run as root")
	}
	dir := t.TempDir()
	fs := []folder{{Tag: "envrun1", Host: dir, Guest: "/vagrant", Type: "virtiofs"}, {Tag: "envrun2", Host: dir, Guest: "/data", Type: "9p"}}
	var w warnings
	warnRootFolders(&w, &spec.Machine{Name: "web", User: "vagrant"}, fs)
	if len(w) != 1 || !strings.Contains(w[0], "web: synced folder "+dir+" is root's on the host: through virtiofs the guest sees the host's owners, so vagrant in the machine cannot write /vagrant") {
		t.Errorf("warnings: %q", w)
	}
	w = nil
	warnRootFolders(&w, &spec.Machine{Name: "web", User: "root"}, fs)
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	warnRootFolders(&w, &spec.Machine{Name: "web", User: "vagrant"}, fs)
	if len(w) != 0 {
		t.Errorf("warnings for root's machine or a folder others can write: %q", w)
	}
}

// A machine whose user got another uid when its VM was made than its
// folders would give it now (envrun run by another host user): up says
// the uid stays. Nothing is said when they agree, when the VM was given
// none, or when the machine has no folders.
func TestWarnOwner(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs a folder of another owner: run as root")
	}
	dir := t.TempDir()
	if err := os.Chown(dir, 1777, 1778); err != nil {
		t.Fatal(err)
	}
	m := &spec.Machine{Name: "web", User: "vagrant", SyncedFolders: []spec.SyncedFolder{{Host: dir, Guest: "/vagrant"}}}
	fs := planFolders(nil, m, true)
	for _, tt := range []struct {
		name, owner string
		fs          []folder
		want        string
	}{
		{"other owner", "1000:1000", fs, "web: vagrant in the machine has uid:gid 1000:1000, its synced folders' owner's when the VM was made, and they would now give it 1777:1778"},
		{"same owner", "1777:1778", fs, ""},
		{"none given", "", fs, ""},
		{"no folders", "1000:1000", nil, ""},
	} {
		var w warnings
		warnOwner(&w, m, &machineMeta{Owner: tt.owner}, tt.fs)
		if tt.want == "" && len(w) != 0 || tt.want != "" && (len(w) != 1 || !strings.Contains(w[0], tt.want)) {
			t.Errorf("%s: warnings %q, want %q", tt.name, w, tt.want)
		}
	}
}

// TestSigMounts: the folders a domain's metadata records (folderSig) read
// back as the guest's mounts a reload's Remount undoes, a guest path with
// spaces included.
func TestSigMounts(t *testing.T) {
	fs := []folder{{Tag: "envrun1", Type: "9p", Guest: "/srv/my data"}, {Tag: "envrun2", Type: "virtiofs", Guest: "/vagrant"}}
	got := sigMounts(folderSig(fs))
	if len(got) != 2 || got[0].Name != "envrun1" || got[0].Type != "9p" || got[0].Guest != "/srv/my data" ||
		got[1].Name != "envrun2" || got[1].Type != "virtiofs" || got[1].Guest != "/vagrant" {
		t.Errorf("sigMounts(folderSig(...)) = %+v", got)
	}
	if got := sigMounts(""); len(got) != 0 {
		t.Errorf("no folders read back as %+v", got)
	}
}
