package docker

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/go-connections/nat"
	"golang.org/x/crypto/ssh"

	"github.com/envrun/envrun/engine/comm"
	"github.com/envrun/envrun/engine/pause"
	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
)

func isNotFound(err error) bool { return cerrdefs.IsNotFound(err) }

// Up creates, or starts, machine m's container.
func (p *onEngine) Up(ctx context.Context, m *spec.Machine) (*provider.Instance, error) {
	// A container whose name is taken although inspect did not find it is
	// one still being made for an envrun killed a moment ago (Docker
	// finishes a creation whose client died): wait for it to show, then
	// treat it like any existing container.
	for range 20 {
		inst, err := p.up(ctx, m)
		if !errors.Is(err, errNameTaken) {
			return inst, err
		}
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-time.After(250 * time.Millisecond):
		}
	}
	return p.up(ctx, m)
}

var errNameTaken = errors.New("a container of that name appeared meanwhile (is another envrun running?)")

func (p *onEngine) up(ctx context.Context, m *spec.Machine) (*provider.Instance, error) {
	name := p.containerName(m.Name)
	done := p.phase(ctx, m.Name, "inspect")
	info, err := p.c.ContainerInspect(ctx, name)
	done()
	switch {
	case isNotFound(err):
		return p.create(ctx, m)
	case err != nil:
		return nil, fmt.Errorf("inspect container %s: %w", name, explain(p.ep, err))
	case info.Config.Labels[LabelProject] != p.env.Project:
		return nil, fmt.Errorf("a container named %s exists and is not envrun's: remove or rename it", name)
	case info.State.Status == "created":
		// Created but never started: an earlier run was cut off before the
		// container was set up. It holds nothing of value; make it anew.
		p.env.UI.Debugf(m.Name, "removing container %s left half-made by an interrupted run", name)
		if err := p.remove(ctx, info.ID); err != nil {
			return nil, err
		}
		return p.create(ctx, m)
	}
	inst, err := p.instance(m, info.ID, info.Config.Labels)
	if err != nil {
		return nil, err
	}
	if info.State.Paused {
		// Suspended: up resumes it, as Vagrant's does.
		p.env.UI.Infof(m.Name, "resuming container %s", name)
		if err := p.Resume(ctx, m.Name); err != nil {
			return nil, err
		}
		inst.Started = true
	}
	// The engine pins the key the container was made with unless the
	// container holds another now (the user changed it deliberately and
	// forgot the old pin, as the changed-key error advises): it reads the
	// key through the API only when nothing is pinned for this container,
	// so that a no-op up of 20 machines does not mount 20 file systems.
	made := inst.HostKey
	inst.HostKey = nil
	inst.ReadHostKey = func(ctx context.Context) (ssh.PublicKey, error) {
		key, err := p.hostKeyIn(ctx, info.ID)
		if err == nil || made == nil {
			return key, err
		}
		p.env.UI.Debugf(m.Name, "host key of %s not readable through the API (%v); using the one it was made with", name, err)
		return made, nil
	}
	p.warnDrift(ctx, m, info.Config.Labels)
	if info.Config.Labels[LabelKey] != fingerprint(p.env.Key.Signer.PublicKey()) {
		// The environment key was made anew (.envrun/ lost): authorize it.
		if err := p.authorize(ctx, info.ID, image{Ref: info.Config.Image, ID: info.Image}, m.User); err != nil {
			return nil, err
		}
	}
	if info.State.Running {
		return inst, nil
	}
	p.env.UI.Infof(m.Name, "starting container %s (was %s)", name, info.State.Status)
	done = p.phase(ctx, m.Name, "start")
	if err := p.c.ContainerStart(ctx, info.ID, container.StartOptions{}); err != nil {
		return nil, fmt.Errorf("start container %s: %w", name, err)
	}
	done()
	if err := p.setupOwnCommand(ctx, m, info.ID); err != nil {
		return nil, err
	}
	inst.Started = true
	return inst, nil
}

