package provider

import (
	"strings"
	"testing"
)

// Ansible reads any argument of its ssh command containing "ControlPath"
// or "ControlPersist" as the user's own multiplexing settings, and then
// gives its master connection no ControlPath: every task would log in
// again through the jump host. The ProxyCommand put in the inventory must
// not name either, yet still use envrun's shared connection.
func TestProxyCommandLeavesAnsibleItsMaster(t *testing.T) {
	j := &JumpHost{User: "root", Host: "10.250.0.1", Port: "2222"}
	cmd := j.ProxyCommand()
	t.Log(cmd)
	for _, word := range []string{"controlpath", "controlpersist"} {
		if strings.Contains(strings.ToLower(cmd), word) {
			t.Errorf("ProxyCommand %q contains %q", cmd, word)
		}
	}
	if p := j.Mux().Path(); p != "" && !strings.Contains(cmd, " -S "+p+" ") {
		t.Errorf("ProxyCommand %q does not use the shared connection %s", cmd, p)
	}
	if !strings.HasSuffix(cmd, "-W %h:%p -l root -p 2222 10.250.0.1") {
		t.Errorf("ProxyCommand %q", cmd)
	}
}
