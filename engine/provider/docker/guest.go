package docker

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/envrun/envrun/engine/provider"
	"github.com/envrun/envrun/engine/spec"
	"github.com/envrun/envrun/internal/shquote"
)

// A Docker machine should behave like a VM where scripts written for
// Vagrant look: its network interfaces and the files Docker manages.
//
// /etc/hosts, /etc/hostname and /etc/resolv.conf: Docker bind-mounts its
// own copies over them, so a rename onto them (how Ansible's lineinfile,
// copy and template write) fails with "Device or resource busy", and
// whatever is written there is lost at the next start. In an envrun
// container they are symbolic links into /run/envrun/, and /run is a
// tmpfs: at each start Docker mounts its copies there, in the fresh tmpfs,
// not over /etc. The start-up script then points /run/envrun/ at plain
// files in /etc/envrun/ (seeded from Docker's copies at the first start),
// which are the machine's own: renamed onto, edited, kept across restarts.
//
// Interfaces: Docker joins a container to its networks by name order at
// start (and puts the default route on the first by name), not in the
// order the Envfile declares them. The start-up script renames them so
// that the first declared network is eth0, the next eth1, and so on, and
// puts the default route on the first declared network that is not
// isolated (or the one docker.default_route names). It needs CAP_NET_ADMIN
// in the container's own network namespace, which machines on two or more
// networks are given.

// etcFiles are the files Docker manages that envrun makes the machine's own.
var etcFiles = []string{"hosts", "hostname", "resolv.conf"}

// etcLinkDir is where the symbolic links of etcFiles point: Docker mounts
// its copies there, in the /run tmpfs.
const etcLinkDir = "/run/envrun"

// setupScript is the shell script a machine's container runs as root at
// each start, before sshd. gateways maps a declared network to its
// gateway ("" for an isolated network).
func setupScript(m *spec.Machine, defaultRoute string, gateways map[string]string, owner *ids) string {
	var b strings.Builder
	if owner != nil && m.User != "root" {
		fmt.Fprintf(&b, `# envrun: the user's uid and gid are its synced folders' owner's on the host
u=%s uid=%d gid=%d
if id "$u" >/dev/null 2>&1 && { [ "$(id -u "$u")" != $uid ] || [ "$(id -g "$u")" != $gid ]; }; then
	if command -v groupmod >/dev/null 2>&1; then
		home=$(getent passwd "$u" | cut -d: -f6) old_uid=$(id -u "$u") old_gid=$(id -g "$u")
		[ "$old_gid" = $gid ] || groupmod -o -g $gid "$(id -gn "$u")"
		# Not usermod -u: it re-owns what the old uid owns under the home, and the
		# synced folders mounted there are the host's files.
		awk -F: -v OFS=: -v u="$u" -v uid=$uid -v gid=$gid '$1 == u { $3 = uid; $4 = gid } 1' /etc/passwd >/etc/passwd.envrun &&
			cat /etc/passwd.envrun >/etc/passwd && rm -f /etc/passwd.envrun
		# The home's own files follow: on its file system, never below a mount point.
		set -f -- -xdev
		for p in $(awk -v h="$home" '$5 == h || index($5, h "/") == 1 { gsub(/\\[0-7][0-7][0-7]/, "?", $5); print $5 }' /proc/self/mountinfo); do
			set -- "$@" -path "$p" -prune -o
		done
		set +f
		find "$home" "$@" -uid $old_uid -exec chown -h $uid {} +
		find "$home" "$@" -gid $old_gid -exec chgrp -h $gid {} +
	else
		echo "envrun: no groupmod in the image: $u keeps its uid, and may not write its synced folders" >&2
	fi
fi
`, shquote.Quote(m.User), owner.UID, owner.GID)
	}
	b.WriteString(`# envrun: /etc/hosts, /etc/hostname, /etc/resolv.conf are the machine's own files
if [ -d /run/envrun ] && [ ! -L /run/envrun/hosts ]; then
	mkdir -p /etc/envrun
	for f in hosts hostname resolv.conf; do
		[ -e /etc/envrun/$f ] || cat /run/envrun/$f >/etc/envrun/$f
	done
	rm -rf /run/envrun.docker
	mv /run/envrun /run/envrun.docker && mkdir /run/envrun &&
	for f in hosts hostname resolv.conf; do ln -s /etc/envrun/$f /run/envrun/$f; done
fi
`)
	if len(m.Networks) < 2 {
		return b.String()
	}
	var ips []string
	for _, a := range m.Networks {
		ips = append(ips, a.IP.String())
	}
	route := ""
	for i, a := range m.Networks {
		if gw := gateways[a.Network]; gw != "" && (a.Network == defaultRoute || defaultRoute == "" && route == "") {
			route = fmt.Sprintf("ip route replace default via %s dev eth%d", gw, i)
			if defaultRoute == "" {
				break
			}
		}
	}
	fmt.Fprintf(&b, `# envrun: interfaces in the order the Envfile declares the networks
ips=%s
if command -v ip >/dev/null 2>&1; then
	dev() { ip -o -4 addr show | awk -v ip="$1" '{ split($4, a, "/"); if (a[1] == ip) { print $2; exit } }'; }
	i=0 ok=1
	for a in $ips; do [ "$(dev $a)" = eth$i ] || ok=; i=$((i+1)); done
	if [ -z "$ok" ]; then
		i=0
		for a in $ips; do d=$(dev $a); ip link set dev "$d" down && ip link set dev "$d" name envrun-if$i; i=$((i+1)); done
		i=0
		for a in $ips; do ip link set dev envrun-if$i name eth$i; ip link set dev eth$i up; i=$((i+1)); done
	fi
	%s
else
	echo "envrun: no ip command (iproute2) in the image: interfaces stay in Docker's order" >&2
fi
`, shquote.Quote(strings.Join(ips, " ")), route)
	return b.String()
}

