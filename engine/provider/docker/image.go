package docker

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/docker/docker/api/types/build"
	dimage "github.com/docker/docker/api/types/image"

	"github.com/envrun/envrun/engine/provider/boxkit"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/engine/timing"
)

// BoxImage is the local image that stands for box on Docker:
// "debian/bookworm" → "envrun/box:debian-bookworm".
func BoxImage(box string) string {
	return "envrun/box:" + strings.NewReplacer("/", "-", ":", "-").Replace(box)
}

// imageRef is the image machine m runs, without making it.
func (p *onEngine) imageRef(m *spec.Machine, o *Options) string {
	switch {
	case o.Image != "":
		return o.Image
	case o.Build != "":
		sum, err := hashDir(o.Build)
		if err != nil {
			return "envrun/build:unknown"
		}
		return "envrun/build:" + sum
	}
	if r, ok, err := recipeFor(m.Box, o, p.userCatalog()); err == nil && ok {
		return r.ref()
	}
	return BoxImage(m.Box)
}

// image is an image by the name machines use and by its ID (its content).
type image struct {
	Ref, ID string
}

// ensureImage returns the image for m, making it when it is missing: pulled
// (docker.image), built from a folder (docker.build) or made from the box.
// Each image is made once even when many machines need it at once.
func (p *onEngine) ensureImage(ctx context.Context, m *spec.Machine, o *Options) (image, error) {
	ref := p.imageRef(m, o)
	r, isRecipe, recipeErr := recipeFor(m.Box, o, p.userCatalog())
	id, err, _ := p.images.Do(ref, func() (any, error) {
		if info, err := p.c.ImageInspect(ctx, ref); err == nil {
			return info.ID, nil
		} else if !isNotFound(err) {
			return nil, fmt.Errorf("inspect image %s: %w", ref, explain(p.ep, err))
		}
		var err error
		copied := false
		if o.Image == "" && o.Build == "" {
			copied, err = p.copyImage(ctx, ref)
		}
		switch {
		case copied || err != nil:
		case o.Image != "":
			err = p.pull(ctx, ref)
		case o.Build != "":
			err = p.build(ctx, m.Name, ref, o)
		case recipeErr == nil && isRecipe:
			err = p.buildRecipe(ctx, m.Name, r)
		default:
			err = p.buildBox(ctx, m.Box, ref)
		}
		if err != nil {
			return nil, err
		}
		info, err := p.c.ImageInspect(ctx, ref)
		if err != nil {
			return nil, fmt.Errorf("inspect image %s: %w", ref, explain(p.ep, err))
		}
		return info.ID, nil
	})
	if err != nil {
		return image{}, err
	}
	return image{Ref: ref, ID: id.(string)}, nil
}

func (p *onEngine) pull(ctx context.Context, ref string) error {
	p.env.UI.Infof("", "pulling image %s", ref)
	rc, err := p.c.ImagePull(ctx, ref, dimage.PullOptions{})
	if err != nil {
		return fmt.Errorf("image %s is not here and could not be pulled: %w", ref, err)
	}
	defer rc.Close()
	if err := p.followJSON(rc, "pull"); err != nil {
		return fmt.Errorf("pull %s: %w", ref, err)
	}
	return nil
}

// build builds o.Build through the API; the tag is a hash of the folder, so
// an unchanged folder is never built twice.
func (p *onEngine) build(ctx context.Context, machine, ref string, o *Options) error {
	p.env.UI.Infof(machine, "building image %s from %s", ref, o.Build)
	var buf bytes.Buffer
	if err := tarDir(&buf, o.Build); err != nil {
		return err
	}
	resp, err := p.c.ImageBuild(ctx, &buf, build.ImageBuildOptions{
		Tags:        []string{ref},
		Dockerfile:  o.Dockerfile,
		Remove:      true,
		ForceRemove: true,
		Labels:      map[string]string{LabelProject: p.env.Project},
	})
	if err != nil {
		return fmt.Errorf("build %s: %w", o.Build, err)
	}
	defer resp.Body.Close()
	if err := p.followJSON(resp.Body, "build"); err != nil {
		return fmt.Errorf("build %s: %w", o.Build, err)
	}
	return nil
}

// buildRecipe builds box recipe r (catalog.go) through the API, its
// output shown as the build goes.
func (p *onEngine) buildRecipe(ctx context.Context, machine string, r recipe) error {
	ref := r.ref()
	p.env.UI.Infof("box", "making image %s for box %s: %s with the %s recipe (once; cached by content)", ref, r.Box, r.Base, r.Family)
	timing.Note(ctx, "making box image "+r.Box)
	data, err := r.tar()
	if err != nil {
		return err
	}
	resp, err := p.c.ImageBuild(ctx, bytes.NewReader(data), build.ImageBuildOptions{
		Tags: []string{ref}, Remove: true, ForceRemove: true,
		Labels: map[string]string{"io.envrun.box": r.Box, "io.envrun.box.base": r.Base, "io.envrun.box.family": r.Family},
	})
	if err != nil {
		return fmt.Errorf("box %s: build the %s recipe on %s: %w", r.Box, r.Family, r.Base, explain(p.ep, err))
	}
	defer resp.Body.Close()
	if err := p.followJSON(resp.Body, "box"); err != nil {
		return fmt.Errorf("box %s: the %s recipe on %s failed: %w", r.Box, r.Family, r.Base, err)
	}
	p.env.UI.Infof("box", "made image %s", ref)
	return nil
}

