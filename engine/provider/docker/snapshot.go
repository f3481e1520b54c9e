package docker

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	dimage "github.com/docker/docker/api/types/image"

	"github.com/envrun/envrun/engine/pause"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

// Snapshots on Docker: `snapshot save` commits the machine's container to
// an image, tagged envrun-snapshot/PROJECT:MACHINE.SNAPSHOT and labelled
// with the project, the machine, the snapshot's name and the engine's
// provisioning state; the container's own labels (its IP, its host key,
// the fingerprint of the key it authorizes) come along. `snapshot restore`
// replaces the container with one made from that image by the Envfile's
// settings as they are now: the same name, IP and hostname, and the host
// key and authorized keys its file system holds, so the pinned host key
// stays right.
//
// Replacing a container is two calls (remove, create), and envrun may be
// killed between them. Before removing, the snapshot image is tagged
// MACHINE._pending as well; whichever command next makes the machine (up,
// restore, reload) makes it from the pending image, with the snapshot's
// provisioning state, and drops the tag. So a kill -9 there loses nothing.
//
// `reload` of a container whose settings changed is the same dance with a
// hidden snapshot (_reload) of the container as it is, deleted once the
// new container runs: the file system is kept, the settings are new.

// Labels of snapshot images (beside the container's, which they keep).
const (
	LabelSnapshot     = "io.envrun.snapshot"      // the snapshot's name
	LabelSnapshotMeta = "io.envrun.snapshot-meta" // the engine's provisioning state
	LabelSnapshotTime = "io.envrun.snapshot-time" // when saved, RFC 3339 with nanoseconds
	LabelImage        = "io.envrun.image"         // the image the Envfile names for the machine
)

// snapshotRepo is the repository of the project's snapshot images.
func (p *onEngine) snapshotRepo() string { return "envrun-snapshot/" + p.env.Project }

// snapshotRef is the image reference of machine's snapshot snap.
func (p *onEngine) snapshotRef(machine, snap string) string {
	return p.snapshotRepo() + ":" + machine + "." + snap
}

// pendingRef tags the image a machine is to be made from next: set while
// a restore or reload replaces its container.
func (p *onEngine) pendingRef(machine string) string { return p.snapshotRef(machine, "_pending") }

const reloadSnapshot = "_reload"

// hidden snapshots are envrun's own (reload's), never listed.
func hidden(snap string) bool { return strings.HasPrefix(snap, "_") }

// SaveSnapshot commits machine name's container to a snapshot image.
func (p *onEngine) SaveSnapshot(ctx context.Context, name, snap, meta string) error {
	cname := p.containerName(name)
	info, err := p.c.ContainerInspect(ctx, cname)
	switch {
	case isNotFound(err):
		return fmt.Errorf("%s is not created", name)
	case err != nil:
		return fmt.Errorf("inspect container %s: %w", cname, explain(p.ep, err))
	case info.Config.Labels[LabelProject] != p.env.Project:
		return fmt.Errorf("a container named %s exists and is not envrun's", cname)
	}
	// Files that Ansible replaced in /etc become the machine's own again,
	// as before a halt: the snapshot holds them as the machine sees them.
	p.keepEtcFiles(ctx, name)
	cfg := *info.Config
	cfg.Labels = maps.Clone(info.Config.Labels)
	cfg.Labels[LabelSnapshot] = snap
	cfg.Labels[LabelSnapshotMeta] = meta
	cfg.Labels[LabelSnapshotTime] = time.Now().UTC().Format(time.RFC3339Nano)
	if cfg.Labels[LabelImage] == "" {
		cfg.Labels[LabelImage] = info.Config.Image
	}
	done := p.phase(ctx, name, "commit")
	// Pause: a running machine is frozen for the commit, so its file
	// system is saved as of one moment.
	_, err = p.c.ContainerCommit(ctx, info.ID, container.CommitOptions{
		Reference: p.snapshotRef(name, snap),
		Comment:   "envrun snapshot " + snap + " of " + name,
		Pause:     true,
		Config:    &cfg,
	})
	done()
	if err != nil {
		return fmt.Errorf("commit container %s: %w", cname, explain(p.ep, err))
	}
	ref := p.snapshotRef(name, snap)
	if img, err := p.c.ImageInspect(ctx, ref); err == nil && len(img.RootFS.Layers) > maxSnapshotLayers() {
		p.env.UI.Infof(name, "flattening snapshot %s: %d layers deep (each save of a restored machine adds one; Docker stops at about 125)", snap, len(img.RootFS.Layers))
		done := p.phase(ctx, name, "flatten")
		err := p.flatten(ctx, name, ref, &cfg)
		done()
		if err == nil {
			// The deep image, untagged now; not forced: an image a
			// container runs from stays.
			p.c.ImageRemove(ctx, img.ID, dimage.RemoveOptions{PruneChildren: true})
		} else {
			p.env.UI.Warnf(name, "snapshot %s is saved but could not be flattened (%v): a few more saves of restored snapshots may fail with Docker's \"max depth exceeded\"", snap, err)
		}
	}
	return nil
}

