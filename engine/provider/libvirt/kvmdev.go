//go:build libvirt_dlopen && cgo

package libvirt

import (
	"io/fs"
	"os"
	"regexp"
)

// A host that has /dev/kvm but lets only root open it (a machine without
// udev, whose rule gives the device to the kvm group) sends libvirt into
// a loop: it probes qemu's capabilities with privileges and finds KVM,
// then, on every later call that needs them (defining or starting a
// domain, domcapabilities), checks whether the qemu user can open
// /dev/kvm, finds it cannot, calls its cached capabilities stale and
// starts qemu to probe them again: seconds per call, and each call of a
// VM's creation waits behind the others' probes (a one-VM define measured
// 68-120 s here, 1 s once the device was the kvm group's). See
// docs/providers.md.

// kvmDevice is the device whose mode is checked.
const kvmDevice = "/dev/kvm"

// qemuConf is libvirt's qemu driver configuration, which names the user
// qemu runs as.
const qemuConf = "/etc/libvirt/qemu.conf"

// kvmAdvice is the warning for a host in that state, "" for any other:
// dev (kvmDevice) is a device only its owner may open, and conf (the text
// of qemuConf, "" when unread) does not run qemu as root.
func kvmAdvice(dev fs.FileInfo, conf string) string {
	if dev == nil || dev.Mode()&fs.ModeCharDevice == 0 || dev.Mode().Perm()&0o066 != 0 {
		return ""
	}
	if m := qemuUser.FindStringSubmatch(conf); m != nil && (m[1] == "root" || m[1] == "+0") {
		return ""
	}
	return "libvirt probes qemu again (seconds) on every call that defines or starts a VM: " + kvmDevice +
		" exists but only root may open it, so the qemu user cannot, and libvirt finds its capabilities stale each time. " +
		"Give it to the kvm group as udev does: `sudo chgrp kvm " + kvmDevice + " && sudo chmod 0660 " + kvmDevice + "`"
}

// qemuUser is qemu.conf's `user = "NAME"` setting, when not commented out.
var qemuUser = regexp.MustCompile(`(?m)^[ \t]*user[ \t]*=[ \t]*"([^"]*)"`)

// hostKVMAdvice is kvmAdvice for this host.
func hostKVMAdvice() string {
	dev, err := os.Stat(kvmDevice)
	if err != nil {
		return ""
	}
	conf, _ := os.ReadFile(qemuConf)
	return kvmAdvice(dev, string(conf))
}