// instance describes the container id as an Instance.
func (p *onEngine) instance(m *spec.Machine, id string, labels map[string]string) (*provider.Instance, error) {
	inst := &provider.Instance{ID: id, User: m.User}
	if ip := labels[LabelIP]; ip != "" {
		inst.Addr = sshAddr(ip, labels)
	}
	if hk := labels[LabelHostKey]; hk != "" {
		key, err := comm.ParsePublicKey(hk)
		if err != nil {
			return nil, fmt.Errorf("container of %s has a damaged host key label: %w", m.Name, err)
		}
		inst.HostKey = key
	}
	return inst, nil
}

// warnDrift says when the Envfile would now make m's container differently.
func (p *onEngine) warnDrift(ctx context.Context, m *spec.Machine, labels map[string]string) {
	o, err := p.options(m)
	if err != nil {
		return
	}
	cs, err := buildCreateSpec(p.env.Project, p.env.Envfile, m, o, p.imageRef(m, o), "", "", p.networkName)
	if err != nil || cs.Config.Labels[LabelConfig] == labels[LabelConfig] {
		return
	}
	p.env.UI.Warnf(m.Name, "its settings in the Envfile changed since the container was made; "+
		"`envrun reload %s` applies them, keeping its file system", m.Name)
}

// create makes and starts m's container. When a host port is taken and
// the machine lets envrun pick another (auto_correct), it is made again
// with Docker choosing those ports.
func (p *onEngine) create(ctx context.Context, m *spec.Machine) (*provider.Instance, error) {
	inst, err := p.createOnce(ctx, m, false)
	if errors.Is(err, errPortTaken) && slices.ContainsFunc(m.Ports, func(pt spec.Port) bool { return pt.AutoCorrect }) {
		p.env.UI.Infof(m.Name, "a host port is taken (%v); letting Docker pick free ones for the ports with auto_correct", err)
		return p.createOnce(ctx, m, true)
	}
	return inst, err
}

var errPortTaken = errors.New("host port taken")

// portTaken reports whether a start failed because a host port is taken.
func portTaken(err error) bool {
	s := err.Error()
	return strings.Contains(s, "port is already allocated") || strings.Contains(s, "address already in use")
}

// autoCorrect lets Docker pick the host port of each auto_correct port of
// m that another machine of the Envfile claims (every one, with all):
// the two would otherwise race for it.
func autoCorrect(ef *spec.Envfile, m *spec.Machine, hc *container.HostConfig, all bool) {
	for _, pt := range m.Ports {
		if !pt.AutoCorrect || !all && !claimedElsewhere(ef, m, pt) {
			continue
		}
		port, err := nat.NewPort(pt.Protocol, strconv.Itoa(pt.Guest))
		if err != nil {
			continue
		}
		for i, b := range hc.PortBindings[port] {
			if b.HostIP == pt.HostIP && b.HostPort == strconv.Itoa(pt.Host) {
				hc.PortBindings[port][i].HostPort = ""
			}
		}
	}
}

func claimedElsewhere(ef *spec.Envfile, m *spec.Machine, pt spec.Port) bool {
	for _, other := range ef.Machines {
		if other == m {
			continue
		}
		for _, q := range other.Ports {
			if !q.AutoCorrect && pt.Conflicts(q) {
				return true
			}
		}
	}
	return false
}

