package virtualbox

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provider/providertest"
	"github.com/envrun/envrun/engine/spec"
)

func TestNetworksConf(t *testing.T) {
	tests := []struct {
		name    string
		content string
		present bool
		allows  []string
		denies  []string
		wantErr string
	}{
		{name: "absent: the default range", present: false,
			allows: []string{"192.168.56.0/24", "192.168.63.0/24", "192.168.56.0/21"},
			denies: []string{"172.20.1.0/24", "192.168.64.0/24", "192.168.0.0/16", "10.0.0.0/8"}},
		{name: "manual example", present: true, content: "# allowed\n* 10.0.0.0/8 192.168.0.0/16\n* 2001::/64\n",
			allows: []string{"10.1.2.0/24", "192.168.200.0/24"}, denies: []string{"172.20.1.0/24", "192.168.56.0/21x"}},
		{name: "everything", present: true, content: "* 0.0.0.0/0 ::/0\n", allows: []string{"172.20.1.0/24", "8.8.8.0/24"}},
		{name: "empty file allows nothing", present: true, content: "\n# nothing\n", denies: []string{"192.168.56.0/24"}},
		{name: "bad line", present: true, content: "10.0.0.0/8\n", wantErr: "networks.conf:1: expected"},
		{name: "bad range", present: true, content: "* 10.0.0.0/33\n", wantErr: "networks.conf:1:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nc := NetworksConf{}
			if tt.present {
				var err error
				nc, err = ParseNetworksConf(tt.content)
				if tt.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("err = %v, want %q", err, tt.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			for _, a := range tt.allows {
				if !nc.Allows(netip.MustParsePrefix(a)) {
					t.Errorf("%s should be allowed", a)
				}
			}
			for _, d := range tt.denies {
				p, err := netip.ParsePrefix(d)
				if err != nil {
					continue
				}
				if nc.Allows(p) {
					t.Errorf("%s should not be allowed", d)
				}
			}
		})
	}
	adv := NetworksConf{}.Advice(netip.MustParsePrefix("172.20.1.0/24"))
	for _, want := range []string{"192.168.56.0/21", "* 172.20.1.0/24", "/etc/vbox/networks.conf", "sudo tee -a"} {
		if !strings.Contains(adv, want) {
			t.Errorf("advice %q lacks %q", adv, want)
		}
	}
}

func TestValidate(t *testing.T) {
	pos := spec.Pos{File: "Envfile.lua", Line: 3}
	mk := func(subnet string, box string, nets int) *spec.Envfile {
		n := &spec.Network{Name: "net", Subnet: netip.MustParsePrefix(subnet), Gateway: netip.MustParsePrefix(subnet).Addr().Next(), Pos: pos}
		m := &spec.Machine{Name: "m1", Box: box, Pos: spec.Pos{File: "Envfile.lua", Line: 7}}
		for i := 0; i < nets; i++ {
			m.Networks = append(m.Networks, spec.Attachment{Network: "net", IP: n.Gateway.Next()})
		}
		return &spec.Envfile{Networks: []*spec.Network{n}, Machines: []*spec.Machine{m}}
	}
	absent := func(string) (*NetworksConf, error) { return &NetworksConf{}, nil }
	tests := []struct {
		name    string
		ef      *spec.Envfile
		goos    string
		conf    func(string) (*NetworksConf, error)
		wantErr []string
	}{
		{name: "allowed subnet", ef: mk("192.168.60.0/24", "debian/bookworm", 1), goos: "linux", conf: absent},
		{name: "the contract's subnet without networks.conf", ef: mk("172.20.1.0/24", "debian/bookworm", 1), goos: "linux", conf: absent,
			wantErr: []string{"Envfile.lua:3:", `network "net": subnet 172.20.1.0/24 is not allowed`, "* 172.20.1.0/24"}},
		{name: "windows has no restriction", ef: mk("172.20.1.0/24", "b", 1), goos: "windows", conf: readNetworksConf},
		{name: "allowed by networks.conf", ef: mk("172.20.1.0/24", "b", 1), goos: "linux",
			conf: func(string) (*NetworksConf, error) {
				nc, err := ParseNetworksConf("* 172.16.0.0/12\n")
				return &nc, err
			}},
		{name: "unused network is not checked", ef: mk("172.20.1.0/24", "b", 0), goos: "linux", conf: absent},
		{name: "no box", ef: mk("192.168.60.0/24", "", 1), goos: "linux", conf: absent, wantErr: []string{"Envfile.lua:7:", "has no box"}},
		{name: "ssh.port", ef: func() *spec.Envfile {
			ef := mk("192.168.60.0/24", "b", 1)
			ef.Machines[0].SSH.Port = 2222
			return ef
		}(), goos: "linux", conf: absent, wantErr: []string{"Envfile.lua:7:", `machine "m1": ssh.port is not supported on VirtualBox`}},
		{name: "synced folder type", ef: func() *spec.Envfile {
			ef := mk("192.168.60.0/24", "b", 1)
			ef.Machines[0].SyncedFolders = []spec.SyncedFolder{{Host: "/src", Guest: "/srv", Type: spec.SyncedVirtiofs}}
			return ef
		}(), goos: "linux", conf: absent, wantErr: []string{"Envfile.lua:7:", `machine "m1": synced folder /srv: type "virtiofs" is libvirt's`}},
		{name: "an rsync folder is envrun's copy", ef: func() *spec.Envfile {
			ef := mk("192.168.60.0/24", "b", 1)
			ef.Machines[0].SyncedFolders = []spec.SyncedFolder{{Host: "/src", Guest: "/srv", Type: spec.SyncedRsync, Owner: "www-data"}}
			return ef
		}(), goos: "linux", conf: absent},
		{name: "ssh.port 22 is the default", ef: func() *spec.Envfile {
			ef := mk("192.168.60.0/24", "b", 1)
			ef.Machines[0].SSH.Port = 22
			return ef
		}(), goos: "linux", conf: absent},
		{name: "too many networks", ef: mk("192.168.60.0/24", "b", 8), goos: "linux", conf: absent, wantErr: []string{"at most 7"}},
		{name: "one virtualbox.name for two machines", ef: func() *spec.Envfile {
			ef := mk("192.168.60.0/24", "b", 0)
			for i, name := range []string{"m1", "m2"} {
				m := ef.Machines[0]
				if i > 0 {
					m = &spec.Machine{Name: name, Box: "b", Pos: spec.Pos{File: "Envfile.lua", Line: 9}}
					ef.Machines = append(ef.Machines, m)
				}
				m.Providers = map[string]spec.Options{"virtualbox": {Values: map[string]any{"name": "shared-vm"}}}
			}
			return ef
		}(), goos: "linux", conf: absent, wantErr: []string{"Envfile.lua:9:", `machine "m2": virtualbox.name "shared-vm" is already the name of machine "m1" (Envfile.lua:7)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := validate(tt.ef, tt.goos, tt.conf)
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.wantErr)
			}
			if !spec.IsInvalid(err) {
				t.Errorf("%v is not an Envfile error (exit 2)", err)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestOptionDefaults: a virtualbox table that leaves keys out gets the
// schema's defaults for them (linked clones, halt_timeout, box_user),
// with or without a table.
func TestOptionDefaults(t *testing.T) {
	for _, values := range []map[string]any{nil, {"nic_type": "virtio"}} {
		m := &spec.Machine{Name: "m", Providers: map[string]spec.Options{}}
		if values != nil {
			m.Providers["virtualbox"] = spec.Options{Values: values}
		}
		o, err := decodeOptions(m)
		if err != nil {
			t.Fatal(err)
		}
		providertest.CheckDefaults(t, "virtualbox", o)
	}
	providertest.CheckDefaults(t, "virtualbox", (&Provider{env: provider.Env{Envfile: &spec.Envfile{}}}).optionsOf("gone"))
}

func TestOptions(t *testing.T) {
	tests := []struct {
		name    string
		values  map[string]any
		check   func(*Options) bool
		wantErr string
	}{
		{name: "none", values: nil, check: func(o *Options) bool { return o.LinkedClone && o.HaltTimeout == 60 && o.boxUser() == "vagrant" }},
		{name: "contract", values: map[string]any{"name": "machine1"}, check: func(o *Options) bool { return o.Name == "machine1" }},
		{name: "full clone", values: map[string]any{"linked_clone": false, "gui": true, "nic_type": "virtio", "halt_timeout": 5.0},
			check: func(o *Options) bool { return !o.LinkedClone && o.GUI && o.NICType == "virtio" && o.HaltTimeout == 5 }},
		{name: "typo", values: map[string]any{"nmae": "x"}, wantErr: `unknown key "nmae" (did you mean "name"?)`},
		{name: "bad name", values: map[string]any{"name": "a/b"}, wantErr: "not a usable VM name"},
		{name: "linked_clone type", values: map[string]any{"linked_clone": "yes"}, wantErr: "linked_clone: expected boolean, got string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &spec.Machine{Name: "m", Providers: map[string]spec.Options{}}
			if tt.values != nil {
				m.Providers["virtualbox"] = spec.Options{Values: tt.values, Pos: spec.Pos{File: "Envfile.lua", Line: 9}}
			}
			o, err := decodeOptions(m)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "Envfile.lua:9:") {
					t.Fatalf("err = %v, want %q at Envfile.lua:9", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(o) {
				t.Errorf("got %+v", o)
			}
		})
	}
}

func TestMeta(t *testing.T) {
	meta := map[string]string{metaProject: "p-1", metaMachine: "m", metaEnvfile: "/a=b/Envfile.lua"}
	desc := encodeMeta(meta)
	if got := decodeMeta(desc); !reflect.DeepEqual(got, meta) {
		t.Errorf("round trip: %v", got)
	}
	// Through showvminfo's escaping and back.
	quoted := `description="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(desc) + `"` + "\nUUID=\"u\"\n"
	vi, err := ParseVMInfo(quoted)
	if err != nil || !reflect.DeepEqual(decodeMeta(vi.Description), meta) {
		t.Errorf("through showvminfo: %v %v", vi, err)
	}
	if decodeMeta("name1=value1\nname2=value2") != nil {
		t.Error("a description that is not envrun's must give no metadata")
	}
}

func TestBoxStore(t *testing.T) {
	root := t.TempDir()
	t.Setenv("ENVRUN_BOX_DIR", root)
	ctx := context.Background()
	bs, err := newBoxStore(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(src, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("metadata.json", `{"provider": "virtualbox"}`)
	write("box.ovf", "<Envelope/>")
	write("box-disk001.vmdk", "disk")
	box := filepath.Join(t.TempDir(), "debian.box")
	makeBox(t, box, src, true)

	if err := bs.AddBox(ctx, "debian/bookworm", box, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "virtualbox", "debian-VAGRANTSLASH-bookworm", "box.ovf")); err != nil {
		t.Fatal(err)
	}
	if err := bs.AddBox(ctx, "debian/bookworm", box, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("adding again: %v", err)
	}
	plain := filepath.Join(t.TempDir(), "plain.box")
	makeBox(t, plain, src, false)
	if err := bs.AddBox(ctx, "debian/bookworm", plain, true); err != nil {
		t.Errorf("--force with an uncompressed box: %v", err)
	}
	if err := bs.AddBox(ctx, "dir", src, false); err != nil {
		t.Errorf("an unpacked folder: %v", err)
	}
	list, err := bs.Boxes(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "debian/bookworm" || list[0].Provider != "virtualbox" || list[0].Size != int64(len(`{"provider": "virtualbox"}`)+len("<Envelope/>")+4) {
		t.Errorf("Boxes = %+v, %v", list, err)
	}

	write("metadata.json", `{"provider": "libvirt"}`)
	lv := filepath.Join(t.TempDir(), "lv.box")
	makeBox(t, lv, src, true)
	if err := bs.AddBox(ctx, "lv", lv, false); err == nil || !strings.Contains(err.Error(), `provider "libvirt", not virtualbox`) {
		t.Errorf("a libvirt box: %v", err)
	}
	for _, bad := range []string{"../x", "a/b/c", "", "-x"} {
		if err := bs.AddBox(ctx, bad, box, false); err == nil {
			t.Errorf("box name %q accepted", bad)
		}
	}
	if err := bs.RemoveBox(ctx, "debian/bookworm"); err != nil {
		t.Fatal(err)
	}
	if err := bs.RemoveBox(ctx, "debian/bookworm"); err == nil {
		t.Error("removing a missing box must be an error")
	}
	if list, _ := bs.Boxes(ctx); len(list) != 1 || list[0].Name != "dir" {
		t.Errorf("after remove: %+v", list)
	}
	entries, _ := os.ReadDir(filepath.Join(root, "virtualbox"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".add-") {
			t.Errorf("a failed add left %s", e.Name())
		}
	}
}

func TestUnpackRejectsEscapes(t *testing.T) {
	for _, name := range []string{"../evil", "/abs", "a/../../evil"} {
		f := filepath.Join(t.TempDir(), "bad.box")
		out, _ := os.Create(f)
		tw := tar.NewWriter(out)
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
		tw.Write([]byte("x"))
		tw.Close()
		out.Close()
		if err := unpackBox(context.Background(), f, t.TempDir()); err == nil || !strings.Contains(err.Error(), "leaves the box") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func makeBox(t *testing.T, path, dir string, gz bool) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var w = any(f).(interface{ Write([]byte) (int, error) })
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(f)
		w = zw
	}
	tw := tar.NewWriter(w)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		tw.WriteHeader(&tar.Header{Name: "./" + e.Name(), Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write(data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if zw != nil {
		zw.Close()
	}
}

// TestPlanLeavesRsyncFolders: an rsync folder is no shared folder of the
// VM (envrun copies it over SSH); the others are, in guest path order.
func TestPlanLeavesRsyncFolders(t *testing.T) {
	p := &Provider{box: &boxStore{dir: t.TempDir()}}
	m := &spec.Machine{Name: "m1", SyncedFolders: []spec.SyncedFolder{
		{Host: "/p", Guest: "/a", Type: spec.SyncedRsync}, {Host: "/p/src", Guest: "/src"}, {Host: "/p/www", Guest: "/www", Owner: "www-data"},
	}}
	mp := p.plan(m, &Options{}, "vm", "", 0, nil)
	want := []sharedPlan{{Name: sharedName(0), Host: "/p/src", Guest: "/src"}, {Name: sharedName(1), Host: "/p/www", Guest: "/www", Owner: "www-data"}}
	if !reflect.DeepEqual(mp.Shared, want) {
		t.Errorf("shared folders %+v, want %+v", mp.Shared, want)
	}
}
