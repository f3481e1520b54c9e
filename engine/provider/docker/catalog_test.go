package docker

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/golden"
)

// TestCatalog: the box names the translated Vagrantfiles used, and the
// other well-known names, map to their distribution's image and family;
// names the catalog does not know stay unknown.
func TestCatalog(t *testing.T) {
	for box, want := range map[string]string{
		"bento/ubuntu-22.04":        "ubuntu:22.04 apt",
		"bento/ubuntu-24.04":        "ubuntu:24.04 apt",
		"generic/ubuntu2204":        "ubuntu:22.04 apt",
		"geerlingguy/ubuntu2004":    "ubuntu:20.04 apt",
		"ubuntu/jammy64":            "ubuntu:jammy apt",
		"hashicorp/bionic64":        "ubuntu:bionic apt",
		"debian/bookworm64":         "debian:bookworm apt",
		"bento/debian-12":           "debian:12 apt",
		"generic/rocky9":            "rockylinux:9 dnf",
		"bento/rockylinux-8":        "rockylinux:8 dnf",
		"rockylinux/9":              "rockylinux:9 dnf",
		"almalinux/9":               "almalinux:9 dnf",
		"generic/oracle8":           "oraclelinux:8 dnf",
		"centos/stream9":            "quay.io/centos/centos:stream9 dnf",
		"centos/7":                  "centos:7 yum",
		"generic/centos7":           "centos:7 yum",
		"generic/fedora39":          "fedora:39 dnf",
		"fedora/39-cloud-base":      "fedora:39 dnf",
		"generic/alpine319":         "alpine:3.19 apk",
		"generic/opensuse15":        "opensuse/leap:15 zypper",
		"bento/opensuse-leap-15.5":  "opensuse/leap:15.5 zypper",
		"opensuse/Leap-15.5.x86_64": "opensuse/leap:15.5 zypper",
		"debian/bookworm":           "", // made with debootstrap, not a recipe
		"acme/thing":                "",
		"generic/ubuntu2204x":       "",
	} {
		r, ok := lookupBox(box, nil)
		got := ""
		if ok {
			got = r.Base + " " + r.Family
		}
		if got != want {
			t.Errorf("%s: %q, want %q", box, got, want)
		}
	}
	for _, ex := range catalogExamples() {
		if _, ok := lookupBox(ex, nil); !ok {
			t.Errorf("example %s is not in the catalog", ex)
		}
	}
}

// TestUserCatalog: the Envfile's box_catalog entries come before the
// built-in catalog (overriding a name it knows, adding names it does
// not), exact names before patterns; a pattern's * fill base's $1; a
// family left out is guessed from the base; docker.base takes its family
// from the box's entry.
func TestUserCatalog(t *testing.T) {
	user := []*spec.BoxEntry{
		{Name: "myorg/*-*", Base: "registry.local/$1:${2}-slim", Family: "apt"},
		{Name: "bento/ubuntu-22.04", Base: "registry.local/ubuntu:22.04"},
		{Name: "myorg/rocky-9", Base: "registry.local/rocky:9", Family: "dnf"},
		{Name: "myorg/base", Base: "acme/base:1", Family: "apk"},
	}
	for box, want := range map[string]string{
		"myorg/debian-12":    "registry.local/debian:12-slim apt",
		"myorg/rocky-9":      "registry.local/rocky:9 dnf", // exact before the pattern declared first
		"bento/ubuntu-22.04": "registry.local/ubuntu:22.04 apt",
		"bento/ubuntu-24.04": "ubuntu:24.04 apt", // the built-in catalog still
		"myorg/x/y-z":        "",                 // * takes no /
		"myorg/plain":        "",
	} {
		r, ok := lookupBox(box, user)
		got := ""
		if ok {
			got = r.Base + " " + r.Family
		}
		if got != want {
			t.Errorf("%s: %q, want %q", box, got, want)
		}
	}
	r, ok, err := recipeFor("myorg/base", &Options{Base: "acme/other:2"}, user)
	if err != nil || !ok || r.Base != "acme/other:2" || r.Family != "apk" {
		t.Errorf("docker.base on a box of the user's catalog: %+v %v %v", r, ok, err)
	}
	if _, _, err := recipeFor("myorg/base", &Options{Base: "acme/other:2"}, nil); err == nil {
		t.Error("docker.base of an unknown family was accepted without the entry")
	}
	if _, _, err := recipeFor("myorg/nofamily", &Options{}, []*spec.BoxEntry{{Name: "myorg/nofamily", Base: "acme/base:1"}}); err == nil || !strings.Contains(err.Error(), "set family") {
		t.Errorf("an entry whose family cannot be told: %v", err)
	}
}

// TestFamilies: the schema's families are the recipes'.
func TestFamilies(t *testing.T) {
	if !slices.Equal(Families, spec.BoxFamilies) {
		t.Errorf("docker.Families %v, spec.BoxFamilies %v", Families, spec.BoxFamilies)
	}
	for _, f := range Families {
		if packages[f] == nil || install[f] == "" {
			t.Errorf("family %s has no recipe", f)
		}
	}
}

func TestFamilyOf(t *testing.T) {
	for base, want := range map[string]string{
		"ubuntu:22.04": "apt", "docker.io/library/debian:12": "apt", "registry.local:5000/debian:bookworm": "apt",
		"rockylinux:9": "dnf", "quay.io/centos/centos:stream9": "dnf", "centos:7": "yum", "centos:7.9.2009": "yum",
		"alpine:3.19": "apk", "opensuse/leap:15.5": "zypper", "acme/base:1": "",
	} {
		if got := familyOf(base); got != want {
			t.Errorf("familyOf(%s) = %q, want %q", base, got, want)
		}
	}
}

