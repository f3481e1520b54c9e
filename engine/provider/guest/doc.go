// Package guest is first contact with a new VM, for every VM provider
// (libvirt, VirtualBox): log in once as the box's user with Vagrant's
// insecure keys (or the box's own), then run one shell script as root that
// makes the machine the environment's — its key authorized and the
// insecure ones removed, the box user's password and sshd's password
// login off, its hostname, and what the provider asks on top (a host key
// made in the guest and reported over a channel the network cannot forge,
// static addresses by MAC, shared folders with .envrun/ masked).
//
// Nothing secret crosses first contact's connection, whose host key is not
// known yet: the environment's public key, names and addresses go in; the
// host key's private half is made in the guest and never leaves it. The
// engine, not this package, pins the host key the provider reports.
package guest
