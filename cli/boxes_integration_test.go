package cli_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// boxWorld is a world in a folder whose name starts with t-boxes (so its
// containers and networks do too).
func boxWorld(t *testing.T, name, envfile string) *world {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "t-boxes-"+name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return newWorldIn(t, dir, envfile)
}

// TestIntegrationBoxRecipe runs the apt recipe of the box catalog for
// real, through the same code path as a catalog box, on a Debian base
// image made here (envrun's debootstrapped box with its box user, sudo
// rule and sshd settings taken away): up builds the box image through the
// API, with its progress shown, and the machine has the vagrant user,
// passwordless sudo, python3 and sshd; a second environment on the same
// box reuses the image (cached by content). No registry answers here, so
// the base has its packages already and the recipe's install step finds
// nothing missing; the other families are checked by their generated
// build contexts (TestRecipeContexts).
func TestIntegrationBoxRecipe(t *testing.T) {
	t.Parallel()
	const base = "t-boxes/debian-base:bookworm"
	bareBase(t, base, "t-boxes/debian")
	envfile := `
box "t-boxes/debian"
network "net" { subnet = "172.25.2.0/24" }
machine "m" { networks = { net = "172.25.2.10" }, docker = { base = "` + base + `", family = "apt" } }
`
	w := boxWorld(t, "recipe", envfile)
	r := w.mustRun("up")
	if !strings.Contains(r.stderr, "with the apt recipe") || !strings.Contains(r.stderr, "Step 1/") && !strings.Contains(r.stderr, "COPY box-setup.sh") {
		t.Errorf("up does not show the recipe's build:\n%s", r.stderr)
	}
	out := w.mustRun("ssh", "m", "--", "id -un; sudo -n id -u; python3 -c 'print(6*7)'; test -x /usr/sbin/sshd && echo sshd")
	if got := strings.Fields(out.stdout); strings.Join(got, " ") != "vagrant 0 42 sshd" {
		t.Errorf("the box's user, sudo, python3 and sshd: %q", out.stdout)
	}
	img, err := exec.Command("docker", "inspect", "-f", `{{index .Config.Labels "io.envrun.box.family"}} {{.Config.Image}}`, w.project+"-m").Output()
	if err != nil || !strings.HasPrefix(string(img), "apt envrun/box:t-boxes-debian-") {
		t.Errorf("the container's image: %q (%v)", img, err)
	}
	// Another environment on the same box: the image is not built again.
	w2 := boxWorld(t, "recipe2", strings.ReplaceAll(envfile, "172.25.2.", "172.25.3."))
	if r := w2.mustRun("up"); strings.Contains(r.stderr, "making image") {
		t.Errorf("the box image was built again:\n%s", r.stderr)
	}
}

