# box-configure-libvirt.sh: turn an envrun box root filesystem (made by
# build-box.sh with the VM packages) into a libvirt box, as a public Vagrant
# box is: the whole disk is one ext4 file system booted by direct kernel
# boot, every NIC asks DHCP (libvirt's dnsmasq hands out the static
# addresses), and user vagrant authorizes Vagrant's well-known insecure key,
# which envrun replaces with the environment key on first contact.
# It runs inside the root filesystem (chroot).
set -eu

# No partition table and no bootloader: the kernel is given root=/dev/vda.
printf '/dev/vda / ext4 defaults,noatime 0 0\n' >/etc/fstab
printf 'box\n' >/etc/hostname
printf '127.0.0.1 localhost\n127.0.1.1 box\n' >/etc/hosts

# Every NIC by DHCP; the kernel is booted with net.ifnames=0 (eth0, eth1...).
{
	printf 'auto lo\niface lo inet loopback\n'
	for i in 0 1 2 3; do
		printf '\nallow-hotplug eth%s\niface eth%s inet dhcp\n' "$i" "$i"
	done
} >/etc/network/interfaces

# The host key is made at first boot, so that every machine has its own
# (box-configure.sh removed the ones made at install time). One ed25519
# key: RSA key generation takes a minute under software emulation.
printf 'HostKey /etc/ssh/ssh_host_ed25519_key\n' >/etc/ssh/sshd_config.d/envrun-hostkey.conf
cat >/etc/systemd/system/envrun-ssh-hostkeys.service <<'UNIT'
[Unit]
Description=Generate the SSH host key at first boot
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/ssh_host_ed25519_key

[Install]
WantedBy=multi-user.target
UNIT
systemctl enable envrun-ssh-hostkeys.service ssh.service >/dev/null 2>&1
# Nothing to scrub on a throw-away disk; it costs a minute of boot.
systemctl mask e2scrub_reap.service e2scrub_all.timer >/dev/null 2>&1

# Vagrant's well-known insecure public keys (ed25519 and RSA), as public
# boxes authorize them. They are public on purpose: envrun logs in with one
# once, installs the environment's own key and removes them.
cat >/home/vagrant/.ssh/authorized_keys <<'KEYS'
ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN1YdxBpNlzxDqfJyw/QKow1F+wvG9hXGoqiysfJOn5Y vagrant insecure public key
ssh-rsa AAAAB3NzaC1yc2EAAAABIwAAAQEA6NF8iallvQVp22WDkTkyrtvp9eWW6A8YVr+kz4TjGYe7gHzIw+niNltGEFHzD8+v1I2YJ6oXevct1YeS0o9HZyN1Q9qgCgzUFtdOKLv6IedplqoPkcmF0aYet2PkEDo3MlTBckFXPITAMzF8dJSIFo9D8HfdOV0IAdx4O7PtixWKn5y2hMNG0zQPyUecp4pzC6kivAIhyfHilFR61RGL+GPXQ2MWZWFYbAGjyiYJnAmCP3NOTd0jMZEnDkbUvxhMmBYSdETk1rRgm+R4LOzFUGaHqHDLKLX+FIPKcF96hrucXzcWyLbIbEgE98OHlnVYCzRdK8jlqm8tehUc9c9WhQ== vagrant insecure public key
KEYS
chown vagrant:vagrant /home/vagrant/.ssh/authorized_keys
chmod 0600 /home/vagrant/.ssh/authorized_keys

# A small, fast initramfs: only what finds the root disk.
printf 'virtio_pci\nvirtio_blk\next4\n' >>/etc/initramfs-tools/modules
sed -i 's/^MODULES=.*/MODULES=list/' /etc/initramfs-tools/initramfs.conf
printf 'RESUME=none\n' >/etc/initramfs-tools/conf.d/resume

# Drop the drivers a VM never needs (about two thirds of the modules).
for kdir in /lib/modules/*; do
	for d in drivers/gpu drivers/media drivers/net/wireless drivers/net/ethernet \
		drivers/infiniband drivers/staging drivers/bluetooth drivers/iio \
		drivers/isdn drivers/net/can drivers/scsi/qla2xxx drivers/scsi/lpfc \
		drivers/scsi/mpt3sas drivers/usb/gadget sound net/wireless net/mac80211 \
		net/bluetooth; do
		rm -rf "${kdir:?}/kernel/$d"
	done
	depmod -a "$(basename "$kdir")"
	# Synced folders are virtiofs or 9p over virtio (fs/fuse, fs/9p, net/9p): those stay.
	for mod in virtiofs 9p 9pnet_virtio; do
		modinfo -k "$(basename "$kdir")" "$mod" >/dev/null || { echo "box-configure-libvirt: kernel $(basename "$kdir") has no $mod module: synced folders need it" >&2; exit 1; }
	done
done
update-initramfs -u -k all >/dev/null

rm -rf /usr/share/doc/* /usr/share/man/* /usr/share/locale/* /var/cache/apt/*.bin