// followJSON prints the progress of a pull or build and returns its error.
func (p *onEngine) followJSON(r io.Reader, scope string) error {
	dec := json.NewDecoder(r)
	for {
		var msg struct {
			Stream string `json:"stream"`
			Status string `json:"status"`
			Error  string `json:"error"`
		}
		if err := dec.Decode(&msg); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if msg.Error != "" {
			return errors.New(strings.TrimSpace(msg.Error))
		}
		if line := strings.TrimRight(msg.Stream+msg.Status, "\n"); line != "" {
			p.env.UI.Infof(scope, "%s", line)
		}
	}
}

// buildBox makes a box image: from the official Debian image where a
// registry answers, else from Debian's packages with debootstrap.
func (p *onEngine) buildBox(ctx context.Context, box, ref string) error {
	distro, suite, ok := strings.Cut(box, "/")
	if !ok || distro != "debian" {
		return fmt.Errorf("box %q has no image %s here, and envrun makes only debian/SUITE boxes itself: build it, or set docker.image", box, ref)
	}
	p.env.UI.Infof("box", "image %s for box %s is missing: making it (once)", ref, box)
	timing.Note(ctx, "making box image "+box)
	err := p.buildBoxFromRegistry(ctx, suite, ref)
	if err == nil {
		return nil
	}
	p.env.UI.Infof("box", "no registry answered (%v); using debootstrap with Debian's packages", err)
	return p.buildBoxWithDebootstrap(ctx, box, suite, ref)
}

func (p *onEngine) buildBoxFromRegistry(ctx context.Context, suite, ref string) error {
	dockerfile := fmt.Sprintf(`FROM debian:%s
COPY box-configure.sh /tmp/
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends %s \
 && sh -eu /tmp/box-configure.sh && rm /tmp/box-configure.sh
CMD ["/usr/sbin/sshd","-D","-e"]
`, suite, strings.Join(boxkit.BoxPackages(), " "))
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, data := range map[string][]byte{"Dockerfile": []byte(dockerfile), "box-configure.sh": boxkit.BoxConfigure()} {
		if err := writeTar(tw, name, 0o644, 0, 0, data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	resp, err := p.c.ImageBuild(ctx, &buf, build.ImageBuildOptions{
		Tags: []string{ref}, Remove: true, ForceRemove: true,
		Labels: map[string]string{"io.envrun.box": "debian/" + suite},
	})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return p.followJSON(resp.Body, "box")
}

func (p *onEngine) buildBoxWithDebootstrap(ctx context.Context, box, suite, ref string) error {
	if _, err := exec.LookPath("debootstrap"); err != nil {
		return fmt.Errorf("cannot make the image for box %s: no registry answered and debootstrap is not installed (sudo apt-get install debootstrap)", box)
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("cannot make the image for box %s: no registry answered, and debootstrap needs root: run `sudo scripts/build-box.sh %s %s` once", box, ref, suite)
	}
	dir, err := os.MkdirTemp("", "envrun-box-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	tarball := filepath.Join(dir, "rootfs.tar")
	out := p.env.UI.Writer("box", 0)
	defer out.Close()
	if err := boxkit.RunKit(ctx, dir, "build-box.sh", []string{"--tar", tarball, suite}, out); err != nil {
		return fmt.Errorf("debootstrap of %s failed: %w", box, err)
	}
	f, err := os.Open(tarball)
	if err != nil {
		return err
	}
	defer f.Close()
	rc, err := p.c.ImageImport(ctx, dimage.ImportSource{Source: f, SourceName: "-"}, ref, dimage.ImportOptions{
		Changes: []string{`CMD ["/usr/sbin/sshd","-D","-e"]`, "LABEL io.envrun.box=" + box},
	})
	if err != nil {
		return fmt.Errorf("import %s: %w", ref, err)
	}
	defer rc.Close()
	if err := p.followJSON(rc, "box"); err != nil {
		return fmt.Errorf("import %s: %w", ref, err)
	}
	p.env.UI.Infof("box", "made image %s", ref)
	return nil
}

// hashDir hashes the names, modes and contents of every file under dir.
func hashDir(dir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%o\x00", rel, info.Mode())
		if d.Type().IsRegular() {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := io.Copy(h, f); err != nil {
				return err
			}
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16], err
}

// tarDir writes dir as a tar stream (a build context).
func tarDir(w io.Writer, dir string) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if rel == "." {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		if d.Type()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(path); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(rel)
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if d.Type().IsRegular() {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(tw, bufio.NewReader(f))
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tw.Close()
}