// TestIntegrationBoxCatalogEntry: a box that only a box_catalog entry
// names — declared by a module the Envfile requires, a pattern whose *
// fills the base's tag — passes validate and is made by up through the
// recipe on the real engine, from a local base (envrun's Debian box with
// its user and sudo rule taken away, as TestIntegrationBoxRecipe does):
// the machine has the vagrant user, sudo and python3, and its image
// records the entry's base and family. Without the entry the same box is
// unknown (exit 2, nothing made).
func TestIntegrationBoxCatalogEntry(t *testing.T) {
	t.Parallel()
	const base = "t-boxes/catalog-base:bookworm"
	bareBase(t, base, "t-boxes/cat-bookworm")
	envfile := `require "lib.boxes"
network "net" { subnet = "172.25.6.0/24" }
machine "m" { box = "t-boxes/cat-bookworm", networks = { net = "172.25.6.10" } }
`
	w := boxWorld(t, "catalog", `network "net" { subnet = "172.25.6.0/24" }
machine "m" { box = "t-boxes/cat-bookworm", networks = { net = "172.25.6.10" } }
`)
	if r := w.run("validate"); r.code != 2 || !strings.Contains(r.stderr, `box_catalog "t-boxes/cat-bookworm" { base = "IMAGE" }`) {
		t.Errorf("validate without the entry: want exit 2 and the box_catalog hint: %s", r)
	}
	if err := os.MkdirAll(filepath.Join(w.dir, "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	module := `-- The boxes of the team: one entry for each suite.
box_catalog "t-boxes/cat-*" { base = "t-boxes/catalog-base:$1", family = "apt" }
return {}
`
	if err := os.WriteFile(filepath.Join(w.dir, "lib", "boxes.lua"), []byte(module), 0o644); err != nil {
		t.Fatal(err)
	}
	w.writeEnvfile(envfile)
	w.mustRun("validate")
	r := w.mustRun("up")
	if !strings.Contains(r.stderr, "with the apt recipe") || !strings.Contains(r.stderr, base) {
		t.Errorf("up does not show the recipe's build from %s:\n%s", base, r.stderr)
	}
	out := w.mustRun("ssh", "m", "--", "id -un; sudo -n id -u; python3 -c 'print(6*7)'")
	if got := strings.Join(strings.Fields(out.stdout), " "); got != "vagrant 0 42" {
		t.Errorf("the box's user, sudo and python3: %q", out.stdout)
	}
	img, err := exec.Command("docker", "inspect", "-f", `{{.Config.Image}}`, w.project+"-m").Output()
	if err != nil || !strings.HasPrefix(string(img), "envrun/box:t-boxes-cat-bookworm-") {
		t.Fatalf("the container's image: %q (%v)", img, err)
	}
	labels, err := exec.Command("docker", "image", "inspect", "-f", `{{index .Config.Labels "io.envrun.box.base"}} {{index .Config.Labels "io.envrun.box.family"}}`, strings.TrimSpace(string(img))).Output()
	if got := strings.TrimSpace(string(labels)); err != nil || got != base+" apt" {
		t.Errorf("the box image's base and family: %q (%v)", got, err)
	}
}

// TestIntegrationBoxPreflight: a box that cannot be made is found before
// anything is created: an unknown box name exits 2 at the machine's line,
// a base image that is not here and cannot be pulled exits 1; each says
// the box and what to do, and no network or container is made.
func TestIntegrationBoxPreflight(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, machine string
		code          int
		want          []string
	}{
		{"unknown", `machine "m" { networks = { net = "172.25.4.10" } }
machine "n" { box = "t-boxes/nothing", networks = { net = "172.25.4.11" } }`, 2, []string{
			`Envfile.lua:5: machine "n": box "t-boxes/nothing" is unknown on Docker`, `docker = { base = "IMAGE" }`, "bento/ubuntu-22.04"}},
		{"base-missing", `machine "m" { networks = { net = "172.25.4.10" } }
machine "n" { box = "generic/rocky9", networks = { net = "172.25.4.11" }, docker = { base = "127.0.0.1:9/t-boxes/none:1" } }`, 1, []string{
			`machine "n": docker.base "127.0.0.1:9/t-boxes/none:1" (box "generic/rocky9") cannot be made on Docker: its base image 127.0.0.1:9/t-boxes/none:1 is not here and could not be pulled`,
			"docker load"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := boxWorld(t, "pre-"+tt.name, `box "debian/bookworm"
network "net" { subnet = "172.25.4.0/24" }
`+"\n"+tt.machine+"\n")
			r := w.run("up")
			if r.code != tt.code {
				t.Errorf("exit %d, want %d: %s", r.code, tt.code, r)
			}
			for _, want := range tt.want {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if c, n := w.containers(), w.networks(); len(c)+len(n) > 0 {
				t.Errorf("the preflight let %d container(s) and %d network(s) be made", len(c), len(n))
			}
		})
	}
}

// TestIntegrationValidateBoxes: `envrun validate` finds an unknown box as
// up's preflight does (exit 2, the machine's line, what to do), while a
// catalog box whose base image is not here passes (whether it can be made
// is up's to find out: validate pulls nothing); neither makes anything.
func TestIntegrationValidateBoxes(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "h16-validate")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	w := newWorldIn(t, dir, `box "debian/bookworm"
network "net" { subnet = "172.22.17.0/24" }
machine "m" { networks = { net = "172.22.17.10" } }
machine "n" { box = "h16/nothing", networks = { net = "172.22.17.11" } }
`)
	r := w.run("validate")
	if r.code != 2 || !strings.HasPrefix(r.stderr, `Envfile.lua:4: machine "n": box "h16/nothing" is unknown on Docker`) || !strings.Contains(r.stderr, `docker = { base = "IMAGE" }`) {
		t.Errorf("validate with an unknown box: want exit 2 at its line: %s", r)
	}
	w.writeEnvfile(`box "debian/bookworm"
network "net" { subnet = "172.22.17.0/24" }
machine "n" { box = "generic/rocky9", networks = { net = "172.22.17.11" }, docker = { base = "127.0.0.1:9/h16/none:1" } }
`)
	if r := w.run("validate"); r.code != 0 {
		t.Errorf("validate with a catalog box whose base is not here: want exit 0: %s", r)
	}
	if c, n := w.containers(), w.networks(); len(c)+len(n) > 0 {
		t.Errorf("validate made %d container(s) and %d network(s)", len(c), len(n))
	}
	if _, err := os.Stat(filepath.Join(dir, ".envrun")); err == nil {
		t.Errorf("validate created .envrun/")
	}
}

// bareBase makes base, envrun's Debian box image with its vagrant user,
// sudo rule and sshd settings taken away (what a distribution's image
// lacks), and removes it and the box images built for box when the test
// ends.
func bareBase(t *testing.T, base, box string) {
	t.Helper()
	build := exec.Command("docker", "build", "--network", "none", "-q", "-t", base, "-")
	build.Stdin = strings.NewReader(`FROM envrun/box:debian-bookworm
RUN userdel -r vagrant && rm -f /etc/sudoers.d/vagrant /etc/ssh/sshd_config.d/envrun.conf
`)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("make the base image: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		out, _ := exec.Command("docker", "images", "-q", "--filter", "label=io.envrun.box="+box).Output()
		for _, id := range strings.Fields(string(out)) {
			exec.Command("docker", "rmi", "-f", id).Run()
		}
		exec.Command("docker", "rmi", "-f", base).Run()
	})
}
