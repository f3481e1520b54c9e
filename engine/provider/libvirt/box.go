//go:build libvirt_dlopen && cgo

package libvirt

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"libvirt.org/go/libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/ui"
)

// poolPath is where envrun's pool keeps its volumes: beside libvirt's own
// images for a system instance, in the user's data folder for a session.
func poolPath(uri string) string {
	if u, err := url.Parse(uri); err == nil && u.Path == "/session" {
		dir := os.Getenv("XDG_DATA_HOME")
		if dir == "" {
			home, _ := os.UserHomeDir()
			dir = filepath.Join(home, ".local", "share")
		}
		return filepath.Join(dir, "envrun", "libvirt-pool")
	}
	return "/var/lib/libvirt/images/envrun"
}

// lookupPool returns envrun's pool, started; nil when it does not exist.
func lookupPool(c *libvirt.Connect) (*libvirt.StoragePool, error) {
	pool, err := c.LookupStoragePoolByName(PoolName)
	if code(err) == libvirt.ERR_NO_STORAGE_POOL {
		return nil, nil
	}
	if err != nil {
		return nil, lverr(err, "look up libvirt storage pool %s", PoolName)
	}
	if active, err := pool.IsActive(); err == nil && !active {
		if err := pool.Create(0); err != nil {
			// Started meanwhile by another envrun is fine.
			if active, _ := pool.IsActive(); !active {
				pool.Free()
				return nil, lverr(err, "start libvirt storage pool %s", PoolName)
			}
		}
	}
	return pool, nil
}

// startPool starts envrun's pool when it exists and is stopped, so that
// what it holds can be read.
func startPool(c *libvirt.Connect) error {
	pool, err := lookupPool(c)
	if pool != nil {
		pool.Free()
	}
	return err
}

// ensurePool returns envrun's pool, making it when it is missing.
func ensurePool(c *libvirt.Connect, uri string) (*libvirt.StoragePool, error) {
	pool, err := lookupPool(c)
	if pool != nil || err != nil {
		return pool, err
	}
	x, err := poolXML(PoolName, poolPath(uri))
	if err != nil {
		return nil, err
	}
	pool, err = c.StoragePoolDefineXML(x, 0)
	if err != nil {
		// Another envrun may have made it meanwhile.
		if pool, err2 := lookupPool(c); pool != nil {
			return pool, nil
		} else if err2 != nil {
			return nil, err2
		}
		return nil, lverr(err, "define libvirt storage pool %s at %s", PoolName, poolPath(uri))
	}
	if err := pool.Build(0); err != nil && !strings.Contains(message(err), "exists") {
		pool.Undefine()
		pool.Free()
		return nil, lverr(err, "make libvirt storage pool %s at %s", PoolName, poolPath(uri))
	}
	if err := pool.Create(0); err != nil {
		pool.Undefine()
		pool.Free()
		return nil, lverr(err, "start libvirt storage pool %s", PoolName)
	}
	pool.SetAutostart(true)
	return pool, nil
}

// boxVols is a box found in the pool: the paths a machine is made from.
type boxVols struct {
	Meta    boxMeta
	Image   string
	Kernel  string
	Initrd  string
	Cmdline string
}

// errNoBox says a box is not in the pool.
var errNoBox = errors.New("no such box")

// lookupBox finds box in pool.
func lookupBox(r reads, box string) (*boxVols, error) {
	data, err := r.readVolume(boxVolume(box, boxJSON), 1<<20)
	if err != nil {
		return nil, err
	}
	b := &boxVols{}
	if err := json.Unmarshal(data, &b.Meta); err != nil {
		return nil, fmt.Errorf("box %q: %s is damaged: %w", box, boxVolume(box, boxJSON), err)
	}
	b.Cmdline = b.Meta.Cmdline
	paths := []struct {
		kind string
		dst  *string
		want bool
	}{{boxImage, &b.Image, true}, {boxKernel, &b.Kernel, b.Meta.Kernel}, {boxInitrd, &b.Initrd, b.Meta.Initrd}}
	for _, p := range paths {
		if !p.want {
			continue
		}
		path, err := r.volumePath(boxVolume(box, p.kind))
		if err != nil {
			return nil, fmt.Errorf("box %q is incomplete (add it again with `envrun box add --force`): %w", box, err)
		}
		*p.dst = path
	}
	return b, nil
}

