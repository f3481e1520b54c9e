package cli

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/boxfetch"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
	"github.com/envrun/envrun/internal/download"
)

// Boxes from the network: `envrun box add [NAME] URL` downloads a box file
// (resumably, verified by --checksum or the catalog's checksum) and adds
// it as `box add NAME FILE` does; a URL serving a catalog document picks
// the newest version matching --box-version for the provider. The box
// store records the URL, catalog, version and constraint, which
// `box outdated` and `box update` read back.

// boxURLFlags are box add's flags for a URL.
type boxURLFlags struct {
	checksum string
	version  string
}

// boxProviders names the providers that keep boxes.
func boxProviders() []string {
	var out []string
	for _, d := range Drivers {
		if d.OpenBoxes != nil {
			out = append(out, d.Name)
		}
	}
	return out
}

// addBoxFromURL is `envrun box add [NAME] URL`.
func (a *app) addBoxFromURL(ctx context.Context, prov, name, rawURL string, f boxURLFlags, force bool) error {
	if f.checksum != "" {
		if _, err := download.ParseChecksum(f.checksum); err != nil {
			return &engine.UsageError{Err: fmt.Errorf("--checksum: %w", err)}
		}
	}
	if _, err := boxfetch.ParseConstraint(f.version); err != nil {
		return &engine.UsageError{Err: fmt.Errorf("--box-version: %w", err)}
	}
	if prov != "" {
		if _, err := boxDriver(prov); err != nil {
			return err
		}
	}
	src, err := boxfetch.Resolve(ctx, rawURL, f.version, prov, boxProviders())
	if err != nil {
		return err
	}
	if name == "" {
		if name = src.Name; name == "" {
			return &engine.UsageError{Err: fmt.Errorf("%s is a box file, not a catalog: name the box (`envrun box add NAME %s`)", rawURL, rawURL)}
		}
	}
	return a.downloadAndAdd(ctx, prov, name, src, f.checksum, force)
}

// downloadAndAdd downloads src and adds it to the store of its provider
// (the catalog's, else --provider, else the box file's) as box name.
func (a *app) downloadAndAdd(ctx context.Context, prov, name string, src *boxfetch.Source, checksum string, force bool) (err error) {
	row := "download " + name
	a.ui.Add(row, row)
	a.ui.Start(row)
	file, err := boxfetch.Download(ctx, a.ui, row, src, checksum)
	if err != nil {
		a.ui.Done(row, ui.RowFailed, err)
		return err
	}
	a.ui.Done(row, ui.RowOK, nil)
	defer os.Remove(file)
	if src.Provider != "" {
		prov = src.Provider
	}
	d, err := boxDriverFor(prov, file)
	if err != nil {
		return err
	}
	store, err := d.OpenBoxes(ctx, a.ui)
	if err != nil {
		return fmt.Errorf("%s boxes: %w", d.Name, err)
	}
	defer store.Close()
	if oa, ok := store.(provider.OriginAdder); ok {
		return oa.AddBoxFrom(ctx, name, file, force, src.Origin())
	}
	return store.AddBox(ctx, name, file, force)
}

// boxDriver is the driver prov, which must keep boxes.
func boxDriver(prov string) (*provider.Driver, error) {
	d, err := provider.Lookup(Drivers, prov)
	if err != nil {
		return nil, &engine.UsageError{Err: err}
	}
	if d.OpenBoxes == nil {
		return nil, &engine.UsageError{Err: fmt.Errorf("the %s provider has no boxes", d.Name)}
	}
	return d, nil
}

// boxStatus is one line of `box outdated`.
type boxStatus struct {
	Name       string
	Provider   string
	Version    string
	Latest     string `json:",omitempty"` // the catalog's newest version matching Constraint
	Constraint string `json:",omitempty"`
	Catalog    string
	Outdated   bool
	Error      string `json:",omitempty"` // the catalog could not be read
	source     *boxfetch.Source
}

