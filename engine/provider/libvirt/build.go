//go:build libvirt_dlopen && cgo

package libvirt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"libvirt.org/go/libvirt"

	"github.com/envrun/envrun/engine/boxfetch"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/provider/boxkit"
	"github.com/envrun/envrun/engine/spec"
)

// ensureBox returns m's box from envrun's pool at uri, getting it first
// when it is missing: downloaded from m's box_url when it has one, else
// made when envrun knows how (debian/SUITE, from Debian's packages). Each
// box is ensured once even when many machines need it at once.
func (p *Provider) ensureBox(ctx context.Context, c *libvirt.Connect, uri string, m *spec.Machine) (*boxVols, error) {
	box := m.Box
	v, err, _ := p.boxes.Do(uri+"\x00"+box, func() (any, error) {
		if err := startPool(c); err != nil {
			return nil, err
		}
		b, err := p.findBox(ctx, libReads{c}, uri, box)
		if !errors.Is(err, errNoBox) {
			return b, err
		}
		if m.BoxURL != "" {
			err = boxfetch.ForMachine(ctx, p.env.UI, "libvirt", m, func(file string, from provider.BoxOrigin) error {
				return addBox(ctx, c, uri, p.env.UI, box, file, false, from)
			})
		} else {
			err = p.buildBox(ctx, c, uri, box)
		}
		if err != nil {
			return nil, err
		}
		return p.findBox(ctx, libReads{c}, uri, box)
	})
	if err != nil {
		return nil, err
	}
	return v.(*boxVols), nil
}

// findBoxIn returns box from envrun's pool at uri; errNoBox when it is not
// there.
func findBoxIn(ctx context.Context, r reads, uri, box string) (*boxVols, error) {
	return lookupBox(cachedReads{r, uri}, box)
}

// buildBox makes box debian/SUITE with the embedded build-libvirt-box.sh
// and adds it; other boxes must be added by hand.
func (p *Provider) buildBox(ctx context.Context, c *libvirt.Connect, uri, box string) error {
	distro, suite, ok := strings.Cut(box, "/")
	missing := fmt.Sprintf("box %q is not in libvirt pool %s at %s", box, PoolName, uri)
	if !ok || distro != "debian" {
		return fmt.Errorf("%s: add it with `envrun box add %s FILE` (a Vagrant libvirt box or a qcow2 image); envrun makes only debian/SUITE boxes itself", missing, box)
	}
	if !isLocal(uri) {
		return fmt.Errorf("%s, which is on another host: make it with scripts/build-libvirt-box.sh there and add it with `envrun box add`", missing)
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("%s, and making it needs root (debootstrap): run `sudo scripts/build-libvirt-box.sh debian-%s.box %s && envrun box add %s debian-%s.box` once",
			missing, suite, suite, box, suite)
	}
	p.env.UI.Infof("box", "%s: making it from Debian's packages (once; a few minutes)", missing)
	dir, err := os.MkdirTemp("", "envrun-libvirt-box-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "box.tar.gz")
	out := p.env.UI.Writer("box", 0)
	defer out.Close()
	if err := boxkit.RunKit(ctx, dir, "build-libvirt-box.sh", []string{file, suite}, out); err != nil {
		return fmt.Errorf("make box %s: %w", box, err)
	}
	return addBox(ctx, c, uri, p.env.UI, box, file, false, provider.BoxOrigin{})
}