// readVolume downloads a small volume; errNoBox when it does not exist.
func readVolume(c *libvirt.Connect, pool *libvirt.StoragePool, name string, limit int) ([]byte, error) {
	vol, err := pool.LookupStorageVolByName(name)
	if code(err) == libvirt.ERR_NO_STORAGE_VOL {
		return nil, errNoBox
	}
	if err != nil {
		return nil, lverr(err, "look up volume %s", name)
	}
	defer vol.Free()
	st, err := c.NewStream(0)
	if err != nil {
		return nil, lverr(err, "read volume %s", name)
	}
	defer st.Free()
	if err := vol.Download(st, 0, 0, 0); err != nil {
		return nil, lverr(err, "read volume %s", name)
	}
	var out bytes.Buffer
	buf := make([]byte, 64<<10)
	for {
		n, err := st.Recv(buf)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			st.Abort()
			return nil, lverr(err, "read volume %s", name)
		}
		if n < 0 { // would block, or a hole: not for a blocking stream of a plain file
			continue
		}
		out.Write(buf[:n])
		if out.Len() > limit {
			st.Abort()
			return nil, fmt.Errorf("volume %s is larger than %d bytes", name, limit)
		}
	}
	if err := st.Finish(); err != nil {
		return nil, lverr(err, "read volume %s", name)
	}
	return out.Bytes(), nil
}

// upload makes volume name of size bytes and streams r into it. On
// failure the volume is removed again.
func upload(ctx context.Context, c *libvirt.Connect, pool *libvirt.StoragePool, name string, size int64, r io.Reader) (err error) {
	x, err := volumeXML(name, uint64(size), "raw")
	if err != nil {
		return err
	}
	vol, err := pool.StorageVolCreateXML(x, 0)
	if err != nil {
		return lverr(err, "make volume %s", name)
	}
	defer vol.Free()
	defer func() {
		if err != nil {
			vol.Delete(0)
		}
	}()
	st, err := c.NewStream(0)
	if err != nil {
		return lverr(err, "upload %s", name)
	}
	defer st.Free()
	if err := vol.Upload(st, 0, uint64(size), 0); err != nil {
		return lverr(err, "upload %s", name)
	}
	buf := make([]byte, 1<<20)
	var sent int64
	for sent < size {
		if err := ctx.Err(); err != nil {
			st.Abort()
			return context.Cause(ctx)
		}
		n, rerr := io.ReadFull(r, buf[:min(int64(len(buf)), size-sent)])
		for off := 0; off < n; {
			m, err := st.Send(buf[off:n])
			if err != nil {
				st.Abort()
				return lverr(err, "upload %s", name)
			}
			off += m
		}
		sent += int64(n)
		if rerr != nil && sent < size {
			st.Abort()
			return fmt.Errorf("upload %s: %w", name, rerr)
		}
	}
	if err := st.Finish(); err != nil {
		return lverr(err, "upload %s", name)
	}
	return nil
}

// boxStore is the libvirt box store: boxes as volumes in envrun's pool at
// the default connection.
type boxStore struct {
	c   *libvirt.Connect
	uri string
	ui  *ui.UI
}

func openBoxes(ctx context.Context, u *ui.UI) (provider.BoxStore, error) {
	uri := DefaultURI()
	c, err := connect(ctx, uri)
	if err != nil {
		return nil, err
	}
	if u == nil {
		u = ui.Discard()
	}
	return &boxStore{c: c, uri: uri, ui: u}, nil
}

func (s *boxStore) Close() error {
	_, err := s.c.Close()
	return err
}

// AddBox uploads the box file (a Vagrant-format libvirt box, or a plain
// qcow2 image) into envrun's pool as box name.
func (s *boxStore) AddBox(ctx context.Context, name, file string, force bool) error {
	return addBox(ctx, s.c, s.uri, s.ui, name, file, force, provider.BoxOrigin{})
}