// boxStatuses compares each box that came from a catalog (name's only,
// when name is set) with its catalog. A catalog is read once.
func (a *app) boxStatuses(cmd *cobra.Command, prov, name string) ([]boxStatus, error) {
	ctx := cmd.Context()
	catalogs := map[string][]byte{}
	catalogErrs := map[string]error{}
	var out []boxStatus
	found := false
	err := a.eachBoxStore(cmd, prov, func(d *provider.Driver, s provider.BoxStore) error {
		boxes, err := s.Boxes(ctx)
		if err != nil {
			return err
		}
		for _, b := range boxes {
			if name != "" && b.Name != name {
				continue
			}
			found = true
			if b.Catalog == "" {
				continue
			}
			st := boxStatus{Name: b.Name, Provider: b.Provider, Version: b.Version, Constraint: b.Constraint, Catalog: b.Catalog}
			data, ok := catalogs[b.Catalog]
			if !ok && catalogErrs[b.Catalog] == nil {
				data, err = boxfetch.ReadCatalog(ctx, b.Catalog)
				catalogs[b.Catalog], catalogErrs[b.Catalog] = data, err
			}
			if err := catalogErrs[b.Catalog]; err != nil {
				st.Error = err.Error()
				out = append(out, st)
				continue
			}
			src, err := boxfetch.FromCatalog(b.Catalog, data, b.Constraint, b.Provider, nil)
			if err != nil {
				st.Error = err.Error()
			} else {
				st.Latest, st.source = src.Version, src
				st.Outdated = boxfetch.Newer(src.Version, b.Version)
			}
			out = append(out, st)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if name != "" && !found {
		return nil, fmt.Errorf("no box %q (see `envrun box list`)", name)
	}
	if name != "" && len(out) == 0 {
		return nil, fmt.Errorf("box %q was not added from a catalog: there is nothing to compare it with", name)
	}
	return out, nil
}

// boxURLCommands are box's outdated and update commands.
func (a *app) boxURLCommands(prov *string) []*cobra.Command {
	var asJSON bool
	outdated := &cobra.Command{
		Use:   "outdated",
		Short: "Compare the boxes added from a catalog with the catalog's newest version",
		Long: `outdated reads the catalog each box was added from (envrun box add URL, or a
machine's box_url) and says, for each, whether the catalog has a newer
version matching the box_version constraint it was added with. Boxes added
from a file or a box file's URL have no catalog and are not listed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			sts, err := a.boxStatuses(cmd, *prov, "")
			if err != nil {
				return err
			}
			if asJSON {
				if sts == nil {
					sts = []boxStatus{}
				}
				return writeJSON(a.stdout, sts)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tPROVIDER\tVERSION\tLATEST\tSTATUS")
			for _, s := range sts {
				status := "up to date"
				switch {
				case s.Error != "":
					status = s.Error
				case s.Outdated:
					status = "outdated: `envrun box update " + s.Name + "`"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, s.Provider, dash(s.Version), dash(s.Latest), status)
			}
			return tw.Flush()
		},
	}
	outdated.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	update := &cobra.Command{
		Use:   "update [NAME]",
		Short: "Download and add the newest catalog version of box NAME (or of every box from a catalog)",
		Long: `update adds, for each box added from a catalog (NAME's only when given), the
catalog's newest version matching the box_version constraint it was added
with, when it is newer. The old version stays until the new one is
downloaded and verified; it is then replaced (libvirt refuses while a
machine's disk is based on it: destroy the machine first).`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: a.completeBoxes,
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			sts, err := a.boxStatuses(cmd, *prov, name)
			if err != nil {
				return err
			}
			var failed []string
			for _, s := range sts {
				switch {
				case s.Error != "":
					a.ui.Errorf("box", "%s: %s", s.Name, s.Error)
					failed = append(failed, s.Name)
				case !s.Outdated:
					a.ui.Infof("box", "%s (%s) is up to date: %s", s.Name, s.Provider, s.Version)
				default:
					a.ui.Infof("box", "updating %s (%s) from %s to %s", s.Name, s.Provider, s.Version, s.Latest)
					if err := a.downloadAndAdd(cmd.Context(), s.Provider, s.Name, s.source, "", true); err != nil {
						a.ui.Errorf("box", "%s: %v", s.Name, err)
						failed = append(failed, s.Name)
					}
				}
			}
			if len(failed) > 0 {
				return fmt.Errorf("box update failed for %s", strings.Join(failed, ", "))
			}
			return nil
		},
	}
	return []*cobra.Command{outdated, update}
}

// completeBoxes completes the name of a box of any store.
func (a *app) completeBoxes(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, d := range Drivers {
		if d.OpenBoxes == nil {
			continue
		}
		parent := cmd.Context()
		if parent == nil {
			parent = context.Background()
		}
		ctx, cancel := context.WithTimeout(parent, completeTimeout)
		s, err := d.OpenBoxes(ctx, ui.Discard())
		if err == nil {
			boxes, _ := s.Boxes(ctx)
			s.Close()
			for _, b := range boxes {
				if strings.HasPrefix(b.Name, toComplete) && !slices.Contains(out, b.Name) {
					out = append(out, b.Name)
				}
			}
		}
		cancel()
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// boxURLWarnings says, at load, that box_url is not used by a provider
// without boxes (Docker: a box is an image named after it, or made by a
// recipe of its catalog; a Vagrant box file is a VM's disk). Not an error:
// the same Envfile may be brought up on libvirt or VirtualBox.
func boxURLWarnings(d *provider.Driver, ef *spec.Envfile) []string {
	if d == nil || d.OpenBoxes != nil {
		return nil
	}
	var out []string
	for _, m := range ef.Machines {
		if m.BoxURL != "" {
			out = append(out, fmt.Sprintf("%s: machine %q: box_url (and box_version, box_download_checksum) is not used by the %s provider: its box %q is an image, not a downloaded box file; they apply on libvirt and VirtualBox", m.Pos, m.Name, d.Name, m.Box))
		}
	}
	return out
}