func (p *onEngine) createOnce(ctx context.Context, m *spec.Machine, freePorts bool) (inst *provider.Instance, err error) {
	o, err := p.options(m)
	if err != nil {
		return nil, err
	}
	// A restore or reload cut off after removing the old container left
	// the image to make it from.
	if img, ok, err := p.pendingImage(ctx, m); err != nil {
		return nil, err
	} else if ok {
		for _, sf := range m.MountedFolders() {
			if err := os.MkdirAll(sf.Host, 0o755); err != nil {
				return nil, fmt.Errorf("synced folder: %w", err)
			}
		}
		o.owner = p.folderOwner(m)
		inst, err := p.createFrom(ctx, m, o, img)
		if err != nil {
			return nil, err
		}
		p.dropPending(ctx, m, img)
		return inst, nil
	}
	done := p.phase(ctx, m.Name, "image")
	img, err := p.ensureImage(ctx, m, o)
	if err != nil {
		return nil, err
	}
	done()
	for _, sf := range m.MountedFolders() {
		if err := os.MkdirAll(sf.Host, 0o755); err != nil {
			return nil, fmt.Errorf("synced folder: %w", err)
		}
	}
	o.owner = p.folderOwner(m) // the folders exist now
	p.warnRootFolders(m)
	hostPriv, hostPub, err := comm.NewHostKey()
	if err != nil {
		return nil, err
	}
	cs, err := buildCreateSpec(p.env.Project, p.env.Envfile, m, o, img.Ref,
		comm.FormatPublicKey(hostPub), fingerprint(p.env.Key.Signer.PublicKey()), p.networkName)
	if err != nil {
		return nil, err
	}
	// After the config label was taken: the ports picked are not settings.
	autoCorrect(p.env.Envfile, m, cs.HostConfig, freePorts)
	p.env.UI.Infof(m.Name, "creating container %s from %s", cs.Name, img.Ref)
	done = p.phase(ctx, m.Name, "create")
	resp, err := p.c.ContainerCreate(ctx, cs.Config, cs.HostConfig, cs.Network, nil, cs.Name)
	if err != nil {
		if cerrdefs.IsConflict(err) {
			return nil, fmt.Errorf("create container %s: %w: %w", cs.Name, errNameTaken, err)
		}
		return nil, fmt.Errorf("create container %s: %w", cs.Name, explain(p.ep, err))
	}
	// From here on, a failure (or Ctrl-C) removes the container again, so
	// nothing half-made stays behind.
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
	done = p.phase(ctx, m.Name, "keys")
	if err := p.install(ctx, resp.ID, img, m.User, hostPriv, hostPub); err != nil {
		return nil, err
	}
	done()
	done = p.phase(ctx, m.Name, "start")
	if err := p.c.ContainerStart(ctx, resp.ID, container.StartOptions{}); err != nil {
		if portTaken(err) {
			return nil, fmt.Errorf("start container %s: %w: %w", cs.Name, errPortTaken, err)
		}
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
	if inst.Addr == "" {
		// No static network: SSH goes to the address Docker gave it.
		info, err := p.c.ContainerInspect(ctx, resp.ID)
		if err != nil {
			return nil, err
		}
		if ip := info.NetworkSettings.IPAddress; ip != "" {
			inst.Addr = sshAddr(ip, cs.Config.Labels)
		} else {
			return nil, fmt.Errorf("container %s has no IP address", cs.Name)
		}
	}
	return inst, nil
}

// hostKeyIn reads the container's ed25519 host key through the API.
func (p *onEngine) hostKeyIn(ctx context.Context, id string) (ssh.PublicKey, error) {
	rc, _, err := p.c.CopyFromContainer(ctx, id, "/etc/ssh/ssh_host_ed25519_key.pub")
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	if _, err := tr.Next(); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(tr, 16<<10))
	if err != nil {
		return nil, err
	}
	return comm.ParsePublicKey(string(data))
}

// install writes the host key and the user's authorized_keys into the
// container through the API, before sshd first starts: no well-known key is
// ever needed, and the host key is known before the first connection.
func (p *onEngine) install(ctx context.Context, id string, img image, user string, hostPriv []byte, hostPub ssh.PublicKey) error {
	pw, err := p.lookupUser(ctx, id, img, user)
	if err != nil {
		return err
	}
	files := []struct {
		name     string
		mode     int64
		uid, gid int
		data     []byte
	}{
		{"etc/ssh/ssh_host_ed25519_key", 0o600, 0, 0, hostPriv},
		{"etc/ssh/ssh_host_ed25519_key.pub", 0o644, 0, 0, []byte(comm.FormatPublicKey(hostPub) + "\n")},
	}
	return p.copyIn(ctx, id, "install SSH keys and /etc links", func(tw *tar.Writer) error {
		for _, f := range files {
			if err := writeTar(tw, f.name, f.mode, f.uid, f.gid, f.data); err != nil {
				return err
			}
		}
		if err := p.writeAuthorizedKeys(tw, pw); err != nil {
			return err
		}
		return writeEtcLinks(tw)
	})
}