// AddBoxFrom is AddBox that records where the box was downloaded from.
func (s *boxStore) AddBoxFrom(ctx context.Context, name, file string, force bool, from provider.BoxOrigin) error {
	return addBox(ctx, s.c, s.uri, s.ui, name, file, force, from)
}

func addBox(ctx context.Context, c *libvirt.Connect, uri string, u *ui.UI, name, file string, force bool, from provider.BoxOrigin) (err error) {
	if name == "" {
		return errors.New("a box needs a name")
	}
	plan, err := planBox(file)
	if err != nil {
		return err
	}
	pool, err := ensurePool(c, uri)
	if err != nil {
		return err
	}
	defer pool.Free()
	if _, err := lookupBox(libReads{c}, name); err == nil {
		if !force {
			return fmt.Errorf("libvirt box %q exists: remove it first (`envrun box remove %s`), or replace it with --force", name, name)
		}
	} else if !errors.Is(err, errNoBox) {
		return err
	}
	// Replacing a box, or cleaning up after an interrupted add.
	if err := removeBoxVolumes(c, pool, name); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			removeBoxVolumes(c, pool, name)
		}
	}()
	meta := boxMeta{Name: name, Provider: "libvirt", Cmdline: plan.Cmdline, Added: time.Now().UTC().Round(time.Second)}
	meta.Source, _ = filepath.Abs(file)
	if from.URL != "" {
		meta.Source, meta.Origin = from.URL, &from
	}
	u.Infof("box", "adding %s to libvirt pool %s from %s", name, PoolName, file)
	row := "box " + name
	u.Add(row, row)
	u.Start(row)
	defer func() {
		if err != nil {
			u.Done(row, ui.RowFailed, err)
		} else {
			u.Done(row, ui.RowOK, nil)
		}
	}()
	t0 := time.Now()
	if !plan.Vagrant {
		fi, err := os.Stat(file)
		if err != nil {
			return err
		}
		if meta.VirtualSize, err = qcow2FileSize(file); err != nil {
			return err
		}
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		u.Phase(row, "uploading "+filepath.Base(file))
		if err := upload(ctx, c, pool, boxVolume(name, boxImage), fi.Size(), u.ProgressReader(row, f, fi.Size())); err != nil {
			return err
		}
	} else {
		found := map[string]bool{}
		err := provider.WalkBox(file, func(member string, size int64, r io.Reader) error {
			var kind string
			switch member {
			case plan.Image:
				kind = boxImage
				br := newPeekReader(r, 32)
				meta.VirtualSize = qcow2Size(br.head)
				if meta.VirtualSize == 0 {
					return fmt.Errorf("%s: box.img is not a qcow2 image", file)
				}
				r = br
			case plan.Kernel:
				kind, meta.Kernel = boxKernel, true
			case plan.Initrd:
				kind, meta.Initrd = boxInitrd, true
			default:
				return nil
			}
			found[member] = true
			u.Phase(row, "uploading "+member)
			return upload(ctx, c, pool, boxVolume(name, kind), size, u.ProgressReader(row, r, size))
		})
		if err != nil {
			return err
		}
		for _, m := range []string{plan.Image, plan.Kernel, plan.Initrd} {
			if m != "" && !found[m] {
				return fmt.Errorf("%s has no %s", file, m)
			}
		}
	}
	data, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	if err := upload(ctx, c, pool, boxVolume(name, boxJSON), int64(len(data)), bytes.NewReader(data)); err != nil {
		return err
	}
	pool.Refresh(0)
	u.Infof("box", "added %s (%.1fs)", name, time.Since(t0).Seconds())
	return nil
}

// peekReader is a reader whose first bytes are known before it is read.
type peekReader struct {
	head []byte
	r    io.Reader
}

func newPeekReader(r io.Reader, n int) *peekReader {
	head := make([]byte, n)
	k, _ := io.ReadFull(r, head)
	head = head[:k]
	return &peekReader{head: head, r: io.MultiReader(bytes.NewReader(head), r)}
}

func (p *peekReader) Read(b []byte) (int, error) { return p.r.Read(b) }