// maxSnapshotLayers is how deep a snapshot image grows before a save
// flattens it: a machine restored from a snapshot runs from that image,
// so its next save is one layer deeper, and overlayfs mounts at most about
// 125 layers ("max depth exceeded"). Tests lower it with the undocumented
// ENVRUN_TEST_SNAPSHOT_LAYERS rather than save a hundred times.
func maxSnapshotLayers() int {
	if n, err := strconv.Atoi(os.Getenv("ENVRUN_TEST_SNAPSHOT_LAYERS")); err == nil && n > 0 {
		return n
	}
	return 100
}

// flatten remakes snapshot image ref as two layers, its file system and
// its settings cfg: the file system of a container made from ref (never
// started) is exported and imported as one layer, and a container of that
// is committed with cfg as ref. ref moves to the new image in that last
// call, so a flatten cut off leaves the snapshot as it was; the containers
// it uses have a name of their own, removed first by the next flatten.
func (p *onEngine) flatten(ctx context.Context, machine, ref string, cfg *container.Config) error {
	tmp := p.containerName(machine) + ".flatten"
	remove := func() {
		err := p.c.ContainerRemove(context.WithoutCancel(ctx), tmp, container.RemoveOptions{Force: true})
		if err != nil && !isNotFound(err) {
			p.env.UI.Warnf(machine, "could not remove container %s: %v", tmp, err)
		}
	}
	create := func(image string) (string, error) {
		remove()
		c, err := p.c.ContainerCreate(ctx, &container.Config{Image: image, Cmd: []string{"/bin/true"}}, nil, nil, nil, tmp)
		if err != nil {
			return "", fmt.Errorf("create container %s: %w", tmp, explain(p.ep, err))
		}
		return c.ID, nil
	}
	defer remove()
	id, err := create(ref)
	if err != nil {
		return err
	}
	tree, err := p.c.ContainerExport(ctx, id)
	if err != nil {
		return fmt.Errorf("export container %s: %w", tmp, explain(p.ep, err))
	}
	defer tree.Close()
	// Labelled as a hidden snapshot of the machine: destroy removes it if
	// a cut-off flatten leaves it tagged.
	flat := p.snapshotRef(machine, "_flat")
	rc, err := p.c.ImageImport(ctx, dimage.ImportSource{Source: tree, SourceName: "-"}, flat, dimage.ImportOptions{
		Changes: []string{fmt.Sprintf("LABEL %s=%q %s=%q %s=_flat", LabelProject, p.env.Project, LabelMachine, machine, LabelSnapshot)},
	})
	if err == nil {
		defer rc.Close()
		err = p.followJSON(rc, machine)
	}
	if err != nil {
		return fmt.Errorf("import the file system of %s: %w", ref, explain(p.ep, err))
	}
	// Untagged once committed upon: the new snapshot image holds it.
	defer p.c.ImageRemove(context.WithoutCancel(ctx), flat, dimage.RemoveOptions{Force: true})
	if id, err = create(flat); err != nil {
		return err
	}
	if _, err := p.c.ContainerCommit(ctx, id, container.CommitOptions{Reference: ref, Config: cfg}); err != nil {
		return fmt.Errorf("commit container %s: %w", tmp, explain(p.ep, err))
	}
	return nil
}

