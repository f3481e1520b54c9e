package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/envrun/envrun/engine"
	"github.com/envrun/envrun/engine/boxfetch"
	"github.com/envrun/envrun/engine/provider"
)

// The box command manages the boxes of the providers whose machines boot
// from box images (libvirt, VirtualBox). A provider takes part by giving
// its Driver an OpenBoxes that returns a provider.BoxStore; nothing else
// here needs to change.
//
// `envrun box add NAME FILE` chooses the store by, in order:
//
//  1. --provider P;
//  2. the "provider" field of FILE's metadata.json, when FILE is a
//     Vagrant-format box (a tar archive, gzip-compressed or not, or such a
//     box unpacked in a folder; read with provider.ReadBoxMetadata):
//     "libvirt", "virtualbox", ...;
//  3. FILE's first bytes, for a provider's own disk image (boxMagic:
//     a qcow2 image is libvirt's).
//
// Otherwise it fails with exit status 2 and asks for --provider. The
// store gets FILE as it is and checks it is its kind. `box list` and
// `box remove` ask every store (or the --provider one); a store whose
// backend does not answer is skipped with a warning.

// boxMagic maps the first bytes of a disk image to its provider.
var boxMagic = []struct {
	magic    string
	provider string
}{
	{"QFI\xfb", "libvirt"}, // qcow2
}

