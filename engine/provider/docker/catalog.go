package docker

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/distribution/reference"

	"github.com/envrun/envrun/engine/spec"
)

// The box catalog: what a Vagrant box name stands for on Docker. A box is
// a base image (its distribution's official image) and a recipe that adds
// what a Vagrant box has and envrun needs — sshd, python3 (for Ansible),
// sudo, the box user with passwordless sudo — with the distribution's
// package manager. The recipe is built through the Docker API like
// docker.build, tagged by the hash of its build context, so an unchanged
// recipe is built once per engine.

// Package-manager families of the recipes.
const (
	FamilyApt    = "apt"
	FamilyDnf    = "dnf"
	FamilyYum    = "yum"
	FamilyApk    = "apk"
	FamilyZypper = "zypper"
)

// Families are the package-manager families a recipe is written for.
// spec.BoxFamilies lists them for the schema (TestFamilies checks both
// agree).
var Families = []string{FamilyApt, FamilyDnf, FamilyYum, FamilyApk, FamilyZypper}

// catalogEntry maps box names matching Box to a base image (Base, with
// $1... from Box's groups) and a family.
type catalogEntry struct {
	Box    *regexp.Regexp
	Base   string
	Family string
	// Example is a box name the entry takes, for the docs and messages.
	Example string
}

func entry(box, base, family, example string) catalogEntry {
	return catalogEntry{Box: regexp.MustCompile("^(?:" + box + ")$"), Base: base, Family: family, Example: example}
}

// catalog lists the well-known boxes: Vagrant Cloud's official and most
// used names (debian/, ubuntu/, bento/, generic/, geerlingguy/,
// rockylinux/, almalinux/, centos/, fedora/, opensuse/). The first match
// wins.
var catalog = []catalogEntry{
	entry(`debian/(buster|bullseye|bookworm|trixie)64`, "debian:$1", FamilyApt, "debian/bookworm64"),
	entry(`(?:bento|generic|geerlingguy)/debian-?(1[0-3])`, "debian:$1", FamilyApt, "bento/debian-12"),
	entry(`ubuntu/(bionic|focal|jammy|noble)64|hashicorp/(bionic)64`, "ubuntu:$1$2", FamilyApt, "ubuntu/jammy64"),
	entry(`(?:bento|generic|geerlingguy)/ubuntu-?(1[68]|2[0-6])\.?(04|10)`, "ubuntu:$1.$2", FamilyApt, "bento/ubuntu-22.04"),
	entry(`(?:generic/rocky|bento/rockylinux-|rockylinux/)([89])`, "rockylinux:$1", FamilyDnf, "generic/rocky9"),
	entry(`(?:generic/alma|bento/almalinux-|almalinux/)([89])`, "almalinux:$1", FamilyDnf, "almalinux/9"),
	entry(`(?:generic/oracle|bento/oracle-|oraclelinux/)([789])`, "oraclelinux:$1", FamilyDnf, "generic/oracle9"),
	entry(`centos/stream([89]|10)|generic/centos([89])s`, "quay.io/centos/centos:stream$1$2", FamilyDnf, "centos/stream9"),
	entry(`centos/7|(?:generic|bento)/centos-?7`, "centos:7", FamilyYum, "centos/7"),
	entry(`(?:generic/fedora|bento/fedora-)(3[5-9]|4[0-9])|fedora/(3[5-9]|4[0-9])-cloud-base`, "fedora:$1$2", FamilyDnf, "generic/fedora39"),
	entry(`generic/alpine3(1[5-9]|2[0-9])`, "alpine:3.$1", FamilyApk, "generic/alpine319"),
	entry(`generic/opensuse(15)(?:([0-9]))?|bento/opensuse-leap-(15)(?:\.([0-9]))?`, "opensuse/leap:$1$3.$2$4", FamilyZypper, "generic/opensuse15"),
	entry(`opensuse/Leap-(15\.[0-9])\.x86_64`, "opensuse/leap:$1", FamilyZypper, "opensuse/Leap-15.5.x86_64"),
}

