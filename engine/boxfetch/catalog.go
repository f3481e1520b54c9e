// Package boxfetch gets boxes from the network: a box file at a URL, or
// a Vagrant Cloud-style catalog document that lists a box's versions and,
// for each, a box file per provider. It resolves what to download (the
// newest version matching a box_version constraint, for a provider) and
// downloads it with internal/download; the provider's box store adds the
// file as it adds a local one.
package boxfetch

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/go-version"
)

// Catalog is a catalog document, as Vagrant reads a box's metadata URL:
//
//	{"name": "debian/bookworm", "versions": [{"version": "1.2.0",
//	  "providers": [{"name": "libvirt", "url": "https://.../libvirt.box",
//	                 "checksum_type": "sha256", "checksum": "..."}]}]}
type Catalog struct {
	Name        string           `json:"name"`
	Description string           `json:"description,omitempty"`
	Versions    []CatalogVersion `json:"versions"`
}

// CatalogVersion is one version of a catalog's box.
type CatalogVersion struct {
	Version   string            `json:"version"`
	Providers []CatalogProvider `json:"providers"`
}

// CatalogProvider is the box file of one version for one provider.
type CatalogProvider struct {
	Name         string `json:"name"`
	URL          string `json:"url"`
	ChecksumType string `json:"checksum_type,omitempty"`
	Checksum     string `json:"checksum,omitempty"`
}

// ParseCatalog reads a catalog document; every version must parse as a
// version and every provider have a name and a URL.
func ParseCatalog(data []byte) (*Catalog, error) {
	var c Catalog
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("not a box catalog: %w", err)
	}
	if len(c.Versions) == 0 {
		return nil, fmt.Errorf("box catalog %q has no versions", c.Name)
	}
	for _, v := range c.Versions {
		if _, err := version.NewVersion(v.Version); err != nil {
			return nil, fmt.Errorf("box catalog %q: version %q: %w", c.Name, v.Version, err)
		}
		for _, p := range v.Providers {
			if p.Name == "" || p.URL == "" {
				return nil, fmt.Errorf("box catalog %q: version %s has a provider without a name or url", c.Name, v.Version)
			}
		}
	}
	return &c, nil
}

// ChecksumString is the checksum as "TYPE:HEX"; "" when it has none.
func (p CatalogProvider) ChecksumString() string {
	if p.Checksum == "" || p.ChecksumType == "" {
		return ""
	}
	return strings.ToLower(p.ChecksumType) + ":" + p.Checksum
}

// ParseConstraint parses a box_version constraint in Vagrant's syntax
// (">= 1.0, < 2.0", "~> 1.2", "= 1.2.3", "1.2.3"); "" matches every
// version.
func ParseConstraint(s string) (version.Constraints, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	c, err := version.NewConstraint(s)
	if err != nil {
		return nil, fmt.Errorf("box version constraint %q: %w (write it as Vagrant does: \">= 1.0, < 2.0\", \"~> 1.2\", \"= 1.2.3\")", s, err)
	}
	return c, nil
}

// Pick returns the newest version matching constraint that has a box for
// prov, and that box. With prov "", the version's only provider among
// candidates is taken (an error when it has several). The errors name the
// versions and providers the catalog has.
func (c *Catalog) Pick(constraint, prov string, candidates []string) (string, CatalogProvider, error) {
	cons, err := ParseConstraint(constraint)
	if err != nil {
		return "", CatalogProvider{}, err
	}
	type cand struct {
		v *version.Version
		c CatalogVersion
	}
	var matching []cand
	for _, cv := range c.Versions {
		v, _ := version.NewVersion(cv.Version)
		if cons == nil || cons.Check(v) {
			matching = append(matching, cand{v, cv})
		}
	}
	if len(matching) == 0 {
		return "", CatalogProvider{}, fmt.Errorf("box catalog %q has no version matching %q (it has %s)", c.Name, constraint, strings.Join(c.versionList(), ", "))
	}
	slices.SortFunc(matching, func(a, b cand) int { return b.v.Compare(a.v) })
	seen := map[string]bool{}
	for _, m := range matching {
		var fit []CatalogProvider
		for _, p := range m.c.Providers {
			seen[p.Name] = true
			if p.Name == prov || prov == "" && slices.Contains(candidates, p.Name) {
				fit = append(fit, p)
			}
		}
		switch {
		case len(fit) == 1:
			return m.c.Version, fit[0], nil
		case len(fit) > 1 && prov == "":
			var names []string
			for _, p := range fit {
				names = append(names, p.Name)
			}
			return "", CatalogProvider{}, fmt.Errorf("box catalog %q has version %s for %s: choose one with --provider", c.Name, m.c.Version, strings.Join(names, " and "))
		case len(fit) > 1:
			return m.c.Version, fit[0], nil
		}
	}
	var have []string
	for p := range seen {
		have = append(have, p)
	}
	slices.Sort(have)
	want := prov
	if want == "" {
		want = strings.Join(candidates, " or ")
	}
	in := "its versions"
	if constraint != "" {
		in = "its versions matching " + constraint
	}
	return "", CatalogProvider{}, fmt.Errorf("box catalog %q has no box for %s in %s (it has boxes for: %s)", c.Name, want, in, strings.Join(have, ", "))
}

func (c *Catalog) versionList() []string {
	var out []string
	for _, v := range c.Versions {
		out = append(out, v.Version)
	}
	return out
}

// Newer reports whether version a is newer than b (both as a catalog
// writes them); an unparsable b is older than anything.
func Newer(a, b string) bool {
	va, err := version.NewVersion(a)
	if err != nil {
		return false
	}
	vb, err := version.NewVersion(b)
	if err != nil {
		return true
	}
	return va.GreaterThan(vb)
}