func (a *app) boxCommand() *cobra.Command {
	var prov string
	cmd := &cobra.Command{
		Use:   "box",
		Short: "Manage the boxes machines boot from (libvirt, VirtualBox)",
		Long: `box adds, lists and removes the boxes of the providers that boot machines
from disk images. A box is a Vagrant-format box file (a tar archive with
metadata.json, whose "provider" field says which provider it is for) or a
provider's own image (a qcow2 file for libvirt). Boxes belong to the host,
not to one environment; a machine names its box with box = "NAME".`,
	}
	cmd.PersistentFlags().StringVar(&prov, "provider", "", "the provider whose boxes to manage (default: from the box file, or all)")
	var force bool
	var uf boxURLFlags
	add := &cobra.Command{
		Use:   "add NAME FILE | add [NAME] URL",
		Short: "Add a box file, or download one, as box NAME",
		Long: `add adds a box file as box NAME. Given an http(s) URL instead of a FILE, it
downloads the box first (resumably: a cut download is resumed by the next
add of the same URL; verified with --checksum TYPE:HEX, TYPE one of md5,
sha1, sha256, sha384, sha512). A URL that serves a catalog document
(Vagrant Cloud's JSON: name, versions, providers with url and checksum)
gives the newest version matching --box-version for the provider (the
--provider one, else the one provider with boxes that the catalog has); the
box is then named after the catalog unless NAME is given, and
` + "`envrun box outdated`" + ` and ` + "`envrun box update`" + ` follow the catalog.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 || boxfetch.IsURL(args[len(args)-1]) {
				if !boxfetch.IsURL(args[len(args)-1]) {
					return &engine.UsageError{Err: fmt.Errorf("box add NAME FILE: a box file needs a name (only a catalog URL names its box)")}
				}
				name := ""
				if len(args) == 2 {
					name = args[0]
				}
				return a.addBoxFromURL(cmd.Context(), prov, name, args[len(args)-1], uf, force)
			}
			if uf.checksum != "" || uf.version != "" {
				return &engine.UsageError{Err: fmt.Errorf("--checksum and --box-version are for a URL, not a file")}
			}
			name, file := args[0], args[1]
			d, err := boxDriverFor(prov, file)
			if err != nil {
				return err
			}
			store, err := d.OpenBoxes(cmd.Context(), a.ui)
			if err != nil {
				return fmt.Errorf("%s boxes: %w", d.Name, err)
			}
			defer store.Close()
			return store.AddBox(cmd.Context(), name, file, force)
		},
	}
	add.Flags().BoolVar(&force, "force", false, "replace a box of that name")
	add.Flags().StringVar(&uf.checksum, "checksum", "", "the downloaded box's checksum, TYPE:HEX (sha256:..., sha512:..., sha1:..., md5:...)")
	add.Flags().StringVar(&uf.version, "box-version", "", `a catalog's version constraint, as Vagrant writes it (">= 1.0, < 2.0", "~> 1.2", "= 1.2.3"); default: the newest`)
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List the boxes of every provider that has them",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var all []provider.BoxInfo
			err := a.eachBoxStore(cmd, prov, func(d *provider.Driver, s provider.BoxStore) error {
				boxes, err := s.Boxes(cmd.Context())
				all = append(all, boxes...)
				return err
			})
			if err != nil {
				return err
			}
			return printBoxes(a.stdout, all, asJSON)
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	remove := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove box NAME (from every provider that has it, or --provider's)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name, removed := args[0], 0
			err := a.eachBoxStore(cmd, prov, func(d *provider.Driver, s provider.BoxStore) error {
				boxes, err := s.Boxes(cmd.Context())
				if err != nil {
					return err
				}
				for _, b := range boxes {
					if b.Name == name {
						if err := s.RemoveBox(cmd.Context(), name); err != nil {
							return err
						}
						a.ui.Infof("box", "removed %s box %s", d.Name, name)
						removed++
						break
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			if removed == 0 {
				return fmt.Errorf("no box %q (see `envrun box list`)", name)
			}
			return nil
		},
	}
	remove.ValidArgsFunction = a.completeBoxes
	cmd.AddCommand(add, list, remove)
	cmd.AddCommand(a.boxURLCommands(&prov)...)
	return cmd
}

// boxDriverFor chooses the driver whose store takes file.
func boxDriverFor(prov, file string) (*provider.Driver, error) {
	name := prov
	if name == "" {
		if _, err := os.Stat(file); err != nil {
			return nil, &engine.UsageError{Err: err}
		}
		meta, err := provider.ReadBoxMetadata(file)
		switch {
		case err == nil:
			name = meta.Provider
			if name == "" {
				return nil, &engine.UsageError{Err: fmt.Errorf("%s: metadata.json names no provider: name it with --provider", file)}
			}
		case errors.Is(err, provider.ErrNotVagrantBox):
			name = sniffImage(file)
			if name == "" {
				return nil, &engine.UsageError{Err: fmt.Errorf("cannot tell which provider %s is for: it is neither a Vagrant-format box (a tar with metadata.json) nor a disk image envrun knows; name the provider with --provider", file)}
			}
		default:
			return nil, err
		}
	}
	d, err := provider.Lookup(Drivers, name)
	if err != nil {
		return nil, &engine.UsageError{Err: err}
	}
	if d.OpenBoxes == nil {
		return nil, &engine.UsageError{Err: fmt.Errorf("the %s provider has no boxes", d.Name)}
	}
	return d, nil
}

// sniffImage names the provider of a disk image by its first bytes.
func sniffImage(file string) string {
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := io.ReadFull(f, head)
	for _, m := range boxMagic {
		if strings.HasPrefix(string(head[:n]), m.magic) {
			return m.provider
		}
	}
	return ""
}

// eachBoxStore calls f with the store of prov, or of every driver that
// has one. Without --provider, a store that cannot be opened is skipped
// with a warning, unless none can be.
func (a *app) eachBoxStore(cmd *cobra.Command, prov string, f func(*provider.Driver, provider.BoxStore) error) error {
	var drivers []*provider.Driver
	if prov != "" {
		d, err := provider.Lookup(Drivers, prov)
		if err != nil {
			return &engine.UsageError{Err: err}
		}
		if d.OpenBoxes == nil {
			return &engine.UsageError{Err: fmt.Errorf("the %s provider has no boxes", d.Name)}
		}
		drivers = []*provider.Driver{d}
	} else {
		for _, d := range Drivers {
			if d.OpenBoxes != nil {
				drivers = append(drivers, d)
			}
		}
	}
	var failed []error
	opened := 0
	for _, d := range drivers {
		s, err := d.OpenBoxes(cmd.Context(), a.ui)
		if err != nil {
			err = fmt.Errorf("%s boxes: %w", d.Name, err)
			if prov != "" {
				return err
			}
			failed = append(failed, err)
			continue
		}
		opened++
		err = f(d, s)
		s.Close()
		if err != nil {
			return fmt.Errorf("%s boxes: %w", d.Name, err)
		}
	}
	if opened == 0 && len(failed) > 0 {
		return errors.Join(failed...)
	}
	for _, err := range failed {
		a.ui.Warnf("box", "skipped: %v", err)
	}
	return nil
}

func printBoxes(w io.Writer, boxes []provider.BoxInfo, asJSON bool) error {
	if asJSON {
		if boxes == nil {
			boxes = []provider.BoxInfo{}
		}
		return writeJSON(w, boxes)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPROVIDER\tVERSION\tSIZE\tPATH")
	for _, b := range boxes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", b.Name, b.Provider, dash(b.Version), humanSize(b.Size), dash(b.Path))
	}
	return tw.Flush()
}

func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