// recipe is how a box is made on Docker: its base image and family.
type recipe struct {
	Box    string // the box's name, as the Envfile gives it
	Base   string
	Family string
	Entry  *spec.BoxEntry // the Envfile's catalog entry that gave it, or nil
}

// lookupBox finds box in the catalog: first the Envfile's own entries
// (user, box_catalog "NAME": exact names, then patterns, each in
// declaration order), then the built-in ones. Family is "" for an
// entry of the user's whose family cannot be guessed (validate refuses
// it).
func lookupBox(box string, user []*spec.BoxEntry) (recipe, bool) {
	for _, exact := range []bool{true, false} {
		for _, b := range user {
			if (b.Wildcards() == 0) != exact {
				continue
			}
			re := b.Pattern()
			if sub := re.FindStringSubmatchIndex(box); sub != nil {
				base := string(re.ExpandString(nil, b.Base, box, sub))
				fam := b.Family
				if fam == "" {
					fam = familyOf(base)
				}
				return recipe{Box: box, Base: base, Family: fam, Entry: b}, true
			}
		}
	}
	for _, e := range catalog {
		if sub := e.Box.FindStringSubmatchIndex(box); sub != nil {
			base := string(e.Box.ExpandString(nil, e.Base, box, sub))
			base = strings.TrimSuffix(base, ".") // opensuse/leap:15. when no minor was given
			return recipe{Box: box, Base: base, Family: e.Family}, true
		}
	}
	return recipe{}, false
}

// checkUserCatalog checks what only the Docker provider can of the
// Envfile's box_catalog entries (spec.Validate checked their names):
// that the base is an image name, and that the family is given or can be
// guessed from it.
func checkUserCatalog(ef *spec.Envfile) spec.Errors {
	var errs spec.Errors
	for _, b := range ef.BoxCatalog {
		base := baseSample.ReplaceAllString(b.Base, "1") // $1, ${2}: what a * matched
		if _, err := reference.ParseNormalizedNamed(base); err != nil {
			errs = append(errs, spec.Errorf(b.Pos, "box_catalog %q: base %q is not an image name: %v", b.Name, b.Base, err))
			continue
		}
		if b.Family == "" && familyOf(base) == "" {
			errs = append(errs, spec.Errorf(b.Pos, "box_catalog %q: cannot tell the package manager of base image %s: set family = \"%s\"", b.Name, b.Base, strings.Join(Families, `" | "`)))
		}
	}
	return errs
}

// baseSample is a $N or ${N} of an entry's base.
var baseSample = regexp.MustCompile(`\$(\{[0-9]+\}|[0-9]+)`)

// familyOf guesses the package-manager family of a base image from its
// name, or "".
func familyOf(base string) string {
	name := base
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name, _, _ = strings.Cut(name, ":")
	name, _, _ = strings.Cut(name, "@")
	tag := ""
	if _, t, ok := strings.Cut(base[strings.LastIndex(base, "/")+1:], ":"); ok {
		tag = t
	}
	switch name {
	case "debian", "ubuntu", "kali-rolling", "linuxmint", "devuan":
		return FamilyApt
	case "rockylinux", "almalinux", "fedora", "oraclelinux", "amazonlinux", "ubi8", "ubi9", "ubi", "centos-stream":
		return FamilyDnf
	case "centos":
		if strings.HasPrefix(tag, "7") || strings.HasPrefix(tag, "centos7") {
			return FamilyYum
		}
		return FamilyDnf
	case "alpine":
		return FamilyApk
	case "leap", "tumbleweed", "opensuse", "sles", "bci-base":
		return FamilyZypper
	}
	return ""
}

