package spec

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// The Envfile's own entries of the Docker box catalog: `box_catalog "NAME"
// { base = "IMAGE", family = "FAMILY" }`. The Docker provider tries them
// before its built-in catalog (engine/provider/docker/catalog.go); the
// other providers, whose boxes are Vagrant boxes, do not use them.

// BoxFamilies are the package-manager families the Docker box recipes are
// written for.
var BoxFamilies = []string{"apt", "dnf", "yum", "apk", "zypper"}

// BoxEntry is an entry of the box catalog the Envfile (or a module it
// requires) adds.
type BoxEntry struct {
	// Name is a box name, or a pattern of names: each * stands for one or
	// more characters other than '/', and Base's $1, $2... (or ${1}) for
	// what they matched.
	Name   string
	Base   string // the image the box is made from
	Family string // its package manager; "" guesses from Base's name
	Pos    Pos
	Given  Keys

	pattern struct {
		once sync.Once
		re   *regexp.Regexp
	}
}

// Wildcards is the number of * in the entry's name.
func (b *BoxEntry) Wildcards() int { return strings.Count(b.Name, "*") }

// Pattern is the entry's name as an anchored regular expression, each *
// a group.
func (b *BoxEntry) Pattern() *regexp.Regexp {
	b.pattern.once.Do(func() {
		parts := strings.Split(b.Name, "*")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		b.pattern.re = regexp.MustCompile("^" + strings.Join(parts, "([^/]+)") + "$")
	})
	return b.pattern.re
}

// boxEntryName is a box name as Vagrant Cloud writes them (ORG/NAME, or a
// bare NAME), with * allowed in place of characters.
var boxEntryName = regexp.MustCompile(`^[A-Za-z0-9*][A-Za-z0-9._*-]*(/[A-Za-z0-9*][A-Za-z0-9._*-]*)?$`)

// baseRef is a $N or ${N} in an entry's base.
var baseRef = regexp.MustCompile(`\$(\{[0-9]+\}|[0-9]+[A-Za-z0-9_]*)?`)

// checkBoxEntry reports why b is not a usable entry, or "".
func checkBoxEntry(b *BoxEntry) string {
	switch {
	case !boxEntryName.MatchString(b.Name):
		return "the name is a box name, ORG/NAME or NAME: letters, digits, '.', '_', '-', and * for any run of them"
	case strings.Contains(b.Name, "**"):
		return "the name has ** : one * already stands for any run of characters"
	case strings.ContainsAny(b.Base, " \t\n") || b.Base == "":
		return fmt.Sprintf("base %q is not an image name", b.Base)
	}
	for _, ref := range baseRef.FindAllStringSubmatch(b.Base, -1) {
		digits := strings.Trim(ref[1], "{}")
		n, err := strconv.Atoi(digits)
		switch {
		case ref[1] == "":
			return fmt.Sprintf("base %q: a $ stands for what a * of the name matched: $1, $2... (or ${1})", b.Base)
		case err != nil:
			lead := leadingDigits(digits)
			return fmt.Sprintf("base %q: write %s as ${%s}%s: a name follows the number", b.Base, ref[0], lead, digits[len(lead):])
		case n < 1 || n > b.Wildcards():
			return fmt.Sprintf("base %q: %s, but the name %q has %d * to stand for", b.Base, ref[0], b.Name, b.Wildcards())
		}
	}
	return ""
}

// leadingDigits is the digits s starts with.
func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// boxCatalog checks the Envfile's catalog entries: their names and bases,
// and no name given twice.
func (v *validator) boxCatalog() {
	seen := map[string]*BoxEntry{}
	for _, b := range v.e.BoxCatalog {
		what := fmt.Sprintf("box_catalog %q", b.Name)
		if why := checkBoxEntry(b); why != "" {
			v.add(b.Pos, "%s: %s", what, why)
		}
		if prev := seen[b.Name]; prev != nil {
			v.add(b.Pos, "%s is defined twice (first at %s)", what, prev.Pos)
			continue
		}
		seen[b.Name] = b
	}
}

// The schema of box_catalog: its builtin and its table, listed in
// EnvfileSchema.
var (
	boxCatalogBuiltin = Builtin{Name: "box_catalog", Form: `box_catalog "NAME" { ... }`,
		Doc:     "An entry of the Docker box catalog: the boxes called NAME (each * stands for any run of characters but '/') are made from base with the recipe of family, before the built-in catalog is looked at. A module may hold entries for its boxes. Docker only. Returns the entry's name.",
		Params:  []Param{{Name: "name", Type: String, Doc: `a box name ("myorg/base"), or a pattern ("myorg/ubuntu-*")`}, {Name: "settings", Type: TableOf("box_catalog")}},
		Returns: []Param{{Name: "name", Type: String}},
		Example: `box_catalog "myorg/ubuntu-*" { base = "registry.local/ubuntu:$1", family = "apt" }`}
	boxCatalogTable = &Table{Name: "box_catalog", Doc: "The settings of `box_catalog \"NAME\" { ... }`.",
		Keys: []Key{
			{Name: "base", Type: String, Field: "Base", Required: true,
				Doc: "the image the box is made from, local or pullable; $1, $2... (or ${1}) are what the name's * matched", Example: `base = "ubuntu:$1"`},
			{Name: "family", Type: EnumOf(BoxFamilies...), Field: "Family", DefaultDoc: "guessed from base's name",
				Doc: "the package manager of base, which the recipe installs sshd, python3 and sudo with", Example: `family = "apt"`},
		}}
)