// copyIn copies what write puts in a tar stream into container id, at
// its root; what names it in the error.
func (p *onEngine) copyIn(ctx context.Context, id, what string, write func(tw *tar.Writer) error) error {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := write(tw); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := p.c.CopyToContainer(ctx, id, "/", &buf, container.CopyToContainerOptions{}); err != nil {
		return fmt.Errorf("%s in container: %w", what, err)
	}
	return nil
}

// writeEtcLinks writes the links of etcFiles into etcLinkDir (see
// guest.go). They go into each new container's own layer before its first
// start, also one made from a snapshot whose file system has them: Docker
// puts empty placeholders of those files in a layer between the image and
// the container's own, which hide the image's links.
func writeEtcLinks(tw *tar.Writer) error {
	for _, f := range etcFiles {
		hdr := &tar.Header{Typeflag: tar.TypeSymlink, Name: "etc/" + f, Linkname: etcLinkDir + "/" + f, Mode: 0o777, ModTime: time.Now()}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
	}
	return nil
}

// linkEtc writes the links of etcFiles into container id, made from a
// snapshot and not yet started (see writeEtcLinks).
func (p *onEngine) linkEtc(ctx context.Context, id string) error {
	return p.copyIn(ctx, id, "write the /etc links", writeEtcLinks)
}

// authorize (re)writes the user's authorized_keys with the current env key.
func (p *onEngine) authorize(ctx context.Context, id string, img image, user string) error {
	pw, err := p.lookupUser(ctx, id, img, user)
	if err != nil {
		return err
	}
	err = p.copyIn(ctx, id, "authorize the environment key", func(tw *tar.Writer) error { return p.writeAuthorizedKeys(tw, pw) })
	if err != nil {
		return err
	}
	p.env.UI.Infof("", "authorized the environment's new key for %s", user)
	return nil
}

func (p *onEngine) writeAuthorizedKeys(tw *tar.Writer, pw passwdEntry) error {
	home := strings.TrimPrefix(pw.Home, "/")
	hdr := &tar.Header{Typeflag: tar.TypeDir, Name: home + "/.ssh/", Mode: 0o700, Uid: pw.UID, Gid: pw.GID, ModTime: time.Now()}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	return writeTar(tw, home+"/.ssh/authorized_keys", 0o600, pw.UID, pw.GID, []byte(p.env.Key.AuthorizedKey()))
}

func writeTar(tw *tar.Writer, name string, mode int64, uid, gid int, data []byte) error {
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Uid: uid, Gid: gid, Size: int64(len(data)), ModTime: time.Now()}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err := tw.Write(data)
	return err
}

// lookupUser returns user's entry in /etc/passwd of img: from the users
// cache when the image was seen before (here or in an earlier run), else
// read out of container id, once however many machines ask at once.
func (p *onEngine) lookupUser(ctx context.Context, id string, img image, user string) (passwdEntry, error) {
	key := img.ID + " " + user
	if pw, ok := p.users.get(key); ok {
		return pw, nil
	}
	v, err, _ := p.userLookups.Do(key, func() (any, error) {
		if pw, ok := p.users.get(key); ok {
			return pw, nil
		}
		rc, _, err := p.c.CopyFromContainer(ctx, id, "/etc/passwd")
		if err != nil {
			return nil, fmt.Errorf("read /etc/passwd of %s: %w", img.Ref, err)
		}
		defer rc.Close()
		tr := tar.NewReader(rc)
		if _, err := tr.Next(); err != nil {
			return nil, fmt.Errorf("read /etc/passwd of %s: %w", img.Ref, err)
		}
		pw, err := parsePasswd(tr, user)
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", img.Ref, err)
		}
		p.users.put(key, pw)
		return pw, nil
	})
	if err != nil {
		return passwdEntry{}, err
	}
	return v.(passwdEntry), nil
}

func parsePasswd(r io.Reader, user string) (passwdEntry, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) < 7 || f[0] != user {
			continue
		}
		uid, err1 := strconv.Atoi(f[2])
		gid, err2 := strconv.Atoi(f[3])
		if err := errors.Join(err1, err2); err != nil {
			return passwdEntry{}, fmt.Errorf("bad /etc/passwd entry for %s: %w", user, err)
		}
		return passwdEntry{UID: uid, GID: gid, Home: f[5]}, nil
	}
	return passwdEntry{}, fmt.Errorf("user %q does not exist in the image: set the machine's user, or make the image create it", user)
}