// snapshotImage inspects machine's snapshot snap (an image reference).
func (p *onEngine) snapshotImage(ctx context.Context, machine, ref string) (dimage.InspectResponse, error) {
	info, err := p.c.ImageInspect(ctx, ref)
	if err != nil {
		return info, err
	}
	if info.Config == nil || info.Config.Labels[LabelProject] != p.env.Project || info.Config.Labels[LabelMachine] != machine {
		return info, fmt.Errorf("image %s is not a snapshot of %s: %w", ref, machine, provider.ErrNoSnapshot)
	}
	return info, nil
}

// RestoreSnapshot replaces machine m's container with one made from
// snapshot snap.
func (p *onEngine) RestoreSnapshot(ctx context.Context, m *spec.Machine, snap string) (*provider.Instance, error) {
	img, err := p.snapshotImage(ctx, m.Name, p.snapshotRef(m.Name, snap))
	if isNotFound(err) {
		return nil, fmt.Errorf("%s has no snapshot %q: %w", m.Name, snap, provider.ErrNoSnapshot)
	} else if err != nil {
		return nil, err
	}
	return p.replace(ctx, m, img.ID)
}

// replace makes machine m's container anew from image id (a snapshot),
// through the pending tag.
func (p *onEngine) replace(ctx context.Context, m *spec.Machine, id string) (*provider.Instance, error) {
	pending := p.pendingRef(m.Name)
	if err := p.c.ImageTag(ctx, id, pending); err != nil {
		return nil, fmt.Errorf("tag %s: %w", pending, explain(p.ep, err))
	}
	if err := pause.At(ctx, "snapshot-pending:"+m.Name); err != nil {
		return nil, err
	}
	if err := p.removeContainers(ctx, m.Name); err != nil {
		return nil, err
	}
	if err := pause.At(ctx, "container-removed:"+m.Name); err != nil {
		return nil, err
	}
	inst, err := p.Up(ctx, m)
	if err != nil {
		return nil, err
	}
	if inst.SnapshotMeta == "" && inst.Created {
		// Up made it from its box: the pending image went meanwhile.
		return nil, fmt.Errorf("%s was made anew from its box: the snapshot image went while restoring", m.Name)
	}
	return inst, nil
}

// removeContainers removes machine name's containers, keeping its
// snapshots.
func (p *onEngine) removeContainers(ctx context.Context, name string) error {
	list, err := p.list(ctx, name)
	if err != nil {
		return err
	}
	for _, c := range list {
		if err := p.remove(ctx, c.ID); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		p.dropUntagged(ctx, c.ImageID)
	}
	return nil
}

// dropUntagged removes image id when it is one of the project's snapshot
// images whose every tag went (its snapshot was deleted while a container
// ran from it): nothing else would ever remove it.
func (p *onEngine) dropUntagged(ctx context.Context, id string) {
	info, err := p.c.ImageInspect(ctx, id)
	if err != nil || info.Config == nil || info.Config.Labels[LabelProject] != p.env.Project ||
		info.Config.Labels[LabelSnapshot] == "" || len(info.RepoTags) > 0 && info.RepoTags[0] != "<none>:<none>" {
		return
	}
	// Not forced: an image another container still runs from stays.
	if _, err := p.c.ImageRemove(ctx, id, dimage.RemoveOptions{PruneChildren: true}); err != nil {
		p.env.UI.Debugf("", "image %s of a deleted snapshot stays: %v", id, err)
	}
}

