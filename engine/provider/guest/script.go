package guest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/envrun/envrun/internal/shquote"
)

// Setup is what first contact sets in a new machine's guest, as root.
type Setup struct {
	User    string // the machine's user, who gets the environment key
	BoxUser string // the box's own user, first contact logs in as it
	// AuthorizedKey is the environment key as an authorized_keys line.
	AuthorizedKey string
	// RemoveKeys are the base64 bodies of the keys first contact may have
	// logged in with (Vagrant's insecure keys, a box's own): every line
	// holding one goes from both users' authorized_keys.
	RemoveKeys []string
	Hostname   string // full, as in the Envfile
	Short      string
	HostIP     string // the machine's first static address; "" → 127.0.1.1
	// OldHostIP is the address the guest's names were on before (a
	// reload changed it): its line leaves /etc/hosts.
	OldHostIP string
	// HostKey, when set, makes a new ed25519 host key in the guest (every
	// clone of a box shares the box's) and reports its public half.
	HostKey *HostKeyReport
	Addrs   []Addr
	Mounts  []Mount
	// Owner, when set, is the uid and gid User takes before Mounts are
	// mounted: their owner's on the host (provider.FolderOwner), since
	// virtiofs and 9p show the host's owners to the guest. A VirtualBox
	// shared folder needs none: it is mounted as the user (Mount.Owner).
	Owner *IDs
	// GrowRoot grows the root file system to the end of its disk: the
	// disk is larger than the box's (disk_size).
	GrowRoot bool
	// SSHPort, when set and not 22, is the port sshd listens on after the
	// script (ssh.port): a Port line in envrun's drop-in.
	SSHPort int
}

// HostKeyReport is where the guest writes its new host key's public half,
// as the line "envrun-hostkey NONCE KEY": a device the provider reads
// through the hypervisor (VirtualBox: the serial port, logged to a file
// of the user's), never the SSH connection it was asked over.
type HostKeyReport struct {
	Device string // "/dev/ttyS0"
	Nonce  string // random, so that no earlier line passes for this one
}

// IDs are a uid and a gid.
type IDs struct{ UID, GID int }

// Addr is a static address for the NIC with MAC.
type Addr struct {
	MAC    string // "08:00:27:ae:1f:98"
	Prefix string // "172.20.1.20/24"
}

// Mount is a shared folder, tagged Name, mounted at Guest; Mask, when
// set, is the path under Guest where the environment's .envrun/ appears,
// hidden under an empty read-only tmpfs as the Docker provider hides it.
type Mount struct {
	Name, Guest, Mask string
	// Type is the guest's file system: "" for a VirtualBox shared folder
	// (vboxsf), "virtiofs" or "9p" for libvirt's.
	Type string
	// Options are the mount's own options (9p's transport and message
	// size), before nofail.
	Options string
	// Owner and Group own the folder in the guest (vboxsf's uid and gid):
	// "" is the machine's user and that user's group.
	Owner, Group string
}

// fsModules are the kernel modules a guest file system needs (the
// transport's too: 9p over virtio).
var fsModules = map[string][]string{
	"virtiofs": {"virtiofs"},
	"9p":       {"9p", "9pnet_virtio"},
}

// ReportLine is the line the guest writes for report r with key.
func (r *HostKeyReport) ReportLine(key string) string {
	return "envrun-hostkey " + r.Nonce + " " + key
}

// hostNames are the machine's names in /etc/hosts: the full hostname
// first (what hostname -f answers), then the short one.
func (g *Setup) hostNames() string {
	if g.Short == "" || g.Short == g.Hostname {
		return g.Hostname
	}
	return g.Hostname + " " + g.Short
}

func (g *Setup) hostIP() string {
	if g.HostIP != "" {
		return g.HostIP
	}
	return "127.0.1.1"
}

// AsRoot runs the script on its stdin as root: directly, or with sudo.
const AsRoot = `if [ "$(id -u)" -eq 0 ]; then exec /bin/sh -eu; else exec sudo -n /bin/sh -eu; fi`