// TestRecipeContexts checks each family's generated build context
// against its golden files, and the script with sh -n (dash) and, when
// installed, busybox sh -n (Alpine's shell). Only the apt recipe runs
// live here (TestIntegrationBoxRecipe): no registry answers on this
// machine, so the other families are proven by these contexts only.
func TestRecipeContexts(t *testing.T) {
	for _, box := range []string{"bento/ubuntu-22.04", "generic/rocky9", "centos/7", "generic/alpine319", "generic/opensuse15"} {
		r, _ := lookupBox(box, nil)
		dockerfile, script := r.context()
		golden.Check(t, "testdata/recipes/"+r.Family+"/Dockerfile", dockerfile)
		golden.Check(t, "testdata/recipes/"+r.Family+"/box-setup.sh", script)
		path := filepath.Join(t.TempDir(), "box-setup.sh")
		if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
			t.Fatal(err)
		}
		shells := [][]string{{"sh", "-n", path}}
		if _, err := exec.LookPath("busybox"); err == nil {
			shells = append(shells, []string{"busybox", "sh", "-n", path})
		}
		for _, sh := range shells {
			if out, err := exec.Command(sh[0], sh[1:]...).CombinedOutput(); err != nil {
				t.Errorf("%s: %s: %v\n%s", r.Family, strings.Join(sh, " "), err, out)
			}
		}
		if !strings.HasPrefix(dockerfile, "FROM "+r.Base+"\n") {
			t.Errorf("%s: Dockerfile does not start FROM %s", r.Family, r.Base)
		}
	}
	// The tag follows the context: another base, another image.
	a := recipe{Box: "x/y", Base: "ubuntu:22.04", Family: FamilyApt}
	b := a
	b.Base = "ubuntu:24.04"
	if a.ref() == b.ref() || !strings.HasPrefix(a.ref(), "envrun/box:x-y-") {
		t.Errorf("refs %s and %s", a.ref(), b.ref())
	}
}

func TestBaseOptions(t *testing.T) {
	for _, tt := range []struct {
		docker map[string]any
		want   string
	}{
		{map[string]any{"base": "ubuntu:22.04"}, ""},
		{map[string]any{"base": "acme/base:1", "family": "dnf"}, ""},
		{map[string]any{"base": "acme/base:1"}, `docker: cannot tell the package manager of base image acme/base:1: set family = "apt" | "dnf" | "yum" | "apk" | "zypper"`},
		{map[string]any{"family": "apt"}, `family is for base`},
		{map[string]any{"base": "ubuntu:22.04", "image": "nginx"}, `base makes the box's image from a recipe`},
		{map[string]any{"base": "x", "family": "pacman"}, `docker.family: unknown family "pacman"`},
	} {
		m := &spec.Machine{Name: "m", Box: "generic/thing", Providers: map[string]spec.Options{"docker": {Values: tt.docker}}}
		err := checkOptions(&spec.Envfile{Machines: []*spec.Machine{m}}, m, m.Providers["docker"])
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%v: %v", tt.docker, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%v: got %v, want %q", tt.docker, err, tt.want)
		}
	}
}

func TestHostConfig(t *testing.T) {
	for _, tt := range []struct {
		hc   map[string]any
		want string
	}{
		{map[string]any{"ShmSize": 268435456.0, "Sysctls": map[string]any{"net.ipv4.ip_forward": "1"}, "SecurityOpt": []any{"seccomp=unconfined"}}, ""},
		{map[string]any{"ShmSise": 1.0}, `"ShmSise" is not a field of the Docker API's HostConfig`},
		{map[string]any{"ShmSize": "big"}, "a value does not fit HostConfig"},
		{map[string]any{"Privileged": true}, "Privileged is set by envrun from docker.privileged"},
		{map[string]any{"PortBindings": map[string]any{}}, "PortBindings is set by envrun from ports"},
	} {
		if got := checkHostConfig(tt.hc); tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("checkHostConfig(%v) = %q, want %q", tt.hc, got, tt.want)
		}
	}
	m := &spec.Machine{Name: "m", Providers: map[string]spec.Options{"docker": {Values: map[string]any{
		"host_config": map[string]any{"ShmSize": 268435456.0, "Sysctls": map[string]any{"net.ipv4.ip_forward": "1"}},
	}}}}
	o, err := decodeOptions(m, "/")
	if err != nil {
		t.Fatal(err)
	}
	ef := &spec.Envfile{Machines: []*spec.Machine{m}}
	cs, err := buildCreateSpec("p", ef, m, o, "img", "", "", func(n string) string { return n })
	if err != nil {
		t.Fatal(err)
	}
	if cs.HostConfig.ShmSize != 268435456 || cs.HostConfig.Sysctls["net.ipv4.ip_forward"] != "1" || !*cs.HostConfig.Init || cs.HostConfig.Tmpfs["/run"] != "" {
		t.Errorf("host_config not laid over envrun's: %+v", cs.HostConfig)
	}
	plain := &spec.Machine{Name: "m"}
	cs2, _ := buildCreateSpec("p", ef, plain, &Options{}, "img", "", "", func(n string) string { return n })
	if cs2.Config.Labels[LabelConfig] == cs.Config.Labels[LabelConfig] {
		t.Error("the config label ignores host_config")
	}
}