// pendingImage returns the image machine m is to be made from when a
// restore or reload was cut off, or ok false.
func (p *onEngine) pendingImage(ctx context.Context, m *spec.Machine) (dimage.InspectResponse, bool, error) {
	info, err := p.snapshotImage(ctx, m.Name, p.pendingRef(m.Name))
	switch {
	case isNotFound(err):
		return info, false, nil
	case errors.Is(err, provider.ErrNoSnapshot):
		// Not ours (someone tagged it): ignore it.
		return info, false, nil
	case err != nil:
		return info, false, fmt.Errorf("inspect image %s: %w", p.pendingRef(m.Name), explain(p.ep, err))
	}
	return info, true, nil
}

// dropPending removes the pending tag (and the hidden snapshot it
// pointed at, which was reload's) once the machine is made from it.
func (p *onEngine) dropPending(ctx context.Context, m *spec.Machine, img dimage.InspectResponse) {
	refs := []string{p.pendingRef(m.Name)}
	if snap := img.Config.Labels[LabelSnapshot]; hidden(snap) {
		refs = append(refs, p.snapshotRef(m.Name, snap))
	}
	for _, ref := range refs {
		if _, err := p.c.ImageRemove(ctx, ref, dimage.RemoveOptions{Force: true}); err != nil && !isNotFound(err) {
			p.env.UI.Warnf(m.Name, "could not remove image %s: %v", ref, err)
		}
	}
}

// createFrom makes machine m's container from snapshot image img: the
// Envfile's settings now, the snapshot's file system (host key and
// authorized keys included).
func (p *onEngine) createFrom(ctx context.Context, m *spec.Machine, o *Options, img dimage.InspectResponse) (inst *provider.Instance, err error) {
	labels := img.Config.Labels
	snap := labels[LabelSnapshot]
	// The container is labelled with the environment key's fingerprint:
	// when the snapshot authorizes another (the state folder was made
	// anew since), the key is authorized below, before the start.
	keyFP := fingerprint(p.env.Key.Signer.PublicKey())
	cs, err := buildCreateSpec(p.env.Project, p.env.Envfile, m, o, p.imageRef(m, o), labels[LabelHostKey], keyFP, p.networkName)
	if err != nil {
		return nil, err
	}
	cs.Config.Image = img.ID
	what := "snapshot " + snap
	if hidden(snap) {
		what = "its file system as it was"
	}
	p.env.UI.Infof(m.Name, "creating container %s from %s", cs.Name, what)
	done := p.phase(ctx, m.Name, "create")
	resp, err := p.c.ContainerCreate(ctx, cs.Config, cs.HostConfig, cs.Network, nil, cs.Name)
	if err != nil {
		if cerrdefs.IsConflict(err) {
			return nil, fmt.Errorf("create container %s: %w: %w", cs.Name, errNameTaken, err)
		}
		return nil, fmt.Errorf("create container %s: %w", cs.Name, explain(p.ep, err))
	}
	defer func() {
		if err != nil {
			cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
			defer cancel()
			if rmErr := p.remove(cleanup, resp.ID); rmErr != nil {
				p.env.UI.Warnf(m.Name, "could not remove the half-made container %s: %v", cs.Name, rmErr)
			}
		}
	}()
	if err = pause.At(ctx, "container-created:"+m.Name); err != nil {
		return nil, err
	}
	for _, c := range cs.Connect {
		if err := p.c.NetworkConnect(ctx, c.Network, resp.ID, c.Endpoint); err != nil {
			return nil, fmt.Errorf("connect %s to %s: %w", cs.Name, c.Network, err)
		}
	}
	done()
	if err := p.linkEtc(ctx, resp.ID); err != nil {
		return nil, err
	}
	if labels[LabelKey] != keyFP {
		if err := p.authorize(ctx, resp.ID, image{Ref: img.ID, ID: img.ID}, m.User); err != nil {
			return nil, err
		}
	}
	done = p.phase(ctx, m.Name, "start")
	if err := p.c.ContainerStart(ctx, resp.ID, container.StartOptions{}); err != nil {
		return nil, fmt.Errorf("start container %s: %w", cs.Name, err)
	}
	done()
	if o.Cmd != nil {
		if err := p.execSetup(ctx, m.Name, resp.ID, cs.Setup); err != nil {
			return nil, err
		}
	}
	inst, err = p.instance(m, resp.ID, cs.Config.Labels)
	if err != nil {
		return nil, err
	}
	inst.Created, inst.Started = true, true
	inst.SnapshotMeta = labels[LabelSnapshotMeta]
	if inst.Addr == "" {
		info, err := p.c.ContainerInspect(ctx, resp.ID)
		if err != nil {
			return nil, err
		}
		if ip := info.NetworkSettings.IPAddress; ip == "" {
			return nil, fmt.Errorf("container %s has no IP address", cs.Name)
		} else {
			inst.Addr = sshAddr(ip, cs.Config.Labels)
		}
	}
	return inst, nil
}

