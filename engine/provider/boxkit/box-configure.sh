# box-configure.sh: turn a fresh Debian root filesystem into an envrun box,
# what a Vagrant box gives a VM: a `vagrant` user with passwordless sudo and
# sshd. It runs inside the root filesystem (chroot or Docker build), with
# the packages of box-packages installed. No host key and no authorized key
# stay in the box: envrun installs both per machine.
set -eu
id vagrant >/dev/null 2>&1 || useradd --create-home --shell /bin/bash vagrant
usermod --password '*' vagrant # no password, but not locked: key login works
printf 'vagrant ALL=(ALL) NOPASSWD:ALL\n' >/etc/sudoers.d/vagrant
chmod 0440 /etc/sudoers.d/vagrant
install -d -m 0700 -o vagrant -g vagrant /home/vagrant/.ssh
rm -f /etc/ssh/ssh_host_*
mkdir -p /run/sshd
printf 'UseDNS no\nPasswordAuthentication no\n' >/etc/ssh/sshd_config.d/envrun.conf
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/*.log