// boxVolumes lists the volumes of the pool by box name.
func boxVolumes(pool *libvirt.StoragePool) (map[string][]libvirt.StorageVol, []libvirt.StorageVol, error) {
	vols, err := pool.ListAllStorageVolumes(0)
	if err != nil {
		return nil, nil, lverr(err, "list volumes of libvirt pool %s", PoolName)
	}
	byBox := map[string][]libvirt.StorageVol{}
	var others []libvirt.StorageVol
	for _, v := range vols {
		name, err := v.GetName()
		if err != nil {
			continue
		}
		if box, _, ok := parseBoxVolume(name); ok {
			byBox[box] = append(byBox[box], v)
		} else {
			others = append(others, v)
		}
	}
	return byBox, others, nil
}

func freeVolumes(byBox map[string][]libvirt.StorageVol, others []libvirt.StorageVol) {
	for _, vs := range byBox {
		for i := range vs {
			vs[i].Free()
		}
	}
	for i := range others {
		others[i].Free()
	}
}

// removeBoxVolumes deletes every volume of box; it refuses while a
// machine's overlay is backed by the box's image.
func removeBoxVolumes(c *libvirt.Connect, pool *libvirt.StoragePool, box string) error {
	byBox, others, err := boxVolumes(pool)
	if err != nil {
		return err
	}
	defer freeVolumes(byBox, others)
	vols := byBox[box]
	var image string
	for i := range vols {
		if name, _ := vols[i].GetName(); name == boxVolume(box, boxImage) {
			image, _ = vols[i].GetPath()
		}
	}
	if image != "" {
		var users []string
		for i := range others {
			x, err := others[i].GetXMLDesc(0)
			if err != nil {
				continue
			}
			var v libvirtxml.StorageVolume
			if v.Unmarshal(x) == nil && v.BackingStore != nil && v.BackingStore.Path == image {
				users = append(users, v.Name)
			}
		}
		if len(users) > 0 {
			slices.Sort(users)
			return fmt.Errorf("box %q is the base of the disks %s: destroy their machines first (`envrun destroy`)", box, strings.Join(users, ", "))
		}
	}
	for i := range vols {
		if err := vols[i].Delete(0); err != nil && code(err) != libvirt.ERR_NO_STORAGE_VOL {
			name, _ := vols[i].GetName()
			return lverr(err, "remove volume %s", name)
		}
	}
	return nil
}

// Boxes lists the boxes in envrun's pool.
func (s *boxStore) Boxes(ctx context.Context) ([]provider.BoxInfo, error) {
	pool, err := lookupPool(s.c)
	if pool == nil || err != nil {
		return nil, err
	}
	defer pool.Free()
	byBox, others, err := boxVolumes(pool)
	if err != nil {
		return nil, err
	}
	defer freeVolumes(byBox, others)
	var out []provider.BoxInfo
	for box, vols := range byBox {
		bi := provider.BoxInfo{Name: box, Provider: "libvirt"}
		complete := false
		for i := range vols {
			name, _ := vols[i].GetName()
			if info, err := vols[i].GetInfo(); err == nil {
				bi.Size += int64(info.Allocation)
			}
			switch name {
			case boxVolume(box, boxImage):
				bi.Path, _ = vols[i].GetPath()
			case boxVolume(box, boxJSON):
				complete = true
			}
		}
		if complete {
			if data, err := readVolume(s.c, pool, boxVolume(box, boxJSON), 1<<20); err == nil {
				var meta boxMeta
				if json.Unmarshal(data, &meta) == nil && meta.Origin != nil {
					bi.BoxOrigin = *meta.Origin
				}
			}
			out = append(out, bi)
		}
	}
	slices.SortFunc(out, func(a, b provider.BoxInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// RemoveBox removes box name from envrun's pool.
func (s *boxStore) RemoveBox(ctx context.Context, name string) error {
	pool, err := lookupPool(s.c)
	if err != nil {
		return err
	}
	if pool == nil {
		return fmt.Errorf("no libvirt box %q", name)
	}
	defer pool.Free()
	byBox, others, err := boxVolumes(pool)
	if err != nil {
		return err
	}
	n := len(byBox[name])
	freeVolumes(byBox, others)
	if n == 0 {
		return fmt.Errorf("no libvirt box %q", name)
	}
	return removeBoxVolumes(s.c, pool, name)
}