// packages are what each family's recipe installs, by its own names.
var packages = map[string][]string{
	FamilyApt:    {"openssh-server", "openssh-sftp-server", "sudo", "python3", "python3-apt", "iproute2", "iputils-ping", "procps", "less", "ca-certificates", "rsync"},
	FamilyDnf:    {"openssh-server", "sudo", "python3", "iproute", "iputils", "procps-ng", "shadow-utils", "less", "ca-certificates", "rsync"},
	FamilyYum:    {"openssh-server", "sudo", "python3", "iproute", "iputils", "procps-ng", "shadow-utils", "less", "ca-certificates", "rsync"},
	FamilyApk:    {"openssh-server", "openssh-sftp-server", "sudo", "python3", "iproute2", "iputils", "procps", "shadow", "bash", "less", "ca-certificates", "rsync"},
	FamilyZypper: {"openssh-server", "sudo", "python3", "iproute2", "iputils", "procps", "shadow", "less", "ca-certificates", "rsync"},
}

// install is each family's step that installs what is missing of $pkgs
// (nothing at all when every package is there: a base that has them needs
// no mirror), then drops the package caches.
var install = map[string]string{
	FamilyApt: `missing=
for p in $pkgs; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' || missing="$missing $p"; done
if [ -n "$missing" ]; then
	echo "envrun box: installing$missing"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
fi
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin`,
	FamilyDnf: `missing=
for p in $pkgs; do rpm -q "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
	echo "envrun box: installing$missing"
	dnf install -y --setopt=install_weak_deps=False $missing
fi
dnf clean all`,
	FamilyYum: `missing=
for p in $pkgs; do rpm -q "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
	echo "envrun box: installing$missing"
	yum install -y $missing
fi
yum clean all`,
	FamilyApk: `missing=
for p in $pkgs; do apk info -e "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
	echo "envrun box: installing$missing"
	apk add --no-cache $missing
fi`,
	FamilyZypper: `missing=
for p in $pkgs; do rpm -q "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
	echo "envrun box: installing$missing"
	zypper --non-interactive install --no-recommends $missing
fi
zypper clean --all`,
}

// boxSetup is the part of every recipe after the install: the box user
// (vagrant, as in Vagrant's boxes) with passwordless sudo and a usable
// (not locked) account for key login, sshd's settings, and no host key
// (envrun installs one per machine). POSIX sh with what busybox has too.
const boxSetup = `u=vagrant
if ! id "$u" >/dev/null 2>&1; then
	if command -v bash >/dev/null 2>&1; then sh=/bin/bash; else sh=/bin/sh; fi
	useradd --create-home --shell "$sh" "$u"
fi
usermod --password '*' "$u" # no password, not locked: key login works
mkdir -p /etc/sudoers.d
printf '%s ALL=(ALL) NOPASSWD:ALL\n' "$u" >"/etc/sudoers.d/$u"
chmod 0440 "/etc/sudoers.d/$u"
grep -Eq '^[#@]includedir /etc/sudoers.d' /etc/sudoers || printf '#includedir /etc/sudoers.d\n' >>/etc/sudoers
home=$(getent passwd "$u" | cut -d: -f6)
mkdir -p "$home/.ssh"
chmod 0700 "$home/.ssh"
chown "$u:$(id -gn "$u")" "$home/.ssh"
rm -f /etc/ssh/ssh_host_*
mkdir -p /run/sshd /var/empty/sshd
conf='UseDNS no
PasswordAuthentication no'
if grep -Eq '^Include /etc/ssh/sshd_config.d/' /etc/ssh/sshd_config; then
	mkdir -p /etc/ssh/sshd_config.d
	printf '%s\n' "$conf" >/etc/ssh/sshd_config.d/envrun.conf
else
	printf '\n# envrun\n%s\n' "$conf" >>/etc/ssh/sshd_config
fi
for c in python3 sudo /usr/sbin/sshd; do command -v "$c" >/dev/null || { echo "envrun box: $c is missing after the install" >&2; exit 1; }; done
`

// context is the recipe's build context: a Dockerfile and box-setup.sh.
func (r recipe) context() (dockerfile, script string) {
	pkgs := packages[r.Family]
	script = "# box-setup.sh: made by envrun for box " + r.Box + " (" + r.Family + " family)\nset -eu\npkgs='" +
		strings.Join(pkgs, " ") + "'\n" + install[r.Family] + "\n" + boxSetup
	dockerfile = "FROM " + r.Base + `
COPY box-setup.sh /tmp/envrun-box-setup.sh
RUN sh /tmp/envrun-box-setup.sh && rm -f /tmp/envrun-box-setup.sh
CMD ["/usr/sbin/sshd","-D","-e"]
`
	return dockerfile, script
}

