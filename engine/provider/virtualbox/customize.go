package virtualbox

import (
	"fmt"
	"strings"
)

// managedFlags are the modifyvm options envrun sets itself: giving them
// through modifyvm would fight envrun's own (use the key named).
var managedFlags = map[string]string{
	"--cpus": "cpus", "--memory": "memory", "--nic1": "envrun's NAT adapter", "--natpf1": "ports",
	"--description": "envrun's state", "--name": "virtualbox.name", "--groups": "envrun's group",
	"--nictype1": "virtualbox.nic_type", "--cableconnected1": "envrun's NAT adapter",
	"--uart1": "envrun's serial log", "--uartmode1": "envrun's serial log",
}

// checkModifyvm reports why args cannot be extra `VBoxManage modifyvm`
// arguments, or "": options (--x) each followed by its values, none that
// envrun sets itself, no NIC of the machine's networks.
func checkModifyvm(args []string) string {
	if len(args) == 0 {
		return ""
	}
	if !strings.HasPrefix(args[0], "--") {
		return fmt.Sprintf("%q is not a modifyvm option: the list is options and their values, like { \"--nested-hw-virt\", \"on\" } (the VM is envrun's; no command or VM name)", args[0])
	}
	for _, a := range args {
		if !strings.HasPrefix(a, "--") {
			continue
		}
		flag, _, _ := strings.Cut(a, "=")
		if key, ok := managedFlags[flag]; ok {
			return fmt.Sprintf("%s is set by envrun (%s)", flag, key)
		}
		for _, p := range []string{"--nic", "--hostonlyadapter", "--host-only-net", "--nictype", "--cableconnected"} {
			if n, ok := strings.CutPrefix(flag, p); ok && n >= "2" && n <= "9" && len(n) == 1 {
				return fmt.Sprintf("%s is the adapter of one of the machine's networks, which envrun sets (adapters 2 and up)", flag)
			}
		}
	}
	return ""
}
