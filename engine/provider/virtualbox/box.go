package virtualbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/envrun/envrun/engine/boxfetch"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/ui"
)

// BoxRoot is the folder of envrun's boxes: $ENVRUN_BOX_DIR, else
// $XDG_DATA_HOME/envrun/boxes, else ~/.local/share/envrun/boxes.
// VirtualBox boxes are in its virtualbox/ subfolder, one folder per box as
// Vagrant unpacks them (box.ovf, disks, metadata.json).
func BoxRoot() (string, error) {
	if d := os.Getenv("ENVRUN_BOX_DIR"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "envrun", "boxes"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the box folder: %w (set ENVRUN_BOX_DIR)", err)
	}
	return filepath.Join(home, ".local", "share", "envrun", "boxes"), nil
}

// boxStore keeps VirtualBox boxes. It is a provider.BoxStore.
type boxStore struct {
	dir string // ROOT/virtualbox
	v   *vbm   // nil when VirtualBox is not installed: boxes can still be added and listed
	ui  *ui.UI

	bases   sync.Map           // box name → base VM name, imported in this process
	fetches singleflight.Group // box name → downloaded from box_url once per run
}

func newBoxStore(v *vbm, u *ui.UI) (*boxStore, error) {
	root, err := BoxRoot()
	if err != nil {
		return nil, err
	}
	if u == nil {
		u = ui.Discard()
	}
	return &boxStore{dir: filepath.Join(root, "virtualbox"), v: v, ui: u}, nil
}

// openBoxes is Driver.OpenBoxes: the store works without VirtualBox (add,
// list); removing a box also removes its imported base VM when VirtualBox
// is there.
func openBoxes(ctx context.Context, u *ui.UI) (provider.BoxStore, error) {
	var v *vbm
	if _, err := locate(); err == nil {
		if v, err = openVBM(ctx, u); err != nil {
			return nil, err
		}
	}
	return newBoxStore(v, u)
}

var boxNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$`)

// boxFolder is a box name as a folder name, as Vagrant spells it.
func boxFolder(name string) string { return strings.ReplaceAll(name, "/", "-VAGRANTSLASH-") }

func boxNameOf(folder string) string { return strings.ReplaceAll(folder, "-VAGRANTSLASH-", "/") }

func (s *boxStore) path(name string) string { return filepath.Join(s.dir, boxFolder(name)) }

func checkBoxName(name string) error {
	if !boxNameRE.MatchString(name) {
		return fmt.Errorf("box name %q: use letters, digits, '.', '_', '-' and at most one '/' (like debian/bookworm)", name)
	}
	return nil
}

// AddBox unpacks file (a Vagrant .box, a tar optionally gzipped, or an
// unpacked box folder) as box name. Its metadata.json must name the
// virtualbox provider and it must hold box.ovf.
func (s *boxStore) AddBox(ctx context.Context, name, file string, force bool) error {
	return s.AddBoxFrom(ctx, name, file, force, provider.BoxOrigin{})
}

// originFile records, in a box's folder, where a downloaded box came from
// (a provider.BoxOrigin as JSON).
const originFile = "envrun-origin.json"

// AddBoxFrom is AddBox that records where the box was downloaded from.
func (s *boxStore) AddBoxFrom(ctx context.Context, name, file string, force bool, from provider.BoxOrigin) (err error) {
	if err := checkBoxName(name); err != nil {
		return err
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	dest := s.path(name)
	if _, err := os.Stat(dest); err == nil && !force {
		return fmt.Errorf("a VirtualBox box %q exists already (in %s); add it with --force to replace it", name, dest)
	}
	tmp, err := os.MkdirTemp(s.dir, ".add-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	fi, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("box file: %w", err)
	}
	if fi.IsDir() {
		err = copyDir(file, tmp)
	} else {
		err = unpackBox(ctx, file, tmp)
	}
	if err != nil {
		return fmt.Errorf("unpack box %s: %w", file, err)
	}
	if err := checkBox(tmp, file); err != nil {
		return err
	}
	if from.URL != "" {
		data, err := json.MarshalIndent(from, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(tmp, originFile), data, 0o644); err != nil {
			return err
		}
	}
	if _, err := os.Stat(dest); err == nil {
		if err := s.removeBases(ctx, name); err != nil {
			return err
		}
		if err := os.RemoveAll(dest); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		return err
	}
	s.ui.Infof("", "added VirtualBox box %s (%s)", name, dest)
	return nil
}

// checkBox checks an unpacked box.
func checkBox(dir, from string) error {
	data, err := os.ReadFile(filepath.Join(dir, "metadata.json"))
	if err != nil {
		return fmt.Errorf("%s is not a Vagrant box: it has no metadata.json", from)
	}
	md, err := provider.ParseBoxMetadata(data)
	if err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	if md.Provider != "virtualbox" {
		return fmt.Errorf("%s is a box for provider %q, not virtualbox", from, md.Provider)
	}
	if _, err := os.Stat(filepath.Join(dir, "box.ovf")); err != nil {
		return fmt.Errorf("%s is a virtualbox box without box.ovf", from)
	}
	return nil
}

// unpackBox extracts a .box (read by provider.WalkBox: a tar, plain,
// gzipped or bzip2-ed) into dir: its regular files, in their folders.
func unpackBox(ctx context.Context, file, dir string) error {
	return provider.WalkBox(file, func(name string, _ int64, r io.Reader) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		_, err = io.Copy(out, r)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		return err
	})
}

func copyDir(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", p)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// Boxes lists the VirtualBox boxes.
func (s *boxStore) Boxes(ctx context.Context) ([]provider.BoxInfo, error) {
	entries, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []provider.BoxInfo
	for _, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		dir := filepath.Join(s.dir, e.Name())
		var size int64
		filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if fi, err := d.Info(); err == nil {
					size += fi.Size()
				}
			}
			return nil
		})
		bi := provider.BoxInfo{Name: boxNameOf(e.Name()), Provider: "virtualbox", Size: size, Path: dir}
		if data, err := os.ReadFile(filepath.Join(dir, originFile)); err == nil {
			json.Unmarshal(data, &bi.BoxOrigin)
		}
		out = append(out, bi)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// RemoveBox removes box name and the base VM imported from it. It fails,
// and keeps the box, while machines made from it exist.
func (s *boxStore) RemoveBox(ctx context.Context, name string) error {
	dest := s.path(name)
	if _, err := os.Stat(dest); err != nil {
		return fmt.Errorf("no VirtualBox box %q in %s", name, s.dir)
	}
	if err := s.removeBases(ctx, name); err != nil {
		return err
	}
	s.bases.Delete(name)
	return os.RemoveAll(dest)
}

// removeBases unregisters and deletes the base VMs imported from box name.
func (s *boxStore) removeBases(ctx context.Context, name string) error {
	if s.v == nil {
		return nil
	}
	vms, err := s.v.listVMs(ctx)
	if err != nil {
		return err
	}
	for _, vm := range vms {
		vi, err := s.v.showVMInfo(ctx, "", vm.UUID)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return err
		}
		if meta := decodeMeta(vi.Description); meta == nil || meta[metaBox] != name {
			continue
		}
		if _, err := s.v.run(ctx, "", "unregistervm", vi.UUID, "--delete"); err != nil {
			return fmt.Errorf("remove the base VM %s of box %q (machines made from the box must be destroyed first): %w", vi.Name, name, err)
		}
		s.bases.Delete(name)
	}
	return nil
}

func (s *boxStore) Close() error { return nil }

// fetchMissing downloads m's box from its box_url when the box is not
// here (once per box, however many machines need it).
func (s *boxStore) fetchMissing(ctx context.Context, m *spec.Machine) error {
	if m.BoxURL == "" {
		return nil
	}
	if _, err := os.Stat(filepath.Join(s.path(m.Box), "box.ovf")); err == nil {
		return nil
	}
	_, err, _ := s.fetches.Do(m.Box, func() (any, error) {
		if _, err := os.Stat(filepath.Join(s.path(m.Box), "box.ovf")); err == nil {
			return nil, nil
		}
		return nil, boxfetch.ForMachine(ctx, s.ui, "virtualbox", m, func(file string, from provider.BoxOrigin) error {
			return s.AddBoxFrom(ctx, m.Box, file, false, from)
		})
	})
	return err
}

// baseName is the base VM of a box: its name and the hash of its box.ovf,
// so that a box replaced by `box add --force` gets a base of its own.
func baseName(box, ovfHash string) string {
	return "envrun-box-" + strings.ReplaceAll(box, "/", "-") + "-" + ovfHash
}

// ensureBase imports box once (serialised host-wide: VirtualBox cannot
// import concurrently) and snapshots it, and returns the base VM's name.
func (s *boxStore) ensureBase(ctx context.Context, scope, box string) (string, error) {
	if b, ok := s.bases.Load(box); ok {
		return b.(string), nil
	}
	dir := s.path(box)
	ovf := filepath.Join(dir, "box.ovf")
	data, err := os.ReadFile(ovf)
	if err != nil {
		return "", fmt.Errorf("no VirtualBox box %q (looked in %s): add it with `envrun box add %s FILE.box`", box, dir, box)
	}
	sum := sha256.Sum256(data)
	name := baseName(box, hex.EncodeToString(sum[:])[:8])
	unlock, err := lockHost(ctx, s.dir, "import")
	if err != nil {
		return "", err
	}
	defer unlock()
	vi, err := s.v.showVMInfo(ctx, scope, name)
	switch {
	case err == nil:
		if _, ok := vi.Snapshot(baseSnapshot); !ok {
			// An earlier import was cut off before the snapshot.
			if _, err := s.v.run(ctx, scope, "snapshot", name, "take", baseSnapshot); err != nil {
				return "", err
			}
		}
	case isNotFound(err):
		if err := s.importBase(ctx, scope, box, name, ovf, hex.EncodeToString(sum[:])[:8]); err != nil {
			return "", err
		}
	default:
		return "", err
	}
	s.bases.Store(box, name)
	return name, nil
}

func (s *boxStore) importBase(ctx context.Context, scope, box, name, ovf, hash string) (err error) {
	s.ui.Infof(scope, "importing box %s into VirtualBox (once per box)", box)
	out, err := s.v.run(ctx, scope, "import", "-n", ovf)
	if err != nil {
		return fmt.Errorf("read box %s: %w", box, err)
	}
	plan, err := ParseImportDryRun(out)
	if err != nil {
		return fmt.Errorf("box %s: %w", box, err)
	}
	if _, err := s.v.run(ctx, scope, importCommand(ovf, name, plan)...); err != nil {
		// A failed import may leave the VM registered: remove it.
		s.v.run(context.WithoutCancel(ctx), scope, "unregistervm", name, "--delete")
		return fmt.Errorf("import box %s: %w", box, err)
	}
	defer func() {
		if err != nil {
			s.v.run(context.WithoutCancel(ctx), scope, "unregistervm", name, "--delete")
		}
	}()
	desc := encodeMeta(map[string]string{metaBox: box, metaBoxHash: hash})
	if _, err := s.v.run(ctx, scope, "modifyvm", name, "--description", desc, "--groups", "/envrun"); err != nil {
		return err
	}
	_, err = s.v.run(ctx, scope, "snapshot", name, "take", baseSnapshot)
	return err
}