func fingerprint(k ssh.PublicKey) string { return ssh.FingerprintSHA256(k) }

func (p *onEngine) remove(ctx context.Context, id string) error {
	err := p.c.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("remove container: %w", err)
	}
	return nil
}

// Halt stops the container: sshd ends at SIGTERM; after 10 s it is killed.
// A suspended (paused) container is resumed first, to stop cleanly.
func (p *onEngine) Halt(ctx context.Context, name string) error {
	if info, err := p.c.ContainerInspect(ctx, p.containerName(name)); err == nil && info.State.Paused && info.Config.Labels[LabelProject] == p.env.Project {
		if err := p.Resume(ctx, name); err != nil {
			return err
		}
	}
	p.keepEtcFiles(ctx, name)
	timeout := 10
	err := p.c.ContainerStop(ctx, p.containerName(name), container.StopOptions{Timeout: &timeout})
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("stop container %s: %w", p.containerName(name), explain(p.ep, err))
	}
	return nil
}

// Destroy removes the container of machine name, found by its labels,
// and its snapshots.
func (p *onEngine) Destroy(ctx context.Context, name string) error {
	if err := p.removeContainers(ctx, name); err != nil {
		return err
	}
	return p.removeSnapshots(ctx, name)
}

func (p *onEngine) list(ctx context.Context, machine string) ([]container.Summary, error) {
	f := filters.NewArgs(filters.Arg("label", LabelProject+"="+p.env.Project))
	if machine != "" {
		f.Add("label", LabelMachine+"="+machine)
	}
	list, err := p.c.ContainerList(ctx, container.ListOptions{All: true, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", explain(p.ep, err))
	}
	return list, nil
}

// Machines lists the environment's containers.
func (p *onEngine) Machines(ctx context.Context) ([]provider.MachineState, error) {
	list, err := p.list(ctx, "")
	if err != nil {
		return nil, err
	}
	out := make([]provider.MachineState, 0, len(list))
	for _, c := range list {
		out = append(out, machineState(c))
	}
	return out, nil
}

// machineState reads a container of a machine as its MachineState.
func machineState(c container.Summary) provider.MachineState {
	ms := provider.MachineState{
		Name:    c.Labels[LabelMachine],
		ID:      c.ID,
		IP:      c.Labels[LabelIP],
		User:    c.Labels[LabelUser],
		Details: c.Status,
	}
	switch c.State {
	case "running":
		ms.State = provider.Running
	case "exited", "created", "dead":
		ms.State = provider.Stopped
	case "paused":
		ms.State = provider.Suspended
	default:
		ms.State = provider.Other
	}
	if ms.IP == "" && c.NetworkSettings != nil {
		for _, n := range c.NetworkSettings.Networks {
			if n.IPAddress != "" {
				ms.IP = n.IPAddress
				break
			}
		}
	}
	if ms.IP != "" {
		ms.Addr = sshAddr(ms.IP, c.Labels)
	}
	ms.Ports = boundPorts(c.Ports)
	return ms
}

// boundPorts are a container's published ports, once each (Docker lists
// a port bound on every address twice: for IPv4 and for IPv6), by guest
// port.
func boundPorts(ports []container.Port) []spec.Port {
	var out []spec.Port
	for _, cp := range ports {
		if cp.PublicPort == 0 {
			continue
		}
		pt := spec.Port{Host: int(cp.PublicPort), Guest: int(cp.PrivatePort), Protocol: cp.Type}
		if cp.IP != "0.0.0.0" && cp.IP != "::" && cp.IP != "" {
			pt.HostIP = cp.IP
		}
		if !slices.Contains(out, pt) {
			out = append(out, pt)
		}
	}
	slices.SortFunc(out, func(a, b spec.Port) int {
		if a.Guest != b.Guest {
			return a.Guest - b.Guest
		}
		return a.Host - b.Host
	})
	return out
}