// tar is the build context as a tar stream.
func (r recipe) tar() ([]byte, error) {
	dockerfile, script := r.context()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []struct{ name, data string }{{"Dockerfile", dockerfile}, {"box-setup.sh", script}} {
		if err := writeTar(tw, f.name, 0o644, 0, 0, []byte(f.data)); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ref is the recipe's image: the box's name and a hash of the build
// context, so that a changed recipe (or base) is built anew and an
// unchanged one never twice.
func (r recipe) ref() string {
	dockerfile, script := r.context()
	h := sha256.Sum256([]byte(dockerfile + "\x00" + script))
	return BoxImage(r.Box) + "-" + hex.EncodeToString(h[:])[:12]
}

// recipeFor is how machine m's box is made from a recipe: docker.base,
// else the catalog (user, the Envfile's entries, first). ok is false for
// a box no recipe makes (debian/SUITE, which envrun makes with
// debootstrap, or a box the user made).
func recipeFor(box string, o *Options, user []*spec.BoxEntry) (recipe, bool, error) {
	if o.Base != "" {
		fam := o.Family
		if fam == "" {
			fam = familyOf(o.Base)
		}
		if r, ok := lookupBox(box, user); ok && fam == "" {
			fam = r.Family // generic/rocky9 on an image of the user's
		}
		if fam == "" {
			return recipe{}, false, fmt.Errorf("cannot tell the package manager of base image %s: set family = \"%s\"", o.Base, strings.Join(Families, `" | "`))
		}
		if box == "" {
			box = "base/" + o.Base
		}
		return recipe{Box: box, Base: o.Base, Family: fam}, true, nil
	}
	if o.Family != "" {
		return recipe{}, false, fmt.Errorf("family is for base: set base = \"IMAGE\" too")
	}
	r, ok := lookupBox(box, user)
	if ok && r.Family == "" {
		return recipe{}, false, fmt.Errorf("box_catalog %q (%s): cannot tell the package manager of base image %s: set family", r.Entry.Name, r.Entry.Pos, r.Base)
	}
	return r, ok, nil
}

// userCatalog is the Envfile's box_catalog entries.
func (p *onEngine) userCatalog() []*spec.BoxEntry {
	if p.env.Envfile == nil {
		return nil
	}
	return p.env.Envfile.BoxCatalog
}

// catalogExamples are box names the catalog takes, one per entry.
func catalogExamples() []string {
	var out []string
	for _, e := range catalog {
		if !slices.Contains(out, e.Example) {
			out = append(out, e.Example)
		}
	}
	return out
}

// Preflight checks, before anything is made, that the box image of every
// machine about to be created exists or can be made: its base image is
// here or can be pulled, or (debian/SUITE) debootstrap can make it. A box
// nothing knows is an error at the machine's line (exit 2).
func (p *onEngine) Preflight(ctx context.Context, machines []*spec.Machine) error {
	return p.preflight(ctx, machines, true)
}

// CheckBoxes is Preflight's check of names only: a box neither here, nor
// in the catalog, nor debian/SUITE, nor given a base, is an error at the
// machine's line. Nothing is pulled or built.
func (p *onEngine) CheckBoxes(ctx context.Context, machines []*spec.Machine) error {
	return p.preflight(ctx, machines, false)
}

// preflight is Preflight, and with fetch false CheckBoxes.
func (p *onEngine) preflight(ctx context.Context, machines []*spec.Machine, fetch bool) error {
	existing, err := p.list(ctx, "")
	if err != nil {
		return err
	}
	made := map[string]bool{}
	for _, c := range existing {
		made[c.Labels[LabelMachine]] = true
	}
	var unknown, cannot spec.Errors
	checked := map[string]bool{}
	for _, m := range machines {
		if made[m.Name] {
			continue
		}
		o, err := p.options(m)
		if err != nil {
			return err
		}
		if o.Image != "" || o.Build != "" {
			continue
		}
		ref := p.imageRef(m, o)
		if checked[ref] {
			continue
		}
		checked[ref] = true
		if p.haveImage(ctx, ref) || p.peerWith(ctx, ref) != nil {
			continue // here, or copied from another engine (imagecopy.go)
		}
		what := fmt.Sprintf("machine %q: box %q", m.Name, m.Box)
		pos := m.Pos
		if o.Base != "" {
			what, pos = fmt.Sprintf("machine %q: docker.base %q (box %q)", m.Name, o.Base, m.Box), m.Providers["docker"].Pos
		}
		r, isRecipe, _ := recipeFor(m.Box, o, p.userCatalog())
		switch {
		case !fetch && m.Box != "" && (isRecipe || isDebianBox(m.Box)):
			// known: whether it can be made here is up's to find out
		case m.Box == "":
			unknown = append(unknown, spec.Errorf(m.Pos, "machine %q has no box: set `box \"debian/bookworm\"` (or a box of the catalog, such as %s), or docker = { base = \"IMAGE\" }", m.Name, strings.Join(catalogExamples()[:4], ", ")))
		case isRecipe:
			if err := p.ensureBase(ctx, r.Base); err != nil {
				cannot = append(cannot, spec.Errorf(pos, "%s cannot be made on Docker: its base image %s is not here and could not be pulled (%v). "+
					"Load it (`docker load -i FILE`) or tag an image of yours as %s, point the box at another with docker = { base = \"IMAGE\" }, or make the box image yourself and tag it %s",
					what, r.Base, firstLine(err), r.Base, BoxImage(m.Box)))
			}
		case isDebianBox(m.Box):
			if err := p.canDebootstrap(ctx, m.Box); err != nil {
				cannot = append(cannot, spec.Errorf(m.Pos, "%s cannot be made on Docker: %v", what, err))
			}
		default:
			unknown = append(unknown, spec.Errorf(m.Pos, "%s is unknown on Docker: there is no image %s here and the box catalog has no entry for it (it knows names such as %s). "+
				"Make it from any image with docker = { base = \"IMAGE\" } or, for every machine that names it, box_catalog %q { base = \"IMAGE\" }; or tag an image of yours %s",
				what, BoxImage(m.Box), strings.Join(catalogExamples(), ", "), m.Box, BoxImage(m.Box)))
		}
	}
	if len(unknown) > 0 {
		return append(unknown, cannot...).Err()
	}
	if len(cannot) > 0 {
		return errors.New(cannot.Error())
	}
	return nil
}

func isDebianBox(box string) bool {
	distro, suite, ok := strings.Cut(box, "/")
	return ok && distro == "debian" && suite != "" && !strings.Contains(suite, "/")
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

func (p *onEngine) haveImage(ctx context.Context, ref string) bool {
	_, err := p.c.ImageInspect(ctx, ref)
	return err == nil
}

// ensureBase makes sure base is here: pulled when a registry answers.
func (p *onEngine) ensureBase(ctx context.Context, base string) error {
	if p.haveImage(ctx, base) {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	return p.pull(ctx, base)
}

// canDebootstrap reports why envrun cannot make debian box here when no
// registry has debian:SUITE, or nil.
func (p *onEngine) canDebootstrap(ctx context.Context, box string) error {
	_, suite, _ := strings.Cut(box, "/")
	if p.haveImage(ctx, "debian:"+suite) {
		return nil
	}
	if _, err := exec.LookPath("debootstrap"); err != nil {
		return fmt.Errorf("envrun makes it with debootstrap when no registry has debian:%s, and debootstrap is not installed (sudo apt-get install debootstrap)", suite)
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("envrun makes it with debootstrap when no registry has debian:%s, and debootstrap needs root: run `sudo scripts/build-box.sh %s %s` once", suite, BoxImage(box), suite)
	}
	return nil
}