// Script is the shell script first contact runs as root (AsRoot, script on
// stdin). Running it twice leaves the guest as once. Network configuration
// is systemd-networkd's when networkd runs (Ubuntu, netplan), else
// ifupdown's (Debian).
func (g *Setup) Script() string {
	q := shquote.Quote
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("set -eu")
	w("export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	w(`fail() { echo "envrun guest setup: $*" >&2; exit 1; }`)
	w("user=%s box_user=%s", q(g.User), q(g.BoxUser))
	w("key=%s", q(strings.TrimSpace(g.AuthorizedKey)))
	w(`home=$(getent passwd "$user" | cut -d: -f6) || true`)
	w(`[ -n "$home" ] || fail "user $user does not exist on the machine: set the machine's user to one the box has"`)
	w(`group=$(id -gn "$user")`)
	w(`box_home=$(getent passwd "$box_user" | cut -d: -f6) || true`)
	w("")
	w("# The environment key is authorized; the keys first contact may have used go, for both users.")
	w(`install -d -m 0700 -o "$user" -g "$group" "$home/.ssh"`)
	w(`ak=$home/.ssh/authorized_keys`)
	w(`touch "$ak"`)
	w(`grep -qxF "$key" "$ak" || printf '%%s\n' "$key" >>"$ak"`)
	w(`chown "$user:$group" "$ak"`)
	w(`chmod 0600 "$ak"`)
	remove := "grep -vF"
	for _, body := range g.RemoveKeys {
		remove += " -e " + q(body)
	}
	w(`for f in "$ak" "${box_home:+$box_home/.ssh/authorized_keys}"; do`)
	w(`	[ -n "$f" ] && [ -f "$f" ] || continue`)
	if len(g.RemoveKeys) > 0 {
		w(`	%s "$f" >"$f.envrun" || true`, remove)
		w(`	cat "$f.envrun" >"$f"`)
		w(`	rm -f "$f.envrun"`)
	}
	w(`done`)
	w("")
	w("# No password logs in any more: the box user's (public) password is replaced by '*', which")
	w("# no password matches ('!' of passwd -l would make sshd refuse keys too when UsePAM is off),")
	w("# and sshd takes keys only. Debian and Ubuntu include sshd_config.d; older sshds get the include.")
	w(`[ -z "$box_home" ] || usermod -p '*' "$box_user"`)
	w(`grep -qsE '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/' /etc/ssh/sshd_config || sed -i '1i Include /etc/ssh/sshd_config.d/*.conf' /etc/ssh/sshd_config`)
	w(`mkdir -p /etc/ssh/sshd_config.d`)
	sshd := "PasswordAuthentication no\\nKbdInteractiveAuthentication no\\n"
	if g.HostKey != nil {
		sshd = "HostKey /etc/ssh/ssh_host_ed25519_key\\n" + sshd
	}
	if g.SSHPort != 0 && g.SSHPort != 22 {
		// The drop-in is read first: its Port wins over a later file's
		// and replaces sshd_config's 22 (sshd takes the first value).
		sshd += fmt.Sprintf("Port %d\\n", g.SSHPort)
	}
	w(`printf '%s' >/etc/ssh/sshd_config.d/00-envrun.conf`, sshd)
	if r := g.HostKey; r != nil {
		w("")
		w("# A host key of the machine's own, made here: its private half never leaves the guest. Its")
		w("# public half goes to the provider through %s, not over this connection.", r.Device)
		w(`if [ ! -f /etc/ssh/envrun-hostkey-made ]; then`)
		w(`	rm -f /etc/ssh/ssh_host_ed25519_key.envrun /etc/ssh/ssh_host_ed25519_key.envrun.pub`)
		w(`	ssh-keygen -q -t ed25519 -N '' -C '' -f /etc/ssh/ssh_host_ed25519_key.envrun`)
		w(`	mv -f /etc/ssh/ssh_host_ed25519_key.envrun.pub /etc/ssh/ssh_host_ed25519_key.pub`)
		w(`	mv -f /etc/ssh/ssh_host_ed25519_key.envrun /etc/ssh/ssh_host_ed25519_key`)
		w(`	: >/etc/ssh/envrun-hostkey-made`)
		w(`fi`)
		w(`printf '\n%%s %%s\n' %s "$(cut -d' ' -f1,2 /etc/ssh/ssh_host_ed25519_key.pub)" >%s`, q("envrun-hostkey "+r.Nonce), q(r.Device))
	}
	g.writeHostname(w)
	g.writeAddrs(w, false)
	g.writeOwner(w)
	g.writeMounts(w)
	if g.GrowRoot {
		w("")
		b.WriteString(growRoot)
	}
	w("")
	w("# sshd takes its new settings; this session survives the restart.")
	w(`systemctl restart ssh 2>/dev/null || systemctl restart sshd 2>/dev/null || service ssh restart`)
	return b.String()
}

// writeHostname sets the hostname, and the machine's names in /etc/hosts
// on its static address (g.OldHostIP's line goes: the machine's address
// before a reload).
func (g *Setup) writeHostname(w func(string, ...any)) {
	q := shquote.Quote
	w("")
	w("# Hostname: the short name, as Debian and Vagrant set it; hostname -f answers the full one,")
	w("# from /etc/hosts, where the names are the machine's static address's (127.0.1.1 without one).")
	w("short=%s names=%s hostip=%s", q(g.Short), q(g.hostNames()), q(g.hostIP()))
	if g.OldHostIP == "" {
		w(`awk -v ip="$hostip" '$1 != ip && $1 != "127.0.1.1"' /etc/hosts >/etc/hosts.envrun`)
	} else {
		w(`awk -v ip="$hostip" -v old=%s '$1 != ip && $1 != old && $1 != "127.0.1.1"' /etc/hosts >/etc/hosts.envrun`, q(g.OldHostIP))
	}
	w(`printf '%%s\t%%s\n' "$hostip" "$names" >>/etc/hosts.envrun`)
	w(`cat /etc/hosts.envrun >/etc/hosts`)
	w(`rm -f /etc/hosts.envrun`)
	w(`printf '%%s\n' "$short" >/etc/hostname`)
	w(`hostname "$short"`)
}

// writeAddrs gives each NIC of g.Addrs its static address, from the
// guest's own network configuration (so that a reboot keeps it). prune:
// the files envrun wrote for other interfaces go, their addresses with
// them (a reload that took the machine off a network).
func (g *Setup) writeAddrs(w func(string, ...any), prune bool) {
	q := shquote.Quote
	if len(g.Addrs) == 0 && !prune {
		return
	}
	w("")
	w("# Static addresses, by MAC address.")
	w(`iface_of() { for d in /sys/class/net/*; do [ "$(cat "$d/address" 2>/dev/null)" = "$1" ] && { basename "$d"; return 0; }; done; fail "no network interface has MAC $1"; }`)
	if prune {
		// What envrun configured for a NIC the machine no longer has an
		// address on goes, and that address with it (only that one).
		macs, ifaces := " ", " "
		for _, a := range g.Addrs {
			macs += a.MAC + " "
			ifaces += "$(iface_of " + q(a.MAC) + ") "
		}
		w(`macs=%s ifaces="%s"`, q(macs), ifaces)
		w(`for f in /etc/systemd/network/05-envrun-*.network; do`)
		w(`	[ -e "$f" ] || continue`)
		w(`	mac=$(sed -n 's/^MACAddress=//p' "$f") addr=$(sed -n 's/^Address=//p' "$f")`)
		w(`	case "$macs" in *" $mac "*) continue ;; esac`)
		w(`	rm -f "$f"`)
		w(`	for d in /sys/class/net/*; do`)
		w(`		[ "$(cat "$d/address" 2>/dev/null)" = "$mac" ] && ip addr del "$addr" dev "${d##*/}" 2>/dev/null || true`)
		w(`	done`)
		w(`	networkctl reload 2>/dev/null || true`)
		w(`done`)
		w(`for f in /etc/network/interfaces.d/envrun-*; do`)
		w(`	[ -e "$f" ] || continue`)
		w(`	i=${f##*/envrun-}`)
		w(`	case "$ifaces" in *" $i "*) continue ;; esac`)
		w(`	ifdown "$i" 2>/dev/null || true`)
		w(`	rm -f "$f"`)
		w(`done`)
		if len(g.Addrs) == 0 {
			return
		}
	}
	w(`if systemctl is-active --quiet systemd-networkd 2>/dev/null; then netcfg=networkd`)
	w(`elif command -v ifup >/dev/null 2>&1; then netcfg=ifupdown`)
	w(`else fail "neither systemd-networkd nor ifupdown manages the network: cannot set a static address in this guest"; fi`)
	w(`if [ "$netcfg" = ifupdown ] && ! grep -qsE '^[[:space:]]*source(-directory)?[[:space:]]+/etc/network/interfaces\.d' /etc/network/interfaces; then`)
	w(`	echo 'source /etc/network/interfaces.d/*' >> /etc/network/interfaces`)
	w(`fi`)
	w(`mkdir -p /etc/network/interfaces.d /etc/systemd/network`)
	for _, a := range g.Addrs {
		w("mac=%s addr=%s", q(a.MAC), q(a.Prefix))
		w(`iface=$(iface_of "$mac")`)
		w(`if [ "$netcfg" = networkd ]; then`)
		w(`	printf '[Match]\nMACAddress=%%s\n\n[Network]\nAddress=%%s\n' "$mac" "$addr" > "/etc/systemd/network/05-envrun-$iface.network"`)
		w(`	networkctl reload 2>/dev/null || systemctl restart systemd-networkd`)
		w(`	networkctl reconfigure "$iface" 2>/dev/null || true`)
		w(`else`)
		w(`	# Down with the stanza it was brought up with: ifdown of a changed one leaves the old address.`)
		w(`	ifdown "$iface" 2>/dev/null || true`)
		w(`	printf 'auto %%s\niface %%s inet static\n    address %%s\n' "$iface" "$iface" "$addr" > "/etc/network/interfaces.d/envrun-$iface"`)
		w(`	ifup "$iface"`)
		w(`fi`)
		w(`i=0; until ip -4 -o addr show dev "$iface" | grep -q " $addr "; do`)
		w(`	i=$((i+1)); [ $i -le 50 ] || fail "$iface did not get $addr ($netcfg)"; sleep 0.2`)
		w(`done`)
	}
}

// Rename is the script (as root: AsRoot, on stdin) that sets a guest's
// hostname and /etc/hosts to g's after a reload changed them, or its
// address (the line of g.OldHostIP goes). Running it twice leaves the
// guest as once.
func (g *Setup) Rename() string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("set -eu")
	w("export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	g.writeHostname(w)
	return b.String()
}

// Reconfigure is the script (as root: AsRoot, on stdin) that brings a
// guest set up by Script to g after a reload changed its settings: its
// hostname and /etc/hosts, its static addresses (those of networks it
// left removed), and its shared folders in place of old. Keys, sshd and
// the host key are left as they are. Running it twice leaves the guest as
// once.
func (g *Setup) Reconfigure(old []Mount) string {
	q := shquote.Quote
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("set -eu")
	w("export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	w(`fail() { echo "envrun guest settings: $*" >&2; exit 1; }`)
	w("user=%s", q(g.User))
	g.writeHostname(w)
	g.writeAddrs(w, true)
	writeRemount(w, g.User, old, g.Mounts)
	return b.String()
}

// writeOwner gives g.User the uid and gid g.Owner, when they are not its
// already.
func (g *Setup) writeOwner(w func(string, ...any)) {
	if g.Owner == nil || g.User == "root" {
		return
	}
	w("")
	w("# Synced folders show the host's owners: the user takes their owner's uid and gid (as")
	w("# devcontainers do), before they are mounted. usermod refuses a user who has processes, and")
	w("# this session is the box user's: it runs in a PID namespace of its own, which has none. The")
	w("# session keeps the old uid to its end; first contact does not hand it on. usermod moves the")
	w("# home's files to the new uid, not to the new gid: find does, on the home's file system only.")
	w("uid=%d gid=%d", g.Owner.UID, g.Owner.GID)
	w(`old_gid=$(id -g "$user")`)
	w(`if [ "$(id -u "$user")" != "$uid" ] || [ "$old_gid" != "$gid" ]; then`)
	w(`	command -v usermod >/dev/null && command -v unshare >/dev/null || fail "no usermod or unshare in the machine: $user cannot take uid $uid, the synced folders' owner's on the host"`)
	w(`	[ "$old_gid" = "$gid" ] || groupmod -o -g "$gid" "$group"`)
	w(`	out=$(unshare --pid --fork --mount-proc usermod -o -u "$uid" -g "$gid" "$user" 2>&1) || fail "usermod $user to uid $uid: $out"`)
	w(`	[ "$old_gid" = "$gid" ] || find "$home" -xdev -gid "$old_gid" -exec chown -h ":$gid" {} +`)
	w(`fi`)
}

// writeMounts mounts g.Mounts, each from a line of /etc/fstab.
func (g *Setup) writeMounts(w func(string, ...any)) {
	q := shquote.Quote
	if slices.ContainsFunc(g.Mounts, func(m Mount) bool { return m.Type != "" }) {
		w("")
		w("# A synced folder the guest cannot mount: one line, which the provider reads back (FindFolderFailure).")
		w(`fail_folder() { echo "%s$1: $(printf '%%s' "$2" | tr '\n' ' ')" >&2; exit 1; }`, folderFailPrefix)
	}
	g.writeModules(w)
	for _, m := range g.Mounts {
		w("")
		if m.Type == "" {
			g.writeSharedFolder(w, m)
		} else {
			writeFileSystem(w, m)
		}
		if m.Mask != "" {
			w(`line=%s`, q(maskLine(m)))
			w(`grep -qxF "$line" /etc/fstab || printf '%%s\n' "$line" >>/etc/fstab`)
			w(`[ -d %s ] || fail %s`, q(m.Mask), q("the shared folder "+m.Guest+" has no "+m.Mask+" to hide"))
			w(`mountpoint -q %s || mount %s`, q(m.Mask), q(m.Mask))
		}
	}
}

// maskLine is the /etc/fstab line of the tmpfs that hides m.Mask.
func maskLine(m Mount) string {
	return fmt.Sprintf("tmpfs %s tmpfs ro,size=4k,mode=000,nofail,%s%s 0 0", fstabPath(m.Mask), requiresMountsFor, fstabPath(m.Guest))
}

const requiresMountsFor = "x-systemd.requires-mounts-for="

// Remount is the script (as root: AsRoot, on stdin) that makes a guest
// mount mounts in place of old, the file systems an earlier script (first
// contact, or Remount) wrote in /etc/fstab: a VM redefined by a reload
// with other synced folders. Each of old that is not among mounts (same
// tag, type and guest path) is unmounted and its lines leave /etc/fstab
// (the tmpfs over its .envrun/ too); then mounts are mounted as first
// contact does, those kept being so already. Other lines of /etc/fstab are
// left alone. Running it twice leaves the guest as once.
func Remount(user string, old, mounts []Mount) string {
	q := shquote.Quote
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("set -eu")
	w("export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	w(`fail() { echo "envrun synced folders: $*" >&2; exit 1; }`)
	w("user=%s", q(user))
	writeRemount(w, user, old, mounts)
	return b.String()
}

// writeRemount unmounts what of old is not among mounts, out of
// /etc/fstab, then mounts mounts (Remount).
func writeRemount(w func(string, ...any), user string, old, mounts []Mount) {
	q := shquote.Quote
	kept := map[Mount]bool{}
	for _, m := range mounts {
		kept[Mount{Name: m.Name, Type: m.Type, Guest: m.Guest}] = true
	}
	for _, m := range old {
		if kept[Mount{Name: m.Name, Type: m.Type, Guest: m.Guest}] {
			continue
		}
		w("")
		w("# %s (tag %s) as it was mounted: unmounted (what is under it too), out of /etc/fstab.", m.Guest, m.Name)
		w(`! mountpoint -q %s || umount -R %s || umount -R -l %s`, q(m.Guest), q(m.Guest), q(m.Guest))
		// Through the environment, not awk -v, which would read fstab's
		// \040 as a space.
		w(`tag=%s path=%s req=%s awk '`, q(m.Name), q(fstabPath(m.Guest)), q(requiresMountsFor+fstabPath(m.Guest)))
		w(`	BEGIN { tag = ENVIRON["tag"]; path = ENVIRON["path"]; req = ENVIRON["req"] }`)
		w(`	$1 == tag && $2 == path { next }`)
		w(`	$1 == "tmpfs" && length($4) >= length(req) && substr($4, length($4) - length(req) + 1) == req { next }`)
		w(`	{ print }' /etc/fstab >/etc/fstab.envrun`)
		w(`cat /etc/fstab.envrun >/etc/fstab && rm -f /etc/fstab.envrun`)
	}
	(&Setup{User: user, Mounts: mounts}).writeMounts(w)
}

// SetSSHPort is the script (as root: AsRoot, on stdin) that moves a
// guest's sshd, set up by first contact, to port: the Port line of
// envrun's drop-in is replaced (none for 22), sshd checks the result and
// reloads, and the script waits until it listens on port. If sshd refuses
// the setting or does not listen within 10 s, the drop-in is put back and
// sshd reloaded on its old port. Connections already open, the one the
// script came on too, survive the reload.
func SetSSHPort(port int) string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	w("set -eu")
	w("export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
	w("port=%d f=/etc/ssh/sshd_config.d/00-envrun.conf", port)
	w(`fail() { echo "envrun ssh.port: $*" >&2; exit 1; }`)
	w(`reload() { systemctl reload ssh 2>/dev/null || systemctl reload sshd 2>/dev/null || service ssh reload; }`)
	w(`restore() { cat "$f.was" >"$f"; rm -f "$f.was"; }`)
	w("# Listening on the port: a LISTEN (0A) line of /proc/net/tcp or tcp6 whose local port it is.")
	w(`listening() {`)
	w(`	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |`)
	w(`		awk -v p=":$(printf '%%04X' "$port")" '$4 == "0A" && substr($2, length($2) - 4) == p { found = 1 } END { exit !found }'`)
	w(`}`)
	w(`[ -f "$f" ] || fail "$f is missing: this machine's sshd was not set up by envrun"`)
	w(`cp -p "$f" "$f.was"`)
	w(`{ grep -v '^Port ' "$f.was" || true; [ "$port" = 22 ] || printf 'Port %%s
' "$port"; } >"$f.envrun"`)
	w(`cat "$f.envrun" >"$f" && rm -f "$f.envrun"`)
	w(`if ! out=$(sshd -t 2>&1); then restore; fail "sshd refuses port $port: $out"; fi`)
	w(`reload`)
	w(`i=0`)
	w(`until listening; do`)
	w(`	i=$((i + 1))`)
	w(`	if [ "$i" -gt 50 ]; then restore; reload; fail "sshd does not listen on port $port 10 s after a reload (is the port taken?); it keeps its old port"; fi`)
	w(`	sleep 0.2`)
	w(`done`)
	w(`rm -f "$f.was"`)
	return b.String()
}

// writeSharedFolder mounts VirtualBox shared folder m.
func (g *Setup) writeSharedFolder(w func(string, ...any), m Mount) {
	q := shquote.Quote
	w("# Shared folder %s (needs the VirtualBox Guest Additions), in /etc/fstab so that a reboot", m.Name)
	w("# mounts it again%s.", maskNote(m))
	w(`mkdir -p %s`, q(m.Guest))
	uid, gid := `"$(id -u "$user")"`, `"$(id -g "$user")"`
	if m.Owner != "" {
		w(`id -u %s >/dev/null 2>&1 || fail %s`, q(m.Owner), q("synced folder "+m.Guest+": no user "+m.Owner+" in the machine (owner)"))
		uid, gid = fmt.Sprintf(`"$(id -u %s)"`, q(m.Owner)), fmt.Sprintf(`"$(id -g %s)"`, q(m.Owner))
	}
	if m.Group != "" {
		w(`getent group %s >/dev/null || fail %s`, q(m.Group), q("synced folder "+m.Guest+": no group "+m.Group+" in the machine (group)"))
		gid = fmt.Sprintf(`"$(getent group %s | cut -d: -f3)"`, q(m.Group))
	}
	w(`line=$(printf '%%s %%s vboxsf uid=%%s,gid=%%s,nofail 0 0' %s %s %s %s)`, q(m.Name), q(fstabPath(m.Guest)), uid, gid)
	w(`grep -qxF "$line" /etc/fstab || printf '%%s\n' "$line" >>/etc/fstab`)
	w(`mountpoint -q %s || mount %s || fail %s`, q(m.Guest), q(m.Guest),
		q("cannot mount the shared folder "+m.Guest+": the box needs the VirtualBox Guest Additions (vboxsf)"))
}

// writeFileSystem mounts m, a file system the hypervisor shares under tag
// m.Name (libvirt's virtiofs or 9p), from /etc/fstab.
func writeFileSystem(w func(string, ...any), m Mount) {
	q := shquote.Quote
	w("# Synced folder %s (%s, tag %s), in /etc/fstab so that a reboot mounts it again%s.", m.Guest, m.Type, m.Name, maskNote(m))
	w(`mkdir -p %s`, q(m.Guest))
	opts := "nofail"
	if m.Options != "" {
		opts = m.Options + "," + opts
	}
	w(`line=%s`, q(fmt.Sprintf("%s %s %s %s 0 0", m.Name, fstabPath(m.Guest), m.Type, opts)))
	w(`grep -qxF "$line" /etc/fstab || printf '%%s\n' "$line" >>/etc/fstab`)
	w(`mountpoint -q %s || out=$(mount %s 2>&1) || fail_folder %s "mount failed: $out"`, q(m.Guest), q(m.Guest), q(m.Name))
}

func maskNote(m Mount) string {
	if m.Mask == "" {
		return ""
	}
	return ", with .envrun/ (the environment's key) under an empty read-only tmpfs"
}

// writeModules loads the kernel modules of the mounts' file systems, now
// and at every boot (modules-load.d, read before /etc/fstab is mounted).
// A module the guest's kernel lacks fails the script (fail_folder) naming
// the first folder that needs it.
func (g *Setup) writeModules(w func(string, ...any)) {
	q := shquote.Quote
	var mods []string
	first := map[string]string{} // module → the tag of the first mount that needs it
	for _, m := range g.Mounts {
		for _, mod := range fsModules[m.Type] {
			if _, seen := first[mod]; !seen {
				first[mod] = m.Name
				mods = append(mods, mod)
			}
		}
	}
	if len(mods) == 0 {
		return
	}
	w("")
	w("# The synced folders' file systems, loaded now and at every boot: the box's kernel must have them.")
	for _, mod := range mods {
		w(`modprobe -q %s || fail_folder %s "the machine's kernel ($(uname -r)) has no %s module"`, mod, q(first[mod]), mod)
	}
	w(`printf '%%s\n' %s >/etc/modules-load.d/envrun.conf`, strings.Join(mods, " "))
}

// growRoot grows the root file system to the end of its disk: the whole
// disk (envrun's Debian box), or its partition first when the box has
// growpart (cloud-guest-utils), as cloud images do. ext2/3/4, xfs and
// btrfs grow online.
const growRoot = `# disk_size: the root file system grows to fill its disk.
sys=/sys/dev/block/$(mountpoint -d /)
dev=/dev/$(basename "$(readlink -f "$sys")")
if [ -f "$sys/partition" ]; then
	disk=/dev/$(basename "$(dirname "$(readlink -f "$sys")")")
	command -v growpart >/dev/null || fail "disk_size: the root file system is on partition $dev, and the box has no growpart (cloud-guest-utils) to grow it"
	growpart "$disk" "$(cat "$sys/partition")" >/dev/null || [ $? -eq 1 ]
fi
fstype=$(findmnt -no FSTYPE /)
case $fstype in
ext2|ext3|ext4) out=$(resize2fs "$dev" 2>&1) || fail "disk_size: resize2fs $dev: $out" ;;
xfs) xfs_growfs / >/dev/null ;;
btrfs) btrfs filesystem resize max / >/dev/null ;;
*) fail "disk_size: envrun cannot grow a $fstype root file system: leave disk_size out, or grow it in a step" ;;
esac
`

// fstabPath escapes p for /etc/fstab, where a space or tab ends a field.
func fstabPath(p string) string {
	return strings.NewReplacer(`\`, `\134`, " ", `\040`, "\t", `\011`, "\n", `\012`).Replace(p)
}