// sshdCommand is the default command of a machine's container: the setup
// script, then sshd in the foreground, so that the container lives like a
// VM. sshd listens on port (ssh.port) when it is not 22.
func sshdCommand(setup string, port int) []string {
	flags := ""
	if port != 0 && port != spec.DefaultSSHPort {
		flags = " -p " + strconv.Itoa(port)
	}
	return []string{"/bin/sh", "-c", setup + "mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e" + flags}
}

// options decodes machine m's docker table and adds what the provider
// decides for it.
func (p *onEngine) options(m *spec.Machine) (*Options, error) {
	o, err := decodeOptions(m, p.env.Envfile.Dir)
	if err != nil {
		return nil, err
	}
	o.owner = p.folderOwner(m)
	return o, nil
}

// folderOwner is the uid and gid the machine's user takes, so that it can
// write its synced folders (bind mounts show the host's owners):
// provider.FolderOwner's, nil when there is none.
func (p *onEngine) folderOwner(m *spec.Machine) *ids {
	uid, gid, ok := provider.FolderOwner(m)
	if !ok {
		return nil
	}
	return &ids{uid, gid}
}

// warnRootFolders says which synced folders of m the machine's user cannot
// write: those root owns, when envrun runs as root.
func (p *onEngine) warnRootFolders(m *spec.Machine) {
	if os.Getuid() != 0 || m.User == "root" {
		return
	}
	for _, sf := range m.MountedFolders() {
		fi, err := os.Stat(sf.Host)
		if err != nil {
			continue
		}
		if uid, _, ok := provider.FileOwner(fi); ok && uid == 0 && fi.Mode().Perm()&0o002 == 0 {
			p.env.UI.Warnf(m.Name, "synced folder %s is root's on the host: %s in the machine cannot write %s "+
				"(envrun changes no host file's owner; `chown -R USER %s` on the host makes it USER's, and the machine's user takes USER's uid)",
				sf.Host, m.User, sf.Guest, sf.Host)
		}
	}
}

// setupOwnCommand runs the setup script in container id of machine m, just
// started, when m has a command of its own (which does not run it).
func (p *onEngine) setupOwnCommand(ctx context.Context, m *spec.Machine, id string) error {
	o, err := p.options(m)
	if err != nil || o.Cmd == nil {
		return err
	}
	cs, err := buildCreateSpec(p.env.Project, p.env.Envfile, m, o, p.imageRef(m, o), "", "", p.networkName)
	if err != nil {
		return err
	}
	return p.execSetup(ctx, m.Name, id, cs.Setup)
}

// execSetup runs the setup script as root in the running container id.
func (p *onEngine) execSetup(ctx context.Context, machine, id, script string) error {
	done := p.phase(ctx, machine, "setup")
	defer done()
	ex, err := p.c.ContainerExecCreate(ctx, id, container.ExecOptions{
		User: "0", Cmd: []string{"/bin/sh", "-c", script}, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return fmt.Errorf("set up container of %s: %w", machine, err)
	}
	att, err := p.c.ContainerExecAttach(ctx, ex.ID, container.ExecAttachOptions{})
	if err != nil {
		return fmt.Errorf("set up container of %s: %w", machine, err)
	}
	defer att.Close()
	var out bytes.Buffer
	if _, err := stdcopy.StdCopy(&out, &out, att.Reader); err != nil {
		return fmt.Errorf("set up container of %s: %w", machine, err)
	}
	res, err := p.c.ContainerExecInspect(ctx, ex.ID)
	if err != nil {
		return fmt.Errorf("set up container of %s: %w", machine, err)
	}
	if res.ExitCode != 0 {
		return fmt.Errorf("set up container of %s: the setup script exited with status %d: %s", machine, res.ExitCode, strings.TrimSpace(out.String()))
	}
	if s := strings.TrimSpace(out.String()); s != "" {
		p.env.UI.Warnf(machine, "%s", s)
	}
	return nil
}

// keepScript turns an /etc file that a tool replaced by a plain file
// (Ansible's copy and template replace the link) back into the link, its
// content into the machine's own file: else Docker would mount its copy
// over it at the next start. The link is renamed over the file: on
// overlayfs, removing a file that was renamed over one of a lower layer
// shows the lower one again (Docker's empty placeholder).
const keepScript = `[ -d /etc/envrun ] || exit 0
for f in hosts hostname resolv.conf; do
	if [ -f /etc/$f ] && [ ! -L /etc/$f ]; then
		cat /etc/$f >/etc/envrun/$f.new && mv -f /etc/envrun/$f.new /etc/envrun/$f &&
		ln -sfn /run/envrun/$f /etc/.envrun-$f && mv -f /etc/.envrun-$f /etc/$f
	fi
done 2>/dev/null
exit 0`

// keepEtcFiles runs keepScript in machine name's container, when it runs,
// before it is stopped.
func (p *onEngine) keepEtcFiles(ctx context.Context, name string) {
	info, err := p.c.ContainerInspect(ctx, p.containerName(name))
	if err != nil || !info.State.Running || info.Config.Labels[LabelProject] != p.env.Project {
		return
	}
	if err := p.execSetup(ctx, name, info.ID, keepScript); err != nil {
		p.env.UI.Debugf(name, "before stopping: %v", err)
	}
}