// Snapshots lists the project's snapshot images (of machine, or all).
func (p *onEngine) Snapshots(ctx context.Context, machine string) ([]provider.SnapshotInfo, error) {
	f := filters.NewArgs(filters.Arg("label", LabelProject+"="+p.env.Project), filters.Arg("label", LabelSnapshot))
	if machine != "" {
		f.Add("label", LabelMachine+"="+machine)
	}
	list, err := p.c.ImageList(ctx, dimage.ListOptions{Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list images: %w", explain(p.ep, err))
	}
	var out []provider.SnapshotInfo
	for _, im := range list {
		// An image may carry several of the project's tags (a pending
		// restore's, a snapshot saved twice under one name is not): each
		// snapshot tag of its machine is one snapshot.
		m := im.Labels[LabelMachine]
		created, err := time.Parse(time.RFC3339Nano, im.Labels[LabelSnapshotTime])
		if err != nil {
			created = time.Unix(im.Created, 0)
		}
		for _, tag := range im.RepoTags {
			repo, t, ok := strings.Cut(tag, ":")
			name, ok2 := strings.CutPrefix(t, m+".")
			if !ok || !ok2 || repo != p.snapshotRepo() || hidden(name) {
				continue
			}
			out = append(out, provider.SnapshotInfo{
				Machine: m, Name: name, Created: created, ID: im.ID, Size: im.Size,
				Meta: im.Labels[LabelSnapshotMeta],
			})
		}
	}
	provider.SortSnapshots(out)
	return out, nil
}

// DeleteSnapshot removes snapshot snap of machine name (its tag; the
// image's layers go when nothing else uses them).
func (p *onEngine) DeleteSnapshot(ctx context.Context, name, snap string) error {
	ref := p.snapshotRef(name, snap)
	if _, err := p.snapshotImage(ctx, name, ref); isNotFound(err) {
		return fmt.Errorf("%s has no snapshot %q: %w", name, snap, provider.ErrNoSnapshot)
	} else if err != nil {
		return err
	}
	if _, err := p.c.ImageRemove(ctx, ref, dimage.RemoveOptions{Force: true, PruneChildren: true}); err != nil && !isNotFound(err) {
		return fmt.Errorf("remove image %s: %w", ref, explain(p.ep, err))
	}
	return nil
}

// removeSnapshots removes every snapshot image of machine name (the
// hidden and pending ones too): Destroy's.
func (p *onEngine) removeSnapshots(ctx context.Context, name string) error {
	f := filters.NewArgs(filters.Arg("label", LabelProject+"="+p.env.Project), filters.Arg("label", LabelSnapshot),
		filters.Arg("label", LabelMachine+"="+name))
	list, err := p.c.ImageList(ctx, dimage.ListOptions{All: true, Filters: f})
	if err != nil {
		return fmt.Errorf("list images: %w", explain(p.ep, err))
	}
	// Newest first: a later snapshot's image is a child of the one it was
	// restored from.
	slices.SortFunc(list, func(a, b dimage.Summary) int { return int(b.Created - a.Created) })
	var errs []error
	for _, im := range list {
		if len(im.RepoTags) == 0 || im.RepoTags[0] == "<none>:<none>" {
			p.dropUntagged(ctx, im.ID)
			continue
		}
		for _, tag := range im.RepoTags {
			if !strings.HasPrefix(tag, p.snapshotRepo()+":") {
				continue
			}
			if _, err := p.c.ImageRemove(ctx, tag, dimage.RemoveOptions{Force: true}); err != nil && !isNotFound(err) {
				errs = append(errs, fmt.Errorf("remove snapshot image %s: %w", tag, err))
			}
		}
	}
	return errors.Join(errs...)
}

// Reload applies m's settings to its container. Unchanged settings: the
// container restarts. Changed settings, same image: the container is
// replaced by one made with the new settings from its own file system (a
// hidden snapshot). A changed image: the container is made anew from it.
func (p *onEngine) Reload(ctx context.Context, m *spec.Machine, meta string) (*provider.Instance, error) {
	name := p.containerName(m.Name)
	info, err := p.c.ContainerInspect(ctx, name)
	switch {
	case isNotFound(err):
		return p.Up(ctx, m)
	case err != nil:
		return nil, fmt.Errorf("inspect container %s: %w", name, explain(p.ep, err))
	case info.Config.Labels[LabelProject] != p.env.Project:
		return nil, fmt.Errorf("a container named %s exists and is not envrun's: remove or rename it", name)
	}
	o, err := p.options(m)
	if err != nil {
		return nil, err
	}
	ref := p.imageRef(m, o)
	cs, err := buildCreateSpec(p.env.Project, p.env.Envfile, m, o, ref, "", "", p.networkName)
	if err != nil {
		return nil, err
	}
	was := info.Config.Labels[LabelImage]
	if was == "" {
		was = info.Config.Image
	}
	switch {
	case cs.Config.Labels[LabelConfig] == info.Config.Labels[LabelConfig]:
		p.env.UI.Infof(m.Name, "settings unchanged: restarting container %s", name)
		if err := p.Halt(ctx, m.Name); err != nil {
			return nil, err
		}
		return p.Up(ctx, m)
	case was != ref:
		p.env.UI.Infof(m.Name, "its image changed (%s, was %s): making the container anew", ref, was)
		if err := p.removeContainers(ctx, m.Name); err != nil {
			return nil, err
		}
		return p.Up(ctx, m)
	}
	p.env.UI.Infof(m.Name, "settings changed: making container %s anew, keeping its file system", name)
	if err := p.Halt(ctx, m.Name); err != nil {
		return nil, err
	}
	if err := p.SaveSnapshot(ctx, m.Name, reloadSnapshot, meta); err != nil {
		return nil, err
	}
	img, err := p.snapshotImage(ctx, m.Name, p.snapshotRef(m.Name, reloadSnapshot))
	if err != nil {
		return nil, err
	}
	return p.replace(ctx, m, img.ID)
}

// Suspend pauses machine name's container (cgroup freezer).
func (p *onEngine) Suspend(ctx context.Context, name string) error {
	if err := p.c.ContainerPause(ctx, p.containerName(name)); err != nil {
		return fmt.Errorf("pause container %s: %w", p.containerName(name), explain(p.ep, err))
	}
	return nil
}

// Resume unpauses machine name's container.
func (p *onEngine) Resume(ctx context.Context, name string) error {
	if err := p.c.ContainerUnpause(ctx, p.containerName(name)); err != nil {
		return fmt.Errorf("unpause container %s: %w", p.containerName(name), explain(p.ep, err))
	}
	return nil
}

var _ interface {
	provider.Snapshotter
	provider.Reloader
	provider.Suspender
} = (*Provider)(nil)
